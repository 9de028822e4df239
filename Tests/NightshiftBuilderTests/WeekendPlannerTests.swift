import Foundation
import NightshiftBuilder
import NightshiftCore
import NightshiftTesting
import Testing

@Suite("Weekend planner on a memory store")
struct WeekendPlannerTests {
    /// Friday evening, when the operator picks the weekend project.
    static let friday = local(2026, 3, 6, 18)

    static func planner() -> (WeekendPlanner, BuildQueue, MemoryStore) {
        let (queue, store) = memoryQueue()
        return (WeekendPlanner(store: store, settings: testSettings(), timeZone: Zones.utc), queue, store)
    }

    static func add(_ queue: BuildQueue, _ title: String, hours: Double, priority: BuildPriority = .medium, dependsOn: [String] = []) async throws -> QueueTask {
        try await queue.add(.init(title: title, hours: hours, category: "Features", priority: priority, dependsOn: dependsOn), at: friday)
    }

    @Test("suggestions are ready, weekend-sized (8–12 h) tasks, best first, at most five")
    func suggest() async throws {
        let (planner, queue, store) = Self.planner()
        let small = try await Self.add(queue, "Small", hours: 3, priority: .high)
        let tooBig = try await Self.add(queue, "Too big", hours: 14, priority: .high)
        let lowTen = try await Self.add(queue, "Low ten", hours: 10, priority: .low)  // 0.2
        let highTen = try await Self.add(queue, "High ten", hours: 10, priority: .high)  // 0.8
        let mediumEight = try await Self.add(queue, "Medium eight", hours: 8)  // 0.625
        let blocked = try await Self.add(queue, "Blocked", hours: 9, priority: .high, dependsOn: [small.id])
        let highTwelve = try await Self.add(queue, "High twelve", hours: 12, priority: .high)  // 0.8 too, created with highTen: after it by id
        let mediumNine = try await Self.add(queue, "Medium nine", hours: 9)  // 0.556
        let mediumEleven = try await Self.add(queue, "Medium eleven", hours: 11)  // 0.5
        let done = try await Self.add(queue, "Done", hours: 10, priority: .high)
        _ = try await store.force(done.id, to: .succeeded, at: Self.friday)

        let suggestions = try await planner.suggest()
        #expect(suggestions.map(\.task.id) == [highTen.id, highTwelve.id, mediumEight.id, mediumNine.id, mediumEleven.id])
        #expect(!suggestions.map(\.task.id).contains(lowTen.id))
        for excluded in [small, tooBig, blocked, done] { #expect(!suggestions.map(\.task.id).contains(excluded.id)) }
        #expect(try await planner.suggest(limit: 2).map(\.task.id) == [highTen.id, highTwelve.id])
    }

    @Test("the window's bounds are inclusive: 8 and 12 hours are weekend-sized, 7.9 and 12.1 are not")
    func bounds() async throws {
        let (planner, queue, _) = Self.planner()
        for hours in [7.9, 8, 12, 12.1] { _ = try await Self.add(queue, "\(hours)h", hours: hours) }
        #expect(try await planner.suggest().map(\.task.hours).sorted() == [8, 12])
    }

    @Test("each suggestion has five phases that add up to its estimate", arguments: [8.0, 9, 10, 11, 12, 8.5, 11.3])
    func phases(hours: Double) async throws {
        let (planner, queue, _) = Self.planner()
        _ = try await Self.add(queue, "Project", hours: hours)
        let suggestion = try #require(try await planner.suggest().first)
        #expect(suggestion.phases.map(\.name) == ["plan", "build", "test", "document", "ship"])
        #expect(suggestion.phases.allSatisfy { !$0.done })
        #expect(abs(suggestion.phases.reduce(0) { $0 + $1.hours } - hours) <= 0.25)
        #expect(suggestion.phases.map(\.hours) == WeekendPlan.phases(hours: hours).map(\.hours))
    }

    @Test("a ten-hour project splits 1 / 5 / 2 / 1 / 1")
    func tenHourPhases() {
        #expect(WeekendPlan.phases(hours: 10).map(\.hours) == [1, 5, 2, 1, 1])
    }

    @Test("select, start, complete phases, progress and the Sunday summary")
    func lifecycle() async throws {
        let clock = TestClock(now: Self.friday)
        let (planner, queue, store) = Self.planner()
        let project = try await Self.add(queue, "Billing export", hours: 10, priority: .high)
        #expect(try await planner.plan() == nil)
        #expect(try await planner.summary() == ["No weekend project was selected."])

        let selected = try await planner.select(project.id, at: clock.now())
        #expect(selected.task == project.id)
        #expect(selected.title == "Billing export")
        #expect(selected.hours == 10)
        #expect(selected.selectedAt == clock.now())
        #expect(selected.startedAt == nil)
        #expect(selected.progress == 0)
        #expect(try await planner.plan() == selected)

        // Started on Friday evening: the task is scheduled into Saturday's opening.
        clock.advance(by: 3600)
        let (started, task) = try await planner.start(at: clock.now())
        #expect(started.startedAt == clock.now())
        #expect(task.state == .scheduled)
        #expect(task.window == "weekend")
        #expect(task.scheduledFor == local(2026, 3, 7, 9))
        #expect(try await store.task(project.id) == task)

        clock.advance(to: local(2026, 3, 7, 10))
        _ = try await planner.complete("plan", at: clock.now())
        clock.advance(to: local(2026, 3, 7, 16))
        let afterBuild = try await planner.complete("BUILD", at: clock.now())
        #expect(afterBuild.progress == 0.6)
        #expect(afterBuild.phases.filter(\.done).map(\.name) == ["plan", "build"])
        #expect(afterBuild.completedAt == nil)
        #expect(try await planner.plan() == afterBuild)

        #expect(try await planner.progress() == [
            "Weekend project: task_1 Billing export (10 h), started 2026-03-06T19:00:00+00:00",
            "Progress: 60% of the estimate — 2 of 5 phases done",
            "Done: plan, build",
            "Left: test, document, ship",
        ])
        #expect(try await planner.summary() == [
            "Weekend summary: task_1 Billing export (10 h) — not finished",
            "Phases:",
            "  plan (1 h): done, 2026-03-07T10:00:00+00:00",
            "  build (5 h): done, 2026-03-07T16:00:00+00:00",
            "  test (2 h): not reached",
            "  document (1 h): not reached",
            "  ship (1 h): not reached",
            "Task: scheduled",
            "Left for next time: test, document, ship",
        ])

        clock.advance(to: local(2026, 3, 8, 20))
        for phase in ["test", "document", "ship"] { _ = try await planner.complete(phase, at: clock.now()) }
        let finished = try #require(try await planner.plan())
        #expect(finished.progress == 1)
        #expect(finished.completedAt == clock.now())
        let summary = try await planner.summary()
        #expect(summary.first == "Weekend summary: task_1 Billing export (10 h) — shipped 2026-03-08T20:00:00+00:00")
        #expect(summary.last == "Task: scheduled")
        #expect(try await planner.progress()[1] == "Progress: 100% of the estimate — 5 of 5 phases done")
    }

    @Test("starting while the weekend window is open schedules into the current opening")
    func startDuringWeekend() async throws {
        let (planner, queue, _) = Self.planner()
        let project = try await Self.add(queue, "Project", hours: 9)
        let sunday = local(2026, 3, 8, 11)
        _ = try await planner.select(project.id, at: sunday)
        let (_, task) = try await planner.start(at: sunday)
        #expect(task.scheduledFor == local(2026, 3, 8, 9))
    }

    @Test("starting twice keeps the first start time")
    func startTwice() async throws {
        let (planner, queue, _) = Self.planner()
        let project = try await Self.add(queue, "Project", hours: 9)
        _ = try await planner.select(project.id, at: Self.friday)
        _ = try await planner.start(at: Self.friday)
        let (again, _) = try await planner.start(at: Self.friday.addingTimeInterval(600))
        #expect(again.startedAt == Self.friday)
    }

    @Test("a blocked project, or one that does not fit the weekend window, is refused at select and nothing is saved")
    func selectRefusesBlockedAndIllFitting() async throws {
        let (planner, queue, _) = Self.planner()
        let dependency = try await Self.add(queue, "Schema", hours: 1)
        let project = try await Self.add(queue, "Project", hours: 9, dependsOn: [dependency.id])
        await #expect(throws: WeekendPlanner.Failure.self) { _ = try await planner.select(project.id, at: Self.friday) }
        await #expect(throws: WeekendPlanner.Failure.self) { _ = try await planner.select(dependency.id, at: Self.friday) }
        #expect(try await planner.plan() == nil)
    }

    @Test("an unstarted selection may be replaced; a started one may not until it is finished")
    func reselect() async throws {
        let (planner, queue, _) = Self.planner()
        let first = try await Self.add(queue, "First", hours: 9)
        let second = try await Self.add(queue, "Second", hours: 10)
        _ = try await planner.select(first.id, at: Self.friday)
        #expect(try await planner.select(second.id, at: Self.friday).task == second.id)
        _ = try await planner.start(at: Self.friday)
        let error = await #expect(throws: WeekendPlanner.Failure.self) { try await planner.select(first.id, at: Self.friday) }
        #expect(error?.description == "the weekend project task_2 is under way; finish its phases first (nightshift weekend progress)")
    }

    @Test("mistakes are refused with messages that say what to do")
    func errors() async throws {
        let (planner, queue, store) = Self.planner()
        let project = try await Self.add(queue, "Project", hours: 9)
        let done = try await Self.add(queue, "Done", hours: 9)
        _ = try await store.force(done.id, to: .succeeded, at: Self.friday)

        func expectFailure(_ message: String, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async {
            let error = await #expect(throws: WeekendPlanner.Failure.self, sourceLocation: sourceLocation) { try await body() }
            #expect(error?.description == message, sourceLocation: sourceLocation)
        }

        await expectFailure("no task task_99; see nightshift weekend suggest") { _ = try await planner.select("task_99", at: Self.friday) }
        await expectFailure("task_2 is succeeded; pick a task that still waits") { _ = try await planner.select(done.id, at: Self.friday) }
        await expectFailure("no weekend project selected; see nightshift weekend suggest, then weekend select ID") {
            _ = try await planner.start(at: Self.friday)
        }
        await expectFailure("no weekend project selected") { _ = try await planner.complete("plan", at: Self.friday) }

        _ = try await planner.select(project.id, at: Self.friday)
        await expectFailure("the weekend project has not started; run nightshift weekend start") {
            _ = try await planner.complete("plan", at: Self.friday)
        }
        _ = try await planner.start(at: Self.friday)
        await expectFailure(#"no phase "deploy"; the phases are plan, build, test, document, ship"#) {
            _ = try await planner.complete("deploy", at: Self.friday)
        }
        _ = try await planner.complete("plan", at: Self.friday)
        await expectFailure("phase plan is done already") { _ = try await planner.complete("Plan", at: Self.friday) }
    }

    @Test("a plan is read back exactly, fractional times included")
    func roundTrip() async throws {
        let (planner, queue, _) = Self.planner()
        let project = try await Self.add(queue, "Project", hours: 9)
        let now = Self.friday.addingTimeInterval(0.123_456)
        let selected = try await planner.select(project.id, at: now)
        #expect(try await planner.plan() == selected)
        #expect(try await planner.plan()?.selectedAt == now)
    }
}
