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
}
