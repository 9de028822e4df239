import NightshiftCore
import NightshiftTesting
import Testing

/// The store conformance suite against the reference in-memory store.
@Suite("MemoryStore conformance")
struct MemoryStoreConformanceTests {
    @Test(arguments: StoreConformance.cases)
    func conformance(_ check: StoreConformanceCase) async throws {
        let store = MemoryStore()
        try await store.migrate()
        try await check.run(store)
    }

    @Test func caseNamesAreUniqueSoEachCaseCanBeRerunAlone() {
        let names = StoreConformance.cases.map(\.name)
        #expect(Set(names).count == names.count)
    }
}
