import Foundation
import Testing

/// Jobs and cycle steps go through the same gate as `propose`: `action_type` and `attributes` set
/// how the policy sees them. A parked step does not stop its cycle; a hard stop never runs.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct PolicyRunTests {
    static let config = """
        [workspace]
        time_zone = "UTC"

        [policy.catalog]
        deploy = "approval"
        wipe_disk = "hard_stop"

        [jobs.wipe]
        schedule = "0 0 1 1 *"
        command = ["sh", "-c", "echo wiped >> wiped.txt"]
        action_type = "wipe_disk"
        attributes = { device = "/dev/sda" }

        [cycles.release]
        schedule = "0 0 1 1 *"

        [[cycles.release.steps]]
        name = "build"
        run = { command = ["sh", "-c", "echo build >> steps.txt"] }

        [[cycles.release.steps]]
        name = "deploy"
        run = { command = ["sh", "-c", "echo deploy >> steps.txt"] }
        action_type = "deploy"
        attributes = { env = "prod" }

        [[cycles.release.steps]]
        name = "notify"
        run = { command = ["sh", "-c", "echo notify >> steps.txt"] }
        """

    static func steps(_ workspace: TestWorkspace) -> [String] {
        (workspace.read("steps.txt") ?? "").split(separator: "\n").map(String.init)
    }

    @Test("a cycle whose middle step is parked runs the other steps and ends awaiting_approval; approving runs the step's command")
    func parkedStepDoesNotStopTheCycle() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            let check = try await CLI.run(workspace.args("config", "check"))
            #expect(check.status == 0, "\(check)")

            let result = try await CLI.run(workspace.args("cycles", "run", "release"))
            #expect(result.status == 3, "a run waiting on an approval exits 3, as propose does: \(result)")
            #expect(Self.steps(workspace) == ["build", "notify"], "steps 1 and 3 ran, the parked one did not: \(result)")

            let history = try await CLI.json([CycleRunInfo].self, workspace.args("cycles", "history", "release"))
            let run = try #require(history.first, "\(result)")
            #expect(history.count == 1)
            #expect(run.state == "awaiting_approval", "\(run.state) \(run.error ?? "")")
            #expect(run.steps.map(\.state) == ["succeeded", "awaiting_approval", "succeeded"], "\(run.steps.map(\.state))")
            #expect(run.error?.contains("awaiting approval: deploy") == true, "\(run.error ?? "nil")")

            let inbox = try await workspace.approvals()
            let parked = try #require(inbox.first, "approvals list shows the parked step")
            #expect(inbox.count == 1, "\(inbox)")
            #expect(parked.type == "deploy" && parked.actor == "cycle:release" && parked.decidedBy == ["catalog.deploy"], "\(parked)")
            #expect(parked.attributes["env"] == .string("prod"), "\(parked.attributes)")
            #expect(parked.payload["command"] == .array([.string("sh"), .string("-c"), .string("echo deploy >> steps.txt")]), "\(parked.payload)")

            let approved = try await CLI.run(workspace.args("approvals", "approve", parked.id))
            #expect(approved.status == 0, "\(approved)")
            #expect(Self.steps(workspace) == ["build", "notify", "deploy"], "approving ran the step's command once")
            let runs = try await workspace.runs()
            #expect(runs.contains { $0.trigger == "approval" && $0.job == "release" && $0.state == "succeeded" }, "\(runs)")
        }
    }

    @Test("a job whose action_type is a hard stop ends forbidden and its command never runs")
    func hardStopJobIsForbidden() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            let result = try await CLI.run(workspace.args("jobs", "run", "wipe", "--json"))
            #expect(result.status == 4, "a forbidden run exits 4, as propose does: \(result)")
            let run = try CLI.decode(RunInfo.self, result.stdout)
            #expect(run.state == "forbidden", "\(run)")
            #expect(run.error?.contains("wipe_disk is a hard stop") == true, "\(run)")
            #expect(!workspace.exists("wiped.txt"), "the command of a forbidden job never runs")

            let listed = try await workspace.runs(job: "wipe")
            #expect(listed.map(\.state) == ["forbidden"], "not retried, not run: \(listed)")
            let actions = try await workspace.approvals(all: true)
            #expect(actions.count == 1, "\(actions)")
            #expect(actions.first?.type == "wipe_disk" && actions.first?.actor == "job:wipe" && actions.first?.status == "forbidden", "\(actions)")
            #expect(actions.first?.attributes["device"] == .string("/dev/sda"), "\(actions)")
            #expect(try await workspace.approvals().isEmpty, "a hard stop is not offered for approval")
        }
    }
}
