import Foundation
import Testing

/// `config check` counts what the workspace runs: declared jobs and cycles and what packs add, as
/// `jobs list` shows them.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ConfigCheckCLITests {
    /// `config check --json`.
    struct CheckInfo: Decodable {
        var valid: Bool
        var jobs: [String]
        var cycles: [String]
        var fromPacks: [String]
    }

    /// `jobs list --json`, names only.
    struct JobName: Decodable { var name: String }

    @Test("with [builder], the pack's overnight cycle, morning-brief and check-in jobs are counted and named as the pack's")
    func builderPackCounted() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(agent: "exit 0", builder: """

                [jobs.backup]
                schedule = "0 3 * * *"
                command = ["true"]
                """)
            let check = try await CLI.run(workspace.args("config", "check"))
            #expect(check.status == 0, "\(check)")
            #expect(check.stdout == "\(workspace.configPath): ok (7 jobs (6 from packs), 1 cycle (from packs), 0 notifiers)\n", "\(check)")

            let json = try await CLI.json(CheckInfo.self, workspace.args("config", "check"))
            let listed = try await CLI.json([JobName].self, workspace.args("jobs", "list")).map(\.name)
            #expect(json.valid && json.jobs.sorted() == listed.sorted(), "config check and jobs list agree: \(json.jobs) vs \(listed)")
            let packJobs: Set<String> = [
                "overnight", "morning-brief", "checkin-tonight", "checkin-weekend", "window-quick_win", "window-work_hours", "window-weekend",
            ]
            #expect(Set(json.jobs) == packJobs.union(["backup"]) && json.cycles == ["overnight"], "\(json)")
            #expect(Set(json.fromPacks) == packJobs, "\(json)")
        }
    }

    @Test("one job, one cycle, one notifier are counted in the singular")
    func singular() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: """
                [workspace]
                time_zone = "UTC"

                [jobs.backup]
                schedule = "0 3 * * *"
                command = ["true"]

                [cycles.tidy]
                schedule = "0 4 * * *"

                [[cycles.tidy.steps]]
                name = "sweep"
                run = { command = ["true"] }

                [notifiers.ops]
                command = ["true"]
                """)
            let check = try await CLI.run(workspace.args("config", "check"))
            #expect(check.status == 0, "\(check)")
            #expect(check.stdout == "\(workspace.configPath): ok (1 job, 1 cycle, 1 notifier)\n", "\(check)")
            let json = try await CLI.json(CheckInfo.self, workspace.args("config", "check"))
            #expect(json.jobs.sorted() == ["backup", "tidy"] && json.cycles == ["tidy"] && json.fromPacks.isEmpty, "\(json)")
        }
    }
}
