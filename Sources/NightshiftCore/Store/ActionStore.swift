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
}

extension ActionStore {
    /// A store that holds only values it made (the memory store) has nothing unreadable.
    public func auditTrail() async throws -> AuditTrail {
        AuditTrail(records: try await auditRecords(AuditQuery()), head: try await auditHead())
    }
}
