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
}
