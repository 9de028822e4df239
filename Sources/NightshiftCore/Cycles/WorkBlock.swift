public import Foundation

/// The record of one plan → act → react → reflect work block (a cycle with
/// `shape = "plan-act-react-reflect"`), assembled from the structured output of its four phases.
///
/// Each phase prints its part as `NIGHTSHIFT_OUTPUT {…}`; the fields Nightshift reads are:
/// - plan: `inputs` (what was considered), `actions` (the action queue: `{name, command}` or
///   `{name, webhook}`)
/// - act (built in when the step has no `run`): `executed`, `blocked`, `failed`
/// - react: `outcomes`, `metrics` (metric changes)
/// - reflect: `did`, `moved`, `blocked`, `next`, `hypotheses`
public struct WorkBlock: Sendable, Hashable, Codable {
    public var plan: JSONValue?
    public var act: JSONValue?
    public var react: JSONValue?
    public var reflect: JSONValue?

    public init(plan: JSONValue? = nil, act: JSONValue? = nil, react: JSONValue? = nil, reflect: JSONValue? = nil) {
        self.plan = plan
        self.act = act
        self.react = react
        self.reflect = reflect
    }

    /// The work block of a run, from its steps' stored outputs; nil when no phase printed one.
    public init?(steps: [StepRecord]) {
        func output(_ name: String) -> JSONValue? {
            steps.first { $0.name == name }?.output.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        }
        self.init(plan: output("plan"), act: output("act"), react: output("react"), reflect: output("reflect"))
        if plan == nil, act == nil, react == nil, reflect == nil { return nil }
    }

    /// The phases in order with their records, for rendering.
    public var phases: [(name: String, record: JSONValue?)] {
        [("plan", plan), ("act", act), ("react", react), ("reflect", reflect)]
    }

    /// The built-in act phase: executes each item of the plan's `actions` through `executor`
    /// (the policy issue routes these through the gate) and prints what was executed, what was
    /// blocked (an item it cannot execute) and what failed, as the phase's structured output.
    static func act(plan: JSONValue?, executor: any ActionExecutor, context: ActionContext) async -> ActionResult {
        var executed: [JSONValue] = []
        var blocked: [JSONValue] = []
        var failed: [JSONValue] = []
        var items: [JSONValue] = []
        if case .array(let list)? = plan?["actions"] { items = list }
        for (position, item) in items.enumerated() {
            let name = item["name"]?.text ?? "action \(position + 1)"
            guard let action = jobAction(item) else {
                blocked.append(.object(["name": .string(name), "reason": .string("needs command = [\"…\"] or webhook = \"https://…\"")]))
                continue
            }
            var itemContext = context
            itemContext.runEnvironment["NIGHTSHIFT_ACTION"] = name
            itemContext.runEnvironment["NIGHTSHIFT_IDEMPOTENCY_KEY"] = (context.runEnvironment["NIGHTSHIFT_IDEMPOTENCY_KEY"] ?? "") + ":\(position)"
            let result = await executor.execute(action, context: itemContext)
            if result.cancelled || Task.isCancelled { return ActionResult(succeeded: false, error: "cancelled", cancelled: true) }
            if result.succeeded {
                executed.append(.object(["name": .string(name), "status": result.exitStatus.map { .integer(Int64($0)) } ?? .null]))
            } else {
                failed.append(.object(["name": .string(name), "error": .string(result.error ?? "failed")]))
            }
        }
        let record = JSONValue.object(["executed": .array(executed), "blocked": .array(blocked), "failed": .array(failed)])
        let summary = "act: \(executed.count) executed, \(blocked.count) blocked, \(failed.count) failed"
        return ActionResult(
            succeeded: failed.isEmpty, error: failed.isEmpty ? nil : "\(failed.count) of \(items.count) plan actions failed",
            output: "\(summary)\n\(StepOutput.marker)\(record.text)\n", excerpt: summary
        )
    }

    private static func jobAction(_ item: JSONValue) -> JobAction? {
        switch item["command"] {
        case .array(let parts)?:
            let argv = parts.compactMap { if case .string(let text) = $0 { text } else { nil } }
            guard argv.count == parts.count, !argv.isEmpty else { return nil }
            return .command(CommandAction(program: .argv(argv)))
        case .string(let line)?:
            return .command(CommandAction(program: .shell(line)))
        default:
            break
        }
        if case .string(let url)? = item["webhook"], url.hasPrefix("http://") || url.hasPrefix("https://") {
            return .webhook(WebhookAction(url: .literal(url)))
        }
        return nil
    }
}
