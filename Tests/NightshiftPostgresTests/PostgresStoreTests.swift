import Foundation
import NightshiftCore
import NightshiftTesting
import PostgresNIO
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
