public import Foundation

/// The queued tasks and named values the memory store keeps.
struct MemoryTaskTable: Sendable {
    var tasks: [String: QueueTask] = [:]
    /// Ids in insertion order.
    var order: [String] = []
    /// The last `task_N` number handed out.
    var sequence = 0
    var values: [String: JSONValue] = [:]
}

extension MemoryStore {
    public func insertTask(_ task: QueueTask) async throws -> QueueTask? {
        var task = task
        if task.id.isEmpty {
            repeat {
                taskTable.sequence += 1
                task.id = "task_\(taskTable.sequence)"
            } while taskTable.tasks[task.id] != nil
        }
        guard taskTable.tasks[task.id] == nil else { return nil }
        taskTable.tasks[task.id] = task
        taskTable.order.append(task.id)
        return task
    }

    public func task(_ id: String) async throws -> QueueTask? { taskTable.tasks[id] }

    public func tasks(_ query: TaskQuery) async throws -> [QueueTask] {
        Array(
            taskTable.order.lazy.compactMap { self.taskTable.tasks[$0] }
                .filter(query.matches)
                .prefix(max(0, query.limit))
        )
    }

    public func taskTotals(queue: String) async throws -> [TaskState: TaskTotal] {
        TaskTotal.of(taskTable.tasks.values.lazy.filter { $0.queue == queue })
    }

    public func updateTask(_ task: QueueTask, expecting: Set<TaskState>, at now: Date) async throws -> QueueTask? {
        guard let stored = taskTable.tasks[task.id], expecting.contains(stored.state) else { return nil }
        var task = task
        task.updatedAt = now
        taskTable.tasks[task.id] = task
        return task
    }

    public func claimTask(_ id: String, from: Set<TaskState>, owner: String, leaseUntil: Date, at now: Date) async throws -> QueueTask? {
        claim(id, from: from, owner: owner, leaseUntil: leaseUntil, at: now)
    }

    public func claimFirstTask(
        of candidates: [String], from: Set<TaskState>, owner: String, leaseUntil: Date, at now: Date
    ) async throws -> QueueTask? {
        // Synchronous on the actor: no other claim can come between two candidates.
        for id in candidates {
            if let claimed = claim(id, from: from, owner: owner, leaseUntil: leaseUntil, at: now) { return claimed }
        }
        return nil
    }

    private func claim(_ id: String, from: Set<TaskState>, owner: String, leaseUntil: Date, at now: Date) -> QueueTask? {
        guard var task = taskTable.tasks[id], from.contains(task.state) else { return nil }
        task.state = .running
        task.leaseOwner = owner
        task.leaseExpiresAt = leaseUntil
        task.attempts += 1
        task.startedAt = now
        task.finishedAt = nil
        task.pid = nil
        task.updatedAt = now
        taskTable.tasks[id] = task
        return task
    }

    public func renewTask(_ id: String, owner: String, leaseUntil: Date) async throws -> Bool {
        guard var task = taskTable.tasks[id], task.state == .running, task.leaseOwner == owner else { return false }
        task.leaseExpiresAt = leaseUntil
        taskTable.tasks[id] = task
        return true
    }

    public func setTaskPID(_ id: String, owner: String, pid: Int32?) async throws -> Bool {
        guard var task = taskTable.tasks[id], task.state == .running, task.leaseOwner == owner else { return false }
        task.pid = pid
        taskTable.tasks[id] = task
        return true
    }

    public func finishTask(_ id: String, owner: String, outcome: TaskOutcome) async throws -> QueueTask? {
        guard var task = taskTable.tasks[id], task.state == .running, task.leaseOwner == owner else { return nil }
        task.state = outcome.state
        task.lastError = outcome.error
        if let result = outcome.result { task.result = result }
        task.leaseOwner = nil
        task.leaseExpiresAt = nil
        task.pid = nil
        task.updatedAt = outcome.at
        task.finishedAt = outcome.state.isFinal ? outcome.at : nil
        taskTable.tasks[id] = task
        return task
    }

    public func releaseTasks(expiredAt now: Date, ownedBy gone: Set<String>) async throws -> [QueueTask] {
        var released: [QueueTask] = []
        for id in taskTable.order {
            guard var task = taskTable.tasks[id], task.state == .running, let expires = task.leaseExpiresAt else { continue }
            let ownerGone = task.leaseOwner.map(gone.contains) ?? false
            guard expires < now || ownerGone else { continue }
            released.append(task)
            let exhausted = task.attempts >= task.maxAttempts
            task.state = exhausted ? .failed : .queued
            task.lastError = ownerGone
                ? QueueTask.deadOwnerError(owner: task.leaseOwner, exhausted: exhausted)
                : QueueTask.lostClaimError(owner: task.leaseOwner, expiredAt: expires, exhausted: exhausted)
            task.leaseOwner = nil
            task.leaseExpiresAt = nil
            task.pid = nil
            task.updatedAt = now
            task.finishedAt = exhausted ? now : nil
            taskTable.tasks[id] = task
        }
        return released
    }

    public func adoptTask(_ id: String, from previousOwner: String, to owner: String, leaseUntil: Date) async throws -> QueueTask? {
        guard var task = taskTable.tasks[id], task.state == .running, task.leaseOwner == previousOwner else { return nil }
        task.leaseOwner = owner
        task.leaseExpiresAt = leaseUntil
        taskTable.tasks[id] = task
        return task
    }

    public func stateValue(_ key: String) async throws -> JSONValue? { taskTable.values[key] }

    public func setStateValue(_ key: String, _ value: JSONValue?, at now: Date) async throws {
        taskTable.values[key] = value
    }
}

extension QueueTask {
    /// The error a task handed back after its worker's lease expired carries; every driver writes
    /// this text.
    public static func lostClaimError(owner: String?, expiredAt: Date, exhausted: Bool) -> String {
        let base = "worker \(owner ?? "?") lost its claim (lease expired at \(ISO8601.format(expiredAt, in: TimeZone(identifier: "UTC")!)))"
        return exhausted ? "\(base); no attempts left" : "\(base); queued for another attempt"
    }

    /// The error a task handed back because its worker's process died carries.
    public static func deadOwnerError(owner: String?, exhausted: Bool) -> String {
        let base = "worker \(owner ?? "?") died (its process is gone)"
        return exhausted ? "\(base); no attempts left" : "\(base); queued for another attempt"
    }
}
