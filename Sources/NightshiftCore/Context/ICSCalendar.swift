public import Foundation

/// The events of a calendar file (the RFC 5545 subset an operator's calendar needs to say what
/// they are doing), read from its text.
///
/// Nightshift reads `VEVENT`s: `UID`, `SUMMARY`, `CATEGORIES`, `DTSTART` and `DTEND` or `DURATION`
/// (UTC, with a `TZID`, floating, or all-day), daily and weekly `RRULE`s, `EXDATE` and
/// `RECURRENCE-ID`. Other components (`VTIMEZONE`, `VALARM`, `VTODO`) and properties are skipped;
/// `TZID`s name zones from the system's time-zone database rather than the file's `VTIMEZONE`.
///
/// ```swift
/// let calendar = try ICSCalendar.parse(text, file: "calendars/work.ics", floatingTimeZone: zone)
/// for occurrence in calendar.occurrences(from: now, to: now + 86_400) {
///     print(occurrence.start, occurrence.summary)
/// }
/// ```
public struct ICSCalendar: Sendable, Hashable {
    /// The file's name as given to ``parse(_:file:floatingTimeZone:)``.
    public var file: String
    /// The events in file order, recurring ones once each.
    public var events: [ICSEvent]
    /// The zone in which floating times (`DTSTART:20261123T090000`) and all-day dates are read.
    public var floatingTimeZone: TimeZone

    /// A calendar of the given events.
    public init(file: String, events: [ICSEvent] = [], floatingTimeZone: TimeZone) {
        self.file = file
        self.events = events
        self.floatingTimeZone = floatingTimeZone
    }

    /// Reads the text of a calendar file; the first mistake throws, naming its line.
    ///
    /// - Parameters:
    ///   - file: how errors name the file, e.g. `calendars/work.ics` or the URL it came from.
    ///   - floatingTimeZone: the zone of times written without one, normally the workspace's.
    public static func parse(
        _ text: String, file: String, floatingTimeZone: TimeZone = TimeZone(identifier: "UTC")!
    ) throws(ICSError) -> ICSCalendar {
        func fail(_ line: Int, _ message: String) -> ICSError {
            ICSError(code: .unbalancedComponent, file: file, line: line, message: message)
        }
        var calendar = ICSCalendar(file: file, floatingTimeZone: floatingTimeZone)
        var open: [(name: String, line: Int)] = []
        var event: ICSEventBuilder?
        var sawCalendar = false
        for (text, number) in try ICSContentLine.unfold(text, file: file) {
            if !sawCalendar, text.trimmingCharacters(in: .whitespaces).uppercased() != "BEGIN:VCALENDAR" {
                let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
                throw fail(number, "this is not an iCalendar file: it must start with BEGIN:VCALENDAR, found \"\(shown)\"")
            }
            let content = try ICSContentLine(parsing: text, line: number, file: file)
            let component = content.value.trimmingCharacters(in: .whitespaces).uppercased()
            switch content.name {
            case "BEGIN":
                guard !component.isEmpty else { throw fail(number, "BEGIN has no component name; write e.g. BEGIN:VEVENT") }
                if let outer = open.last, component == "VCALENDAR" {
                    throw fail(number, "BEGIN:VCALENDAR inside BEGIN:\(outer.name) of line \(outer.line); close that with END:\(outer.name) first")
                }
                if open.isEmpty, component != "VCALENDAR" {
                    throw fail(number, "BEGIN:\(component) outside a calendar; put it between BEGIN:VCALENDAR and END:VCALENDAR")
                }
                sawCalendar = true
                if component == "VEVENT", open.count == 1 {
                    event = ICSEventBuilder(file: file, line: number, floatingTimeZone: floatingTimeZone)
                }
                open.append((component, number))
            case "END":
                guard let innermost = open.last else {
                    throw fail(number, "END:\(component) has no BEGIN:\(component) before it")
                }
                guard innermost.name == component else {
                    throw fail(number, "END:\(component) does not close BEGIN:\(innermost.name) of line \(innermost.line); write END:\(innermost.name) first")
                }
                open.removeLast()
                if component == "VEVENT", open.count == 1, let builder = event {
                    calendar.events.append(try builder.build())
                    event = nil
                }
            default:
                guard !open.isEmpty else {
                    throw fail(number, "\(content.name) is outside a calendar; put it between BEGIN:VCALENDAR and END:VCALENDAR")
                }
                // Only the event's own properties: those of a VALARM inside it belong to the alarm.
                if open.count == 2, event != nil { try event?.add(content) }
            }
        }
        if let unclosed = open.last {
            throw fail(unclosed.line, "BEGIN:\(unclosed.name) has no END:\(unclosed.name); the file may be cut short")
        }
        guard sawCalendar else { throw fail(1, "the file is empty; a calendar file starts with BEGIN:VCALENDAR") }
        calendar.excludeReplacedOccurrences()
        return calendar
    }

    /// An event with a `RECURRENCE-ID` replaces one occurrence of the series with its UID, so that
    /// occurrence must not also appear in the series' expansion.
    private mutating func excludeReplacedOccurrences() {
        var replaced: [String: [ICSTime]] = [:]
        for event in events where !event.uid.isEmpty {
            if let id = event.recurrenceID { replaced[event.uid, default: []].append(id) }
        }
        guard !replaced.isEmpty else { return }
        for index in events.indices where events[index].rule != nil && events[index].recurrenceID == nil {
            events[index].exclusions += replaced[events[index].uid] ?? []
        }
    }
}

extension ICSCalendar {
    /// Reads and parses the calendar file at `path`, named `file` in errors: a missing or unreadable
    /// file and a byte that is not UTF-8 (with its line) are ``ICSError/Code/unreadable``.
    public static func read(path: String, file: String, floatingTimeZone: TimeZone) throws(ICSError) -> ICSCalendar {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? (error as NSError).localizedDescription : "it does not exist"
            throw ICSError(code: .unreadable, file: file, line: 0, message: "cannot read the calendar file: \(reason)")
        }
        switch UTF8Text.decode(data) {
        case .success(let text):
            return try parse(text, file: file, floatingTimeZone: floatingTimeZone)
        case .failure(let invalid):
            throw ICSError(code: .unreadable, file: file, line: invalid.position.line, message: invalid.message)
        }
    }
}
