public import Foundation
public import NightshiftCore

/// The weekend project: one large task the operator picks on Friday, built in phases over
/// Saturday and Sunday, summarised on Sunday night. Kept in the store under `builder.weekend`.
public struct WeekendPlan: Sendable, Codable, Hashable {
    public struct Phase: Sendable, Codable, Hashable {
        public var name: String
        public var hours: Double
        public var completedAt: Date?
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
            .map { Suggestion(task: $0, phases: WeekendPlan.phases(hours: $0.hours)) }
    }

    /// The current plan, if one was selected.
    public func plan() async throws -> WeekendPlan? {
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
        let plan = WeekendPlan(task: id, title: task.title, hours: task.hours, selectedAt: now, phases: WeekendPlan.phases(hours: task.hours))
        try await save(plan, at: now)
        return plan
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
        return (plan, task)
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
        return plan
    }

    /// The Sunday summary: the plan, its phases, and the task's state.
    public func summary() async throws -> [String] {
        guard let plan = try await plan() else { return ["No weekend project was selected."] }
        let task = try await store.task(plan.task)
        var lines = [
            "Weekend project: \(plan.task) \(plan.title) (\(OvernightReport.hours(plan.hours)))",
            String(format: "Progress: %.0f%% — %d of %d phases done", plan.progress * 100, plan.phases.filter(\.done).count, plan.phases.count),
        ]
        for phase in plan.phases {
            lines.append("  [\(phase.done ? "x" : " ")] \(phase.name) (\(OvernightReport.hours(phase.hours)))"
                + (phase.completedAt.map { " done \(ISO8601.format($0, in: timeZone))" } ?? ""))
        }
        if let task { lines.append("Task state: \(task.state)\(task.lastError.map { " — \($0)" } ?? "")") }
        lines.append(plan.completedAt != nil ? "Shipped: every phase is complete." : "Not finished: \(plan.phases.filter { !$0.done }.map(\.name).joined(separator: ", ")) remain.")
        return lines
    }
}
