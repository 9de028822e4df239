import Foundation
import NightshiftCore
import NightshiftSQLite
import Testing

/// Task claims across connections that do not share a pool: two `SQLiteStore`s on one real file,
/// as the daemon and a CLI process would be.
@Suite("SQLiteTaskStore")
struct SQLiteTaskStoreTests {
    @Test func twoStoresOnOneFileClaimEachOf50TasksExactlyOnce() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.file("nightshift.sqlite")
            let daemon = try SQLiteStore(path: path)
            let cli = try SQLiteStore(path: path)
            try await daemon.migrate()
            try await cli.migrate()
            let created = Date(timeIntervalSince1970: 1_750_000_000)
            var ids: [String] = []
            for index in 0..<50 {
                let store = index.isMultiple(of: 2) ? daemon : cli
                let task = try #require(try await store.insertTask(QueueTask(queue: "builder", title: "t\(index)", createdAt: created)))
                ids.append(task.id)
            }
            #expect(ids == (1...50).map { "task_\($0)" })

            // Ten workers per store, each walking the whole list from its own starting point.
            let claims = try await withThrowingTaskGroup(of: [String: String].self) { group in
                for worker in 0..<20 {
                    let store = worker.isMultiple(of: 2) ? daemon : cli
                    let owner = "worker-\(worker)"
                    let start = worker * 5 % ids.count
                    let order = Array(ids[start...] + ids[..<start])
                    group.addTask {
                        var won: [String: String] = [:]
                        for id in order {
                            let claimed = try await store.claimTask(
                                id, from: [.queued], owner: owner, leaseUntil: created.addingTimeInterval(600), at: created
                            )
                            if let claimed { won[claimed.id] = owner }
                        }
                        return won
                    }
                }
                var all: [(id: String, owner: String)] = []
                for try await won in group {
                    all += won.map { (id: $0.key, owner: $0.value) }
                }
                return all
            }

            #expect(claims.count == 50, "every task is claimed, and none twice")
            #expect(Set(claims.map(\.id)) == Set(ids))
            let stored = try await cli.tasks(TaskQuery(queue: "builder"))
            #expect(stored.map(\.id) == ids)
            #expect(stored.allSatisfy { $0.state == .running && $0.attempts == 1 })
            let owners = Dictionary(claims.map { ($0.id, $0.owner) }, uniquingKeysWith: { first, _ in first })
            #expect(stored.allSatisfy { owners[$0.id] == $0.leaseOwner }, "the stored owner is the one whose claim succeeded")
            #expect(try await daemon.integrityCheck() == "ok")
            #expect(try await cli.integrityCheck() == "ok")
        }
    }

    @Test func twoStoresOnOneFileClaimFirstOfTheSameListEachTaskOnceAndInOrder() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.file("nightshift.sqlite")
            let daemon = try SQLiteStore(path: path)
            let cli = try SQLiteStore(path: path)
            try await daemon.migrate()
            let created = Date(timeIntervalSince1970: 1_750_000_000)
            var ids: [String] = []
            for index in 0..<50 {
                // Every fifth task waits on something: no worker may take it.
                let state: TaskState = index.isMultiple(of: 5) ? .blocked : (index.isMultiple(of: 2) ? .queued : .scheduled)
                let new = QueueTask(queue: "builder", title: "t\(index)", state: state, createdAt: created)
                let task = try #require(try await daemon.insertTask(new))
                ids.append(task.id)
            }
            // The list every worker is given, best first: not the insertion order.
            let list = Array(ids.reversed())

            // Eight workers on each store, each claiming the first waiting task of the same list until none is left.
            let claims = try await withThrowingTaskGroup(of: [(id: String, owner: String)].self) { group in
                for worker in 0..<16 {
                    let store = worker.isMultiple(of: 2) ? daemon : cli
                    let owner = "worker-\(worker)"
                    group.addTask {
                        var won: [(id: String, owner: String)] = []
                        var rest = list[...]
                        while let claimed = try await store.claimFirstTask(
                            of: Array(rest), from: [.queued, .scheduled], owner: owner, leaseUntil: created.addingTimeInterval(600), at: created
                        ) {
                            // A worker's own claims follow the list's order.
                            let index = try #require(
                                rest.firstIndex(of: claimed.id), "\(claimed.id) was claimed twice by \(owner) or is not a candidate"
                            )
                            won.append((id: claimed.id, owner: owner))
                            rest = rest[(index + 1)...]
                        }
                        return won
                    }
                }
                var all: [(id: String, owner: String)] = []
                for try await won in group { all += won }
                return all
            }

            let waiting = ids.enumerated().filter { !$0.offset.isMultiple(of: 5) }.map(\.element)
            #expect(claims.count == waiting.count, "every waiting task is claimed, and none twice")
            #expect(Set(claims.map(\.id)) == Set(waiting))
            let stored = try await cli.tasks(TaskQuery(queue: "builder"))
            let owners = Dictionary(claims.map { ($0.id, $0.owner) }, uniquingKeysWith: { first, _ in first })
            for task in stored {
                if waiting.contains(task.id) {
                    #expect(task.state == .running && task.attempts == 1 && task.leaseOwner == owners[task.id], "\(task.id)")
                } else {
                    #expect(task.state == .blocked && task.attempts == 0 && task.leaseOwner == nil, "\(task.id)")
                }
            }
            #expect(try await daemon.integrityCheck() == "ok")
        }
    }
}
