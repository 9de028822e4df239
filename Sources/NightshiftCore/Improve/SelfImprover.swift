public import Foundation

/// Watches how Nightshift's own operations behave and suggests improvements: operations that are
/// slow (p90 over 5 s), unreliable (3 or more failures within 24 h), topics the operator corrected
/// twice or more within 30 days (a knowledge gap), and jobs run by hand often enough (on 3 days in
/// 14) that they should have a schedule.
///
/// Pure logic: the caller passes the history and the moment `now`; nothing after `now` counts.
/// Every suggestion carries its evidence (figures and run ids) and, for a manual job, a proposed
/// schedule; none is applied here.
///
/// ```swift
/// let improver = SelfImprover(timeZone: try TimeZones.named("Europe/Berlin"))
/// for improvement in improver.suggestions(timings: timings, failures: failures, manualRuns: runs, now: now) {
///     print(improvement.summary)
/// }
/// ```
public struct SelfImprover: Sendable {
    /// Thresholds and windows of the checks.
    public struct Configuration: Sendable, Hashable {
        /// An operation whose p90 duration is over this many milliseconds is slow.
        public var slowP90Milliseconds: Double = 5_000
        /// Timings an operation needs before it can be called slow.
        public var minimumSamples = 3
        /// Failures within ``failureWindow`` that make an operation unreliable.
        public var failureThreshold = 3
        /// The trailing window, ending at `now`, in which failures are counted.
        public var failureWindow: TimeInterval = 24 * 3_600
        /// Manual runs within ``manualRunWindow`` after which a job should be scheduled.
        public var manualRunThreshold = 3
        /// The trailing window, ending at `now`, in which manual runs are counted.
        public var manualRunWindow: TimeInterval = 14 * 86_400
        /// How far (minutes) a manual run may be from the typical time and still count towards it.
        public var scheduleToleranceMinutes = 45
        /// Run ids listed as evidence of slowness at most (the slowest ones).
        public var evidenceRunLimit = 10
        /// Corrections of one topic within ``correctionWindow`` that make a knowledge gap.
        public var correctionThreshold = 2
        /// The trailing window, ending at `now`, in which corrections are counted.
        public var correctionWindow: TimeInterval = 30 * 86_400

        /// The defaults above.
        public init() {}
    }

    /// Thresholds and windows.
    public var configuration: Configuration
    /// The workspace's zone, in which manual runs' times of day are read and schedules proposed.
    public var timeZone: TimeZone

    /// An improver proposing schedules for `timeZone`.
    public init(configuration: Configuration = Configuration(), timeZone: TimeZone) {
        self.configuration = configuration
        self.timeZone = timeZone
    }

    /// Figures for every operation with a timing or a failure at or before `now`, slowest p90
    /// first (operations without timings last), then by name.
    public func stats(timings: [OperationTiming], failures: [OperationFailure], now: Date) -> [OperationStats] {
        let timed = Dictionary(grouping: timings.filter { $0.at <= now }, by: \.operation)
        let failed = Dictionary(grouping: failures.filter { $0.at <= now }, by: \.operation)
        let recentStart = now.addingTimeInterval(-configuration.failureWindow)
        let operations = Set(timed.keys).union(failed.keys)
        return operations.map { operation in
            let durations = (timed[operation] ?? []).map(\.milliseconds)
            let failures = (failed[operation] ?? []).sorted { $0.at < $1.at }
            return OperationStats(
                operation: operation, count: durations.count,
                p50: OperationStats.nearestRank(50, of: durations),
                p90: OperationStats.nearestRank(90, of: durations),
                max: durations.max(),
                recentFailures: failures.filter { $0.at > recentStart }.count,
                failuresTotal: failures.count,
                lastFailure: failures.last?.error)
        }
        .sorted { ($1.p90 ?? -1, $0.operation) < ($0.p90 ?? -1, $1.operation) }
    }

    /// Everything worth the operator's attention at `now`: unreliable operations first, then slow
    /// ones, then jobs to automate, each group by subject.
    public func suggestions(
        timings: [OperationTiming], failures: [OperationFailure], manualRuns: [ManualRunRecord], corrections: [CorrectionRecord] = [], now: Date
    ) -> [Improvement] {
        let found = unreliable(failures, now: now) + slow(timings, now: now) + knowledgeGaps(corrections, now: now)
            + automation(manualRuns, now: now)
        return found.sorted { ($0.kind.severity, $0.subject) < ($1.kind.severity, $1.subject) }
    }

    /// `7200` ms as `7.2 s`.
    static func seconds(_ milliseconds: Double) -> String {
        let tenths = (milliseconds / 100).rounded()
        let whole = Int(tenths) / 10, fraction = Int(tenths) % 10
        return fraction == 0 ? "\(whole) s" : "\(whole).\(fraction) s"
    }

    /// A whole number of milliseconds as an exact JSON integer, any other as a number.
    static func json(_ value: Double) -> JSONValue {
        value.rounded() == value && abs(value) < 9e15 ? .integer(Int64(value)) : .number(value)
    }
}
