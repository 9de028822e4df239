import Foundation
import NightshiftCore

/// A time zone that must exist in the test machine's database.
func zone(_ identifier: String) -> TimeZone {
    TimeZone(identifier: identifier)!
}

/// A calendar file whose `VCALENDAR` holds `body` (content lines), joined with CRLF as RFC 5545 asks.
func icsText(_ body: [String], separator: String = "\r\n") -> String {
    (["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Nightshift//Tests//EN"] + body + ["END:VCALENDAR"])
        .joined(separator: separator) + separator
}

/// One `VEVENT` of the given properties.
func vevent(_ properties: String...) -> [String] {
    ["BEGIN:VEVENT"] + properties + ["END:VEVENT"]
}

/// Parses a calendar of `body`, reading floating times in `floating`.
func parseCalendar(_ body: [String], floating: String = "Europe/Berlin") throws -> ICSCalendar {
    try ICSCalendar.parse(icsText(body), file: "cal.ics", floatingTimeZone: zone(floating))
}

/// Occurrences as `START/END` pairs of UTC instants, e.g. `2026-11-23T08:00:00Z/2026-11-23T09:00:00Z`.
func spans(_ occurrences: [EventOccurrence]) -> [String] {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = zone("UTC")
    return occurrences.map { formatter.string(from: $0.start) + "/" + formatter.string(from: $0.end) }
}
