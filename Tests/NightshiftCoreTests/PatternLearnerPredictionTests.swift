import Foundation
import NightshiftCore
import Testing

/// Predictions, pre-build suggestions and cron schedules from learned patterns.
@Suite("Pattern learner predictions")
struct PatternLearnerPredictionTests {
    let learner = PatternLearner(timeZone: zone("UTC"))

    /// Thursday 09:00 (0.85), daily 18:00 (0.75), Thursday 20:00 (0.6) and daily 10:00 (0.4).
    let patterns = [
        PatternHistory.pattern("nba_rankings", .dayOfWeek(weekday: 5), minute: 540, confidence: 0.85),
        PatternHistory.pattern("workout_log", .timeOfDay(minute: 1080), minute: 1080, confidence: 0.75),
        PatternHistory.pattern("weekly_review", .dayOfWeek(weekday: 5), minute: 1200, confidence: 0.6),
        PatternHistory.pattern("stray", .timeOfDay(minute: 600), minute: 600, confidence: 0.4),
    ]

    /// Thursday 2026-02-26 at `time` UTC.
    func thursday(_ time: String) -> Date { instant("2026-02-26T\(time):00Z") }

    @Test("Predictions are the next occurrences within the horizon, soonest first")
    func predictions() {
        let next = learner.predictions(patterns, from: thursday("05:00"))
        #expect(next.map(\.pattern.id) == ["nba_rankings.thu", "stray.1000", "workout_log.1800", "weekly_review.thu"])
        #expect(next.map(\.expectedAt) == [thursday("09:00"), thursday("10:00"), thursday("18:00"), thursday("20:00")])

        // The horizon's end is included; nothing is expected within two hours.
        #expect(learner.predictions(patterns, from: thursday("05:00"), within: 4 * 3_600).map(\.pattern.id) == ["nba_rankings.thu"])
        #expect(learner.predictions(patterns, from: thursday("05:00"), within: 2 * 3_600).isEmpty)
    }

    @Test("Once a time has passed today, the next one is tomorrow or next week")
    func predictionsAfterToday() {
        let next = learner.predictions(patterns, from: thursday("21:00"), within: 8 * 86_400)
        #expect(next.map(\.pattern.id) == ["stray.1000", "workout_log.1800", "nba_rankings.thu", "weekly_review.thu"])
        #expect(next.map(\.expectedAt) == [
            instant("2026-02-27T10:00:00Z"), instant("2026-02-27T18:00:00Z"),
            instant("2026-03-05T09:00:00Z"), instant("2026-03-05T20:00:00Z"),
        ])
    }

    @Test("Pre-builds start three hours ahead, only for medium and high patterns")
    func suggestionsThreeHoursAhead() {
        let suggestions = learner.suggestions(patterns, from: thursday("05:00"))
        #expect(suggestions.map(\.pattern.id) == ["nba_rankings.thu", "workout_log.1800", "weekly_review.thu"])
        #expect(suggestions.map(\.prebuildAt) == [thursday("06:00"), thursday("15:00"), thursday("17:00")])
        #expect(suggestions.map(\.expectedAt) == [thursday("09:00"), thursday("18:00"), thursday("20:00")])
        #expect(suggestions.map(\.lead) == [10_800, 10_800, 10_800])
        #expect(suggestions.map(\.autoExecute) == [true, false, false])
    }

    @Test("Between three and two hours ahead the pre-build starts now; later it is skipped")
    func lateSuggestions() {
        let halfPast = learner.suggestions(patterns, from: thursday("06:30"))
        #expect(halfPast.first?.pattern.id == "nba_rankings.thu")
        #expect(halfPast.first?.prebuildAt == thursday("06:30"))
        #expect(halfPast.first?.lead == 9_000)

        let twoHoursAhead = learner.suggestions(patterns, from: thursday("07:00"))
        #expect(twoHoursAhead.first?.prebuildAt == thursday("07:00"))

        let tooLate = learner.suggestions(patterns, from: thursday("07:30"))
        #expect(tooLate.map(\.pattern.id) == ["workout_log.1800", "weekly_review.thu"])
    }

    @Test("Auto-execution starts at confidence 0.8", arguments: [(0.79, false), (0.8, true), (0.95, true)])
    func autoExecuteThreshold(confidence: Double, expected: Bool) {
        let pattern = PatternHistory.pattern("nba_rankings", .dayOfWeek(weekday: 5), minute: 540, confidence: confidence)
        #expect(learner.suggestions([pattern], from: thursday("05:00")).map(\.autoExecute) == [expected])
    }

    @Test("Schedules fire three hours ahead, on the previous weekday across midnight", arguments: [
        (PatternKind.dayOfWeek(weekday: 5), 540, "0 6 * * 4"),
        (.dayOfWeek(weekday: 5), 90, "30 22 * * 3"),
        (.dayOfWeek(weekday: 1), 120, "0 23 * * 6"),
        (.dayOfWeek(weekday: 7), 180, "0 0 * * 6"),
        (.timeOfDay(minute: 1080), 1080, "0 15 * * *"),
        (.timeOfDay(minute: 60), 60, "0 22 * * *"),
    ])
    func schedules(kind: PatternKind, minute: Int, cron: String) {
        let pattern = PatternHistory.pattern("routine", kind, minute: minute, confidence: 0.75)
        #expect(learner.schedule(for: pattern)?.source == cron)
    }

    @Test("The Thursday schedule fires on Thursdays at 06:00, and only high patterns get one")
    func scheduleFires() throws {
        let schedule = try #require(learner.schedule(for: patterns[0]))
        #expect(schedule.nextFire(after: thursday("05:00"), in: zone("UTC")) == thursday("06:00"))
        #expect(schedule.nextFire(after: thursday("06:00"), in: zone("UTC")) == instant("2026-03-05T06:00:00Z"))
        #expect(learner.schedule(for: patterns[2]) == nil)
        #expect(learner.schedule(for: patterns[3]) == nil)
    }

    @Test("Days and times follow New York's clock across the daylight-saving change")
    func daylightSaving() throws {
        let newYork = PatternLearner(timeZone: zone("America/New_York"))
        // Eight Thursdays at 09:00 and Wednesdays at 21:30 local; DST starts on 2026-03-08.
        var events: [PatternEvent] = []
        for week in 0..<8 {
            let thursday = CalendarDay("2026-02-05")!.adding(days: 7 * week)
            let wednesday = thursday.adding(days: -1)
            let offset = thursday < CalendarDay("2026-03-08")! ? "-05:00" : "-04:00"
            events.append(PatternEvent(name: "nba_rankings", at: instant("\(thursday)T09:00:00\(offset)")))
            events.append(PatternEvent(name: "recap", at: instant("\(wednesday)T21:30:00\(offset)")))
        }
        let patterns = newYork.patterns(from: events, now: instant("2026-03-27T12:00:00-04:00"))
        #expect(patterns.map(\.id) == ["nba_rankings.thu", "recap.wed"])
        #expect(patterns.map(\.kind) == [.dayOfWeek(weekday: 5), .dayOfWeek(weekday: 4)])
        #expect(patterns.map(\.typicalMinute) == [540, 1290])
        #expect(patterns.map(\.confidence) == [0.85, 0.85])
        #expect(patterns.map(\.description) == ["Thursdays around 09:00", "Wednesdays around 21:30"])

        // From the Friday before the change, the next ones are on summer time.
        let before = instant("2026-03-06T12:00:00-05:00")
        let next = newYork.predictions(patterns, from: before, within: 7 * 86_400)
        #expect(next.map(\.expectedAt) == [instant("2026-03-12T01:30:00Z"), instant("2026-03-12T13:00:00Z")])
        let suggestions = newYork.suggestions(patterns, from: before, within: 7 * 86_400)
        #expect(suggestions.map(\.prebuildAt) == [instant("2026-03-11T22:30:00Z"), instant("2026-03-12T10:00:00Z")])
        #expect(newYork.schedule(for: patterns[1])?.source == "30 18 * * 3")

        // 02:30 does not exist on 2026-03-08 in New York: the prediction moves to 03:00.
        let gap = PatternHistory.pattern("night", .timeOfDay(minute: 150), minute: 150, confidence: 0.75)
        let inGap = newYork.predictions([gap], from: instant("2026-03-07T12:00:00-05:00"))
        #expect(inGap.map(\.expectedAt) == [instant("2026-03-08T03:00:00-04:00")])
    }
}
