import Foundation
import NightshiftCore
import NightshiftTesting
import Synchronization
import Testing
@testable import NightshiftPostgres

/// A builder queue drained by three nodes' workers on one database: each task claimed by one
/// worker at a time, none lost, and the tasks of a worker that died handed back and done by others.
@Suite("PostgresTaskDrain", .timeLimit(.minutes(15)))
struct PostgresTaskDrainTests {
    /// 1,000 in the test suite (a debug build's PostgreSQL client makes each transaction cost
    /// milliseconds); `NIGHTSHIFT_DRAIN_TASKS=10000` is the full queue (docs/POSTGRES.md
    /// records a run).
    static let taskCount = ProcessInfo.processInfo.environment["NIGHTSHIFT_DRAIN_TASKS"].flatMap(Int.init) ?? 1_000

    @Test("a queue drained by three nodes' workers: one claim at a time, none lost, a dead worker's tasks reclaimed")
    func threeNodesDrainTheQueue() async throws {
        let schema = TestDatabase.freshSchemaName()
        let nodes = try (0..<3).map { _ in PostgresStore(configuration: try TestDatabase.configuration(schema: schema)) }
        try await PostgresStore.withStore(nodes[0]) { first in
            try await PostgresStore.withStore(nodes[1]) { second in
                try await PostgresStore.withStore(nodes[2]) { third in
                    do {
                        try await Self.drain(first, second, third)
                    } catch {
                        try? await TestDatabase.dropSchema(of: first)
                        throw error
                    }
                    try await TestDatabase.dropSchema(of: first)
                }
            }
        }
    }

    private static func drain(_ first: PostgresStore, _ second: PostgresStore, _ third: PostgresStore) async throws {
        try await first.migrate()
        let start = Date()
        // Seeded from four connections at once.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for part in 0..<4 {
                group.addTask {
                    for index in stride(from: part, to: taskCount, by: 4) {
                        let task = QueueTask(queue: "builder", title: "task \(index)", maxAttempts: 3, createdAt: start)
                        guard try await first.insertTask(task) != nil else { throw StoreError.io("task \(index) was not inserted") }
                    }
                }
            }
            try await group.waitForAll()
        }

        print("drain: \(taskCount) tasks seeded in \(Int(Date().timeIntervalSince(start))) s")
        let seeded = Date()
        // A worker on the third node claims 25 tasks with a short lease and dies holding them.
        let dead = "dead@node-c#w0"
        var abandoned: [String] = []
        for _ in 0..<25 {
            let candidates = try await third.tasks(TaskQuery(queue: "builder", states: [.queued], limit: 50)).map(\.id)
            if let task = try await third.claimFirstTask(of: candidates, from: [.queued], owner: dead, leaseUntil: Date().addingTimeInterval(2), at: Date()) {
                abandoned.append(task.id)
            }
        }
        #expect(abandoned.count == 25)

        // Two workers per node: claim one of the first queued tasks, finish it; hand back expired leases.
        let log = DrainLog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (node, store) in [first, second, third].enumerated() {
                for worker in 0..<2 {
                    let owner = "\(worker)@node-\(node)#w\(worker)"
                    group.addTask {
                        var idle = 0
                        while idle < 30 {
                            let now = Date()
                            // As the builder's worker does: expired leases handed back, the first
                            // queued tasks listed, the first of them that can be claimed claimed.
                            _ = try await store.releaseExpiredTasks(at: now)
                            let candidates = try await store.tasks(TaskQuery(queue: "builder", states: [.queued], limit: 20)).map(\.id)
                            guard let task = try await store.claimFirstTask(
                                of: candidates, from: [.queued], owner: owner, leaseUntil: now.addingTimeInterval(60), at: now
                            ) else {
                                idle += 1
                                try await Task.sleep(for: .milliseconds(100))
                                continue
                            }
                            idle = 0
                            let other = log.holding.withLock { held -> String? in
                                let previous = held[task.id]
                                held[task.id] = owner
                                return previous
                            }
                            if let other { log.overlaps.withLock { $0.append("\(task.id): \(owner) claimed it while \(other) held it") } }
                            if try await store.finishTask(task.id, owner: owner, outcome: TaskOutcome(state: .succeeded, at: Date())) != nil {
                                log.finishes.withLock { $0[task.id, default: []].append(owner) }
                            }
                            log.holding.withLock { held in if held[task.id] == owner { held[task.id] = nil } }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }

        print("drain: drained in \(Int(Date().timeIntervalSince(seeded))) s by six workers on three nodes")
        let finished = log.finishes.withLock { $0 }
        #expect(log.overlaps.withLock { $0 }.isEmpty, "\(log.overlaps.withLock { $0.prefix(5) })")
        #expect(finished.count == taskCount, "every task done: \(finished.count) of \(taskCount)")
        #expect(finished.values.allSatisfy { $0.count == 1 }, "each done once: \(finished.filter { $0.value.count > 1 }.prefix(5))")
        let totals = try await second.taskTotals(queue: "builder")
        #expect(totals[.succeeded]?.count == taskCount && totals[.running] == nil && totals[.queued] == nil, "\(totals)")
        let reclaimed = try await second.tasks(TaskQuery(ids: Set(abandoned)))
        #expect(reclaimed.count == 25 && reclaimed.allSatisfy { $0.state == .succeeded && $0.attempts == 2 }, "the dead worker's tasks: \(reclaimed.map { ($0.id, $0.state, $0.attempts) })")
    }
}

/// What the drain's workers saw, shared between them.
private final class DrainLog: Sendable {
    /// Task → the workers that finished it.
    let finishes = Mutex<[String: [String]]>([:])
    /// Claims of a task another worker still held.
    let overlaps = Mutex<[String]>([])
    /// Task → the worker holding it now.
    let holding = Mutex<[String: String]>([:])
}
