public import Foundation

/// Proposed actions (the approval inbox among them) and the audit trail: the part of a ``Store``
/// the policy gate writes. Every write of an action appends its audit record in the same
/// transaction, so the trail never misses a decision and never records one that did not happen.
public protocol ActionStore: Sendable {
    /// Inserts `record` and appends `audit`, in one transaction.
    func insertAction(_ record: ActionRecord, audit: AuditEntry) async throws
    /// Applies `update` if the action's status is one of `expected`, and appends `audit`, in one
    /// transaction. Returns the updated record, or nil (nothing written) when the status differs
    /// or the id is unknown.
    func updateAction(_ id: String, expecting expected: Set<ActionStatus>, _ update: ActionUpdate, audit: AuditEntry) async throws -> ActionRecord?
    func action(_ id: String) async throws -> ActionRecord?
    /// Actions matching the query, newest first.
    func actions(_ query: ActionQuery) async throws -> [ActionRecord]
    /// How many actions match the query (its limit aside), counted in the store: the approvals
    /// waiting that `status` shows.
    func countActions(_ query: ActionQuery) async throws -> Int
    /// What the actions that count (allowed, executed, failed) since `query.since` consumed.
    func usage(_ query: UsageQuery) async throws -> Usage
    /// Seals `entry` as the next record of the chain.
    @discardableResult
    func appendAudit(_ entry: AuditEntry) async throws -> AuditRecord
    /// Records matching the query: the whole chain oldest first, or with `limit` the newest first.
    func auditRecords(_ query: AuditQuery) async throws -> [AuditRecord]
    /// The newest record's seq and hash as written, kept apart from the records.
    func auditHead() async throws -> AuditHead?
    /// The whole chain and its head for verification, with the records that cannot be read listed
    /// instead of failing the read: a wrong-typed value is where the chain breaks.
    func auditTrail() async throws -> AuditTrail
    /// Runs `decide` inside one write transaction that holds the store's write lock against every
    /// other writer (other processes included), and writes what it returns: the counts and grants
    /// it reads through the ledger cannot change between the decision and its record. This is how
    /// the gate makes daily counts and budgets hold under concurrent proposals.
    func recordDecision(_ decide: @Sendable (any ActionLedger) throws -> DecidedAction) async throws -> DecidedAction
    /// Runs `body` over a consistent snapshot of the actions (the gate's `policy explain` and
    /// approval-time decisions, which record nothing).
    func readLedger<T: Sendable>(_ body: @Sendable (any ActionLedger) throws -> T) async throws -> T
}

/// The reads the policy gate makes while it decides, inside the transaction of ``ActionStore/recordDecision(_:)``.
public protocol ActionLedger {
    /// As ``ActionStore/usage(_:)``.
    func usage(_ query: UsageQuery) throws -> Usage
    /// As ``ActionStore/actions(_:)``.
    func actions(_ query: ActionQuery) throws -> [ActionRecord]
}

/// What the gate writes for one decided proposal, in the transaction that decided it.
public struct DecidedAction: Sendable {
    /// The proposal as decided, inserted.
    public var record: ActionRecord
    /// The decision, with the tier and explanation the record does not keep.
    public var decision: Decision
    /// Its `decision` audit record.
    public var audit: AuditEntry
    /// An approval grant the decision used, moved from `approved` to `consumed` in the same
    /// transaction (so two proposals cannot both use one approval).
    public var consumedGrant: (id: String, update: ActionUpdate, audit: AuditEntry)?

    public init(
        record: ActionRecord, decision: Decision, audit: AuditEntry, consumedGrant: (id: String, update: ActionUpdate, audit: AuditEntry)? = nil
    ) {
        self.record = record
        self.decision = decision
        self.audit = audit
        self.consumedGrant = consumedGrant
    }
}

extension ActionStore {
    /// A store that holds only values it made (the memory store) has nothing unreadable.
    public func auditTrail() async throws -> AuditTrail {
        AuditTrail(records: try await auditRecords(AuditQuery()), head: try await auditHead())
    }
}
