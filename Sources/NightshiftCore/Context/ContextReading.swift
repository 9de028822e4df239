public import Foundation

/// What said the operator is in a context.
public enum ContextSource: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The operator set it by hand; it holds until the date, or until cleared when nil.
    case override(until: Date?)
    /// A calendar event with this title covers the time.
    case calendar(title: String)
    /// This span of the routine (as written, e.g. `"Mon-Fri 09:00-17:00"`) covers the time.
    case routine(span: String)
    /// Nothing said anything, so the context is `unknown`.
    case `default`

    /// `override until 2026-11-23T18:00:00+00:00`, `calendar "Gym"`, `routine "23:00-07:00"` or `default`.
    public var description: String {
        switch self {
        case .override(let until?): "override until \(ISO8601.format(until, in: TimeZone(identifier: "UTC")!))"
        case .override(nil): "override"
        case .calendar(let title): "calendar \"\(title)\""
        case .routine(let span): "routine \"\(span)\""
        case .default: "default"
        }
    }
}

/// The operator's context at one instant, as ``ContextDetector/detect(at:override:events:)`` found it.
public struct ContextReading: Sendable, Hashable, Codable {
    /// The context.
    public var context: OperatorContext
    /// What said so.
    public var source: ContextSource
    /// When the context next changes, if that is known within ``ContextDetector/horizon``; nil when
    /// it holds beyond it (an override without an end, an empty routine).
    public var until: Date?
    /// How Nightshift behaves in the context, with the workspace's limits.
    public var profile: ContextProfile

    /// Creates a reading.
    public init(context: OperatorContext, source: ContextSource, until: Date?, profile: ContextProfile) {
        self.context = context
        self.source = source
        self.until = until
        self.profile = profile
    }
}

/// A stretch of time in one context, as ``ContextDetector/upcoming(from:hours:override:events:)``
/// lists them.
public struct ContextSpan: Sendable, Hashable, Codable {
    /// The context throughout the span.
    public var context: OperatorContext
    /// What said so at the span's start (a merged span may continue on another source's word).
    public var source: ContextSource
    /// When the span starts.
    public var start: Date
    /// When it ends (exclusive).
    public var end: Date

    /// Creates a span.
    public init(context: OperatorContext, source: ContextSource, start: Date, end: Date) {
        self.context = context
        self.source = source
        self.start = start
        self.end = end
    }
}
