import Foundation

/// How the policy compares the names it reads: action types, categories and stages.
///
/// Two names are the same name when their ``key(_:)``s are equal: case does not count, nor do
/// Unicode compatibility forms (full-width letters, ligatures) or white space around the name. So
/// `--stage Negotiation`, `NEGOTIATION` and ` negotiation` all meet the gate of `negotiation`;
/// a spelling can never talk an action round a gate, a tier or a rule.
public enum PolicyName {
    /// The form in which two names are compared.
    ///
    /// ```swift
    /// PolicyName.key(" Closed_Won") == PolicyName.key("closed_won")   // true
    /// ```
    public static func key(_ name: String) -> String {
        // A name of lower-case ASCII letters, digits, `_`, `-` and `.` (`run_command`) is its own
        // key: every step below leaves it as it is. A decision asks for several keys.
        if !name.isEmpty, name.utf8.allSatisfy({ byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }) {
            return name
        }
        return folded(name)
    }

    /// The key without the shortcut for names that are their own key.
    static func folded(_ name: String) -> String {
        // Upper then lower case is a full case folding for names: ß and SS, ſ and s meet.
        name.precomposedStringWithCompatibilityMapping.trimmingCharacters(in: .whitespacesAndNewlines).uppercased().lowercased()
    }
}

/// The spelling the policy declares for each name, by its ``PolicyName/key(_:)``: the canonical
/// form an action's type, category and stage are rewritten to before they are decided and recorded.
struct PolicySpellings: Sendable {
    /// Declared action types (catalog first, then rule and budget types).
    var types: [String: String] = [:]
    var categories: [String: String] = [:]
    var stages: [String: String] = [:]

    /// The declared spelling of a type; a type the policy does not declare is lower-cased, so
    /// that every spelling of it is counted as one in counts and budgets.
    func type(_ name: String) -> String {
        let key = PolicyName.key(name)
        return types[key] ?? key
    }

    /// The declared spelling of a category or stage; one the policy does not declare is kept as
    /// proposed (it decides nothing: an unknown category is parked, an ungated stage is not gated).
    static func declared(_ name: String, in spellings: [String: String]) -> String {
        spellings[PolicyName.key(name)] ?? name
    }

    /// Records `name` as the spelling of its key unless one is already declared.
    static func declare(_ name: String, in spellings: inout [String: String]) {
        let key = PolicyName.key(name)
        if spellings[key] == nil { spellings[key] = name }
    }
}

extension Policy {
    /// The policy with every name in its declared spelling: catalog, categories and stage gates
    /// keyed by one spelling per name (when a policy made in code declares a name twice in
    /// different cases, the stricter tier counts), and rule and budget types rewritten to the
    /// catalog's spelling. Returns the spellings too, to normalise actions with.
    func canonical() -> (Policy, PolicySpellings) {
        var spellings = PolicySpellings()
        for name in catalog.keys.sorted() { PolicySpellings.declare(name, in: &spellings.types) }
        for rule in rules { for name in rule.types.sorted() { PolicySpellings.declare(name, in: &spellings.types) } }
        for budget in budgets { for name in budget.types.sorted() { PolicySpellings.declare(name, in: &spellings.types) } }
        for name in categories.keys.sorted() { PolicySpellings.declare(name, in: &spellings.categories) }
        for name in stageGates.sorted() { PolicySpellings.declare(name, in: &spellings.stages) }

        var policy = self
        policy.catalog = Self.merged(catalog) { spellings.type($0) }
        policy.categories = Self.merged(categories) { PolicySpellings.declared($0, in: spellings.categories) }
        policy.stageGates = Set(stageGates.map { PolicySpellings.declared($0, in: spellings.stages) })
        policy.rules = rules.map { rule in
            var rule = rule
            rule.types = Set(rule.types.map { spellings.type($0) })
            return rule
        }
        policy.budgets = budgets.map { budget in
            var budget = budget
            budget.types = Set(budget.types.map { spellings.type($0) })
            return budget
        }
        return (policy, spellings)
    }

    /// `tiers` re-keyed by `spelling`; two keys that become one keep the stricter tier.
    private static func merged(_ tiers: [String: Tier], spelling: (String) -> String) -> [String: Tier] {
        var out: [String: Tier] = [:]
        for (name, tier) in tiers {
            let canonical = spelling(name)
            out[canonical] = out[canonical].map { Tier.stricter($0, tier) } ?? tier
        }
        return out
    }
}

extension Tier {
    /// The stricter of two tiers.
    static func stricter(_ a: Tier, _ b: Tier) -> Tier {
        let rank: [Tier: Int] = [.autonomous: 0, .approval: 1, .hardStop: 2]
        return rank[a]! >= rank[b]! ? a : b
    }
}
