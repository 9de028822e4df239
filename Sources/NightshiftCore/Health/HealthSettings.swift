public import Foundation

/// The `[health]` and `[watchdog]` tables: how often the sensor samples, what counts as a problem,
/// what the fixes keep. Every value has a default, so a workspace without the tables is looked after.
///
/// ```toml
/// [health]
/// interval = "5m"
/// disk_warning = 80          # percent
/// disk_critical = 90
/// log_retention = "30d"      # delete_log removes older files under logs/
/// log_rotate_size = "10MB"   # rotate_log gzips larger ones
///
/// [watchdog]
/// stale_after = "60s"
/// ```
public struct HealthSettings: Sendable, Hashable {
    /// How often the daemon samples.
    public var interval: TimeInterval = 300
    /// How long samples and learner events are kept.
    public var sampleRetention: TimeInterval = 30 * 86_400
    /// How long finished runs' output files under `logs/runs/` are kept.
    public var runOutputRetention: TimeInterval = 30 * 86_400
    /// Log files older than this are deleted.
    public var logRetention: TimeInterval = 30 * 86_400
    /// Log files larger than this are gzipped.
    public var logRotateBytes: Double = 10 * 1_048_576
    public var diskWarning: Double = 80
    public var diskCritical: Double = 90
    public var memoryWarning: Double = 90
    public var memoryCritical: Double = 97
    /// `logs/` over this size is a warning.
    public var logsWarningBytes: Double = 1_073_741_824
    /// How many of the newest samples a trend is fitted to.
    public var trendSamples: Int = 24
    /// A trend needs samples spanning at least this long: minutes of noise say nothing of days.
    public var trendMinimumSpan: TimeInterval = 3600
    /// A disk that the trend fills within this long is a warning …
    public var trendWarning: TimeInterval = 7 * 86_400
    /// … and within this long critical.
    public var trendCritical: TimeInterval = 86_400
    /// `VACUUM` runs when at least this share of the store's pages is free.
    public var vacuumFreePercent: Double = 20
    /// The daemon's heartbeat older than this is critical (`[watchdog] stale_after`).
    public var staleAfter: TimeInterval = 60

    public init() {}
}

/// Reads `[health]` and `[watchdog]`; every mistake is a diagnostic at its line and column.
struct HealthReader {
    static let healthKeys = [
        "interval", "sample_retention", "run_output_retention", "log_retention", "log_rotate_size", "disk_warning", "disk_critical",
        "memory_warning", "memory_critical", "logs_warning_size", "trend_samples", "trend_min_span", "trend_warning", "trend_critical", "vacuum_free_percent",
    ]

    static func read(health: TableReader?, watchdog: TableReader?) -> HealthSettings {
        var settings = HealthSettings()
        if let table = health {
            let reader = HealthReader(table: table)
            reader.seconds("interval", into: &settings.interval, minimum: 10)
            reader.seconds("sample_retention", into: &settings.sampleRetention, minimum: 3600)
            reader.seconds("run_output_retention", into: &settings.runOutputRetention, minimum: 3600)
            reader.seconds("log_retention", into: &settings.logRetention, minimum: 3600)
            reader.seconds("trend_min_span", into: &settings.trendMinimumSpan, minimum: 60)
            reader.seconds("trend_warning", into: &settings.trendWarning, minimum: 60)
            reader.seconds("trend_critical", into: &settings.trendCritical, minimum: 60)
            reader.bytes("log_rotate_size", into: &settings.logRotateBytes)
            reader.bytes("logs_warning_size", into: &settings.logsWarningBytes)
            reader.percent("disk_warning", into: &settings.diskWarning)
            reader.percent("disk_critical", into: &settings.diskCritical)
            reader.percent("memory_warning", into: &settings.memoryWarning)
            reader.percent("memory_critical", into: &settings.memoryCritical)
            reader.percent("vacuum_free_percent", into: &settings.vacuumFreePercent)
            if let (count, location) = table.int("trend_samples") {
                if count < 3 || count > 10_000 {
                    table.error("\(table.name("trend_samples")) must be between 3 and 10000, found \(count)", at: location)
                } else {
                    settings.trendSamples = count
                }
            }
            reader.ordered("disk_warning", settings.diskWarning, "disk_critical", settings.diskCritical)
            reader.ordered("memory_warning", settings.memoryWarning, "memory_critical", settings.memoryCritical)
            table.finish(known: healthKeys)
        }
        if let table = watchdog {
            HealthReader(table: table).seconds("stale_after", into: &settings.staleAfter, minimum: 1)
            table.finish(known: ["stale_after"])
        }
        return settings
    }

    let table: TableReader

    private func seconds(_ key: String, into value: inout TimeInterval, minimum: TimeInterval) {
        guard let location = table.node(key)?.location, let duration = table.duration(key) else { return }
        guard duration.inSeconds >= minimum else {
            table.error("\(table.name(key)) must be at least \(Int(minimum))s, found \(Int(duration.inSeconds))s", at: location)
            return
        }
        value = duration.inSeconds
    }

    private func percent(_ key: String, into value: inout Double) {
        guard let node = table.node(key) else { return }
        table.markRead(key)
        let number: Double? = switch node.value {
        case .integer(let whole): Double(whole)
        case .float(let fraction): fraction
        default: nil
        }
        guard let number, number > 0, number <= 100 else {
            table.error("\(table.name(key)) must be a percentage above 0 and at most 100, e.g. 80", at: node.location)
            return
        }
        value = number
    }

    private func bytes(_ key: String, into value: inout Double) {
        guard let node = table.node(key) else { return }
        table.markRead(key)
        guard let size = Self.byteSize(node) else {
            table.error("\(table.name(key)) must be a size such as \"10MB\", \"512KB\", \"1GB\" or a number of bytes", at: node.location)
            return
        }
        guard size <= Self.maximumBytes else {
            table.error("\(table.name(key)) must be at most 1TB (1099511627776 bytes)", at: node.location)
            return
        }
        value = size
    }

    private func ordered(_ lowKey: String, _ low: Double, _ highKey: String, _ high: Double) {
        guard low >= high, let location = table.node(highKey)?.location ?? table.node(lowKey)?.location else { return }
        table.error("\(table.name(lowKey)) (\(low)) must be below \(table.name(highKey)) (\(high))", at: location)
    }

    /// The largest size accepted: 1 TiB.
    static let maximumBytes: Double = 1_099_511_627_776

    /// An integer of bytes, or a string "N[KB|MB|GB]" (powers of 1024) whose N is decimal digits
    /// with an optional fraction (`1.5GB`): not `0x10`, `1e3`, `inf` or `nan`, which `Double(_:)` reads.
    static func byteSize(_ node: TOMLNode) -> Double? {
        if case .integer(let bytes) = node.value { return bytes > 0 ? Double(bytes) : nil }
        guard let text = node.string?.uppercased().replacingOccurrences(of: " ", with: "") else { return nil }
        let units: [(String, Double)] = [("GB", 1_073_741_824), ("MB", 1_048_576), ("KB", 1024), ("B", 1)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let digits = text.dropLast(suffix.count)
            let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.allSatisfy({ !$0.isEmpty && $0.count <= 20 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
                  let number = Double(digits), number > 0
            else { return nil }
            return number * factor
        }
        return nil
    }
}
