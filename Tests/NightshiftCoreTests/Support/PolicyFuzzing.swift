import Foundation
import NightshiftCore
import NightshiftTesting

/// docs/POLICY.md "How a decision is made", written out the slow, obvious way: every rule in
/// declaration order, no index, budgets and tiers re-derived from the documentation. The engine
/// must agree with it on the verdict and on the set of deciders.
struct ReferenceDecider {
    let policy: Policy

    /// The rules whose types and condition match, in declaration order.
    func matchingRules(_ action: ProposedAction, context: PolicyContext) -> [PolicyRule] {
        policy.rules.filter { rule in
            (rule.types.isEmpty || rule.types.contains(action.type)) && (rule.when?.holds(for: action, in: context) ?? true)
        }
    }

    /// Whether the documentation says `action` must be forbidden: a hard-stop tier (type or
    /// category) or a matching forbid rule. Everything else may at most be parked.
    func mustForbid(_ action: ProposedAction, context: PolicyContext) -> Bool {
        if policy.catalog[action.type] == .hardStop { return true }
        if let category = category(of: action), policy.categories[category] == .hardStop { return true }
        return matchingRules(action, context: context).contains { $0.effect == .forbid }
    }

    func decide(_ action: ProposedAction, context: PolicyContext) -> (verdict: Verdict, deciders: Set<String>) {
        let rules = matchingRules(action, context: context)
        var forbids = Set(rules.filter { $0.effect == .forbid }.map(\.id))
        var approvals = Set(rules.filter { $0.effect == .approve }.map(\.id))
        let allows = Set(rules.filter { $0.effect == .allow }.map(\.id))

        let typeTier = policy.catalog[action.type]
        switch typeTier {
        case .hardStop?: forbids.insert("catalog.\(action.type)")
        case .approval?: approvals.insert("catalog.\(action.type)")
        case nil: approvals.insert("fail_safe.unknown_type")
        case .autonomous?: break
        }
        let category = category(of: action)
        var categoryTier: Tier?
        if let category {
            categoryTier = policy.categories[category]
            switch categoryTier {
            case .hardStop?: forbids.insert("categories.\(category)")
            case .approval?: approvals.insert("categories.\(category)")
            case nil: approvals.insert("fail_safe.unknown_category")
            case .autonomous?: break
            }
        }
        let autonomous = typeTier == .autonomous && (category == nil || categoryTier == .autonomous)
        if autonomous, case .string(let stage)? = action.attributes["stage"], policy.stageGates.contains(stage) {
            approvals.insert("stage_gates.\(stage)")
        }
        for budget in policy.budgets where Self.applies(budget, to: action) {
            let used = context.budgetUsage[budget.id] ?? Usage()
            if Self.exceeded(budget, usage: used, cost: action.attributes["cost"]?.double ?? 0) {
                approvals.insert("budgets.\(budget.id)")
            }
        }
        if !forbids.isEmpty { return (.forbid, forbids) }
        if !approvals.isEmpty { return (.approve, approvals) }
        var deciders: Set<String> = ["catalog.\(action.type)"]
        if let category { deciders.insert("categories.\(category)") }
        return (.allow, deciders.union(allows))
    }

    /// The `category` attribute when the policy has categories (otherwise it is an ordinary attribute).
    private func category(of action: ProposedAction) -> String? {
        guard !policy.categories.isEmpty, case .string(let name)? = action.attributes["category"] else { return nil }
        return name
    }

    /// `per` and `types` as docs/POLICY.md describes them.
    static func applies(_ budget: Budget, to action: ProposedAction) -> Bool {
        guard budget.types.isEmpty || budget.types.contains(action.type) else { return false }
        switch budget.per {
        case .day, .actor: return true
        case .job: return [.job, .cycle].contains(action.actor.kind)
        case .tenant: return action.tenant != nil
        }
    }

    /// "A count budget is exceeded by the action that would be one too many; a money budget by an
    /// action whose cost would take the day's sum past the limit (an action without a cost never
    /// exceeds it); a run_time budget once the day's execution time has reached it."
    static func exceeded(_ budget: Budget, usage: Usage, cost: Double) -> Bool {
        if let count = budget.count, usage.count >= count { return true }
        if let money = budget.money, cost > 0, usage.money + cost > money { return true }
        if let runTime = budget.runTime, usage.runSeconds >= Double(runTime.components.seconds) { return true }
        return false
    }
}

/// Random policies and actions over a small vocabulary, so that rules actually match the actions
/// they are tried on. Deterministic for a given seed.
struct PolicyFuzzer {
    static let types = ["deploy", "send_email", "refund", "wipe_db", "report", "run_command", "mystery"]
    static let categories = ["ops", "sales", "legal", "research"]
    static let stages = ["discovery", "negotiation", "closed_won"]
    static let tenants = ["acme", "globex"]
    static let recipients = ["ana@acme.example", "bob@globex.example", "noreply@acme.example"]
    static let tags = ["pricing", "legal", "ops"]
    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    static let patterns = ["^ana", "acme", "example$", "^no-?reply@", "o"]
    static let actorKinds: [Actor.Kind] = [.job, .cycle, .cli, .api, .pack, .goal]
    static let actorNames = ["nurture", "cleanup", "operator"]

    var rng: SeededGenerator

    init(seed: UInt64) {
        rng = SeededGenerator(seed: seed)
    }

    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < probability }
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }
    mutating func subset<T>(_ items: [T], probability: Double = 0.4) -> [T] { items.filter { _ in chance(probability) } }

    // MARK: Policies

    mutating func policy() -> Policy {
        var catalog: [String: Tier] = [:]
        for type in Self.types where chance(0.85) { catalog[type] = pick(Tier.allCases) }
        if catalog["run_command"] == nil, chance(0.5) { catalog["run_command"] = .autonomous }
        var categories: [String: Tier] = [:]
        if chance(0.5) {
            for category in Self.categories where chance(0.75) { categories[category] = pick(Tier.allCases) }
        }
        var rules: [PolicyRule] = []
        for index in 0..<Int.random(in: 0...6, using: &rng) {
            let effect = pick(PolicyRule.Effect.allCases)
            let types: Set<String> = chance(0.35) ? Set(subset(Self.types, probability: 0.3)) : []
            var when: Condition? = chance(0.85) ? condition(depth: 0) : nil
            // Pin the type in the condition itself sometimes, so the engine indexes the rule by it.
            if types.isEmpty, chance(0.35) {
                let pin = typeCondition()
                when = when.map { chance(0.5) ? .all([pin, $0]) : .all([$0, pin]) } ?? pin
            }
            rules.append(PolicyRule(id: "r\(index)-\(effect.rawValue)", effect: effect, types: types, when: when, reason: "fuzzed rule \(index)"))
        }
        var budgets: [Budget] = []
        for index in 0..<Int.random(in: 0...2, using: &rng) {
            var budget = Budget(id: "b\(index)", per: pick(Budget.Scope.allCases), types: Set(subset(Self.types, probability: 0.25)))
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: budget.count = Int.random(in: 0...3, using: &rng)
            case 1: budget.money = Double(Int.random(in: 0...60, using: &rng))
            default: budget.runTime = .seconds(Int.random(in: 0...2, using: &rng) * 3600)
            }
            budgets.append(budget)
        }
        return Policy(
            catalog: catalog, categories: categories, stageGates: Set(subset(Self.stages)), rules: rules, budgets: budgets,
            maxDenials: pick([0, 1, 3, 1000])
        )
    }

    /// `type == X`, `type in [...]`, possibly inside `all`.
    mutating func typeCondition() -> Condition {
        if chance(0.5) {
            return compare(.type, .equal, .string(pick(Self.types)))
        }
        let types = subset(Self.types, probability: 0.35)
        return compare(.type, .in, .array(types.map { .string($0) }))
    }

    mutating func condition(depth: Int) -> Condition {
        guard depth < 3, chance(0.4) else { return comparison() }
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: return .all((0..<Int.random(in: 1...3, using: &rng)).map { _ in condition(depth: depth + 1) })
        case 1: return .any((0..<Int.random(in: 1...3, using: &rng)).map { _ in condition(depth: depth + 1) })
        default: return .not(condition(depth: depth + 1))
        }
    }

    mutating func comparison() -> Condition {
        let fields: [PolicyField] = [
            .type, .tenant, .actor, .actorKind, .actorName, .attribute(["stage"]), .attribute(["category"]), .attribute(["recipient"]),
            .attribute(["cost"]), .attribute(["priority"]), .attribute(["tags"]), .attribute(["flag"]), .attribute(["missing"]),
            .payload(["command", "0"]), .context(.hour), .context(.weekday), .context(.operator),
        ]
        let field = pick(fields)
        let op = pick(ComparisonOperator.allCases)
        switch op {
        case .in, .notIn:
            return compare(field, op, .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in value(for: field) }))
        case .matches:
            return compare(field, op, .string(pick(Self.patterns)))
        case .contains:
            return compare(field, op, chance(0.5) ? .string(pick(Self.tags)) : value(for: field))
        case .runs, .runsOnly:
            // They read the command the action runs: the payload's argv `act MARK`, always readable.
            return compare(.attribute(["command"]), op, .string(pick(["act:*", "act", "rm:*"])))
        default:
            return compare(field, op, value(for: field))
        }
    }

    /// A value the field plausibly has, so comparisons are sometimes true.
    mutating func value(for field: PolicyField) -> JSONValue {
        switch field {
        case .type: .string(pick(Self.types))
        case .tenant: .string(pick(Self.tenants))
        case .actor: .string("\(pick(Self.actorKinds).rawValue):\(pick(Self.actorNames))")
        case .actorKind: .string(pick(Self.actorKinds).rawValue)
        case .actorName: .string(pick(Self.actorNames))
        case .attribute(let path):
            switch path.first {
            case "stage": .string(pick(Self.stages))
            case "category": .string(pick(Self.categories))
            case "recipient": .string(pick(Self.recipients))
            case "cost": chance(0.5) ? .integer(Int64.random(in: 0...40, using: &rng)) : .number(Double(Int.random(in: 0...80, using: &rng)) / 2)
            case "priority": .integer(Int64.random(in: 0...5, using: &rng))
            case "tags": .string(pick(Self.tags))
            case "flag": .bool(chance(0.5))
            default: .string("x")
            }
        case .payload: .string("act")
        case .context(let context):
            switch context {
            case .hour: .integer(Int64.random(in: 0...23, using: &rng))
            case .weekday: .string(pick(Self.weekdays))
            default: .string(pick(["unknown", "sleeping", "work"]))
            }
        }
    }

    private func compare(_ field: PolicyField, _ op: ComparisonOperator, _ value: JSONValue) -> Condition {
        // Every generated value suits its operator (arrays for in/not_in, a valid pattern for matches).
        .compare(try! Comparison(field: field, op: op, value: value))
    }

    // MARK: Actions

    /// Attributes from the vocabulary the conditions test.
    mutating func attributes() -> [String: JSONValue] {
        var attributes: [String: JSONValue] = [:]
        for name in ["stage", "category", "recipient", "cost", "priority", "flag"] where chance(0.5) {
            attributes[name] = value(for: .attribute([name]))
        }
        if chance(0.5) { attributes["tags"] = .array(subset(Self.tags, probability: 0.5).map { .string($0) }) }
        return attributes
    }

    mutating func action(marker: String) -> ProposedAction {
        ProposedAction(
            type: pick(Self.types), attributes: attributes(), payload: .object(["command": .array([.string("act"), .string(marker)])]),
            actor: Actor(pick(Self.actorKinds), pick(Self.actorNames)), tenant: chance(0.5) ? pick(Self.tenants) : nil
        )
    }

    /// A context at a random hour of a random day, with random counts and budget usage.
    mutating func context(for policy: Policy) -> PolicyContext {
        let now = Date(timeIntervalSince1970: 1_780_000_000 + Double(Int.random(in: 0..<(14 * 86_400), using: &rng)))
        var usage: [String: Usage] = [:]
        for budget in policy.budgets where chance(0.8) {
            usage[budget.id] = Usage(
                count: Int.random(in: 0...4, using: &rng), money: Double(Int.random(in: 0...70, using: &rng)),
                runSeconds: Double(Int.random(in: 0...3, using: &rng) * 3600)
            )
        }
        return PolicyContext(
            now: now, timeZone: TimeZone(identifier: "UTC")!, operatorContext: chance(0.5) ? nil : "sleeping",
            countToday: Int.random(in: 0...5, using: &rng), budgetUsage: usage
        )
    }
}
