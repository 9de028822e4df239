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
        let argv = spawn.argv(for: task)
        let logPath = taskLogPath(task.id)
        let runID = "\(task.id)#\(task.attempts)"
        let started = clock.now()
        let store = self.store, owner = self.owner, spawnLog = spawnLogPath, clock = self.clock
        let displayCommand = SubagentSpawn.display(argv)
        let context = ActionContext(
            runID: runID, timeout: spawn.timeout(for: task), logPath: logPath,
            runEnvironment: [
                "NIGHTSHIFT_TASK_ID": task.id, "NIGHTSHIFT_TASK_TITLE": task.title, "NIGHTSHIFT_TASK_CATEGORY": task.category,
                "NIGHTSHIFT_TASK_ATTEMPT": String(task.attempts), "NIGHTSHIFT_WORKSPACE": configuration.workspacePath,
                "NIGHTSHIFT_ACTION_ID": record.id, "NIGHTSHIFT_IDEMPOTENCY_KEY": "\(task.id):\(task.attempts)",
            ],
            executionKey: Self.agentExecutionKey(task),
            onSpawn: { pid in
                _ = try? await store.setTaskPID(task.id, owner: owner, pid: pid)
                Self.appendLine(spawnLog, [
                    "event": .string("start"), "task": .string(task.id), "attempt": .integer(Int64(task.attempts)),
                    "command": .string(displayCommand), "pid": .integer(Int64(pid)), "start": .string(ISO8601.format(started, in: .gmt)),
                    "log": .string(logPath), "action_id": .string(record.id),
                ])
            }
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
        let ended = clock.now()
        let pid = try? await store.task(task.id)?.pid
        var result: [String: JSONValue] = [
            "exit_status": agent.exitStatus.map { .integer(Int64($0)) } ?? .null, "log": .string(logPath),
            "seconds": .number((ended.timeIntervalSince(started) * 10).rounded() / 10), "action_id": .string(record.id),
            "attempt": .integer(Int64(task.attempts)),
        ]
        if let error = agent.error { result["agent_error"] = .string(error) }
        Self.appendLine(spawnLog, [
            "event": .string("end"), "task": .string(task.id), "attempt": .integer(Int64(task.attempts)),
            "command": .string(displayCommand), "pid": pid.flatMap { $0 }.map { .integer(Int64($0)) } ?? .null,
            "start": .string(ISO8601.format(started, in: .gmt)), "end": .string(ISO8601.format(ended, in: .gmt)),
            "exit": agent.exitStatus.map { .integer(Int64($0)) } ?? .null, "log": .string(logPath),
            "outcome": .string(agent.cancelled ? "stopped" : agent.succeeded ? "exited 0" : (agent.error ?? "failed")),
        ])
        if agent.cancelled || Task.isCancelled {
            await handBack(task, reason: stopReason(task.id) ?? "stopped", result: .object(result))
            return
        }
        guard agent.succeeded else {
            await end(task, .failed, error: "the agent failed: \(agent.error ?? "exit \(agent.exitStatus ?? -1)")", result: .object(result))
            return
        }
        guard let verify = task.verify else {
            await end(task, .succeeded, error: nil, result: .object(result))
            return
        }
        let check = await runVerify(task, command: verify, logPath: logPath, runID: runID)
        result["verify"] = check.record
        if check.stopped {
            await handBack(task, reason: stopReason(task.id) ?? "stopped during verification", result: .object(result))
        } else if let problem = check.problem {
            await end(task, .failed, error: problem, result: .object(result))
        } else {
            await end(task, .succeeded, error: nil, result: .object(result))
        }
    }

    /// The execution key of the agent of `task`'s current attempt.
    static func agentExecutionKey(_ task: QueueTask) -> String { "\(task.id).\(task.attempts)" }

    /// Proposes and runs the task's verify command. Its output goes to the task's log too.
    private func runVerify(_ task: QueueTask, command: String, logPath: String, runID: String) async
        -> (record: JSONValue, problem: String?, stopped: Bool)
    {
        try? AppendOnlyFile.append("\n[nightshift] verify: \(command)\n", to: logPath)
        let context = ActionContext(
            runID: "\(runID).verify", timeout: spawn.timeout(for: task), logPath: logPath,
            runEnvironment: ["NIGHTSHIFT_TASK_ID": task.id, "NIGHTSHIFT_WORKSPACE": configuration.workspacePath]
        )
        let outcome = await gate.result(of: spawn.verifyProposal(for: task, command: command), runID: runID, context: context)
        var record: [String: JSONValue] = [
            "command": .string(command), "passed": .bool(outcome.succeeded),
            "exit_status": outcome.exitStatus.map { .integer(Int64($0)) } ?? .null,
        ]
        if let note = outcome.gate {
            record["gate"] = .string(note.summary)
            return (.object(record), "the verify command was not run: \(note.summary)", false)
        }
        if outcome.cancelled || Task.isCancelled { return (.object(record), nil, true) }
        guard outcome.succeeded else {
            let why = outcome.error ?? "exit \(outcome.exitStatus ?? -1)"
            record["error"] = .string(why)
            return (.object(record), "the agent exited 0 but verification failed: `\(command)` \(why)", false)
        }
        return (.object(record), nil, false)
    }

    private func end(_ task: QueueTask, _ state: TaskState, error: String?, result: JSONValue) async {
        settle(task.id)
        let outcome = TaskOutcome(state: state, at: clock.now(), error: error, result: result)
        let stored = try? await Task { [store, owner] in try await store.finishTask(task.id, owner: owner, outcome: outcome) }.value
        if stored == nil {
            logger.warning("builder: \(task.id) was no longer ours when it ended (\(state))", metadata: ["nightshift.task.id": "\(task.id)"])
            return
        }
        if state == .succeeded { record(\Summary.succeeded, task.id) } else { record(\Summary.failed, task.id) }
    }

    private func handBack(_ task: QueueTask, reason: String, result: JSONValue) async {
        settle(task.id)
        let outcome = TaskOutcome(state: .queued, at: clock.now(), error: reason, result: result)
        // In a task of its own: the cancelled agent's task must still leave the record.
        let stored = try? await Task { [store, owner] in try await store.finishTask(task.id, owner: owner, outcome: outcome) }.value
        if stored != nil { record(\Summary.handedBack, task.id) }
    }

    static func appendLine(_ path: String, _ members: [String: JSONValue]) {
        try? AppendOnlyFile.append(JSONValue.object(members).canonical + "\n", to: path)
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
