public import Foundation

/// A log file the fixes may act on, by its path relative to the workspace.
public struct LogFile: Sendable, Hashable, Codable {
    public var path: String
    public var bytes: Double
    public var modified: Date

    public init(path: String, bytes: Double, modified: Date) {
        self.path = path
        self.bytes = bytes
        self.modified = modified
    }
}

/// What one scan looks at: the newest samples, each trend metric's recent history, and what the
/// fixes would find to do.
public struct HealthSnapshot: Sendable {
    /// Recent samples of every metric, oldest first.
    public var samples: [MetricSample]
    /// Log files under `logs/` (not yet gzipped ones and gzipped ones alike).
    public var logs: [LogFile]
    /// Share of the store's pages that are free, when the store can tell.
    public var storeFreePercent: Double?

    public init(samples: [MetricSample], logs: [LogFile] = [], storeFreePercent: Double? = nil) {
        self.samples = samples
        self.logs = logs
        self.storeFreePercent = storeFreePercent
    }

    /// The newest sample of `metric`.
    public func latest(_ metric: String) -> MetricSample? { samples.last { $0.metric == metric } }
}

/// The problem rules: thresholds on the newest samples, a least-squares trend of disk use, and what
/// the log and store fixes would clear.
public struct HealthRules: Sendable {
    public var settings: HealthSettings

    public init(settings: HealthSettings) {
        self.settings = settings
    }

    /// Every problem `snapshot` shows at `now`, in a stable order.
    public func evaluate(_ snapshot: HealthSnapshot, at now: Date) -> [ProblemFinding] {
        var findings: [ProblemFinding] = []
        if let disk = snapshot.latest(Metric.diskUsedPercent) {
            if let finding = threshold(
                key: "disk.usage", what: "disk", value: disk.value, warning: settings.diskWarning, critical: settings.diskCritical
            ) { findings.append(finding) }
        }
        if let trend = diskTrend(snapshot, at: now) { findings.append(trend) }
        if let memory = snapshot.latest(Metric.memoryUsedPercent) {
            if let finding = threshold(
                key: "memory.usage", what: "memory", value: memory.value, warning: settings.memoryWarning, critical: settings.memoryCritical
            ) { findings.append(finding) }
        }
        if let logs = snapshot.latest(Metric.logsBytes), logs.value > settings.logsWarningBytes {
            findings.append(ProblemFinding(
                key: "logs.size", severity: .warning,
                summary: "logs/ holds \(Self.size(logs.value)) (warning above \(Self.size(settings.logsWarningBytes)))",
                evidence: ["bytes": .number(logs.value), "limit": .number(settings.logsWarningBytes)], fix: .deleteOldLogs
            ))
        }
        let old = oldLogs(snapshot.logs, at: now)
        if !old.isEmpty {
            findings.append(ProblemFinding(
                key: "logs.old", severity: .warning,
                summary: "\(Self.count(old.count, "log file")) older than \(Self.days(settings.logRetention)) (\(Self.size(old.map(\.bytes).reduce(0, +))))",
                evidence: ["files": .integer(Int64(old.count)), "paths": .array(old.prefix(20).map { .string($0.path) })], fix: .deleteOldLogs
            ))
        }
        let large = largeLogs(snapshot.logs, at: now)
        if !large.isEmpty {
            findings.append(ProblemFinding(
                key: "logs.large", severity: .warning,
                summary: "\(Self.count(large.count, "log file")) over \(Self.size(settings.logRotateBytes)) (\(Self.size(large.map(\.bytes).reduce(0, +))))",
                evidence: ["files": .integer(Int64(large.count)), "paths": .array(large.prefix(20).map { .string($0.path) })], fix: .rotateLargeLogs
            ))
        }
        if let free = snapshot.storeFreePercent, free >= settings.vacuumFreePercent {
            findings.append(ProblemFinding(
                key: "store.free_pages", severity: .warning,
                summary: String(format: "%.0f %% of the store's pages are free (vacuum at %.0f %%)", free, settings.vacuumFreePercent),
                evidence: ["free_percent": .number(free)], fix: .optimizeStore
            ))
        }
        return findings
    }

    /// Log files `delete_log` removes: older than the retention.
    public func oldLogs(_ logs: [LogFile], at now: Date) -> [LogFile] {
        logs.filter { now.timeIntervalSince($0.modified) > settings.logRetention }.sorted { $0.path < $1.path }
    }

    /// Log files `rotate_log` gzips: larger than the limit, not gzipped yet, not due for deletion.
    public func largeLogs(_ logs: [LogFile], at now: Date) -> [LogFile] {
        logs.filter { $0.bytes > settings.logRotateBytes && !$0.path.hasSuffix(".gz") && now.timeIntervalSince($0.modified) <= settings.logRetention }
            .sorted { $0.path < $1.path }
    }

    /// "disk full in 3.2 days": the newest `trendSamples` disk samples' line reaching 100 %, when
    /// they span at least `trendMinimumSpan`.
    func diskTrend(_ snapshot: HealthSnapshot, at now: Date) -> ProblemFinding? {
        let disk = snapshot.samples.filter { $0.metric == Metric.diskUsedPercent }.suffix(settings.trendSamples)
        guard let first = disk.first, let last = disk.last, last.at.timeIntervalSince(first.at) >= settings.trendMinimumSpan,
            let trend = Trend(Array(disk)), let remaining = trend.time(toReach: 100, from: now), remaining < settings.trendWarning else {
            return nil
        }
        let perDay = trend.slope * 86_400
        return ProblemFinding(
            key: "disk.trend", severity: remaining < settings.trendCritical ? .critical : .warning,
            summary: "disk full in \(Trend.describe(remaining)) at the current rate (+\(String(format: "%.2f", perDay)) % a day)",
            evidence: [
                "seconds_left": .number(remaining.rounded()), "percent_per_day": .number((perDay * 100).rounded() / 100),
                "samples": .integer(Int64(trend.points)), "r_squared": .number((trend.rSquared * 1000).rounded() / 1000),
            ]
        )
    }

    private func threshold(key: String, what: String, value: Double, warning: Double, critical: Double) -> ProblemFinding? {
        let severity: Severity? = value > critical ? .critical : value > warning ? .warning : nil
        guard let severity else { return nil }
        let limit = severity == .critical ? critical : warning
        return ProblemFinding(
            key: key, severity: severity,
            summary: String(format: "%@ %.1f %% used (%@ above %.0f %%)", what, value, severity.rawValue, limit),
            evidence: ["percent": .number((value * 10).rounded() / 10), "warning": .number(warning), "critical": .number(critical)]
        )
    }

    /// "12.3 MB": bytes as the operator reads them.
    public static func size(_ bytes: Double) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = bytes
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int(value)) B" : String(format: "%.1f %@", value, units[unit])
    }

    private static func count(_ number: Int, _ noun: String) -> String { number == 1 ? "1 \(noun)" : "\(number) \(noun)s" }
    private static func days(_ seconds: TimeInterval) -> String { "\(Int((seconds / 86_400).rounded())) days" }
}
