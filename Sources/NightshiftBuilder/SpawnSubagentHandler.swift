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
    static func command(_ payload: JSONValue) -> CommandAction? { CommandAction(argv: "agent", in: payload) }

    public func execute(_ action: ActionRecord, context: ActionContext) async -> ActionResult {
        guard let command = Self.command(action.payload) else { return .failure("\(action.id) has no agent command in its payload") }
        guard let executor = context.executor else { return .failure("this process cannot run commands") }
        if let problem = await writePromptFile(action) { return .failure(problem) }
        // Under git isolation the agent works in its task's worktree, made here first.
        if let place = GitPlace(payload: action.payload) {
            let git = Git(executor: executor, context: Git.context(context))
            if let problem = await git.prepare(place) { return .failure("the task's worktree could not be made: \(problem)") }
        }
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

    /// Writes a long prompt's file (``SubagentSpawn/longPrompt(for:)``) from the task as it is now,
    /// when its SHA-256 is the one the proposal was decided on; otherwise says why nothing runs.
    private func writePromptFile(_ action: ActionRecord) async -> String? {
        guard case .object(let file)? = action.payload["prompt_file"] else { return nil }
        guard let path = file["path"]?.stringValue, let sha256 = file["sha256"]?.stringValue,
              let taskID = action.payload["task"]?.stringValue, path == SubagentSpawn.promptFile(task: taskID)
        else { return "\(action.id): its prompt_file is not one this workspace writes; nothing was run" }
        let task: QueueTask?
        do { task = try await store.task(taskID) } catch { return "the task \(taskID) could not be read: \(error)" }
        guard let task, let long = spawn.longPrompt(for: task), long.sha256 == sha256 else {
            return "the prompt of \(taskID) changed since its spawn was decided (\(action.id)); nothing was run: propose it again"
        }
        let full = "\(configuration.workspacePath)/\(path)"
        do {
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(long.text.utf8).write(to: URL(fileURLWithPath: full), options: .atomic)
        } catch {
            return "the prompt of \(taskID) could not be written to \(path): \(error.localizedDescription)"
        }
        return nil
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
        let attempt = AgentAttempt(
            task: task, actionID: action.id, owner: owner, spawn: spawn, logDirectory: configuration.logDirectory,
            workspacePath: configuration.workspacePath, started: now, approved: true
        )
        var agentContext = context
        agentContext.logPath = attempt.logPath
        agentContext.timeout = spawn.timeout(for: task)
        agentContext.runEnvironment.merge(attempt.environment) { _, new in new }
        let onSpawn = context.onSpawn
        agentContext.onSpawn = { [store] pid in
            await attempt.started(pid: pid, store: store)
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
        let pid = try? await store.task(task.id)?.pid
        var result = attempt.ended(agent, pid: pid.flatMap { $0 }, at: clock.now())
        // A plan phase may propose the phases after it (read once, here).
        let planned = agent.succeeded ? TaskPhase.planned(by: agent.output, for: task) : .success(nil)
        if case .success(let phases?) = planned { result["planned_phases"] = TaskPhase.attribute(phases) }
        let outcome: TaskOutcome
        if agent.cancelled {
            outcome = TaskOutcome(state: .queued, at: clock.now(), error: "stopped while it ran after approval; queued again", result: .object(result))
        } else if !agent.succeeded {
            if let gate = context.gate, let git = await attempt.settle(succeeded: false, gate: gate) { result["git"] = git }
            outcome = TaskOutcome(state: .failed, at: clock.now(), error: "the agent failed: \(agent.error ?? "exit \(agent.exitStatus ?? -1)")", result: .object(result))
        } else if case .failure(let problem) = planned {
            if let gate = context.gate, let git = await attempt.settle(succeeded: false, gate: gate) { result["git"] = git }
            outcome = TaskOutcome(state: .failed, at: clock.now(), error: problem.description, result: .object(result))
        } else if let verify = task.currentVerify, let gate = context.gate {
            let check = await attempt.verify(verify, gate: gate)
            result["verify"] = check.record
            if !check.stopped, let git = await attempt.settle(succeeded: check.problem == nil, gate: gate) { result["git"] = git }
            outcome = check.stopped
                ? TaskOutcome(state: .queued, at: clock.now(), error: "stopped during verification after approval; queued again", result: .object(result))
                : TaskOutcome(state: check.problem == nil ? .succeeded : .failed, at: clock.now(), error: check.problem, result: .object(result))
        } else {
            if let gate = context.gate, let git = await attempt.settle(succeeded: true, gate: gate) { result["git"] = git }
            outcome = TaskOutcome(state: .succeeded, at: clock.now(), error: nil, result: .object(result))
        }
        // A task built in phases: this phase's end, recorded as a worker records it.
        var phase: PhaseEnd?
        if outcome.state == .succeeded || outcome.state == .failed, case .object(let members)? = outcome.result {
            phase = PhaseEnd(task, state: outcome.state, error: outcome.error, result: members, at: outcome.at)
        }
        let final = phase?.outcome ?? outcome
        let stored = try? await Task { [store] in try await store.finishTask(task.id, owner: owner, outcome: final) }.value
        guard let stored = stored.flatMap({ $0 }) else {
            logger.warning("builder: \(task.id) was no longer this process's when its approved agent ended")
            return agent
        }
        if let phase, phase.handedBack { await PhaseEnd.restore(stored, from: task, phases: phase.phases, store: store, at: final.at) }
        return agent
    }
}
