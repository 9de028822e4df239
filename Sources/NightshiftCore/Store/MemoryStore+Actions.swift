public import Foundation

/// Actions and the audit chain as the memory store keeps them.
struct MemoryActionTable: Sendable {
    var actions: [String: ActionRecord] = [:]
    var audit: [AuditRecord] = []
    var head: AuditHead?

    mutating func seal(_ entry: AuditEntry) -> AuditRecord {
        let record = AuditRecord(sealing: entry, seq: (head?.seq ?? 0) + 1, previousHash: head?.hash ?? AuditChain.genesis)
        audit.append(record)
        head = AuditHead(seq: record.seq, hash: record.hash)
        return record
    }
}

extension MemoryStore {
    public func insertAction(_ record: ActionRecord, audit: AuditEntry) async throws {
        guard actionTable.actions[record.id] == nil else { throw StoreError.corrupt("action \(record.id) exists already") }
        actionTable.actions[record.id] = record
        _ = actionTable.seal(audit)
    }

    public func updateAction(_ id: String, expecting expected: Set<ActionStatus>, _ update: ActionUpdate, audit: AuditEntry) async throws -> ActionRecord? {
        applyUpdate(id, expecting: expected, update, audit: audit)
    }

    /// ``updateAction(_:expecting:_:audit:)`` without a suspension, for writes that do more.
    func applyUpdate(_ id: String, expecting expected: Set<ActionStatus>, _ update: ActionUpdate, audit: AuditEntry) -> ActionRecord? {
        guard var record = actionTable.actions[id], expected.contains(record.status) else { return nil }
        update.apply(to: &record)
        actionTable.actions[id] = record
        _ = actionTable.seal(audit)
        return record
    }

    public func action(_ id: String) async throws -> ActionRecord? { actionTable.actions[id] }

    public func actions(_ query: ActionQuery) async throws -> [ActionRecord] {
        MemoryLedger(actions: actionTable.actions).actions(query)
    }

    public func countActions(_ query: ActionQuery) async throws -> Int {
        actionTable.actions.values.count(where: query.matches)
    }

    public func usage(_ query: UsageQuery) async throws -> Usage {
        MemoryLedger(actions: actionTable.actions).usage(query)
    }

    public func recordDecision(_ decide: @Sendable (any ActionLedger) throws -> DecidedAction) async throws -> DecidedAction {
        // The actor runs this without suspending: nothing else reads or writes in between.
        let decided = try decide(MemoryLedger(actions: actionTable.actions))
        guard actionTable.actions[decided.record.id] == nil else { throw StoreError.corrupt("action \(decided.record.id) exists already") }
        if let grant = decided.consumedGrant {
            guard var record = actionTable.actions[grant.id], record.status == .approved else {
                throw StoreError.corrupt("the approval \(grant.id) was used by another proposal meanwhile")
            }
            grant.update.apply(to: &record)
            actionTable.actions[grant.id] = record
        }
        actionTable.actions[decided.record.id] = decided.record
        _ = actionTable.seal(decided.audit)
        if let grant = decided.consumedGrant { _ = actionTable.seal(grant.audit) }
        return decided
    }

    public func readLedger<T: Sendable>(_ body: @Sendable (any ActionLedger) throws -> T) async throws -> T {
        try body(MemoryLedger(actions: actionTable.actions))
    }

    public func appendAudit(_ entry: AuditEntry) async throws -> AuditRecord { actionTable.seal(entry) }

    public func auditRecords(_ query: AuditQuery) async throws -> [AuditRecord] {
        let matching = actionTable.audit.filter { record in
            (query.since.map { record.at >= $0 } ?? true) && (query.kinds.isEmpty || query.kinds.contains(record.kind))
                && (query.subject.map { record.subject == $0 } ?? true)
        }
        guard let limit = query.limit else { return matching }
        return Array(matching.reversed().prefix(limit))
    }

    public func auditHead() async throws -> AuditHead? { actionTable.head }
}

/// The memory store's actions as a deciding gate reads them.
struct MemoryLedger: ActionLedger {
    let actions: [String: ActionRecord]

    func actions(_ query: ActionQuery) -> [ActionRecord] {
        Array(actions.values.filter(query.matches).sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }.prefix(query.limit))
    }

    func usage(_ query: UsageQuery) -> Usage {
        var usage = Usage()
        for record in actions.values where record.status.counts {
            guard let counted = record.countedAt, counted >= query.since, query.until.map({ counted <= $0 }) ?? true else { continue }
            guard query.types.isEmpty || query.types.contains(record.type) else { continue }
            if let actor = query.actor, record.actor != actor { continue }
            if let tenant = query.tenant, record.tenant != tenant { continue }
            if let recipient = query.recipient, record.recipient != recipient { continue }
            usage.count += 1
            usage.money += record.cost
            usage.runSeconds += record.runSeconds
        }
        return usage
    }
}

extension MemoryStore {
    /// Changes a stored action behind the gate's back, as someone editing the database file
    /// would: for tests that prove such an edit is caught. Writes no audit record.
    public func tamperWithAction(_ id: String, _ change: (inout ActionRecord) -> Void) throws {
        guard var record = actionTable.actions[id] else { throw StoreError.corrupt("no action \(id)") }
        change(&record)
        actionTable.actions[id] = record
    }
}
