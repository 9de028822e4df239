public import Foundation
public import NightshiftCore
import PostgresNIO

extension PostgresStore {
    public func insertAction(_ record: ActionRecord, audit: AuditEntry) async throws {
        try await write { session in
            try await session.execute(PostgresActions.insert(record))
            try await Self.seal(audit, session)
        }
    }

    public func updateAction(_ id: String, expecting expected: Set<ActionStatus>, _ update: ActionUpdate, audit: AuditEntry) async throws -> ActionRecord? {
        try await write { session in try await Self.updateAction(id, expecting: expected, update, audit: audit, session) }
    }

    /// ``updateAction(_:expecting:_:audit:)`` inside the caller's transaction: the row is locked
    /// before its status is checked, so of concurrent updates from one status exactly one applies.
    static func updateAction(
        _ id: String, expecting expected: Set<ActionStatus>, _ update: ActionUpdate, audit: AuditEntry, _ session: PostgresSession
    ) async throws -> ActionRecord? {
        let query: PostgresQuery = "SELECT \(unescaped: PostgresActions.columns) FROM actions WHERE id = \(id) FOR UPDATE"
        guard var record = try await session.rows(query).first.map(PostgresActions.record), expected.contains(record.status) else { return nil }
        update.apply(to: &record)
        try await session.execute(
            """
            UPDATE actions SET status = \(record.status.rawValue), resolved_by = \(record.resolvedBy),
                resolved_at = \(PostgresTime.millis(record.resolvedAt)), note = \(record.note), execution_run_id = \(record.executionRunID),
                outcome = \(record.outcome), counted_at = \(PostgresTime.millis(record.countedAt)), run_seconds = \(record.runSeconds)
            WHERE id = \(id)
            """
        )
        try await seal(audit, session)
        return record
    }

    /// Applies `execution` as ``updateAction(_:expecting:_:audit:)`` does, inside the caller's
    /// transaction, without reading the row first: one compare-and-set update (a nil field of the
    /// update keeps the stored value), then the audit record if it changed the row.
    static func record(_ execution: ActionExecution, _ session: PostgresSession) async throws -> Bool {
        let expected = execution.expected.map(\.rawValue).sorted()
        guard !expected.isEmpty else { return false }
        let update = execution.update
        let changed = try await session.count(
            """
            UPDATE actions SET status = \(update.status.rawValue), resolved_by = COALESCE(\(update.resolvedBy), resolved_by),
                resolved_at = COALESCE(\(PostgresTime.millis(update.resolvedAt)), resolved_at), note = COALESCE(\(update.note), note),
                execution_run_id = COALESCE(\(update.executionRunID), execution_run_id), outcome = COALESCE(\(update.outcome), outcome),
                counted_at = COALESCE(\(PostgresTime.millis(update.countedAt)), counted_at),
                run_seconds = COALESCE(\(update.runSeconds), run_seconds)
            WHERE id = \(execution.actionID) AND status = ANY(\(expected)) RETURNING 1
            """
        )
        guard changed == 1 else { return false }
        try await seal(execution.audit, session)
        return true
    }

    public func action(_ id: String) async throws -> ActionRecord? {
        try await read { session in
            try await session.rows("SELECT \(unescaped: PostgresActions.columns) FROM actions WHERE id = \(id)").first.map(PostgresActions.record)
        }
    }

    public func actions(_ query: ActionQuery) async throws -> [ActionRecord] {
        try await read { session in try await PostgresActions.actions(query, session) }
    }

    public func countActions(_ query: ActionQuery) async throws -> Int {
        try await read { session in
            var statement = PostgresStatement()
            statement.sql = "SELECT COUNT(*) FROM actions " + PostgresActions.filter(query, &statement)
            return try await PostgresActions.integer(session.rows(statement.query))
        }
    }

    public func usage(_ query: UsageQuery) async throws -> Usage {
        try await read { session in try await PostgresActions.usage(query, session) }
    }

    public func recordDecision(_ decide: @Sendable (any ActionLedger) throws -> DecidedAction) async throws -> DecidedAction {
        try await write { session in
            // Deciders of one schema take turns (on every node): each reads the counts after the
            // one before it committed, so no counted action lands between a decision and its record.
            try await session.execute(
                "SELECT pg_advisory_xact_lock(\(PostgresLocks.decisions), hashtext(coalesce(current_schema(), '')))"
            )
            let decided = try await PostgresLedger.replay(decide, session)
            if let grant = decided.consumedGrant {
                let used = try await session.count(
                    """
                    UPDATE actions SET status = \(grant.update.status.rawValue), outcome = \(grant.update.outcome)
                    WHERE id = \(grant.id) AND status = 'approved' RETURNING 1
                    """
                )
                guard used == 1 else { throw StoreError.corrupt("the approval \(grant.id) was used by another proposal meanwhile") }
            }
            try await session.execute(PostgresActions.insert(decided.record))
            try await Self.seal(decided.audit, session)
            if let grant = decided.consumedGrant { try await Self.seal(grant.audit, session) }
            return decided
        }
    }

    public func readLedger<T: Sendable>(_ body: @Sendable (any ActionLedger) throws -> T) async throws -> T {
        try await snapshot { session in try await PostgresLedger.replay(body, session) }
    }

    // MARK: The audit chain

    public func appendAudit(_ entry: AuditEntry) async throws -> AuditRecord {
        try await write { session in try await Self.seal(entry, session) }
    }

    public func auditRecords(_ query: AuditQuery) async throws -> [AuditRecord] {
        var statement = PostgresStatement("SELECT \(PostgresActions.auditColumns) FROM audit")
        var conditions: [String] = []
        if let since = query.since {
            conditions.append("at >= \(statement.bind(Int64((since.timeIntervalSince1970 * 1000).rounded(.down))))")
        }
        if !query.kinds.isEmpty {
            conditions.append("kind = ANY(\(statement.bind(query.kinds.map(\.rawValue).sorted())))")
        }
        if let subject = query.subject {
            conditions.append("subject = \(statement.bind(subject))")
        }
        if !conditions.isEmpty { statement.sql += " WHERE " + conditions.joined(separator: " AND ") }
        if let limit = query.limit {
            statement.sql += " ORDER BY seq DESC LIMIT \(statement.bind(Int64(limit)))"
        } else {
            statement.sql += " ORDER BY seq"
        }
        return try await read { [statement] session in try await session.rows(statement.query).map(PostgresActions.auditRecord) }
    }

    public func auditHead() async throws -> AuditHead? {
        try await read { session in try await Self.auditHead(session) }
    }

    public func auditTrail() async throws -> AuditTrail {
        try await snapshot { session in
            var trail = AuditTrail()
            // Row by row: a record that cannot be read is where the chain breaks, not a reason to stop.
            for row in try await session.rows("SELECT \(unescaped: PostgresActions.auditColumns) FROM audit ORDER BY seq") {
                do { trail.records.append(try PostgresActions.auditRecord(row)) } catch let fault as StoreRowFault {
                    trail.unreadable.append(fault)
                }
            }
            do { trail.head = try await Self.auditHead(session) } catch let fault as StoreRowFault { trail.headFault = fault }
            return trail
        }
    }

    /// Appends `entry` to the chain inside the caller's transaction. The head row is locked first,
    /// so appends from every node and process take turns and the chain stays one chain.
    @discardableResult
    static func seal(_ entry: AuditEntry, _ session: PostgresSession) async throws -> AuditRecord {
        var head = try await lockedHead(session)
        if head == nil {
            // The first record: the head row does not exist yet, so there is nothing to lock. A
            // placeholder is inserted (a second appender waits on its key until this one commits,
            // then inserts nothing) and locked; it is overwritten below, so it is never seen.
            try await session.execute("INSERT INTO audit_head (singleton, seq, hash) VALUES (1, 0, '') ON CONFLICT DO NOTHING")
            head = try await lockedHead(session)
        }
        // Chained to the head as last written, not to the newest row: a removed newest record then
        // stays a gap that verification finds, instead of being papered over by the next one.
        let previous = head.flatMap { $0.seq == 0 ? nil : $0 }
        let record = AuditRecord(sealing: entry, seq: (previous?.seq ?? 0) + 1, previousHash: previous?.hash ?? AuditChain.genesis)
        try await session.execute(
            """
            INSERT INTO audit (seq, at, kind, actor, subject, data, prev_hash, hash) VALUES (
                \(record.seq), \(record.atMillis), \(record.kind.rawValue), \(record.actor), \(record.subject), \(record.data.canonical),
                \(record.previousHash), \(record.hash)
            )
            """
        )
        try await session.execute("UPDATE audit_head SET seq = \(record.seq), hash = \(record.hash) WHERE singleton = 1")
        return record
    }

    /// The head, its row locked until the transaction ends; nil when there is no head row. A head
    /// that cannot be read fails the write: nothing is recorded, so nothing proceeds unaudited.
    private static func lockedHead(_ session: PostgresSession) async throws -> AuditHead? {
        try await session.rows("SELECT singleton, seq, hash FROM audit_head WHERE singleton = 1 FOR UPDATE").first.map(PostgresActions.head)
    }

    static func auditHead(_ session: PostgresSession) async throws -> AuditHead? {
        // The placeholder of a first append in progress is never committed, but read it as no head.
        try await session.rows("SELECT singleton, seq, hash FROM audit_head WHERE singleton = 1 AND seq > 0").first.map(PostgresActions.head)
    }
}

/// How an ``ActionRecord`` and an ``AuditRecord`` map to the `actions` and `audit` tables, and the
/// reads a deciding gate makes.
enum PostgresActions {
    static let columns = """
        id, type, actor, tenant, attributes, payload, payload_hash, verdict, decided_by, reason, status, run_id, created_at, \
        expires_at, resolved_by, resolved_at, note, execution_run_id, outcome, counted_at, cost, recipient, run_seconds, summary
        """

    static let auditColumns = "seq, at, kind, actor, subject, data, prev_hash, hash"

    static func insert(_ record: ActionRecord) -> PostgresQuery {
        let decidedBy = JSONValue.array(record.decidedBy.map { .string($0) }).canonical
        return """
            INSERT INTO actions (\(unescaped: columns)) VALUES (
                \(record.id), \(record.type), \(record.actor.description), \(record.tenant), \(record.attributes.canonical),
                \(record.payload.canonical), \(record.payloadHash), \(record.verdict.rawValue), \(decidedBy), \(record.reason),
                \(record.status.rawValue), \(record.runID), \(PostgresTime.millis(record.createdAt)), \(PostgresTime.millis(record.expiresAt)),
                \(record.resolvedBy), \(PostgresTime.millis(record.resolvedAt)), \(record.note), \(record.executionRunID), \(record.outcome),
                \(PostgresTime.millis(record.countedAt)), \(record.cost), \(record.recipient), \(record.runSeconds), \(record.summary)
            )
            """
    }

    static func record(_ row: PostgresRow) throws -> ActionRecord {
        let row = PostgresStoredRow(row, table: "actions", key: ["id"])
        let proposed = ProposedAction(
            type: try row.text("type"), attributes: try row.jsonObject("attributes"), payload: try row.json("payload"),
            actor: try row.parsed("actor", Actor.init(parsing:)), tenant: try row.optionalText("tenant")
        )
        let decision = Decision(verdict: try row.known("verdict"), tier: nil, decidedBy: try row.stringList("decided_by"), reason: try row.text("reason"))
        // The stored hash, not a recomputed one: a payload edited in the database must not match it.
        var record = ActionRecord(
            id: try row.text("id"), action: proposed, decision: decision, status: try row.known("status"), runID: try row.optionalText("run_id"),
            createdAt: try row.date("created_at"), expiresAt: try row.optionalDate("expires_at"), payloadHash: try row.text("payload_hash")
        )
        record.resolvedBy = try row.optionalText("resolved_by")
        record.resolvedAt = try row.optionalDate("resolved_at")
        record.note = try row.optionalText("note")
        record.executionRunID = try row.optionalText("execution_run_id")
        record.outcome = try row.optionalText("outcome")
        record.countedAt = try row.optionalDate("counted_at")
        record.cost = try row.real("cost")
        record.recipient = try row.optionalText("recipient")
        record.runSeconds = try row.real("run_seconds")
        record.summary = try row.optionalText("summary")
        return record
    }

    static func auditRecord(_ row: PostgresRow) throws -> AuditRecord {
        let row = PostgresStoredRow(row, table: "audit", key: ["seq"])
        return AuditRecord(
            seq: try row.integer("seq"), kind: try row.known("kind"), at: try row.date("at"), actor: try row.text("actor"),
            subject: try row.text("subject"), data: AuditRecord.storedData(try row.text("data")), previousHash: try row.text("prev_hash"),
            hash: try row.text("hash")
        )
    }

    static func head(_ row: PostgresRow) throws -> AuditHead {
        let row = PostgresStoredRow(row, table: "audit_head", key: ["singleton"])
        return AuditHead(seq: try row.integer("seq"), hash: try row.text("hash"))
    }

    /// The WHERE clause of `query` (empty when it filters nothing), its values bound to `statement`.
    static func filter(_ query: ActionQuery, _ statement: inout PostgresStatement) -> String {
        var conditions: [String] = []
        if !query.statuses.isEmpty {
            conditions.append("status = ANY(\(statement.bind(query.statuses.map(\.rawValue).sorted())))")
        }
        if let runID = query.runID {
            conditions.append("run_id = \(statement.bind(runID))")
        }
        if let type = query.type {
            conditions.append("type = \(statement.bind(type))")
        }
        if let hash = query.payloadHash {
            conditions.append("payload_hash = \(statement.bind(hash))")
        }
        if let now = query.unexpiredAt {
            conditions.append("(expires_at IS NULL OR expires_at > \(statement.bind(PostgresTime.millis(now))))")
        }
        return conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    }

    static func actions(_ query: ActionQuery, _ session: PostgresSession) async throws -> [ActionRecord] {
        var statement = PostgresStatement()
        let filter = filter(query, &statement)
        statement.sql = "SELECT \(columns) FROM actions \(filter) ORDER BY created_at DESC, id DESC LIMIT \(statement.bind(Int64(query.limit)))"
        return try await session.rows(statement.query).map(record)
    }

    static func usage(_ query: UsageQuery, _ session: PostgresSession) async throws -> Usage {
        var statement = PostgresStatement()
        var conditions = [
            "counted_at IS NOT NULL", "counted_at >= \(statement.bind(PostgresTime.millis(query.since)))",
            "status IN ('allowed', 'executing', 'executed', 'failed')",
        ]
        if let until = query.until {
            conditions.append("counted_at <= \(statement.bind(PostgresTime.millis(until)))")
        }
        if !query.types.isEmpty {
            conditions.append("type = ANY(\(statement.bind(query.types.sorted())))")
        }
        if let actor = query.actor {
            conditions.append("actor = \(statement.bind(actor.description))")
        }
        if let tenant = query.tenant {
            conditions.append("tenant = \(statement.bind(tenant))")
        }
        if let recipient = query.recipient {
            conditions.append("recipient = \(statement.bind(recipient))")
        }
        statement.sql = "SELECT COUNT(*), COALESCE(SUM(cost), 0), COALESCE(SUM(run_seconds), 0) FROM actions WHERE "
            + conditions.joined(separator: " AND ")
        guard let row = try await session.rows(statement.query).first else { return Usage() }
        let (count, money, seconds) = try row.decode((Int64, Double, Double).self)
        return Usage(count: Int(count), money: money, runSeconds: seconds)
    }

    /// The one text a `SELECT` of one text value returns.
    static func text(_ rows: [PostgresRow]) throws -> String {
        guard let row = rows.first else { return "" }
        return try row.decode(String.self)
    }

    /// The one integer a `SELECT COUNT(*)` returns.
    static func integer(_ rows: [PostgresRow]) throws -> Int {
        guard let row = rows.first else { return 0 }
        return Int(try row.decode(Int64.self))
    }
}

/// The actions as the gate's decision reads them: synchronous reads (``ActionLedger``) over a
/// connection that is not. A decision is a pure function of what it reads, so it runs against the
/// answers read so far; a read not made yet stops it (``Wanted``), is made in the transaction, and
/// the decision runs again, until it asks for nothing new. A decision reads a handful of counts,
/// so it runs a few times; each run costs microseconds, each read a round trip.
struct PostgresLedger: ActionLedger {
    /// A read the decision asked for that has not been made yet.
    enum Wanted: Error {
        case usage(UsageQuery)
        case actions(ActionQuery)
    }

    var usages: [UsageQuery: Usage] = [:]
    var actionLists: [ActionQuery: [ActionRecord]] = [:]

    func usage(_ query: UsageQuery) throws -> Usage {
        guard let usage = usages[query] else { throw Wanted.usage(query) }
        return usage
    }

    func actions(_ query: ActionQuery) throws -> [ActionRecord] {
        guard let actions = actionLists[query] else { throw Wanted.actions(query) }
        return actions
    }

    /// Runs `body` until it no longer asks for a read not made, making each read it asks for.
    static func replay<T>(_ body: (any ActionLedger) throws -> T, _ session: PostgresSession) async throws -> T {
        var ledger = PostgresLedger()
        // A decision that asks for more reads than this is not reading a handful of counts.
        for _ in 0..<64 {
            do {
                return try body(ledger)
            } catch let wanted as Wanted {
                switch wanted {
                case .usage(let query): ledger.usages[query] = try await PostgresActions.usage(query, session)
                case .actions(let query): ledger.actionLists[query] = try await PostgresActions.actions(query, session)
                }
            }
        }
        throw StoreError.io("a policy decision asked for more than 64 reads of the actions")
    }
}
