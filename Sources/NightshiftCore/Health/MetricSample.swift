public import Foundation

/// One reading of one metric at one time, as the health sensor stores it.
public struct MetricSample: Sendable, Hashable, Codable {
    /// A ``Metric`` name, or `log:PATH` for one log file's size.
    public var metric: String
    public var value: Double
    public var at: Date

    public init(metric: String, value: Double, at: Date) {
        self.metric = metric
        self.value = value
        self.at = at
    }
}

/// The metrics the sensor samples. Sizes are bytes, shares are percent (0–100).
public enum Metric {
    /// Share of the workspace's file system in use.
    public static let diskUsedPercent = "disk.used_percent"
    /// Bytes free on the workspace's file system (for non-root users).
    public static let diskFreeBytes = "disk.free_bytes"
    /// Bytes of the workspace's file system in all.
    public static let diskTotalBytes = "disk.total_bytes"
    /// Share of the machine's memory in use (total minus available).
    public static let memoryUsedPercent = "memory.used_percent"
    /// The one-minute load average divided by the number of cores, in percent.
    public static let loadPercent = "load.percent"
    /// Bytes under the workspace's `logs/`.
    public static let logsBytes = "logs.bytes"
    /// Bytes of the store's files (database, WAL).
    public static let storeBytes = "store.bytes"
    /// Resident memory of the daemon process that took the sample.
    public static let daemonRSSBytes = "daemon.rss_bytes"
    /// Prefix of one log file's size: `log:logs/runs/r_1.log`.
    public static let logFilePrefix = "log:"

    /// The metric of one log file, by its path relative to the workspace.
    public static func logFile(_ relativePath: String) -> String { logFilePrefix + relativePath }
}

/// Which samples to read.
public struct SampleQuery: Sendable, Hashable {
    /// Only these metrics; empty: every metric.
    public var metrics: Set<String>
    public var since: Date?
    public var until: Date?
    /// At most this many, the newest kept when there are more.
    public var limit: Int

    public init(metrics: Set<String> = [], since: Date? = nil, until: Date? = nil, limit: Int = 10_000) {
        self.metrics = metrics
        self.since = since
        self.until = until
        self.limit = limit
    }

    /// Whether `sample` matches everything but the limit.
    public func matches(_ sample: MetricSample) -> Bool {
        (metrics.isEmpty || metrics.contains(sample.metric))
            && since.map { sample.at >= $0 } ?? true && until.map { sample.at < $0 } ?? true
    }
}
