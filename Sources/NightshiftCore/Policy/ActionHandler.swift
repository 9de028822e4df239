public import Foundation

/// Carries out one or more action types (`run_command`, `call_webhook`, `spawn_subagent`,
/// `delete_log` …). Handlers are registered with the ``PolicyGate``, which is their only caller:
/// an allowed action, and an approved one when the operator approves it, executes through the
/// handler of its type and nothing else. A pack adds its types by adding handlers (see
/// docs/PACKS.md).
///
/// A handler that starts processes or sends requests does so through ``ActionContext/executor``,
/// which the gate sets for the call: a pack never holds an executor of its own.
///
/// ```swift
/// struct DeleteLogHandler: ActionHandler {
///     var types: [String] { ["delete_log"] }
///     func execute(_ action: ActionRecord, context: ActionContext) async -> ActionResult {
///         guard let path = action.payload["path"]?.stringValue else { return .failure("no path in the payload") }
///         … // delete exactly that file
///     }
/// }
/// ```
public protocol ActionHandler: Sendable {
    /// The action types this handler executes, as the policy's catalog names them.
    var types: [String] { get }
    /// Whether executing the same action again, with the same `NIGHTSHIFT_IDEMPOTENCY_KEY` (the
    /// action's id), does no harm. An approved action whose execution a crash cut off is executed
    /// again at once only by an idempotent handler; otherwise it waits, `interrupted`, for the
    /// operator (`nightshift approvals approve ID` runs it again).
    var idempotent: Bool { get }
    /// Executes exactly what `action`'s payload says. Never throws: every failure is described
    /// in the result. When the calling task is cancelled the work stops and `cancelled` is set.
    func execute(_ action: ActionRecord, context: ActionContext) async -> ActionResult
    /// Whether an execution that a process which died started under `context.executionKey` can be
    /// taken over (it finished and its result is kept, or it still runs under its supervisor).
    func recoverable(_ action: ActionRecord, context: ActionContext) async -> Bool
    /// That execution's result, waiting for it while it still runs; nil when it was cut off.
    func recover(_ action: ActionRecord, context: ActionContext) async -> ActionResult?
}

extension ActionHandler {
    public var idempotent: Bool { false }
    /// Handlers whose work ends with their process have nothing to take over.
    public func recoverable(_ action: ActionRecord, context: ActionContext) async -> Bool { false }
    public func recover(_ action: ActionRecord, context: ActionContext) async -> ActionResult? { nil }
}

/// The gate's registry: action type → handler. A type is claimed by one handler only.
///
/// An action whose type no handler claims, and whose payload is a command or a webhook (a job's
/// `action_type = "deploy"` labels its command for the policy), executes through the `run_command`
/// or `call_webhook` handler. Any other unclaimed type executes nothing.
public struct ActionHandlers: Sendable {
    private var byType: [String: any ActionHandler] = [:]

    /// The built-in `run_command` and `call_webhook` handlers.
    public init() {
        for handler in [CommandHandler(), WebhookHandler()] as [any ActionHandler] {
            for type in handler.types { byType[PolicyName.key(type)] = handler }
        }
    }

    /// The built-in handlers plus `handlers`.
    ///
    /// - Throws: ``Conflict`` when two handlers claim the same type (a pack composed twice, or two
    ///   packs naming the same action).
    public init(_ handlers: [any ActionHandler]) throws {
        self.init()
        for handler in handlers { try register(handler) }
    }

    /// Adds `handler` for its types.
    public mutating func register(_ handler: any ActionHandler) throws {
        for type in handler.types {
            let key = PolicyName.key(type)
            if let existing = byType[key] {
                throw Conflict(type: type, first: String(describing: Swift.type(of: existing)), second: String(describing: Swift.type(of: handler)))
            }
            byType[key] = handler
        }
    }

    /// Two handlers claim one action type.
    public struct Conflict: Error, CustomStringConvertible {
        public var type: String
        public var first: String
        public var second: String
        public var description: String { "two handlers claim the action type \(type): \(first) and \(second)" }
    }

    /// The handler that executes an action of `type` with `payload`, if any.
    public func handler(type: String, payload: JSONValue) -> (any ActionHandler)? {
        if let handler = byType[PolicyName.key(type)] { return handler }
        switch JobAction(payload: payload) {
        case .command?: return byType[PolicyName.key(CommandHandler.type)]
        case .webhook?: return byType[PolicyName.key(WebhookHandler.type)]
        case .step?: return byType[PolicyName.key(StepHandler.type)]
        default: return nil
        }
    }

    /// The handler that executes `record`, if any.
    public func handler(for record: ActionRecord) -> (any ActionHandler)? { handler(type: record.type, payload: record.payload) }

    /// Every action type a handler claims, sorted.
    public var types: [String] { byType.values.flatMap(\.types).sorted() }
}

/// `run_command`: runs the command of the payload (`command`, `shell`, `cwd`, `env`; see
/// ``JobAction/payload``) through the workspace's executor, supervised when it has an execution key.
public struct CommandHandler: ActionHandler {
    public static let type = "run_command"
    public var types: [String] { [Self.type] }
    public init() {}

    public func execute(_ action: ActionRecord, context: ActionContext) async -> ActionResult {
        guard case .command(let command)? = JobAction(payload: action.payload) else {
            return .failure("\(action.type) \(action.id) has no command in its payload")
        }
        guard let executor = context.executor else { return .failure("this process cannot run commands") }
        return await executor.execute(.command(command), context: context)
    }

    public func recoverable(_ action: ActionRecord, context: ActionContext) async -> Bool {
        guard let executable = JobAction(payload: action.payload), let executor = context.executor else { return false }
        return await executor.recoverable(executable, context: context)
    }

    public func recover(_ action: ActionRecord, context: ActionContext) async -> ActionResult? {
        guard let executable = JobAction(payload: action.payload), let executor = context.executor else { return nil }
        return await executor.recover(executable, context: context)
    }
}

/// `call_webhook`: sends the payload's `webhook` request through the workspace's executor.
public struct WebhookHandler: ActionHandler {
    public static let type = "call_webhook"
    public var types: [String] { [Self.type] }
    public init() {}

    public func execute(_ action: ActionRecord, context: ActionContext) async -> ActionResult {
        guard case .webhook(let webhook)? = JobAction(payload: action.payload) else {
            return .failure("\(action.type) \(action.id) has no webhook in its payload")
        }
        guard let executor = context.executor else { return .failure("this process cannot send requests") }
        return await executor.execute(.webhook(webhook), context: context)
    }
}

extension ActionResult {
    /// A failure that executed nothing, described in one sentence.
    public static func failure(_ error: String) -> ActionResult { ActionResult(succeeded: false, error: error, excerpt: error) }
}
