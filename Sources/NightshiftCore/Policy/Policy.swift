public import Foundation

/// How much autonomy an action type has.
public enum Tier: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Executes without asking (unless a rule, stage gate or budget says otherwise).
    case autonomous
    /// Parked until the operator approves it.
    case approval
    /// Never executes.
    case hardStop = "hard_stop"

    public var description: String { rawValue }
}

/// The policy's answer for one action.
public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case allow, approve, forbid
    public var description: String { rawValue }
}

/// The declarative policy of a workspace: the catalog of action types with their tiers, queue
/// categories, stage gates, rules and budgets. See docs/POLICY.md.
public struct Policy: Sendable {
    /// Types Nightshift itself proposes for declared jobs and cycle steps; autonomous unless the
    /// catalog says otherwise.
    public static let builtinCatalog: [String: Tier] = [
        "run_command": .autonomous, "call_webhook": .autonomous,
        // The health fixes (docs/HEALTH.md): safe housekeeping, autonomous unless the catalog says otherwise.
        "delete_log": .autonomous, "rotate_log": .autonomous, "optimize_store": .autonomous, "prune_history": .autonomous,
        // Handing an audit anchor to the operator's `[audit.publish]` command (docs/RELIABILITY.md).
        "publish_anchor": .autonomous,
        // A pack's named cycle step, run in-process (docs/PACKS.md); its own side effects are proposed apart.
        "run_step": .autonomous,
    ]

    public var catalog: [String: Tier]
    public var categories: [String: Tier]
    public var stageGates: Set<String>
    public var rules: [PolicyRule]
    public var budgets: [Budget]
    /// A run that gets more than this many forbids or rejections stops.
    public var maxDenials: Int
    /// How long a parked action waits for the operator.
    public var approvalExpiry: Duration
    /// Where it was read from (`nightshift.toml` or the policy file), for messages.
    public var source: String?

    public init(
        catalog: [String: Tier] = [:], categories: [String: Tier] = [:], stageGates: Set<String> = [],
        rules: [PolicyRule] = [], budgets: [Budget] = [], maxDenials: Int = 3, approvalExpiry: Duration = .seconds(72 * 3600),
        source: String? = nil
    ) {
        self.catalog = Self.withBuiltins(catalog)
        self.categories = categories
        self.stageGates = stageGates
        self.rules = rules
        self.budgets = budgets
        self.maxDenials = maxDenials
        self.approvalExpiry = approvalExpiry
        self.source = source
    }

    /// `catalog` plus the built-in types it does not declare (in any spelling).
    static func withBuiltins(_ catalog: [String: Tier]) -> [String: Tier] {
        let declared = Set(catalog.keys.map(PolicyName.key))
        return builtinCatalog.filter { !declared.contains($0.key) }.merging(catalog) { _, declared in declared }
    }

    /// The policy with `defaults` (a pack's tiers for its action types) added for every type the
    /// catalog does not name in any spelling: the operator's catalog always wins.
    public func adding(defaults: [String: Tier]) -> Policy {
        var policy = self
        let known = Set(catalog.keys.map(PolicyName.key))
        for (type, tier) in defaults where !known.contains(PolicyName.key(type)) { policy.catalog[type] = tier }
        return policy
    }

    /// The policy of a workspace that declares none: only the built-in types are known.
    public static let `default` = Policy()
}

/// A declared rule: when its condition holds for an action, it forbids, asks for approval, or
/// (informatively) allows.
public struct PolicyRule: Sendable {
    public enum Effect: String, Sendable, Hashable, Codable, CaseIterable {
        case forbid, approve, allow
    }
    public var id: String
    public var effect: Effect
    /// Only these action types; empty: every type.
    public var types: Set<String>
    /// Always true when absent.
    public var when: Condition?
    public var reason: String

    public init(id: String, effect: Effect, types: Set<String> = [], when: Condition? = nil, reason: String) {
        self.id = id
        self.effect = effect
        self.types = types
        self.when = when
        self.reason = reason
    }
}

/// A daily limit on what actions may consume; exhausting it turns `allow` into `approve`.
public struct Budget: Sendable, Hashable {
    /// What one counter covers.
    public enum Scope: String, Sendable, Hashable, Codable, CaseIterable {
        /// All actions together.
        case day
        /// Each actor on its own.
        case actor
        /// Each job on its own (actions of other actors are not limited).
        case job
        /// Each tenant on its own (actions without a tenant are not limited).
        case tenant
    }
    public var id: String
    public var per: Scope
    /// Only these action types count and are limited; empty: every type.
    public var types: Set<String>
    public var count: Int?
    public var money: Double?
    public var runTime: Duration?

    public init(id: String, per: Scope = .day, types: Set<String> = [], count: Int? = nil, money: Double? = nil, runTime: Duration? = nil) {
        self.id = id
        self.per = per
        self.types = types
        self.count = count
        self.money = money
        self.runTime = runTime
    }

    /// Whether `action` counts against (and is limited by) this budget.
    public func applies(to action: ProposedAction) -> Bool {
        guard types.isEmpty || types.contains(action.type) else { return false }
        switch per {
        case .day, .actor: return true
        case .job: return action.actor.kind == .job || action.actor.kind == .cycle
        case .tenant: return action.tenant != nil
        }
    }

    /// The filter selecting the actions of `action`'s counter today.
    public func usageQuery(for action: ProposedAction, since: Date) -> UsageQuery {
        var query = UsageQuery(since: since, types: types)
        switch per {
        case .day: break
        case .actor, .job: query.actor = action.actor
        case .tenant: query.tenant = action.tenant
        }
        return query
    }
}

/// What the actions of one counter consumed so far today.
public struct Usage: Sendable, Hashable, Codable {
    public var count: Int
    public var money: Double
    public var runSeconds: Double

    public init(count: Int = 0, money: Double = 0, runSeconds: Double = 0) {
        self.count = count
        self.money = money
        self.runSeconds = runSeconds
    }
}

/// A filter over executed actions, for counts and budgets.
public struct UsageQuery: Sendable, Hashable {
    public var since: Date
    /// Empty: every type.
    public var types: Set<String>
    public var actor: Actor?
    public var tenant: String?
    public var recipient: String?
    /// Nil: up to now. Otherwise only actions counted at or before it (a decision asked about an
    /// earlier moment, `policy explain --at`).
    public var until: Date?

    public init(
        since: Date, types: Set<String> = [], actor: Actor? = nil, tenant: String? = nil, recipient: String? = nil, until: Date? = nil
    ) {
        self.since = since
        self.types = types
        self.actor = actor
        self.tenant = tenant
        self.recipient = recipient
        self.until = until
    }
}
