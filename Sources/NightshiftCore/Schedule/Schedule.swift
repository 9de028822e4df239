public import Foundation

/// When a job runs: a cron expression, a fixed interval, a single instant, or once per daemon start.
public enum Schedule: Sendable, Hashable {
    /// Fires whenever the wall-clock time in the job's time zone matches the expression.
    case cron(CronExpression)
    /// Fires at every Unix-epoch multiple of the interval, so `every 30m` fires at :00 and :30 UTC
    /// whenever the daemon started; the time zone does not matter.
    case every(seconds: Int64)
    /// Fires once, at the given instant.
    case at(Date)
    /// Fires once each time the daemon starts; ``nextFire(after:in:)`` returns `nil` for it.
    case onStart

    /// The first fire instant strictly after `date`, or `nil` if the schedule will not fire again.
    ///
    /// `timeZone` matters only for ``cron(_:)``.
    public func nextFire(after date: Date, in timeZone: TimeZone) -> Date? {
        switch self {
        case .cron(let expression):
            return expression.nextFire(after: date, in: timeZone)
        case .every(let seconds):
            guard seconds > 0 else { return nil }
            let (quotient, _) = CivilTime.floorDivMod(ScheduleSupport.unixSeconds(date), seconds)
            let (next, overflow) = (quotient + 1).multipliedReportingOverflow(by: seconds)
            return overflow ? nil : ScheduleSupport.date(unixSeconds: next)
        case .at(let instant):
            return instant > date ? instant : nil
        case .onStart:
            return nil
        }
    }

    /// Parses a cron expression or macro into ``cron(_:)``.
    public static func cron(parsing text: String) throws(ScheduleError) -> Schedule {
        .cron(try CronExpression(parsing: text))
    }

    /// Parses an interval such as `"30m"` or `"1h30m"` into ``every(seconds:)``.
    ///
    /// The interval must be a positive whole number of seconds.
    public static func interval(parsing text: String) throws(ScheduleError) -> Schedule {
        let duration = try DurationParser.parse(text)
        let (seconds, attoseconds) = duration.components
        guard attoseconds == 0, seconds > 0 else {
            throw ScheduleError(
                .invalidDuration, field: "duration", token: text,
                "\"\(text)\" is not a positive whole number of seconds; an interval needs at least \"1s\"")
        }
        return .every(seconds: seconds)
    }

    /// Parses an ISO 8601 instant with an offset, such as `"2026-12-01T09:00:00-05:00"`, into ``at(_:)``.
    public static func at(parsing text: String) throws(ScheduleError) -> Schedule {
        .at(try ISO8601.instant(text, field: "at"))
    }
}

extension Schedule: CustomStringConvertible {
    /// A short human-readable form: `cron 0 9 * * *`, `every 30m`, `at 2026-12-01T14:00:00+00:00`,
    /// or `on start`.
    public var description: String {
        switch self {
        case .cron(let expression): "cron \(expression.source)"
        case .every(let seconds): "every \(DurationParser.format(seconds: seconds))"
        case .at(let instant): "at \(ISO8601.format(instant, in: .gmt))"
        case .onStart: "on start"
        }
    }
}
