import Foundation
import Testing

/// `nightshift patterns prebuild` through the policy gate, and the requests other commands record.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct PatternsPrebuildCLITests {
    /// A rule that forbids every pre-build the pattern learner proposes.
    static let forbidPrebuilds = """

        [policy]

        [[policy.rules]]
        id = "no-prebuilds"
        effect = "forbid"
        types = ["run_command"]
        when = ["actor", "==", "pack:patterns"]
        reason = "pre-builds wait for the operator here"
        """

    /// 10 days of `report` at the time of day it will be 2.5 h from now, each with a command that
    /// appends a line to `prebuilt.txt`: its pre-build is due now (3 h ahead has passed, 2 h not).
    /// Returns the pattern's id.
    static func logDueRoutine(_ workspace: TestWorkspace) async throws -> String {
        let expected = Date().addingTimeInterval(2.5 * 3600)
        for day in 1...10 {
            try await workspace.logRequest(
                "report", at: expected.addingTimeInterval(-Double(day) * 86_400),
                meta: #"{"command": ["sh", "-c", "echo built >> prebuilt.txt"]}"#)
        }
        let parts = UTCClock.calendar.dateComponents([.hour, .minute], from: expected)
        return String(format: "report.%02d%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    func prebuild(_ workspace: TestWorkspace) async throws -> [PrebuildOutcomeInfo] {
        try await CLI.json([PrebuildOutcomeInfo].self, workspace.args("patterns", "prebuild"))
    }

    @Test("prebuild runs an enabled, due pattern's command through the gate exactly once; a second call does nothing")
    func prebuildRunsOnce() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: "[workspace]\ntime_zone = \"UTC\"\n")
            let id = try await Self.logDueRoutine(workspace)
            #expect(try await prebuild(workspace).isEmpty, "nothing runs before the operator enables it")
            let enabled = try await CLI.run(workspace.args("patterns", "enable", id))
            try #require(enabled.status == 0, "\(enabled)")

            let dryRun = try await CLI.json([PrebuildOutcomeInfo].self, workspace.args("patterns", "prebuild", "--dry-run"))
            #expect(dryRun.map(\.status) == ["due"] && dryRun.first?.pattern == id, "\(dryRun)")
            #expect(workspace.read("prebuilt.txt") == nil, "--dry-run runs nothing")

            let first = try await prebuild(workspace)
            let outcome = try #require(first.first, "one pre-build is due")
            #expect(first.count == 1 && outcome.pattern == id && outcome.status == "succeeded", "\(first)")
            let runID = try #require(outcome.runId, "an executed pre-build is a run")
            #expect(outcome.actionId?.hasPrefix("a_") == true, "it went through the gate: \(outcome)")
            let run = try await workspace.run(runID)
            #expect(run.state == "succeeded" && run.job == "run_command", "\(run)")
            #expect(workspace.read("prebuilt.txt") == "built\n")

            #expect(try await prebuild(workspace).isEmpty, "the same expected request is pre-built once")
            #expect(workspace.read("prebuilt.txt") == "built\n", "the command ran exactly once")
            let audit = try await CLI.run(workspace.args("audit", "list", "--json"))
            #expect(audit.status == 0 && audit.stdout.contains("pack:patterns"), "the decision is in the audit trail: \(audit)")
        }
    }

    @Test("a policy forbidding run_command for pack:patterns is obeyed: the pre-build is reported forbidden, not run, and not proposed again")
    func prebuildObeysPolicy() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: "[workspace]\ntime_zone = \"UTC\"\n" + Self.forbidPrebuilds + "\n")
            let id = try await Self.logDueRoutine(workspace)
            let enabled = try await CLI.run(workspace.args("patterns", "enable", id))
            try #require(enabled.status == 0, "\(enabled)")

            let outcomes = try await prebuild(workspace)
            #expect(outcomes.map(\.status) == ["forbidden"], "\(outcomes)")
            #expect(outcomes.first?.runId == nil && outcomes.first?.detail?.contains("pre-builds wait for the operator here") == true, "\(outcomes)")
            #expect(workspace.read("prebuilt.txt") == nil, "a forbidden pre-build never runs")
            #expect(try await prebuild(workspace).isEmpty, "a decided pre-build is not proposed again")
            let text = try await CLI.run(workspace.args("patterns", "prebuild"))
            #expect(text.status == 0 && text.stdout.contains("No pre-build is due"), "\(text)")
        }
    }

    @Test("jobs run NAME, queue add and brief record job:NAME, queue:add (with title and category) and brief")
    func otherCommandsRecordRequests() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilderExample()
            let config = try #require(workspace.read("nightshift.toml"))
            try workspace.write(config: config + "\n[jobs.hello]\nschedule = \"0 3 1 1 *\"\ncommand = \"true\"\n")
            let run = try await CLI.run(workspace.args("jobs", "run", "hello"))
            #expect(run.status == 0, "\(run)")
            let unknown = try await CLI.run(workspace.args("jobs", "run", "nope"))
            #expect(unknown.status == 1, "\(unknown)")
            let add = try await CLI.run(workspace.args("queue", "add", "Fix login", "--hours", "1", "--category", "Bug fixes"))
            #expect(add.status == 0, "\(add)")
            let brief = try await CLI.run(workspace.args("brief", "--no-save"))
            #expect(brief.status == 0, "\(brief)")

            let events = try await workspace.requestEvents()
            #expect(events.map(\.name) == ["job:hello", "queue:add", "brief"], "an unknown job is not a request: \(events.map(\.name))")
            let queued = try #require(events.first { $0.name == "queue:add" })
            #expect(queued.meta?["title"] == .string("Fix login") && queued.meta?["category"] == .string("Bug fixes"), "\(String(describing: queued.meta))")
            #expect(try await workspace.requestEvents(name: "job:hello").count == 1)
        }
    }
}
