public import Foundation
public import NightshiftCore

/// A goal as `--json` prints it, evaluated at one instant.
public struct GoalView: Encodable, Sendable {
    public var name: String
    public var metric: String
    public var kind: String
    public var target: Double
    public var current: Double
    public var start: String
    public var end: String
    public var timeZone: String
    /// `active`, `completed` or `missed` at the instant of evaluation.
    public var status: String
    public var pace: Double
    public var expected: Double
    public var onTrack: Bool
    public var daysLeft: Double
    public var createdAt: Date
    public var updatedAt: Date
    public var completedAt: Date?
    public var evaluatedAt: Date

    public init(_ goal: Goal, at now: Date) {
        let report = goal.evaluate(at: now)
        name = goal.name
        metric = goal.metric
        kind = goal.kind.rawValue
        target = goal.target
        current = goal.current
        start = goal.start.description
        end = goal.end.description
        timeZone = TimeZones.displayName(goal.timeZone)
        status = report.status.rawValue
        pace = report.pace
        expected = report.expected
        onTrack = report.onTrack
        daysLeft = report.daysLeft
        createdAt = goal.createdAt
        updatedAt = goal.updatedAt
        completedAt = goal.completedAt
        evaluatedAt = now
    }

    /// `on track`, `behind`, `completed` or `missed`.
    public var label: String {
        status == "active" ? (onTrack ? "on track" : "behind") : status
    }
}

/// One goal as `goals show --json` prints it: where it stands, its history, and what to do when
/// it is behind.
public struct GoalDetail: Encodable, Sendable {
    public var goal: GoalView
    public var history: [GoalProgress]
    public var suggestion: GoalSuggestion?
    /// The goal itself, for the text output. Not part of the JSON.
    public var record: Goal

    enum CodingKeys: String, CodingKey { case goal, history, suggestion }

    public init(_ goal: Goal, history: [GoalProgress], at now: Date) {
        self.goal = GoalView(goal, at: now)
        self.history = history
        self.suggestion = goal.suggestion(at: now)
        self.record = goal
    }
}
