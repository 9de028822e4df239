public import Foundation

/// Where a goal stands.
public enum GoalStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Its period has not ended and its target is not reached.
    case active
    /// Its target was reached; a goal stays completed even if a lower value is recorded later.
    case completed
    /// Its period ended before the target was reached.
    case missed

    /// Completed or missed.
    public var isFinished: Bool { self != .active }

    public var description: String { rawValue }
}

/// A target for one metric over a period of calendar days, e.g. 20 `meetings_booked` in March.
///
/// The period runs from the start day's 00:00 to the end day's 24:00 in ``timeZone`` (the
/// workspace's zone when the goal was made). The operator records the metric's current value as it
/// changes; ``recording(_:at:)`` completes the goal when the value reaches the target, and
/// ``settled(at:)`` marks it missed once the period is over. ``evaluate(at:)`` tells whether it is on
/// pace and ``suggestion(at:)`` what to do when it is not.
///
/// ```swift
/// let goal = try Goal.create(
///     name: "march-meetings", metric: "meetings_booked", target: 20,
///     start: CalendarDay("2026-03-01")!, end: CalendarDay("2026-03-31")!, timeZone: zone, at: now
/// )
/// goal.kind  // .activity, inferred from the metric
/// ```
public struct Goal: Sendable, Hashable, Codable {
    /// Unique among the workspace's goals.
    public var name: String
    /// What is counted, in the operator's words: `meetings_booked`, `pipeline_value`.
    public var metric: String
    /// What the metric measures; decides the suggested action when the goal is behind.
    public var kind: GoalKind
    /// The value to reach; greater than 0.
    public var target: Double
    /// The latest recorded value of the metric.
    public var current: Double
    /// The first day of the period.
    public var start: CalendarDay
    /// The last day of the period (included); after ``start``.
    public var end: CalendarDay
    /// The zone the days are read in.
    public var timeZone: TimeZone
    /// Active, completed or missed, as last recorded; ``evaluate(at:)`` also reads an active goal
    /// whose period is over as missed.
    public var status: GoalStatus
    /// When the goal was added.
    public var createdAt: Date
    /// When the value or the status last changed.
    public var updatedAt: Date
    /// When the target was reached.
    public var completedAt: Date?

    /// A goal as stored, with no checks: drivers use it to read goals back. New goals come from
    /// ``create(name:metric:kind:target:start:end:timeZone:at:)``.
    public init(
        name: String, metric: String, kind: GoalKind, target: Double, current: Double, start: CalendarDay, end: CalendarDay,
        timeZone: TimeZone, status: GoalStatus, createdAt: Date, updatedAt: Date, completedAt: Date? = nil
    ) {
        self.name = name
        self.metric = metric
        self.kind = kind
        self.target = target
        self.current = current
        self.start = start
        self.end = end
        self.timeZone = timeZone
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.completedAt = completedAt
    }

    /// A new, active goal at 0, after checking what the operator gave.
    ///
    /// - Parameter kind: nil to infer it from the metric's name (``GoalKind/inferred(fromMetric:)``).
    /// - Throws: ``GoalError`` naming the field: an empty or malformed name or metric, a target that
    ///   is not a finite number above 0, an end that is not after the start.
    public static func create(
        name: String, metric: String, kind: GoalKind? = nil, target: Double, start: CalendarDay, end: CalendarDay,
        timeZone: TimeZone, at now: Date
    ) throws(GoalError) -> Goal {
        if let problem = problem(withLabel: name) { throw .invalidName(problem) }
        if let problem = problem(withLabel: metric) { throw .invalidMetric(problem) }
        guard target.isFinite, target > 0 else {
            throw .invalidTarget("must be a number greater than 0 (got \(formatted(target)))")
        }
        guard end > start else {
            throw .invalidPeriod("must be after the start \(start) (got \(end))")
        }
        return Goal(
            name: name, metric: metric, kind: kind ?? .inferred(fromMetric: metric), target: target, current: 0,
            start: start, end: end, timeZone: timeZone, status: .active, createdAt: now, updatedAt: now
        )
    }

    /// Throws unless `value` can be recorded as a goal's progress (a finite number).
    public static func checkValue(_ value: Double) throws(GoalError) {
        guard value.isFinite else { throw .invalidValue("must be a finite number (got \(value))") }
    }

    /// Throws unless `value` can be recorded as this goal's progress: a finite number, and not below
    /// 0 when the goal's kind counts things (``GoalKind/allowsNegativeValues``).
    public func checkProgress(_ value: Double) throws(GoalError) {
        try Self.checkValue(value)
        guard value >= 0 || kind.allowsNegativeValues else {
            throw .invalidValue("must be 0 or more: \(kind) goals count things (got \(Self.formatted(value)))")
        }
    }

    /// The goal with `value` as its current value at `now`.
    ///
    /// A value at or above the target completes an unfinished goal, also a missed one (results
    /// often arrive after the period: ``completedAt`` says when it was recorded). A completed goal
    /// stays completed. Otherwise the status is ``settled(at:)``.
    public func recording(_ value: Double, at now: Date) -> Goal {
        var goal = self
        goal.current = value
        goal.updatedAt = now
        if status != .completed, value >= target {
            goal.status = .completed
            goal.completedAt = now
        }
        return goal.settled(at: now)
    }

    /// What ``GoalStore/updateGoal(_:value:note:at:)`` stores: the goal with `value` recorded (when
    /// given), then settled at `now`. Drivers call it inside their transaction.
    public func updated(value: Double?, at now: Date) -> Goal {
        (value.map { recording($0, at: now) } ?? self).settled(at: now)
    }

    /// The goal marked missed when it is active and its period is over at `now`; otherwise unchanged.
    public func settled(at now: Date) -> Goal {
        guard status == .active, now >= period.end else { return self }
        var goal = self
        goal.status = .missed
        goal.updatedAt = now
        return goal
    }

    /// From the start day's 00:00 to the end day's 24:00 in ``timeZone``.
    public var period: DateInterval {
        let from = start.start(in: timeZone)
        let to = end.adding(days: 1).start(in: timeZone)
        return DateInterval(start: from, end: max(from, to))
    }

    /// The period's length in calendar days, both ends included.
    public var totalDays: Int {
        Int(end.daysSince1970 - start.daysSince1970) + 1
    }

    /// Why a name or metric is unacceptable, or nil.
    private static func problem(withLabel text: String) -> String? {
        if text.isEmpty { return "must not be empty" }
        if text.count > 100 { return "must be at most 100 characters (got \(text.count))" }
        if text.first?.isWhitespace == true || text.last?.isWhitespace == true {
            return "must not start or end with spaces"
        }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "must not contain control characters such as newlines or tabs"
        }
        return nil
    }

    /// A number as an operator writes it: `20`, `12.5`.
    public static func formatted(_ value: Double) -> String {
        JSONValue.number(value).text
    }
}
