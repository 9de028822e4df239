public import Foundation
import Logging
import NightshiftCore

extension BuildWorker {
    /// Runs one claimed, allowed task: the agent (logged to `subagents.jsonl` at start and end),
    /// then its verify command through the gate; ends the claim with the outcome.
    ///
    /// With `adopting`, the agent was started by a worker that died: its result is taken over
    /// (waiting while its supervisor still runs it) instead of starting it again; an agent that was
    /// cut off hands the task back to the queue.
    func execute(_ task: QueueTask, record: ActionRecord, adopting: Bool = false) async {
        let attempt = AgentAttempt(
            task: task, actionID: record.id, owner: owner, spawn: spawn, logDirectory: configuration.logDirectory,
            workspacePath: configuration.workspacePath, started: clock.now(), approved: false
        )
        let store = self.store
        let context = ActionContext(
            runID: attempt.runID, timeout: spawn.timeout(for: task), logPath: attempt.logPath, runEnvironment: attempt.environment,
            executionKey: Self.agentExecutionKey(task, record: record),
            onSpawn: { pid in await attempt.started(pid: pid, store: store) }
        )
        // The gate executes the spawn it allowed, through its handler, and records how it went.
        let agent: ActionResult
        if adopting {
            guard let taken = try? await gate.recover(record, context: context) else {
                await handBack(task, reason: "its agent was cut off when its worker died; queued again", result: .object([:]))
                return
            }
            agent = taken
        } else {
            do {
                agent = try await gate.execute(record.id, context: context).result
            } catch {
                await end(task, .failed, error: "the spawn was not executed: \(error)", result: .object(["action_id": .string(record.id)]))
                return
            }
        }
        let pid = try? await store.task(task.id)?.pid
        var result = attempt.ended(agent, pid: pid.flatMap { $0 }, at: clock.now())
        if agent.cancelled || Task.isCancelled {
            await handBack(task, reason: stopReason(task.id) ?? "stopped", result: .object(result))
            return
        }
        guard agent.succeeded else {
            if let git = await attempt.settle(succeeded: false, gate: gate) { result["git"] = git }
            await end(task, .failed, error: "the agent failed: \(agent.error ?? "exit \(agent.exitStatus ?? -1)")", result: .object(result))
            return
        }
        // A plan phase may propose the phases after it; one that does not validate fails the phase.
        switch TaskPhase.planned(by: agent.output, for: task) {
        case .failure(let problem):
            if let git = await attempt.settle(succeeded: false, gate: gate) { result["git"] = git }
            await end(task, .failed, error: problem.description, result: .object(result))
            return
        case .success(let planned?): result["planned_phases"] = TaskPhase.attribute(planned)
        case .success(nil): break
        }
        guard let verify = task.currentVerify else {
            if let git = await attempt.settle(succeeded: true, gate: gate) { result["git"] = git }
            await end(task, .succeeded, error: nil, result: .object(result))
            return
        }
        let check = await attempt.verify(verify, gate: gate)
        result["verify"] = check.record
        if check.stopped {
            await handBack(task, reason: stopReason(task.id) ?? "stopped during verification", result: .object(result))
            return
        }
        if let git = await attempt.settle(succeeded: check.problem == nil, gate: gate) { result["git"] = git }
        if let problem = check.problem {
            await end(task, .failed, error: problem, result: .object(result))
        } else {
            await end(task, .succeeded, error: nil, result: .object(result))
        }
    }

    /// The journal's line for a build that ended: its runtime, result and tests.
    private func journalEnd(_ task: QueueTask, _ result: String, detail: String?, result json: JSONValue) {
        var line = "build \(result): **\(task.id)** \(task.title)"
        switch json["seconds"] {
        case .number(let seconds)?: line += " in \(Journal.durationString(seconds))"
        case .integer(let seconds)?: line += " in \(Journal.durationString(Double(seconds)))"
        default: break
        }
        switch json["verify"]?["passed"] {
        case .bool(true)?: line += ", tests passed"
        case .bool(false)?: line += ", tests failed"
        default: if task.verify == nil { line += ", no tests" }
        }
        if let detail { line += " — \(detail)" }
        note(line)
    }

    /// The execution key of the agent of `task`'s current attempt, run for `record`: a worker's own
    /// spawn is keyed by the task and its attempt; a spawn the operator approved ran in the
    /// approving process, keyed by that process's run of it, so that a worker can adopt the agent
    /// when the approving process dies and its supervisor does not. A phase's spawn is keyed by its
    /// phase too: each phase starts its attempts again.
    static func agentExecutionKey(_ task: QueueTask, record: ActionRecord) -> String {
        if record.verdict == .approve, let run = record.executionRunID { return run }
        if let (_, phase) = task.currentPhase { return "\(task.id).\(phase.name).\(task.attempts)" }
        return "\(task.id).\(task.attempts)"
    }

    private func end(_ task: QueueTask, _ state: TaskState, error: String?, result: JSONValue) async {
        settle(task.id)
        if case .object(let members) = result, let phase = PhaseEnd(task, state: state, error: error, result: members, at: clock.now()) {
            return await endPhase(task, phase, result: result)
        }
        journalEnd(task, state == .succeeded ? "succeeded" : "failed", detail: error, result: result)
        let outcome = TaskOutcome(state: state, at: clock.now(), error: error, result: result)
        let stored = try? await Task { [store, owner] in try await store.finishTask(task.id, owner: owner, outcome: outcome) }.value
        if stored == nil {
            logger.warning("builder: \(task.id) was no longer ours when it ended (\(state))", metadata: ["nightshift.task.id": "\(task.id)"])
            return
        }
        if state == .succeeded { record(\Summary.succeeded, task.id) } else { record(\Summary.failed, task.id) }
    }

    /// The end of one phase of a task built in phases: recorded on the task; the task ends with
    /// its last phase (or a phase out of attempts), and waits for its next run otherwise.
    private func endPhase(_ task: QueueTask, _ phase: PhaseEnd, result: JSONValue) async {
        let state = phase.outcome.state
        journalEnd(task, phase.handedBack ? "phase ended" : state == .succeeded ? "succeeded" : "failed", detail: phase.note, result: result)
        let outcome = phase.outcome
        let stored = try? await Task { [store, owner] in try await store.finishTask(task.id, owner: owner, outcome: outcome) }.value
        guard let stored = stored.flatMap({ $0 }) else {
            logger.warning("builder: \(task.id) was no longer ours when its phase ended", metadata: ["nightshift.task.id": "\(task.id)"])
            return
        }
        if phase.handedBack {
            await PhaseEnd.restore(stored, from: task, phases: phase.phases, store: store, at: outcome.at)
            let name = task.currentPhase?.phase.name ?? "?"
            record(\Summary.phases, "\(task.id):\(name) \(outcome.error == nil ? "succeeded" : "failed")")
        } else if state == .succeeded {
            record(\Summary.succeeded, task.id)
        } else {
            record(\Summary.failed, task.id)
        }
    }

    private func handBack(_ task: QueueTask, reason: String, result: JSONValue) async {
        settle(task.id)
        journalEnd(task, "queued again", detail: reason, result: result)
        let outcome = TaskOutcome(state: .queued, at: clock.now(), error: reason, result: result)
        // In a task of its own: the cancelled agent's task must still leave the record.
        let stored = try? await Task { [store, owner] in try await store.finishTask(task.id, owner: owner, outcome: outcome) }.value
        if stored != nil { record(\Summary.handedBack, task.id) }
    }
}

extension SubagentSpawn {
    /// A command as one line for logs, long arguments (the prompt) shortened.
    static func display(_ argv: [String]) -> String {
        argv.map { argument in
            let short = argument.count > 80 ? String(argument.prefix(77)) + "…" : argument
            let flat = short.replacingOccurrences(of: "\n", with: " ")
            return flat.contains(" ") ? "'\(flat)'" : flat
        }.joined(separator: " ")
    }
}
