public import Foundation

/// Reads a policy: the `[policy]` table of `nightshift.toml`, or the top level of a policy file
/// named by `policy = "FILE"`. Every mistake is a diagnostic at its line and column.
struct PolicyReader {
    static let keys = ["max_denials", "approval_expiry", "stage_gates", "catalog", "categories", "rules", "budgets"]
    /// Bounds of a budget's `count` and `money` (and of the usage a policy test case gives).
    static let maximumCount = 1_000_000_000
    static let maximumMoney = 1e12

    let table: TableReader

    func read() -> Policy? {
        var policy = Policy()
        let errorsBefore = table.sink.diagnostics.count
        if let count = table.int("max_denials", in: 0...10_000) { policy.maxDenials = count }
        if let expiry = table.duration("approval_expiry") {
            if expiry <= .zero {
                table.error("\(table.name("approval_expiry")) must be longer than 0", at: table.table["approval_expiry"]?.location ?? table.location)
            }
            policy.approvalExpiry = expiry
        }
        if let (stages, _) = table.stringArray("stage_gates") {
            policy.stageGates = Set(stages)
            let items = table.node("stage_gates")?.array ?? []
            var seen: [String: String] = [:]
            for (stage, item) in zip(stages, items) {
                if let first = seen.updateValue(stage, forKey: PolicyName.key(stage)) {
                    table.error("\(table.name("stage_gates")) lists \"\(stage)\" twice (as \"\(first)\"): names compare without regard to case", at: item.location)
                }
            }
        }
        if let catalog = table.subtable("catalog") {
            policy.catalog = Policy.withBuiltins(tiers(catalog, what: "action type"))
        }
        if let categories = table.subtable("categories") { policy.categories = tiers(categories, what: "category") }
        policy.rules = rules()
        policy.budgets = budgets()
        table.finish(known: Self.keys)
        policy.source = table.sink.file
        let failed = table.sink.diagnostics[errorsBefore...].contains { $0.severity == .error }
        return failed ? nil : policy
    }

    /// Reads every entry once, in order (a catalog may hold thousands of types: no lookups by key).
    private func tiers(_ table: TableReader, what: String) -> [String: Tier] {
        var tiers: [String: Tier] = [:]
        var seen: [String: String] = [:]
        for entry in table.table.entries {
            table.markRead(entry.key)
            if let first = seen.updateValue(entry.key, forKey: PolicyName.key(entry.key)) {
                table.error(
                    "\(table.name(entry.key)) is the \(what) \"\(first)\" again: names compare without regard to case; keep one",
                    at: entry.keyLocation)
                continue
            }
            guard let word = entry.node.string, let tier = Tier(rawValue: word) else {
                let allowed = Tier.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                let found = entry.node.string.map { "\"\($0)\"" } ?? TableReader.article(entry.node.typeName)
                table.error("\(table.name(entry.key)) must be one of \(allowed), found \(found)", at: entry.node.location)
                continue
            }
            tiers[entry.key] = tier
        }
        return tiers
    }

    /// The items of an array of tables `[[NAME]]`, each with its reader.
    private func items(_ key: String) -> [TableReader] {
        guard let node = table.node(key) else { return [] }
        guard let items = node.array, items.allSatisfy({ $0.table != nil }) else {
            table.error("\(table.name(key)) must be an array of tables ([[\(table.name(key))]])", at: node.location)
            return []
        }
        return items.enumerated().map { TableReader($1.table!, path: "\(table.name(key))[\($0)]", sink: table.sink) }
    }

    private func identifier(_ reader: TableReader, seen: inout Set<String>, what: String) -> String? {
        guard let (id, location) = reader.string("id") else {
            reader.error("\(reader.name("id")) is missing: every \(what) needs an id", at: reader.location)
            return nil
        }
        let valid = !id.isEmpty && id.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0) }
        guard valid else {
            reader.error("\(reader.name("id")) \"\(id)\" may contain only letters, digits, -, _ and .", at: location)
            return nil
        }
        guard seen.insert(id).inserted else {
            reader.error("\(what) id \"\(id)\" is used twice", at: location)
            return nil
        }
        return id
    }

    private func rules() -> [PolicyRule] {
        var rules: [PolicyRule] = []
        var seen: Set<String> = []
        for reader in items("rules") {
            defer { reader.finish(known: ["id", "effect", "types", "when", "reason"]) }
            let id = identifier(reader, seen: &seen, what: "rule")
            let effect = reader.choice("effect", PolicyRule.Effect.self)
            if !reader.has("effect") { reader.error("\(reader.name("effect")) is missing: \"forbid\", \"approve\" or \"allow\"", at: reader.location) }
            let types = reader.stringArray("types")?.0 ?? []
            var condition: Condition?
            var conditionFailed = false
            if let node = reader.node("when") {
                condition = Self.condition(node, path: reader.name("when"), sink: reader.sink)
                conditionFailed = condition == nil
            }
            let reason = reader.string("reason")?.0
            if reason == nil, !reader.has("reason") { reader.error("\(reader.name("reason")) is missing: say in one line why the rule exists", at: reader.location) }
            guard let id, let effect, let reason, !conditionFailed else { continue }
            rules.append(PolicyRule(id: id, effect: effect, types: Set(types), when: condition, reason: reason))
        }
        return rules
    }

    private func budgets() -> [Budget] {
        var budgets: [Budget] = []
        var seen: Set<String> = []
        for reader in items("budgets") {
            defer { reader.finish(known: ["id", "per", "types", "count", "money", "run_time"]) }
            let id = identifier(reader, seen: &seen, what: "budget")
            var budget = Budget(id: id ?? "")
            var failed = id == nil
            if reader.has("per") {
                if let per = reader.choice("per", Budget.Scope.self) { budget.per = per } else { failed = true }
            }
            budget.types = Set(reader.stringArray("types")?.0 ?? [])
            if reader.has("count") {
                budget.count = reader.int("count", in: 0...Self.maximumCount)
                failed = failed || budget.count == nil
            }
            if reader.has("money") {
                budget.money = reader.number("money", in: 0...Self.maximumMoney, expected: "a number of 0 or more and at most 1000000000000")
                failed = failed || budget.money == nil
            }
            budget.runTime = reader.duration("run_time")
            if budget.count == nil, budget.money == nil, budget.runTime == nil, !reader.has("count"), !reader.has("money"), !reader.has("run_time") {
                reader.error("budget \"\(budget.id)\" limits nothing: give count, money or run_time", at: reader.location)
                continue
            }
            if !failed { budgets.append(budget) }
        }
        return budgets
    }

    /// A condition: `[FIELD, OP, VALUE]`, `{ all = [...] }`, `{ any = [...] }` or `{ not = C }`.
    static func condition(_ node: TOMLNode, path: String, sink: DiagnosticSink) -> Condition? {
        if let items = node.array {
            guard items.count == 3, let fieldName = items[0].string, let opName = items[1].string else {
                sink.add("\(path): a comparison is [FIELD, OP, VALUE], e.g. [\"context.hour\", \"<\", 7]", at: node.location)
                return nil
            }
            guard let op = ComparisonOperator(rawValue: opName) else {
                let known = ComparisonOperator.allCases.map(\.rawValue).joined(separator: " ")
                sink.add("\(path): unknown operator \"\(opName)\"; use one of \(known)", at: items[1].location)
                return nil
            }
            let field: PolicyField
            do { field = try PolicyField(parsing: fieldName) } catch {
                sink.add("\(path): \(error.message)", at: items[0].location)
                return nil
            }
            guard let value = json(items[2]) else {
                sink.add("\(path): the value must be a string, number, boolean or an array of them, found \(TableReader.article(items[2].typeName))", at: items[2].location)
                return nil
            }
            do {
                return .compare(try Comparison(field: field, op: op, value: value))
            } catch {
                sink.add("\(path): \(error.message)", at: Self.location(of: error.at, in: items))
                return nil
            }
        }
        guard let table = node.table, table.entries.count == 1, let entry = table.entries.first, ["all", "any", "not"].contains(entry.key) else {
            sink.add("\(path) must be a comparison [FIELD, OP, VALUE] or a table with one of all = [...], any = [...], not = ...", at: node.location)
            return nil
        }
        let inner = "\(path).\(entry.key)"
        if entry.key == "not" {
            return condition(entry.node, path: inner, sink: sink).map { .not($0) }
        }
        guard let list = entry.node.array, !list.isEmpty else {
            sink.add("\(inner) must be a non-empty array of conditions", at: entry.node.location)
            return nil
        }
        var conditions: [Condition] = []
        var failed = false
        for (index, item) in list.enumerated() {
            if let condition = condition(item, path: "\(inner)[\(index)]", sink: sink) { conditions.append(condition) } else { failed = true }
        }
        guard !failed else { return nil }
        return entry.key == "all" ? .all(conditions) : .any(conditions)
    }

    /// Where a comparison's problem is: its FIELD, or a part of its VALUE (an element, or a key
    /// of a table).
    private static func location(of steps: [PolicyValueError.Step], in items: [TOMLNode]) -> SourcePosition {
        var node = items[2]
        var location = node.location
        for step in steps {
            switch step {
            case .field:
                return items[0].location
            case .index(let index):
                guard let elements = node.array, elements.indices.contains(index) else { return location }
                node = elements[index]
                location = node.location
            case .key(let key):
                guard let entry = node.table?.entries.first(where: { $0.key == key }) else { return location }
                node = entry.node
                location = entry.keyLocation
            }
        }
        return location
    }

    /// A TOML value as JSON; nil for dates and tables of tables that JSON cannot hold.
    static func json(_ node: TOMLNode) -> JSONValue? {
        switch node.value {
        case .string(let text): return .string(text)
        case .integer(let value): return .integer(value)
        case .float(let value): return .number(value)
        case .boolean(let value): return .bool(value)
        case .array(let items):
            var values: [JSONValue] = []
            for item in items {
                guard let value = json(item) else { return nil }
                values.append(value)
            }
            return .array(values)
        case .table(let table):
            var members: [String: JSONValue] = [:]
            for entry in table.entries {
                guard let value = json(entry.node) else { return nil }
                members[entry.key] = value
            }
            return .object(members)
        default:
            return nil
        }
    }
}

extension ConfigLoader {
    /// Parses a policy file (the top-level form of `[policy]`).
    public static func parsePolicy(_ text: String, file: String) -> (Policy?, [ConfigDiagnostic]) {
        let sink = DiagnosticSink(file: file)
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            sink.add(error.message, at: error.location)
            return (nil, sink.diagnostics)
        }
        let policy = PolicyReader(table: TableReader(root, path: "", sink: sink)).read()
        return (sink.hasErrors ? nil : policy, sink.diagnostics.sorted { $0.location < $1.location })
    }

    /// Reads a policy file from disk; `file` names it in messages.
    public static func loadPolicy(path: String, file: String) throws(ConfigError) -> Policy {
        let text = try readText(path: path, file: file)
        let (policy, diagnostics) = parsePolicy(text, file: file)
        guard let policy else { throw ConfigError(diagnostics: diagnostics) }
        return policy
    }
}
