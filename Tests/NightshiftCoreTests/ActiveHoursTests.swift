import Foundation
import NightshiftCore
import Testing

/// Active-hours windows: inclusive start, exclusive end, wrapping midnight, in the job's zone.
@Suite("Active hours")
struct ActiveHoursTests {
    private func check(
        _ window: String, _ zone: String, _ cases: [(String, Bool)],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let hours = try ActiveHours(parsing: window)
        let timeZone = try TimeZones.named(zone)
        for (text, expected) in cases {
            let date = try #require(ISO8601.parse(text))
            #expect(hours.contains(date, in: timeZone) == expected, "\(window) in \(zone) at \(text)", sourceLocation: sourceLocation)
        }
    }

    @Test func daytimeWindowInUTC() throws {
        try check("07:00-23:00", "UTC", [
            ("2026-01-01T06:59:59Z", false), ("2026-01-01T07:00:00Z", true), ("2026-01-01T12:00:00Z", true),
            ("2026-01-01T22:59:59Z", true), ("2026-01-01T23:00:00Z", false), ("2026-01-01T00:00:00Z", false),
        ])
    }

    @Test func windowWrappingMidnightInBerlinWinterAndSummer() throws {
        let cases: [(String, Bool)] = [
            // Winter, CET (+01:00).
            ("2026-01-15T21:59:00+01:00", false), ("2026-01-15T22:00:00+01:00", true),
            ("2026-01-15T23:59:59+01:00", true), ("2026-01-16T00:00:00+01:00", true),
            ("2026-01-16T05:59:59+01:00", true), ("2026-01-16T06:00:00+01:00", false),
            ("2026-01-16T12:00:00+01:00", false),
            // The same UTC instant is 21:30 CET in winter but 22:30 CEST in summer.
            ("2026-01-15T20:30:00Z", false), ("2026-07-15T20:30:00Z", true),
            ("2026-07-16T03:59:00Z", true), ("2026-07-16T04:00:00Z", false),
        ]
        try check("22:00-06:00", "Europe/Berlin", cases)
    }

    @Test func windowInNewYorkAcrossTheFallBack() throws {
        // 01:30 happens twice on 2026-11-01; both are inside 01:00-02:00.
        try check("01:00-02:00", "America/New_York", [
            ("2026-11-01T01:30:00-04:00", true), ("2026-11-01T01:30:00-05:00", true),
            ("2026-11-01T02:00:00-05:00", false), ("2026-11-01T00:59:00-04:00", false),
        ])
    }

    @Test func wholeDayAndEdges() throws {
        try check("00:00-24:00", "Asia/Kolkata", [
            ("2026-01-01T00:00:00+05:30", true), ("2026-01-01T23:59:59+05:30", true), ("2026-06-01T12:00:00Z", true),
        ])
        try check("9:30-17:00", "Asia/Kolkata", [
            ("2026-01-01T09:29:00+05:30", false), ("2026-01-01T09:30:00+05:30", true), ("2026-01-01T04:00:00Z", true),
        ])
        try check("23:00-00:00", "UTC", [("2026-01-01T23:30:00Z", true), ("2026-01-01T00:00:00Z", false)])
    }

    @Test func parsedFieldsAndDescription() throws {
        let hours = try ActiveHours(parsing: " 22:00-6:30 ")
        #expect(hours.startMinute == 22 * 60)
        #expect(hours.endMinute == 6 * 60 + 30)
        #expect(hours.description == "22:00-06:30")
        #expect(try ActiveHours(parsing: hours.description) == hours)
    }

    @Test(arguments: [
        "", "07:00", "07:00-", "-23:00", "7-23", "07:00-23:00-01:00", "25:00-06:00", "07:60-08:00",
        "07:00-07:00", "24:00-06:00", "07:00-24:01", "7am-11pm", "07:0-23:00", "+7:00-23:00",
    ])
    func rejectsMalformedWindows(_ text: String) throws {
        let error = try #require(throws: ScheduleError.self) { try ActiveHours(parsing: text) }
        #expect(error.field == "active_hours")
        #expect(error.token == text)
        #expect(error.code == .invalidActiveHours)
        #expect(error.description.hasPrefix("bad active_hours field: "))
    }
}
