public import Foundation

/// Where a step of a cycle run is.
public enum StepState: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Not started yet.
    case pending
    /// An attempt started and has not finished (or its process died: it runs again on resume).
    case running
    /// Finished well; never runs again.
    case succeeded
    /// The last attempt failed; a resume may try it again.
    case failed
    /// Not run, on purpose (e.g. its condition did not hold).
    case skipped
    /// Left for later: queued in a `remainder` run after a condensed catch-up.
    case deferred
    /// The policy parked its action in the approval inbox; the cycle went on without it.
    case awaitingApproval = "awaiting_approval"
    /// The policy forbade its action; the cycle went on without it.
    case forbidden

    public var description: String { rawValue }
}

/// Which steps of a cycle a cycle run covers.
public enum CycleVariant: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Every step.
    case full
    /// Only the steps marked `condensed`: the catch-up run after a missed cycle.
    case condensed
    /// The non-condensed steps queued after a condensed catch-up.
    case remainder

    public var description: String { rawValue }
}

/// One run of a cycle (an ordered list of steps) for one slot, as the store keeps it.
///
/// Unique per (cycle, tenant, slot key, variant), so a cycle's slot fires at most once per variant.
public struct CycleRunRecord: Sendable, Hashable, Codable, Identifiable {
    /// Sortable identifier, e.g. `c_01JD3Q5W4Z8K2M7N` (see ``makeID(now:)``).
    public var id: String
    /// The cycle's name.
    public var cycle: String
    /// The tenant the cycle runs for; `""` when there is none.
    public var tenant: String
    /// The scheduled instant this run is for.
    public var slot: Date
    /// Uniqueness key of the slot, as for ``RunRecord/slotKey``.
    public var slotKey: String
    public var trigger: RunTrigger
    public var variant: CycleVariant
    public var state: RunState
    public var createdAt: Date
    /// The first start.
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Why the run failed or was interrupted, in one sentence.
    public var error: String?
    /// The process running it (see ``ProcessIdentity``).
    public var owner: String?
    /// The fencing token of the lease it was last started under.
    public var leaseToken: Int64?

    public init(
        id: String = CycleRunRecord.makeID(),
        cycle: String,
        tenant: String = "",
        slot: Date,
        slotKey: String? = nil,
        trigger: RunTrigger,
        variant: CycleVariant = .full,
        state: RunState = .pending,
        createdAt: Date,
        startedAt: Date? = nil,
        finishedAt: Date? = nil,
        error: String? = nil,
        owner: String? = nil,
        leaseToken: Int64? = nil
    ) {
        self.id = id
        self.cycle = cycle
        self.tenant = tenant
        self.slot = slot
        self.slotKey = slotKey ?? RunRecord.slotKey(for: slot)
        self.trigger = trigger
        self.variant = variant
        self.state = state
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.error = error
        self.owner = owner
        self.leaseToken = leaseToken
    }

    /// Seconds from the first start to the finish (interruptions included), when both are known.
    public var duration: TimeInterval? {
        guard let startedAt, let finishedAt else { return nil }
        return finishedAt.timeIntervalSince(startedAt)
    }

    /// Whether a resume can take it on: it has not started, is running, or was interrupted.
    public var isResumable: Bool { !state.isFinal || state == .interrupted }

    /// `c_` + the same time-sortable scheme as ``RunID/make(now:)``.
    public static func makeID(now: Date = Date()) -> String {
        "c_" + RunID.make(now: now).dropFirst(2)
    }
}

/// The checkpoint of one step of a cycle run.
public struct StepRecord: Sendable, Hashable, Codable {
    public var cycleRunID: String
    /// The step's position in the cycle, from 0.
    public var index: Int
    public var name: String
    public var state: StepState
    /// How many attempts started; 0 before the first.
    public var attempt: Int
    /// When the latest attempt started.
    public var startedAt: Date?
    public var finishedAt: Date?
    /// The last lines of output, secrets redacted.
    public var excerpt: String?
    /// The JSON text the step printed as its result.
    public var output: String?
    public var error: String?
    /// How long the step may take, in seconds.
    public var budgetSeconds: Double?
    /// How far past its budget the step ran, in seconds.
    public var overrunSeconds: Double?
    /// `CYCLE_RUN_ID:STEP_NAME`, the same for every attempt (given to commands as
    /// `NIGHTSHIFT_IDEMPOTENCY_KEY`), so a rerun can make its effects exactly-once.
    public var idempotencyKey: String

    public init(
        cycleRunID: String,
        index: Int,
        name: String,
        state: StepState = .pending,
        attempt: Int = 0,
        startedAt: Date? = nil,
        finishedAt: Date? = nil,
        excerpt: String? = nil,
        output: String? = nil,
        error: String? = nil,
        budgetSeconds: Double? = nil,
        overrunSeconds: Double? = nil,
        idempotencyKey: String? = nil
    ) {
        self.cycleRunID = cycleRunID
        self.index = index
        self.name = name
        self.state = state
        self.attempt = attempt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.excerpt = excerpt
        self.output = output
        self.error = error
        self.budgetSeconds = budgetSeconds
        self.overrunSeconds = overrunSeconds
        self.idempotencyKey = idempotencyKey ?? StepRecord.idempotencyKey(cycleRunID: cycleRunID, name: name)
    }

    /// `CYCLE_RUN_ID:STEP_NAME`.
    public static func idempotencyKey(cycleRunID: String, name: String) -> String {
        "\(cycleRunID):\(name)"
    }
}
