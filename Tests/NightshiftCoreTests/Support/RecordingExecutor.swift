import Foundation
import NightshiftCore
import Synchronization

/// Stand-in executor for policy tests: keeps every action the gate let through, with its context,
/// and answers with `respond` (success by default). The real executors run real processes in the
/// end-to-end tests; here the point is only to see what was executed and what never was.
final class RecordingExecutor: ActionExecutor {
    struct Execution: Sendable {
        var action: JobAction
        var context: ActionContext
    }

    private let log = Mutex<[Execution]>([])
    let respond: @Sendable (JobAction, ActionContext) -> ActionResult

    init(_ respond: @escaping @Sendable (JobAction, ActionContext) -> ActionResult = { _, _ in ActionResult(succeeded: true, exitStatus: 0) }) {
        self.respond = respond
    }

    func execute(_ action: JobAction, context: ActionContext) async -> ActionResult {
        log.withLock { $0.append(Execution(action: action, context: context)) }
        return respond(action, context)
    }

    /// Everything executed, in order.
    var executions: [Execution] { log.withLock { $0 } }

    /// The executed actions, in order.
    var actions: [JobAction] { executions.map(\.action) }

    /// The argv of every executed command, in order (webhooks as `["webhook", URL]`).
    var commands: [[String]] {
        actions.map { action in
            switch action {
            case .command(let command):
                switch command.program {
                case .argv(let argv): argv
                case .shell(let line): ["sh", "-c", line]
                }
            case .webhook(let webhook): ["webhook", webhook.url.description]
            case .cycle(let name): ["cycle", name]
            case .step(let name): ["step", name]
            }
        }
    }

    /// The cycle steps executed (their `NIGHTSHIFT_STEP`), in order.
    var steps: [String] { executions.map { $0.context.runEnvironment["NIGHTSHIFT_STEP"] ?? "" } }
}

/// A command action for `argv`.
func commandAction(_ argv: String...) -> JobAction {
    .command(CommandAction(program: .argv(argv)))
}

/// An execution context for a direct proposal.
func actionContext(runID: String = "r_test") -> ActionContext {
    ActionContext(runID: runID, timeout: nil, logPath: "/dev/null", runEnvironment: ["NIGHTSHIFT_RUN_ID": runID])
}
