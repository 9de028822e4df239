public import Foundation

/// Durable queues of tasks with leased claims: the part of a ``Store`` behind `nightshift queue`.
///
/// A claim is one atomic compare-and-set (`UPDATE … WHERE state IN (…) RETURNING`): two workers
/// asking for the same task get it once. A claim is a lease; a worker renews it while it works, and
/// ``releaseTasks(expiredAt:ownedBy:)`` hands the task of a worker that died back to the queue.
public protocol TaskStore: Sendable {
    /// Stores a new task. An empty id gets the next `task_N` (N counts up per store and is never
    /// reused). Returns the task as stored, or nil, writing nothing, when the id exists.
    func insertTask(_ task: QueueTask) async throws -> QueueTask?
    func task(_ id: String) async throws -> QueueTask?
    /// Tasks matching the query in insertion order.
    func tasks(_ query: TaskQuery) async throws -> [QueueTask]
    /// The tasks of `queue` per state, counted in the store; a state without tasks is absent. Its
    /// cost does not grow with the tasks kept.
    func taskTotals(queue: String) async throws -> [TaskState: TaskTotal]
    /// Writes `task` (matched by id) if its stored state is one of `expecting`; `updatedAt` is set
    /// to `now`. Returns the task as stored afterwards, or nil when it is missing or in another
    /// state. Lease fields are written as given: use it only for tasks that are not running.
    func updateTask(_ task: QueueTask, expecting: Set<TaskState>, at now: Date) async throws -> QueueTask?
    /// Moves the task from one of `from` to `running` under `owner` until `leaseUntil`, counting an
    /// attempt and setting `startedAt`. Returns the claimed task, or nil when it was not in one of
    /// `from` (someone else claimed it, or it changed).
    func claimTask(_ id: String, from: Set<TaskState>, owner: String, leaseUntil: Date, at now: Date) async throws -> QueueTask?
    /// Claims, as ``claimTask(_:from:owner:leaseUntil:at:)`` does, the first of `candidates` (in
    /// their order) that is in one of `from` at the moment of the claim, in one atomic step: workers
    /// given the same list each get a different task instead of losing claims to one another.
    /// Returns the claimed task, or nil when none of the candidates could be claimed.
    func claimFirstTask(of candidates: [String], from: Set<TaskState>, owner: String, leaseUntil: Date, at now: Date) async throws -> QueueTask?
    /// Extends the lease of a task running under `owner`. Returns false when `owner` no longer
    /// holds it (the lease expired and the task was handed back).
    func renewTask(_ id: String, owner: String, leaseUntil: Date) async throws -> Bool
    /// Records the pid of the process working on a task running under `owner`.
    func setTaskPID(_ id: String, owner: String, pid: Int32?) async throws -> Bool
    /// Ends the claim of a task running under `owner`: sets the outcome's state, error and result,
    /// clears the lease and pid, and sets `finishedAt` for a final state. Returns the task as
    /// stored, or nil when `owner` no longer holds it (a fenced-out worker cannot overwrite).
    func finishTask(_ id: String, owner: String, outcome: TaskOutcome) async throws -> QueueTask?
    /// Hands back every running task whose lease expired before `now`, or whose owner is one of
    /// `gone` (processes known to be dead: their tasks are released at once, not at expiry): to
    /// `queued`, or to `failed` when it has used `maxAttempts`, with an error naming the lost owner.
    /// Returns the tasks as they were before (with owner and pid, so the caller can stop a
    /// leftover process).
    func releaseTasks(expiredAt now: Date, ownedBy gone: Set<String>) async throws -> [QueueTask]
    /// Moves a task running under `previousOwner` (a process that died) to `owner` until
    /// `leaseUntil`, without counting an attempt: the new owner takes over the execution the dead
    /// one started. Returns the task, or nil when `previousOwner` no longer holds it.
    func adoptTask(_ id: String, from previousOwner: String, to owner: String, leaseUntil: Date) async throws -> QueueTask?
}

extension TaskStore {
    /// One claim per candidate, in order, until one is won: what a driver without a one-statement
    /// claim of the first ready task does. Each claim is atomic; the candidates before the one won
    /// were in no state of `from` when their claim was tried.
    public func claimFirstTask(
        of candidates: [String], from: Set<TaskState>, owner: String, leaseUntil: Date, at now: Date
    ) async throws -> QueueTask? {
        for id in candidates {
            if let claimed = try await claimTask(id, from: from, owner: owner, leaseUntil: leaseUntil, at: now) { return claimed }
        }
        return nil
    }

    /// Hands back every running task whose lease expired before `now` (see ``releaseTasks(expiredAt:ownedBy:)``).
    public func releaseExpiredTasks(at now: Date) async throws -> [QueueTask] {
        try await releaseTasks(expiredAt: now, ownedBy: [])
    }
}

/// Small named values a pack or the core keeps between commands: the context override, the time
/// of the last brief, the weekend plan.
public protocol StateStore: Sendable {
    func stateValue(_ key: String) async throws -> JSONValue?
    /// Sets (nil: deletes) the value of `key`.
    func setStateValue(_ key: String, _ value: JSONValue?, at now: Date) async throws
}
