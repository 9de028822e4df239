import Foundation
import NightshiftCore
import Testing

@Suite("Context routine: weekly spans")
struct ContextRoutineTests {
    @Test("spans with and without days, lists, ranges and a midnight crossing")
    func parsing() throws {
        let night = try RoutineSpan(parsing: "23:00-07:00")
        #expect(night.weekdays == Set(0...6))
        #expect(night.startMinute == 23 * 60 && night.endMinute == 7 * 60)
        #expect(night.crossesMidnight)

        let gym = try RoutineSpan(parsing: "Mon,Wed,Fri 06:00-07:30")
        #expect(gym.weekdays == [1, 3, 5])
        #expect(!gym.crossesMidnight)

        #expect(try RoutineSpan(parsing: "Mon-Fri 09:00-17:00").weekdays == [1, 2, 3, 4, 5])
        #expect(try RoutineSpan(parsing: "Fri-Mon 22:00-02:00").weekdays == [5, 6, 0, 1])
        #expect(try RoutineSpan(parsing: "Mon-Wed,Sat 9:00-12:00").weekdays == [1, 2, 3, 6])
        #expect(try RoutineSpan(parsing: "saturday  00:00-24:00").endMinute == 1440)
        #expect(try RoutineSpan(parsing: "Mon - Fri 09:00-17:00").weekdays == [1, 2, 3, 4, 5])
        #expect(try RoutineSpan(parsing: "22:00-00:00").crossesMidnight)
    }

    static let mistakes: [(String, String)] = [
        ("", #""": is empty; write a span such as "23:00-07:00" or "Mon-Fri 09:00-17:00""#),
        ("Mon-Fry 09:00-17:00",
         #""Mon-Fry 09:00-17:00": "Fry" is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun, a list (Mon,Wed) or a range (Mon-Fri)"#),
        ("Mon,,Fri 09:00-10:00",
         #""Mon,,Fri 09:00-10:00": "" is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun, a list (Mon,Wed) or a range (Mon-Fri)"#),
        ("Mon-Wed-Fri 09:00-10:00", #""Mon-Wed-Fri 09:00-10:00": "Mon-Wed-Fri" is not a day range; write two days, e.g. Mon-Fri"#),
        ("Mon 9-17", #""Mon 9-17": "9-17" is not a time span; write HH:MM-HH:MM, e.g. 09:00-17:00"#),
        ("Mon 09:00", #""Mon 09:00": "09:00" is not a time span; write HH:MM-HH:MM, e.g. 09:00-17:00"#),
        ("25:00-07:00", #""25:00-07:00": "25:00" is not a time from 00:00 to 23:59"#),
        ("23:00-24:30", #""23:00-24:30": "24:30" is not a time from 00:00 to 24:00"#),
        ("07:00-07:00", #""07:00-07:00": is empty because it starts where it ends; use 00:00-24:00 for a whole day"#),
    ]

    @Test("each mistake names the value", arguments: mistakes)
    func mistake(_ text: String, _ expected: String) {
        do {
            _ = try RoutineSpan(parsing: text)
            Issue.record("\"\(text)\" must be refused")
        } catch {
            #expect(error.description == expected)
            #expect(error.value == text)
        }
    }

    @Test("a routine keeps its entries in declaration order")
    func entries() throws {
        let routine = try ContextRoutine([.sleeping: ["23:00-07:00"], .gym: ["Mon 06:00-07:00", "Tue 17:00-18:00"]])
        #expect(routine.entries.map(\.context) == [.sleeping, .gym, .gym])
        #expect(routine.entries.map(\.description) == [#"sleeping "23:00-07:00""#, #"gym "Mon 06:00-07:00""#, #"gym "Tue 17:00-18:00""#])
        #expect(throws: RoutineError.self) { try ContextRoutine([.work: ["9-5"]]) }
    }

    @Test("a night crossing midnight lasts into the next day, nine hours across the fall-back")
    func midnightAcrossFallBack() throws {
        // Europe/Berlin 2026-10-25: 03:00 CEST (UTC+2) becomes 02:00 CET (UTC+1).
        let routine = try ContextRoutine([.sleeping: ["Sat 23:00-07:00"]])
        let detector = ContextDetector(settings: ContextSettings(routine: routine), timeZone: zone("Europe/Berlin"))
        let spans = detector.upcoming(from: instant("2026-10-24T12:00:00Z"), hours: 36, override: nil, events: [])
        let night = try #require(spans.first { $0.context == .sleeping })
        #expect(night.start == instant("2026-10-24T21:00:00Z"))
        #expect(night.end == instant("2026-10-25T06:00:00Z"))
        #expect(night.source == .routine(span: "Sat 23:00-07:00"))
    }
}
