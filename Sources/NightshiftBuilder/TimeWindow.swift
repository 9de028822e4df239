public import Foundation
public import NightshiftCore

/// A recurring stretch of time sized for tasks of some length: quick wins on weeknights, long
/// builds overnight, full days at the weekend.
public struct TimeWindow: Sendable, Hashable {
    /// `quick_win`, `overnight`, `work_hours`, `weekend`, or a name the operator chose.
    public var name: String
    /// Weekdays the window opens on (1 = Sunday … 7 = Saturday, as `Calendar` counts).
    public var days: Set<Int>
    /// Local opening and closing times; a window whose end is not after its start closes the next day.
    public var start: TimeOfDay
    public var end: TimeOfDay
    /// Tasks of these sizes (hours) belong here.
    public var minHours: Double
    public var maxHours: Double

    public init(name: String, days: Set<Int>, start: TimeOfDay, end: TimeOfDay, minHours: Double, maxHours: Double) {
        self.name = name
        self.days = days
        self.start = start
        self.end = end
        self.minHours = minHours
        self.maxHours = maxHours
    }

    /// The four windows of the reference: quick win (1–2 h, weeknights 19:00–23:00), overnight
    /// (4–6 h, 23:00–07:00), work hours (8 h, weekdays 09:00–17:00), weekend (8–12 h, Saturday and
    /// Sunday 09:00–21:00).
    public static let defaults: [TimeWindow] = [
        TimeWindow(name: "quick_win", days: [2, 3, 4, 5, 6], start: .init(hour: 19, minute: 0), end: .init(hour: 23, minute: 0), minHours: 1, maxHours: 2),
        TimeWindow(name: "overnight", days: Set(1...7), start: .init(hour: 23, minute: 0), end: .init(hour: 7, minute: 0), minHours: 4, maxHours: 6),
        TimeWindow(name: "work_hours", days: [2, 3, 4, 5, 6], start: .init(hour: 9, minute: 0), end: .init(hour: 17, minute: 0), minHours: 8, maxHours: 8),
        TimeWindow(name: "weekend", days: [1, 7], start: .init(hour: 9, minute: 0), end: .init(hour: 21, minute: 0), minHours: 8, maxHours: 12),
    ]

    /// The window's length in hours.
    public var lengthHours: Double {
        let startMinutes = start.hour * 60 + start.minute
        var endMinutes = end.hour * 60 + end.minute
        if endMinutes <= startMinutes { endMinutes += 24 * 60 }
        return Double(endMinutes - startMinutes) / 60
    }

    /// Whether a task of `hours` fits into one opening of the window.
    public func fits(hours: Double) -> Bool { hours <= maxHours && hours <= lengthHours }

    /// The opening that contains `date`, or else the next one to start after it.
    public func opening(at date: Date, in zone: TimeZone) -> DateInterval? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let today = calendar.startOfDay(for: date)
        // Yesterday's opening may still be open (overnight); then up to a week ahead.
        for offset in -1...8 {
            guard let day = calendar.date(byAdding: .day, value: offset, to: today) else { continue }
            guard days.contains(calendar.component(.weekday, from: day)) else { continue }
            guard let open = calendar.date(bySettingHour: start.hour, minute: start.minute, second: 0, of: day) else { continue }
            // The close is the end's wall-clock time (the next day when the window crosses
            // midnight), so a daylight-saving change makes the night an hour shorter or longer.
            let closeDay = lengthHours + Double(start.hour * 60 + start.minute) / 60 > 24 || end.hour * 60 + end.minute <= start.hour * 60 + start.minute
                ? calendar.date(byAdding: .day, value: 1, to: day) ?? day : day
            guard let close = calendar.date(bySettingHour: end.hour, minute: end.minute, second: 0, of: closeDay) else { continue }
            if close > date { return DateInterval(start: open, end: close) }
        }
        return nil
    }

    /// Whether the window is open at `date`.
    public func isOpen(at date: Date, in zone: TimeZone) -> Bool {
        guard let opening = opening(at: date, in: zone) else { return false }
        return opening.start <= date && date < opening.end
    }
}
