import Foundation
import NightshiftCore
import NightshiftTesting

/// Synthetic request histories for the pattern learner, on a UTC clock unless an offset is given.
enum PatternHistory {
    /// The instant at `time` (`HH:MM`) UTC on `day` (`YYYY-MM-DD`) plus `days` days, shifted by
    /// `minutes` minutes.
    static func at(_ day: String, plus days: Int = 0, _ time: String, shifted minutes: Int = 0) -> Date {
        let date = CalendarDay(day)!.adding(days: days).description
        return instant("\(date)T\(time):00Z").addingTimeInterval(TimeInterval(minutes * 60))
    }

    /// Minutes a routine's requests arrive early (negative) or late; the median is 0.
    static let weeklyJitter = [-20, 10, 0, 15, -5, 20, -10, 5]

    /// `count` Thursdays of `nba_rankings` from 2026-01-01 around 09:00.
    static func thursdays(_ count: Int) -> [PatternEvent] {
        (0..<count).map {
            PatternEvent(name: "nba_rankings", at: at("2026-01-01", plus: 7 * $0, "09:00", shifted: weeklyJitter[$0 % 8]))
        }
    }

    /// Noon on the day after the last of `count` Thursdays from 2026-01-01.
    static func dayAfterThursday(_ count: Int) -> Date {
        at("2026-01-01", plus: 7 * (count - 1) + 1, "12:00")
    }

    /// `workout_log` around 18:00 on 21 days from 2026-01-01, except the `skipping` day indices.
    static func workouts(skipping: Set<Int> = []) -> [PatternEvent] {
        let jitter = [-15, -5, 0, 10, 15, 5, -10]
        return (0..<21).filter { !skipping.contains($0) }.map {
            PatternEvent(name: "workout_log", at: at("2026-01-01", plus: $0, "18:00", shifted: jitter[$0 % 7]))
        }
    }

    /// `names` names, each at 1–10 random instants in the 56 days before `now`.
    static func noise(seed: UInt64, names: Int, before now: Date) -> [PatternEvent] {
        var generator = SeededGenerator(seed: seed)
        var events: [PatternEvent] = []
        for index in 0..<names {
            for _ in 0..<Int.random(in: 1...10, using: &generator) {
                let back = TimeInterval(Int.random(in: 0..<(56 * 86_400), using: &generator))
                events.append(PatternEvent(name: "noise_\(index)", at: now.addingTimeInterval(-back)))
            }
        }
        return events
    }

    /// A pattern built by hand, for prediction and schedule tests.
    static func pattern(
        _ name: String, _ kind: PatternKind, minute: Int, confidence: Double, occurrences: Int = 8
    ) -> Pattern {
        Pattern(
            name: name, kind: kind, occurrences: occurrences, consistency: 1, confidence: confidence,
            typicalMinute: minute, firstSeen: instant("2026-01-01T00:00:00Z"), lastSeen: instant("2026-02-19T00:00:00Z"))
    }
}
