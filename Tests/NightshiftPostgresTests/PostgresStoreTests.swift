import Foundation
import NightshiftCore
import NightshiftTesting
import PostgresNIO
import Synchronization
import Testing
@testable import NightshiftPostgres

/// The store conformance suite on a real PostgreSQL server, one fresh schema per case.
/// The same cases as the memory and SQLite drivers run, unchanged.
@Suite("PostgresStore")
struct PostgresStoreTests {
    @Test(arguments: StoreConformance.cases)
    func conformance(_ check: StoreConformanceCase) async throws {
        try await TestDatabase.withFreshStore { store in
            try await check.run(store)
        }
    }

    @Test("a NUL in a run's error or excerpt (PostgreSQL's text holds none) is stored as U+FFFD and fails neither that finish nor the others grouped with it")
    func nulInFinishedRuns() async throws {
        try await TestDatabase.withFreshStore { store in
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            try await store.syncJobs(["job"], at: start)
            var ids: [String] = []
            for index in 0..<20 {
                let run = RunRecord(job: "job", slot: start.addingTimeInterval(Double(index)), trigger: .schedule, state: .pending, createdAt: start)
                #expect(try await store.insertRun(run))
                _ = try await store.claimRun(run.id, owner: "owner", at: start, exclusive: false)
                ids.append(run.id)
            }
            let finished = try await withThrowingTaskGroup(of: Bool.self) { group in
                for (index, id) in ids.enumerated() {
                    group.addTask {
                        let outcome = RunOutcome(
                            state: .failed, finishedAt: start.addingTimeInterval(60), exitStatus: 1,
                            error: index % 3 == 0 ? "bad\u{0}error" : "error", excerpt: index % 2 == 0 ? "out\u{0}put" : "output"
                        )
                        return try await store.finishRun(id, owner: "owner", outcome: outcome)
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(finished.count == 20 && finished.allSatisfy { $0 }, "\(finished)")
            let first = try await store.run(ids[0])
            #expect(first?.error == "bad\u{FFFD}error" && first?.excerpt == "out\u{FFFD}put", "\(String(describing: first))")
        }
    }
}

@Suite("PostgresStore: a connection the server ends")
struct PostgresTerminatedConnectionTests {
    @Test(
        "a transaction whose statement the server ends (FATAL 57P01, as a fast shutdown sends) runs once more on another connection, without hanging; the store serves on",
        .timeLimit(.minutes(5))
    )
    func terminatedMidStatement() async throws {
        try await TestDatabase.withFreshStore { store in
            let marker = "nightshift_terminated_\(UInt32.random(in: 0...UInt32.max))"
            let attempts = Mutex(0)
            let victim = Task {
                try await store.packWrite { session in
                    let attempt = attempts.withLock { count in
                        count += 1
                        return count
                    }
                    let sql = attempt == 1 ? "SELECT pg_sleep(20) AS \(marker)" : "SELECT 1"
                    try await session.execute(PostgresQuery(unsafeSQL: sql))
                    return attempt
                }
            }
            // Once the statement runs, its backend is terminated as a fast shutdown does.
            var terminated = false
            for _ in 0..<200 where !terminated {
                try await Task.sleep(for: .milliseconds(25))
                terminated = try await store.packRead { session in
                    try await session.rows(
                        PostgresQuery(unsafeSQL: "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%AS \(marker)' AND pid <> pg_backend_pid()")
                    ).count
                } == 1
            }
            #expect(terminated)
            let started = ContinuousClock.now
            let outcome = await victim.result
            #expect(ContinuousClock.now - started < .seconds(10))
            switch outcome {
            case .success(let attempt): #expect(attempt == 2, "it ran again once")
            case .failure(let error): Issue.record("the transaction failed instead of running again: \(error)")
            }
            #expect(try await store.storeTime() != nil, "the next call is served")
        }
    }

    @Test("a statement still unanswered when its connection closes fails soon after (PostgresNIO can leave one queued for ever), and the closed connection is no longer watched", .timeLimit(.minutes(5)))
    func unansweredAfterClose() async throws {
        try await TestDatabase.withFreshStore { store in
            let watch = ConnectionWatch(grace: .milliseconds(200))
            let started = ContinuousClock.now
            let outcome: Result<Int, any Error> = try await store.client.withConnection { connection in
                async let waited: Result<Int, any Error> = {
                    do {
                        // Stands for a statement PostgresNIO queued and never answers.
                        return .success(try await watch.answer(on: connection) {
                            try await Task.sleep(for: .seconds(30))
                            return 1
                        })
                    } catch { return .failure(error) }
                }()
                try await Task.sleep(for: .milliseconds(100))
                #expect(watch.watchedConnections == 1)
                try await connection.close()
                return await waited
            }
            #expect(ContinuousClock.now - started < .seconds(10))
            guard case .failure(let error) = outcome else {
                Issue.record("the statement answered after its connection closed")
                return
            }
            #expect(error is PostgresConnectionLost && PostgresErrors.endsConnection(error), "\(error)")
            #expect(watch.watchedConnections == 0)
            let answered = try await store.client.withConnection { connection in
                try await watch.answer(on: connection) { try await connection.query("SELECT 1", logger: store.logger).collect().count }
            }
            #expect(answered == 1, "an open connection's statement is answered as before")
        }
    }
}
