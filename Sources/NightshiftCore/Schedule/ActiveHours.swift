public import Foundation

/// A daily window of local time in which a job may run, written `"07:00-23:00"`.
///
/// The start is inclusive and the end exclusive, at minute resolution. A window whose end is earlier
/// than its start wraps midnight: `"22:00-06:00"` is 22:00 to 05:59. `"00:00-24:00"` is all day.
/// Membership is decided on the wall-clock time in the job's zone, so a window keeps its local
/// meaning across daylight-saving changes.
public struct ActiveHours: Sendable, Hashable, CustomStringConvertible {
    /// Minutes after local midnight at which the window opens, 0...1439.
    public var startMinute: Int
    /// Minutes after local midnight at which the window closes, 0...1440 (exclusive).
    public var endMinute: Int

    /// Parses `"HH:MM-HH:MM"`; throws a ``ScheduleError`` with `field` `"active_hours"`.
    public init(parsing text: String) throws(ScheduleError) {
        let trimmed = ScheduleSupport.trim(text)
        func fail(_ detail: String) -> ScheduleError {
            ScheduleError(.invalidActiveHours, field: "active_hours", token: text, "\"\(text)\" \(detail)")
        }
        let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw fail("is not a window; write start and end as \"HH:MM-HH:MM\", e.g. \"07:00-23:00\"")
        }
        guard let start = Self.minuteOfDay(ScheduleSupport.trim(parts[0])), start < 1440 else {
            throw fail("has a start that is not a time from 00:00 to 23:59")
        }
        guard let end = Self.minuteOfDay(ScheduleSupport.trim(parts[1])) else {
            throw fail("has an end that is not a time from 00:00 to 24:00")
        }
        guard start != end else {
            throw fail("is empty because it starts where it ends; use \"00:00-24:00\" for all day")
        }
        startMinute = start
        endMinute = end
    }

    /// Whether the wall-clock time of `date` in `timeZone` falls inside the window.
    public func contains(_ date: Date, in timeZone: TimeZone) -> Bool {
        let instant = ScheduleSupport.unixSeconds(date)
        let wall = instant + ScheduleSupport.offset(of: timeZone, at: instant)
        let minute = Int(CivilTime.floorDivMod(wall, 86_400).remainder / 60)
        if startMinute < endMinute {
            return startMinute <= minute && minute < endMinute
        }
        return minute >= startMinute || minute < endMinute
    }

    /// The window as `"HH:MM-HH:MM"`.
    public var description: String {
        Self.format(startMinute) + "-" + Self.format(endMinute)
    }

    /// `"HH:MM"` (hours one or two digits, minutes two) as minutes after midnight, up to `24:00`.
    /// Also the routine spans' parser (`RoutineSpan`).
    static func minuteOfDay(_ text: some StringProtocol) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let hour = Int(parts[0]), let minute = Int(parts[1]),
            minute < 60, hour < 24 || (hour == 24 && minute == 0)
        else { return nil }
        return hour * 60 + minute
    }

    private static func format(_ minuteOfDay: Int) -> String {
        let hour = minuteOfDay / 60
        let minute = minuteOfDay % 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }
}
