import Foundation

/// An instant as seen on the local clock of one zone: its day, weekday and minute of the day.
struct LocalMoment: Sendable, Hashable {
    /// The local calendar day.
    var day: CalendarDay
    /// 1 = Sunday … 7 = Saturday, as Foundation's `Calendar`.
    var weekday: Int
    /// Minutes since local midnight as the wall clock shows them (0...1439): 09:00 is 540 on a
    /// daylight-saving day too.
    var minute: Int

    /// `date` read in `calendar`'s zone.
    init(_ date: Date, in calendar: Calendar) {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        day = CalendarDay(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
            ?? CalendarDay(date, in: calendar.timeZone)
        weekday = Self.weekday(of: day)
        minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
    }

    /// The weekday of `day` (1 = Sunday): 1970-01-01 was a Thursday.
    static func weekday(of day: CalendarDay) -> Int {
        Int(((day.daysSince1970 + 4) % 7 + 7) % 7) + 1
    }

    /// A Gregorian calendar reading dates in `zone`.
    static func calendar(in zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }
}
