import Foundation
import NightshiftCore
import NightshiftTesting
import PostgresNIO
import Testing
@testable import NightshiftPostgres

/// The store conformance suite on a real PostgreSQL server, one fresh schema per case.
///
/// Branch h/postgres builds the driver group by group: ``conformanceGroups`` names the groups that
/// pass, and grows until it is `StoreConformance.cases` (docs/POSTGRES.md).
@Suite("PostgresStore")
struct PostgresStoreTests {
    /// The conformance groups the driver passes so far.
    static let conformanceGroups: [(name: String, cases: [StoreConformanceCase])] = [
        ("daemon", StoreConformance.daemonCases),
        ("jobs", StoreConformance.jobCases),
        ("insert", StoreConformance.insertCases),
        ("queue", StoreConformance.queueCases),
        ("lifecycle", StoreConformance.lifecycleCases),
        ("query", StoreConformance.queryCases),
        ("roundTrip", StoreConformance.roundTripCases),
        ("concurrency", StoreConformance.concurrencyCases),
        ("lease", StoreConformance.leaseCases),
        ("leaseConcurrency", StoreConformance.leaseConcurrencyCases),
        ("checkpoint", StoreConformance.checkpointCases),
        ("identity", StoreConformance.identityCases),
        ("task", StoreConformance.taskCases),
        ("action", StoreConformance.actionCases),
        ("stepExecution", StoreConformance.stepExecutionCases),
    ]

    @Test(arguments: conformanceGroups.flatMap(\.cases))
    func conformance(_ check: StoreConformanceCase) async throws {
        try await TestDatabase.withFreshStore { store in
            try await check.run(store)
        }
    }
}
