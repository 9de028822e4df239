import Foundation
import NightshiftCore
import Testing

/// The workspace is in Europe/Berlin, UTC+1 in late November; 2026-11-23 is a Monday. Times in the
/// names are Berlin times, the instants UTC.
@Suite("Context detection: override, calendar, routine, unknown")
struct ContextDetectorTests {
    static func detector(limits: [OperatorContext: Int] = [:]) throws -> ContextDetector {
        let routine = try ContextRoutine([
            .sleeping: ["23:00-07:00"],
            .gym: ["Mon,Wed,Fri 06:00-07:30"],
            .work: ["Mon-Fri 09:00-17:00"],
        ])
        let settings = ContextSettings(routine: routine, map: [ContextMapping("Focus", .work), ContextMapping("run", .gym)], limits: limits)
        return ContextDetector(settings: settings, timeZone: zone("Europe/Berlin"))
    }

    static func event(_ summary: String, _ start: String, _ end: String, categories: [String] = []) -> EventOccurrence {
        EventOccurrence(start: instant(start), end: instant(end), summary: summary, categories: categories)
    }

    /// Monday 10:00-11:00 Berlin.
    static let run = event("Morning Run", "2026-11-23T09:00:00Z", "2026-11-23T10:00:00Z")

    @Test("the routine: latest started span wins, and the reading says until when")
    func routine() throws {
        let detector = try Self.detector()
        let night = detector.detect(at: instant("2026-11-23T02:00:00Z"), override: nil, events: [])
        #expect(night.context == .sleeping)
        #expect(night.source == .routine(span: "23:00-07:00"))
        #expect(night.until == instant("2026-11-23T05:00:00Z"))  // the gym at 06:00 takes over

        let gym = detector.detect(at: instant("2026-11-23T05:30:00Z"), override: nil, events: [])
        #expect(gym.context == .gym)
        #expect(gym.until == instant("2026-11-23T06:30:00Z"))

        let tuesdayMorning = detector.detect(at: instant("2026-11-24T05:30:00Z"), override: nil, events: [])
        #expect(tuesdayMorning.context == .sleeping)
        #expect(tuesdayMorning.until == instant("2026-11-24T06:00:00Z"))

        let work = detector.detect(at: instant("2026-11-23T09:30:00Z"), override: nil, events: [])
        #expect(work.context == .work && work.until == instant("2026-11-23T16:00:00Z"))
    }

    @Test("outside every span the context is unknown, from the default")
    func unknownBetweenSpans() throws {
        let reading = try Self.detector().detect(at: instant("2026-11-23T07:00:00Z"), override: nil, events: [])
        #expect(reading.context == .unknown)
        #expect(reading.source == .default)
        #expect(reading.until == instant("2026-11-23T08:00:00Z"))
        #expect(reading.profile == ContextProfile(intensity: .conservative, maxConcurrentBuilds: 1, lowRiskOnly: true))
    }

    @Test("with nothing declared the context is unknown for good")
    func nothingDeclared() {
        let detector = ContextDetector(settings: ContextSettings(), timeZone: zone("UTC"))
        let reading = detector.detect(at: instant("2026-11-23T12:00:00Z"), override: nil, events: [])
        #expect(reading.context == .unknown && reading.source == .default && reading.until == nil)
    }

    @Test("a mapped calendar event beats the routine; unmapped events change nothing")
    func calendarBeatsRoutine() throws {
        let detector = try Self.detector()
        let dinner = Self.event("Dinner with Ana", "2026-11-23T09:00:00Z", "2026-11-23T10:00:00Z")
        let reading = detector.detect(at: instant("2026-11-23T09:15:00Z"), override: nil, events: [dinner, Self.run])
        #expect(reading.context == .gym)
        #expect(reading.source == .calendar(title: "Morning Run"))
        #expect(reading.until == instant("2026-11-23T10:00:00Z"))
        let unmapped = detector.detect(at: instant("2026-11-23T09:15:00Z"), override: nil, events: [dinner])
        #expect(unmapped.context == .work && unmapped.source == .routine(span: "Mon-Fri 09:00-17:00"))
    }

    @Test("context names match a title word or a category without a mapping")
    func contextNames() throws {
        let detector = try Self.detector()
        let at = instant("2026-11-23T13:30:00Z")
        let cases: [(EventOccurrence, OperatorContext?)] = [
            (Self.event("Sleeping", "2026-11-23T13:00:00Z", "2026-11-23T14:00:00Z"), .sleeping),
            (Self.event("Gym session", "2026-11-23T13:00:00Z", "2026-11-23T14:00:00Z"), .gym),
            (Self.event("Leg day", "2026-11-23T13:00:00Z", "2026-11-23T14:00:00Z", categories: ["GYM"]), .gym),
            (Self.event("Deep focus", "2026-11-23T13:00:00Z", "2026-11-23T14:00:00Z"), .work),
            (Self.event("Workshop on networks", "2026-11-23T13:00:00Z", "2026-11-23T14:00:00Z"), nil),
            (Self.event("Unknown caller", "2026-11-23T13:00:00Z", "2026-11-23T14:00:00Z"), nil),
        ]
        for (event, expected) in cases {
            let reading = detector.detect(at: at, override: nil, events: [event])
            if let expected {
                #expect(reading.context == expected && reading.source == .calendar(title: event.summary), "\(event.summary)")
            } else {
                #expect(reading.source == .routine(span: "Mon-Fri 09:00-17:00"), "\(event.summary)")
            }
        }
    }

    @Test("an active override beats the calendar; an expired one is ignored")
    func overridePrecedence() throws {
        let detector = try Self.detector()
        let now = instant("2026-11-23T09:15:00Z")
        let active = ContextOverride(context: .available, setAt: instant("2026-11-23T09:00:00Z"), until: instant("2026-11-23T09:30:00Z"))
        let reading = detector.detect(at: now, override: active, events: [Self.run])
        #expect(reading.context == .available)
        #expect(reading.source == .override(until: instant("2026-11-23T09:30:00Z")))
        #expect(reading.until == instant("2026-11-23T09:30:00Z"))
        #expect(reading.profile.intensity == .responsive)

        let expired = ContextOverride(context: .available, setAt: instant("2026-11-23T08:00:00Z"), until: instant("2026-11-23T09:10:00Z"))
        #expect(detector.detect(at: now, override: expired, events: [Self.run]).source == .calendar(title: "Morning Run"))

        let forGood = ContextOverride(context: .sleeping, setAt: instant("2026-11-23T09:00:00Z"))
        let asleep = detector.detect(at: now, override: forGood, events: [Self.run])
        #expect(asleep.context == .sleeping && asleep.until == nil && asleep.source == .override(until: nil))
    }

    @Test("limits from [context.limits] replace the default profile's")
    func limits() throws {
        let detector = try Self.detector(limits: [.sleeping: 5])
        let reading = detector.detect(at: instant("2026-11-23T02:00:00Z"), override: nil, events: [])
        #expect(reading.profile == ContextProfile(intensity: .maximum, maxConcurrentBuilds: 5, lowRiskOnly: false))
        #expect(OperatorContext.allCases.map(\.defaultMaxConcurrentBuilds) == [3, 2, 1, 1, 1])
        #expect(OperatorContext.allCases.map(\.intensity.rawValue) == ["maximum", "steady", "light", "responsive", "conservative"])
        #expect(OperatorContext.allCases.filter(\.lowRiskOnly) == [.unknown])
    }

    @Test("upcoming lists each change once, merging adjacent spans of the same context")
    func upcoming() throws {
        let focus = Self.event("Focus", "2026-11-23T15:00:00Z", "2026-11-23T17:00:00Z")
        let spans = try Self.detector().upcoming(from: instant("2026-11-22T23:00:00Z"), hours: 24, override: nil, events: [Self.run, focus])
        let rows = spans.map { "\($0.context) \(Self.clock($0.start, $0.end))" }
        #expect(rows == [
            "sleeping 23:00-05:00",
            "gym 05:00-06:30",
            "unknown 06:30-08:00",
            "work 08:00-09:00",
            "gym 09:00-10:00",
            "work 10:00-17:00",
            "unknown 17:00-22:00",
            "sleeping 22:00-23:00",
        ])
        #expect(spans[4].source == .calendar(title: "Morning Run"))
        #expect(spans[5].source == .routine(span: "Mon-Fri 09:00-17:00"))
        #expect(try Self.detector().upcoming(from: instant("2026-11-23T00:00:00Z"), hours: 0, override: nil, events: []).isEmpty)
    }

    @Test("an override ending within the window shows as its own span")
    func upcomingWithOverride() throws {
        let override = ContextOverride(context: .work, setAt: instant("2026-11-23T01:00:00Z"), until: instant("2026-11-23T03:00:00Z"))
        let spans = try Self.detector().upcoming(from: instant("2026-11-23T02:00:00Z"), hours: 2, override: override, events: [])
        #expect(spans.map(\.context) == [.work, .sleeping])
        #expect(spans.map(\.end) == [instant("2026-11-23T03:00:00Z"), instant("2026-11-23T04:00:00Z")])
    }

    @Test("an override is Codable")
    func overrideCodable() throws {
        let override = ContextOverride(context: .gym, setAt: instant("2026-11-23T05:00:00Z"), until: instant("2026-11-23T07:00:00Z"))
        let decoded = try JSONDecoder().decode(ContextOverride.self, from: JSONEncoder().encode(override))
        #expect(decoded == override)
    }

    /// `HH:MM-HH:MM` in UTC.
    private static func clock(_ start: Date, _ end: Date) -> String {
        let formatter = DateFormatter()
        formatter.timeZone = zone("UTC")
        formatter.dateFormat = "HH:mm"
        return formatter.string(from: start) + "-" + formatter.string(from: end)
    }
}
