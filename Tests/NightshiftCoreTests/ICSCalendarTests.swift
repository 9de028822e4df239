import Foundation
import NightshiftCore
import Testing

/// Zone facts the expectations rely on (November 2026): Europe/Berlin is CET, UTC+1;
/// America/New_York is EST, UTC-5 after 2026-11-01 02:00 EDT.
@Suite("ICS calendar: parsing events")
struct ICSCalendarTests {
    static let mixed = icsText([
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Berlin",
        "BEGIN:STANDARD",
        "DTSTART:19701025T030000",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "END:STANDARD",
        "END:VTIMEZONE",
    ] + vevent(
        "UID:standup@example.com",
        "SUMMARY:Stand-up",
        "DTSTART;TZID=Europe/Berlin:20261123T090000",
        "DTEND;TZID=\"Europe/Berlin\":20261123T091500"
    ) + vevent(
        "UID:flight",
        "SUMMARY:Flight",
        "DTSTART:20261123T140000Z",
        "DTEND:20261123T160000Z",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "SUMMARY:Alarm, not the event",
        "TRIGGER:-PT15M",
        "END:VALARM",
        "X-UNKNOWN-PROPERTY;X-PARAM=1:whatever"
    ) + vevent(
        "UID:lunch",
        "SUMMARY:Lunch",
        "DTSTART:20261123T120000",
        "DURATION:PT1H30M"
    ) + vevent(
        "UID:holiday",
        "SUMMARY:Day off",
        "DTSTART;VALUE=DATE:20261124"
    ) + vevent(
        "UID:conference",
        "SUMMARY:Conference",
        "DTSTART;VALUE=DATE:20261125",
        "DTEND;VALUE=DATE:20261127"
    ) + [
        "BEGIN:VTODO",
        "UID:todo",
        "SUMMARY:Not an event",
        "DTSTART:20261123T100000Z",
        "END:VTODO",
    ])

    @Test("UTC, TZID, floating and all-day events become instants; VTIMEZONE, VALARM and VTODO are skipped")
    func mixedEvents() throws {
        let calendar = try ICSCalendar.parse(Self.mixed, file: "cal.ics", floatingTimeZone: zone("Europe/Berlin"))
        #expect(calendar.events.map(\.uid) == ["standup@example.com", "flight", "lunch", "holiday", "conference"])
        #expect(calendar.events.map(\.isAllDay) == [false, false, false, true, true])
        let occurrences = calendar.occurrences(from: instant("2026-11-23T00:00:00Z"), to: instant("2026-11-28T00:00:00Z"))
        #expect(occurrences.map(\.summary) == ["Stand-up", "Lunch", "Flight", "Day off", "Conference"])
        #expect(spans(occurrences) == [
            "2026-11-23T08:00:00Z/2026-11-23T08:15:00Z",
            "2026-11-23T11:00:00Z/2026-11-23T12:30:00Z",
            "2026-11-23T14:00:00Z/2026-11-23T16:00:00Z",
            "2026-11-23T23:00:00Z/2026-11-24T23:00:00Z",
            "2026-11-24T23:00:00Z/2026-11-26T23:00:00Z",
        ])
    }

    @Test("floating times and dates follow the zone they are read in")
    func floatingZone() throws {
        let calendar = try ICSCalendar.parse(Self.mixed, file: "cal.ics", floatingTimeZone: zone("America/New_York"))
        let occurrences = calendar.occurrences(from: instant("2026-11-23T00:00:00Z"), to: instant("2026-11-24T00:00:00Z"))
        let lunch = try #require(occurrences.first { $0.summary == "Lunch" })
        #expect(spans([lunch]) == ["2026-11-23T17:00:00Z/2026-11-23T18:30:00Z"])
    }

    @Test("only occurrences overlapping the window are returned")
    func window() throws {
        let calendar = try ICSCalendar.parse(Self.mixed, file: "cal.ics", floatingTimeZone: zone("Europe/Berlin"))
        // 08:15Z is the stand-up's exclusive end; 15:00Z is inside the flight.
        let occurrences = calendar.occurrences(from: instant("2026-11-23T08:15:00Z"), to: instant("2026-11-23T15:00:00Z"))
        #expect(occurrences.map(\.summary) == ["Lunch", "Flight"])
        #expect(calendar.occurrences(from: instant("2026-11-23T15:00:00Z"), to: instant("2026-11-23T15:00:00Z")).isEmpty)
    }

    @Test("folded lines (CRLF or LF, space or tab) are unfolded and TEXT escapes resolved")
    func foldingAndEscapes() throws {
        let body = vevent(
            "UID:fold",
            "SUMMARY:Review\\, plan\\; and \\\\ backslash\\nnext line wi",
            " th a folded tail",
            "CATEGORIES:Focus,Deep\\, work",
            "CATEGORIES:gym",
            "DESCRIPTION:ignored but long and",
            "\tfolded with a tab",
            "DTSTART:20261123T100000Z",
            "DTEND:2026112",
            " 3T110000Z"
        )
        for separator in ["\r\n", "\n"] {
            let calendar = try ICSCalendar.parse(icsText(body, separator: separator), file: "cal.ics")
            let event = try #require(calendar.events.first)
            #expect(event.summary == "Review, plan; and \\ backslash\nnext line with a folded tail")
            #expect(event.categories == ["Focus", "Deep, work", "gym"])
            let occurrences = calendar.occurrences(from: instant("2026-11-23T00:00:00Z"), to: instant("2026-11-24T00:00:00Z"))
            #expect(spans(occurrences) == ["2026-11-23T10:00:00Z/2026-11-23T11:00:00Z"])
        }
    }

    @Test("property and parameter names ignore case; a byte-order mark is skipped")
    func lenientSpelling() throws {
        let text = "\u{FEFF}begin:vcalendar\nbegin:vevent\nsummary:Gym\ndtstart;value=date:20261123\nend:vevent\nend:vcalendar\n"
        let calendar = try ICSCalendar.parse(text, file: "cal.ics", floatingTimeZone: zone("UTC"))
        #expect(calendar.events.map(\.summary) == ["Gym"])
        #expect(calendar.events.first?.isAllDay == true)
    }

    @Test("a timed event without DTEND or DURATION counts only where it starts")
    func instantEvent() throws {
        let calendar = try parseCalendar(vevent("SUMMARY:Deadline", "DTSTART:20261123T170000Z"))
        let inside = calendar.occurrences(from: instant("2026-11-23T17:00:00Z"), to: instant("2026-11-23T18:00:00Z"))
        #expect(spans(inside) == ["2026-11-23T17:00:00Z/2026-11-23T17:00:00Z"])
        #expect(calendar.occurrences(from: instant("2026-11-23T17:00:01Z"), to: instant("2026-11-23T18:00:00Z")).isEmpty)
        #expect(calendar.events.first?.uid == "")
    }

    @Test("several calendars merge into one sorted list")
    func severalCalendars() throws {
        let a = try parseCalendar(vevent("SUMMARY:B", "DTSTART:20261123T100000Z", "DURATION:PT1H"))
        let b = try parseCalendar(vevent("SUMMARY:A", "DTSTART:20261123T090000Z", "DURATION:PT1H"))
        let merged = ICSCalendar.occurrences(of: [a, b], from: instant("2026-11-23T00:00:00Z"), to: instant("2026-11-24T00:00:00Z"))
        #expect(merged.map(\.summary) == ["A", "B"])
    }
}
