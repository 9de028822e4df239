import Foundation
import NightshiftCore
import Testing

/// Next-fire table across daylight-saving transitions, following cronie: fixed-time jobs (plain
/// numbers in minute and hour) fire once right after a gap that swallowed their time and only at
/// the first pass of a repeated time; other jobs follow real time. Expected values were worked out
/// by hand from the zone rules:
///
/// - America/New_York 2026-03-08: 02:00 EST (07:00Z) becomes 03:00 EDT; 02:00-02:59 do not exist.
/// - America/New_York 2026-11-01: 02:00 EDT (06:00Z) becomes 01:00 EST; 01:00-01:59 happen twice.
/// - Europe/Berlin 2026-03-29: 02:00 CET (01:00Z) becomes 03:00 CEST.
/// - Europe/Berlin 2026-10-25: 03:00 CEST (01:00Z) becomes 02:00 CET; 02:00-02:59 happen twice.
/// - Australia/Lord_Howe moves by 30 minutes; Pacific/Apia skipped 2011-12-30 entirely.
@Suite("Cron expression across daylight saving")
struct CronExpressionDaylightSavingTests {
    static let newYork = "America/New_York"
    static let berlin = "Europe/Berlin"

    static let rows: [CronCase] = [
        // New York, spring forward: fixed times in the gap fire once at 03:00 EDT.
        CronCase("30 2 * * *", newYork, after: "2026-03-07T12:00:00Z",
                 ["2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"]),
        CronCase("0 2 * * *", newYork, after: "2026-03-07T12:00:00Z",
                 ["2026-03-08T03:00:00-04:00", "2026-03-09T02:00:00-04:00"]),
        CronCase("0 3 * * *", newYork, after: "2026-03-07T12:00:00Z",
                 ["2026-03-08T03:00:00-04:00", "2026-03-09T03:00:00-04:00"]),
        CronCase("0,30 2 * * *", newYork, after: "2026-03-08T01:00:00-05:00",
                 ["2026-03-08T03:00:00-04:00", "2026-03-09T02:00:00-04:00", "2026-03-09T02:30:00-04:00"]),
        CronCase("0 1 * * *", newYork, after: "2026-03-07T12:00:00Z",
                 ["2026-03-08T01:00:00-05:00", "2026-03-09T01:00:00-04:00"]),
        CronCase("30 2 * * *", newYork, after: "2026-03-08T01:59:59-05:00", ["2026-03-08T03:00:00-04:00"]),
        CronCase("30 2 * * *", newYork, after: "2026-03-08T03:00:00-04:00", ["2026-03-09T02:30:00-04:00"]),
        CronCase("0 30 2 * * *", newYork, after: "2026-03-07T12:00:00Z",
                 ["2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"]),
        // New York, spring forward: real-time jobs skip the missing hour.
        CronCase("*/30 * * * *", newYork, after: "2026-03-08T01:00:00-05:00",
                 ["2026-03-08T01:30:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T03:30:00-04:00"]),
        CronCase("30 * * * *", newYork, after: "2026-03-08T01:00:00-05:00",
                 ["2026-03-08T01:30:00-05:00", "2026-03-08T03:30:00-04:00", "2026-03-08T04:30:00-04:00"]),
        CronCase("* 2 * * *", newYork, after: "2026-03-08T01:00:00-05:00",
                 ["2026-03-09T02:00:00-04:00", "2026-03-09T02:01:00-04:00"]),
        CronCase("0 2-3 * * *", newYork, after: "2026-03-08T00:00:00-05:00",
                 ["2026-03-08T03:00:00-04:00", "2026-03-09T02:00:00-04:00", "2026-03-09T03:00:00-04:00"]),

        // New York, fall back: fixed times fire at the first 01:xx (EDT) only.
        CronCase("30 1 * * *", newYork, after: "2026-10-31T12:00:00Z",
                 ["2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"]),
        CronCase("30 1 * * *", newYork, after: "2026-11-01T01:30:00-04:00", ["2026-11-02T01:30:00-05:00"]),
        CronCase("0 1 * * *", newYork, after: "2026-11-01T01:00:00-05:00", ["2026-11-02T01:00:00-05:00"]),
        CronCase("15 1 * * *", newYork, after: "2026-11-01T01:10:00-05:00", ["2026-11-02T01:15:00-05:00"]),
        CronCase("0 2 * * *", newYork, after: "2026-10-31T12:00:00Z",
                 ["2026-11-01T02:00:00-05:00", "2026-11-02T02:00:00-05:00"]),
        CronCase("0,30 1 * * *", newYork, after: "2026-11-01T00:00:00-04:00",
                 ["2026-11-01T01:00:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-02T01:00:00-05:00"]),
        // New York, fall back: real-time jobs fire in both passes of 01:xx.
        CronCase("*/30 * * * *", newYork, after: "2026-11-01T00:45:00-04:00",
                 ["2026-11-01T01:00:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-01T01:00:00-05:00",
                  "2026-11-01T01:30:00-05:00", "2026-11-01T02:00:00-05:00"]),
        CronCase("0 * * * *", newYork, after: "2026-11-01T01:50:00-04:00",
                 ["2026-11-01T01:00:00-05:00", "2026-11-01T02:00:00-05:00"]),
        CronCase("5,55 * * * *", newYork, after: "2026-11-01T01:50:00-04:00",
                 ["2026-11-01T01:55:00-04:00", "2026-11-01T01:05:00-05:00", "2026-11-01T01:55:00-05:00",
                  "2026-11-01T02:05:00-05:00"]),
        CronCase("0 0-3 * * *", newYork, after: "2026-10-31T23:30:00-04:00",
                 ["2026-11-01T00:00:00-04:00", "2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00",
                  "2026-11-01T02:00:00-05:00", "2026-11-01T03:00:00-05:00"]),
        CronCase("* 1 * * *", newYork, after: "2026-11-01T01:58:30-04:00",
                 ["2026-11-01T01:59:00-04:00", "2026-11-01T01:00:00-05:00", "2026-11-01T01:01:00-05:00"]),

        // Berlin, spring forward.
        CronCase("30 2 * * *", berlin, after: "2026-03-28T12:00:00Z",
                 ["2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"]),
        CronCase("0 3 * * *", berlin, after: "2026-03-28T12:00:00Z",
                 ["2026-03-29T03:00:00+02:00", "2026-03-30T03:00:00+02:00"]),
        CronCase("15 2 * * SUN", berlin, after: "2026-03-22T12:00:00Z",
                 ["2026-03-29T03:00:00+02:00", "2026-04-05T02:15:00+02:00"]),
        CronCase("0 0 2 * * *", berlin, after: "2026-03-28T12:00:00Z",
                 ["2026-03-29T03:00:00+02:00", "2026-03-30T02:00:00+02:00"]),
        CronCase("*/20 * * * *", berlin, after: "2026-03-29T01:30:00+01:00",
                 ["2026-03-29T01:40:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-29T03:20:00+02:00"]),

        // Berlin, fall back.
        CronCase("30 2 * * *", berlin, after: "2026-10-24T12:00:00Z",
                 ["2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"]),
        CronCase("0 2 * * *", berlin, after: "2026-10-25T02:00:00+02:00", ["2026-10-26T02:00:00+01:00"]),
        CronCase("0 0 2 * * *", berlin, after: "2026-10-24T12:00:00Z",
                 ["2026-10-25T02:00:00+02:00", "2026-10-26T02:00:00+01:00"]),
        CronCase("*/30 2 * * *", berlin, after: "2026-10-25T01:00:00+02:00",
                 ["2026-10-25T02:00:00+02:00", "2026-10-25T02:30:00+02:00", "2026-10-25T02:00:00+01:00",
                  "2026-10-25T02:30:00+01:00", "2026-10-26T02:00:00+01:00"]),
        CronCase("0 * * * *", berlin, after: "2026-10-25T01:30:00+02:00",
                 ["2026-10-25T02:00:00+02:00", "2026-10-25T02:00:00+01:00", "2026-10-25T03:00:00+01:00"]),
        CronCase("*/30 * * * * *", berlin, after: "2026-10-25T02:59:00+02:00",
                 ["2026-10-25T02:59:30+02:00", "2026-10-25T02:00:00+01:00", "2026-10-25T02:00:30+01:00"]),

        // Sparse jobs whose next fire is months or years away, landing on or near a transition.
        CronCase("30 2 29 3 *", berlin, after: "2026-01-01T00:00:00Z",
                 ["2026-03-29T03:00:00+02:00", "2027-03-29T02:30:00+02:00"]),
        CronCase("30 1 1 11 *", newYork, after: "2025-12-01T00:00:00Z",
                 ["2026-11-01T01:30:00-04:00", "2027-11-01T01:30:00-04:00"]),
        CronCase("*/30 1 1 11 *", newYork, after: "2025-12-01T00:00:00Z",
                 ["2026-11-01T01:00:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-01T01:00:00-05:00",
                  "2026-11-01T01:30:00-05:00", "2027-11-01T01:00:00-04:00"]),
        CronCase("30 1-1 1 11 *", newYork, after: "2026-11-01T01:45:00-04:00",
                 ["2026-11-01T01:30:00-05:00", "2027-11-01T01:30:00-04:00"]),
        CronCase("0 0 29 2 *", newYork, after: "2025-01-01T00:00:00Z",
                 ["2028-02-29T00:00:00-05:00", "2032-02-29T00:00:00-05:00"]),
        CronCase("@yearly", berlin, after: "2026-06-01T00:00:00Z",
                 ["2027-01-01T00:00:00+01:00", "2028-01-01T00:00:00+01:00"]),

        // Half-hour transitions (Lord Howe Island: +10:30 standard, +11 summer).
        CronCase("15 2 * * *", "Australia/Lord_Howe", after: "2026-10-03T12:00:00Z",
                 ["2026-10-04T02:30:00+11:00", "2026-10-05T02:15:00+11:00"]),
        CronCase("45 1 * * *", "Australia/Lord_Howe", after: "2026-04-04T12:00:00Z",
                 ["2026-04-05T01:45:00+11:00", "2026-04-06T01:45:00+10:30"]),
        CronCase("*/15 * * * *", "Australia/Lord_Howe", after: "2026-04-05T01:40:00+11:00",
                 ["2026-04-05T01:45:00+11:00", "2026-04-05T01:30:00+10:30", "2026-04-05T01:45:00+10:30",
                  "2026-04-05T02:00:00+10:30"]),

        // A skipped day: Samoa jumped from 2011-12-29 23:59:59 -10:00 to 2011-12-31 00:00 +14:00.
        CronCase("0 11,12 * * *", "Pacific/Apia", after: "2011-12-29T10:00:00-10:00",
                 ["2011-12-29T11:00:00-10:00", "2011-12-29T12:00:00-10:00", "2011-12-31T00:00:00+14:00",
                  "2011-12-31T11:00:00+14:00"]),
        CronCase("0 11-12 * * *", "Pacific/Apia", after: "2011-12-29T10:00:00-10:00",
                 ["2011-12-29T11:00:00-10:00", "2011-12-29T12:00:00-10:00", "2011-12-31T11:00:00+14:00",
                  "2011-12-31T12:00:00+14:00"]),
    ]

    @Test(arguments: rows)
    func nextFires(_ row: CronCase) throws {
        try row.check()
    }

    /// Walks a whole year of `*/15` fires in New York one by one: each fire is 15 minutes after the
    /// previous one in real time, except across the spring gap, and there are exactly as many
    /// fires as quarter hours of real time.
    @Test func realTimeJobsFollowElapsedTime() throws {
        let cron = try CronExpression(parsing: "*/15 * * * *")
        let zone = try TimeZones.named(Self.newYork)
        let start = try #require(ISO8601.parse("2026-01-01T00:00:00-05:00"))
        let end = try #require(ISO8601.parse("2027-01-01T00:00:00-05:00"))
        var cursor = start
        var count = 0
        while let next = cron.nextFire(after: cursor, in: zone), next < end {
            #expect(next.timeIntervalSince(cursor) == 900, "gap after \(ISO8601.format(cursor, in: zone))")
            cursor = next
            count += 1
        }
        // 365 days of 96 quarter hours, minus the one after `start` counted at the end.
        #expect(count == 365 * 96 - 1)
    }

    /// A fixed-time daily job fires exactly once per local day all year, whatever the transitions.
    @Test(arguments: ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe"])
    func fixedTimeJobsFireOncePerDay(zoneName: String) throws {
        let zone = try TimeZones.named(zoneName)
        for text in ["30 1 * * *", "30 2 * * *", "0 2 * * *"] {
            let cron = try CronExpression(parsing: text)
            let start = try #require(ISO8601.parse("2026-01-01T12:00:00Z"))
            var cursor = try #require(cron.nextFire(after: start, in: zone))
            for _ in 0..<365 {
                let next = try #require(cron.nextFire(after: cursor, in: zone))
                let hours = next.timeIntervalSince(cursor) / 3600
                #expect(hours >= 22.5 && hours <= 25.5, "\(text) in \(zoneName) after \(ISO8601.format(cursor, in: zone))")
                cursor = next
            }
        }
    }
}
