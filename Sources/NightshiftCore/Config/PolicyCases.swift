public import Foundation

/// One expected decision of a `policy test` cases file.
public struct PolicyCase: Sendable {
    public var name: String
    public var action: ProposedAction
    /// Context values replacing the clock's and the store's (`context = { hour = 5 }`).
    public var context: [ContextField: JSONValue]
    /// Budget usage so far today, by budget id.
    public var usage: [String: Usage]
    public var expect: Verdict
    /// One of the deciders must be this.
    public var expectRule: String?
    /// Where the case starts, for messages.
    public var location: SourcePosition

    /// Runs the case against `engine` at `now`; nil when it passes, else why not.
    public func check(_ engine: PolicyEngine, now: Date, timeZone: TimeZone) -> (decision: Decision, failure: String?) {
        var policyContext = PolicyContext(now: now, timeZone: timeZone, budgetUsage: usage)
        for (field, value) in context { policyContext.override(field, with: value) }
        let decision = engine.decide(action, context: policyContext)
        if decision.verdict != expect {
            return (decision, "expected \(expect), got \(decision.verdict) decided by \(decision.decidedBy.joined(separator: ", ")): \(decision.reason)")
        }
        if let expectRule, !decision.decidedBy.contains(expectRule) {
            return (decision, "expected \(expect) decided by \(expectRule), but it was decided by \(decision.decidedBy.joined(separator: ", ")): \(decision.reason)")
        }
        return (decision, nil)
    }
}

extension ConfigLoader {
    /// Parses a cases file: `[[cases]]` tables with name, type, attributes, payload, actor, tenant,
    /// context, usage, expect and expect_rule.
    public static func parsePolicyCases(_ text: String, file: String) -> ([PolicyCase]?, [ConfigDiagnostic]) {
        let sink = DiagnosticSink(file: file)
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            sink.add(error.message, at: error.location)
            return (nil, sink.diagnostics)
        }
        let reader = TableReader(root, path: "", sink: sink)
        var cases: [PolicyCase] = []
        if let node = reader.node("cases") {
            if let items = node.array, items.allSatisfy({ $0.table != nil }) {
                for (index, item) in items.enumerated() {
                    if let parsed = readCase(TableReader(item.table!, path: "cases[\(index)]", sink: sink), index: index) { cases.append(parsed) }
                }
            } else {
                sink.add("cases must be an array of tables ([[cases]])", at: node.location)
            }
        } else {
            sink.add("no cases: add [[cases]] tables with name, type, expect", at: root.location)
        }
        reader.finish(known: ["cases"])
        let sorted = sink.diagnostics.sorted { $0.location < $1.location }
        return (sink.hasErrors ? nil : cases, sorted)
    }

    private static func readCase(_ reader: TableReader, index: Int) -> PolicyCase? {
        defer { reader.finish(known: ["name", "type", "attributes", "payload", "actor", "tenant", "context", "usage", "expect", "expect_rule"]) }
        let name = reader.string("name")?.0 ?? "case \(index + 1)"
        guard let (type, _) = reader.string("type") else {
            reader.error("\(reader.path) needs type = \"ACTION_TYPE\"", at: reader.location)
            return nil
        }
        guard let expect = reader.choice("expect", Verdict.self) else {
            if !reader.has("expect") { reader.error("\(reader.path) needs expect = \"allow\", \"approve\" or \"forbid\"", at: reader.location) }
            return nil
        }
        var action = ProposedAction(type: type, actor: Actor(.cli, "operator"))
        if let node = reader.node("attributes") {
            guard case .object(let members)? = PolicyReader.json(node) else {
                reader.error("\(reader.name("attributes")) must be a table", at: node.location)
                return nil
            }
            action.attributes = members
        }
        if let node = reader.node("payload") {
            guard let payload = PolicyReader.json(node) else {
                reader.error("\(reader.name("payload")) must be a table of plain values", at: node.location)
                return nil
            }
            action.payload = payload
        }
        if let (text, location) = reader.string("actor") {
            guard let actor = Actor(parsing: text) else {
                let kinds = Actor.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                reader.error("\(reader.name("actor")) must be KIND:NAME with KIND one of \(kinds), found \"\(text)\"", at: location)
                return nil
            }
            action.actor = actor
        }
        action.tenant = reader.string("tenant")?.0
        var context: [ContextField: JSONValue] = [:]
        if let table = reader.subtable("context") {
            for entry in table.table.entries {
                guard let field = ContextField(rawValue: entry.key) else {
                    let known = ContextField.allCases.map(\.rawValue).joined(separator: ", ")
                    table.error("unknown context value \"\(entry.key)\"; known: \(known)", at: entry.keyLocation)
                    continue
                }
                guard let value = PolicyReader.json(entry.node) else {
                    table.error("\(table.name(entry.key)) must be a plain value", at: entry.node.location)
                    continue
                }
                // Counts become Ints: only a whole number in range converts without a trap.
                if entry.key.hasPrefix("count_"), !(value.double.map { (0...Double(PolicyReader.maximumCount)).contains($0) } ?? false) {
                    table.error("\(table.name(entry.key)) must be a count between 0 and \(PolicyReader.maximumCount)", at: entry.node.location)
                    continue
                }
                if entry.key == ContextField.spentToday.rawValue, !(value.double?.isFinite ?? false) {
                    table.error("\(table.name(entry.key)) must be a finite number", at: entry.node.location)
                    continue
                }
                context[field] = value
                _ = table.node(entry.key)
            }
        }
        var usage: [String: Usage] = [:]
        if let table = reader.subtable("usage") {
            for entry in table.table.entries {
                guard let budget = table.subtable(entry.key) else { continue }
                var used = Usage()
                if let count = budget.int("count", in: 0...PolicyReader.maximumCount) { used.count = count }
                if let money = budget.number("money", in: 0...PolicyReader.maximumMoney, expected: "a number of 0 or more and at most 1000000000000") {
                    used.money = money
                }
                if let runTime = budget.duration("run_time") { used.runSeconds = runTime.inSeconds }
                budget.finish(known: ["count", "money", "run_time"])
                usage[entry.key] = used
            }
        }
        return PolicyCase(
            name: name, action: action, context: context, usage: usage, expect: expect, expectRule: reader.string("expect_rule")?.0,
            location: reader.location
        )
    }
}
