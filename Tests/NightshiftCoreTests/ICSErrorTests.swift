import Foundation
import NightshiftCore
import Testing

/// A bad calendar file and the exact error it must give.
struct ICSMistake: Sendable, CustomTestStringConvertible {
    var text: String
    var expected: String
    var testDescription: String { expected }

    /// `lines` joined with LF; `expected` is the whole `FILE:LINE: message`.
    init(_ lines: [String], _ expected: String) {
        text = lines.joined(separator: "\n") + "\n"
        self.expected = expected
    }
}

@Suite("ICS calendar: every mistake at its file and line")
struct ICSErrorTests {
    static let head = ["BEGIN:VCALENDAR", "BEGIN:VEVENT"]
    static let tail = ["END:VEVENT", "END:VCALENDAR"]
    static let start = "DTSTART:20261123T090000Z"

    static let mistakes: [ICSMistake] = [
        .init(head + ["SUMMARY Team meeting"] + tail,
              #"cal.ics:3: "SUMMARY Team meeting" has no colon; a content line is NAME[;PARAM=VALUE]:VALUE, e.g. SUMMARY:Gym"#),
        .init(head + ["SUMMARY:Gym", "DTSTART:2026113T0900"] + tail,
              #"cal.ics:4: DTSTART "2026113T0900" is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS[Z])"#),
        .init(head + ["SUMMARY:A long", " folded title", "DTSTART:20261132T090000Z"] + tail,
              #"cal.ics:5: DTSTART "20261132T090000Z" names a day that does not exist"#),
        .init(head + ["DTSTART:2026", " 1123T9"] + tail,
              #"cal.ics:3: DTSTART "20261123T9" is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS[Z])"#),
        .init(head + ["DTSTART:20261123T250000Z"] + tail,
              #"cal.ics:3: DTSTART "20261123T250000Z" has a time of day that does not exist; use 000000 to 235959"#),
        .init(head + ["DTSTART;TZID=Mars/Olympus:20261123T090000"] + tail,
              #"cal.ics:3: DTSTART TZID "Mars/Olympus" is not a time zone known here; use an IANA name such as Europe/Berlin or America/New_York"#),
        .init(head + ["DTSTART;TZID:20261123T090000"] + tail,
              "cal.ics:3: a parameter of DTSTART is not NAME=VALUE; write e.g. DTSTART;TZID=Europe/Berlin:…"),
        .init(head + ["SUMMARY:No start"] + tail,
              "cal.ics:2: the event has no DTSTART; every event needs a start, e.g. DTSTART:20261123T090000Z"),
        .init(head + [start, "DTSTART:20261124T090000Z"] + tail,
              "cal.ics:4: the event has a second DTSTART (the first is on line 3); keep one"),
        .init(head + [start, "DTEND:20261123T080000Z"] + tail,
              "cal.ics:4: DTEND 20261123T080000Z is before DTSTART 20261123T090000Z; an event must end after it starts"),
        .init(head + [start, "DTEND;VALUE=DATE:20261124"] + tail,
              "cal.ics:4: DTEND 20261124 is a date but DTSTART is a date-time; write both as dates (all day) or both as date-times"),
        .init(head + [start, "DTEND:20261123T100000Z", "DURATION:PT1H"] + tail,
              "cal.ics:5: the event has both DTEND (line 4) and DURATION (line 5); keep one"),
        .init(head + [start, "DURATION:PT1X"] + tail,
              #"cal.ics:4: DURATION "PT1X" is not a duration such as PT1H30M, P1D or P1W"#),
        .init(head + ["DTSTART;VALUE=DATE:20261123", "DURATION:PT12H"] + tail,
              "cal.ics:4: an all-day event's DURATION must be whole days or weeks, such as P1D"),
        .init(head + [start, "RRULE:FREQ=MONTHLY;BYMONTHDAY=1"] + tail,
              "cal.ics:4: RRULE part BYMONTHDAY is not supported; Nightshift expands FREQ, INTERVAL, BYDAY, WKST, UNTIL and COUNT"),
        .init(head + [start, "RRULE:FREQ=MONTHLY"] + tail,
              "cal.ics:4: RRULE FREQ=MONTHLY is not supported; Nightshift expands FREQ=DAILY and FREQ=WEEKLY only"),
        .init(head + [start, "RRULE:FREQ=FORTNIGHTLY"] + tail,
              "cal.ics:4: RRULE FREQ=FORTNIGHTLY is not a frequency; use FREQ=DAILY or FREQ=WEEKLY"),
        .init(head + [start, "RRULE:INTERVAL=2"] + tail,
              "cal.ics:4: RRULE has no FREQ; start it with FREQ=DAILY or FREQ=WEEKLY"),
        .init(head + [start, "RRULE:FREQ=DAILY;COUNT=3;UNTIL=20261130T000000Z"] + tail,
              "cal.ics:4: RRULE has both COUNT and UNTIL; keep one of them"),
        .init(head + [start, "RRULE:FREQ=WEEKLY;INTERVAL=0"] + tail,
              "cal.ics:4: RRULE INTERVAL=0 must be a whole number of 1 or more"),
        .init(head + [start, "RRULE:FREQ=WEEKLY;BYDAY=MO,MX"] + tail,
              #"cal.ics:4: RRULE BYDAY "MX" is not a weekday; use MO, TU, WE, TH, FR, SA or SU"#),
        .init(head + [start, "RRULE:FREQ=WEEKLY;BYDAY=1MO"] + tail,
              #"cal.ics:4: RRULE BYDAY "1MO" has an ordinal, which only monthly and yearly rules use; they are not supported"#),
        .init(head + [start, "RRULE:FREQ=DAILY;UNTIL=2026-12-31"] + tail,
              #"cal.ics:4: RRULE UNTIL "2026-12-31" is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS[Z])"#),
        .init(head + [start, "RRULE:FREQ=DAILY;COUNT"] + tail,
              #"cal.ics:4: RRULE part "COUNT" is not NAME=VALUE; write e.g. FREQ=WEEKLY;BYDAY=MO,WE"#),
        .init(head + [start, "RRULE:FREQ=DAILY", "RRULE:FREQ=WEEKLY"] + tail,
              "cal.ics:5: the event has a second RRULE (the first is on line 4); Nightshift expands one rule per event"),
        .init(head + [start, "END:VCALENDAR"],
              "cal.ics:4: END:VCALENDAR does not close BEGIN:VEVENT of line 2; write END:VEVENT first"),
        .init(head + [start, "END:VEVENT"],
              "cal.ics:1: BEGIN:VCALENDAR has no END:VCALENDAR; the file may be cut short"),
        .init(head + [start] + tail + ["END:VEVENT"],
              "cal.ics:6: END:VEVENT has no BEGIN:VEVENT before it"),
        .init(head + [start] + tail + ["BEGIN:VEVENT"],
              "cal.ics:6: BEGIN:VEVENT outside a calendar; put it between BEGIN:VCALENDAR and END:VCALENDAR"),
        .init(["BEGIN:VCALENDAR", "BEGIN:VCALENDAR"],
              "cal.ics:2: BEGIN:VCALENDAR inside BEGIN:VCALENDAR of line 1; close that with END:VCALENDAR first"),
        .init(["<!DOCTYPE html>", "<html>"],
              #"cal.ics:1: this is not an iCalendar file: it must start with BEGIN:VCALENDAR, found "<!DOCTYPE html>""#),
        .init([" BEGIN:VCALENDAR"],
              "cal.ics:1: a continuation line (one starting with a space or tab) must follow a content line"),
        .init([""], "cal.ics:1: the file is empty; a calendar file starts with BEGIN:VCALENDAR"),
    ]

    @Test("each mistake gives FILE:LINE: message", arguments: mistakes)
    func mistake(_ mistake: ICSMistake) {
        #expect(throws: ICSError.self) { try ICSCalendar.parse(mistake.text, file: "cal.ics") }
        do {
            _ = try ICSCalendar.parse(mistake.text, file: "cal.ics")
        } catch {
            #expect(error.description == mistake.expected)
        }
    }

    @Test("errors carry a code, the file and the line")
    func fields() {
        let text = (Self.head + [Self.start, "RRULE:FREQ=YEARLY"] + Self.tail).joined(separator: "\r\n")
        do {
            _ = try ICSCalendar.parse(text, file: "calendars/work.ics")
            Issue.record("a yearly rule must be refused")
        } catch {
            #expect(error.code == .unsupportedRule)
            #expect(error.file == "calendars/work.ics")
            #expect(error.line == 4)
        }
    }
}
