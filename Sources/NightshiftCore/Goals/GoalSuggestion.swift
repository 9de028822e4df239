public import Foundation

/// An action that would help a goal that fell behind its pace. Nothing executes it by itself: the
/// caller proposes it through the policy gate, which decides whether it may happen.
///
/// ```swift
/// if let suggestion = goal.suggestion(at: now) {
///     suggestion.type                     // "send_follow_up_email" for an activity goal
///     suggestion.attributes["behind_by"]  // .number(7)
/// }
/// ```
public struct GoalSuggestion: Sendable, Hashable, Codable {
    /// The action type, one of ``GoalKind/suggestedAction``'s.
    public var type: String
    /// `goal`, `metric` (strings), `current`, `target` and `behind_by` (numbers): `behind_by` is
    /// the shortfall against a straight line from 0 at the start to the target at the end,
    /// `expected × target − current`, rounded to two decimals.
    public var attributes: [String: JSONValue]
    /// Why, in one sentence for the operator.
    public var reason: String

    /// A suggestion with these parts; ``Goal/suggestion(at:)`` makes real ones.
    public init(type: String, attributes: [String: JSONValue], reason: String) {
        self.type = type
        self.attributes = attributes
        self.reason = reason
    }
}

extension Goal {
    /// The action to suggest at `now`, or nil when the goal is on track, completed or missed.
    public func suggestion(at now: Date) -> GoalSuggestion? {
        let report = evaluate(at: now)
        guard report.isBehind else { return nil }
        // Two decimals: enough to act on, and the same figure the reason states.
        let behindBy = Self.rounded(report.expected * target - current)
        return GoalSuggestion(
            type: kind.suggestedAction,
            attributes: [
                "goal": .string(name),
                "metric": .string(metric),
                "current": .number(current),
                "target": .number(target),
                "behind_by": .number(behindBy),
            ],
            reason: "\(name): \(metric) is \(Self.formatted(current)) of \(Self.formatted(target)) "
                + "(\(Self.percent(report.pace))) with \(Self.percent(report.expected)) of the period gone; "
                + "\(Self.formatted(behindBy)) behind pace"
        )
    }

    /// `0.456` as `46%`.
    public static func percent(_ share: Double) -> String {
        guard share.isFinite else { return "-" }
        return "\(Int((share * 100).rounded()))%"
    }

    /// Two decimals at most, for sentences.
    private static func rounded(_ value: Double) -> Double {
        (value * 100).rounded() / 100
    }
}
