public import Foundation

/// Durable state of one workspace. Drivers (in-memory, SQLite, PostgreSQL) own all storage details.
///
/// Every method is one atomic step: a driver runs it in one transaction. The guarantees the
/// scheduler relies on are spelled out per method and checked by `StoreConformance` in
/// `NightshiftTesting` for every driver.
public protocol Store: LeaseStore, CycleStore, GoalStore, ActionStore, TaskStore, StateStore, HealthStore, IdentityStore {
    /// Creates or upgrades the schema. Idempotent.
    func migrate() async throws

    /// Whether daemons on several machines may serve the store at once (PostgreSQL): each then
    /// holds a node lease (see ``NodeLeases``) instead of the workspace's one daemon record.
    var isSharedByNodes: Bool { get }
    /// The time on the store's own clock (the database server's), for a store several machines
    /// share: nodes hold their clocks against it (see ``ClockSkew``). Nil for a store of one machine.
    func storeTime() async throws -> Date?
    /// Calls `onChange` whenever another process (on any node) makes work of a topic, until the
    /// task is cancelled: for a store several machines share, where the nodes cannot signal each
    /// other. Returns at once for a store of one machine (its processes signal each other).
    func waitForChanges(_ topics: Set<StoreTopic>, _ onChange: @escaping @Sendable (StoreTopic) async -> Void) async throws

    // MARK: Scheduler leadership

    /// The daemon instance recorded as serving the workspace, running or stopped, if any.
    func daemonInstance() async throws -> DaemonInstance?
    /// Records `instance` as the workspace's daemon if the current record's id is `expectedID`
    /// (nil: there is no record). Returns false, changing nothing, when someone else got there first.
    func claimDaemon(_ instance: DaemonInstance, ifCurrentIs expectedID: String?) async throws -> Bool
    /// Refreshes the liveness heartbeat. Returns false if `instanceID` no longer holds the workspace.
    func heartbeatDaemon(_ instanceID: String, at now: Date) async throws -> Bool
    /// Marks the instance stopped (the record stays, so `status` can say since when).
    func releaseDaemon(_ instanceID: String, at now: Date) async throws

    // MARK: Jobs

    /// Registers the declared jobs: new names get a fresh state whose cursor is `now` (a new job has
    /// missed nothing), known ones keep theirs, and names no longer declared are marked retired.
    func syncJobs(_ names: [String], at now: Date) async throws
    /// The state of every job ever declared, retired ones included, ordered by name.
    func jobStates() async throws -> [JobState]
    func jobState(_ name: String) async throws -> JobState?
    /// Returns false if the job is unknown.
    func setPaused(_ name: String, _ paused: Bool) async throws -> Bool
    /// Stores the failure-alert bookkeeping of a job.
    func updateAlertState(_ name: String, _ alert: AlertState) async throws

    // MARK: Runs

    /// Inserts `runs` for `job`, silently skipping any whose (job, slot key, attempt) already exists,
    /// and moves the job's cursor to `cursor`, all in one transaction. Returns the runs inserted.
    func recordSlots(job: String, runs: [RunRecord], cursor: Date) async throws -> [RunRecord]
    /// Inserts one run. Returns false (and changes nothing) if its (job, slot key, attempt) exists.
    func insertRun(_ run: RunRecord) async throws -> Bool
    /// Pending runs whose `notBefore` has come, oldest first.
    func dueRuns(at now: Date, limit: Int) async throws -> [RunRecord]
    /// The earliest `notBefore` of any pending run, or, given `after`, of any pending run that
    /// comes due later than it (a runner waits for that one: the runs due already but not
    /// claimable wait for a run to end).
    func nextPendingRunTime(after: Date?) async throws -> Date?
    /// Claims up to `limit` due pending runs for `owner` in one transaction, oldest first (by
    /// `notBefore`, then id), and returns them in that order. Every due run of a job in
    /// `overlapping` may be taken; of any other job at most one, and only while none of its runs
    /// is running. Runs another claimer is taking are skipped, not waited for. The bookkeeping is
    /// ``DueRunClaim``'s, the same in every store.
    func claimDueRuns(at now: Date, owner: String, limit: Int, overlapping: Set<String>) async throws -> [RunRecord]
    /// Moves a pending run to `running` under `owner`. With `exclusive`, only if no other run of the
    /// same job is running. Returns the claimed run, or nil if it was not pending or the job was busy.
    func claimRun(_ id: String, owner: String, at now: Date, exclusive: Bool) async throws -> RunRecord?
    /// Records the child process of a running run.
    func setChildPID(_ id: String, _ pid: Int32?) async throws
    /// Ends a running run owned by `owner`. Returns false if the run is not running under that owner
    /// (a fenced-out process cannot overwrite a run someone else recovered).
    func finishRun(_ id: String, owner: String, outcome: RunOutcome) async throws -> Bool
    /// Moves a running run from `previousOwner` (a process that died) to `owner`, which takes over
    /// its still recoverable execution. Returns false, changing nothing, when the run is not
    /// running under `previousOwner` (someone else took it over first).
    func adoptRun(_ id: String, from previousOwner: String?, to owner: String) async throws -> Bool
    /// Marks a running run `interrupted`, whoever owns it. Returns false if it was not running.
    func interruptRun(_ id: String, reason: String, at now: Date) async throws -> Bool
    func run(_ id: String) async throws -> RunRecord?
    /// Runs matching the query, newest first (by creation, then id).
    func runs(_ query: RunQuery) async throws -> [RunRecord]
    /// How many runs are in each of `states`, counted in the store (a state without runs counts 0):
    /// what `status` shows, at the cost of the runs counted rather than of every run kept.
    func runCounts(in states: Set<RunState>) async throws -> [RunState: Int]

    // MARK: Alerts

    func recordAlert(_ alert: AlertRecord) async throws
    /// Alerts, newest first; all jobs when `job` is nil.
    func alerts(job: String?, limit: Int) async throws -> [AlertRecord]
}

/// A filter over runs.
public struct RunQuery: Sendable, Hashable {
    public var job: String?
    public var states: Set<RunState>
    /// Only runs created or finished in this span (its start included, its end not): a brief's
    /// period, read without going through the runs before it.
    public var period: Range<Date>?
    public var limit: Int

    public init(job: String? = nil, states: Set<RunState> = [], period: Range<Date>? = nil, limit: Int = 50) {
        self.job = job
        self.states = states
        self.period = period
        self.limit = limit
    }

    /// Whether `run` passes the filter (the limit aside).
    public func matches(_ run: RunRecord) -> Bool {
        (job == nil || run.job == job) && (states.isEmpty || states.contains(run.state))
            && (period.map { $0.contains(run.createdAt) || run.finishedAt.map($0.contains) == true } ?? true)
    }
}

/// How a run ended.
public struct RunOutcome: Sendable, Hashable {
    public var state: RunState
    public var finishedAt: Date
    public var exitStatus: Int?
    public var error: String?
    public var excerpt: String?

    public init(state: RunState, finishedAt: Date, exitStatus: Int? = nil, error: String? = nil, excerpt: String? = nil) {
        self.state = state
        self.finishedAt = finishedAt
        self.exitStatus = exitStatus
        self.error = error
        self.excerpt = excerpt
    }
}

extension Store {
    /// A store of one machine: one daemon at a time serves it.
    public var isSharedByNodes: Bool { false }
    /// A store of one machine keeps no clock but the machine's.
    public func storeTime() async throws -> Date? { nil }
    /// A store of one machine: nothing to listen to.
    public func waitForChanges(_ topics: Set<StoreTopic>, _ onChange: @escaping @Sendable (StoreTopic) async -> Void) async throws {}
    /// The earliest `notBefore` of any pending run.
    public func nextPendingRunTime() async throws -> Date? { try await nextPendingRunTime(after: nil) }
}

/// Work a store's change notifications are about (``Store/waitForChanges(_:_:)``).
public enum StoreTopic: String, Sendable, Hashable, CaseIterable {
    /// A run became pending: runners claim it.
    case runs
    /// A queued task was added or went back to `queued` (unblocked, approved, released from a dead
    /// worker): workers claim it.
    case tasks
}

/// The daemon process recorded as serving a workspace.
public struct DaemonInstance: Sendable, Hashable, Codable {
    /// Unique per process start.
    public var id: String
    public var pid: Int32
    public var host: String
    public var startedAt: Date
    public var heartbeatAt: Date
    /// Set when the daemon stopped cleanly.
    public var stoppedAt: Date?

    public init(id: String, pid: Int32, host: String, startedAt: Date, heartbeatAt: Date, stoppedAt: Date? = nil) {
        self.id = id
        self.pid = pid
        self.host = host
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.stoppedAt = stoppedAt
    }
}

/// What the store keeps about a declared job between runs.
public struct JobState: Sendable, Hashable, Codable {
    public var name: String
    public var paused: Bool
    /// The newest slot the scheduler has dealt with (fired, skipped or recorded missed).
    public var cursor: Date
    /// True once the job is no longer declared in the configuration.
    public var retired: Bool
    public var alert: AlertState

    public init(name: String, paused: Bool = false, cursor: Date, retired: Bool = false, alert: AlertState = .init()) {
        self.name = name
        self.paused = paused
        self.cursor = cursor
        self.retired = retired
        self.alert = alert
    }
}

/// Failure-alert bookkeeping of one job.
public struct AlertState: Sendable, Hashable, Codable {
    public var consecutiveFailures: Int
    /// When the last failure alert went out.
    public var lastAlertAt: Date?
    /// True between a failure alert and the recovery message.
    public var alerting: Bool

    public init(consecutiveFailures: Int = 0, lastAlertAt: Date? = nil, alerting: Bool = false) {
        self.consecutiveFailures = consecutiveFailures
        self.lastAlertAt = lastAlertAt
        self.alerting = alerting
    }
}

/// A failure or recovery alert that was sent (or tried).
public struct AlertRecord: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case failing, recovered
        /// An action waits in the approval inbox.
        case approval
        /// The morning brief went out.
        case brief
        /// A builder check-in: tonight's quick wins and plan, or the weekend's options.
        case checkin
        /// A health problem is critical, or nothing automatic can fix it.
        case health
        /// `nightshift doctor --alert` found something critical (the daemon, a stuck run, the store).
        case watchdog
        /// The daemon cannot write its store (a full disk) and waits, or writes again; it met a stored
        /// row it cannot read and moved it to the quarantine table; or its store file or write-ahead
        /// log was removed or replaced under it.
        case store
    }
    public var id: String
    public var job: String
    public var kind: Kind
    public var runID: String?
    public var sentAt: Date
    public var message: String
    /// Delivery errors, one per notifier that failed; empty when all delivered.
    public var deliveryErrors: [String]

    public init(id: String = RunID.make(), job: String, kind: Kind, runID: String?, sentAt: Date, message: String, deliveryErrors: [String] = []) {
        self.id = id
        self.job = job
        self.kind = kind
        self.runID = runID
        self.sentAt = sentAt
        self.message = message
        self.deliveryErrors = deliveryErrors
    }
}
