import Foundation
import GRDB
public import NightshiftCore

extension SQLiteStore {
    public func insertAction(_ record: ActionRecord, audit: AuditEntry) async throws {
        try await write { db in
            try ActionRow.insert(record, db)
            try Self.seal(audit, in: db)
        }
    }

    public func updateAction(_ id: String, expecting expected: Set<ActionStatus>, _ update: ActionUpdate, audit: AuditEntry) async throws -> ActionRecord? {
        try await write { db in try Self.updateAction(id, expecting: expected, update, audit: audit, db) }
    }

    /// ``updateAction(_:expecting:_:audit:)`` inside the caller's write transaction.
    static func updateAction(
        _ id: String, expecting expected: Set<ActionStatus>, _ update: ActionUpdate, audit: AuditEntry, _ db: Database
    ) throws -> ActionRecord? {
        guard var record = try ActionRow.fetch(id, db), expected.contains(record.status) else { return nil }
        update.apply(to: &record)
        try db.cachedStatement(sql: """
            UPDATE actions SET status = ?, resolved_by = ?, resolved_at = ?, note = ?, execution_run_id = ?, outcome = ?,
            counted_at = ?, run_seconds = ? WHERE id = ?
            """
        ).execute(arguments: [
            record.status.rawValue, record.resolvedBy, SQLiteTime.millis(record.resolvedAt), record.note, record.executionRunID,
            record.outcome, SQLiteTime.millis(record.countedAt), record.runSeconds, id,
        ])
        try seal(audit, in: db)
        return record
    }

    /// Applies `execution` as ``updateAction(_:expecting:_:audit:)`` does, inside the caller's write
    /// transaction, without reading the row back: one compare-and-set update (a nil field of the
    /// update keeps the stored value), then the audit record if it changed the row.
    static func record(_ execution: ActionExecution, _ db: Database) throws -> Bool {
        let expected = execution.expected.map(\.rawValue).sorted()
        guard !expected.isEmpty else { return false }
        let update = execution.update
        var arguments: StatementArguments = [
            update.status.rawValue, update.resolvedBy, SQLiteTime.millis(update.resolvedAt), update.note, update.executionRunID, update.outcome,
            SQLiteTime.millis(update.countedAt), update.runSeconds, execution.actionID,
        ]
        arguments += StatementArguments(expected)
        try db.cachedStatement(sql: """
            UPDATE actions SET status = ?, resolved_by = COALESCE(?, resolved_by), resolved_at = COALESCE(?, resolved_at),
                note = COALESCE(?, note), execution_run_id = COALESCE(?, execution_run_id), outcome = COALESCE(?, outcome),
                counted_at = COALESCE(?, counted_at), run_seconds = COALESCE(?, run_seconds)
            WHERE id = ? AND status IN (\(Array(repeating: "?", count: expected.count).joined(separator: ", ")))
            """
        ).execute(arguments: arguments)
        guard db.changesCount == 1 else { return false }
        try seal(execution.audit, in: db)
        return true
    }

    public func action(_ id: String) async throws -> ActionRecord? {
        try await read { db in try ActionRow.fetch(id, db) }
    }

    public func actions(_ query: ActionQuery) async throws -> [ActionRecord] {
        try await read { db in try SQLiteLedger(db: db).actions(query) }
    }

    public func countActions(_ query: ActionQuery) async throws -> Int {
        try await read { db in try SQLiteLedger(db: db).count(query) }
    }

    public func usage(_ query: UsageQuery) async throws -> Usage {
        try await read { db in try SQLiteLedger(db: db).usage(query) }
    }

    public func recordDecision(_ decide: @Sendable (any ActionLedger) throws -> DecidedAction) async throws -> DecidedAction {
        // BEGIN IMMEDIATE: the write lock is taken before the counts are read, so no other process
        // can insert a counted action between this decision and its record.
        try await write { db in
            let decided = try decide(SQLiteLedger(db: db))
            if let grant = decided.consumedGrant {
                try db.execute(
                    sql: "UPDATE actions SET status = ?, outcome = ? WHERE id = ? AND status = 'approved'",
                    arguments: [grant.update.status.rawValue, grant.update.outcome, grant.id]
                )
                guard db.changesCount == 1 else {
                    throw StoreError.corrupt("the approval \(grant.id) was used by another proposal meanwhile")
                }
            }
            try ActionRow.insert(decided.record, db)
            try Self.seal(decided.audit, in: db)
            if let grant = decided.consumedGrant { try Self.seal(grant.audit, in: db) }
            return decided
        }
    }

    public func readLedger<T: Sendable>(_ body: @Sendable (any ActionLedger) throws -> T) async throws -> T {
        try await read { db in try body(SQLiteLedger(db: db)) }
    }

    public func appendAudit(_ entry: AuditEntry) async throws -> AuditRecord {
        try await write { db in try Self.seal(entry, in: db) }
    }

    public func auditRecords(_ query: AuditQuery) async throws -> [AuditRecord] {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let since = query.since {
            conditions.append("at >= ?")
            arguments += [Int64((since.timeIntervalSince1970 * 1000).rounded(.down))]
        }
        if !query.kinds.isEmpty {
            let names = query.kinds.map(\.rawValue).sorted()
            conditions.append("kind IN (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))")
            arguments += StatementArguments(names)
        }
        if let subject = query.subject {
            conditions.append("subject = ?")
            arguments += [subject]
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        var sql = "SELECT \(Self.auditColumns) FROM audit \(filter)"
        if let limit = query.limit {
            sql += " ORDER BY seq DESC LIMIT ?"
            arguments += [limit]
        } else {
            sql += " ORDER BY seq"
        }
        return try await read { [arguments, sql] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.auditRecord)
        }
    }

    public func auditHead() async throws -> AuditHead? {
        try await read { db in try Self.auditHead(db) }
    }

    public func auditTrail() async throws -> AuditTrail {
        try await read { db in
            var trail = AuditTrail()
            // Row by row: a record that cannot be read is where the chain breaks, not a reason to stop.
            for row in try Row.fetchAll(db, sql: "SELECT \(Self.auditColumns) FROM audit ORDER BY seq") {
                do { trail.records.append(try Self.auditRecord(row)) } catch let fault as StoreRowFault {
                    trail.unreadable.append(fault)
                }
            }
            do { trail.head = try Self.auditHead(db) } catch let fault as StoreRowFault { trail.headFault = fault }
            return trail
        }
    }

    /// Appends `entry` to the chain inside the caller's write transaction (the only writer). Its
    /// statements, like the other ones a decision or an execution makes, are prepared once per
    /// connection: compiling them cost more CPU than running them.
    @discardableResult
    static func seal(_ entry: AuditEntry, in db: Database) throws -> AuditRecord {
        // Chained to the head as last written, not to the newest row: a removed newest record then
        // stays a gap that verification finds, instead of being papered over by the next one.
        // A head that cannot be read fails the write: nothing is recorded, so nothing proceeds unaudited.
        let head = try auditHead(db)
        let record = AuditRecord(sealing: entry, seq: (head?.seq ?? 0) + 1, previousHash: head?.hash ?? AuditChain.genesis)
        try db.cachedStatement(sql: "INSERT INTO audit (seq, at, kind, actor, subject, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [
                record.seq, record.atMillis, record.kind.rawValue, record.actor, record.subject, record.data.canonical, record.previousHash,
                record.hash,
            ])
        try db.cachedStatement(sql: """
            INSERT INTO audit_head (singleton, seq, hash) VALUES (1, ?, ?)
            ON CONFLICT (singleton) DO UPDATE SET seq = excluded.seq, hash = excluded.hash
            """
        ).execute(arguments: [record.seq, record.hash])
        return record
    }

    static let auditColumns = "seq, at, kind, actor, subject, data, prev_hash, hash"

    static func auditHead(_ db: Database) throws -> AuditHead? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT singleton, seq, hash FROM audit_head WHERE singleton = 1")).map { row in
            let row = StoredRow(row, table: "audit_head", key: ["singleton"])
            return AuditHead(seq: try row.integer("seq"), hash: try row.text("hash"))
        }
    }

    static func auditRecord(_ row: Row) throws -> AuditRecord {
        let row = StoredRow(row, table: "audit", key: ["seq"])
        let data = AuditRecord.storedData(try row.text("data"))
        return AuditRecord(
            seq: try row.integer("seq"), kind: try row.known("kind"), at: Date(timeIntervalSince1970: Double(try row.integer("at", "an integer (milliseconds)")) / 1000),
            actor: try row.text("actor"), subject: try row.text("subject"), data: data, previousHash: try row.text("prev_hash"), hash: try row.text("hash")
        )
    }
}

/// How an ``ActionRecord`` maps to the `actions` table.
enum ActionRow {
    static let columns = """
        id, type, actor, tenant, attributes, payload, payload_hash, verdict, decided_by, reason, status, run_id, created_at, \
        expires_at, resolved_by, resolved_at, note, execution_run_id, outcome, counted_at, cost, recipient, run_seconds, summary
        """
    static let placeholders = Array(repeating: "?", count: 24).joined(separator: ", ")

    /// Inserts `record` inside the caller's write transaction.
    static func insert(_ record: ActionRecord, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO actions (\(columns)) VALUES (\(placeholders))").execute(arguments: arguments(record))
    }

    /// The action `id`, if there is one.
    static func fetch(_ id: String, _ db: Database) throws -> ActionRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(columns) FROM actions WHERE id = ?"), arguments: [id]).map(record)
    }

    static func arguments(_ record: ActionRecord) -> StatementArguments {
        [
            record.id, record.type, record.actor.description, record.tenant, record.attributes.canonical, record.payload.canonical,
            record.payloadHash, record.verdict.rawValue, JSONValue.array(record.decidedBy.map { .string($0) }).canonical, record.reason,
            record.status.rawValue, record.runID, SQLiteTime.millis(record.createdAt), SQLiteTime.millis(record.expiresAt),
            record.resolvedBy, SQLiteTime.millis(record.resolvedAt), record.note, record.executionRunID, record.outcome,
            SQLiteTime.millis(record.countedAt), record.cost, record.recipient, record.runSeconds, record.summary,
        ]
    }

    static func record(_ row: Row) throws -> ActionRecord {
        let row = StoredRow(row, table: "actions", key: ["id"])
        let proposed = ProposedAction(
            type: try row.text("type"), attributes: try row.jsonObject("attributes"), payload: try row.json("payload"),
            actor: try row.parsed("actor", Actor.init(parsing:)), tenant: try row.optionalText("tenant")
        )
        let decision = Decision(verdict: try row.known("verdict"), tier: nil, decidedBy: try row.stringList("decided_by"), reason: try row.text("reason"))
        // The stored hash, not a recomputed one: a payload edited in the file must not match it.
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
}

/// The actions table as a deciding gate reads it, inside the caller's transaction.
struct SQLiteLedger: ActionLedger {
    let db: Database

    func actions(_ query: ActionQuery) throws -> [ActionRecord] {
        var (filter, arguments) = Self.filter(query)
        arguments += [query.limit]
        let sql = "SELECT \(ActionRow.columns) FROM actions \(filter) ORDER BY created_at DESC, id DESC LIMIT ?"
        return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(ActionRow.record)
    }

    /// As ``ActionStore/countActions(_:)``: an index range (by status) counted, no row read.
    func count(_ query: ActionQuery) throws -> Int {
        let (filter, arguments) = Self.filter(query)
        return try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM actions \(filter)"), arguments: arguments) ?? 0
    }

    /// The WHERE clause of `query` and its arguments.
    private static func filter(_ query: ActionQuery) -> (String, StatementArguments) {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if !query.statuses.isEmpty {
            let names = query.statuses.map(\.rawValue).sorted()
            conditions.append("status IN (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))")
            arguments += StatementArguments(names)
        }
        if let runID = query.runID {
            conditions.append("run_id = ?")
            arguments += [runID]
        }
        if let type = query.type {
            conditions.append("type = ?")
            arguments += [type]
        }
        if let hash = query.payloadHash {
            conditions.append("payload_hash = ?")
            arguments += [hash]
        }
        if let now = query.unexpiredAt {
            conditions.append("(expires_at IS NULL OR expires_at > ?)")
            arguments += [SQLiteTime.millis(now) as Int64]
        }
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), arguments)
    }

    func usage(_ query: UsageQuery) throws -> Usage {
        var conditions = ["counted_at IS NOT NULL", "counted_at >= ?", "status IN ('allowed', 'executing', 'executed', 'failed')"]
        let since: Int64 = SQLiteTime.millis(query.since)
        var arguments: StatementArguments = [since]
        if let until = query.until {
            conditions.append("counted_at <= ?")
            let millis: Int64 = SQLiteTime.millis(until)
            arguments += [millis]
        }
        if !query.types.isEmpty {
            let names = query.types.sorted()
            conditions.append("type IN (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))")
            arguments += StatementArguments(names)
        }
        if let actor = query.actor {
            conditions.append("actor = ?")
            arguments += [actor.description]
        }
        if let tenant = query.tenant {
            conditions.append("tenant = ?")
            arguments += [tenant]
        }
        if let recipient = query.recipient {
            conditions.append("recipient = ?")
            arguments += [recipient]
        }
        // Prepared once per connection and shape of query (which filters, how many types): a
        // decision makes several of these, and compiling one cost more than running it.
        let sql = "SELECT COUNT(*), TOTAL(cost), TOTAL(run_seconds) FROM actions WHERE " + conditions.joined(separator: " AND ")
        guard let row = try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments) else { return Usage() }
        return Usage(count: row[0], money: row[1], runSeconds: row[2])
    }
}
