public import Foundation
public import NightshiftCore

/// The weekend project: one large task the operator picks on Friday, built in phases over
/// Saturday and Sunday, summarised on Sunday night. Kept in the store under `builder.weekend`.
public struct WeekendPlan: Sendable, Codable, Hashable {
    public struct Phase: Sendable, Codable, Hashable {
        public var name: String
        public var hours: Double
        public var completedAt: Date?
        /// The phase's own verify command, when it has one.
        public var verify: String? = nil
        /// As the task's runs left it (filled when the plan is read, not stored): `done`,
        /// `running`, `failed` (its last attempt; it runs again), `failed for good`, or `left`.
        public var status: String? = nil
        /// The phase's spawns so far, and why its last one failed.
        public var attempts: Int? = nil
        public var error: String? = nil
        public var done: Bool { completedAt != nil }
    }

    public var task: String
    public var title: String
    public var hours: Double
    public var selectedAt: Date
    public var startedAt: Date?
    public var completedAt: Date?
    public var phases: [Phase]

    /// The share of the estimate in finished phases, 0…1.
    public var progress: Double {
        let total = phases.reduce(0) { $0 + $1.hours }
        guard total > 0 else { return 0 }
        return phases.filter(\.done).reduce(0) { $0 + $1.hours } / total
    }

    /// A task's estimate split into phases: plan 10 %, build 50 %, test 20 %, document 10 %, ship 10 %.
    public static func phases(hours: Double) -> [Phase] {
        [("plan", 0.1), ("build", 0.5), ("test", 0.2), ("document", 0.1), ("ship", 0.1)].map { name, share in
            Phase(name: name, hours: (hours * share * 10).rounded() / 10, completedAt: nil)
        }
    }

    /// The phases of `task`: its own (`queue add --phase`), or its estimate split as above.
    public static func phases(of task: QueueTask) -> [Phase] {
        let own = task.phases
        return own.isEmpty ? phases(hours: task.hours) : own.map { Phase(name: $0.name, hours: $0.hours, completedAt: nil, verify: $0.verify) }
    }

    /// The plan with what `task`'s runs did: each phase's status, attempts and last error; a phase
    /// the worker finished is done at its finish (one marked with `weekend complete` stays done).
    func merged(with task: QueueTask?) -> WeekendPlan {
        guard let task else { return self }
        var plan = self
        // The task's phases are the ones that run: a plan phase may have replaced those after it.
        let taskPhases = task.phases
        if !taskPhases.isEmpty, taskPhases.map(\.name) != plan.phases.map(\.name) {
            let before = Dictionary(plan.phases.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            plan.phases = taskPhases.map { Phase(name: $0.name, hours: $0.hours, completedAt: before[$0.name]?.completedAt, verify: $0.verify) }
        }
        let outcomes = task.phaseOutcomes
        let current = task.currentPhase?.phase.name
        for index in plan.phases.indices {
            let name = plan.phases[index].name
            let outcome = outcomes[name]
            plan.phases[index].attempts = outcome?.attempts
            if outcome?.state == "succeeded", plan.phases[index].completedAt == nil {
                plan.phases[index].completedAt = outcome?.finishedAt.flatMap(ISO8601.parse) ?? task.updatedAt
            }
            if plan.phases[index].done {
                plan.phases[index].status = "done"
            } else if name == current, task.state == .running {
                plan.phases[index].status = "running"
            } else if outcome?.state == "failed" {
                plan.phases[index].status = name == current && task.state == .failed ? "failed for good" : "failed"
                plan.phases[index].error = outcome?.error
            } else {
                plan.phases[index].status = "left"
            }
        }
        if plan.completedAt == nil, !plan.phases.isEmpty, plan.phases.allSatisfy(\.done) {
            plan.completedAt = plan.phases.compactMap(\.completedAt).max()
        }
        return plan
    }
}

/// `nightshift weekend …`: suggests weekend-sized tasks, keeps the selected plan, tracks phases.
public struct WeekendPlanner: Sendable {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// A weekend-sized task with its phase breakdown.
    public struct Suggestion: Sendable, Hashable {
        public var task: QueueTask
        public var phases: [WeekendPlan.Phase]
    }

    static let key = "builder.weekend"
    let store: any Store
    let settings: BuilderSettings
    let timeZone: TimeZone

    public init(store: any Store, settings: BuilderSettings, timeZone: TimeZone) {
        self.store = store
        self.settings = settings
        self.timeZone = timeZone
    }

    var window: TimeWindow {
        settings.windows.first { $0.name == "weekend" } ?? TimeWindow.defaults[3]
    }

    /// The top 5 ready tasks sized for the weekend window, best score first.
    public func suggest(limit: Int = 5) async throws -> [Suggestion] {
        let window = self.window
        let tasks = BuildQueue.ready(try await store.tasks(TaskQuery(queue: QueueTask.builderQueue)))
        return tasks.filter { $0.hours >= window.minHours && $0.hours <= window.maxHours }.prefix(limit)
            .map { Suggestion(task: $0, phases: WeekendPlan.phases(of: $0)) }
    }

    /// The current plan, if one was selected, with what its task's runs did so far.
    public func plan() async throws -> WeekendPlan? {
        guard let stored = try await storedPlan() else { return nil }
        return stored.merged(with: try await store.task(stored.task))
    }

    private func storedPlan() async throws -> WeekendPlan? {
        guard let value = try await store.stateValue(Self.key) else { return nil }
        return try value.decode(WeekendPlan.self)
    }

    private func save(_ plan: WeekendPlan?, at now: Date) async throws {
        let value = try plan.map { try JSONValue(encoding: $0) }
        try await store.setStateValue(Self.key, value, at: now)
    }

    /// Makes `id` the weekend project (replacing an unstarted selection).
    public func select(_ id: String, at now: Date) async throws -> WeekendPlan {
        guard let task = try await store.task(id), task.queue == QueueTask.builderQueue else { throw Failure("no task \(id); see nightshift weekend suggest") }
        guard TaskState.waiting.contains(task.state) else { throw Failure("\(id) is \(task.state); pick a task that still waits") }
        let window = self.window
        guard task.hours >= window.minHours, task.hours <= window.maxHours, window.fits(hours: task.hours) else {
            throw Failure(
                "\(id) is estimated at \(StepText.hours(task.hours)); a weekend project takes \(StepText.hours(window.minHours))–"
                    + "\(StepText.hours(min(window.maxHours, window.lengthHours))) (the weekend window); queue it for another window, or pick one from nightshift weekend suggest"
            )
        }
        if task.state == .blocked {
            let waitingFor = task.dependsOn.isEmpty ? "" : " on \(task.dependsOn.joined(separator: ", "))"
            throw Failure("\(id) is blocked: it waits\(waitingFor); pick a task that is ready, or finish that first")
        }
        if let current = try await plan(), current.startedAt != nil, current.completedAt == nil, current.task != id {
            throw Failure("the weekend project \(current.task) is under way; finish its phases first (nightshift weekend progress)")
        }
        let plan = WeekendPlan(task: id, title: task.title, hours: task.hours, selectedAt: now, phases: WeekendPlan.phases(of: task))
        // The task is now built in these phases, each a spawn of its own, and is the weekend project
        // (its spawns say so: the example policy lets them run, selecting it being the approval).
        if let previous = try await storedPlan(), previous.task != id, var earlier = try await store.task(previous.task), earlier.isWeekendProject {
            earlier.attributes["weekend_project"] = nil
            _ = try await store.updateTask(earlier, expecting: [earlier.state], at: now)
        }
        var marked = task
        if marked.phases.isEmpty {
            marked.attributes["phases"] = TaskPhase.attribute(plan.phases.map { TaskPhase(name: $0.name, hours: $0.hours, verify: $0.verify) })
        }
        marked.attributes["weekend_project"] = .bool(true)
        guard let stored = try await store.updateTask(marked, expecting: [task.state], at: now) else {
            throw Failure("\(id) changed while it was selected; try again")
        }
        try await save(plan, at: now)
        return plan.merged(with: stored)
    }

    /// Starts the selected project: schedules its task into the weekend window's current or next opening.
    public func start(at now: Date) async throws -> (WeekendPlan, QueueTask) {
        guard var plan = try await plan() else { throw Failure("no weekend project selected; see nightshift weekend suggest, then weekend select ID") }
        guard var task = try await store.task(plan.task) else { throw Failure("the selected task \(plan.task) no longer exists; select another") }
        if plan.startedAt == nil { plan.startedAt = now }
        if task.state == .queued || task.state == .scheduled, let opening = window.opening(at: now, in: timeZone) {
            let from = task.state
            task.state = .scheduled
            task.window = window.name
            task.scheduledFor = opening.start
            task = try await store.updateTask(task, expecting: [from], at: now) ?? task
        }
        try await save(plan, at: now)
        return (plan.merged(with: task), task)
    }

    /// Marks `phase` done.
    public func complete(_ phase: String, at now: Date) async throws -> WeekendPlan {
        guard var plan = try await plan() else { throw Failure("no weekend project selected") }
        guard plan.startedAt != nil else { throw Failure("the weekend project has not started; run nightshift weekend start") }
        guard let index = plan.phases.firstIndex(where: { $0.name.lowercased() == phase.lowercased() }) else {
            throw Failure("no phase \"\(phase)\"; the phases are \(plan.phases.map(\.name).joined(separator: ", "))")
        }
        guard !plan.phases[index].done else { throw Failure("phase \(plan.phases[index].name) is done already") }
        plan.phases[index].completedAt = now
        if plan.phases.allSatisfy(\.done) { plan.completedAt = now }
        try await save(plan, at: now)
        return plan.merged(with: try await store.task(plan.task))
    }

    /// Where the project stands: phases done, running and left, with the share of the estimate done.
    public func progress() async throws -> [String] {
        guard let plan = try await plan() else { return ["No weekend project selected: see nightshift weekend suggest"] }
        func names(_ status: String) -> [String] { plan.phases.filter { $0.status == status }.map(\.name) }
        var lines = [
            "Weekend project: \(plan.task) \(plan.title) (\(OvernightReport.hours(plan.hours)))"
                + (plan.startedAt.map { ", started \(ISO8601.format($0, in: timeZone))" } ?? ", not started: nightshift weekend start"),
            String(format: "Progress: %.0f%% of the estimate — %d of %d phases done", plan.progress * 100, plan.phases.filter(\.done).count, plan.phases.count),
        ]
        let done = plan.phases.filter(\.done).map { phase in phase.attempts.map { "\(phase.name) (\($0) attempt\($0 == 1 ? "" : "s"))" } ?? phase.name }
        lines.append("Done: \(done.isEmpty ? "none yet" : done.joined(separator: ", "))")
        let running = names("running")
        if !running.isEmpty { lines.append("Running: \(running.joined(separator: ", "))") }
        for phase in plan.phases where phase.status == "failed" || phase.status == "failed for good" {
            let again = phase.status == "failed" ? "runs again" : "out of attempts"
            lines.append("Failed: \(phase.name), attempt \(phase.attempts ?? 1) (\(again)): \(phase.error ?? "failed")")
        }
        let left = names("left")
        lines.append("Left: \(left.isEmpty ? "nothing" : left.joined(separator: ", "))")
        return lines
    }

    /// The Sunday summary: whether the project shipped, each phase's outcome, what was merged.
    public func summary() async throws -> [String] {
        guard let plan = try await plan() else { return ["No weekend project was selected."] }
        let task = try await store.task(plan.task)
        // Every phase done, by the worker's runs or marked with `weekend complete`.
        let shipped = plan.completedAt != nil
        var lines = [
            "Weekend summary: \(plan.task) \(plan.title) (\(OvernightReport.hours(plan.hours))) — "
                + (shipped ? "shipped \(ISO8601.format(plan.completedAt!, in: timeZone))" : "not finished"),
            "Phases:",
        ]
        for phase in plan.phases {
            var line = "  \(phase.name) (\(OvernightReport.hours(phase.hours))): "
            switch phase.status ?? (phase.done ? "done" : "left") {
            case "done":
                line += "done" + (phase.attempts.map { $0 == 1 ? " in 1 attempt" : " after \($0) attempts" } ?? "")
                    + (phase.completedAt.map { ", \(ISO8601.format($0, in: timeZone))" } ?? "")
            case "running": line += "still running"
            case "failed": line += "failed \(phase.attempts ?? 1)× so far, runs again: \(phase.error ?? "failed")"
            case "failed for good": line += "failed \(phase.attempts ?? 1)×: \(phase.error ?? "failed")"
            default: line += "not reached"
            }
            lines.append(line)
        }
        if let task, case .object(let git)? = task.result?["git"], let branch = git["branch"]?.stringValue {
            var shas: [String] = []
            if case .array(let commits)? = git["commits"] { shas = commits.compactMap(\.stringValue).map { String($0.prefix(7)) } }
            lines.append("Branch \(branch): " + (git["merged"] == .bool(true) ? "merged" : "not merged") + (shas.isEmpty ? "" : " (\(shas.joined(separator: ", ")))"))
        }
        if let task { lines.append("Task: \(task.state)\(task.lastError.map { " — \($0)" } ?? "")") }
        if !shipped {
            lines.append("Left for next time: \(plan.phases.filter { !$0.done }.map(\.name).joined(separator: ", "))")
        }
        return lines
    }
}
