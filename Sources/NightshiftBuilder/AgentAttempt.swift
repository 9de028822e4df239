public import Foundation
import NightshiftCore

/// One attempt of a task's agent, as the worker and the approval path both run it: its
/// environment and log, its `start` and `end` lines in `subagents.jsonl`, the result stored on the
/// task, and its verify command proposed through the gate.
struct AgentAttempt: Sendable {
    let task: QueueTask
    let actionID: String
    let owner: String
    let spawn: SubagentSpawn
    let workspacePath: String
    let logPath: String
    let spawnLog: String
    let started: Date
    /// Run because the operator approved the parked spawn (marked so in the lines and the result).
    let approved: Bool

    init(task: QueueTask, actionID: String, owner: String, spawn: SubagentSpawn, logDirectory: String, workspacePath: String, started: Date, approved: Bool) {
        self.task = task
        self.actionID = actionID
        self.owner = owner
        self.spawn = spawn
        self.workspacePath = workspacePath
        self.logPath = "\(logDirectory)/subagents/\(task.id).log"
        self.spawnLog = "\(logDirectory)/subagents.jsonl"
        self.started = started
        self.approved = approved
    }

    /// The agent's run id: the task and its attempt.
    var runID: String { "\(task.id)\(task.currentPhase.map { ".\($0.phase.name)" } ?? "")#\(task.attempts)" }

    /// What the agent sees besides the executor's own: the task, the attempt, the action, the idempotency key.
    var environment: [String: String] {
        var environment = [
            "NIGHTSHIFT_TASK_ID": task.id, "NIGHTSHIFT_TASK_TITLE": task.title, "NIGHTSHIFT_TASK_CATEGORY": task.category,
            "NIGHTSHIFT_TASK_ATTEMPT": String(task.attempts), "NIGHTSHIFT_WORKSPACE": workspacePath,
            "NIGHTSHIFT_ACTION_ID": actionID, "NIGHTSHIFT_IDEMPOTENCY_KEY": "\(task.id):\(task.attempts)",
        ]
        // A task built in phases: the phase this spawn is for, keyed into the idempotency key too.
        if let (_, phase) = task.currentPhase {
            environment["NIGHTSHIFT_TASK_PHASE"] = phase.name
            environment["NIGHTSHIFT_IDEMPOTENCY_KEY"] = "\(task.id):\(phase.name):\(task.attempts)"
        }
        return environment
    }

    private var display: String { SubagentSpawn.display(spawn.argv(for: task)) }

    /// Records the agent's pid on the task and writes the `start` line.
    func started(pid: Int32, store: any Store) async {
        _ = try? await store.setTaskPID(task.id, owner: owner, pid: pid)
        var line: [String: JSONValue] = [
            "event": .string("start"), "task": .string(task.id), "attempt": .integer(Int64(task.attempts)), "command": .string(display),
            "pid": .integer(Int64(pid)), "start": .string(ISO8601.format(started, in: .gmt)), "log": .string(logPath),
            "action_id": .string(actionID),
        ]
        if approved { line["approved"] = .bool(true) }
        Self.appendLine(spawnLog, line)
    }

    /// Writes the `end` line of `agent`, which ended at `ended`, and returns the result stored on the task.
    func ended(_ agent: ActionResult, pid: Int32?, at ended: Date) -> [String: JSONValue] {
        var line: [String: JSONValue] = [
            "event": .string("end"), "task": .string(task.id), "attempt": .integer(Int64(task.attempts)), "command": .string(display),
            "pid": pid.map { .integer(Int64($0)) } ?? .null,
            "start": .string(ISO8601.format(started, in: .gmt)), "end": .string(ISO8601.format(ended, in: .gmt)),
            "exit": agent.exitStatus.map { .integer(Int64($0)) } ?? .null, "log": .string(logPath),
            "outcome": .string(agent.cancelled ? "stopped" : agent.succeeded ? "exited 0" : (agent.error ?? "failed")),
        ]
        var result: [String: JSONValue] = [
            "exit_status": agent.exitStatus.map { .integer(Int64($0)) } ?? .null, "log": .string(logPath),
            "seconds": .number((ended.timeIntervalSince(started) * 10).rounded() / 10), "action_id": .string(actionID),
            "attempt": .integer(Int64(task.attempts)),
        ]
        if approved {
            line["approved"] = .bool(true)
            result["approved"] = .bool(true)
        }
        if let error = agent.error { result["agent_error"] = .string(error) }
        Self.appendLine(spawnLog, line)
        return result
    }

    /// What verifying the agent's work found: the record stored under `verify`, why it failed, or
    /// that it was stopped.
    struct Verification: Sendable {
        var record: JSONValue
        var problem: String?
        var stopped: Bool
    }

    /// Proposes the task's verify `command` through `gate` and runs it; its output goes to the task's log too.
    func verify(_ command: String, gate: PolicyGate) async -> Verification {
        try? AppendOnlyFile.append("\n[nightshift] verify: \(command)\n", to: logPath)
        let context = ActionContext(
            runID: "\(runID).verify", timeout: spawn.timeout(for: task), logPath: logPath,
            runEnvironment: ["NIGHTSHIFT_TASK_ID": task.id, "NIGHTSHIFT_WORKSPACE": workspacePath]
        )
        let outcome = await gate.result(of: spawn.verifyProposal(for: task, command: command), runID: runID, context: context)
        var record: [String: JSONValue] = [
            "command": .string(command), "passed": .bool(outcome.succeeded),
            "exit_status": outcome.exitStatus.map { .integer(Int64($0)) } ?? .null,
        ]
        if let note = outcome.gate {
            record["gate"] = .string(note.summary)
            return Verification(record: .object(record), problem: "the verify command was not run: \(note.summary)", stopped: false)
        }
        if outcome.cancelled || Task.isCancelled { return Verification(record: .object(record), problem: nil, stopped: true) }
        guard outcome.succeeded else {
            let why = outcome.error ?? "exit \(outcome.exitStatus ?? -1)"
            record["error"] = .string(why)
            return Verification(record: .object(record), problem: "the agent exited 0 but verification failed: `\(command)` \(why)", stopped: false)
        }
        return Verification(record: .object(record), problem: nil, stopped: false)
    }

    /// Under git isolation, after the agent and its verify: commits what the agent left on the
    /// task's branch and removes its worktree (`commit_worktree`), then, when the task succeeded
    /// and `merge = "ff"`, fast-forwards the repository to the branch (`merge_branch`), both
    /// through `gate`. Returns the record stored under the result's `git` (branch, base, commits,
    /// merged, head, and what went wrong); nil without isolation.
    func settle(succeeded: Bool, gate: PolicyGate) async -> JSONValue? {
        guard let place = spawn.gitPlace(for: task) else { return nil }
        let context = ActionContext(
            runID: "\(runID).git", timeout: .seconds(300), logPath: logPath,
            runEnvironment: ["NIGHTSHIFT_TASK_ID": task.id, "NIGHTSHIFT_WORKSPACE": workspacePath]
        )
        var record: [String: JSONValue] = ["branch": .string(place.branch), "repository": .string(place.repository), "merged": .bool(false)]
        let committed = await gate.result(of: spawn.commitProposal(for: task, place: place, succeeded: succeeded), runID: runID, context: context)
        if let note = committed.gate {
            record["error"] = .string("the work was not committed: \(note.summary)")
            record["worktree"] = .string(place.worktree)
            return .object(record)
        }
        guard committed.succeeded else {
            record["error"] = .string(committed.error ?? "the work could not be committed")
            record["worktree"] = .string(place.worktree)
            return .object(record)
        }
        if case .object(let output)? = Self.decode(committed.output) {
            record["base"] = output["base"]
            record["commits"] = output["commits"]
        }
        guard case .array(let commits)? = record["commits"] else { return .object(record) }
        // A project built in phases is merged when its last phase succeeded, not before.
        let lastPhase = task.currentPhase.map { $0.index == task.phases.count - 1 } ?? true
        guard succeeded, lastPhase, spawn.settings.merge == .ff, !commits.isEmpty else { return .object(record) }
        let merged = await gate.result(of: spawn.mergeProposal(for: task, place: place), runID: runID, context: context)
        if let note = merged.gate {
            record["merge_error"] = .string(note.summary)
        } else if merged.succeeded, case .object(let output)? = Self.decode(merged.output) {
            record["merged"] = .bool(true)
            record["head"] = output["head"]
        } else {
            record["merge_error"] = .string(merged.error ?? "the merge failed")
        }
        return .object(record)
    }

    private static func decode(_ text: String) -> JSONValue? { try? StrictJSON.parse(text) }

    static func appendLine(_ path: String, _ members: [String: JSONValue]) {
        try? AppendOnlyFile.append(JSONValue.object(members).canonical + "\n", to: path)
    }
}
