public import Foundation

/// How a goal stands at one instant: its status, its pace against the time gone, and the time left.
public struct GoalStatusReport: Sendable, Hashable, Codable {
    /// The status at that instant: a stored `active` goal whose period is over reads `missed`.
    public var status: GoalStatus
    /// `current / target`: 1 is the target reached; can exceed 1.
    public var pace: Double
    /// The share of the period gone, `elapsed / total`, from 0 before the start to 1 after the end.
    public var expected: Double
    /// Whether the goal keeps up with a straight line from 0 at the start to the target at the end:
    /// `pace >= expected`. Always true when completed, always false when missed.
    public var onTrack: Bool
    /// Days gone since the start day's 00:00 (fractional), between 0 and ``totalDays``.
    public var elapsedDays: Double
    /// Days until the end day's 24:00 (fractional), between 0 and ``totalDays``.
    public var daysLeft: Double
    /// The period's length in calendar days.
    public var totalDays: Int

    /// A report with these figures; ``Goal/evaluate(at:)`` makes real ones.
    public init(status: GoalStatus, pace: Double, expected: Double, onTrack: Bool, elapsedDays: Double, daysLeft: Double, totalDays: Int) {
        self.status = status
        self.pace = pace
        self.expected = expected
        self.onTrack = onTrack
        self.elapsedDays = elapsedDays
        self.daysLeft = daysLeft
        self.totalDays = totalDays
    }

    /// Behind: active and not on track.
    public var isBehind: Bool { status == .active && !onTrack }
}

extension Goal {
    /// Where the goal stands at `now`.
    ///
    /// Time is measured in the goal's calendar days: a 31-day period is 31 days long even when a
    /// daylight-saving change makes one of them 23 hours, and each day's share of the period is
    /// spread over the hours that day really has.
    public func evaluate(at now: Date) -> GoalStatusReport {
        let status = settled(at: now).status
        let total = totalDays
        let elapsed = elapsedDays(at: now)
        let expected = elapsed / Double(total)
        let pace = current / target
        let onTrack: Bool
        switch status {
        case .completed: onTrack = true
        case .missed: onTrack = false
        case .active: onTrack = pace >= expected
        }
        return GoalStatusReport(
            status: status, pace: pace, expected: expected, onTrack: onTrack,
            elapsedDays: elapsed, daysLeft: Double(total) - elapsed, totalDays: total
        )
    }

    /// Whole days gone since the start plus the share of today gone, between 0 and ``totalDays``.
    func elapsedDays(at now: Date) -> Double {
        let period = period
        if now <= period.start { return 0 }
        if now >= period.end { return Double(totalDays) }
        let today = CalendarDay(now, in: timeZone)
        let dayStart = today.start(in: timeZone)
        let dayLength = today.adding(days: 1).start(in: timeZone).timeIntervalSince(dayStart)
        let share = dayLength > 0 ? min(max(now.timeIntervalSince(dayStart) / dayLength, 0), 1) : 0
        let whole = Double(today.daysSince1970 - start.daysSince1970)
        return min(max(whole + share, 0), Double(totalDays))
    }
}
