public import Foundation

/// Decides actions against a ``Policy``. Pure and synchronous: everything it reads is in the
/// action and the ``PolicyContext``; the gate gathers the context and records the decision.
///
/// Rules are indexed by the action types they name (`types = [...]`, or a `type == X` /
/// `type in [...]` comparison at the top of their condition), so a decision evaluates the rules of
/// its own type plus the untyped ones, however large the policy.
///
/// Combination is deny-overrides: a matching `forbid` rule or a `hard_stop` tier forbids; else a
/// matching `approve` rule, a stage gate, an exhausted budget, an `approval` tier, an unknown type
/// or an unknown category asks for approval; else the action is allowed.
///
/// Types, categories and stages compare without regard to case (``PolicyName``): the engine keeps
/// the policy with each name in its declared spelling, and rewrites an action's names to it
/// (``normalized(_:)``) before deciding.
public struct PolicyEngine: Sendable {
    /// The policy, each name in its declared spelling (rule and budget types in the catalog's).
    public let policy: Policy
    private let spellings: PolicySpellings
    /// Positions in `policy.rules` of each type's rules and of the untyped ones, ascending, so
    /// that matches are reported in declared order without copying rules around.
    private let rulesByType: [String: [Int]]
    private let untypedRules: [Int]
    /// The context values each type's rules read, and those the untyped rules read.
    private let contextFieldsByType: [String: Set<ContextField>]
    private let untypedContextFields: Set<ContextField>

    public init(policy: Policy) {
        let (canonical, spellings) = policy.canonical()
        self.policy = canonical
        self.spellings = spellings
        var byType: [String: [Int]] = [:]
        var untyped: [Int] = []
        var fieldsByType: [String: Set<ContextField>] = [:]
        var untypedFields: Set<ContextField> = []
        for (position, rule) in canonical.rules.enumerated() {
            let types = rule.types.isEmpty ? rule.when?.requiredTypes.map { Set($0.map(spellings.type)) } : rule.types
            let fields = rule.when?.contextFields ?? []
            if let types {
                for type in types {
                    byType[type, default: []].append(position)
                    fieldsByType[type, default: []].formUnion(fields)
                }
            } else {
                untyped.append(position)
                untypedFields.formUnion(fields)
            }
        }
        rulesByType = byType
        untypedRules = untyped
        contextFieldsByType = fieldsByType
        untypedContextFields = untypedFields
    }

    /// The context values a decision of an action of `type` (in the policy's spelling, as after
    /// ``normalized(_:)``) can read: those its type's rules and the untyped rules name. Budgets
    /// read their own usage, not these. The gate counts only these while it decides.
    public func contextFields(for type: String) -> Set<ContextField> {
        untypedContextFields.union(contextFieldsByType[type] ?? [])
    }

    /// `action` with its type, and its `stage` and `category` attributes, in the policy's spelling
    /// (an undeclared type lower-cased). What the gate records, counts and shows.
    public func normalized(_ action: ProposedAction) -> ProposedAction {
        var action = action
        action.type = spellings.type(action.type)
        if case .string(let stage)? = action.attributes["stage"] {
            action.attributes["stage"] = .string(PolicySpellings.declared(stage, in: spellings.stages))
        }
        if case .string(let category)? = action.attributes["category"] {
            action.attributes["category"] = .string(PolicySpellings.declared(category, in: spellings.categories))
        }
        return action
    }

    /// The budgets whose counters `action` would use.
    public func budgets(for action: ProposedAction) -> [Budget] {
        let action = normalized(action)
        return policy.budgets.filter { $0.applies(to: action) }
    }

    /// Decides `action` (after ``normalized(_:)``). With `explain`, the decision also lists every
    /// source that applied.
    public func decide(_ action: ProposedAction, context: PolicyContext, explain: Bool = false) -> Decision {
        let action = normalized(action)
        var forbids: [(id: String, reason: String)] = []
        var approvals: [(id: String, reason: String)] = []
        var allows: [String] = []
        var explanation: [String] = []

        let rules = policy.rules
        // The command the action runs is read once, by the first rule that asks.
        let subject = PolicySubject(action: action, context: context)
        func consider(_ position: Int) {
            let rule = rules[position]
            guard rule.types.isEmpty || rule.types.contains(action.type) else { return }
            let truth = rule.when?.evaluate(subject) ?? .yes
            let condition = explain ? rule.when.map { ": " + $0.explain(subject) } ?? " (no condition)" : ""
            switch truth {
            case .no:
                if explain { explanation.append("rule \(rule.id) (\(rule.effect.rawValue)) did not match\(condition)") }
            case .unknown:
                // A rule that cannot tell whether it applies parks the action: the operator can.
                if explain { explanation.append("rule \(rule.id) (\(rule.effect.rawValue)) could not be decided\(condition) — \(rule.reason)") }
                if rule.effect != .allow {
                    approvals.append((rule.id, "cannot tell whether rule \(rule.id) applies, so the operator decides: \(rule.reason)"))
                }
            case .yes:
                if explain { explanation.append("rule \(rule.id) (\(rule.effect.rawValue)) matched\(condition) — \(rule.reason)") }
                switch rule.effect {
                case .forbid: forbids.append((rule.id, rule.reason))
                case .approve: approvals.append((rule.id, rule.reason))
                case .allow: allows.append(rule.id)
                }
            }
        }
        // The type's rules and the untyped ones, merged back into declared order.
        let typed = rulesByType[action.type] ?? []
        var t = 0, u = 0
        while t < typed.count || u < untypedRules.count {
            if u == untypedRules.count || (t < typed.count && typed[t] < untypedRules[u]) {
                consider(typed[t])
                t += 1
            } else {
                consider(untypedRules[u])
                u += 1
            }
        }
        let ruleForbids = forbids.count
        let ruleApprovals = approvals.count

        // Tiers: the type's, and the category's when the policy has categories.
        let typeTier = policy.catalog[action.type]
        var categoryTier: Tier?
        var category: String?
        if !policy.categories.isEmpty, case .string(let name)? = action.attributes["category"] {
            category = name
            categoryTier = policy.categories[name]
        }
        switch typeTier {
        case .hardStop?: forbids.append(("catalog.\(action.type)", "\(action.type) is a hard stop: never executed"))
        case .approval?: approvals.append(("catalog.\(action.type)", "\(action.type) needs the operator's approval"))
        case nil: approvals.append(("fail_safe.unknown_type", "\(action.type) is not in the policy's catalog: unknown actions need approval"))
        case .autonomous?: break
        }
        if let category {
            switch categoryTier {
            case .hardStop?: forbids.append(("categories.\(category)", "category \"\(category)\" is a hard stop"))
            case .approval?: approvals.append(("categories.\(category)", "category \"\(category)\" needs the operator's approval"))
            case nil: approvals.append(("fail_safe.unknown_category", "category \"\(category)\" is not in the policy: unknown categories need approval"))
            case .autonomous?: break
            }
        }
        let tier = Self.stricter(typeTier, categoryTier, hasCategory: category != nil)
        if tier == .autonomous, !policy.stageGates.isEmpty, case .string(let stage)? = action.attributes["stage"], policy.stageGates.contains(stage) {
            approvals.append(("stage_gates.\(stage)", "stage \(stage) is gated: autonomous actions need approval"))
        }
        for budget in policy.budgets where budget.applies(to: action) {
            if let exceeded = Self.exceeded(budget, usage: context.budgetUsage[budget.id] ?? Usage(), cost: action.cost) {
                approvals.append(("budgets.\(budget.id)", exceeded))
            }
        }

        if explain {
            explanation.append("tier: \(typeTier.map { "catalog.\(action.type) = \($0)" } ?? "\(action.type) is not in the catalog")"
                + (category.map { "; categories.\($0) = \(categoryTier?.rawValue ?? "unknown")" } ?? ""))
            explanation += forbids[ruleForbids...].map { "forbid: \($0.id) — \($0.reason)" }
            explanation += approvals[ruleApprovals...].map { "approve: \($0.id) — \($0.reason)" }
        }
        if !forbids.isEmpty {
            return Decision(verdict: .forbid, tier: tier, decidedBy: forbids.map(\.id), reason: forbids[0].reason, explanation: explanation)
        }
        if !approvals.isEmpty {
            return Decision(verdict: .approve, tier: tier, decidedBy: approvals.map(\.id), reason: approvals[0].reason, explanation: explanation)
        }
        var deciders = ["catalog.\(action.type)"]
        if let category { deciders.append("categories.\(category)") }
        return Decision(
            verdict: .allow, tier: tier, decidedBy: deciders + allows,
            reason: "\(action.type) is autonomous" + (category.map { " (category \"\($0)\")" } ?? ""), explanation: explanation
        )
    }

    /// The stricter of the type's and the category's tier; nil when either is unknown.
    private static func stricter(_ a: Tier?, _ b: Tier?, hasCategory: Bool) -> Tier? {
        guard let a else { return nil }
        guard hasCategory else { return a }
        guard let b else { return nil }
        return Tier.stricter(a, b)
    }

    /// Why executing one more action would exceed `budget`, or nil.
    static func exceeded(_ budget: Budget, usage: Usage, cost: Double) -> String? {
        if let count = budget.count, usage.count + 1 > count {
            return "budget \(budget.id): \(usage.count) of \(count) actions used today"
        }
        if let money = budget.money, cost > 0, usage.money + cost > money {
            return "budget \(budget.id): \(Self.amount(usage.money)) spent of \(Self.amount(money)) today, this costs \(Self.amount(cost))"
        }
        if let runTime = budget.runTime, usage.runSeconds >= runTime.inSeconds {
            return "budget \(budget.id): \(Int(usage.runSeconds))s of \(Int(runTime.inSeconds))s run time used today"
        }
        return nil
    }

    private static func amount(_ value: Double) -> String { String(format: "%.2f", value) }
}
