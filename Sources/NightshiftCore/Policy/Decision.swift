public import Foundation

/// The policy engine's answer for an action, with what decided it.
public struct Decision: Sendable, Hashable, Codable {
    public var verdict: Verdict
    /// The tier of the action's type (and category), nil for an unknown type.
    public var tier: Tier?
    /// What decided the verdict: rule ids, `catalog.TYPE`, `categories.NAME`,
    /// `stage_gates.STAGE`, `budgets.ID`, `fail_safe.unknown_type`, `fail_safe.unknown_category`.
    public var decidedBy: [String]
    /// One line saying why.
    public var reason: String
    /// With `explain`: every source that applied (including those overridden) and each matching
    /// rule's condition with the values it saw.
    public var explanation: [String]

    public init(verdict: Verdict, tier: Tier?, decidedBy: [String], reason: String, explanation: [String] = []) {
        self.verdict = verdict
        self.tier = tier
        self.decidedBy = decidedBy
        self.reason = reason
        self.explanation = explanation
    }
}
