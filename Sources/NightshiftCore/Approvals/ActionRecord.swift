public import Foundation

/// Where a proposed action is in its life.
public enum ActionStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Allowed; executing now, or allowed with nothing to execute (the caller does it).
    case allowed
    /// Executed and succeeded.
    case executed
    /// Executed and failed.
    case failed
    /// Forbidden by the policy: never executed.
    case forbidden
    /// Parked in the approval inbox.
    case awaitingApproval = "awaiting_approval"
    /// Approved by the operator; executing next. An approved action of a type that nothing
    /// executes stays here: the next identical proposal is allowed once.
    case approved
    /// An approved action executing through its handler now.
    case executing
    /// Its execution was cut off (the process running it died). An idempotent handler's action is
    /// executed again at once; any other waits for the operator to approve it again.
    case interrupted
    /// Approved, and the next identical proposal used the approval.
    case consumed
    /// The operator rejected it.
    case rejected
    /// Nobody decided before it expired.
    case expired
    /// Approved, but its payload no longer matched the hash it was parked with: not executed.
    case refused

    /// Counted as done today, for counts and budgets.
    public var counts: Bool { self == .allowed || self == .executing || self == .executed || self == .failed }
    /// A forbid or a rejection, for `max_denials`.
    public var isDenial: Bool { self == .forbidden || self == .rejected }

    public var description: String { rawValue }
}

/// A proposed action as recorded: what it was, how the policy decided, and what became of it.
/// Parked actions (`awaiting_approval`) form the approval inbox.
public struct ActionRecord: Sendable, Hashable, Codable {
    public var id: String
    public var type: String
    public var actor: Actor
    public var tenant: String?
    /// A JSON object.
    public var attributes: JSONValue
    public var payload: JSONValue
    /// SHA-256 of the canonical payload when it was proposed.
    public var payloadHash: String
    public var verdict: Verdict
    public var decidedBy: [String]
    public var reason: String
    /// What the action is about, in one line (the task's title, the job, the file, the recipient).
    public var summary: String?
    public var status: ActionStatus
    /// The job run or cycle run that proposed it.
    public var runID: String?
    public var createdAt: Date
    /// When a parked action stops being approvable.
    public var expiresAt: Date?
    /// Who approved, rejected or expired it, when, with what note.
    public var resolvedBy: String?
    public var resolvedAt: Date?
    public var note: String?
    /// The run that executed it after approval (trigger `approval`).
    public var executionRunID: String?
    /// How the execution went, in one line.
    public var outcome: String?
    /// When it counted as done (allowed or executed), for counts and budgets.
    public var countedAt: Date?
    public var cost: Double
    public var recipient: String?
    /// How long the execution took.
    public var runSeconds: Double

    /// A record of `action` as decided. `payloadHash` is the hash stored with a record read back
    /// (nil: the SHA-256 of the payload now, as for a new proposal).
    public init(
        id: String = ActionRecord.makeID(), action: ProposedAction, decision: Decision, status: ActionStatus, runID: String?,
        createdAt: Date, expiresAt: Date? = nil, payloadHash: String? = nil
    ) {
        self.id = id
        self.type = action.type
        self.actor = action.actor
        self.tenant = action.tenant
        self.attributes = .object(action.attributes)
        self.payload = action.payload
        self.payloadHash = payloadHash ?? action.payloadHash
        self.verdict = decision.verdict
        self.decidedBy = decision.decidedBy
        self.reason = decision.reason
        self.summary = action.summary
        self.status = status
        self.runID = runID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.countedAt = status.counts ? createdAt : nil
        self.cost = action.cost
        self.recipient = action.recipient
        self.runSeconds = 0
    }

    /// The action as it was proposed.
    public var proposed: ProposedAction {
        var attributes: [String: JSONValue] = [:]
        if case .object(let members) = self.attributes { attributes = members }
        return ProposedAction(type: type, attributes: attributes, payload: payload, actor: actor, tenant: tenant, summary: summary)
    }

    /// "a_" and a sortable random id.
    public static func makeID() -> String { "a_" + RunID.make().dropFirst(2) }
}

/// A change to an action record, applied only if its status is one of the expected ones.
public struct ActionUpdate: Sendable, Hashable {
    public var status: ActionStatus
    public var resolvedBy: String?
    public var resolvedAt: Date?
    public var note: String?
    public var executionRunID: String?
    public var outcome: String?
    public var countedAt: Date?
    public var runSeconds: Double?

    public init(
        status: ActionStatus, resolvedBy: String? = nil, resolvedAt: Date? = nil, note: String? = nil, executionRunID: String? = nil,
        outcome: String? = nil, countedAt: Date? = nil, runSeconds: Double? = nil
    ) {
        self.status = status
        self.resolvedBy = resolvedBy
        self.resolvedAt = resolvedAt
        self.note = note
        self.executionRunID = executionRunID
        self.outcome = outcome
        self.countedAt = countedAt
        self.runSeconds = runSeconds
    }

    /// Applies the change (nil fields keep their values).
    public func apply(to record: inout ActionRecord) {
        record.status = status
        if let resolvedBy { record.resolvedBy = resolvedBy }
        if let resolvedAt { record.resolvedAt = resolvedAt }
        if let note { record.note = note }
        if let executionRunID { record.executionRunID = executionRunID }
        if let outcome { record.outcome = outcome }
        if let countedAt { record.countedAt = countedAt }
        if let runSeconds { record.runSeconds = runSeconds }
    }
}

/// A filter over action records.
public struct ActionQuery: Sendable, Hashable {
    public var statuses: Set<ActionStatus>
    public var runID: String?
    public var type: String?
    /// Same type and payload hash (an approval that an identical proposal may use).
    public var payloadHash: String?
    /// Only actions that never expire or expire after this instant (a parked action still approvable then).
    public var unexpiredAt: Date?
    public var limit: Int

    public init(
        statuses: Set<ActionStatus> = [], runID: String? = nil, type: String? = nil, payloadHash: String? = nil, unexpiredAt: Date? = nil,
        limit: Int = 100
    ) {
        self.statuses = statuses
        self.runID = runID
        self.type = type
        self.payloadHash = payloadHash
        self.unexpiredAt = unexpiredAt
        self.limit = limit
    }

    /// Whether `record` passes the filter.
    public func matches(_ record: ActionRecord) -> Bool {
        (statuses.isEmpty || statuses.contains(record.status)) && (runID == nil || record.runID == runID)
            && (type == nil || record.type == type) && (payloadHash == nil || record.payloadHash == payloadHash)
            && (unexpiredAt.map { now in record.expiresAt.map { $0 > now } ?? true } ?? true)
    }
}
