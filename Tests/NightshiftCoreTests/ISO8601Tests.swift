import Foundation
import NightshiftCore
import NightshiftTesting
import Testing

/// ISO 8601 instants with offsets, and IANA zone lookup.
@Suite("ISO 8601 and time zones")
struct ISO8601Tests {
    @Test(arguments: [
        ("2026-12-01T09:00:00-05:00", 1_796_133_600.0), ("2026-12-01T14:00:00Z", 1_796_133_600),
        ("2026-12-01T14:00:00+00:00", 1_796_133_600), ("2026-12-01t14:00:00z", 1_796_133_600),
        ("2026-12-01T14:00Z", 1_796_133_600), ("2026-03-08T07:00:00Z", 1_772_953_200),
        ("2026-07-15T12:34:56+05:30", 1_784_099_096), ("2026-07-15T12:34:56+0530", 1_784_099_096),
        ("2000-02-29T23:59:59Z", 951_868_799), ("1969-12-31T23:59:59Z", -1),
        ("2026-03-08T07:00:00.250Z", 1_772_953_200.25),
    ])
    func parsesInstants(_ text: String, _ unixSeconds: Double) {
        #expect(ISO8601.parse(text) == Date(timeIntervalSince1970: unixSeconds))
    }

    @Test(arguments: [
        "", "garbage", "2026-12-01T09:00:00", "2026-12-01 09:00:00Z", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-12-01T24:00:00Z", "2026-12-01T09:60:00Z", "2026-12-01T09:00:60Z", "2026-12-01T09:00:00+24:00",
        "2026-12-01T09:00:00Zjunk", "26-12-01T09:00:00Z", "2026-12-01T09:00:00.Z", "2026-12-01T9:00:00Z",
        "2025-02-29T00:00:00Z",
    ])
    func rejectsMalformedInstants(_ text: String) throws {
        #expect(ISO8601.parse(text) == nil)
        let error = try #require(throws: ScheduleError.self) { try ISO8601.instant(text, field: "after") }
        #expect(error.field == "after")
        #expect(error.token == text)
    }

    @Test(arguments: [
        (1_772_953_200.0, "America/New_York", "2026-03-08T03:00:00-04:00"),
        (1_772_953_199.0, "America/New_York", "2026-03-08T01:59:59-05:00"),
        (1_772_953_200.0, "UTC", "2026-03-08T07:00:00+00:00"),
        (1_772_953_200.9, "UTC", "2026-03-08T07:00:00+00:00"),
        (1_784_099_096.0, "Asia/Kolkata", "2026-07-15T12:34:56+05:30"),
        (1_784_099_096.0, "America/St_Johns", "2026-07-15T04:34:56-02:30"),
        (-1.0, "UTC", "1969-12-31T23:59:59+00:00"),
        (0.0, "Europe/Berlin", "1970-01-01T01:00:00+01:00"),
    ])
    func formatsInstants(_ unixSeconds: Double, _ zone: String, _ expected: String) throws {
        let date = Date(timeIntervalSince1970: unixSeconds)
        #expect(ISO8601.format(date, in: try TimeZones.named(zone)) == expected)
    }

    @Test(arguments: ["UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Apia"])
    func roundTrips(zoneName: String) throws {
        let zone = try TimeZones.named(zoneName)
        var generator = SeededGenerator(seed: 8601)
        for _ in 0..<500 {
            let seconds = Double(Int64.random(in: 0...4_102_444_800, using: &generator))  // 1970...2100
            let date = Date(timeIntervalSince1970: seconds)
            let text = ISO8601.format(date, in: zone)
            #expect(ISO8601.parse(text) == date, "\(text)")
        }
    }

    @Test(arguments: ["America/New_York", "Europe/Berlin", "UTC", "Etc/UTC", "US/Eastern", "Asia/Kolkata", "GMT"])
    func namesValidZones(_ id: String) throws {
        #expect(try TimeZones.named(id).secondsFromGMT(for: .now) == TimeZone(identifier: id)!.secondsFromGMT(for: .now))
    }

    @Test(arguments: ["", "Mars/Olympus", "PST", "GMT+5", "america/new_york", "New York", "America/New_York "])
    func rejectsUnknownZones(_ id: String) throws {
        let error = try #require(throws: ScheduleError.self) { try TimeZones.named(id) }
        #expect(error.field == "time zone")
        #expect(error.token == id)
        #expect(error.code == .invalidTimeZone)
        #expect(error.description.hasPrefix("bad time zone field: \"\(id)\""))
    }
}
