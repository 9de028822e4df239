import Foundation
import Logging
import NightshiftApp
import NightshiftBuilder
import NightshiftCore
import NightshiftTesting
import Testing

/// A whole week of the builder on a test clock, with real script agents, driven through the pack's
/// steps as their jobs fire them: Monday's 19:00 check-in offers the quick wins, the night runs the
/// overnight task, Tuesday's work-hours window its own, Friday's check-in lists the weekend
/// project's phases, Saturday's window builds it in three phases (the second failing its verify
/// once and running again), Sunday's summary says how each phase went, and the week's metrics come
/// out exact.
@Suite("A simulated week of the builder")
struct SimulatedWeekTests {
    static let config = """
        [workspace]
        name = "week"
        time_zone = "UTC"

        [policy]
        [policy.catalog]
        spawn_subagent = "autonomous"
        run_command = "autonomous"
        run_step = "autonomous"
        [policy.categories]
        "Bug fixes" = "autonomous"
        "Documentation" = "autonomous"
        "Performance optimization" = "autonomous"

        [context.routine]
        sleeping = ["23:00-07:00"]
        work = ["Mon-Fri 09:00-17:00"]
        available = ["Mon-Fri 17:00-23:00", "Sat,Sun 07:00-23:00"]

        [builder]
        agent = ["/bin/sh", "-c", "mkdir -p done && touch \\"done/$NIGHTSHIFT_TASK_ID${NIGHTSHIFT_TASK_PHASE:+.$NIGHTSHIFT_TASK_PHASE}\\""]
        """

    /// 2026-11-16 is a Monday.
    static func at(_ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        ISO8601.parse(String(format: "2026-11-%02d T%02d:%02d:00Z", day, hour, minute).replacingOccurrences(of: " ", with: ""))!
    }

    @Test("quick wins at 19:00, the overnight and work-hours windows run, a weekend project in three phases, Sunday's summary, the week's metrics")
    func week() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ns-week-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(Self.config.utf8).write(to: URL(fileURLWithPath: "\(folder)/nightshift.toml"))
        let clock = TestClock(now: Self.at(16, 8))
        let app = try await buildApplication(
            workspace: Workspace(root: folder), environment: ["PATH": "/usr/bin:/bin"], clock: clock, logger: Logger(label: "test")
        )
        let queue = try app.buildQueue()
        // The pack's jobs fire these steps at these times.
        let jobs = Dictionary(uniqueKeysWithValues: app.configuration.jobs.map { ($0.name, $0) })
        #expect(jobs["checkin-tonight"]?.schedule.description.contains("0 19 * * 1-5") == true)
        #expect(jobs["checkin-weekend"]?.schedule.description.contains("0 18 * * 5") == true)
        #expect(jobs["window-work_hours"] != nil && jobs["window-weekend"] != nil && jobs["overnight"] != nil)

        let now = clock.now()
        _ = try await queue.add(.init(id: "typo", title: "Fix the typo", hours: 1, category: "Bug fixes", priority: .high), at: now)
        _ = try await queue.add(.init(id: "readme", title: "Explain setup", hours: 2, category: "Documentation"), at: now)
        _ = try await queue.add(.init(id: "speed", title: "Speed up reports", hours: 5, category: "Performance optimization", verify: "test -f done/speed"), at: now)
        _ = try await queue.add(.init(id: "cleanup", title: "Clean the importer", hours: 8, category: "Bug fixes", verify: "test -f done/cleanup"), at: now)
        var project = BuildQueue.NewTask(id: "offline", title: "Offline mode", hours: 10, category: "Bug fixes", verify: "test -f done/offline.test")
        // The build phase's check fails the first time it runs, then passes.
        project.phases = [
            TaskPhase(name: "plan", hours: 1, verify: "test -f done/offline.plan"),
            TaskPhase(name: "build", hours: 6, verify: "test -f done/offline.build && { test -f build-checked || { touch build-checked; exit 1; }; }"),
            TaskPhase(name: "test", hours: 3),
        ]
        _ = try await queue.add(project, at: now)

        // Monday 19:00: the quick wins are offered, not run.
        clock.advance(to: Self.at(16, 19))
        let tonight = try await app.runStep("builder.checkin_tonight")
        #expect(tonight.result.succeeded, "\(tonight.result)")
        #expect(tonight.result.output.contains("Ready for tonight's build session?"))
        #expect(tonight.result.output.contains("Quick wins (1–2 h):\n- typo: Fix the typo (1h, Bug fixes)\n- readme: Explain setup (2h, Documentation)\n"), "\(tonight.result.output)")
        #expect(tonight.result.output.contains("Tonight's plan (overnight):\n- typo: Fix the typo (1h)\n- readme: Explain setup (2h)\n- speed: Speed up reports (5h)\n"), "\(tonight.result.output)")
        #expect(try await app.store.task("typo")?.state == .queued)

        // Monday 23:00: the overnight cycle's schedule and builds steps run tonight's plan; its report at 06:30.
        clock.advance(to: Self.at(16, 23))
        for step in ["builder.schedule", "builder.builds"] {
            let ran = try await app.runStep(step)
            #expect(ran.result.succeeded, "\(step): \(ran.result)")
        }
        for id in ["typo", "readme", "speed"] {
            #expect(try await app.store.task(id)?.state == .succeeded, "\(id)")
            #expect(try await app.store.task(id)?.window == "overnight", "\(id)")
        }
        clock.advance(to: Self.at(17, 6, 30))
        #expect(try await app.runStep("builder.report").result.succeeded)
        let night = try await app.overnightReport(until: clock.now())
        #expect(night.completed.map(\.id) == ["readme", "speed", "typo"])

        // Tuesday 09:00: the work-hours window runs the 8-hour task by itself.
        clock.advance(to: Self.at(17, 9))
        let workday = try await app.runStep("builder.window-work_hours")
        #expect(workday.result.succeeded, "\(workday.result)")
        #expect(try await app.store.task("cleanup")?.state == .succeeded)
        #expect(FileManager.default.fileExists(atPath: "\(folder)/reports/windows/2026-11-17-work_hours.md"))

        // Friday 18:00: the weekend options, with the project's own phases.
        clock.advance(to: Self.at(20, 18))
        let friday = try await app.runStep("builder.checkin_weekend")
        #expect(friday.result.succeeded, "\(friday.result)")
        #expect(friday.result.output.contains("1. offline: Offline mode (10h, score 0.5)\n   - plan (1h)\n   - build (6h)\n   - test (3h)"), "\(friday.result.output)")
        let planner = app.weekendPlanner(try app.requireBuilder())
        let selected = try await planner.select("offline", at: clock.now())
        #expect(selected.phases.map(\.name) == ["plan", "build", "test"])
        _ = try await planner.start(at: clock.now())

        // Saturday 09:00: the weekend window builds it, phase by phase.
        clock.advance(to: Self.at(21, 9))
        let saturday = try await app.runStep("builder.window-weekend")
        #expect(saturday.result.succeeded, "\(saturday.result)")
        let built = try #require(try await app.store.task("offline"))
        #expect(built.state == .succeeded, "\(built)")
        #expect(built.window == "weekend")
        let outcomes = built.phaseOutcomes
        #expect(outcomes["plan"]?.attempts == 1 && outcomes["plan"]?.state == "succeeded")
        #expect(outcomes["build"]?.attempts == 2 && outcomes["build"]?.state == "succeeded", "failed its verify once, then passed")
        #expect(outcomes["test"]?.attempts == 1 && outcomes["test"]?.state == "succeeded")
        // Each phase was a spawn of its own through the gate, the build phase twice.
        let spawns = try await app.store.actions(ActionQuery(type: SpawnSubagentHandler.type, limit: 100)).filter { $0.payload["task"] == .string("offline") }
        #expect(spawns.compactMap { $0.payload["phase"]?.stringValue }.sorted() == ["build", "build", "plan", "test"])
        #expect(spawns.allSatisfy { $0.attributes["weekend_project"] == .bool(true) })
        for marker in ["offline.plan", "offline.build", "offline.test"] {
            #expect(FileManager.default.fileExists(atPath: "\(folder)/done/\(marker)"), "\(marker)")
        }

        let progress = try await planner.progress()
        #expect(progress.contains("Progress: 100% of the estimate — 3 of 3 phases done"), "\(progress)")
        #expect(progress.contains("Done: plan (1 attempt), build (2 attempts), test (1 attempt)"), "\(progress)")

        // Sunday 20:00: the summary, phase by phase.
        clock.advance(to: Self.at(22, 20))
        let summary = try await planner.summary()
        #expect(summary.first?.hasPrefix("Weekend summary: offline Offline mode (10 h) — shipped 2026-11-21T09:00:00") == true, "\(summary)")
        #expect(summary.contains { $0.hasPrefix("  plan (1 h): done in 1 attempt") }, "\(summary)")
        #expect(summary.contains { $0.hasPrefix("  build (6 h): done after 2 attempts") }, "\(summary)")
        #expect(summary.contains { $0.hasPrefix("  test (3 h): done in 1 attempt") }, "\(summary)")
        #expect(summary.last == "Task: succeeded")

        // The journal has a line per build, per window and per report.
        let journal = try String(contentsOfFile: "\(folder)/journal/2026-11-17.md", encoding: .utf8)
        #expect(journal.contains("overnight report 2026-11-17: 3 completed, 0 failed, 8 h shipped — "), "\(journal)")
        #expect(journal.contains("work_hours window: started 1, succeeded 1, failed 0"), "\(journal)")
        #expect(journal.contains("build succeeded: **cleanup** Clean the importer"), "\(journal)")
        let saturdayJournal = try String(contentsOfFile: "\(folder)/journal/2026-11-21.md", encoding: .utf8)
        #expect(saturdayJournal.contains("build phase ended: **offline** Offline mode"), "\(saturdayJournal)")
        #expect(saturdayJournal.contains("phase 2 of 3 (build) failed (attempt 1 of 3)"), "\(saturdayJournal)")

        // Monday 07:00: the week's metrics.
        clock.advance(to: Self.at(23, 7))
        let metrics = try await SuccessMetrics.measure(app, period: .week, at: clock.now())
        let values = Dictionary(uniqueKeysWithValues: metrics.metrics.map { ($0.name, $0.value) })
        #expect(values["builds completed"] == 5)
        #expect(values["hours shipped"] == 26)
        #expect(values["weekend projects completed"] == 1)
        #expect(values["problems auto-fixed"] == 0)
        // Windows open: quick wins 5 × 4 h, overnight 7 × 8 h, work hours 5 × 8 h, weekend 2 × 12 h.
        #expect(values["autonomous hours"] == 140)
        // Available: 5 × 6 h on weekdays, 2 × 16 h at the weekend.
        #expect(values["operator hours"] == 62)
        #expect(abs((values["productivity multiplier"] ?? 0) - 202.0 / 62.0) < 1e-9)
    }
}
