public import Foundation

/// How the policy sees a declared job's or cycle step's action: its type (default `run_command` or
/// `call_webhook`) and attributes (`action_type = "delete_old_logs"`, `attributes = { … }`).
public struct PolicyLabel: Sendable, Hashable {
    public var type: String?
    public var attributes: [String: JSONValue]

    public init(type: String? = nil, attributes: [String: JSONValue] = [:]) {
        self.type = type
        self.attributes = attributes
    }
}

extension JobAction {
    /// The command line, the webhook's method and URL (secrets stay references), or the cycle.
    public var summary: String {
        switch self {
        case .command(let command): command.displayString
        case .webhook(let webhook): "\(webhook.method) \(webhook.url.description)"
        case .cycle(let name): "cycle \(name)"
        case .step(let name): "step \(name)"
        }
    }

    /// The built-in action type of a command or webhook.
    public var defaultActionType: String {
        switch self {
        case .command: "run_command"
        case .webhook: "call_webhook"
        case .cycle: "run_cycle"
        case .step: "run_step"
        }
    }

    /// What exactly would be executed, as JSON: `{"command": [...]}` or `{"shell": "..."}` with
    /// `cwd` and `env` (names only), or `{"webhook": {"url", "method", "headers", "body"}}` where
    /// secrets stay `env:NAME` references.
    public var payload: JSONValue {
        switch self {
        case .command(let command):
            var members: [String: JSONValue] = [:]
            switch command.program {
            case .argv(let argv): members["command"] = .array(argv.map { .string($0) })
            case .shell(let line): members["shell"] = .string(line)
            }
            if let cwd = command.workingDirectory { members["cwd"] = .string(cwd) }
            if !command.environment.isEmpty { members["env"] = .array(command.environment.map { .string($0) }) }
            return .object(members)
        case .webhook(let webhook):
            var members: [String: JSONValue] = ["url": .string(webhook.url.description), "method": .string(webhook.method)]
            if !webhook.headers.isEmpty { members["headers"] = .object(webhook.headers.mapValues { .string($0.description) }) }
            if let body = webhook.body { members["body"] = .string(body) }
            return .object(["webhook": .object(members)])
        case .cycle(let name):
            return .object(["cycle": .string(name)])
        case .step(let name):
            return .object(["step": .string(name)])
        }
    }

    /// The command or webhook a payload describes; nil when it describes neither (then the action
    /// has no built-in executor: `propose` only decides and records it).
    public init?(payload: JSONValue) {
        if case .array? = payload["command"] {
            guard let command = CommandAction(argv: "command", in: payload) else { return nil }
            self = .command(command)
        } else if case .string(let line)? = payload["shell"] ?? payload["command"], !line.isEmpty {
            self = .command(CommandAction(program: .shell(line), workingDirectory: payload["cwd"]?.stringValue, environment: CommandAction.environmentNames(in: payload)))
        } else if let webhook = payload["webhook"] {
            let spec = webhook.stringValue.map { JSONValue.object(["url": .string($0)]) } ?? webhook
            guard let url = spec["url"]?.stringValue, url.hasPrefix("http://") || url.hasPrefix("https://") || url.hasPrefix("env:") else { return nil }
            var headers: [String: SecretValue] = [:]
            if case .object(let members)? = spec["headers"] {
                for (name, value) in members { headers[name] = SecretValue(parsing: value.text) }
            }
            self = .webhook(WebhookAction(url: SecretValue(parsing: url), method: spec["method"]?.stringValue ?? "POST", headers: headers, body: spec["body"]?.stringValue))
        } else if case .string(let name)? = payload["step"], PackStepName.isValid(name) {
            self = .step(name)
        } else {
            return nil
        }
    }

}

extension CommandAction {
    /// The command a payload names as an argv array under `key` (`command`, or a spawn's `agent`),
    /// with the payload's `cwd` and `env` names; nil when `key` holds no non-empty array of strings.
    public init?(argv key: String, in payload: JSONValue) {
        guard case .array(let parts)? = payload[key] else { return nil }
        let argv = parts.compactMap(\.stringValue)
        guard argv.count == parts.count, !argv.isEmpty else { return nil }
        self.init(program: .argv(argv), workingDirectory: payload["cwd"]?.stringValue, environment: Self.environmentNames(in: payload))
    }

    /// The names of the environment variables a payload passes (`env`).
    static func environmentNames(in payload: JSONValue) -> [String] {
        guard case .array(let items)? = payload["env"] else { return [] }
        return items.compactMap(\.stringValue)
    }
}

extension JSONValue {
    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let text) = self { text } else { nil }
    }
}

extension ProposedAction {
    /// The action a declared job proposes when it runs: its `action_type` (or `run_command` /
    /// `call_webhook`), its `attributes` plus `job`, and the command or webhook as the payload.
    public init(job: Job) {
        var attributes = job.policyLabel.attributes
        attributes["job"] = attributes["job"] ?? .string(job.name)
        self.init(
            type: job.policyLabel.type ?? job.action.defaultActionType, attributes: attributes, payload: job.action.payload,
            actor: Actor(.job, job.name), summary: "job \(job.name): \(job.action.summary)"
        )
    }

    /// The action a cycle step proposes: like a job's, with `cycle` and `step` attributes, the
    /// cycle as actor and the run's tenant.
    public init(step: CycleStep, action: JobAction, cycle: String, tenant: String) {
        var attributes = step.policyLabel.attributes
        attributes["cycle"] = attributes["cycle"] ?? .string(cycle)
        attributes["step"] = attributes["step"] ?? .string(step.name)
        self.init(
            type: step.policyLabel.type ?? action.defaultActionType, attributes: attributes, payload: action.payload,
            actor: Actor(.cycle, cycle), tenant: tenant.isEmpty ? nil : tenant,
            summary: "cycle \(cycle), step \(step.name)\(tenant.isEmpty ? "" : " for \(tenant)"): \(action.summary)"
        )
    }
}
