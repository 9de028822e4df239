public import Foundation
public import NightshiftCore

/// One phase of a task built in phases (a weekend project): a sub-agent spawn of its own, with its
/// own verify command. Kept in the task's `phases` attribute, in order.
public struct TaskPhase: Sendable, Hashable, Codable {
    public var name: String
    public var hours: Double
    /// Checked after the phase's agent; the last phase falls back to the task's `verify`.
    public var verify: String?

    public init(name: String, hours: Double, verify: String? = nil) {
        self.name = name
        self.hours = hours
        self.verify = verify
    }

    /// Most phases a task may have.
    public static let limit = 12

    /// Reads `NAME:HOURS[:VERIFY]` (`queue add --phase "build:4:swift build"`); the verify command is
    /// everything after the second colon. Throws a sentence naming what is wrong.
    public static func parse(_ text: String) throws(BuildQueue.Failure) -> TaskPhase {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map { String($0) }
        let name = parts[0].trimmingCharacters(in: .whitespaces)
        guard isValidName(name) else {
            throw BuildQueue.Failure("--phase \"\(text)\": a phase is NAME:HOURS[:VERIFY], its name of letters, digits, '-' and '_' (at most 40)")
        }
        guard parts.count >= 2, let hours = Double(parts[1].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "h", with: "")),
              hours > 0, hours <= 168
        else {
            throw BuildQueue.Failure("--phase \"\(text)\": its hours must be a number above 0 and at most 168, e.g. --phase \"build:4\"")
        }
        let verify = parts.count == 3 ? parts[2].trimmingCharacters(in: .whitespaces) : ""
        return TaskPhase(name: name, hours: hours, verify: verify.isEmpty ? nil : verify)
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 40 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// A phase as ``attribute(_:)`` writes it (`name`, `hours`, `verify`), or nil.
    init?(stored item: JSONValue) {
        guard let name = item["name"]?.stringValue, let hours = item["hours"]?.double else { return nil }
        self.init(name: name, hours: hours, verify: item["verify"]?.stringValue)
    }

    /// The phases as the task's attribute.
    static func attribute(_ phases: [TaskPhase]) -> JSONValue {
        .array(phases.map { phase in
            var members: [String: JSONValue] = ["name": .string(phase.name), "hours": .number(phase.hours)]
            if let verify = phase.verify { members["verify"] = .string(verify) }
            return .object(members)
        })
    }
}

extension TaskPhase {
    /// The phases a task's `plan` phase proposed for the rest of the work: its agent prints
    /// `NIGHTSHIFT_OUTPUT {"phases": [{"name": "build", "hours": 5, "verify": "swift build"}, …]}`.
    /// Nil when the current phase is not a first phase named `plan`, or the agent proposed none
    /// (the phases given stay); a failure naming what is wrong when the proposal is not valid: at
    /// most 11 phases, names of their own (not `plan`), hours above 0 adding up to at most twice
    /// the task's estimate.
    static func planned(by output: String, for task: QueueTask) -> Result<[TaskPhase]?, BuildQueue.Failure> {
        guard let (index, phase) = task.currentPhase, index == 0, phase.name.lowercased() == "plan" else { return .success(nil) }
        let value: JSONValue?
        switch StepOutput.parse(output) {
        case .success(let parsed): value = parsed
        case .failure(let problem): return .failure(.init("the plan's output is not valid JSON: \(problem)"))
        }
        guard let proposed = value?["phases"] else { return .success(nil) }
        guard case .array(let items) = proposed, !items.isEmpty, items.count < limit else {
            return .failure(.init("the plan's phases must be a list of 1 to \(limit - 1) phases"))
        }
        var phases: [TaskPhase] = []
        var seen: Set<String> = ["plan"]
        for (position, item) in items.enumerated() {
            let hours = item["hours"]?.double
            guard let name = item["name"]?.stringValue, isValidName(name) else {
                return .failure(.init("the plan's phase \(position + 1) needs a name of letters, digits, '-' and '_'"))
            }
            guard seen.insert(name.lowercased()).inserted else { return .failure(.init("the plan names phase \(name) twice (or plans a second plan)")) }
            guard let hours, hours > 0 else { return .failure(.init("the plan's phase \(name) needs hours above 0")) }
            let verify = item["verify"]?.stringValue
            if item["verify"] != nil, item["verify"] != .null, verify == nil { return .failure(.init("the plan's phase \(name): verify must be a command")) }
            phases.append(TaskPhase(name: name, hours: hours, verify: verify?.isEmpty == false ? verify : nil))
        }
        let total = phases.reduce(0) { $0 + $1.hours }
        guard total <= task.hours * 2 else {
            return .failure(.init("the plan's phases add up to \(StepText.hours(total)), more than twice the estimate (\(StepText.hours(task.hours)))"))
        }
        return .success(phases)
    }
}

/// How one phase of a task went so far: kept in the task's result under `phases`, carried from
/// attempt to attempt.
public struct PhaseOutcome: Sendable, Hashable {
    public var name: String
    /// `succeeded` or `failed` (its last attempt).
    public var state: String
    public var attempts: Int
    public var error: String?
    public var finishedAt: String?

    var json: JSONValue {
        var members: [String: JSONValue] = ["name": .string(name), "state": .string(state), "attempts": .integer(Int64(attempts))]
        if let error { members["error"] = .string(error) }
        if let finishedAt { members["finished_at"] = .string(finishedAt) }
        return .object(members)
    }

    init(name: String, state: String, attempts: Int, error: String?, finishedAt: String?) {
        self.name = name
        self.state = state
        self.attempts = attempts
        self.error = error
        self.finishedAt = finishedAt
    }

    init?(_ value: JSONValue) {
        guard let name = value["name"]?.stringValue, let state = value["state"]?.stringValue else { return nil }
        var attempts = 0
        if case .integer(let count)? = value["attempts"] { attempts = Int(count) }
        self.init(name: name, state: state, attempts: attempts, error: value["error"]?.stringValue, finishedAt: value["finished_at"]?.stringValue)
    }
}

extension QueueTask {
    /// The task's phases, in order; empty for a task built in one spawn.
    public var phases: [TaskPhase] {
        guard case .array(let items)? = attributes["phases"] else { return [] }
        return items.compactMap(TaskPhase.init(stored:))
    }

    /// How each phase went so far, by name.
    public var phaseOutcomes: [String: PhaseOutcome] {
        guard case .array(let items)? = result?["phases"] else { return [:] }
        return Dictionary(items.compactMap(PhaseOutcome.init).map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The first phase that has not succeeded, with its position; nil when every phase did (or the
    /// task has none).
    public var currentPhase: (index: Int, phase: TaskPhase)? {
        let outcomes = phaseOutcomes
        return phases.enumerated().first { outcomes[$0.element.name]?.state != "succeeded" }.map { ($0.offset, $0.element) }
    }

    /// The verify command of what runs next: the current phase's (the last phase falls back to the
    /// task's), or the task's.
    public var currentVerify: String? {
        guard let (index, phase) = currentPhase else { return verify }
        return phase.verify ?? (index == phases.count - 1 ? verify : nil)
    }

    /// Whether the operator selected this task as the weekend project (`weekend select`).
    public var isWeekendProject: Bool { attributes["weekend_project"] == .bool(true) }
}

/// How the end of one phase's attempt becomes the task's outcome: the phase's record added to the
/// result's `phases`; a phase that succeeded with more to come, or that failed with attempts left,
/// hands the task back (to run its next phase, or this one again); the last phase's success, or a
/// phase out of attempts, ends the task.
struct PhaseEnd: Sendable {
    /// What to record with `finishTask`.
    var outcome: TaskOutcome
    /// The task goes back to wait for its next run (its schedule and attempts are then restored
    /// with ``restore(_:from:store:at:)``).
    var handedBack: Bool
    /// The journal's words for it.
    var note: String
    /// The task's phases from now on, when the plan phase replaced those after it.
    var phases: [TaskPhase]?

    /// The phases a plan phase proposed, as the worker put them in the attempt's result.
    static func planned(in result: [String: JSONValue]) -> [TaskPhase]? {
        guard case .array(let items)? = result["planned_phases"] else { return nil }
        let phases = items.compactMap(TaskPhase.init(stored:))
        return phases.count == items.count ? phases : nil
    }

    /// The end of `task`'s current phase, which ended `state` (`succeeded` or `failed`) with
    /// `error` and the attempt's `result`; nil when the task has no phase left to run.
    init?(_ task: QueueTask, state: TaskState, error: String?, result: [String: JSONValue], at now: Date) {
        guard let (index, phase) = task.currentPhase else { return nil }
        let succeeded = state == .succeeded
        var phases = task.phases
        // The plan phase proposed the phases after it (validated before it got here).
        if succeeded, index == 0, let planned = Self.planned(in: result) {
            phases = [phase] + planned
            self.phases = phases
        }
        var outcomes = task.phaseOutcomes
        let attempts = (outcomes[phase.name]?.attempts ?? 0) + 1
        outcomes[phase.name] = PhaseOutcome(
            name: phase.name, state: succeeded ? "succeeded" : "failed", attempts: attempts, error: succeeded ? nil : error,
            finishedAt: ISO8601.format(now, in: .gmt)
        )
        var result = result
        result["phases"] = .array(phases.compactMap { outcomes[$0.name]?.json })
        let position = "phase \(index + 1) of \(phases.count) (\(phase.name))"
        if succeeded, index + 1 < phases.count {
            outcome = TaskOutcome(state: .queued, at: now, error: nil, result: .object(result))
            handedBack = true
            note = "\(position) done; next: \(phases[index + 1].name)"
        } else if succeeded {
            outcome = TaskOutcome(state: .succeeded, at: now, error: nil, result: .object(result))
            handedBack = false
            note = "\(position) done: every phase is"
        } else if attempts < task.maxAttempts {
            let why = "\(position) failed (attempt \(attempts) of \(task.maxAttempts)): \(error ?? "failed"); it runs again"
            outcome = TaskOutcome(state: .queued, at: now, error: why, result: .object(result))
            handedBack = true
            note = why
        } else {
            let why = "\(position) failed \(attempts) times: \(error ?? "failed")"
            outcome = TaskOutcome(state: .failed, at: now, error: why, result: .object(result))
            handedBack = false
            note = why
        }
    }

    /// After a phase handed `task` (the claimed copy) back: its window and schedule as they were,
    /// and its attempts back to 0, so that a project of many phases is not failed by the attempts
    /// of earlier phases (each phase counts its own in `phases`).
    static func restore(_ stored: QueueTask, from claimed: QueueTask, phases: [TaskPhase]? = nil, store: any Store, at now: Date) async {
        var task = stored
        task.attempts = 0
        if let phases { task.attributes["phases"] = TaskPhase.attribute(phases) }
        if claimed.window != nil {
            task.state = .scheduled
            task.window = claimed.window
            task.scheduledFor = claimed.scheduledFor
        }
        _ = try? await store.updateTask(task, expecting: [.queued], at: now)
    }
}
