import Foundation
import NightshiftCore
import Testing

/// Recurrence expansion. Zone facts the expectations rely on, from the zone rules:
/// - Europe/Berlin 2026-03-29: 02:00 CET (UTC+1) becomes 03:00 CEST (UTC+2).
/// - America/New_York 2026-11-01: 02:00 EDT (UTC-4) becomes 01:00 EST (UTC-5).
/// - 2026-03-23 and 2026-11-23 are Mondays, 2026-10-27 a Tuesday, 2026-11-07 a Saturday.
@Suite("ICS calendar: recurrences")
struct ICSRecurrenceTests {
    static func expand(_ properties: String..., floating: String = "Europe/Berlin", from: String, to: String) throws -> [String] {
        let calendar = try parseCalendar(["BEGIN:VEVENT", "UID:r", "SUMMARY:R"] + properties + ["END:VEVENT"], floating: floating)
        return spans(calendar.occurrences(from: instant(from), to: instant(to)))
    }

    @Test("weekly BYDAY with UNTIL keeps 09:00 Berlin across the change to summer time")
    func weeklyAcrossDaylightSaving() throws {
        let result = try Self.expand(
            "DTSTART;TZID=Europe/Berlin:20260323T090000", "DTEND;TZID=Europe/Berlin:20260323T100000",
            "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260401T235959Z",
            from: "2026-03-01T00:00:00Z", to: "2026-05-01T00:00:00Z")
        #expect(result == [
            "2026-03-23T08:00:00Z/2026-03-23T09:00:00Z",
            "2026-03-25T08:00:00Z/2026-03-25T09:00:00Z",
            "2026-03-30T07:00:00Z/2026-03-30T08:00:00Z",
            "2026-04-01T07:00:00Z/2026-04-01T08:00:00Z",
        ])
    }

    @Test("daily with COUNT counts from DTSTART, even when the window starts later")
    func dailyCount() throws {
        let properties = ["DTSTART:20261123T060000Z", "DURATION:PT30M", "RRULE:FREQ=DAILY;COUNT=3"]
        let all = try parseCalendar(vevent(properties[0], properties[1], properties[2]))
        #expect(spans(all.occurrences(from: instant("2026-11-01T00:00:00Z"), to: instant("2026-12-01T00:00:00Z"))) == [
            "2026-11-23T06:00:00Z/2026-11-23T06:30:00Z",
            "2026-11-24T06:00:00Z/2026-11-24T06:30:00Z",
            "2026-11-25T06:00:00Z/2026-11-25T06:30:00Z",
        ])
        #expect(spans(all.occurrences(from: instant("2026-11-24T12:00:00Z"), to: instant("2026-12-01T00:00:00Z"))) == [
            "2026-11-25T06:00:00Z/2026-11-25T06:30:00Z",
        ])
    }

    @Test("daily INTERVAL=2 yields every other day")
    func dailyInterval() throws {
        let result = try Self.expand(
            "DTSTART:20261101T120000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;INTERVAL=2;COUNT=4",
            from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z")
        #expect(result.map { String($0.prefix(10)) } == ["2026-11-01", "2026-11-03", "2026-11-05", "2026-11-07"])
    }

    @Test("weekly INTERVAL=2 with BYDAY skips a week and keeps 18:00 New York across the fall-back")
    func weeklyInterval() throws {
        let result = try Self.expand(
            "DTSTART;TZID=America/New_York:20261027T180000", "DURATION:PT1H",
            "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=5",
            from: "2026-10-01T00:00:00Z", to: "2027-01-01T00:00:00Z")
        #expect(result == [
            "2026-10-27T22:00:00Z/2026-10-27T23:00:00Z",
            "2026-10-29T22:00:00Z/2026-10-29T23:00:00Z",
            "2026-11-10T23:00:00Z/2026-11-11T00:00:00Z",
            "2026-11-12T23:00:00Z/2026-11-13T00:00:00Z",
            "2026-11-24T23:00:00Z/2026-11-25T00:00:00Z",
        ])
    }

    @Test("floating daily times follow the floating zone across the fall-back")
    func floatingDaily() throws {
        let result = try Self.expand(
            "DTSTART:20261030T090000", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=4", floating: "America/New_York",
            from: "2026-10-01T00:00:00Z", to: "2026-12-01T00:00:00Z")
        #expect(result.map { String($0.prefix(20)) } == [
            "2026-10-30T13:00:00Z", "2026-10-31T13:00:00Z", "2026-11-01T14:00:00Z", "2026-11-02T14:00:00Z",
        ])
    }

    @Test("a start in the spring-forward gap moves by the gap, as RFC 5545 asks")
    func springForwardGap() throws {
        let result = try Self.expand(
            "DTSTART;TZID=Europe/Berlin:20260328T023000", "DURATION:PT30M", "RRULE:FREQ=DAILY;COUNT=3",
            from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z")
        #expect(result == [
            "2026-03-28T01:30:00Z/2026-03-28T02:00:00Z",
            "2026-03-29T01:30:00Z/2026-03-29T02:00:00Z",
            "2026-03-30T00:30:00Z/2026-03-30T01:00:00Z",
        ])
    }

    @Test("all-day weekend days until a date, which is inclusive")
    func allDayWeekly() throws {
        let result = try Self.expand(
            "DTSTART;VALUE=DATE:20261107", "RRULE:FREQ=WEEKLY;BYDAY=SA,SU;UNTIL=20261115",
            from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z")
        #expect(result == [
            "2026-11-06T23:00:00Z/2026-11-07T23:00:00Z",
            "2026-11-07T23:00:00Z/2026-11-08T23:00:00Z",
            "2026-11-13T23:00:00Z/2026-11-14T23:00:00Z",
            "2026-11-14T23:00:00Z/2026-11-15T23:00:00Z",
        ])
    }

    @Test("daily BYDAY keeps only working days")
    func dailyWorkingDays() throws {
        let result = try Self.expand(
            "DTSTART:20261120T080000Z", "DURATION:PT8H", "RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
            from: "2026-11-20T00:00:00Z", to: "2026-11-25T00:00:00Z")
        #expect(result.map { String($0.prefix(10)) } == ["2026-11-20", "2026-11-23", "2026-11-24"])
    }

    @Test("EXDATE removes occurrences, which COUNT still counted")
    func exdate() throws {
        let result = try Self.expand(
            "DTSTART;TZID=Europe/Berlin:20261123T090000", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=4",
            "EXDATE;TZID=Europe/Berlin:20261125T090000,20261124T080000",
            from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z")
        #expect(result.map { String($0.prefix(20)) } == ["2026-11-23T08:00:00Z", "2026-11-24T08:00:00Z", "2026-11-26T08:00:00Z"])
    }

    @Test("an event with RECURRENCE-ID replaces that occurrence of its series")
    func recurrenceID() throws {
        let calendar = try parseCalendar(
            vevent("UID:weekly", "SUMMARY:Sync", "DTSTART:20261123T100000Z", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;COUNT=3")
                + vevent("UID:weekly", "SUMMARY:Sync (moved)", "RECURRENCE-ID:20261130T100000Z", "DTSTART:20261201T150000Z", "DURATION:PT1H"))
        let occurrences = calendar.occurrences(from: instant("2026-11-01T00:00:00Z"), to: instant("2027-01-01T00:00:00Z"))
        #expect(occurrences.map(\.summary) == ["Sync", "Sync (moved)", "Sync"])
        #expect(spans(occurrences).map { String($0.prefix(20)) } == ["2026-11-23T10:00:00Z", "2026-12-01T15:00:00Z", "2026-12-07T10:00:00Z"])
    }

    @Test("a rule without an end is expanded only across the window asked for")
    func unbounded() throws {
        let calendar = try parseCalendar(vevent("SUMMARY:Every day since 2000", "DTSTART:20000101T070000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY"))
        let day = calendar.occurrences(from: instant("2026-11-23T00:00:00Z"), to: instant("2026-11-24T00:00:00Z"))
        #expect(spans(day) == ["2026-11-23T07:00:00Z/2026-11-23T08:00:00Z"])
        let year = calendar.occurrences(from: instant("2026-01-01T00:00:00Z"), to: instant("2027-01-01T00:00:00Z"))
        #expect(year.count == 365)
        // An occurrence that started before the window and reaches into it counts.
        let late = calendar.occurrences(from: instant("2026-11-23T07:30:00Z"), to: instant("2026-11-23T07:45:00Z"))
        #expect(late.count == 1)
    }

    @Test("a window of a thousand years stops at the expansion bound instead of walking forever")
    func bounded() throws {
        let calendar = try parseCalendar(vevent("SUMMARY:Forever", "DTSTART:20260101T070000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY"))
        let occurrences = calendar.occurrences(from: instant("2026-01-01T00:00:00Z"), to: instant("3026-01-01T00:00:00Z"))
        #expect((50_000...100_000).contains(occurrences.count))
        #expect(occurrences.first?.start == instant("2026-01-01T07:00:00Z"))
    }

    @Test("DTSTART is the first occurrence even when BYDAY would not yield it")
    func unsynchronizedStart() throws {
        let result = try Self.expand(
            "DTSTART:20261123T100000Z", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=2",
            from: "2026-11-01T00:00:00Z", to: "2027-01-01T00:00:00Z")
        #expect(result.map { String($0.prefix(10)) } == ["2026-11-23", "2026-11-25"])
    }
}
