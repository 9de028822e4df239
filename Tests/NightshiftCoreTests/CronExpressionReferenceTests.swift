import Foundation
import NightshiftCore
import NightshiftTesting
import Testing

/// Compares ``CronExpression/nextFire(after:in:)`` with a deliberately naive reference that walks
/// real time minute by minute and reads wall-clock time from `Calendar`, around every transition of
/// 2026 in several zones. The reference states cronie's rules directly:
///
/// - real-time job: fire at every minute whose wall-clock time matches;
/// - fixed-time job: fire at the first minute showing a matching wall-clock time, and at the first
///   minute after a gap if the gap swallowed a matching wall-clock time.
@Suite("Cron expression against a brute-force reference")
struct CronExpressionReferenceTests {
    /// A field written as text together with the values it should allow, so the reference does not
    /// depend on the parser under test.
    struct Field: Sendable {
        var text: String
        var values: Set<Int>
        var isFixed: Bool { !text.contains(where: { "*-/?".contains($0) }) }
    }

    static let minutes: [Field] = [
        Field(text: "*", values: Set(0...59)), Field(text: "0", values: [0]), Field(text: "30", values: [30]),
        Field(text: "*/15", values: [0, 15, 30, 45]), Field(text: "0,30", values: [0, 30]),
        Field(text: "5-10", values: Set(5...10)), Field(text: "45", values: [45]),
    ]
    static let hours: [Field] = [
        Field(text: "*", values: Set(0...23)), Field(text: "1", values: [1]), Field(text: "2", values: [2]),
        Field(text: "1,2", values: [1, 2]), Field(text: "1-3", values: [1, 2, 3]),
        Field(text: "*/2", values: Set(stride(from: 0, through: 22, by: 2))), Field(text: "0", values: [0]),
        Field(text: "3", values: [3]), Field(text: "0,2,23", values: [0, 2, 23]),
    ]
    static let daysOfMonth: [Field] = [
        Field(text: "*", values: Set(1...31)), Field(text: "1-10", values: Set(1...10)),
        Field(text: "25,29", values: [25, 29]),
    ]
    static let daysOfWeek: [Field] = [
        Field(text: "*", values: Set(0...6)), Field(text: "0", values: [0]), Field(text: "MON-FRI", values: Set(1...5)),
    ]

    /// Every offset change in 2026, with a day and a half of real time on each side.
    static let windows: [(zone: String, transition: String)] = [
        ("America/New_York", "2026-03-08T07:00:00Z"), ("America/New_York", "2026-11-01T06:00:00Z"),
        ("Europe/Berlin", "2026-03-29T01:00:00Z"), ("Europe/Berlin", "2026-10-25T01:00:00Z"),
        ("Australia/Lord_Howe", "2026-04-04T15:00:00Z"), ("Australia/Lord_Howe", "2026-10-03T15:30:00Z"),
        ("Australia/Sydney", "2026-04-04T16:00:00Z"), ("Australia/Sydney", "2026-10-03T16:00:00Z"),
    ]

    struct Wall: Hashable {
        var day: Int, month: Int, weekday: Int, hour: Int, minute: Int, year: Int
    }

    @Test(arguments: 0..<windows.count)
    func agreesWithReference(window: Int) throws {
        let (zoneName, transitionText) = Self.windows[window]
        let zone = try TimeZones.named(zoneName)
        let transition = try #require(ISO8601.parse(transitionText))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let historyStart = transition.addingTimeInterval(-3 * 86_400)
        let start = transition.addingTimeInterval(-1.5 * 86_400)
        let end = transition.addingTimeInterval(1.5 * 86_400)

        // Wall-clock time of every real minute from historyStart to end.
        let minuteCount = Int(end.timeIntervalSince(historyStart) / 60)
        let instants = (0...minuteCount).map { historyStart.addingTimeInterval(Double($0) * 60) }
        let walls = instants.map { instant -> Wall in
            let c = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: instant)
            return Wall(day: c.day!, month: c.month!, weekday: c.weekday! - 1, hour: c.hour!, minute: c.minute!, year: c.year!)
        }
        // Wall-clock minutes skipped just before each real minute (non-empty only after a gap).
        let skipped = instants.indices.map { index in
            index == 0 ? [] : calendar.wallMinutes(from: instants[index - 1], to: instants[index], in: zone)
        }
        #expect(Set(walls.map(\.hour)).count == 24, "the window should cover whole days")

        var generator = SeededGenerator(seed: UInt64(window) &+ 2026)
        for _ in 0..<80 {
            let minute = Self.minutes.randomElement(using: &generator)!
            let hour = Self.hours.randomElement(using: &generator)!
            let dom = Self.daysOfMonth.randomElement(using: &generator)!
            let dow = Self.daysOfWeek.randomElement(using: &generator)!
            let text = "\(minute.text) \(hour.text) \(dom.text) * \(dow.text)"
            let bothDaysRestricted = dom.text != "*" && dow.text != "*"
            func matches(_ wall: Wall) -> Bool {
                let domHit = dom.values.contains(wall.day)
                let dowHit = dow.values.contains(wall.weekday)
                let dayHit = bothDaysRestricted ? (domHit || dowHit) : (domHit && dowHit)
                return dayHit && hour.values.contains(wall.hour) && minute.values.contains(wall.minute)
            }

            var expected: [Date] = []
            var seen = Set<Wall>()
            let fixed = minute.isFixed && hour.isFixed
            for index in instants.indices {
                let wall = walls[index]
                var fires = matches(wall) && (!fixed || !seen.contains(wall))
                if fixed, !fires {
                    fires = skipped[index].contains(where: matches)
                }
                seen.insert(wall)
                if fires, instants[index] > start { expected.append(instants[index]) }
            }

            let cron = try CronExpression(parsing: text)
            var actual: [Date] = []
            var cursor = start
            while let next = cron.nextFire(after: cursor, in: zone), next <= end {
                actual.append(next)
                cursor = next
            }
            #expect(
                actual == expected,
                "\(text) in \(zoneName): got \(actual.map { ISO8601.format($0, in: zone) }), expected \(expected.map { ISO8601.format($0, in: zone) })")
        }
    }
}

extension Calendar {
    /// The wall-clock minutes strictly between the wall times of two consecutive real minutes
    /// (non-empty only across a spring-forward gap).
    fileprivate func wallMinutes(from earlier: Date, to later: Date, in zone: TimeZone) -> [CronExpressionReferenceTests.Wall] {
        let before = earlier.addingTimeInterval(Double(zone.secondsFromGMT(for: earlier)))
        let after = later.addingTimeInterval(Double(zone.secondsFromGMT(for: later)))
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        var result: [CronExpressionReferenceTests.Wall] = []
        var wall = before.addingTimeInterval(60)
        while wall < after {
            let c = utc.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: wall)
            result.append(.init(day: c.day!, month: c.month!, weekday: c.weekday! - 1, hour: c.hour!, minute: c.minute!, year: c.year!))
            wall = wall.addingTimeInterval(60)
        }
        return result
    }
}
