import Foundation
import NightshiftBuilder
import NightshiftCore
import Testing

@Suite("Planner: ready tasks into the earliest fitting opening, by score, within capacity")
struct BuildPlannerTests {
    /// 19:00–23:00 every day, for 1–2 hour tasks.
    static let evening = TimeWindow(name: "evening", days: Set(1...7), start: .init(hour: 19, minute: 0), end: .init(hour: 23, minute: 0), minHours: 1, maxHours: 2)
    /// 23:00–07:00 every day, for 4–6 hour tasks.
    static let night = TimeWindow(name: "night", days: Set(1...7), start: .init(hour: 23, minute: 0), end: .init(hour: 7, minute: 0), minHours: 4, maxHours: 6)
    /// Wednesday noon.
    static let now = local(2026, 3, 4, 12)

    static func planner(_ windows: [TimeWindow] = [evening, night], concurrency: Int = 1, zone: TimeZone = Zones.utc) -> BuildPlanner {
        BuildPlanner(windows: windows, timeZone: zone, concurrency: concurrency)
    }

    /// `task id → [day, hour]` of the opening each task got, in assignment order.
    static func placements(_ plan: BuildPlanner.Plan, zone: TimeZone = Zones.utc) -> [String] {
        plan.assignments.map { assignment in
            let clock = wallClock(assignment.opening.start, in: zone)
            return "\(assignment.task.id)→\(assignment.window)@\(clock[2]) \(clock[3]):00"
        }
    }

    @Test("each task goes to the earliest opening of a window it fits")
    func earliestFitting() {
        let plan = Self.planner().plan([builderTask("small", hours: 2, score: 1), builderTask("large", hours: 5, score: 2)], at: Self.now)
        #expect(Self.placements(plan) == ["large→night@4 23:00", "small→evening@4 19:00"])
        #expect(plan.assignments.map(\.opening.end) == [local(2026, 3, 5, 7), local(2026, 3, 4, 23)])
        #expect(plan.unplaced.isEmpty)
    }

    @Test("a window that is open now is the earliest opening")
    func currentOpening() {
        let plan = Self.planner().plan([builderTask("a", hours: 4)], at: local(2026, 3, 5, 1))
        #expect(Self.placements(plan) == ["a→night@4 23:00"])
    }

    @Test("by score, an opening is filled up to its length × concurrency and the rest spill to the next opening")
    func capacitySpills() {
        let tasks = [
            builderTask("c", hours: 2, score: 1), builderTask("a", hours: 2, score: 3), builderTask("b", hours: 2, score: 2),
            builderTask("d", hours: 1, score: 0.5),
        ]
        let single = Self.planner([Self.evening]).plan(tasks, at: Self.now)
        #expect(Self.placements(single) == ["a→evening@4 19:00", "b→evening@4 19:00", "c→evening@5 19:00", "d→evening@5 19:00"])

        let doubled = Self.planner([Self.evening], concurrency: 2).plan(tasks, at: Self.now)
        #expect(Self.placements(doubled) == ["a→evening@4 19:00", "b→evening@4 19:00", "c→evening@4 19:00", "d→evening@4 19:00"])
    }

    @Test("a task that overflows one window takes another window's opening if that is earlier than the next")
    func spillToOtherWindow() {
        let tasks = [builderTask("a", hours: 2, score: 3), builderTask("b", hours: 2, score: 2), builderTask("c", hours: 2, score: 1)]
        let plan = Self.planner().plan(tasks, at: Self.now)
        #expect(Self.placements(plan) == ["a→evening@4 19:00", "b→evening@4 19:00", "c→night@4 23:00"])
    }

    @Test("a task larger than every window is left unplaced; the others are still planned")
    func unplaced() {
        let tasks = [builderTask("huge", hours: 20, score: 9), builderTask("seven", hours: 7, score: 8), builderTask("ok", hours: 1, score: 1)]
        let plan = Self.planner().plan(tasks, at: Self.now)
        #expect(plan.unplaced.map(\.id) == ["huge", "seven"])
        #expect(Self.placements(plan) == ["ok→evening@4 19:00"])

        let defaults = Self.planner(TimeWindow.defaults).plan([builderTask("huge", hours: 20)], at: Self.now)
        #expect(defaults.unplaced.map(\.id) == ["huge"])
        #expect(defaults.assignments.isEmpty)
    }

    @Test("only the horizon's openings are tried; beyond them a task is unplaced")
    func horizon() {
        let tasks = (1...9).map { builderTask("t\($0)", hours: 2, score: Double(10 - $0)) }
        let plan = Self.planner([Self.evening]).plan(tasks, at: Self.now)
        #expect(plan.assignments.map(\.task.id) == (1...8).map { "t\($0)" })
        #expect(Set(plan.assignments.map(\.opening.start)) == Set((4...7).map { local(2026, 3, $0, 19) }))
        #expect(plan.unplaced.map(\.id) == ["t9"])
    }

    @Test("only: plans into that window alone")
    func only() {
        let tasks = [builderTask("small", hours: 2, score: 2), builderTask("large", hours: 5, score: 1)]
        let plan = Self.planner().plan(tasks, at: Self.now, only: "night")
        #expect(Self.placements(plan) == ["small→night@4 23:00", "large→night@4 23:00"])

        let evening = Self.planner().plan(tasks, at: Self.now, only: "evening")
        #expect(Self.placements(evening) == ["small→evening@4 19:00"])
        #expect(evening.unplaced.map(\.id) == ["large"])

        let unknown = Self.planner().plan(tasks, at: Self.now, only: "lunch")
        #expect(unknown.assignments.isEmpty)
        #expect(unknown.unplaced.map(\.id) == ["small", "large"])
    }

    @Test("only ready tasks are planned: waiting ones are neither assigned nor unplaced")
    func onlyReady() {
        let tasks = [
            builderTask("blocked", hours: 1, state: .blocked), builderTask("waits", hours: 1, dependsOn: ["open"]),
            builderTask("open", hours: 1), builderTask("running", hours: 1, state: .running), builderTask("again", hours: 1, state: .scheduled),
        ]
        let plan = Self.planner().plan(tasks, at: Self.now)
        #expect(Set(plan.assignments.map(\.task.id)) == ["open", "again"])
        #expect(plan.unplaced.isEmpty)
    }

    @Test("between windows opening together, the task goes where its size is in range", arguments: [false, true])
    func sizeTieBreak(reversed: Bool) {
        let large = TimeWindow(name: "large", days: Set(1...7), start: .init(hour: 19, minute: 0), end: .init(hour: 23, minute: 0), minHours: 3, maxHours: 4)
        let small = TimeWindow(name: "small", days: Set(1...7), start: .init(hour: 19, minute: 0), end: .init(hour: 23, minute: 0), minHours: 1, maxHours: 4)
        let windows = reversed ? [small, large] : [large, small]
        let plan = Self.planner(windows).plan([builderTask("a", hours: 1.5)], at: Self.now)
        #expect(plan.assignments.map(\.window) == ["small"])
    }

    @Test("a concurrency below 1 counts as 1")
    func concurrencyFloor() {
        #expect(Self.planner(concurrency: 0).concurrency == 1)
    }

    @Test("planned in New York across the spring change: each night's 23:00 local, spilling to the next")
    func newYorkDaylightSaving() {
        let saturdayNoon = local(2026, 3, 7, 12, in: Zones.newYork)
        let tasks = [builderTask("first", hours: 5, score: 2), builderTask("second", hours: 5, score: 1)]
        let plan = Self.planner([Self.night], zone: Zones.newYork).plan(tasks, at: saturdayNoon)
        #expect(Self.placements(plan, zone: Zones.newYork) == ["first→night@7 23:00", "second→night@8 23:00"])
        #expect(plan.assignments.map(\.opening.start) == [local(2026, 3, 8, 4), local(2026, 3, 9, 3)])
    }

    @Test("apply stores each assignment as scheduled with its window and opening start")
    func apply() async throws {
        let (queue, store) = memoryQueue()
        let small = try await queue.add(.init(title: "Small", hours: 2, category: "Bug fixes", priority: .high), at: Self.now)
        let large = try await queue.add(.init(title: "Large", hours: 5, category: "Features"), at: Self.now)
        let huge = try await queue.add(.init(title: "Huge", hours: 20, category: "Features"), at: Self.now)
        let plan = Self.planner().plan(try await queue.all(), at: Self.now)
        let stored = try await BuildPlanner.apply(plan, store: store, at: Self.now.addingTimeInterval(1))
        #expect(stored.map(\.id) == [small.id, large.id])
        #expect(stored.allSatisfy { $0.state == .scheduled })
        #expect(try await store.task(small.id)?.window == "evening")
        #expect(try await store.task(small.id)?.scheduledFor == local(2026, 3, 4, 19))
        #expect(try await store.task(large.id)?.window == "night")
        #expect(try await store.task(large.id)?.scheduledFor == local(2026, 3, 4, 23))
        #expect(try await store.task(huge.id)?.state == .queued)
    }

    @Test("apply skips a task that changed state since it was planned")
    func applySkipsChanged() async throws {
        let (queue, store) = memoryQueue()
        let task = try await queue.add(.init(title: "Small", hours: 2, category: "Bug fixes"), at: Self.now)
        let plan = Self.planner().plan(try await queue.all(), at: Self.now)
        _ = try await queue.cancel(task.id, at: Self.now)
        #expect(try await BuildPlanner.apply(plan, store: store, at: Self.now).isEmpty)
        #expect(try await store.task(task.id)?.state == .cancelled)
    }
}

@Suite("Queue statistics")
struct QueueStatsTests {
    @Test("counts every state, completion over finished tasks, hours shipped and queued")
    func stats() {
        let stats = QueueStats([
            builderTask("a", hours: 2, state: .succeeded), builderTask("b", hours: 3, state: .succeeded),
            builderTask("c", hours: 1, state: .failed), builderTask("d", hours: 4, state: .queued),
            builderTask("e", hours: 0.5, state: .running), builderTask("f", hours: 8, state: .cancelled),
        ])
        #expect(stats.total == 6)
        #expect(stats.byState.count == TaskState.allCases.count)
        #expect(stats.byState["succeeded"] == 2)
        #expect(stats.byState["blocked"] == 0)
        #expect(stats.completionRate == 0.5)
        #expect(stats.hoursShipped == 5)
        #expect(stats.hoursQueued == 4.5)
    }

    @Test("an empty queue has a completion rate of 0")
    func empty() {
        let stats = QueueStats([])
        #expect(stats.total == 0)
        #expect(stats.completionRate == 0)
        #expect(stats.byState.values.allSatisfy { $0 == 0 })
    }
}
