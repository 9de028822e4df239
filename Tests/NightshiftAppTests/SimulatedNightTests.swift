import Foundation
import Logging
import NightshiftApp
import NightshiftBuilder
import NightshiftCore
import NightshiftTesting
import Testing

/// A whole night of the builder on a test clock, with real script agents: the queue is scheduled
/// into the overnight window, the worker runs what the policy allows, and the report and the brief
/// say what became of each task.
@Suite("A simulated night of the builder")
struct SimulatedNightTests {
    static let config = """
        [workspace]
        name = "night"
        time_zone = "UTC"

        [policy]
        [policy.catalog]
        spawn_subagent = "autonomous"
        run_command = "autonomous"
        [policy.categories]
        "Bug fixes" = "autonomous"
        "Documentation" = "autonomous"
        "Performance optimization" = "autonomous"
        "New features" = "approval"

        [builder]
        agent = ["/bin/sh", "-c", "echo \\"agent for $NIGHTSHIFT_TASK_ID: $1\\"; mkdir -p done; touch done/$NIGHTSHIFT_TASK_ID", "agent", "{title}"]
        max_concurrent = 2
        """

    @Test("5 tasks: 3 ship (one after its dependency), one fails its verify command, one waits for approval; report and brief say so")
    func night() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ns-night-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(Self.config.utf8).write(to: URL(fileURLWithPath: "\(folder)/nightshift.toml"))
        let evening = ISO8601.parse("2026-11-20T22:00:00Z")!
        let clock = TestClock(now: evening)
        let app = try await buildApplication(
            workspace: Workspace(root: folder), environment: ["PATH": "/usr/bin:/bin"], clock: clock, logger: Logger(label: "test")
        )
        let queue = try app.buildQueue()

        let fix = try await queue.add(.init(id: "fix", title: "Fix login", hours: 1, category: "Bug fixes", priority: .high, verify: "test -f done/fix"), at: evening)
        let docs = try await queue.add(.init(id: "docs", title: "Document the fix", hours: 1, category: "Documentation", dependsOn: ["fix"], verify: "test -f done/docs"), at: evening)
        let speed = try await queue.add(.init(id: "speed", title: "Speed up reports", hours: 3, category: "Performance optimization", priority: .high), at: evening)
        let broken = try await queue.add(.init(id: "broken", title: "Tidy scripts", hours: 2, category: "Bug fixes", priority: .low, verify: "test -f done/nothing-here"), at: evening)
        let feature = try await queue.add(.init(id: "feature", title: "CSV export", hours: 4, category: "New features"), at: evening)
        #expect(docs.state == .blocked)

        // 23:00: the overnight cycle's schedule step places the ready tasks into tonight's window.
        clock.advance(to: ISO8601.parse("2026-11-20T23:00:00Z")!)
        let planner = try await app.buildPlanner(at: clock.now())
        let plan = planner.plan(try await queue.refreshBlocked(at: clock.now()), at: clock.now(), only: "overnight")
        #expect(Set(plan.assignments.map(\.task.id)) == [fix.id, speed.id, broken.id, feature.id])
        _ = try await BuildPlanner.apply(plan, store: app.store, at: clock.now())

        // The builds step: everything allowed runs now; the clock stands still while the agents work.
        let worker = try app.makeBuildWorker()
        let summary = await worker.work(until: ISO8601.parse("2026-11-21T06:30:00Z")!, window: "overnight")
        #expect(Set(summary.succeeded) == [fix.id, docs.id, speed.id])
        #expect(summary.failed == [broken.id])
        #expect(summary.parked == [feature.id])
        #expect(summary.peakConcurrent <= 2)

        let states = Dictionary(uniqueKeysWithValues: try await queue.all().map { ($0.id, $0) })
        #expect(states[fix.id]?.state == .succeeded)
        #expect(states[docs.id]?.state == .succeeded, "the dependent task ran once its dependency succeeded")
        #expect(states[broken.id]?.state == .failed)
        #expect(states[broken.id]?.lastError?.contains("verification failed") == true)
        #expect(states[feature.id]?.state == .awaitingApproval)
        let parkedAction = try #require(states[feature.id]?.actionID)
        let parkedStatus = try await app.store.action(parkedAction)?.status
        #expect(parkedStatus == .awaitingApproval)

        // Every spawn has a start and an end line, and never more than two agents ran at once.
        let lines = try String(contentsOfFile: "\(folder)/logs/subagents.jsonl", encoding: .utf8).split(separator: "\n")
        let events = try lines.map { try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        #expect(events.filter { $0["event"]?.stringValue == "start" }.count == 4)
        #expect(events.filter { $0["event"]?.stringValue == "end" }.count == 4)
        let agentLog = try String(contentsOfFile: "\(folder)/logs/subagents/fix.log", encoding: .utf8)
        #expect(agentLog.contains("agent for fix: Fix login"))

        // 06:30: the completion report.
        clock.advance(to: ISO8601.parse("2026-11-21T06:30:00Z")!)
        let report = try await app.overnightReport(until: clock.now())
        #expect(report.date == "2026-11-21")
        #expect(Set(report.completed.map(\.id)) == [fix.id, docs.id, speed.id])
        #expect(report.failed.map(\.id) == [broken.id])
        #expect(report.awaitingApproval.map(\.id) == [feature.id])
        #expect(report.inProgress.isEmpty)
        #expect(report.hoursShipped == 5)
        let paths = try report.write(to: app.overnightReportsDirectory, timeZone: TimeZone(identifier: "UTC")!)
        let markdown = try String(contentsOfFile: paths.markdown, encoding: .utf8)
        #expect(markdown.contains("Completed: 3 (target 2–3)"))
        #expect(markdown.contains("Hours shipped: 5 h"))

        // 07:00: the morning brief says the same, with the command that approves the feature.
        clock.advance(to: ISO8601.parse("2026-11-21T07:00:00Z")!)
        let brief = try await app.makeBriefBuilder().build(since: ISO8601.parse("2026-11-20T23:00:00Z")!, until: clock.now())
        let shipped = try #require(brief.section("builds_shipped"))
        #expect(shipped.lines.first == "3 tasks shipped, 5 h of estimated work.")
        for title in ["Fix login", "Document the fix", "Speed up reports"] { #expect(shipped.lines.contains { $0.contains(title) }) }
        let failed = try #require(brief.section("builds_failed"))
        #expect(failed.lines.count == 1)
        #expect(failed.lines[0].contains("broken Tidy scripts") && failed.lines[0].contains("verification failed"))
        let approvals = try #require(brief.section(BriefSection.CoreID.approvals))
        #expect(approvals.lines.contains { $0.contains("nightshift approvals approve \(parkedAction)") })
        let queueLine = try #require(brief.section("queue")?.lines.first)
        #expect(queueLine.hasPrefix("5 tasks: 1 awaiting_approval, 3 succeeded, 1 failed"))
        #expect(brief.section("builds_in_progress") == nil)
        let ranks = brief.sections.map(\.rank)
        #expect(ranks == ranks.sorted(), "sections come in the brief's order")

        // The operator approves in the morning: the approval runs the feature once, at once; the
        // next night's worker has nothing left of it to run.
        let approved = try await app.gate.approve(parkedAction, by: "operator", note: nil)
        #expect(approved.executed && approved.result.succeeded)
        #expect(try await app.store.task(feature.id)?.state == .succeeded)
        let next = await worker.work(until: ISO8601.parse("2026-11-22T06:30:00Z")!, window: nil)
        #expect(next.started.isEmpty && next.succeeded.isEmpty)
        let usedStatus = try await app.store.action(parkedAction)?.status
        #expect(usedStatus == .executed, "the approval executed the spawn once")
    }
}
