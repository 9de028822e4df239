public import Foundation

/// A context the operator set by hand (`nightshift context set gym --for 2h`), which beats the
/// calendar and the routine until it expires.
///
/// Codable so that whoever keeps it (the store, a file) can persist it as it is; the detector only
/// reads it.
///
/// ```swift
/// let override = ContextOverride(context: .work, setAt: now, until: now.addingTimeInterval(2 * 3600))
/// detector.detect(at: now, override: override, events: [])   // work, from the override
/// ```
public struct ContextOverride: Sendable, Hashable, Codable {
    /// The context the operator says they are in.
    public var context: OperatorContext
    /// When the operator set it.
    public var setAt: Date
    /// When it stops counting; nil for until it is cleared.
    public var until: Date?

    /// Creates an override.
    public init(context: OperatorContext, setAt: Date, until: Date? = nil) {
        self.context = context
        self.setAt = setAt
        self.until = until
    }

    /// Whether the override counts at `date`: set by then and not yet expired.
    public func isActive(at date: Date) -> Bool {
        guard setAt <= date else { return false }
        guard let until else { return true }
        return date < until
    }
}
