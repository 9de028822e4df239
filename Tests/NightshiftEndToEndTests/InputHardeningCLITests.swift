import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Inputs from outside — a cron, a number in the config or on the command line, a JSON payload, a
/// webhook URL, a calendar, the bytes of the config file — never crash the binary and are refused
/// with the place or the flag named (issue 11, items 15–17).
@Suite(.serialized, .timeLimit(.minutes(3)))
struct InputHardeningCLITests {
    static let hugeStep = "1-2/9223372036854775807 * * * *"

    // MARK: Item 15: bounded arithmetic

    @Test func scheduleNextWithAHugeStepPrintsItsFires() async throws {
        let result = try await CLI.run(["schedule", "next", Self.hugeStep, "--after", "2026-01-01T00:00:00Z", "--count", "2"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.split(separator: "\n") == ["2026-01-01T00:01:00+00:00", "2026-01-01T01:01:00+00:00"], "\(result)")
    }

    @Test func hugeCronStepInTheConfigChecksLoadsAndServes() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: "[jobs.a]\nschedule = \"\(Self.hugeStep)\"\ncommand = [\"true\"]\n")
            for arguments in [workspace.args("config", "check"), workspace.args("status"), workspace.args("jobs", "list")] {
                let result = try await CLI.run(arguments)
                #expect(result.status == 0, "\(arguments): \(result)")
            }
            let serve = try await ServeProcess.start(workspace)
            defer { serve.kill() }
            // The daemon plans the job's slots (the next is within the hour) and stays up.
            try await Task.sleep(for: .seconds(2))
            #expect(serve.isRunning, "\(serve.stderr)")
            let code = try await serve.stop(SIGTERM)
            #expect(!serve.killedBySignal && code == 0, "exit \(code), signal \(serve.killedBySignal): \(serve.stderr)")
        }
    }

    @Test func maxConcurrentTooLargeIsRefusedByCheckAndServe() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: "[workspace]\nmax_concurrent = 9223372036854775807\n")
            for arguments in [workspace.args("config", "check"), workspace.args("serve")] {
                let result = try await CLI.run(arguments, timeout: 20)
                #expect(result.status == 2, "\(arguments): \(result)")
                #expect(result.stderr.contains("nightshift.toml:2:18: workspace.max_concurrent must be between 1 and 1024, found 9223372036854775807"), "\(result)")
            }
        }
    }

    // MARK: Item 16: numbers and JSON on the command line

    /// ArgumentParser reads a Double with `Double(_:)`, which takes `0x10` as 16; every numeric option
    /// refuses any form but decimal digits, naming the flag.
    @Test(arguments: [
        (["queue", "add", "Fix", "--category", "Bug fixes", "--hours", "0x10"], "--hours"),
        (["queue", "add", "Fix", "--category", "Bug fixes", "--hours", "inf"], "--hours"),
        (["queue", "add", "Fix", "--category", "Bug fixes", "--hours", "2", "--impact", "+5"], "--impact"),
        (["queue", "next", "-n", "0x3"], "-n"),
        (["runs", "list", "--limit", "+5"], "--limit"),
        (["runs", "list", "--limit", " 5"], "--limit"),
        (["runs", "list", "--limit", "99999999999999999999"], "--limit"),
        (["schedule", "next", "* * * * *", "--count", "0o7"], "--count"),
        (["goals", "add", "g", "--metric", "m", "--target", "1e3", "--start", "2026-01-01", "--end", "2026-02-01"], "--target"),
        (["context", "upcoming", "--hours", "012 "], "--hours"),
    ])
    func numericOptionsRefuseOtherForms(_ arguments: [String], _ flag: String) async throws {
        let result = try await CLI.run(arguments + ["-w", "/nonexistent-nightshift-workspace"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains(flag), "the error names \(flag): \(result)")
        #expect(result.stdout.isEmpty, "\(result)")
    }

    @Test(arguments: [
        (["propose", "note", "--payload", "[1,]"], "--payload is not valid JSON: 1:3: trailing comma before ']'"),
        (["propose", "note", "--payload", #"{"a": 1, "a": 2}"#], #"--payload is not valid JSON: 1:10: duplicate key "a""#),
        (["policy", "explain", "note", "--payload", "{\n\"a\": 1,\n}"], "--payload is not valid JSON: 2:7: trailing comma before '}'"),
        (["propose", "note", "--attr", #"obj={"x": 1,}"#], "--attr obj is not valid JSON: 1:8: trailing comma before '}'"),
        (["propose", "note", "--attr", "n=1e400"], "--attr n: 1e400 is too large for a number"),
        (["patterns", "log", "news", "--meta", #"{"command": "a", "command": "b"}"#], #"--meta is not valid JSON: 1:18: duplicate key "command""#),
    ])
    func jsonArgumentsAreStrict(_ arguments: [String], _ message: String) async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize()
            let result = try await CLI.run(arguments + ["-w", workspace.root])
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains(message), "\(result)")
            let recorded = try await CLI.run(workspace.args("approvals", "list", "--all", "--json"))
            #expect(recorded.stdout.filter { !$0.isWhitespace } == "[]", "nothing was recorded: \(recorded)")
        }
    }

    /// An attribute is a number only when written as a JSON number; `0x10` stays the text it is.
    @Test func attributeNumbersAreJSONNumbers() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize()
            struct Proposal: Decodable {
                struct Action: Decodable { var attributes: [String: JSONAny] }
                var action: Action
            }
            let result = try await CLI.run(workspace.args(
                "propose", "note", "--attr", "hex=0x10", "--attr", "plus=+5", "--attr", "n=12", "--attr", "x=-0.5e1", "--attr", "day=2026-03-01",
                "--attr", "zip=01234", "--json"
            ))
            #expect(result.status == 3, "an unknown type is parked: \(result)")
            let attributes = try CLI.decode(Proposal.self, result.stdout).action.attributes
            #expect(attributes["hex"] == .string("0x10"))
            #expect(attributes["plus"] == .string("+5"))
            #expect(attributes["n"] == .number(12))
            #expect(attributes["x"] == .number(-5))
            #expect(attributes["day"] == .string("2026-03-01"))
            #expect(attributes["zip"] == .string("01234"))
        }
    }

    // MARK: Item 17: configuration that will never work

    @Test(arguments: [
        ("[jobs.a]\nschedule = \"0 2 30 2 *\"\ncommand = [\"true\"]\n", "nightshift.toml:2:12: jobs.a.schedule: \"0 2 30 2 *\" never fires: February has no day 30"),
        ("[notifiers.chat]\nwebhook = \"https://hooks.slack.com/services/T0/B0/sEcReT123\"\n", "nightshift.toml:2:11: this is a Slack webhook URL"),
        ("[notifiers.chat]\nwebhook = \"https://discord.com/api/webhooks/1/sEcReT123\"\n", "nightshift.toml:2:11: this is a Discord webhook URL"),
        ("[context]\ncalendars = [\"cal.ics\"]\n", "nightshift.toml:2:14: context.calendars[0]: cal.ics: cannot read the calendar file: it does not exist"),
    ])
    func configCheckRefusesWhatNeverWorks(_ toml: String, _ message: String) async throws {
        try await withWorkspace { workspace in
            try workspace.write(config: toml)
            let result = try await CLI.run(workspace.args("config", "check"))
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.hasPrefix(message), "\(result)")
            #expect(!result.stderr.contains("sEcReT123"), "the secret is never echoed: \(result)")
        }
    }

    @Test func scheduleNextSaysACronNeverFires() async throws {
        let result = try await CLI.run(["schedule", "next", "0 0 31 4 *"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("never fires: April has no day 31"), "\(result)")
    }

    @Test func configThatIsNotUTF8NamesTheByte() async throws {
        try await withWorkspace { workspace in
            try workspace.write(config: "")
            try Data(Array("[workspace]\nname = \"caf".utf8) + [0xE9] + Array("\"\n".utf8)).write(to: URL(fileURLWithPath: workspace.configPath))
            for arguments in [workspace.args("config", "check"), workspace.args("status")] {
                let result = try await CLI.run(arguments)
                #expect(result.status == 2, "\(result)")
                #expect(result.stderr.contains("nightshift.toml:2:12: invalid UTF-8 (byte 0xE9)"), "\(result)")
            }
            let json = try await CLI.run(workspace.args("config", "check", "--json"))
            #expect(json.status == 2 && json.stdout.contains("invalid UTF-8"), "\(json)")
        }
    }

    /// A calendar broken after the check: the commands that read the operator's context say so.
    @Test func brokenCalendarIsReportedByStatusAndDoctor() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: "[context]\ncalendars = [\"cal.ics\"]\n\n[context.routine]\nwork = [\"00:00-24:00\"]\n")
            try Data("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:x\nEND:VEVENT\nEND:VCALENDAR\n".utf8)
                .write(to: URL(fileURLWithPath: "\(workspace.root)/cal.ics"))
            let status = try await CLI.run(workspace.args("status"))
            #expect(status.status == 0, "\(status)")
            #expect(status.stdout.contains("calendar   left out: cal.ics:3: "), "\(status)")
            let doctor = try await CLI.run(workspace.args("doctor"))
            #expect(doctor.stdout.contains("WARNING  calendars: cal.ics:3: "), "\(doctor)")
        }
    }
}

/// A JSON value as the tests compare it.
enum JSONAny: Decodable, Equatable {
    case string(String)
    case number(Double)
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else {
            self = .other
        }
    }
}
