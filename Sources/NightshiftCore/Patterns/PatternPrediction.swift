public import Foundation

/// When a pattern's next request is expected.
public struct PatternPrediction: Sendable, Hashable, Codable {
    /// The routine.
    public var pattern: Pattern
    /// The next local weekday-and-time (or daily time) of the pattern after the moment predicted from.
    public var expectedAt: Date

    /// A prediction of `pattern` at `expectedAt`.
    public init(pattern: Pattern, expectedAt: Date) {
        self.pattern = pattern
        self.expectedAt = expectedAt
    }
}

/// Work to prepare ahead of a predicted request, so its answer is ready when the operator asks.
///
/// ```swift
/// for suggestion in learner.suggestions(patterns, from: now) {
///     suggestion.prebuildAt   // 3 h before suggestion.expectedAt, or now if that has passed
///     suggestion.autoExecute  // true from confidence 0.8
/// }
/// ```
public struct PrebuildSuggestion: Sendable, Hashable, Codable {
    /// The routine, in the medium or high band.
    public var pattern: Pattern
    /// When the request is expected.
    public var expectedAt: Date
    /// When to start the pre-build: the preferred lead before ``expectedAt``, or the moment
    /// suggested from when that has passed but the shortest lead has not; always within
    /// ``PatternLearner/Configuration/prebuildLead`` of ``expectedAt``.
    public var prebuildAt: Date
    /// Whether the pattern is sure enough (``PatternLearner/Configuration/autoExecuteThreshold``)
    /// for the pre-build to run without asking; the policy gate still decides.
    public var autoExecute: Bool

    /// A suggestion with these parts; ``PatternLearner/suggestions(_:from:within:)`` makes real ones.
    public init(pattern: Pattern, expectedAt: Date, prebuildAt: Date, autoExecute: Bool) {
        self.pattern = pattern
        self.expectedAt = expectedAt
        self.prebuildAt = prebuildAt
        self.autoExecute = autoExecute
    }

    /// How long before the expected request the pre-build starts.
    public var lead: TimeInterval { expectedAt.timeIntervalSince(prebuildAt) }
}
