public import Foundation

/// A calendar day with no time and no zone, written `YYYY-MM-DD`: the start or end of a goal.
///
/// A day becomes a span of instants only in a time zone: it runs from its 00:00 to the next day's
/// 00:00 there, so a day of a daylight-saving change is 23 or 25 hours long.
///
/// ```swift
/// let day = CalendarDay("2026-03-08")                   // a Sunday
/// day?.start(in: TimeZone(identifier: "America/New_York")!)  // 2026-03-08T00:00:00-05:00
/// ```
public struct CalendarDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// The day, or nil when it does not exist (February 30, month 13).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...CivilTime.daysInMonth(year: year, month: month)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`; nil for anything else, including days that do not exist.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = Self.number(bytes[0..<4]), let month = Self.number(bytes[5..<7]),
              let day = Self.number(bytes[8..<10]) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The day on which `instant` falls in `zone`.
    public init(_ instant: Date, in zone: TimeZone) {
        let seconds = ScheduleSupport.unixSeconds(instant)
        let wall = CivilTime(wallSeconds: seconds + ScheduleSupport.offset(of: zone, at: seconds))
        year = wall.year
        month = wall.month
        day = wall.day
    }

    private init(daysSince1970 days: Int64) {
        (year, month, day) = CivilTime.civil(fromDays: days)
    }

    /// Days since 1970-01-01 (negative before it).
    public var daysSince1970: Int64 { CivilTime.days(year: year, month: month, day: day) }

    /// 0 for Sunday through 6 for Saturday.
    public var weekday: Int { CivilTime.weekday(days: daysSince1970) }

    /// The day `count` days later (earlier when negative).
    public func adding(days count: Int) -> CalendarDay {
        CalendarDay(daysSince1970: daysSince1970 + Int64(count))
    }

    /// The first instant of the day in `zone`: its 00:00, or the first time after a gap when the
    /// zone skips midnight that day.
    public func start(in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        // Noon exists on every day in every zone, and startOfDay walks back from it across any gap.
        guard let noon = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12)) else {
            let wall = daysSince1970 * 86_400
            return ScheduleSupport.date(unixSeconds: wall - ScheduleSupport.offset(of: zone, at: wall))
        }
        return calendar.startOfDay(for: noon)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(day, 2)
    }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Encoded as its `YYYY-MM-DD` text.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let day = CalendarDay(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not a day written YYYY-MM-DD")
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
