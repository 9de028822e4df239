public import Foundation
public import NightshiftCore

/// How one task becomes a sub-agent command and a `spawn_subagent` proposal.
public struct SubagentSpawn: Sendable {
    public let settings: BuilderSettings
    /// The workspace folder; a relative `workdir` is resolved against it.
    public let workspacePath: String

    public init(settings: BuilderSettings, workspacePath: String) {
        self.settings = settings
        self.workspacePath = workspacePath
    }

    /// The prompt for `task`: the settings' template with the task's fields filled in.
    public func prompt(for task: QueueTask) -> String {
        let prompt = Self.fill(settings.prompt, task: task, prompt: nil)
        guard let (index, phase) = task.currentPhase else { return prompt }
        // A task built in phases: the agent does this phase only, knowing what came before and after.
        let phases = task.phases
        var lines = [
            "", "", "This task is built in \(phases.count) phases; this run is phase \(index + 1) of \(phases.count): \(phase.name) (about \(StepText.hours(phase.hours))).",
        ]
        if index > 0 { lines.append("Done in earlier runs: \(phases[..<index].map(\.name).joined(separator: ", ")).") }
        if index + 1 < phases.count { lines.append("Left for later runs: \(phases[(index + 1)...].map(\.name).joined(separator: ", ")). Do only this phase.") }
        if let verify = task.currentVerify { lines.append("The phase is checked with: \(verify)") }
        return prompt + lines.joined(separator: "\n")
    }

    /// Prompts longer than this (bytes) reach the agent in a file: one argument of a command may
    /// hold at most 128 KiB on Linux, and a longer one fails the spawn with "Argument list too long".
    public static let longPrompt = 96 * 1024

    /// Where a long prompt of the task `id` is written, relative to the workspace.
    public static func promptFile(task id: String) -> String { "logs/subagents/\(id).prompt.md" }

    /// A long prompt as the agent gets it: in a file, with the file's SHA-256 (the proposal binds
    /// to it); nil when the prompt fits an argument.
    public func longPrompt(for task: QueueTask) -> (path: String, text: String, sha256: String)? {
        let prompt = prompt(for: task)
        guard prompt.utf8.count > Self.longPrompt else { return nil }
        return (Self.promptFile(task: task.id), prompt, SHA256Hex.of(prompt))
    }

    /// The agent command for `task`, with `{prompt}`, `{task}`, `{title}` replaced in each argument.
    /// A long prompt (``longPrompt``) is replaced by a sentence naming its file.
    public func argv(for task: QueueTask) -> [String] {
        var prompt = prompt(for: task)
        if prompt.utf8.count > Self.longPrompt {
            // Absolute: the agent runs in `workdir`, not in the workspace.
            let path = URL(fileURLWithPath: workspacePath).appendingPathComponent(Self.promptFile(task: task.id)).standardizedFileURL.path
            prompt = "Your instructions for \(task.id) (\(prompt.utf8.count) bytes) are in the file \(path). Read all of it first, then do what it says."
        }
        return settings.agent.map { Self.fill($0, task: task, prompt: prompt) }
    }

    /// The working directory of agents and verify commands.
    public var workingDirectory: String? { settings.workingDirectory }

    /// The task's worktree and branch under `isolation = "git"`; nil otherwise.
    public func gitPlace(for task: QueueTask) -> GitPlace? { GitPlace(task: task.id, settings: settings, workspacePath: workspacePath) }

    /// Where `task`'s agent and verify command run: its worktree under git isolation, else `workdir`.
    public func workingDirectory(for task: QueueTask) -> String? { gitPlace(for: task)?.worktree ?? workingDirectory }

    /// The agent's time limit: the fixed `timeout`, or the estimate × `timeout_factor`.
    public func timeout(for task: QueueTask) -> Duration {
        settings.timeout ?? .milliseconds(Int64((task.currentPhase?.phase.hours ?? task.hours) * settings.timeoutFactor * 3_600_000))
    }

    /// The proposal for spawning `task`'s agent. Its payload is what executes and binds an
    /// approval: the same task proposes the same payload every time, so an approved spawn is used
    /// by the next proposal. It is deliberately not a `command` payload: the gate only decides and
    /// records it, and the builder runs the agent with its lease, limits and verification.
    public func proposal(for task: QueueTask) -> ProposedAction {
        var payload: [String: JSONValue] = [
            "task": .string(task.id), "agent": .array(argv(for: task).map { .string($0) }),
            "env": .array(settings.environment.map { .string($0) }),
        ]
        if let directory = workingDirectory(for: task) { payload["cwd"] = .string(directory) }
        if let place = gitPlace(for: task) { payload["git"] = place.payload }
        if let verify = task.currentVerify { payload["verify"] = .string(verify) }
        if let long = longPrompt(for: task) {
            payload["prompt_file"] = .object(["path": .string(long.path), "sha256": .string(long.sha256)])
        }
        var attributes: [String: JSONValue] = [
            "task": .string(task.id), "title": .string(task.title), "category": .string(task.category),
            "hours": .number(task.hours), "priority": .string(task.priority.rawValue),
        ]
        if let window = task.window { attributes["window"] = .string(window) }
        var summary = "\(task.id): \(task.title) (\(task.category))"
        if let (index, phase) = task.currentPhase {
            // A phase's spawn is about the phase's hours; the project's stay in `project_hours`.
            payload["phase"] = .string(phase.name)
            attributes["phase"] = .string(phase.name)
            attributes["hours"] = .number(phase.hours)
            attributes["project_hours"] = .number(task.hours)
            summary += ", phase \(index + 1) of \(task.phases.count): \(phase.name)"
        }
        if task.isWeekendProject { attributes["weekend_project"] = .bool(true) }
        return ProposedAction(
            type: SpawnSubagentHandler.type, attributes: attributes, payload: .object(payload), actor: Actor(.pack, "builder"), summary: summary
        )
    }

    /// The verify command's proposal: a `run_command` the gate executes itself.
    public func verifyProposal(for task: QueueTask, command: String) -> ProposedAction {
        var payload: [String: JSONValue] = ["shell": .string(command)]
        if let directory = workingDirectory(for: task) { payload["cwd"] = .string(directory) }
        if !settings.environment.isEmpty { payload["env"] = .array(settings.environment.map { .string($0) }) }
        return ProposedAction(
            type: "run_command",
            attributes: ["task": .string(task.id), "category": .string(task.category), "step": .string("verify")],
            payload: .object(payload), actor: Actor(.pack, "builder"), summary: "verify \(task.id): \(task.title)"
        )
    }

    /// The proposal that commits what `task`'s agent left in its worktree and removes the worktree.
    /// Without the task's category: the category's tier decided the spawn; these are its bookkeeping,
    /// decided by their own types' tiers.
    func commitProposal(for task: QueueTask, place: GitPlace, succeeded: Bool) -> ProposedAction {
        let phase = task.currentPhase.map { " (phase \($0.phase.name))" } ?? ""
        let message = "nightshift: \(task.id) \(task.title)\(phase)\(succeeded ? "" : " (failed, kept for inspection)")"
        return ProposedAction(
            type: GitHandler.commitType, attributes: ["task": .string(task.id)],
            payload: .object(["task": .string(task.id), "git": place.payload, "message": .string(message)]), actor: Actor(.pack, "builder"),
            summary: "commit \(task.id)'s work on \(place.branch)"
        )
    }

    /// The proposal that fast-forwards the repository's branch to `task`'s.
    func mergeProposal(for task: QueueTask, place: GitPlace) -> ProposedAction {
        ProposedAction(
            type: GitHandler.mergeType, attributes: ["task": .string(task.id)],
            payload: .object(["task": .string(task.id), "git": place.payload]), actor: Actor(.pack, "builder"),
            summary: "merge \(place.branch) (\(task.title)) into \((place.repository as NSString).lastPathComponent)"
        )
    }

    /// Replaces the placeholders of `template` in one pass: text that came from a value (a title
    /// that itself says `{task}`) is never replaced again, so the same task always gives the same
    /// command, and an approval binds to it in every process.
    static func fill(_ template: String, task: QueueTask, prompt: String?) -> String {
        let hours = task.hours == task.hours.rounded() ? String(Int(task.hours)) : String(task.hours)
        var values = [
            "title": task.title, "description": task.description.isEmpty ? "(none given)" : task.description,
            "category": task.category, "hours": hours, "task": task.id,
        ]
        if let prompt { values["prompt"] = prompt }
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: "}"), let value = values[String(after[..<close])] {
                out += value
                rest = after[after.index(after: close)...]
            } else {
                out += "{"
                rest = after
            }
        }
        return out + rest
    }
}
