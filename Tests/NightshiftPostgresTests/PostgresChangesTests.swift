import Foundation
import NightshiftCore
import NightshiftTesting
import Synchronization
import Testing
@testable import NightshiftPostgres

/// LISTEN/NOTIFY between nodes: a pending run made by one store wakes another listening on the same schema.
@Suite("PostgresChanges")
struct PostgresChangesTests {
    @Test("a pending run inserted by one node wakes a listener on the same schema, and not one on another schema")
    func pendingRunsWakeListeners() async throws {
        try await TestDatabase.withFreshStore { listener in
            try await TestDatabase.withFreshStore { elsewhere in
                let sameSchema = try TestDatabase.configuration(schema: listener.configuration.schema!)
                let writer = PostgresStore(configuration: sameSchema)
                try await PostgresStore.withStore(writer) { writer in
                    let heard = Mutex<[StoreTopic]>([])
                    let listening = Task {
                        try await listener.waitForChanges([.runs]) { topic in heard.withLock { $0.append(topic) } }
                    }
                    defer { listening.cancel() }
                    // The LISTEN is in place once a notification sent after it arrives; send until one does.
                    let start = Date()
                    try await elsewhere.syncJobs(["tick"], at: start)
                    _ = try await elsewhere.insertRun(RunRecord(job: "tick", slot: start, trigger: .schedule, state: .pending, createdAt: start))
                    try await writer.syncJobs(["tick"], at: start)
                    var slot = start
                    while heard.withLock({ $0.isEmpty }), Date().timeIntervalSince(start) < 10 {
                        slot = slot.addingTimeInterval(60)
                        _ = try await writer.insertRun(RunRecord(job: "tick", slot: slot, trigger: .schedule, state: .pending, createdAt: start))
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    #expect(heard.withLock { $0.first } == .runs, "the listener heard the pending run")
                    // A run in another schema of the same database is not this listener's.
                    let count = heard.withLock { $0.count }
                    for index in 1...3 {
                        let other = start.addingTimeInterval(Double(index) * 3600)
                        _ = try await elsewhere.insertRun(RunRecord(job: "tick", slot: other, trigger: .schedule, state: .pending, createdAt: start))
                    }
                    try await Task.sleep(for: .milliseconds(500))
                    #expect(heard.withLock { $0.count } == count, "another schema's runs wake nobody here")
                }
            }
        }
    }

    @Test("a queued task added or handed back by one node wakes a listener on the same schema; a blocked one does not")
    func queuedTasksWakeListeners() async throws {
        try await TestDatabase.withFreshStore { listener in
            let writer = PostgresStore(configuration: try TestDatabase.configuration(schema: listener.configuration.schema!))
            try await PostgresStore.withStore(writer) { writer in
                let heard = Mutex<[StoreTopic]>([])
                let listening = Task {
                    try await listener.waitForChanges([.tasks, .runs]) { topic in heard.withLock { $0.append(topic) } }
                }
                defer { listening.cancel() }
                let start = Date()
                func task(_ state: TaskState) -> QueueTask {
                    QueueTask(queue: "builder", title: "t", state: state, createdAt: start)
                }
                // The LISTEN is in place once a notification sent after it arrives; send until one does.
                while heard.withLock({ $0.isEmpty }), Date().timeIntervalSince(start) < 10 {
                    _ = try await writer.insertTask(task(.queued))
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(heard.withLock { $0.first } == .tasks, "the listener heard the queued task")
                // A blocked task is nobody's work yet; it wakes workers when it is queued.
                let before = heard.withLock { $0.count }
                let blocked = try #require(try await writer.insertTask(task(.blocked)))
                try await Task.sleep(for: .milliseconds(300))
                #expect(heard.withLock { $0.count } == before, "a blocked task woke a worker")
                var queued = blocked
                queued.state = .queued
                _ = try await writer.updateTask(queued, expecting: [.blocked], at: start)
                for _ in 0..<50 where heard.withLock({ $0.count }) == before { try await Task.sleep(for: .milliseconds(20)) }
                #expect(heard.withLock { Array($0.dropFirst(before)) } == [.tasks], "the unblocked task woke the listener")
            }
        }
    }
}
