public import Foundation

/// A condition of a rule over an action and its context: comparisons combined with all/any/not.
public indirect enum Condition: Sendable {
    case all([Condition])
    case any([Condition])
    case not(Condition)
    case compare(Comparison)

    /// Whether the condition holds (an unknown is not a yes).
    public func holds(for action: ProposedAction, in context: PolicyContext) -> Bool {
        evaluate(for: action, in: context) == .yes
    }

    /// Whether the condition holds: `.unknown` when a `runs` or `runs_only` comparison cannot
    /// tell (docs/POLICY.md, "The commands an action runs"), combined by Kleene's logic (`not` unknown is unknown).
    public func evaluate(for action: ProposedAction, in context: PolicyContext) -> Truth {
        evaluate(PolicySubject(action: action, context: context))
    }

    func evaluate(_ subject: PolicySubject) -> Truth {
        switch self {
        case .all(let conditions):
            return Truth.all(conditions.lazy.map { $0.evaluate(subject) })
        case .any(let conditions):
            return Truth.any(conditions.lazy.map { $0.evaluate(subject) })
        case .not(let condition):
            return condition.evaluate(subject).negated
        case .compare(let comparison):
            return comparison.evaluate(subject)
        }
    }

    /// The action types the condition requires (`type == X`, `type in [...]`, at the top or inside
    /// a top-level `all`); nil when it does not pin the type. Lets the engine index rules by type.
    var requiredTypes: Set<String>? {
        switch self {
        case .compare(let comparison) where comparison.field == .type:
            switch (comparison.op, comparison.value) {
            case (.equal, .string(let type)): return [type]
            case (.in, .array(let items)):
                let types = items.compactMap { if case .string(let type) = $0 { type } else { nil } }
                return types.count == items.count ? Set(types) : nil
            default: return nil
            }
        case .all(let conditions):
            return conditions.lazy.compactMap(\.requiredTypes).first
        default:
            return nil
        }
    }

    /// The context values the condition reads (`context.NAME` fields of its comparisons).
    var contextFields: Set<ContextField> {
        switch self {
        case .all(let conditions), .any(let conditions): conditions.reduce(into: []) { $0.formUnion($1.contextFields) }
        case .not(let condition): condition.contextFields
        case .compare(let comparison): if case .context(let field) = comparison.field { [field] } else { [] }
        }
    }

    /// The condition as written, with the values the action had, for `policy explain`.
    public func explain(for action: ProposedAction, in context: PolicyContext) -> String {
        explain(PolicySubject(action: action, context: context))
    }

    func explain(_ subject: PolicySubject) -> String {
        switch self {
        case .all(let conditions): "all(" + conditions.map { $0.explain(subject) }.joined(separator: ", ") + ")"
        case .any(let conditions): "any(" + conditions.map { $0.explain(subject) }.joined(separator: ", ") + ")"
        case .not(let condition): "not(" + condition.explain(subject) + ")"
        case .compare(let comparison):
            "\(comparison.fieldName) \(comparison.op.rawValue) \(comparison.value.canonical) [" + comparison.explain(subject) + "]"
        }
    }
}

/// One action and its context while a decision is made: the command it runs is read once, the
/// first time a rule asks, however many rules ask.
final class PolicySubject {
    let action: ProposedAction
    let context: PolicyContext
    private(set) lazy var command: CommandAnalysis? = CommandAnalysis(action)

    init(action: ProposedAction, context: PolicyContext) {
        self.action = action
        self.context = context
    }
}

public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case `in`, notIn = "not_in", contains, matches
    /// Some command the action runs is one of the patterns (docs/POLICY.md, "The commands an action runs").
    case runs
    /// Every command the action runs is allowed by one of the patterns.
    case runsOnly = "runs_only"
}

/// `[FIELD, OP, VALUE]`.
public struct Comparison: Sendable {
    public var field: PolicyField
    public var op: ComparisonOperator
    public var value: JSONValue
    /// The compiled `matches` pattern.
    let pattern: CompiledPattern?
    /// On a name (`type`, `stage`, `category`) every operator ignores case: values are compared
    /// by their ``PolicyName/key(_:)``, and this is `value` in that form.
    let nameKey: JSONValue?
    /// The patterns of `runs` and `runs_only`.
    let commands: [CommandPattern]

    /// Fails with a message when `matches` is given no valid regular expression, or `in`/`not_in`
    /// no array.
    public init(field: PolicyField, op: ComparisonOperator, value: JSONValue) throws(PolicyValueError) {
        self.field = field
        self.op = op
        self.value = value
        nameKey = field.isName ? value.nameKey : nil
        var commands: [CommandPattern] = []
        switch op {
        case .matches:
            guard case .string(let text) = value else { throw PolicyValueError("matches needs a regular expression string") }
            do {
                pattern = CompiledPattern(try NSRegularExpression(pattern: text, options: field.isName ? [.caseInsensitive] : []))
            } catch {
                throw PolicyValueError("\"\(text)\" is not a valid regular expression")
            }
        case .in, .notIn:
            guard case .array = value else { throw PolicyValueError("\(op.rawValue) needs an array value") }
            pattern = nil
        case .runs, .runsOnly:
            guard field == .attribute(["command"]) else {
                throw PolicyValueError(
                    "\(op.rawValue) reads the command the action runs, whichever shape it comes in (the command attribute, payload.shell, payload.command): write [\"command\", \"\(op.rawValue)\", …]"
                ).inside(.field)
            }
            pattern = nil
            commands = try CommandPattern.list(value, for: op)
        default:
            pattern = nil
        }
        self.commands = commands
    }

    public func holds(for action: ProposedAction, in context: PolicyContext) -> Bool {
        evaluate(PolicySubject(action: action, context: context)) == .yes
    }

    func evaluate(_ subject: PolicySubject) -> Truth {
        switch op {
        case .runs, .runsOnly:
            guard let command = subject.command else { return .no }
            return (op == .runs ? command.runs(commands) : command.runsOnly(commands, executable: subject.context.executable)).0
        default:
            return Truth(compare(subject.action, subject.context))
        }
    }

    /// The field as the policy names it: `command` for `runs` and `runs_only`.
    var fieldName: String { op == .runs || op == .runsOnly ? "command" : field.description }

    /// The field's value and the outcome, for `policy explain`.
    func explain(_ subject: PolicySubject) -> String {
        switch op {
        case .runs, .runsOnly:
            guard let command = subject.command else { return "the action runs no command: false" }
            let (truth, why) = op == .runs
                ? command.runs(commands, explain: true) : command.runsOnly(commands, executable: subject.context.executable, explain: true)
            return "\(why ?? ""): \(truth)"
        default:
            let actual = field.value(of: subject.action, in: subject.context)?.canonical ?? "missing"
            return "\(field) = \(actual): \(evaluate(subject))"
        }
    }

    private func compare(_ action: ProposedAction, _ context: PolicyContext) -> Bool {
        guard var actual = field.value(of: action, in: context) else { return false }
        var value = value
        if let nameKey, op != .matches {
            actual = actual.nameKey
            value = nameKey
        }
        switch op {
        case .equal: return Self.equal(actual, value)
        case .notEqual: return !Self.equal(actual, value)
        case .less: return Self.order(actual, value).map { $0 < 0 } ?? false
        case .lessOrEqual: return Self.order(actual, value).map { $0 <= 0 } ?? false
        case .greater: return Self.order(actual, value).map { $0 > 0 } ?? false
        case .greaterOrEqual: return Self.order(actual, value).map { $0 >= 0 } ?? false
        case .in:
            guard case .array(let items) = value else { return false }
            return items.contains { Self.equal(actual, $0) }
        case .notIn:
            guard case .array(let items) = value else { return false }
            return !items.contains { Self.equal(actual, $0) }
        case .contains:
            switch (actual, value) {
            case (.array(let items), _): return items.contains { Self.equal($0, value) }
            case (.string(let text), .string(let part)): return text.contains(part)
            default: return false
            }
        case .matches:
            guard case .string(let text) = actual, let pattern else { return false }
            return pattern.matches(text)
        case .runs, .runsOnly:
            return false // evaluated on the command, not on a value
        }
    }

    /// Numbers compare by value whatever their representation; everything else structurally.
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.double, let y = b.double { return x == y }
        return a == b
    }

    /// -1, 0, 1 for two numbers or two strings; nil for anything else.
    static func order(_ a: JSONValue, _ b: JSONValue) -> Int? {
        if let x = a.double, let y = b.double { return x < y ? -1 : (x == y ? 0 : 1) }
        if case .string(let x) = a, case .string(let y) = b { return x < y ? -1 : (x == y ? 0 : 1) }
        return nil
    }
}

/// A compiled regular expression. `NSRegularExpression` is immutable and thread-safe.
struct CompiledPattern: @unchecked Sendable {
    let regex: NSRegularExpression
    init(_ regex: NSRegularExpression) { self.regex = regex }

    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

/// Why a comparison's value is unusable.
public struct PolicyValueError: Error, Sendable {
    /// A step from a comparison to the part of it that is wrong.
    public enum Step: Sendable, Hashable {
        /// The FIELD of `[FIELD, OP, VALUE]` (by default the error is in VALUE).
        case field
        case index(Int)
        case key(String)
    }
    public var message: String
    /// Where in VALUE (or at FIELD) the problem is; empty: VALUE itself.
    public var at: [Step] = []
    public init(_ message: String) { self.message = message }
}

/// What a comparison reads: part of the action, or of its context.
public enum PolicyField: Sendable, Hashable, CustomStringConvertible {
    case type, tenant, actor, actorKind, actorName
    case attribute([String])
    case payload([String])
    case context(ContextField)

    /// Parses a field name as written in a rule.
    public init(parsing text: String) throws(PolicyValueError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !text.isEmpty, !parts.contains(where: \.isEmpty) else { throw PolicyValueError("\"\(text)\" is not a field name") }
        switch parts[0] {
        case "type" where parts.count == 1: self = .type
        case "tenant" where parts.count == 1: self = .tenant
        case "actor" where parts.count == 1: self = .actor
        case "actor" where parts == ["actor", "kind"]: self = .actorKind
        case "actor" where parts == ["actor", "name"]: self = .actorName
        case "actor": throw PolicyValueError("unknown field \"\(text)\" (actor, actor.kind or actor.name)")
        case "attributes":
            guard parts.count > 1 else { throw PolicyValueError("\"attributes\" needs a name: attributes.NAME") }
            self = .attribute(Array(parts.dropFirst()))
        case "payload":
            self = .payload(Array(parts.dropFirst()))
        case "context":
            guard parts.count == 2, let field = ContextField(rawValue: parts[1]) else {
                let known = ContextField.allCases.map { "context.\($0.rawValue)" }.joined(separator: ", ")
                throw PolicyValueError("unknown field \"\(text)\"; the context has \(known)")
            }
            self = .context(field)
        default:
            self = .attribute(parts)
        }
    }

    /// Whether the field holds a name the policy compares without regard to case: the type, the
    /// `stage` or the `category` attribute.
    var isName: Bool {
        switch self {
        case .type: true
        case .attribute(let path): path == ["stage"] || path == ["category"]
        default: false
        }
    }

    public var description: String {
        switch self {
        case .type: "type"
        case .tenant: "tenant"
        case .actor: "actor"
        case .actorKind: "actor.kind"
        case .actorName: "actor.name"
        case .attribute(let path): "attributes." + path.joined(separator: ".")
        case .payload(let path): (["payload"] + path).joined(separator: ".")
        case .context(let field): "context.\(field.rawValue)"
        }
    }

    /// The field's value for `action`, or nil when it has none.
    public func value(of action: ProposedAction, in context: PolicyContext) -> JSONValue? {
        switch self {
        case .type: return .string(action.type)
        case .tenant: return action.tenant.map { .string($0) }
        case .actor: return .string(action.actor.description)
        case .actorKind: return .string(action.actor.kind.rawValue)
        case .actorName: return .string(action.actor.name)
        case .attribute(let path):
            guard var current = action.attributes[path[0]] else { return nil }
            for component in path.dropFirst() {
                guard let next = current.child(component) else { return nil }
                current = next
            }
            return current
        case .payload(let path):
            var current = action.payload
            for component in path {
                guard let next = current.child(component) else { return nil }
                current = next
            }
            return current
        case .context(let field):
            return context.value(field)
        }
    }
}

extension JSONValue {
    /// A string as its ``PolicyName/key(_:)``, an array with its strings so; anything else as is.
    var nameKey: JSONValue {
        switch self {
        case .string(let text): .string(PolicyName.key(text))
        case .array(let items): .array(items.map(\.nameKey))
        default: self
        }
    }

    /// An object's member or an array's element by index.
    func child(_ key: String) -> JSONValue? {
        switch self {
        case .object(let members): members[key]
        case .array(let items): Int(key).flatMap { items.indices.contains($0) ? items[$0] : nil }
        default: nil
        }
    }
}
