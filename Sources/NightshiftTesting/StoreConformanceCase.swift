public import NightshiftCore

/// One named check of the ``Store`` contract, run against a freshly migrated, empty store.
///
/// Drivers' test targets feed ``StoreConformance/cases`` to a parameterised test:
///
/// ```swift
/// @Test(arguments: StoreConformance.cases)
/// func conformance(_ check: StoreConformanceCase) async throws {
///     let store = try await makeFreshStore()
///     try await store.migrate()
///     try await check.run(store)
/// }
/// ```
public struct StoreConformanceCase: Sendable, Identifiable, CustomStringConvertible {
    /// What the case checks, e.g. `claimRun: exclusive claim is refused while the job is busy`.
    /// Unique within ``StoreConformance/cases``.
    public let name: String
    /// Exercises the store; throws a ``ConformanceFailure`` (or the store's own error) on failure.
    public let run: @Sendable (any Store) async throws -> Void

    /// Creates a case. The store it receives is migrated and empty.
    public init(_ name: String, run: @escaping @Sendable (any Store) async throws -> Void) {
        self.name = name
        self.run = run
    }

    /// The name, so a test runner can re-run one case by itself.
    public var id: String { name }

    /// The name, as test runners show it.
    public var description: String { name }
}
