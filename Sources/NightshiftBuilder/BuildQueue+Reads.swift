public import Foundation
public import NightshiftCore

/// The queue's reads: by state, by id and by the store's totals, never every task the queue ever
/// had, so `queue add`, `queue list`, `status` and the brief cost their page however many tasks ended.
extension BuildQueue {
    /// The tasks in `states`, in insertion order, read by state: a listing costs its tasks, not the
    /// queue's history.
    public func tasks(in states: Set<TaskState>) async throws -> [QueueTask] {
        guard !states.isEmpty else { return [] }
        return try await store.tasks(TaskQuery(queue: QueueTask.builderQueue, states: states))
    }

    /// What `queue progress` shows: the running tasks and those waiting for approval, each with
    /// its spawn's action as it stands now (approved, interrupted, rejected…), not as it was when
    /// the task was parked.
    public func progress() async throws -> [TaskProgress] {
        var entries: [TaskProgress] = []
        for task in try await tasks(in: [.running, .awaitingApproval]) {
            var spawn: ActionRecord?
            if task.state == .awaitingApproval, let actionID = task.actionID { spawn = try await store.action(actionID) }
            entries.append(TaskProgress(task: task, spawn: spawn))
        }
        return entries
    }

    /// What `queue list` shows, in ``listOrder(_:_:)``: the tasks in `states` when given, else every
    /// task with `all`, else those not succeeded or cancelled.
    /// The builder's task `id`; nil when there is none (or it belongs to another queue).
    public func task(_ id: String) async throws -> QueueTask? {
        guard let task = try await store.task(id), task.queue == QueueTask.builderQueue else { return nil }
        return task
    }

    /// Writes `plan`'s assignments: each task scheduled into its window (see ``BuildPlanner/apply(_:store:at:)``).
    @discardableResult
    public func schedule(_ plan: BuildPlanner.Plan, at now: Date) async throws -> [QueueTask] {
        try await BuildPlanner.apply(plan, store: store, at: now)
    }

    public func list(states: Set<TaskState>?, all: Bool) async throws -> [QueueTask] {
        let tasks: [QueueTask]
        if let states {
            tasks = try await self.tasks(in: states)
        } else if all {
            tasks = try await self.all()
        } else {
            tasks = try await self.tasks(in: Set(TaskState.allCases).subtracting([.succeeded, .cancelled]))
        }
        return tasks.sorted(by: Self.listOrder)
    }

    /// The tasks that have not ended and the ended ones they depend on: all that deciding which
    /// tasks are ready or blocked needs (see ``openTasks(in:)``).
    public func open() async throws -> [QueueTask] {
        try await Self.openTasks(in: store)
    }

    /// The queue's totals per state, counted by the store.
    public func stats() async throws -> QueueStats {
        QueueStats(totals: try await store.taskTotals(queue: QueueTask.builderQueue))
    }

    /// The builder's tasks that have not ended (waiting or running) and the ended tasks they depend
    /// on, in insertion order. ``ready(_:)`` and ``refreshBlocked(at:)`` need nothing more, so they
    /// cost the open tasks, however many ended before.
    public static func openTasks(in store: any Store) async throws -> [QueueTask] {
        let open = try await store.tasks(TaskQuery(queue: QueueTask.builderQueue, states: Set(TaskState.allCases.filter { !$0.isFinal })))
        let dependencies = Set(open.flatMap(\.dependsOn)).subtracting(open.map(\.id))
        guard !dependencies.isEmpty else { return open }
        // Read again with them, by id, to keep the insertion order the store alone knows.
        return try await tasks(dependencies.union(open.map(\.id)), in: store)
    }

    /// The tasks an ``OvernightReport`` of `since`…`until` shows: the open ones with the ended tasks
    /// they depend on (as ``openTasks(in:)``), and those that finished in the span.
    public static func reportTasks(in store: any Store, since: Date, until: Date) async throws -> [QueueTask] {
        let open = try await openTasks(in: store)
        guard since <= until else { return open }
        let known = Set(open.map(\.id))
        let finished = try await store.tasks(TaskQuery(queue: QueueTask.builderQueue, finished: since...until, limit: .max))
        return open + finished.filter { !known.contains($0.id) }
    }

    /// The builder's tasks with these ids, those that exist, by index.
    static func tasks(_ ids: Set<String>, in store: any Store) async throws -> [QueueTask] {
        guard !ids.isEmpty else { return [] }
        return try await store.tasks(TaskQuery(queue: QueueTask.builderQueue, ids: ids, limit: ids.count))
    }

    /// The tasks `ids` name and every task they depend on, directly or not: the part of the graph a
    /// new edge from them could close a cycle through.
    func dependencyClosure(of ids: [String]) async throws -> [QueueTask] {
        var found: [QueueTask] = []
        var seen = Set(ids)
        var frontier = seen
        while !frontier.isEmpty {
            let tasks = try await Self.tasks(frontier, in: store)
            found += tasks
            frontier = Set(tasks.flatMap(\.dependsOn)).subtracting(seen)
            seen.formUnion(frontier)
        }
        return found
    }

    /// Running first, then the waiting states, then the ended ones; by ``runsBefore(_:_:)`` within a state.
    public static func listOrder(_ a: QueueTask, _ b: QueueTask) -> Bool {
        let order: [TaskState] = [.running, .awaitingApproval, .scheduled, .queued, .blocked, .failed, .succeeded, .cancelled]
        let left = order.firstIndex(of: a.state) ?? 0, right = order.firstIndex(of: b.state) ?? 0
        return left != right ? left < right : runsBefore(a, b)
    }
}
