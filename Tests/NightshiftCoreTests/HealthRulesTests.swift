import Foundation
import NightshiftCore
import Testing

/// Trend math, thresholds and the problem lifecycle on synthetic samples (docs/HEALTH.md).
struct HealthRulesTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    /// `values` as disk samples an hour apart, ending at `t0`.
    static func disk(_ values: [Double]) -> [MetricSample] {
        values.enumerated().map { index, value in
            MetricSample(metric: Metric.diskUsedPercent, value: value, at: t0 - Double(values.count - 1 - index) * 3600)
        }
    }

    @Test("a rising line: exact slope and intercept, r² = 1, and the time it reaches a limit")
    func risingTrend() throws {
        let trend = try #require(Trend(Self.disk([50, 51, 52, 53, 54, 55])))
        #expect(abs(trend.slope * 3600 - 1) < 1e-9, "1 % an hour")
        #expect(abs(trend.value(at: Self.t0) - 55) < 1e-9)
        #expect(abs(trend.rSquared - 1) < 1e-12)
        #expect(abs(try #require(trend.time(toReach: 100, from: Self.t0)) - 45 * 3600) < 1e-6, "45 more hours to 100 %")
        #expect(trend.time(toReach: 40, from: Self.t0) == 0, "a limit already passed is reached now")
        #expect(Trend.describe(45 * 3600) == "45.0 hours")
        #expect(Trend.describe(3.2 * 86_400) == "3.2 days")
        #expect(Trend.describe(30 * 60) == "30 minutes")
    }

    @Test("a flat or falling line never reaches the limit")
    func flatAndFallingTrends() throws {
        let flat = try #require(Trend(Self.disk([60, 60, 60, 60])))
        #expect(flat.slope == 0 && flat.time(toReach: 100, from: Self.t0) == nil)
        #expect(flat.rSquared == 1, "every point on the line")
        let falling = try #require(Trend(Self.disk([70, 68, 66, 64])))
        #expect(falling.slope < 0 && falling.time(toReach: 100, from: Self.t0) == nil)
    }

    @Test("noisy samples: the least-squares slope of a known series and an r² below 1")
    func noisyTrend() throws {
        // y = 50 + 2x + e with e = +1, -1, +1, -1, +1, -1 (x in hours): slope 2 - 12/70 per hour.
        let trend = try #require(Trend(Self.disk([51, 51, 55, 55, 59, 59])))
        #expect(abs(trend.slope * 3600 - (2 - 12.0 / 70)) < 1e-9, "slope \(trend.slope * 3600)")
        #expect(trend.rSquared > 0.9 && trend.rSquared < 1, "r² \(trend.rSquared)")
    }

    @Test("too few points, or all at one instant, give no trend")
    func tooFewPoints() {
        #expect(Trend(Self.disk([50, 60])) == nil, "two points are below the default minimum of three")
        #expect(Trend([]) == nil)
        let sameTime = [50.0, 60, 70].map { MetricSample(metric: Metric.diskUsedPercent, value: $0, at: Self.t0) }
        #expect(Trend(sameTime) == nil)
        #expect(Trend(Self.disk([50, 60]), minimumPoints: 2) != nil)
    }

    @Test("disk and memory thresholds: at the limit nothing, above it a warning, above critical a critical")
    func thresholds() {
        let rules = HealthRules(settings: HealthSettings())
        func severity(disk: Double) -> Severity? {
            rules.evaluate(HealthSnapshot(samples: [MetricSample(metric: Metric.diskUsedPercent, value: disk, at: Self.t0)]), at: Self.t0)
                .first { $0.key == "disk.usage" }?.severity
        }
        #expect(severity(disk: 79.9) == nil)
        #expect(severity(disk: 80) == nil)
        #expect(severity(disk: 80.1) == .warning)
        #expect(severity(disk: 90) == .warning)
        #expect(severity(disk: 90.5) == .critical)
        let memory = rules.evaluate(HealthSnapshot(samples: [MetricSample(metric: Metric.memoryUsedPercent, value: 98, at: Self.t0)]), at: Self.t0)
        #expect(memory.map(\.key) == ["memory.usage"] && memory.first?.severity == .critical)
        #expect(memory.first?.summary == "memory 98.0 % used (critical above 97 %)")
        #expect(memory.first?.fix == nil, "nothing automatic fixes memory: it is escalated")

        var settings = HealthSettings()
        settings.diskWarning = 50
        settings.diskCritical = 60
        let custom = HealthRules(settings: settings)
            .evaluate(HealthSnapshot(samples: [MetricSample(metric: Metric.diskUsedPercent, value: 55, at: Self.t0)]), at: Self.t0)
        #expect(custom.first?.severity == .warning && custom.first?.summary == "disk 55.0 % used (warning above 50 %)")
    }

    @Test("the disk trend: full within 7 days warns, within a day is critical, a slow or flat disk is fine")
    func diskTrendRule() {
        let rules = HealthRules(settings: HealthSettings())
        func trend(_ values: [Double]) -> ProblemFinding? {
            rules.evaluate(HealthSnapshot(samples: Self.disk(values)), at: Self.t0).first { $0.key == "disk.trend" }
        }
        // +1 % an hour from 55 %: full in 45 hours.
        let days = trend([50, 51, 52, 53, 54, 55])
        #expect(days?.severity == .warning)
        #expect(days?.summary == "disk full in 45.0 hours at the current rate (+24.00 % a day)", "\(String(describing: days))")
        #expect(days?.evidence["seconds_left"] == .number(45 * 3600))
        // +5 % an hour from 75 %: full in 5 hours.
        #expect(trend([50, 55, 60, 65, 70, 75])?.severity == .critical)
        // +0.01 % an hour: months away.
        #expect(trend([50, 50.01, 50.02, 50.03]) == nil)
        #expect(trend([50, 50, 50, 50]) == nil)
        #expect(trend([50, 60]) == nil, "too few samples")
        // Four samples a minute apart, rising 1 % a minute: too short a span to extrapolate.
        let minutes = (0..<4).map { MetricSample(metric: Metric.diskUsedPercent, value: 50 + Double($0), at: Self.t0 - Double(3 - $0) * 60) }
        #expect(rules.evaluate(HealthSnapshot(samples: minutes), at: Self.t0).isEmpty, "a span under trend_min_span (1h) gives no trend")
    }

    @Test("old and large logs: exactly the files past the retention, and the large ones not yet gzipped")
    func logRules() {
        let rules = HealthRules(settings: HealthSettings())
        let logs = [
            LogFile(path: "logs/old.log", bytes: 100, modified: Self.t0 - 31 * 86_400),
            LogFile(path: "logs/old-big.log", bytes: 20 * 1_048_576, modified: Self.t0 - 40 * 86_400),
            LogFile(path: "logs/big.log", bytes: 11 * 1_048_576, modified: Self.t0 - 3600),
            LogFile(path: "logs/big.log.1.gz", bytes: 11 * 1_048_576, modified: Self.t0 - 3600),
            LogFile(path: "logs/fresh.log", bytes: 5 * 1_048_576, modified: Self.t0 - 29 * 86_400),
        ]
        #expect(rules.oldLogs(logs, at: Self.t0).map(\.path) == ["logs/old-big.log", "logs/old.log"])
        #expect(rules.largeLogs(logs, at: Self.t0).map(\.path) == ["logs/big.log"])
        let findings = rules.evaluate(HealthSnapshot(samples: [], logs: logs, storeFreePercent: 25), at: Self.t0)
        #expect(findings.map(\.key) == ["logs.old", "logs.large", "store.free_pages"])
        #expect(findings.map(\.fix) == [.deleteOldLogs, .rotateLargeLogs, .optimizeStore])
        #expect(findings.first?.summary == "2 log files older than 30 days (20.0 MB)")
    }

    @Test("lifecycle: a problem opens, is refreshed while found, resolves when it clears, and reopens as a new one")
    func lifecycle() async throws {
        let store = MemoryStore()
        let rules = HealthRules(settings: HealthSettings())
        func scan(disk: Double, at date: Date) async throws -> ProblemChanges {
            let findings = rules.evaluate(HealthSnapshot(samples: [MetricSample(metric: Metric.diskUsedPercent, value: disk, at: date)]), at: date)
            return try await store.recordScan(findings, resolution: "cleared", at: date)
        }
        let first = try await scan(disk: 85, at: Self.t0)
        #expect(first.opened.map(\.severity) == [.warning])
        let worse = try await scan(disk: 95, at: Self.t0 + 300)
        #expect(worse.updated.map(\.severity) == [.critical] && worse.updated.first?.id == first.opened.first?.id)
        #expect(worse.updated.first?.firstSeen == Self.t0 && worse.updated.first?.occurrences == 2)
        let cleared = try await scan(disk: 70, at: Self.t0 + 600)
        #expect(cleared.resolved.map(\.id) == first.opened.map(\.id) && cleared.resolved.first?.resolvedAt == Self.t0 + 600)
        #expect(try await store.problems(ProblemQuery(open: true)).isEmpty)
        let again = try await scan(disk: 82, at: Self.t0 + 900)
        #expect(again.opened.count == 1 && again.opened.first?.id != first.opened.first?.id)
        #expect(try await store.problems(ProblemQuery()).count == 2)
    }
}
