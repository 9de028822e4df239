import Foundation
import NightshiftBuilder
import NightshiftCore
import NightshiftTesting
import Testing

/// The queue's reads by state, by id and by totals: what keeps `queue add`, `queue list`, `status`
/// and the brief at the cost of the open tasks, however many ended before.
@Suite("Build queue with a history of ended tasks")
struct BuildQueueHistoryTests {
    static let monday = local(2026, 3, 2, 9)

    /// A queue holding `ended` succeeded tasks (task_1 …), then whatever the test adds.
    static func queueWithHistory(ended: Int) async throws -> (BuildQueue, MemoryStore) {
        let (queue, store) = memoryQueue()
        for index in 1...ended {
            var task = builderTask("", hours: 1, state: .succeeded, createdAt: monday)
            task.title = "Old \(index)"
            task.finishedAt = monday
            _ = try await store.insertTask(task)
        }
        return (queue, store)
    }

    @Test("queue add finds a dependency among more ended tasks than a listing reads (10,000), by id")
    func addFindsOldDependency() async throws {
        let (queue, _) = try await Self.queueWithHistory(ended: 10_001)
        let task = try await queue.add(.init(title: "After the last", hours: 1, category: "Bug fixes", dependsOn: ["task_10001"]), at: Self.monday)
        #expect(task.state == .queued)
        let blocked = try await queue.add(.init(title: "After that", hours: 1, category: "Bug fixes", dependsOn: [task.id]), at: Self.monday)
        #expect(blocked.state == .blocked)
        let error = await #expect(throws: BuildQueue.Failure.self) {
            try await queue.add(.init(id: "task_10001", title: "Again", hours: 1, category: "Bug fixes"), at: Self.monday)
        }
        #expect(error?.description == "a task task_10001 exists already")
    }

    @Test("queue list reads by state: by default every task but succeeded and cancelled, running first, best score first")
    func listByState() async throws {
        let (queue, store) = try await Self.queueWithHistory(ended: 3)
        let low = try await queue.add(.init(title: "Low", hours: 4, category: "Bug fixes", priority: .low), at: Self.monday)
        let high = try await queue.add(.init(title: "High", hours: 1, category: "Bug fixes", priority: .high), at: Self.monday)
        let failed = try await queue.add(.init(title: "Failed", hours: 1, category: "Bug fixes"), at: Self.monday)
        let cancelled = try await queue.add(.init(title: "Cancelled", hours: 1, category: "Bug fixes"), at: Self.monday)
        _ = try await store.force(failed.id, to: .failed, at: Self.monday)
        _ = try await store.force(cancelled.id, to: .cancelled, at: Self.monday)
        _ = try await store.force(low.id, to: .running, at: Self.monday)
        #expect(try await queue.list(states: nil, all: false).map(\.id) == [low.id, high.id, failed.id])
        #expect(try await queue.list(states: [.cancelled, .failed], all: false).map(\.id) == [failed.id, cancelled.id])
        #expect(try await queue.list(states: [], all: true).isEmpty)
        #expect(try await queue.list(states: nil, all: true).count == 7)
    }

    @Test("the open tasks come with the ended tasks they depend on, and readiness needs nothing else")
    func openTasks() async throws {
        let (queue, _) = try await Self.queueWithHistory(ended: 5)
        let ready = try await queue.add(.init(title: "Ready", hours: 1, category: "Bug fixes", dependsOn: ["task_2"]), at: Self.monday)
        let waiting = try await queue.add(.init(title: "Waiting", hours: 1, category: "Bug fixes", dependsOn: [ready.id, "task_4"]), at: Self.monday)
        let open = try await queue.open()
        #expect(open.map(\.id) == ["task_2", "task_4", ready.id, waiting.id])
        #expect(BuildQueue.ready(open).map(\.id) == [ready.id])
        #expect(try await queue.refreshBlocked(at: Self.monday).filter { $0.state == .blocked }.map(\.id) == [waiting.id])
    }

    @Test("a new dependency that would close a cycle through an ended task is refused with its path")
    func dependencyCycleThroughEndedTask() async throws {
        let (queue, store) = try await Self.queueWithHistory(ended: 2)
        let first = try await queue.add(.init(title: "First", hours: 1, category: "Bug fixes"), at: Self.monday)
        let second = try await queue.add(.init(title: "Second", hours: 1, category: "Bug fixes", dependsOn: [first.id]), at: Self.monday)
        _ = try await store.force(second.id, to: .cancelled, at: Self.monday)
        let error = await #expect(throws: DependencyGraph.CycleError.self) {
            try await queue.addDependencies(first.id, on: [second.id, "task_1"], at: Self.monday)
        }
        #expect(error?.path == [first.id, second.id, first.id])
        let updated = try await queue.addDependencies(first.id, on: ["task_1"], at: Self.monday)
        #expect(updated.dependsOn == ["task_1"])
        #expect(updated.state == .queued)
    }

    @Test("stats count the ended tasks too, from the store's totals")
    func stats() async throws {
        let (queue, _) = try await Self.queueWithHistory(ended: 4)
        _ = try await queue.add(.init(title: "Open", hours: 2.5, category: "Bug fixes"), at: Self.monday)
        let stats = try await queue.stats()
        #expect(stats == QueueStats(try await queue.all()))
        #expect(stats.total == 5)
        #expect(stats.byState["succeeded"] == 4)
        #expect(stats.hoursShipped == 4)
        #expect(stats.hoursQueued == 2.5)
        #expect(stats.completionRate == 1)
    }
}
