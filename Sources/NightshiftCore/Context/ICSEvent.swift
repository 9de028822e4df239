import Foundation

/// One `VEVENT` of a calendar file: what it is called and when it happens, possibly recurring.
///
/// Its times stay in the form they were written (UTC, a named zone, floating, or a date) until
/// ``ICSCalendar/occurrences(from:to:)`` turns them into instants.
public struct ICSEvent: Sendable, Hashable {
    /// How long each occurrence lasts.
    enum Length: Sendable, Hashable {
        /// Exact seconds, from `DTEND` minus `DTSTART` of a timed event.
        case exact(Int64)
        /// Nominal days (which follow the wall clock) plus exact seconds, from `DURATION` or the
        /// days between an all-day event's `DTSTART` and `DTEND`.
        case nominal(ICSDuration)
    }

    /// `UID`; empty when the file has none.
    public var uid: String
    /// `SUMMARY`, its escapes resolved; empty when the file has none.
    public var summary: String
    /// Every `CATEGORIES` value, in file order.
    public var categories: [String]
    /// The `ATTENDEE` and `ORGANIZER` addresses (`mailto:` dropped, lower case), in file order.
    public var attendees: [String] = []
    /// The line of the event's `BEGIN:VEVENT`.
    public var line: Int
    var start: ICSTime
    var length: Length
    var rule: RecurrenceRule?
    /// `EXDATE` values, and the `RECURRENCE-ID` of every event that replaces one occurrence.
    var exclusions: [ICSTime] = []
    /// `RECURRENCE-ID`: this event replaces that occurrence of the series with the same UID.
    var recurrenceID: ICSTime?

    /// Whether the event lasts whole days (`DTSTART;VALUE=DATE`).
    public var isAllDay: Bool { start.isDate }
    /// Whether the event has an `RRULE`.
    public var isRecurring: Bool { rule != nil }
}

/// Collects the properties of one `VEVENT` and checks them against each other when it ends.
struct ICSEventBuilder {
    let file: String
    let line: Int
    let floatingTimeZone: TimeZone
    private var uid = ""
    private var summary = ""
    private var categories: [String] = []
    private var attendees: [String] = []
    private var start: (time: ICSTime, raw: String, line: Int)?
    private var end: (time: ICSTime, raw: String, line: Int)?
    private var duration: (value: ICSDuration, line: Int)?
    private var rule: (value: RecurrenceRule, line: Int)?
    private var exclusions: [ICSTime] = []
    private var recurrenceID: ICSTime?

    init(file: String, line: Int, floatingTimeZone: TimeZone) {
        self.file = file
        self.line = line
        self.floatingTimeZone = floatingTimeZone
    }

    private func fail(_ code: ICSError.Code, _ line: Int, _ message: String) -> ICSError {
        ICSError(code: code, file: file, line: line, message: message)
    }

    private func once(_ name: String, _ earlier: Int?, _ content: ICSContentLine) throws(ICSError) {
        if let earlier { throw fail(.invalidValue, content.line, "the event has a second \(name) (the first is on line \(earlier)); keep one") }
    }

    /// Takes one property of the event; unknown properties are ignored.
    mutating func add(_ content: ICSContentLine) throws(ICSError) {
        let value = content.value.trimmingCharacters(in: .whitespaces)
        func time(_ raw: String, _ property: String) throws(ICSError) -> ICSTime {
            try ICSTime.parse(raw, property: property, parameters: content.parameters, line: content.line, file: file)
        }
        switch content.name {
        case "UID": uid = ICSContentLine.text(value)
        case "SUMMARY": summary = ICSContentLine.text(value)
        case "CATEGORIES": categories += ICSContentLine.textList(value)
        case "ATTENDEE", "ORGANIZER":
            // `mailto:ana@acme.example`; anything else (a URN, a bare name) is no address.
            if value.lowercased().hasPrefix("mailto:") {
                let address = String(value.dropFirst(7)).trimmingCharacters(in: .whitespaces).lowercased()
                if address.contains("@"), !attendees.contains(address) { attendees.append(address) }
            }
        case "DTSTART":
            try once("DTSTART", start?.line, content)
            start = (try time(value, "DTSTART"), value, content.line)
        case "DTEND":
            try once("DTEND", end?.line, content)
            end = (try time(value, "DTEND"), value, content.line)
        case "DURATION":
            try once("DURATION", duration?.line, content)
            duration = (try ICSDuration.parse(value, line: content.line, file: file), content.line)
        case "RRULE":
            if let earlier = rule?.line {
                throw fail(.unsupportedRule, content.line, "the event has a second RRULE (the first is on line \(earlier)); Nightshift expands one rule per event")
            }
            rule = (try RecurrenceRule.parse(value, line: content.line, file: file), content.line)
        case "EXDATE":
            for raw in value.split(separator: ",") { exclusions.append(try time(String(raw), "EXDATE")) }
        case "RECURRENCE-ID":
            recurrenceID = try time(value, "RECURRENCE-ID")
        default:
            break
        }
    }

    /// The event, once its `END:VEVENT` was read.
    func build() throws(ICSError) -> ICSEvent {
        guard let start else {
            throw fail(.missingProperty, line, "the event has no DTSTART; every event needs a start, e.g. DTSTART:20261123T090000Z")
        }
        let length: ICSEvent.Length
        if let end, let duration {
            throw fail(.invalidPeriod, max(end.line, duration.line), "the event has both DTEND (line \(end.line)) and DURATION (line \(duration.line)); keep one")
        } else if let end {
            guard end.time.isDate == start.time.isDate else {
                let (endKind, startKind) = end.time.isDate ? ("a date", "a date-time") : ("a date-time", "a date")
                throw fail(.invalidPeriod, end.line, "DTEND \(end.raw) is \(endKind) but DTSTART is \(startKind); write both as dates (all day) or both as date-times")
            }
            let seconds = end.time.instant(floating: floatingTimeZone) - start.time.instant(floating: floatingTimeZone)
            let days = end.time.wall / 86_400 - start.time.wall / 86_400
            guard start.time.isDate ? days >= 0 : seconds >= 0 else {
                throw fail(.invalidPeriod, end.line, "DTEND \(end.raw) is before DTSTART \(start.raw); an event must end after it starts")
            }
            length = start.time.isDate ? .nominal(ICSDuration(days: days, seconds: 0)) : .exact(seconds)
        } else if let duration {
            if start.time.isDate, duration.value.seconds != 0 {
                throw fail(.invalidPeriod, duration.line, "an all-day event's DURATION must be whole days or weeks, such as P1D")
            }
            length = .nominal(duration.value)
        } else {
            // RFC 5545: an all-day event without an end lasts the day; a timed one, no time at all.
            length = start.time.isDate ? .nominal(ICSDuration(days: 1, seconds: 0)) : .exact(0)
        }
        return ICSEvent(
            uid: uid, summary: summary, categories: categories, attendees: attendees, line: line, start: start.time, length: length,
            rule: rule?.value, exclusions: exclusions, recurrenceID: recurrenceID)
    }
}
