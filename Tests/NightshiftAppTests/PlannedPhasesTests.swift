import Foundation
import Logging
import NightshiftApp
import NightshiftBuilder
import NightshiftCore
import NightshiftTesting
import Testing

/// A task whose first phase is `plan` may have its agent propose the phases after it
/// (`NIGHTSHIFT_OUTPUT {"phases": […]}`): a valid proposal replaces them and they run; one that does
/// not validate fails the plan phase, which runs again, and changes nothing.
@Suite("Phases proposed by a plan phase")
struct PlannedPhasesTests {
    static let config = """
        [workspace]
        name = "plan"
        time_zone = "UTC"

        [policy]
        [policy.catalog]
        spawn_subagent = "autonomous"
        run_command = "autonomous"

        [builder]
        agent = ["/bin/sh", "-c", "mkdir -p done && touch \\"done/$NIGHTSHIFT_TASK_PHASE\\" && if [ \\"$NIGHTSHIFT_TASK_PHASE\\" = plan ]; then cat plan-output.txt; fi"]
        max_attempts = 2
        """

    func run(plan output: String) async throws -> (QueueTask, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ns-plan-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(Self.config.utf8).write(to: URL(fileURLWithPath: "\(folder)/nightshift.toml"))
        // What the plan phase's agent prints.
        try Data("some notes\nNIGHTSHIFT_OUTPUT \(output)\n".utf8).write(to: URL(fileURLWithPath: "\(folder)/plan-output.txt"))
        let clock = TestClock(now: ISO8601.parse("2026-11-21T09:00:00Z")!)
        let app = try await buildApplication(
            workspace: Workspace(root: folder), environment: ["PATH": "/usr/bin:/bin"], clock: clock, logger: Logger(label: "test")
        )
        var new = BuildQueue.NewTask(id: "p", title: "Project", hours: 8, category: "Bug fixes")
        new.phases = [TaskPhase(name: "plan", hours: 1), TaskPhase(name: "build", hours: 7)]
        _ = try await app.buildQueue().add(new, at: clock.now())
        _ = await (try app.makeBuildWorker()).work(until: clock.now().addingTimeInterval(3600), window: nil)
        return (try #require(try await app.store.task("p")), folder)
    }

    @Test("a valid proposal replaces the phases after plan, and they run in order with their own verify")
    func validPlan() async throws {
        let (task, folder) = try await run(plan: #"{"phases": [{"name": "core", "hours": 4, "verify": "test -f done/core"}, {"name": "docs", "hours": 2}]}"#)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(task.state == .succeeded, "\(task)")
        #expect(task.phases == [TaskPhase(name: "plan", hours: 1), TaskPhase(name: "core", hours: 4, verify: "test -f done/core"), TaskPhase(name: "docs", hours: 2)])
        #expect(task.phaseOutcomes.mapValues(\.state) == ["plan": "succeeded", "core": "succeeded", "docs": "succeeded"])
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/done/build"), "the phase the plan replaced never ran")
    }

    @Test("a proposal that does not validate fails the plan phase, twice, and the task with it; the phases stay as given")
    func invalidPlan() async throws {
        let (task, folder) = try await run(plan: #"{"phases": [{"name": "core", "hours": 0}]}"#)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(task.state == .failed)
        #expect(task.lastError == "phase 1 of 2 (plan) failed 2 times: the plan's phase core needs hours above 0", "\(String(describing: task.lastError))")
        #expect(task.phases.map(\.name) == ["plan", "build"])
        #expect(task.phaseOutcomes["plan"]?.attempts == 2)
    }
}
