public import Foundation

/// One request the operator made, as the pattern learner sees it: what was asked for and when.
///
/// ```swift
/// let event = PatternEvent(name: "nba_rankings", at: requestTime)
/// ```
public struct PatternEvent: Sendable, Hashable, Codable {
    /// What was requested (`nba_rankings`, `workout_log`); events with the same name form a routine.
    public var name: String
    /// When the request came.
    public var at: Date
    /// Whatever the caller recorded with the request; the learner does not read it.
    public var meta: JSONValue?

    /// An event named `name` at `at`.
    public init(name: String, at: Date, meta: JSONValue? = nil) {
        self.name = name
        self.at = at
        self.meta = meta
    }
}
