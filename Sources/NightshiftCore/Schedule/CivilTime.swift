import Foundation

/// A proleptic Gregorian wall-clock time with whole seconds and no time zone.
///
/// Schedules are computed on wall-clock time first and only then mapped to instants, so this type
/// does the calendar arithmetic with plain integers instead of `Calendar`, which keeps the hot path
/// of ``CronExpression/nextFire(after:in:)`` free of allocation.
struct CivilTime: Sendable, Hashable, Comparable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int

    /// The wall-clock time that `seconds` since 1970-01-01T00:00:00 (in wall-clock time) denotes.
    init(wallSeconds seconds: Int64) {
        let (days, secondOfDay) = Self.floorDivMod(seconds, 86_400)
        (year, month, day) = Self.civil(fromDays: days)
        hour = Int(secondOfDay / 3600)
        minute = Int(secondOfDay % 3600 / 60)
        second = Int(secondOfDay % 60)
    }

    init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// Seconds since 1970-01-01T00:00:00 in wall-clock time, as if the zone were UTC.
    var wallSeconds: Int64 {
        Self.days(year: year, month: month, day: day) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
    }

    static func < (lhs: CivilTime, rhs: CivilTime) -> Bool {
        lhs.wallSeconds < rhs.wallSeconds
    }

    // MARK: - Calendar arithmetic

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date that lies `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    /// 0 for Sunday through 6 for Saturday.
    static func weekday(days: Int64) -> Int {
        Int(floorDivMod(days + 4, 7).remainder)  // 1970-01-01 was a Thursday.
    }

    static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func floorDivMod(_ a: Int64, _ b: Int64) -> (quotient: Int64, remainder: Int64) {
        let q = a / b
        let r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }
}

/// Helpers shared by the schedule types, kept in one namespace so they cannot collide with
/// extensions that other parts of the module add to `Date`, `TimeZone` or `String`.
enum ScheduleSupport {
    /// About three million years each way: far beyond any real schedule, far inside `Int64`.
    static let unixSecondsLimit: Double = 1e14

    /// The largest whole Unix second not after `date`, clamped to ±``unixSecondsLimit`` so that
    /// absurd dates cannot trap.
    static func unixSeconds(_ date: Date) -> Int64 {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard !seconds.isNaN else { return 0 }
        return Int64(min(max(seconds, -unixSecondsLimit), unixSecondsLimit))
    }

    static func date(unixSeconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(unixSeconds))
    }

    /// The zone's offset from UTC in seconds at the Unix second `instant`.
    static func offset(of zone: TimeZone, at instant: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: date(unixSeconds: instant)))
    }

    /// The next instant strictly after `instant` at which the zone's offset changes, if any.
    static func transition(of zone: TimeZone, after instant: Int64) -> Int64? {
        guard let next = zone.nextDaylightSavingTimeTransition(after: date(unixSeconds: instant)) else {
            return nil
        }
        return Int64(next.timeIntervalSince1970.rounded())
    }

    /// `text` without leading and trailing spaces, tabs and newlines.
    static func trim(_ text: some StringProtocol) -> String {
        guard let start = text.firstIndex(where: { !$0.isWhitespace }),
            let end = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(text[start...end])
    }
}
