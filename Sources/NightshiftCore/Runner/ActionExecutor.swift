public import Foundation

/// Runs a command or sends a webhook for the workspace. Implemented outside the core (the app's
/// `WorkspaceExecutor`, on `NightshiftExec`), so that the core never spawns a process or opens a
/// socket itself. Only the ``PolicyGate`` holds one: it hands it to the ``ActionHandler`` it calls
/// (``ActionContext/executor``), so nothing reaches it without a decision.
public protocol ActionExecutor: Sendable {
    /// Executes the action to completion. Never throws: every failure is described in the result.
    /// When the calling task is cancelled the action is stopped and `cancelled` is set.
    func execute(_ action: JobAction, context: ActionContext) async -> ActionResult
    /// Whether the execution an earlier process started with the same ``ActionContext/executionKey``
    /// can be taken over: it finished and its result is kept, or it still runs (under a supervisor
    /// that outlived that process).
    func recoverable(_ action: JobAction, context: ActionContext) async -> Bool
    /// The result of that execution, waiting for it while it still runs; nil when it was cut off
    /// (never started, or lost with its process): the caller runs it again with the same
    /// idempotency key.
    func recover(_ action: JobAction, context: ActionContext) async -> ActionResult?
}

extension ActionExecutor {
    /// Executors that keep nothing beyond their process have nothing to take over.
    public func recoverable(_ action: JobAction, context: ActionContext) async -> Bool { false }
    public func recover(_ action: JobAction, context: ActionContext) async -> ActionResult? { nil }
}

/// What an executor knows about the work it executes: a job's run or a cycle's step.
public struct ActionContext: Sendable {
    /// The run (or cycle run) this action belongs to, for logs.
    public var runID: String
    /// Stops the action after this long.
    public var timeout: Duration?
    /// Where the action's output is written (`logs/runs/RUN_ID.log`).
    public var logPath: String
    /// `NIGHTSHIFT_*` variables describing the work, given to commands on top of the allow-list.
    public var runEnvironment: [String: String]
    /// What a webhook sends when the action declares no body (the run's identity).
    public var defaultBody: [String: String]
    /// Called with the child's pid once a process runs, so it can be recorded durably.
    public var onSpawn: @Sendable (Int32) async -> Void
    /// Names this one execution (a job run's id, one attempt of a cycle step): an executor that
    /// supervises its children keeps their results under it, so that a process taking over after a
    /// crash finds what finished instead of running it again. Nil: nothing to take over.
    public var executionKey: String?
    /// The workspace's executor, set by the ``PolicyGate`` for the one call of a handler it makes.
    public internal(set) var executor: (any ActionExecutor)?
    /// The gate executing this action, for a handler whose work has more side effects than its own
    /// (the builder's verify command after an agent, a pack's step): they are proposed through it.
    /// Set by the gate.
    public internal(set) var gate: PolicyGate?

    public init(
        runID: String,
        timeout: Duration?,
        logPath: String,
        runEnvironment: [String: String],
        defaultBody: [String: String] = [:],
        executionKey: String? = nil,
        onSpawn: @escaping @Sendable (Int32) async -> Void = { _ in }
    ) {
        self.runID = runID
        self.timeout = timeout
        self.logPath = logPath
        self.runEnvironment = runEnvironment
        self.defaultBody = defaultBody
        self.executionKey = executionKey
        self.onSpawn = onSpawn
    }
}

/// How an action went, before the success check.
public struct ActionResult: Sendable, Hashable {
    /// Exit status 0, or an HTTP 2xx.
    public var succeeded: Bool
    /// The exit status, or the HTTP status.
    public var exitStatus: Int?
    /// Why it did not succeed, in one sentence (timeout, signal, launch failure, status code).
    public var error: String?
    /// The output the success check reads (stdout, or the response body).
    public var output: String
    /// The last lines of output for the run record.
    public var excerpt: String
    /// The action was stopped because the run was cancelled (daemon shutdown).
    public var cancelled: Bool
    /// Set when the policy gate did not let the action execute: parked or forbidden.
    public var gate: GateNote?

    public init(
        succeeded: Bool, exitStatus: Int? = nil, error: String? = nil, output: String = "", excerpt: String = "", cancelled: Bool = false,
        gate: GateNote? = nil
    ) {
        self.gate = gate
        self.succeeded = succeeded
        self.exitStatus = exitStatus
        self.error = error
        self.output = output
        self.excerpt = excerpt
        self.cancelled = cancelled
    }
}

/// Why the policy gate did not execute an action.
public struct GateNote: Sendable, Hashable {
    /// `approve` (parked in the inbox) or `forbid`.
    public var verdict: Verdict
    /// The action record (`nightshift approvals show ID`).
    public var actionID: String
    public var reason: String
    /// The run has had more than `max_denials` forbids or rejections: it must stop.
    public var stopRun: Bool

    public init(verdict: Verdict, actionID: String, reason: String, stopRun: Bool) {
        self.verdict = verdict
        self.actionID = actionID
        self.reason = reason
        self.stopRun = stopRun
    }

    /// The state of a job run whose action this stopped.
    public var runState: RunState { verdict == .approve ? .awaitingApproval : .forbidden }
    /// The state of a cycle step whose action this stopped.
    public var stepState: StepState { verdict == .approve ? .awaitingApproval : .forbidden }

    /// One line for run errors and logs.
    public var summary: String {
        verdict == .approve
            ? "awaiting approval: \(actionID) (\(reason)); nightshift approvals approve \(actionID)"
            : "forbidden by the policy: \(reason) (\(actionID))"
    }
}
