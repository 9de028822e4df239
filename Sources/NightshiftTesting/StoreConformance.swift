/// The driver-independent suite every ``Store`` driver must pass (memory, SQLite, PostgreSQL).
///
/// Each case receives a freshly migrated, empty store and checks one guarantee documented on
/// ``Store``; `MemoryStore` defines the expected behaviour where the documentation is silent.
/// Dates are compared to within ``dateTolerance`` so a driver may keep whole milliseconds.
public enum StoreConformance {
    /// Every case, grouped by the part of the contract it covers.
    public static let cases: [StoreConformanceCase] =
        daemonCases
        + jobCases
        + insertCases
        + queueCases
        + claimPassCases
        + lifecycleCases
        + queryCases
        + roundTripCases
        + concurrencyCases
        + leaseCases
        + leaseConcurrencyCases
        + checkpointCases
        + stepExecutionCases
        + goalCases
        + actionCases
        + taskCases
        + healthCases
        + identityCases
        + countCases

    /// How far apart a stored and a read-back date may be: drivers need keep only milliseconds.
    public static let dateTolerance: Double = 0.001
}
