public import Foundation

/// Where a queued task is in its life.
///
/// `queued` → (`blocked` while a dependency is unfinished) → `scheduled` (assigned to a time
/// window) → `awaiting_approval` (when the policy parks its spawn) → `running` (claimed under a
/// lease) → `succeeded` | `failed` | `cancelled`. A running task whose lease expires goes back to
/// `queued` (or `failed` once its attempts are used up).
public enum TaskState: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case queued
    case blocked
    case awaitingApproval = "awaiting_approval"
    case scheduled
    case running
    case succeeded
    case failed
    case cancelled

    /// Succeeded, failed or cancelled: nothing more happens to the task unless it is retried.
    public var isFinal: Bool { self == .succeeded || self == .failed || self == .cancelled }

    /// The states a task waits in before it runs.
    public static let waiting: Set<TaskState> = [.queued, .blocked, .awaitingApproval, .scheduled]

    public var description: String { rawValue }
}

/// A unit of work in a durable queue: a coding-agent task of the builder pack, for one.
///
/// The core keeps the fields every queue needs (state, lease, attempts, ordering score,
/// dependencies); what only one pack reads goes in ``attributes``.
public struct QueueTask: Sendable, Hashable, Codable, Identifiable {
    /// `task_N`, assigned by the store when inserted with an empty id; or a name the operator chose.
    public var id: String
    /// Which queue the task belongs to (`builder`).
    public var queue: String
    public var title: String
    public var description: String
    /// What kind of work it is; the policy maps categories to tiers.
    public var category: String
    /// The estimate, in hours.
    public var hours: Double
    /// Higher runs first.
    public var score: Double
    /// Tasks that must succeed before this one may run.
    public var dependsOn: [String]
    /// Pack-specific fields (priority, impact, effort, verify command …).
    public var attributes: [String: JSONValue]
    public var state: TaskState
    /// The time window the task is scheduled into, and that window's start.
    public var window: String?
    public var scheduledFor: Date?
    /// Claims so far; a claim counts as an attempt.
    public var attempts: Int
    /// After this many attempts a lost or failed claim fails the task for good.
    public var maxAttempts: Int
    /// The worker holding the task while it runs, and until when.
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    /// The process working on the task (the sub-agent), while one runs.
    public var pid: Int32?
    /// The policy-gate action of the task's latest spawn (`nightshift approvals show ID`).
    public var actionID: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Why the task failed, was cancelled, or went back to the queue, in one sentence.
    public var lastError: String?
    /// What the last attempt produced (exit status, verification, log path).
    public var result: JSONValue?

    public init(
        id: String = "", queue: String, title: String, description: String = "", category: String = "", hours: Double = 1,
        score: Double = 0, dependsOn: [String] = [], attributes: [String: JSONValue] = [:], state: TaskState = .queued,
        maxAttempts: Int = 3, createdAt: Date
    ) {
        self.id = id
        self.queue = queue
        self.title = title
        self.description = description
        self.category = category
        self.hours = hours
        self.score = score
        self.dependsOn = dependsOn
        self.attributes = attributes
        self.state = state
        self.attempts = 0
        self.maxAttempts = maxAttempts
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

/// A filter over queued tasks.
public struct TaskQuery: Sendable, Hashable {
    public var queue: String?
    /// Empty means every state.
    public var states: Set<TaskState>
    /// Only these tasks (nil: any): the dependencies of a task, looked up by id.
    public var ids: Set<String>?
    /// Only tasks that finished in this span, both ends included (a night's report).
    public var finished: ClosedRange<Date>?
    public var limit: Int

    public init(
        queue: String? = nil, states: Set<TaskState> = [], ids: Set<String>? = nil, finished: ClosedRange<Date>? = nil, limit: Int = 10_000
    ) {
        self.queue = queue
        self.states = states
        self.ids = ids
        self.finished = finished
        self.limit = limit
    }

    /// Whether `task` passes the filter (the limit aside).
    public func matches(_ task: QueueTask) -> Bool {
        (queue == nil || task.queue == queue) && (states.isEmpty || states.contains(task.state)) && (ids?.contains(task.id) ?? true)
            && (finished.map { range in task.finishedAt.map(range.contains) == true } ?? true)
    }
}

/// How a claimed task ended (or was handed back).
public struct TaskOutcome: Sendable, Hashable {
    /// `succeeded`, `failed`, `cancelled`, or `queued` to hand the task back for a later attempt.
    public var state: TaskState
    public var at: Date
    public var error: String?
    public var result: JSONValue?

    public init(state: TaskState, at: Date, error: String? = nil, result: JSONValue? = nil) {
        self.state = state
        self.at = at
        self.error = error
        self.result = result
    }
}
