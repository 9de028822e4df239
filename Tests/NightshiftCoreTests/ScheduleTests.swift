import Foundation
import NightshiftCore
import Testing

/// `every`, `at` and `onStart` schedules, and the parsing helpers on ``Schedule``.
@Suite("Schedule")
struct ScheduleTests {
    static let newYork = TimeZone(identifier: "America/New_York")!

    private func instant(_ text: String) throws -> Date {
        try #require(ISO8601.parse(text), "bad instant \(text)")
    }

    @Test func everyIsAlignedToTheUnixEpoch() throws {
        let every30m = Schedule.every(seconds: 1800)
        #expect(every30m.nextFire(after: try instant("2026-01-01T10:07:00Z"), in: .gmt) == (try instant("2026-01-01T10:30:00Z")))
        #expect(every30m.nextFire(after: try instant("2026-01-01T10:30:00Z"), in: .gmt) == (try instant("2026-01-01T11:00:00Z")))
        #expect(every30m.nextFire(after: try instant("2026-01-01T10:29:59.9Z"), in: .gmt) == (try instant("2026-01-01T10:30:00Z")))
        let daily = Schedule.every(seconds: 86_400)
        #expect(daily.nextFire(after: try instant("2026-01-01T10:07:00Z"), in: .gmt) == (try instant("2026-01-02T00:00:00Z")))
        let every7s = Schedule.every(seconds: 7)
        #expect(every7s.nextFire(after: Date(timeIntervalSince1970: 0), in: .gmt) == Date(timeIntervalSince1970: 7))
        #expect(every7s.nextFire(after: Date(timeIntervalSince1970: 13.5), in: .gmt) == Date(timeIntervalSince1970: 14))
        let minutely = Schedule.every(seconds: 60)
        #expect(minutely.nextFire(after: Date(timeIntervalSince1970: -1), in: .gmt) == Date(timeIntervalSince1970: 0))
        #expect(minutely.nextFire(after: Date(timeIntervalSince1970: -61), in: .gmt) == Date(timeIntervalSince1970: -60))
    }

    @Test func everyIgnoresTheTimeZoneAndDaylightSaving() throws {
        let hourly = Schedule.every(seconds: 3600)
        // Across New York's fall-back: every real hour, no repeat or skip.
        var cursor = try instant("2026-11-01T04:30:00Z")
        var fires: [String] = []
        for _ in 0..<4 {
            cursor = try #require(hourly.nextFire(after: cursor, in: Self.newYork))
            fires.append(ISO8601.format(cursor, in: Self.newYork))
        }
        #expect(fires == [
            "2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00", "2026-11-01T02:00:00-05:00",
            "2026-11-01T03:00:00-05:00",
        ])
    }

    @Test func everyWithoutAPositiveIntervalNeverFires() {
        #expect(Schedule.every(seconds: 0).nextFire(after: .now, in: .gmt) == nil)
        #expect(Schedule.every(seconds: -5).nextFire(after: .now, in: .gmt) == nil)
    }

    @Test func atFiresOnceStrictlyAfter() throws {
        let when = try instant("2026-12-01T09:00:00-05:00")
        let schedule = Schedule.at(when)
        #expect(schedule.nextFire(after: try instant("2026-12-01T13:59:59Z"), in: .gmt) == when)
        #expect(schedule.nextFire(after: when, in: .gmt) == nil)
        #expect(schedule.nextFire(after: try instant("2027-01-01T00:00:00Z"), in: Self.newYork) == nil)
    }

    @Test func onStartHasNoNextFire() {
        #expect(Schedule.onStart.nextFire(after: .distantPast, in: .gmt) == nil)
        #expect(Schedule.onStart.nextFire(after: .now, in: Self.newYork) == nil)
    }

    @Test func cronUsesTheTimeZone() throws {
        let schedule = try Schedule.cron(parsing: "0 9 * * *")
        let after = try instant("2026-01-01T00:00:00Z")
        #expect(schedule.nextFire(after: after, in: .gmt) == (try instant("2026-01-01T09:00:00Z")))
        #expect(schedule.nextFire(after: after, in: Self.newYork) == (try instant("2026-01-01T09:00:00-05:00")))
    }

    @Test func parsingHelpers() throws {
        #expect(try Schedule.interval(parsing: "30m") == .every(seconds: 1800))
        #expect(try Schedule.interval(parsing: "1h30m") == .every(seconds: 5400))
        #expect(try Schedule.at(parsing: "2026-12-01T09:00:00-05:00") == .at(Date(timeIntervalSince1970: 1_796_133_600)))
        #expect(try Schedule.cron(parsing: "@daily") == .cron(CronExpression(parsing: "@daily")))

        for text in ["0s", "500ms", "1s500ms"] {
            let error = try #require(throws: ScheduleError.self) { try Schedule.interval(parsing: text) }
            #expect(error.field == "duration")
            #expect(error.token == text)
        }
        let error = try #require(throws: ScheduleError.self) { try Schedule.at(parsing: "tomorrow at nine") }
        #expect(error.field == "at")
        #expect(error.token == "tomorrow at nine")
        #expect(error.code == .invalidInstant)
    }

    @Test func descriptions() throws {
        #expect(try Schedule.cron(parsing: "0 9 * * *").description == "cron 0 9 * * *")
        #expect(Schedule.every(seconds: 5400).description == "every 1h30m")
        #expect(Schedule.at(Date(timeIntervalSince1970: 1_796_133_600)).description == "at 2026-12-01T14:00:00+00:00")
        #expect(Schedule.onStart.description == "on start")
    }
}
