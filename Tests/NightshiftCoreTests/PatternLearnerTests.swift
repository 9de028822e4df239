import Foundation
import NightshiftCore
import NightshiftTesting
import Testing

/// Learning weekday and time-of-day routines from synthetic histories on a UTC clock.
@Suite("Pattern learner")
struct PatternLearnerTests {
    let learner = PatternLearner(timeZone: zone("UTC"))

    @Test("Eight Thursdays around 09:00 make a high-confidence Thursday pattern")
    func eightThursdays() throws {
        let patterns = learner.patterns(from: PatternHistory.thursdays(8), now: PatternHistory.dayAfterThursday(8))
        #expect(patterns.count == 1)
        let pattern = try #require(patterns.first)
        #expect(pattern.id == "nba_rankings.thu")
        #expect(pattern.name == "nba_rankings")
        #expect(pattern.kind == .dayOfWeek(weekday: 5))
        #expect(pattern.occurrences == 8)
        #expect(pattern.consistency == 1)
        #expect(pattern.confidence == 0.85)
        #expect(pattern.band == .high)
        #expect(pattern.typicalMinute == 540)
        #expect(pattern.description == "Thursdays around 09:00")
        #expect(pattern.firstSeen == instant("2026-01-01T08:40:00Z"))
        #expect(pattern.lastSeen == instant("2026-02-19T09:05:00Z"))
    }

    @Test("Fewer Thursdays give lower bands", arguments: [
        (2, 0.4, ConfidenceBand.low, 520),
        (3, 0.5, .medium, 540),
        (4, 0.6, .medium, 540),
        (5, 0.7, .high, 540),
        (6, 0.76, .high, 540),
    ])
    func fewerThursdays(count: Int, confidence: Double, band: ConfidenceBand, minute: Int) throws {
        let patterns = learner.patterns(from: PatternHistory.thursdays(count), now: PatternHistory.dayAfterThursday(count))
        let pattern = try #require(patterns.first)
        #expect(patterns.count == 1)
        #expect(pattern.kind == .dayOfWeek(weekday: 5))
        #expect(pattern.occurrences == count)
        #expect(pattern.confidence == confidence)
        #expect(pattern.band == band)
        // Two requests at 08:40 and 09:10 are equally central; the earlier wins.
        #expect(pattern.typicalMinute == minute)
    }

    @Test("Occurrence factor follows its documented table")
    func occurrenceFactor() {
        let factors = (0...10).map { PatternLearner.occurrenceFactor($0) }
        let rounded = factors.map { ($0 * 1000).rounded() / 1000 }
        #expect(rounded == [0, 0, 0.4, 0.5, 0.6, 0.7, 0.76, 0.808, 0.846, 0.877, 0.902])
    }

    @Test("Missed Thursdays lower the consistency")
    func missedThursdays() throws {
        // Six of eight Thursdays: the 3rd and 6th are missing.
        let events = PatternHistory.thursdays(8).enumerated().filter { ![2, 5].contains($0.offset) }.map(\.element)
        let pattern = try #require(learner.patterns(from: events, now: PatternHistory.dayAfterThursday(8)).first)
        #expect(pattern.occurrences == 6)
        #expect(pattern.consistency == 0.75)
        #expect(pattern.confidence == 0.57)  // 0.75 × 0.76
        #expect(pattern.band == .medium)
    }

    @Test("Thursdays at scattered times are only a low pattern")
    func scatteredThursdays() throws {
        let times = ["03:00", "09:00", "15:00", "21:00", "06:00", "12:00", "18:00", "00:30"]
        let events = times.enumerated().map {
            PatternEvent(name: "nba_rankings", at: PatternHistory.at("2026-01-01", plus: 7 * $0.offset, $0.element))
        }
        let pattern = try #require(learner.patterns(from: events, now: PatternHistory.dayAfterThursday(8)).first)
        #expect(pattern.kind == .dayOfWeek(weekday: 5))
        #expect(pattern.consistency == 0.56)  // (1 + 1/8) ÷ 2
        #expect(pattern.confidence == 0.47)   // 0.56 × 0.8464
        #expect(pattern.band == .low)
    }

    @Test("Events outside the lookback or after now do not count")
    func lookbackAndFuture() throws {
        // Two weeks after the eighth Thursday the lookback (56 days) holds only the last six, and
        // the two Thursdays since were missed.
        let later = PatternHistory.at("2026-03-06", "12:00")
        let faded = try #require(learner.patterns(from: PatternHistory.thursdays(8), now: later).first)
        #expect(faded.occurrences == 6)
        #expect(faded.consistency == 0.75)
        #expect(faded.firstSeen == instant("2026-01-15T09:00:00Z"))

        // Seen from before the fifth Thursday, only four have happened.
        let earlier = learner.patterns(from: PatternHistory.thursdays(8), now: PatternHistory.dayAfterThursday(4))
        #expect(earlier.first?.occurrences == 4)
        #expect(earlier.first?.band == .medium)
    }

    @Test("A daily 18:00 workout makes a high-confidence time-of-day pattern")
    func dailyWorkout() throws {
        let now = PatternHistory.at("2026-01-21", "20:00")
        let patterns = learner.patterns(from: PatternHistory.workouts(), now: now)
        #expect(patterns.count == 1)
        let pattern = try #require(patterns.first)
        #expect(pattern.id == "workout_log.1800")
        #expect(pattern.kind == .timeOfDay(minute: 1080))
        #expect(pattern.typicalMinute == 1080)
        #expect(pattern.occurrences == 21)
        #expect(pattern.consistency == 1)
        #expect(pattern.confidence == 0.99)
        #expect(pattern.band == .high)
        #expect(pattern.description == "every day around 18:00")
    }

    @Test("A workout on most days is still a high-confidence 18:00 pattern")
    func mostDaysWorkout() throws {
        let now = PatternHistory.at("2026-01-21", "20:00")
        let pattern = try #require(learner.patterns(from: PatternHistory.workouts(skipping: [2, 4, 7]), now: now).first)
        #expect(pattern.kind == .timeOfDay(minute: 1080))
        #expect(pattern.occurrences == 18)
        #expect(pattern.consistency == 0.86)  // 18 of 21 days
        #expect(pattern.confidence == 0.85)   // 0.86 × 0.9835
        #expect(pattern.band == .high)
    }

    @Test("A few workouts give a lower band", arguments: [(2, 0.4, ConfidenceBand.low), (3, 0.5, .medium)])
    func fewWorkouts(days: Int, confidence: Double, band: ConfidenceBand) throws {
        let events = [0, 10, -10].prefix(days).enumerated().map {
            PatternEvent(name: "workout_log", at: PatternHistory.at("2026-01-01", plus: $0.offset, "18:00", shifted: $0.element))
        }
        let now = PatternHistory.at("2026-01-01", plus: days - 1, "20:00")
        let patterns = learner.patterns(from: events, now: now)
        #expect(patterns.count == 1)
        #expect(patterns.first?.kind == .timeOfDay(minute: 1080))
        #expect(patterns.first?.confidence == confidence)
        #expect(patterns.first?.band == band)
    }

    @Test("One request is never a pattern, and two at scattered times are none either")
    func singleAndScattered() {
        let now = PatternHistory.at("2026-02-01", "12:00")
        let once = [PatternEvent(name: "once", at: PatternHistory.at("2026-01-29", "09:00"))]
        let scattered = [
            PatternEvent(name: "twice", at: PatternHistory.at("2026-01-05", "03:10")),
            PatternEvent(name: "twice", at: PatternHistory.at("2026-01-23", "15:40")),
        ]
        #expect(learner.patterns(from: once + scattered, now: now).isEmpty)
    }

    @Test("Random names at random times never reach the medium band", arguments: 1...50)
    func noise(seed: UInt64) {
        let now = PatternHistory.at("2026-03-01", "12:00")
        let patterns = learner.patterns(from: PatternHistory.noise(seed: seed, names: 12, before: now), now: now)
        #expect(patterns.allSatisfy { $0.band == .low }, "\(patterns.filter { $0.band != .low })")
    }

    @Test("A name every day at random times is not a weekday pattern")
    func dailyAtRandomTimes() {
        var generator = SeededGenerator(seed: 7)
        let events = (0..<56).map {
            PatternEvent(name: "chatter", at: PatternHistory.at("2026-01-01", plus: $0, "00:00",
                                                                shifted: Int.random(in: 0..<1440, using: &generator)))
        }
        let patterns = learner.patterns(from: events, now: PatternHistory.at("2026-02-25", "23:59"))
        #expect(!patterns.contains { if case .dayOfWeek = $0.kind { true } else { false } })
        #expect(patterns.allSatisfy { $0.band == .low })
    }

    @Test("Routines stand out from noise, sorted by confidence")
    func routinesAmongNoise() {
        let now = PatternHistory.dayAfterThursday(8)  // 2026-02-20 12:00
        let workouts = (0..<21).map {
            PatternEvent(name: "workout_log", at: PatternHistory.at("2026-01-30", plus: $0, "18:00", shifted: $0 % 2 == 0 ? 10 : -10))
        }
        let events = PatternHistory.thursdays(8) + workouts + PatternHistory.noise(seed: 42, names: 10, before: now)
        let strong = learner.patterns(from: events, now: now).filter { $0.band != .low }
        #expect(strong.map(\.id) == ["workout_log.1810", "nba_rankings.thu"])
        #expect(strong.map(\.confidence) == [0.99, 0.85])
    }

    @Test("Pattern kinds encode with a stable JSON shape")
    func kindJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let weekday = String(decoding: try encoder.encode(PatternKind.dayOfWeek(weekday: 5)), as: UTF8.self)
        let daily = String(decoding: try encoder.encode(PatternKind.timeOfDay(minute: 1080)), as: UTF8.self)
        #expect(weekday == #"{"kind":"day_of_week","weekday":5}"#)
        #expect(daily == #"{"kind":"time_of_day","minute":1080}"#)
        #expect(try JSONDecoder().decode(PatternKind.self, from: Data(weekday.utf8)) == .dayOfWeek(weekday: 5))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(PatternKind.self, from: Data(#"{"kind":"monthly"}"#.utf8))
        }
        let pattern = PatternHistory.pattern("nba_rankings", .dayOfWeek(weekday: 5), minute: 540, confidence: 0.85)
        #expect(try JSONDecoder().decode(Pattern.self, from: encoder.encode(pattern)) == pattern)
    }
}
