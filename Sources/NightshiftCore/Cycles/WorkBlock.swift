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

    /// The built-in act phase: proposes each item of the plan's `actions` through the policy gate
    /// and prints what was executed, what was blocked (parked for approval, forbidden, or not
    /// executable) and what failed, as the phase's structured output.
    ///
    /// An item is `{name, type?, attributes?, command | webhook}`: `type` defaults to
    /// `run_command` / `call_webhook`; an item with a type but nothing to execute is decided and
    /// recorded (a pack or the operator carries it out).
    static func act(plan: JSONValue?, gate: PolicyGate, actor: Actor, tenant: String, context: ActionContext) async -> ActionResult {
        var executed: [JSONValue] = []
        var blocked: [JSONValue] = []
        var failed: [JSONValue] = []
        var items: [JSONValue] = []
        if case .array(let list)? = plan?["actions"] { items = list }
        var stopped = false
        for (position, item) in items.enumerated() {
            let name = item["name"]?.text ?? "action \(position + 1)"
            guard !stopped else {
                blocked.append(.object(["name": .string(name), "reason": .string("not proposed: the run had too many denials")]))
                continue
            }
            guard case .object(var payload) = item else {
                blocked.append(.object(["name": .string(name), "reason": .string("a plan action must be an object")]))
                continue
            }
            var attributes: [String: JSONValue] = [:]
            if case .object(let members)? = payload["attributes"] { attributes = members }
            let declaredType = payload["type"]?.stringValue
            for key in ["name", "type", "attributes"] { payload[key] = nil }
            let executable = JobAction(payload: .object(payload))
            guard let type = declaredType ?? executable?.defaultActionType else {
                blocked.append(.object(["name": .string(name), "reason": .string("needs type = \"…\", command = [\"…\"] or webhook = \"https://…\"")]))
                continue
            }
            attributes["plan_item"] = .string(name)
            let proposal = ProposedAction(
                type: type, attributes: attributes, payload: executable?.payload ?? .object(payload), actor: actor,
                tenant: tenant.isEmpty ? nil : tenant, summary: "plan item \(name)\(executable.map { ": \($0.summary)" } ?? "")"
            )
            var itemContext = context
            itemContext.runEnvironment["NIGHTSHIFT_ACTION"] = name
            itemContext.runEnvironment["NIGHTSHIFT_IDEMPOTENCY_KEY"] = (context.runEnvironment["NIGHTSHIFT_IDEMPOTENCY_KEY"] ?? "") + ":\(position)"
            let result: ActionResult
            do {
                result = try await gate.propose(proposal, runID: context.runID, context: itemContext).result
            } catch {
                failed.append(.object(["name": .string(name), "error": .string("the policy gate could not record it: \(error)")]))
                continue
            }
            if result.cancelled || Task.isCancelled { return ActionResult(succeeded: false, error: "cancelled", cancelled: true) }
            if let note = result.gate {
                blocked.append(.object([
                    "name": .string(name), "type": .string(type), "verdict": .string(note.verdict.rawValue),
                    "action_id": .string(note.actionID), "reason": .string(note.reason),
                ]))
                stopped = note.stopRun
            } else if result.succeeded {
                executed.append(.object([
                    "name": .string(name), "type": .string(type),
                    "status": result.exitStatus.map { .integer(Int64($0)) } ?? (executable == nil ? .string("allowed") : .null),
                ]))
            } else {
                failed.append(.object(["name": .string(name), "type": .string(type), "error": .string(result.error ?? "failed")]))
            }
        }
        var members: [String: JSONValue] = ["executed": .array(executed), "blocked": .array(blocked), "failed": .array(failed)]
        if stopped { members["stopped"] = .string("the run had more than max_denials forbidden or rejected actions") }
        let record = JSONValue.object(members)
        let summary = "act: \(executed.count) executed, \(blocked.count) blocked, \(failed.count) failed"
        return ActionResult(
            succeeded: failed.isEmpty, error: failed.isEmpty ? nil : "\(failed.count) of \(items.count) plan actions failed",
            output: "\(summary)\n\(StepOutput.marker)\(record.text)\n", excerpt: summary
        )
    }

    /// The plan items the built-in act left parked or forbidden (by name), and whether it stopped
    /// the run for too many denials, from its structured output.
    static func gated(_ output: JSONValue?) -> (parked: [String], forbidden: [String], stopped: Bool) {
        var parked: [String] = [], forbidden: [String] = []
        if case .array(let items)? = output?["blocked"] {
            for item in items {
                let name = item["name"]?.text ?? "?"
                switch item["verdict"]?.stringValue {
                case "approve": parked.append(name)
                case "forbid": forbidden.append(name)
                default: break
                }
            }
        }
        return (parked, forbidden, output?["stopped"] != nil)
    }
}
