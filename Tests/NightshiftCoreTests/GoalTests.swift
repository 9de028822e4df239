import Foundation
import NightshiftCore
import Testing

/// Goals as pure values: validation, the period in days, on-track boundaries, completion, missed
/// goals and suggestions. Every instant is fixed; nothing reads the clock.
@Suite("Goal")
struct GoalTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let newYork = TimeZone(identifier: "America/New_York")!

    static func day(_ text: String) -> CalendarDay { CalendarDay(text)! }

    /// `2026-01-DDTHH:MM:SSZ` and friends.
    static func at(_ text: String) -> Date { ISO8601.parse(text)! }

    /// 10 `meetings_booked` over 2026-01-01 … 2026-01-10 in UTC (10 days), created before the start.
    static func goal(
        metric: String = "meetings_booked", kind: GoalKind? = nil, target: Double = 10, current: Double = 0,
        start: String = "2026-01-01", end: String = "2026-01-10", zone: TimeZone = utc
    ) throws(GoalError) -> Goal {
        var goal = try Goal.create(
            name: "january", metric: metric, kind: kind, target: target, start: day(start), end: day(end),
            timeZone: zone, at: at("2025-12-31T12:00:00Z")
        )
        goal.current = current
        return goal
    }

    // MARK: Validation

    @Test("a valid goal starts active at 0 with its kind inferred from the metric")
    func createsActiveGoal() throws {
        let goal = try Self.goal()
        #expect(goal.status == .active)
        #expect(goal.current == 0)
        #expect(goal.kind == .activity)
        #expect(goal.createdAt == goal.updatedAt)
        #expect(goal.completedAt == nil)
        #expect(goal.totalDays == 10)
        #expect(try Self.goal(kind: .revenue).kind == .revenue, "an explicit kind wins over inference")
    }

    @Test("the target must be a finite number above 0", arguments: [0, -1, .nan, .infinity, -.infinity] as [Double])
    func targetMustBePositive(_ target: Double) throws {
        do {
            _ = try Self.goal(target: target)
            Issue.record("target \(target) was accepted")
        } catch {
            #expect(error.field == "target")
            #expect(error.message.hasPrefix("must be a number greater than 0"), "\(error)")
        }
    }

    @Test("the end must be after the start", arguments: [("2026-01-10", "2026-01-10"), ("2026-01-10", "2026-01-09"), ("2026-02-01", "2025-02-01")])
    func endAfterStart(_ days: (String, String)) throws {
        do {
            _ = try Self.goal(start: days.0, end: days.1)
            Issue.record("\(days) was accepted")
        } catch {
            #expect(error.field == "end")
            #expect(error.description == "end: must be after the start \(days.0) (got \(days.1))")
        }
    }

    @Test("a one-day-apart period is the shortest accepted: two days long")
    func shortestPeriod() throws {
        #expect(try Self.goal(start: "2026-01-01", end: "2026-01-02").totalDays == 2)
    }

    @Test("names and metrics must be non-empty, unpadded, single-line labels")
    func labels() throws {
        for (name, metric, field) in [("", "m", "name"), (" x", "m", "name"), ("x\ny", "m", "name"), ("x", "", "metric"), ("x", "m\t", "metric")] {
            do {
                _ = try Goal.create(name: name, metric: metric, target: 1, start: Self.day("2026-01-01"), end: Self.day("2026-01-02"), timeZone: Self.utc, at: Self.at("2026-01-01T00:00:00Z"))
                Issue.record("\(name.debugDescription) / \(metric.debugDescription) was accepted")
            } catch {
                #expect(error.field == field, "\(name.debugDescription) / \(metric.debugDescription): \(error)")
            }
        }
        let spaced = try Goal.create(name: "Q1 pipeline", metric: "pipeline value", target: 1, start: Self.day("2026-01-01"), end: Self.day("2026-01-02"), timeZone: Self.utc, at: Self.at("2026-01-01T00:00:00Z"))
        #expect(spaced.name == "Q1 pipeline")
    }

    @Test("a progress value must be finite")
    func checkValue() throws {
        try Goal.checkValue(12.5)
        try Goal.checkValue(-3)
        #expect(throws: GoalError.invalidValue("must be a finite number (got nan)")) { try Goal.checkValue(.nan) }
    }

    @Test("a negative progress value is refused for goals that count things, and accepted for scores, money and other metrics")
    func negativeProgress() throws {
        func goal(_ metric: String) throws -> Goal {
            try Goal.create(name: metric, metric: metric, target: 10, start: Self.day("2026-01-01"), end: Self.day("2026-01-31"), timeZone: Self.utc, at: Self.at("2026-01-01T00:00:00Z"))
        }
        for metric in ["meetings_booked", "leads_sourced"] {
            let counting = try goal(metric)
            #expect(!counting.kind.allowsNegativeValues)
            #expect(throws: GoalError.invalidValue("must be 0 or more: \(counting.kind) goals count things (got -2)")) { try counting.checkProgress(-2) }
            try counting.checkProgress(0)
        }
        for metric in ["nps_score", "net_revenue", "temperature"] {
            try goal(metric).checkProgress(-2.5)
        }
        #expect(throws: GoalError.self) { try goal("nps_score").checkProgress(.infinity) }
    }

    // MARK: Days

    @Test("days parse only as YYYY-MM-DD and only when they exist")
    func calendarDays() {
        #expect(CalendarDay("2024-02-29")?.description == "2024-02-29")
        for text in ["2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "2026/01/01", "2026-01-01T00:00", "", "0000-01-01"] {
            #expect(CalendarDay(text) == nil, "\(text)")
        }
        #expect(Self.day("2026-01-31").adding(days: 1) == Self.day("2026-02-01"))
        #expect(Self.day("2026-01-31") < Self.day("2026-02-01"))
        #expect(CalendarDay(Self.at("2026-03-01T03:00:00Z"), in: Self.newYork) == Self.day("2026-02-28"))
    }

    @Test("a period runs from the start's 00:00 to the end's 24:00 in the goal's zone, daylight-saving changes included")
    func periodInZone() throws {
        // 2026-03-08 is 23 hours long in New York.
        let goal = try Self.goal(start: "2026-03-01", end: "2026-03-31", zone: Self.newYork)
        #expect(goal.totalDays == 31)
        #expect(goal.period.start == Self.at("2026-03-01T00:00:00-05:00"))
        #expect(goal.period.end == Self.at("2026-04-01T00:00:00-04:00"))
        #expect(goal.period.duration == 31 * 86_400 - 3_600)
        // The short day counts as one whole day: at its end, 8 of 31 days are gone.
        let report = goal.evaluate(at: Self.at("2026-03-09T00:00:00-04:00"))
        #expect(report.elapsedDays == 8)
        // Half of the short day is 11.5 hours.
        #expect(goal.evaluate(at: Self.at("2026-03-08T12:30:00-04:00")).elapsedDays == 7.5)
    }

    // MARK: On track

    @Test("expected is the share of days gone: 0 before the start, 1 at the end")
    func expectedShare() throws {
        let goal = try Self.goal()
        let before = goal.evaluate(at: Self.at("2025-12-31T23:59:59Z"))
        #expect(before.expected == 0)
        #expect(before.daysLeft == 10)
        #expect(before.onTrack, "nothing is expected before the start")
        let start = goal.evaluate(at: Self.at("2026-01-01T00:00:00Z"))
        #expect(start.expected == 0)
        let half = goal.evaluate(at: Self.at("2026-01-06T00:00:00Z"))
        #expect(half.expected == 0.5)
        #expect(half.elapsedDays == 5)
        #expect(half.daysLeft == 5)
        #expect(half.totalDays == 10)
        let quarterDay = goal.evaluate(at: Self.at("2026-01-03T06:00:00Z"))
        #expect(quarterDay.elapsedDays == 2.25)
        #expect(quarterDay.daysLeft == 7.75)
    }

    @Test("on track when current / target >= elapsed / total; equality counts as on track")
    func onTrackBoundary() throws {
        let half = Self.at("2026-01-06T00:00:00Z")
        let exactly = try Self.goal(current: 5).evaluate(at: half)
        #expect(exactly.pace == 0.5)
        #expect(exactly.expected == 0.5)
        #expect(exactly.onTrack)
        #expect(!exactly.isBehind)
        let below = try Self.goal(current: 4.999).evaluate(at: half)
        #expect(!below.onTrack)
        #expect(below.isBehind)
        #expect(below.status == .active)
        let ahead = try Self.goal(current: 9).evaluate(at: half)
        #expect(ahead.onTrack)
        #expect(ahead.pace == 0.9)
        // One second into the period, 0 is already behind.
        #expect(try Self.goal().evaluate(at: Self.at("2026-01-01T00:00:01Z")).isBehind)
    }

    // MARK: Completion and missed

    @Test("reaching the target completes the goal, and it stays completed")
    func autoComplete() throws {
        let goal = try Self.goal()
        let partial = goal.recording(9.5, at: Self.at("2026-01-03T00:00:00Z"))
        #expect(partial.status == .active)
        #expect(partial.current == 9.5)
        #expect(partial.updatedAt == Self.at("2026-01-03T00:00:00Z"))
        let done = partial.recording(10, at: Self.at("2026-01-04T00:00:00Z"))
        #expect(done.status == .completed)
        #expect(done.completedAt == Self.at("2026-01-04T00:00:00Z"))
        let beyond = done.recording(12, at: Self.at("2026-01-05T00:00:00Z"))
        #expect(beyond.completedAt == Self.at("2026-01-04T00:00:00Z"), "the first completion is kept")
        let lower = beyond.recording(3, at: Self.at("2026-01-06T00:00:00Z"))
        #expect(lower.status == .completed)
        #expect(lower.current == 3)
        let report = lower.evaluate(at: Self.at("2026-02-01T00:00:00Z"))
        #expect(report.status == .completed)
        #expect(report.onTrack, "a completed goal is on track, even after its end")
        #expect(lower.suggestion(at: Self.at("2026-01-06T00:00:00Z")) == nil)
    }

    @Test("an active goal is missed from its end's 24:00, not a second before")
    func missedAtEnd() throws {
        let goal = try Self.goal(current: 3)
        let lastSecond = Self.at("2026-01-10T23:59:59Z")
        #expect(goal.settled(at: lastSecond) == goal)
        #expect(goal.evaluate(at: lastSecond).status == .active)
        let end = Self.at("2026-01-11T00:00:00Z")
        let missed = goal.settled(at: end)
        #expect(missed.status == .missed)
        #expect(missed.updatedAt == end)
        let report = goal.evaluate(at: end)
        #expect(report.status == .missed)
        #expect(!report.onTrack)
        #expect(report.daysLeft == 0)
        #expect(report.expected == 1)
        #expect(goal.suggestion(at: end) == nil, "a missed goal suggests nothing")
        // A value below the target after the end leaves it missed.
        #expect(goal.recording(8, at: Self.at("2026-01-12T00:00:00Z")).status == .missed)
    }

    @Test("a value reaching the target after the end still completes the goal (results arrive late)")
    func lateResult() throws {
        let missed = try Self.goal().settled(at: Self.at("2026-01-11T00:00:00Z"))
        let late = missed.recording(10, at: Self.at("2026-01-12T09:00:00Z"))
        #expect(late.status == .completed)
        #expect(late.completedAt == Self.at("2026-01-12T09:00:00Z"))
        #expect(late.updated(value: nil, at: Self.at("2026-02-01T00:00:00Z")) == late)
    }

    // MARK: Kinds and suggestions

    @Test("the kind is inferred from the words of the metric", arguments: [
        ("meetings_booked", GoalKind.activity), ("emails-sent", .activity), ("followUps", .activity),
        ("pipeline_value", .pipeline), ("new prospects", .pipeline), ("qualifiedLeads", .quality),
        ("reply_rate", .quality), ("deals_won", .revenue), ("ARR", .revenue), ("closed_revenue_usd", .revenue),
        ("weight_kg", .other), ("", .other),
    ])
    func inference(_ metric: String, _ kind: GoalKind) {
        #expect(GoalKind.inferred(fromMetric: metric) == kind)
    }

    @Test("a goal behind pace suggests its kind's action with goal, metric, current, target and behind_by", arguments: [
        (GoalKind.pipeline, "research_prospects"), (.activity, "send_follow_up_email"), (.quality, "qualify_conversation"),
        (.revenue, "send_proposal"), (.other, "review_goal"),
    ])
    func suggestionByKind(_ kind: GoalKind, _ type: String) throws {
        let goal = try Self.goal(kind: kind, current: 2)
        let suggestion = try #require(goal.suggestion(at: Self.at("2026-01-06T00:00:00Z")))
        #expect(suggestion.type == type)
        #expect(suggestion.attributes == [
            "goal": .string("january"), "metric": .string("meetings_booked"),
            "current": .number(2), "target": .number(10), "behind_by": .number(3),
        ])
        #expect(suggestion.reason == "january: meetings_booked is 2 of 10 (20%) with 50% of the period gone; 3 behind pace")
    }

    @Test("no suggestion on track, before the start, or at exactly the expected pace")
    func noSuggestion() throws {
        let half = Self.at("2026-01-06T00:00:00Z")
        #expect(try Self.goal(current: 5).suggestion(at: half) == nil)
        #expect(try Self.goal(current: 8).suggestion(at: half) == nil)
        #expect(try Self.goal().suggestion(at: Self.at("2025-12-31T00:00:00Z")) == nil)
    }
}
