import Foundation

/// Random command lines for the fuzz suites: an input's bytes are the arguments, separated by NUL
/// (as in `/proc/PID/cmdline`), with seeds and a dictionary of the CLI's own words.
enum CommandLineFuzzing {
    /// The arguments `data` holds (invalid UTF-8 is replaced, as a shell would pass it on).
    static func arguments(_ data: Data) -> [String] {
        data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Command lines from the documentation, one per seed, NUL-separated.
    static let seeds: [String] = [
        ["schedule", "next", "*/15 9-17 * * MON-FRI", "--tz", "America/New_York", "--count", "3", "--json"],
        ["schedule", "next", "1-2/9223372036854775807 * * * *", "--after", "2026-01-01T00:00:00Z"],
        ["propose", "send_follow_up_email", "--attr", "recipient=ana@acme.example", "--attr", "stage=discovery", "--attr", "n=12"],
        ["propose", "delete_old_logs", "--payload", #"{"command": ["sh", "-c", "rm -f logs/old/*.log"]}"#, "--actor", "job:tidy"],
        ["policy", "explain", "spawn_subagent", "--attr", "category=Bug fixes", "--attr", "hours=3", "--tenant", "acme", "--json"],
        ["policy", "explain", "deploy", "--at", "2026-03-07T03:00:00Z"],
        ["propose", "deploy", "--dry-run", "--at", "2026-03-07T03:00:00+01:00", "--json"],
        ["queue", "add", "Cache the schedule", "--hours", "2.5", "--category", "Bug fixes", "--priority", "HIGH", "--impact", "7", "--depends-on", "task_1"],
        ["queue", "next", "-n", "3"],
        ["runs", "list", "--limit", "5", "--since", "24h", "--json"],
        ["patterns", "log", "news", "--meta", #"{"command": "./fetch.sh"}"#, "--at", "2026-03-02T18:05:00+01:00"],
        ["patterns", "suggest", "--hours", "48"],
        ["goals", "add", "demos", "--metric", "meetings_booked", "--target", "12", "--start", "2026-01-01", "--end", "2026-01-31"],
        ["goals", "progress", "demos", "4.5"],
        ["context", "set", "work", "--for", "2h"],
        ["context", "upcoming", "--hours", "12"],
        ["improve", "log-time", "sync.mail", "7200"],
        ["audit", "list", "--since", "7d", "--type", "decision", "--limit", "10"],
        ["config", "check", "--json", "-w", "/tmp/nightshift-fuzz-none"],
        ["queue", "add", "Offline mode", "--hours", "10", "--category", "Bug fixes", "--phase", "plan:1:test -f PLAN.md", "--phase", "build:6h"],
        ["queue", "rollback", "task_3", "--json"],
        ["prospects", "import", "leads.csv", "--map", "E-mail Address=email", "--map", "Org=custom.org", "--skip-bad", "--source", "webinar"],
        ["prospects", "list", "--state", "broken,parked", "--limit", "20", "--json"],
        ["prospects", "park", "p_01", "--until", "2027-03", "--reason", "spring"], ["prospects", "activate", "--month", "2027-03"],
        ["prospects", "dnc", "p_01"],
        ["help", "queue", "add"], ["--version"], ["jobs", "--help"],
    ].map { $0.joined(separator: "\u{0}") }

    /// Command and option names, and values at the edges.
    static let dictionary = [
        "schedule", "next", "propose", "policy", "explain", "test", "queue", "add", "runs", "list", "show", "patterns", "log", "suggest",
        "goals", "progress", "context", "set", "upcoming", "improve", "log-time", "audit", "verify", "config", "check", "cycles", "jobs",
        "run", "approvals", "approve", "serve", "status", "doctor", "brief", "weekend", "overnight", "health", "init",
        "--json", "--attr", "--payload", "--limit", "--hours", "--count", "--since", "--at", "--for", "--meta", "--impact", "--effort",
        "--target", "--dry-run", "-n", "-w", "--workspace", "--", "=", "\u{0}", "prospects", "import", "--map", "--skip-bad", "park",
        "--until", "activate", "--month", "dnc", "--state", "--phase", "rollback", ":", "{\"a\":1,}", "[1,]", "0x10", "+5", " 5", "1e400", "-1",
    ]
}
