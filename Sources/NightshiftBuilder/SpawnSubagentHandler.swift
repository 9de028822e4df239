public import Foundation
public import Logging
public import NightshiftCore

/// `spawn_subagent`: runs the agent a spawn proposal names (`agent` argv, `cwd`, `env` names;
/// see ``SubagentSpawn/proposal(for:)``) through the workspace's executor, supervised.
///
/// A worker executes the spawn of a task it claimed (``BuildWorker``) and does the task's
/// bookkeeping itself. Approving a parked spawn executes it here, in the approving process: the
/// handler claims the task that waits for the approval, runs its agent (renewing the claim),
/// proposes its verify command through the gate, and ends the task as a worker would.
public struct SpawnSubagentHandler: ActionHandler {
    public static let type = "spawn_subagent"
    public var types: [String] { [Self.type] }

    let store: any Store
    let settings: BuilderSettings
    let spawn: SubagentSpawn
    let configuration: BuildWorker.Configuration
    let clock: any WallClock
    let logger: Logger

    public init(store: any Store, settings: BuilderSettings, configuration: BuildWorker.Configuration, clock: any WallClock, logger: Logger) {
        self.store = store
        self.settings = settings
        self.spawn = SubagentSpawn(settings: settings, workspacePath: configuration.workspacePath)
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    /// The agent's command in a spawn payload.
    static func command(_ payload: JSONValue) -> CommandAction? {
        guard case .array(let parts)? = payload["agent"] else { return nil }
        let argv = parts.compactMap(\.stringValue)
        guard argv.count == parts.count, !argv.isEmpty else { return nil }
        var environment: [String] = []
        if case .array(let names)? = payload["env"] { environment = names.compactMap(\.stringValue) }
        return CommandAction(program: .argv(argv), workingDirectory: payload["cwd"]?.stringValue, environment: environment)
    }

    public func execute(_ action: ActionRecord, context: ActionContext) async -> ActionResult {
        guard let command = Self.command(action.payload) else { return .failure("\(action.id) has no agent command in its payload") }
        guard let executor = context.executor else { return .failure("this process cannot run commands") }
        // A worker's execution: it holds the task and does its bookkeeping.
        if context.runEnvironment["NIGHTSHIFT_TASK_ID"] != nil { return await executor.execute(.command(command), context: context) }
        return await executeApproved(action, command: command, executor: executor, context: context)
    }

    public func recoverable(_ action: ActionRecord, context: ActionContext) async -> Bool {
        guard let command = Self.command(action.payload), let executor = context.executor else { return false }
        return await executor.recoverable(.command(command), context: context)
    }

    public func recover(_ action: ActionRecord, context: ActionContext) async -> ActionResult? {
        guard let command = Self.command(action.payload), let executor = context.executor else { return nil }
        return await executor.recover(.command(command), context: context)
    }

    /// The operator approved a parked spawn: claim its task, run the agent, verify, end the task.
    private func executeApproved(
        _ action: ActionRecord, command: CommandAction, executor: any ActionExecutor, context: ActionContext
    ) async -> ActionResult {
        guard let taskID = action.payload["task"]?.stringValue else { return .failure("\(action.id) names no task") }
        let owner = ProcessIdentity.current().description
        let now = clock.now()
        let claimed: QueueTask?
        do {
            claimed = try await store.claimTask(
                taskID, from: [.awaitingApproval], owner: owner, leaseUntil: now.addingTimeInterval(settings.leaseTTL.inSeconds), at: now
            )
        } catch {
            return .failure("the task \(taskID) could not be claimed: \(error)")
        }
        guard let task = claimed else {
            return .failure("the task \(taskID) no longer waits for this approval (see nightshift queue show \(taskID)); nothing was run")
        }
        let logPath = "\(configuration.logDirectory)/subagents/\(task.id).log"
        var agentContext = context
        agentContext.logPath = logPath
        agentContext.timeout = spawn.timeout(for: task)
        agentContext.runEnvironment.merge([
            "NIGHTSHIFT_TASK_ID": task.id, "NIGHTSHIFT_TASK_TITLE": task.title, "NIGHTSHIFT_TASK_CATEGORY": task.category,
            "NIGHTSHIFT_TASK_ATTEMPT": String(task.attempts), "NIGHTSHIFT_WORKSPACE": configuration.workspacePath,
            "NIGHTSHIFT_ACTION_ID": action.id, "NIGHTSHIFT_IDEMPOTENCY_KEY": "\(task.id):\(task.attempts)",
        ]) { _, new in new }
        let onSpawn = context.onSpawn
        let spawnLog = "\(configuration.logDirectory)/subagents.jsonl", display = SubagentSpawn.display(spawn.argv(for: task))
        let started = clock.now()
        agentContext.onSpawn = { [store] pid in
            _ = try? await store.setTaskPID(task.id, owner: owner, pid: pid)
            BuildWorker.appendLine(spawnLog, [
                "event": .string("start"), "task": .string(task.id), "attempt": .integer(Int64(task.attempts)), "command": .string(display),
                "pid": .integer(Int64(pid)), "start": .string(ISO8601.format(started, in: .gmt)), "log": .string(logPath),
                "action_id": .string(action.id), "approved": .bool(true),
            ])
            await onSpawn(pid)
        }
        // The claim is renewed while the agent runs, as a worker renews its own.
        let renewal = Task { [store, settings, clock] in
            while !Task.isCancelled {
                try? await Task.sleep(for: settings.leaseTTL / 3)
                guard !Task.isCancelled else { return }
                _ = try? await store.renewTask(task.id, owner: owner, leaseUntil: clock.now().addingTimeInterval(settings.leaseTTL.inSeconds))
            }
        }
        let agent = await executor.execute(.command(command), context: agentContext)
        renewal.cancel()
        BuildWorker.appendLine(spawnLog, [
            "event": .string("end"), "task": .string(task.id), "attempt": .integer(Int64(task.attempts)), "command": .string(display),
            "start": .string(ISO8601.format(started, in: .gmt)), "end": .string(ISO8601.format(clock.now(), in: .gmt)),
            "exit": agent.exitStatus.map { .integer(Int64($0)) } ?? .null, "log": .string(logPath),
            "outcome": .string(agent.cancelled ? "stopped" : agent.succeeded ? "exited 0" : (agent.error ?? "failed")), "approved": .bool(true),
        ])
        var result: [String: JSONValue] = [
            "exit_status": agent.exitStatus.map { .integer(Int64($0)) } ?? .null, "log": .string(logPath),
            "action_id": .string(action.id), "attempt": .integer(Int64(task.attempts)), "approved": .bool(true),
        ]
        if let error = agent.error { result["agent_error"] = .string(error) }
        let outcome: TaskOutcome
        if agent.cancelled {
            outcome = TaskOutcome(state: .queued, at: clock.now(), error: "stopped while it ran after approval; queued again", result: .object(result))
        } else if !agent.succeeded {
            outcome = TaskOutcome(state: .failed, at: clock.now(), error: "the agent failed: \(agent.error ?? "exit \(agent.exitStatus ?? -1)")", result: .object(result))
        } else if let verify = task.verify, let gate = context.gate {
            try? AppendOnlyFile.append("\n[nightshift] verify: \(verify)\n", to: logPath)
            let check = await gate.result(of: spawn.verifyProposal(for: task, command: verify), runID: context.runID, context: ActionContext(
                runID: "\(context.runID).verify", timeout: spawn.timeout(for: task), logPath: logPath,
                runEnvironment: ["NIGHTSHIFT_TASK_ID": task.id, "NIGHTSHIFT_WORKSPACE": configuration.workspacePath]
            ))
            result["verify"] = .object(["command": .string(verify), "passed": .bool(check.succeeded)])
            let problem = check.succeeded ? nil : "the agent exited 0 but verification failed: `\(verify)` \(check.error ?? "exit \(check.exitStatus ?? -1)")"
            outcome = TaskOutcome(state: problem == nil ? .succeeded : .failed, at: clock.now(), error: problem, result: .object(result))
        } else {
            outcome = TaskOutcome(state: .succeeded, at: clock.now(), error: nil, result: .object(result))
        }
        let stored = try? await Task { [store] in try await store.finishTask(task.id, owner: owner, outcome: outcome) }.value
        if stored == nil { logger.warning("builder: \(task.id) was no longer this process's when its approved agent ended") }
        return agent
    }
}
