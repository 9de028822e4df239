import Foundation
import NightshiftBuilder
import NightshiftCore
import Testing

@Suite("Time windows: openings, overnight across midnight, weekdays, daylight saving")
struct TimeWindowTests {
    static let quickWin = TimeWindow.defaults[0]
    static let overnight = TimeWindow.defaults[1]
    static let workHours = TimeWindow.defaults[2]
    static let weekend = TimeWindow.defaults[3]

    @Test("the four default windows are the reference's, with their lengths")
    func defaults() {
        #expect(TimeWindow.defaults.map(\.name) == ["quick_win", "overnight", "work_hours", "weekend"])
        #expect(TimeWindow.defaults.map(\.lengthHours) == [4, 8, 8, 12])
        #expect(Self.quickWin.days == [2, 3, 4, 5, 6])
        #expect(Self.weekend.days == [1, 7])
        #expect((Self.overnight.minHours, Self.overnight.maxHours) == (4, 6))
    }

    @Test("a task fits a window up to its max hours and its length", arguments: [
        (0.5, true), (2, true), (2.01, false), (6, false),
    ])
    func fits(hours: Double, fits: Bool) {
        #expect(Self.quickWin.fits(hours: hours) == fits)
    }

    @Test("a window whose max exceeds its length fits only what the length holds")
    func fitsLength() {
        let short = TimeWindow(name: "lunch", days: Set(1...7), start: .init(hour: 12, minute: 0), end: .init(hour: 13, minute: 30), minHours: 0, maxHours: 8)
        #expect(short.lengthHours == 1.5)
        #expect(short.fits(hours: 1.5))
        #expect(!short.fits(hours: 2))
    }

    @Test("at 02:00 the overnight opening is the one that started at 23:00 the day before")
    func overnightAfterMidnight() throws {
        let at = local(2026, 3, 4, 2)
        let opening = try #require(Self.overnight.opening(at: at, in: Zones.utc))
        #expect(opening.start == local(2026, 3, 3, 23))
        #expect(opening.end == local(2026, 3, 4, 7))
        #expect(Self.overnight.isOpen(at: at, in: Zones.utc))
    }

    @Test("overnight openings at their edges and between them", arguments: [
        // (hour of 2026-03-04, expected opening start as [day, hour], open?)
        (0, [3, 23], true), (6, [3, 23], true), (7, [4, 23], false), (12, [4, 23], false), (22, [4, 23], false), (23, [4, 23], true),
    ] as [(Int, [Int], Bool)])
    func overnightEdges(hour: Int, start: [Int], open: Bool) throws {
        let at = local(2026, 3, 4, hour)
        let opening = try #require(Self.overnight.opening(at: at, in: Zones.utc))
        #expect(opening.start == local(2026, 3, start[0], start[1]))
        #expect(opening.duration == 8 * 3600)
        #expect(Self.overnight.isOpen(at: at, in: Zones.utc) == open)
    }

    @Test("on a Saturday the weekday windows are closed and next open on Monday")
    func weekdayWindowsOnSaturday() throws {
        let saturday = local(2026, 3, 7, 10)
        let work = try #require(Self.workHours.opening(at: saturday, in: Zones.utc))
        #expect(work.start == local(2026, 3, 9, 9))
        #expect(work.end == local(2026, 3, 9, 17))
        #expect(!Self.workHours.isOpen(at: saturday, in: Zones.utc))

        let quick = try #require(Self.quickWin.opening(at: local(2026, 3, 7, 20), in: Zones.utc))
        #expect(quick.start == local(2026, 3, 9, 19))
        #expect(!Self.quickWin.isOpen(at: local(2026, 3, 7, 20), in: Zones.utc))

        #expect(Self.weekend.isOpen(at: saturday, in: Zones.utc))
        #expect(Self.weekend.opening(at: saturday, in: Zones.utc)?.start == local(2026, 3, 7, 9))
        // Overnight runs every day, weekends included.
        #expect(Self.overnight.opening(at: saturday, in: Zones.utc)?.start == local(2026, 3, 7, 23))
    }

    @Test("weekday windows open on Friday evening and are closed once Friday's opening ends")
    func friday() throws {
        #expect(Self.quickWin.isOpen(at: local(2026, 3, 6, 20), in: Zones.utc))
        let late = try #require(Self.quickWin.opening(at: local(2026, 3, 6, 23), in: Zones.utc))
        #expect(late.start == local(2026, 3, 9, 19))
        #expect(Self.weekend.opening(at: local(2026, 3, 6, 23), in: Zones.utc)?.start == local(2026, 3, 7, 9))
    }

    @Test("a window with no days never opens")
    func noDays() {
        let never = TimeWindow(name: "never", days: [], start: .init(hour: 9, minute: 0), end: .init(hour: 10, minute: 0), minHours: 0, maxHours: 1)
        #expect(never.opening(at: local(2026, 3, 4, 9), in: Zones.utc) == nil)
        #expect(!never.isOpen(at: local(2026, 3, 4, 9), in: Zones.utc))
    }

    @Test("openings follow local time in New York: 23:00 each evening either side of the spring change")
    func newYorkStarts() throws {
        let saturday = try #require(Self.overnight.opening(at: local(2026, 3, 7, 12, in: Zones.newYork), in: Zones.newYork))
        #expect(wallClock(saturday.start, in: Zones.newYork) == [2026, 3, 7, 23, 0])
        #expect(saturday.start == local(2026, 3, 8, 4))  // 23:00 EST is 04:00 UTC

        let sunday = try #require(Self.overnight.opening(at: local(2026, 3, 8, 12, in: Zones.newYork), in: Zones.newYork))
        #expect(wallClock(sunday.start, in: Zones.newYork) == [2026, 3, 8, 23, 0])
        #expect(sunday.start == local(2026, 3, 9, 3))  // 23:00 EDT is 03:00 UTC
        #expect(sunday.start.timeIntervalSince(saturday.start) == 23 * 3600)

        // The weekend window on the Sunday of the change starts after it: 09:00–21:00 EDT.
        let weekend = try #require(Self.weekend.opening(at: local(2026, 3, 8, 3, in: Zones.newYork), in: Zones.newYork))
        #expect(wallClock(weekend.start, in: Zones.newYork) == [2026, 3, 8, 9, 0])
        #expect(wallClock(weekend.end, in: Zones.newYork) == [2026, 3, 8, 21, 0])
    }

    @Test(
        "an overnight opening across a daylight-saving change closes at 07:00 local time",
        arguments: [
            // Spring forward (7 real hours) and fall back (9 real hours).
            (local(2026, 3, 7, 22, in: Zones.newYork), [2026, 3, 8, 7, 0], 7.0),
            (local(2026, 10, 31, 22, in: Zones.newYork), [2026, 11, 1, 7, 0], 9.0),
        ] as [(Date, [Int], Double)]
    )
    func newYorkCloseAcrossChange(at: Date, close: [Int], hours: Double) throws {
        let opening = try #require(Self.overnight.opening(at: at, in: Zones.newYork))
        #expect(wallClock(opening.end, in: Zones.newYork) == close)
        #expect(opening.duration == hours * 3600)
        // Well before the close, the window is open either way.
        #expect(Self.overnight.isOpen(at: local(close[0], close[1], close[2], 5, 30, in: Zones.newYork), in: Zones.newYork))
    }

    @Test("after the spring change, 07:30 local is past the overnight window's 07:00 close")
    func newYorkClosedAfterSevenLocal() {
        #expect(!Self.overnight.isOpen(at: local(2026, 3, 8, 7, 30, in: Zones.newYork), in: Zones.newYork))
    }
}

@Suite("Weekday lists as operators write them")
struct WeekdaysTests {
    @Test("day lists, ranges, wrapping ranges and daily are read as Calendar weekdays (1 = Sunday)", arguments: [
        ("Mon-Fri", [2, 3, 4, 5, 6]),
        ("Sat,Sun", [1, 7]),
        ("Fri-Mon", [6, 7, 1, 2]),
        ("Sun-Sat", [1, 2, 3, 4, 5, 6, 7]),
        ("daily", [1, 2, 3, 4, 5, 6, 7]),
        ("Daily", [1, 2, 3, 4, 5, 6, 7]),
        ("every day", [1, 2, 3, 4, 5, 6, 7]),
        ("wed", [4]),
        ("Monday", [2]),
        ("Tuesday-Thursday", [3, 4, 5]),
        (" mon , wed ", [2, 4]),
        ("MON-WED,sat", [2, 3, 4, 7]),
        ("Sat-Sat", [7]),
    ] as [(String, [Int])])
    func parses(text: String, days: [Int]) {
        #expect(Weekdays.parse(text) == Set(days))
    }

    @Test("anything else is not a day list", arguments: ["", " ", ",", "Funday", "mo", "1-5", "Mon-Fri-Sun", "weekdays", "Mon-Xyz"])
    func rejects(text: String) {
        #expect(Weekdays.parse(text) == nil)
    }
}
