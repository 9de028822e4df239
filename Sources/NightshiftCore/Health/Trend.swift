public import Foundation

/// A least-squares line through a metric's samples: how fast it grows and when it reaches a value.
///
/// ```swift
/// let trend = Trend(samples)            // nil with fewer than `minimumPoints` or no time spread
/// trend?.time(toReach: 100, from: now)  // seconds until the disk is full, nil if it is not rising
/// ```
public struct Trend: Sendable, Hashable {
    /// Growth per second.
    public var slope: Double
    /// The fitted value at `origin`.
    public var intercept: Double
    public var origin: Date
    /// Share of the variance the line explains, 0–1 (1 when every point is on it).
    public var rSquared: Double
    public var points: Int

    /// Fits the samples; nil with fewer than `minimumPoints` or when all are at one instant.
    public init?(_ samples: [MetricSample], minimumPoints: Int = 3) {
        guard samples.count >= max(2, minimumPoints), let first = samples.map(\.at).min() else { return nil }
        let xs = samples.map { $0.at.timeIntervalSince(first) }
        let ys = samples.map(\.value)
        let count = Double(samples.count)
        let meanX = xs.reduce(0, +) / count
        let meanY = ys.reduce(0, +) / count
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        for (x, y) in zip(xs, ys) {
            sxx += (x - meanX) * (x - meanX)
            sxy += (x - meanX) * (y - meanY)
            syy += (y - meanY) * (y - meanY)
        }
        guard sxx > 0 else { return nil }
        slope = sxy / sxx
        intercept = meanY - slope * meanX
        origin = first
        rSquared = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1
        points = samples.count
    }

    /// The fitted value at `date`.
    public func value(at date: Date) -> Double { intercept + slope * date.timeIntervalSince(origin) }

    /// Seconds from `now` until the line reaches `limit`: nil when it does not rise, 0 when the line
    /// is already there.
    public func time(toReach limit: Double, from now: Date) -> TimeInterval? {
        guard slope > 0 else { return nil }
        return max(0, (limit - value(at: now)) / slope)
    }

    /// "3.2 days", "5.0 hours", "40 minutes": a duration as the operator reads it.
    public static func describe(_ seconds: TimeInterval) -> String {
        if seconds >= 2 * 86_400 { return String(format: "%.1f days", seconds / 86_400) }
        if seconds >= 2 * 3600 { return String(format: "%.1f hours", seconds / 3600) }
        return "\(Int((seconds / 60).rounded())) minutes"
    }
}
