import Foundation
import Testing

/// One broken `nightshift.toml` and what `config check` must say about it.
struct BadConfig: Sendable, CustomTestStringConvertible {
    var name: String
    var toml: String
    /// Where the first error is: `nightshift.toml:LINE:COL:`.
    var line: Int
    var column: Int
    /// Text the message must contain.
    var fragments: [String]
    /// Text the output must never contain (secrets).
    var absent: [String] = []

    var testDescription: String { name }

    static let all: [BadConfig] = [
        BadConfig(
            name: "unknown key", toml: "[jobs.a]\nevery = \"1m\"\ncommand = [\"true\"]\ncolour = \"red\"",
            line: 4, column: 1, fragments: ["unknown key \"jobs.a.colour\""]
        ),
        BadConfig(
            name: "misspelt table", toml: "[wrkspace]\nname = \"x\"",
            line: 1, column: 2, fragments: ["unknown key \"wrkspace\"", "did you mean \"workspace\""]
        ),
        BadConfig(
            name: "cron value out of range", toml: "[jobs.a]\nschedule = \"0 25 * * *\"\ncommand = [\"true\"]",
            line: 2, column: 12, fragments: ["jobs.a.schedule", "hour", "\"25\""]
        ),
        BadConfig(
            name: "cron bad weekday name", toml: "[jobs.a]\nschedule = \"0 0 * * FRY\"\ncommand = [\"true\"]",
            line: 2, column: 12, fragments: ["jobs.a.schedule", "\"FRY\""]
        ),
        BadConfig(
            name: "job time zone", toml: "[jobs.a]\nevery = \"1m\"\ntime_zone = \"Mars/Olympus\"\ncommand = [\"true\"]",
            line: 3, column: 13, fragments: ["jobs.a.time_zone", "\"Mars/Olympus\""]
        ),
        BadConfig(
            name: "workspace time zone", toml: "[workspace]\ntime_zone = \"Mars/Olympus\"",
            line: 2, column: 13, fragments: ["workspace.time_zone", "\"Mars/Olympus\""]
        ),
        BadConfig(
            name: "duration with a space", toml: "[jobs.a]\nevery = \"1m\"\ntimeout = \"5 minutes\"\ncommand = [\"true\"]",
            line: 3, column: 11, fragments: ["jobs.a.timeout", "\"5 minutes\""]
        ),
        BadConfig(
            name: "duration unit", toml: "[workspace]\nshutdown_grace = \"10x\"",
            line: 2, column: 18, fragments: ["workspace.shutdown_grace", "unit \"x\""]
        ),
        BadConfig(
            name: "negative duration", toml: "[jobs.a]\nevery = \"1m\"\ncommand = [\"true\"]\njitter = \"-5s\"",
            line: 4, column: 10, fragments: ["jobs.a.jitter", "negative"]
        ),
        BadConfig(
            name: "interval that is no duration", toml: "[jobs.a]\nevery = \"zero\"\ncommand = [\"true\"]",
            line: 2, column: 9, fragments: ["jobs.a.every", "\"zero\""]
        ),
        BadConfig(
            name: "missing command", toml: "[jobs.a]\nevery = \"1m\"",
            line: 1, column: 7, fragments: ["job \"a\" has no action", "command"]
        ),
        BadConfig(
            name: "missing schedule", toml: "[jobs.a]\ncommand = [\"true\"]",
            line: 1, column: 7, fragments: ["job \"a\" has no schedule"]
        ),
        BadConfig(
            name: "two schedules", toml: "[jobs.a]\nevery = \"1m\"\nschedule = \"* * * * *\"\ncommand = [\"true\"]",
            line: 1, column: 7, fragments: ["more than one schedule"]
        ),
        BadConfig(
            name: "TOML unterminated array", toml: "[jobs.a]\nevery = \"1m\"\ncommand = [\"true\"\n",
            line: 3, column: 11, fragments: ["unterminated array"]
        ),
        BadConfig(
            name: "TOML unterminated string", toml: "[jobs.a]\nevery = \"1m\"\ncommand = \"echo hi",
            line: 3, column: 11, fragments: ["unterminated string"]
        ),
        BadConfig(
            name: "TOML missing value", toml: "[jobs.a]\nevery =\ncommand = [\"true\"]",
            line: 2, column: 8, fragments: ["expected a value"]
        ),
        BadConfig(
            name: "TOML duplicate key", toml: "a = 1\na = 2",
            line: 2, column: 1, fragments: ["duplicate key", "1:1"]
        ),
        BadConfig(
            name: "TOML duplicate table", toml: "[jobs.a]\nevery = \"1m\"\ncommand = [\"true\"]\n[jobs.a]\nevery = \"2m\"",
            line: 4, column: 1, fragments: ["[jobs.a]", "already defined"]
        ),
        // Columns count characters, not bytes: "é" is one column.
        BadConfig(
            name: "TOML junk after a value, after a multibyte character",
            toml: "[jobs.a]\nevery = \"1m\"\ncommand = [\"true\"]\ndescription = \"café\" colour = 1",
            line: 4, column: 22, fragments: ["'c'"]
        ),
        BadConfig(
            name: "secret literal in a webhook header",
            toml: "[jobs.a]\nevery = \"1m\"\nwebhook = { url = \"https://example.com/hook\", headers = { Authorization = \"Bearer s3cr3t-t0ken\" } }",
            line: 3, column: 75, fragments: ["Authorization", "secret", "env:NAME"], absent: ["s3cr3t-t0ken"]
        ),
        BadConfig(
            name: "credentials in a webhook URL", toml: "[jobs.a]\nevery = \"1m\"\nwebhook = \"https://user:hunter2pw@example.com/x\"",
            line: 3, column: 11, fragments: ["credentials", "env:NAME"], absent: ["hunter2pw"]
        ),
        BadConfig(
            name: "wrong type", toml: "[jobs.a]\nevery = \"1m\"\ncommand = [\"true\"]\ntimeout = 30",
            line: 4, column: 11, fragments: ["jobs.a.timeout", "string", "integer"]
        ),
        BadConfig(
            name: "unknown policy word", toml: "[jobs.a]\nevery = \"1m\"\ncommand = [\"true\"]\noverlap = \"sometimes\"",
            line: 4, column: 11, fragments: ["jobs.a.overlap", "\"sometimes\"", "\"skip\""]
        ),
        BadConfig(
            name: "retry attempts out of range", toml: "[jobs.a]\nevery = \"1m\"\ncommand = [\"true\"]\nretry = { attempts = 0 }",
            line: 4, column: 22, fragments: ["jobs.a.retry.attempts", "0"]
        ),
        BadConfig(
            name: "env entry that is no variable name", toml: "[jobs.a]\nevery = \"1m\"\ncommand = [\"true\"]\nenv = [\"NOT-A-NAME\"]",
            line: 4, column: 7, fragments: ["jobs.a.env", "\"NOT-A-NAME\""]
        ),
        BadConfig(
            name: "job name with a space", toml: "[jobs.\"bad name\"]\nevery = \"1m\"\ncommand = [\"true\"]",
            line: 1, column: 7, fragments: ["\"bad name\""]
        ),
        BadConfig(
            name: "health warning not below critical", toml: "[health]\ndisk_warning = 95\ndisk_critical = 90",
            line: 3, column: 17, fragments: ["health.disk_warning (95.0) must be below health.disk_critical (90.0)"]
        ),
        BadConfig(
            name: "health percentage out of range", toml: "[health]\nmemory_critical = 120",
            line: 2, column: 19, fragments: ["health.memory_critical must be a percentage above 0 and at most 100"]
        ),
        BadConfig(
            name: "health size that is no size", toml: "[health]\nlog_rotate_size = \"big\"",
            line: 2, column: 19, fragments: ["health.log_rotate_size must be a size such as \"10MB\""]
        ),
        BadConfig(
            name: "health interval too short", toml: "[health]\ninterval = \"1s\"",
            line: 2, column: 12, fragments: ["health.interval must be at least 10s, found 1s"]
        ),
        BadConfig(
            name: "watchdog unknown key", toml: "[watchdog]\nstale_afer = \"60s\"",
            line: 2, column: 1, fragments: ["unknown key \"watchdog.stale_afer\"", "did you mean \"stale_after\""]
        ),
    ]
}

/// `nightshift config check` on broken files: every mistake gives `nightshift.toml:LINE:COL: message`
/// and exit status 2.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ConfigErrorTests {
    @Test(arguments: BadConfig.all)
    func reportsFileLineColumnAndExitsTwo(_ bad: BadConfig) async throws {
        try await withWorkspace { workspace in
            try workspace.write(config: bad.toml)
            let result = try await CLI.run(workspace.args("config", "check"))
            #expect(result.status == 2, "\(result)")
            #expect(result.stdout.isEmpty, "problems go to stderr: \(result)")
            let lines = result.stderr.split(separator: "\n").map(String.init)
            let first = lines.first ?? ""
            #expect(first.hasPrefix("nightshift.toml:\(bad.line):\(bad.column): "), "\(result)")
            for fragment in bad.fragments {
                #expect(first.contains(fragment), "the message names \(fragment): \(first)")
            }
            for secret in bad.absent {
                #expect(!result.stderr.contains(secret) && !result.stdout.contains(secret), "messages never contain secrets: \(result)")
            }
            #expect(lines.last?.hasSuffix("in \(workspace.configPath)") == true, "a count of errors closes the report: \(result)")
        }
    }

    @Test func everyErrorIsListedAlsoAsJSON() async throws {
        try await withWorkspace { workspace in
            try workspace.write(config: "[workspace]\ntime_zone = \"Mars/Olympus\"\nshutdown_grace = \"10x\"\n")
            let text = try await CLI.run(workspace.args("config", "check"))
            #expect(text.status == 2)
            #expect(text.stderr.contains("nightshift.toml:2:13: "), "\(text)")
            #expect(text.stderr.contains("nightshift.toml:3:18: "), "\(text)")
            #expect(text.stderr.contains("2 errors in \(workspace.configPath)"), "\(text)")

            struct Report: Decodable {
                struct Problem: Decodable { var line: Int; var column: Int; var severity: String; var message: String }
                var valid: Bool
                var problems: [Problem]
            }
            let json = try await CLI.run(workspace.args("config", "check", "--json"))
            #expect(json.status == 2, "\(json)")
            let report = try CLI.decode(Report.self, json.stdout)
            #expect(!report.valid)
            #expect(report.problems.map { "\($0.line):\($0.column):\($0.severity)" } == ["2:13:error", "3:18:error"])
        }
    }

    @Test func commandsThatLoadTheWorkspaceRefuseABadFile() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: "[jobs.a]\nevery = \"2s\"\ncommand = [\"true\"]\ncolour = \"red\"\n")
            for arguments in [workspace.args("serve"), workspace.args("jobs", "list"), workspace.args("status")] {
                let result = try await CLI.run(arguments, timeout: 20)
                #expect(result.status == 2, "\(arguments): \(result)")
                #expect(result.stderr.contains("\(workspace.configPath):4:1: unknown key \"jobs.a.colour\""), "\(arguments): \(result)")
            }
        }
    }

    @Test func validFileChecksOkWithWarningsForUnsetSecrets() async throws {
        try await withWorkspace { workspace in
            try workspace.write(config: Self.everything)
            let unset = try await CLI.run(workspace.args("config", "check"))
            #expect(unset.status == 0, "\(unset)")
            #expect(unset.stdout.contains("\(workspace.configPath): ok (4 jobs, 0 cycles, 2 notifiers)"), "\(unset)")
            #expect(unset.stderr.contains("nightshift.toml:11:29: warning: environment variable OPS_TOKEN is not set"), "\(unset)")

            let set = try await CLI.run(
                workspace.args("config", "check"),
                environment: ["OPS_WEBHOOK_URL": "https://ops.example.com/hook", "OPS_TOKEN": "tok-123456", "HOOK_KEY": "key-123456"]
            )
            #expect(set.status == 0, "\(set)")
            #expect(set.stderr.isEmpty, "no warning once the variables are set: \(set)")
        }
    }

    /// Every kind of declaration, valid.
    static let everything = """
        [workspace]
        name = "everything"
        time_zone = "Europe/Berlin"
        max_concurrent = 2
        shutdown_grace = "30s"
        late_after = "1m"
        run_log_limit = 65536

        [notifiers.ops]
        webhook = "env:OPS_WEBHOOK_URL"
        headers = { Authorization = "env:OPS_TOKEN" }

        [notifiers.local]
        command = ["sh", "-c", "echo \\"$NIGHTSHIFT_ALERT_TEXT\\" >> alerts.log"]

        [jobs.nightly]
        description = "cron in a zone"
        schedule = "30 2 * * MON-FRI"
        time_zone = "America/New_York"
        command = ["./bin/backup.sh", "--full"]
        cwd = "bin"
        env = ["BACKUP_TARGET"]
        timeout = "1h30m"
        retry = { attempts = 3, backoff = "30s", max_backoff = "10m" }
        overlap = "queue"
        missed = "all"
        grace = "6h"
        alert_after = 2
        alert_cooldown = "1h"
        success_if = { json = "status", equals = "ok" }

        [jobs.pulse]
        every = "5m"
        active_hours = "07:00-23:00"
        jitter = "10s"
        command = "echo alive"
        success_if = { contains = "alive" }

        [jobs.once]
        at = 2030-12-01T09:00:00Z
        webhook = { url = "https://hooks.example.com/x", method = "PUT", headers = { X-Api-Key = "env:HOOK_KEY" } }

        [jobs.boot]
        on_start = true
        command = ["df", "-P", "."]
        success_if = { matches = "[0-9]+%" }
        """
}
