public import Foundation

/// One concrete occurrence of a calendar event: a start and an end in time.
public struct EventOccurrence: Sendable, Hashable, Codable {
    /// When the occurrence starts.
    public var start: Date
    /// When it ends (exclusive); equal to `start` for an event without a length.
    public var end: Date
    /// The event's `SUMMARY`.
    public var summary: String
    /// The event's `CATEGORIES`.
    public var categories: [String]
    /// The event's `UID`; empty when the file had none.
    public var uid: String
    /// Whether the event lasts whole days.
    public var isAllDay: Bool
    /// The event's attendees' and organizer's addresses, lower case.
    public var attendees: [String] = []

    /// Creates an occurrence.
    public init(
        start: Date, end: Date, summary: String, categories: [String] = [], uid: String = "", isAllDay: Bool = false, attendees: [String] = []
    ) {
        self.attendees = attendees
        self.start = start
        self.end = end
        self.summary = summary
        self.categories = categories
        self.uid = uid
        self.isAllDay = isAllDay
    }

    /// Whether `date` lies in `start..<end`.
    public func covers(_ date: Date) -> Bool { start <= date && date < end }
}

extension ICSCalendar {
    /// Most candidate starts one event's rule is walked through per call: a guard against rules
    /// that never end, far beyond what any window of days or weeks needs.
    static let expansionLimit = 100_000

    /// The occurrences of every event that overlap `from..<to`, recurring events expanded, sorted
    /// by start (then end, then summary). An event without a length counts when it starts in the window.
    ///
    /// Recurrences step on the wall clock of the event's zone (UTC for UTC times, the floating zone
    /// for floating times and dates), so a weekly 09:00 in Berlin stays 09:00 across a change to or
    /// from summer time.
    public func occurrences(from: Date, to: Date) -> [EventOccurrence] {
        let lower = ScheduleSupport.unixSeconds(from)
        let upper = ScheduleSupport.unixSeconds(to) + (to.timeIntervalSince1970.rounded(.down) < to.timeIntervalSince1970 ? 1 : 0)
        guard lower < upper else { return [] }
        return events.flatMap { $0.occurrences(from: lower, to: upper, floating: floatingTimeZone) }.sorted(by: Self.order)
    }

    /// The occurrences of all `calendars` that overlap `from..<to`, in one sorted list.
    public static func occurrences(of calendars: [ICSCalendar], from: Date, to: Date) -> [EventOccurrence] {
        calendars.flatMap { $0.occurrences(from: from, to: to) }.sorted(by: order)
    }

    static func order(_ a: EventOccurrence, _ b: EventOccurrence) -> Bool {
        (a.start, a.end, a.summary) < (b.start, b.end, b.summary)
    }
}

extension ICSEvent {
    /// The occurrences that overlap `from..<to` (Unix seconds).
    func occurrences(from: Int64, to: Int64, floating: TimeZone) -> [EventOccurrence] {
        let zone = start.zone(floating: floating)
        func instant(_ wall: Int64) -> Int64 { zone.map { WallTime.instant(wall, in: $0) } ?? wall }
        var result: [EventOccurrence] = []
        func emit(wall: Int64, at startInstant: Int64) {
            let endInstant: Int64
            switch length {
            case .exact(let seconds): endInstant = startInstant + seconds
            case .nominal(let duration): endInstant = instant(wall + duration.days * 86_400) + duration.seconds
            }
            let overlaps = endInstant > startInstant ? endInstant > from : startInstant >= from
            guard overlaps, !isExcluded(wall: wall, instant: startInstant, zone: zone) else { return }
            result.append(EventOccurrence(
                start: ScheduleSupport.date(unixSeconds: startInstant), end: ScheduleSupport.date(unixSeconds: endInstant),
                summary: summary, categories: categories, uid: uid, isAllDay: isAllDay, attendees: attendees))
        }
        guard let rule else {
            let startInstant = instant(start.wall)
            if startInstant < to { emit(wall: start.wall, at: startInstant) }
            return result
        }
        var produced = 0
        /// Emits one candidate start; false once the rule or the window has ended.
        func consider(_ wall: Int64) -> Bool {
            if let count = rule.count, produced >= count { return false }
            let startInstant = instant(wall)
            if let until = rule.until, Self.isAfter(until, wall: wall, instant: startInstant, zone: zone) { return false }
            guard startInstant < to else { return false }
            produced += 1
            emit(wall: wall, at: startInstant)
            return true
        }
        let (startDay, secondOfDay) = WallTime.split(start.wall)
        let startWeekday = CivilTime.weekday(days: startDay)
        // Days of each period, as offsets from the period's first day.
        let period: Int64, anchor: Int64, offsets: [Int64]
        switch rule.frequency {
        case .daily:
            period = Int64(rule.interval)
            anchor = startDay
            offsets = [0]
        case .weekly:
            period = 7 * Int64(rule.interval)
            let shift = { (weekday: Int) in Int64((weekday - rule.weekStart + 7) % 7) }
            anchor = startDay - shift(startWeekday)
            offsets = (rule.weekdays.isEmpty ? [startWeekday] : Array(rule.weekdays)).map(shift).sorted()
        }
        // Without COUNT nothing before the window matters: start a period or two before it,
        // leaving room for the occurrence's length and the zone's offset.
        var index: Int64 = 0
        if rule.count == nil {
            let reach: Int64 = switch length {
            case .exact(let seconds): seconds
            case .nominal(let duration): duration.days * 86_400 + duration.seconds
            }
            let firstUsefulDay = WallTime.split(from - reach - 3 * 86_400).day
            index = max(0, (firstUsefulDay - anchor) / period - 1)
        }
        // DTSTART is always the first occurrence (RFC 5545 3.3.10), even when the rule would not yield it.
        if index == 0, !consider(start.wall) { return result }
        var walked = 0
        while walked < ICSCalendar.expansionLimit {
            for offset in offsets {
                let day = anchor + index * period + offset
                walked += 1
                guard day > startDay else { continue }
                if rule.frequency == .daily, !rule.weekdays.isEmpty, !rule.weekdays.contains(CivilTime.weekday(days: day)) { continue }
                if !consider(day * 86_400 + secondOfDay) { return result }
            }
            index += 1
        }
        return result
    }

    /// Whether a candidate start lies beyond the rule's `UNTIL` (which is inclusive).
    private static func isAfter(_ until: ICSTime, wall: Int64, instant: Int64, zone: TimeZone?) -> Bool {
        switch until {
        case .utc(let seconds): instant > seconds
        case .zoned(let seconds, let untilZone): instant > WallTime.instant(seconds, in: untilZone)
        case .floating(let seconds): zone == nil ? instant > seconds : wall > seconds
        case .date(let day): WallTime.split(wall).day > day
        }
    }

    private func isExcluded(wall: Int64, instant: Int64, zone: TimeZone?) -> Bool {
        exclusions.contains { excluded in
            switch excluded {
            case .utc(let seconds): instant == seconds
            case .zoned(let seconds, let excludedZone): instant == WallTime.instant(seconds, in: excludedZone)
            case .floating(let seconds): zone == nil ? instant == seconds : wall == seconds
            case .date(let day): WallTime.split(wall).day == day
            }
        }
    }
}
