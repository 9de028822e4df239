import Foundation
import NightshiftCore
import Testing

/// Next-fire table for cron syntax: lists, ranges, steps, names, the day-of-month/day-of-week OR,
/// macros, six-field seconds, leap years and rollovers. Expected values were worked out by hand.
@Suite("Cron expression next fire")
struct CronExpressionTests {
    static let rows: [CronCase] = [
        // Lists, ranges and steps.
        CronCase("* * * * *", "UTC", after: "2026-01-01T00:00:00Z", ["2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z"]),
        CronCase("* * * * *", "UTC", after: "2026-01-01T00:00:59.5Z", ["2026-01-01T00:01:00Z"]),
        CronCase("0 * * * *", "UTC", after: "2026-01-01T00:00:00Z", ["2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"]),
        CronCase("*/15 * * * *", "UTC", after: "2026-01-01T10:07:00Z",
                 ["2026-01-01T10:15:00Z", "2026-01-01T10:30:00Z", "2026-01-01T10:45:00Z", "2026-01-01T11:00:00Z"]),
        CronCase("10-40/10 * * * *", "UTC", after: "2026-01-01T10:00:00Z",
                 ["2026-01-01T10:10:00Z", "2026-01-01T10:20:00Z", "2026-01-01T10:30:00Z", "2026-01-01T10:40:00Z",
                  "2026-01-01T11:10:00Z"]),
        CronCase("5/15 * * * *", "UTC", after: "2026-01-01T10:00:00Z",
                 ["2026-01-01T10:05:00Z", "2026-01-01T10:20:00Z", "2026-01-01T10:35:00Z", "2026-01-01T10:50:00Z",
                  "2026-01-01T11:05:00Z"]),
        CronCase("1,5,9 * * * *", "UTC", after: "2026-01-01T10:05:00Z",
                 ["2026-01-01T10:09:00Z", "2026-01-01T11:01:00Z", "2026-01-01T11:05:00Z"]),
        CronCase("0 9-11 * * *", "UTC", after: "2026-01-01T10:30:00Z",
                 ["2026-01-01T11:00:00Z", "2026-01-02T09:00:00Z", "2026-01-02T10:00:00Z"]),
        CronCase("0 0 1 */3 *", "UTC", after: "2026-01-01T00:00:00Z",
                 ["2026-04-01T00:00:00Z", "2026-07-01T00:00:00Z", "2026-10-01T00:00:00Z", "2027-01-01T00:00:00Z"]),

        // Weekdays: numbers, names, 0 and 7 for Sunday, ranges ending on Sunday.
        CronCase("30 9 * * 1-5", "UTC", after: "2026-01-02T10:00:00Z", ["2026-01-05T09:30:00Z", "2026-01-06T09:30:00Z"]),
        CronCase("30 9 * * MON-FRI", "UTC", after: "2026-01-02T10:00:00Z", ["2026-01-05T09:30:00Z", "2026-01-06T09:30:00Z"]),
        CronCase("30 9 * * mon-fri", "UTC", after: "2026-01-09T09:30:00Z", ["2026-01-12T09:30:00Z"]),
        CronCase("0 0 * * SUN", "UTC", after: "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]),
        CronCase("0 0 * * 7", "UTC", after: "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]),
        CronCase("0 0 * * 0", "UTC", after: "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]),
        CronCase("0 0 * * sat,sun", "UTC", after: "2026-01-01T00:00:00Z",
                 ["2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-10T00:00:00Z"]),
        CronCase("0 0 * * FRI-SUN", "UTC", after: "2026-01-01T00:00:00Z",
                 ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-09T00:00:00Z"]),
        CronCase("0 0 * * 5-7", "UTC", after: "2026-01-01T00:00:00Z",
                 ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-09T00:00:00Z"]),

        // Month names.
        CronCase("0 12 1 jan,jul *", "UTC", after: "2026-01-01T12:00:00Z", ["2026-07-01T12:00:00Z", "2027-01-01T12:00:00Z"]),
        CronCase("0 0 1 FEB-APR *", "UTC", after: "2026-01-15T00:00:00Z",
                 ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", "2027-02-01T00:00:00Z"]),

        // Day of month OR day of week when both are restricted (Vixie), AND otherwise.
        CronCase("0 0 13 * FRI", "UTC", after: "2026-01-01T00:00:00Z",
                 ["2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z", "2026-01-16T00:00:00Z"]),
        CronCase("0 0 1 * 1", "UTC", after: "2026-01-31T00:00:00Z",
                 ["2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z", "2026-02-09T00:00:00Z"]),
        CronCase("0 0 1,15 * 3", "UTC", after: "2026-01-01T00:00:00Z",
                 ["2026-01-07T00:00:00Z", "2026-01-14T00:00:00Z", "2026-01-15T00:00:00Z", "2026-01-21T00:00:00Z"]),
        CronCase("0 0 1-7 * MON", "UTC", after: "2026-01-07T00:00:00Z",
                 ["2026-01-12T00:00:00Z", "2026-01-19T00:00:00Z", "2026-01-26T00:00:00Z", "2026-02-01T00:00:00Z",
                  "2026-02-02T00:00:00Z", "2026-02-03T00:00:00Z"]),
        CronCase("0 0 15 * *", "UTC", after: "2026-01-15T00:00:00Z", ["2026-02-15T00:00:00Z", "2026-03-15T00:00:00Z"]),
        CronCase("0 0 ? * 1", "UTC", after: "2026-01-01T00:00:00Z", ["2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z"]),
        CronCase("0 0 */10 * 1", "UTC", after: "2026-01-01T00:00:00Z", ["2026-05-11T00:00:00Z", "2026-06-01T00:00:00Z"]),

        // Year and month rollover, short months, leap years.
        CronCase("0 0 1 1 *", "UTC", after: "2026-06-01T00:00:00Z", ["2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"]),
        CronCase("59 23 31 * *", "UTC", after: "2026-01-31T23:59:00Z", ["2026-03-31T23:59:00Z", "2026-05-31T23:59:00Z"]),
        CronCase("0 0 31 * *", "UTC", after: "2026-04-01T00:00:00Z",
                 ["2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z", "2026-08-31T00:00:00Z"]),
        CronCase("0 0 29 2 *", "UTC", after: "2025-01-01T00:00:00Z", ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"]),
        CronCase("0 0 29 2 *", "UTC", after: "2028-02-29T00:00:00Z", ["2032-02-29T00:00:00Z"]),
        CronCase("0 0 28-29 2 *", "UTC", after: "2026-02-28T00:00:00Z",
                 ["2027-02-28T00:00:00Z", "2028-02-28T00:00:00Z", "2028-02-29T00:00:00Z"]),
        CronCase("0 0 29 2 *", "UTC", after: "2096-03-01T00:00:00Z", ["2104-02-29T00:00:00Z"]),
        CronCase("59 59 23 31 12 *", "UTC", after: "2026-06-01T00:00:00Z", ["2026-12-31T23:59:59Z", "2027-12-31T23:59:59Z"]),

        // Macros.
        CronCase("@yearly", "UTC", after: "2026-03-01T00:00:00Z", ["2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"]),
        CronCase("@annually", "UTC", after: "2026-03-01T00:00:00Z", ["2027-01-01T00:00:00Z"]),
        CronCase("@monthly", "UTC", after: "2026-01-31T12:00:00Z", ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"]),
        CronCase("@weekly", "UTC", after: "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]),
        CronCase("@daily", "UTC", after: "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"]),
        CronCase("@midnight", "UTC", after: "2025-12-31T23:59:59Z", ["2026-01-01T00:00:00Z"]),
        CronCase("@hourly", "UTC", after: "2026-01-01T00:30:00Z", ["2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"]),
        CronCase("@Hourly", "UTC", after: "2026-01-01T00:30:00Z", ["2026-01-01T01:00:00Z"]),

        // Six fields, seconds first.
        CronCase("*/20 * * * * *", "UTC", after: "2026-01-01T00:00:00Z",
                 ["2026-01-01T00:00:20Z", "2026-01-01T00:00:40Z", "2026-01-01T00:01:00Z"]),
        CronCase("30 0 9 * * *", "UTC", after: "2026-01-01T09:00:30Z", ["2026-01-02T09:00:30Z"]),
        CronCase("0 0 0 1 1 ?", "UTC", after: "2026-06-01T00:00:00Z", ["2027-01-01T00:00:00Z"]),
        CronCase("15,45 * * * * *", "UTC", after: "2026-01-01T00:00:44.5Z", ["2026-01-01T00:00:45Z", "2026-01-01T00:01:15Z"]),
        CronCase("0-10/5 30 12 * * *", "UTC", after: "2026-01-01T12:30:04Z",
                 ["2026-01-01T12:30:05Z", "2026-01-01T12:30:10Z", "2026-01-02T12:30:00Z"]),

        // Zones without a transition nearby: fields are wall-clock time in the zone.
        CronCase("0 9 * * *", "Asia/Kolkata", after: "2026-01-01T00:00:00Z",
                 ["2026-01-01T09:00:00+05:30", "2026-01-02T09:00:00+05:30"]),
        CronCase("0 9 * * *", "Asia/Tokyo", after: "2026-01-01T00:00:00Z", ["2026-01-02T09:00:00+09:00"]),
        CronCase("0 0 * * MON", "America/New_York", after: "2026-01-01T00:00:00Z",
                 ["2026-01-05T00:00:00-05:00", "2026-01-12T00:00:00-05:00"]),
        CronCase("0 0 1 * *", "Australia/Sydney", after: "2026-01-01T00:00:00Z",
                 ["2026-02-01T00:00:00+11:00", "2026-03-01T00:00:00+11:00"]),
    ]

    @Test(arguments: rows)
    func nextFires(_ row: CronCase) throws {
        try row.check()
    }

    @Test func impossibleDatesNeverFire() throws {
        let after = try #require(ISO8601.parse("2026-01-01T00:00:00Z"))
        for text in ["0 0 30 2 *", "0 0 31 4 *", "0 0 31 2,4,6,9,11 *"] {
            let cron = try CronExpression(parsing: text)
            #expect(cron.nextFire(after: after, in: .gmt) == nil, "\(text)")
        }
    }

    @Test func extremeDatesDoNotTrap() throws {
        let zone = try TimeZones.named("America/New_York")
        for text in ["* * * * *", "0 0 29 2 *", "30 2 * * *"] {
            let cron = try CronExpression(parsing: text)
            #expect(cron.nextFire(after: .distantPast, in: zone) != nil)
            #expect(cron.nextFire(after: .distantFuture, in: zone) != nil)
            _ = cron.nextFire(after: Date(timeIntervalSince1970: 1e300), in: zone)
            _ = cron.nextFire(after: Date(timeIntervalSince1970: -.infinity), in: zone)
        }
    }

    @Test func fixedTimeIsDecidedByMinuteAndHourFields() throws {
        #expect(try CronExpression(parsing: "30 2 * * *").isFixedTime)
        #expect(try CronExpression(parsing: "0,30 1,2 * * *").isFixedTime)
        #expect(try CronExpression(parsing: "@daily").isFixedTime)
        #expect(try CronExpression(parsing: "*/10 0 2 * * *").isFixedTime)
        #expect(try !CronExpression(parsing: "*/30 2 * * *").isFixedTime)
        #expect(try !CronExpression(parsing: "0 2-3 * * *").isFixedTime)
        #expect(try !CronExpression(parsing: "0 * * * *").isFixedTime)
        #expect(try !CronExpression(parsing: "5/15 2 * * *").isFixedTime)
        #expect(try !CronExpression(parsing: "@hourly").isFixedTime)
    }

    @Test func sourceIsKeptAsWritten() throws {
        let cron = try CronExpression(parsing: "  0 9 * * MON-FRI \n")
        #expect(cron.source == "0 9 * * MON-FRI")
        #expect(cron.description == "0 9 * * MON-FRI")
        #expect(try CronExpression(parsing: "0 9 * * 1") == CronExpression(parsing: "0 9 * * 1"))
    }
}
