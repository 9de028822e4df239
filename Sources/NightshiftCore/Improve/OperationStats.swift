/// Latency and failure figures of one operation, from ``SelfImprover/stats(timings:failures:now:)``.
///
/// Percentiles are nearest-rank: of `n` timings sorted ascending, the `p`th percentile is the one
/// at rank `⌈p·n/100⌉` (counting from 1). Of 1…10 s, p50 is 5 s and p90 is 9 s.
public struct OperationStats: Sendable, Hashable, Codable {
    /// The operation.
    public var operation: String
    /// Timings at or before the moment the figures are for.
    public var count: Int
    /// Median duration in milliseconds (nearest rank); nil without timings.
    public var p50: Double?
    /// 90th-percentile duration in milliseconds (nearest rank); nil without timings.
    public var p90: Double?
    /// Longest duration in milliseconds; nil without timings.
    public var max: Double?
    /// Failures within ``SelfImprover/Configuration/failureWindow`` (24 h by default) up to the moment.
    public var recentFailures: Int
    /// All failures at or before the moment.
    public var failuresTotal: Int
    /// The error of the latest failure.
    public var lastFailure: String?

    /// Figures with these values; ``SelfImprover/stats(timings:failures:now:)`` computes real ones.
    public init(
        operation: String, count: Int, p50: Double?, p90: Double?, max: Double?,
        recentFailures: Int, failuresTotal: Int, lastFailure: String?
    ) {
        self.operation = operation
        self.count = count
        self.p50 = p50
        self.p90 = p90
        self.max = max
        self.recentFailures = recentFailures
        self.failuresTotal = failuresTotal
        self.lastFailure = lastFailure
    }

    /// The nearest-rank `percentile` (1...100) of `values`: the value at rank `⌈percentile·n/100⌉`
    /// once sorted ascending; nil when `values` is empty.
    ///
    /// ```swift
    /// OperationStats.nearestRank(90, of: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])  // 9
    /// OperationStats.nearestRank(90, of: [100, 200, 300])                 // 300
    /// ```
    public static func nearestRank(_ percentile: Int, of values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        // Integer arithmetic: 0.9 × 10 in floating point must not round up to rank 10.
        let rank = (Swift.max(0, Swift.min(100, percentile)) * sorted.count + 99) / 100
        return sorted[Swift.max(1, rank) - 1]
    }
}
