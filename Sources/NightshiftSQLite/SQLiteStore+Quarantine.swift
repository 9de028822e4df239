public import Foundation
import GRDB
public import NightshiftCore
import Synchronization

extension SQLiteStore: StoreQuarantine {
    public func quarantineUnreadableRows(report: @escaping @Sendable (StoreRowFault, _ moved: Bool) async -> Void) {
        quarantineReport.withLock { $0 = report }
    }

    public func quarantine(_ fault: StoreRowFault, at now: Date) async throws -> Bool {
        guard !fault.isAuditTrail, SQLiteQuarantine.tables.contains(fault.table), !fault.key.isEmpty else { return false }
        return try await write { db in
            let condition = fault.key.map { "\(SQLiteQuarantine.identifier($0.column)) IS ?" }.joined(separator: " AND ")
            let arguments = StatementArguments(fault.key.map { SQLiteQuarantine.databaseValue($0.value) })
            let moved = try SQLiteQuarantine.move(
                from: fault.table, where: condition, arguments: arguments, key: fault.rowName, problem: fault.detail, at: now, in: db
            )
            // Rows that belong to the moved one (a cycle run's steps, a goal's progress) go with it,
            // instead of being deleted by the foreign key's cascade.
            if moved, let child = SQLiteQuarantine.children[fault.table], let parentKey = fault.key.first {
                _ = try SQLiteQuarantine.move(
                    from: child.table, where: "\(child.column) IS ?", arguments: [SQLiteQuarantine.databaseValue(parentKey.value)],
                    key: nil, problem: "its \(fault.table) row \(fault.rowName) was quarantined", at: now, in: db
                )
            }
            return moved
        }
    }

    public func quarantinedRows(limit: Int) async throws -> [QuarantinedRow] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM quarantine ORDER BY seq DESC LIMIT ?", arguments: [max(0, limit)]).map { row in
                let row = StoredRow(row, table: "quarantine", key: ["seq"])
                return QuarantinedRow(
                    seq: try row.integer("seq"), table: try row.text("source"), key: try row.text("row_key"), values: try row.text("row_values"),
                    problem: try row.text("problem"), at: try row.date("at"), removed: try row.bool("removed")
                )
            }
        }
    }
}

/// Moving rows that cannot be read into the `quarantine` table, at run time and in the migration
/// that makes every table STRICT.
enum SQLiteQuarantine {
    /// The tables whose rows may be moved: every table but the audit trail's and the quarantine.
    static let tables: Set<String> = [
        "daemon", "jobs", "runs", "alerts", "leases", "cycle_runs", "cycle_steps", "goals", "goal_progress", "actions",
        "tasks", "task_numbers", "state_values", "samples", "problems", "events",
    ]

    /// The key columns that name a row of each table, as the decoders name them.
    static let keys: [String: [String]] = [
        "daemon": ["instance_id"], "jobs": ["name"], "runs": ["id"], "alerts": ["seq"], "leases": ["key"], "cycle_runs": ["id"],
        "cycle_steps": ["cycle_run_id", "step_index"], "goals": ["name"], "goal_progress": ["seq"], "actions": ["id"],
        "tasks": ["id"], "task_numbers": ["singleton"], "state_values": ["key"], "samples": ["rowid"], "problems": ["id"],
        "events": ["seq"], "audit": ["seq"], "audit_head": ["singleton"],
    ]

    /// Tables whose rows belong to a row of another: (child table, its column holding the parent's key).
    static let children: [String: (table: String, column: String)] = [
        "cycle_runs": ("cycle_steps", "cycle_run_id"), "goals": ("goal_progress", "goal"),
    ]

    /// Moves the rows of `table` matching `condition` into `quarantine`: their values as a JSON
    /// object of SQL literals, the key (`key`, or the table's key columns), `problem` and `now`.
    /// Returns whether any row moved.
    @discardableResult
    static func move(
        from table: String, where condition: String, arguments: StatementArguments, key: String?, problem: String, at now: Date,
        removing: Bool = true, in db: Database
    ) throws -> Bool {
        let columns = try db.columns(in: table).map(\.name)
        let values = "json_object(" + columns.map { "'\($0)', quote(\(identifier($0)))" }.joined(separator: ", ") + ")"
        let keyText = key.map { _ in "?" } ?? (keys[table] ?? ["rowid"]).map { "CAST(\(identifier($0)) AS TEXT)" }.joined(separator: " || '/' || ")
        var insertArguments: StatementArguments = [table]
        if let key { insertArguments += [key] }
        insertArguments += [problem, SQLiteTime.millis(now), removing]
        try db.execute(
            sql: """
                INSERT INTO quarantine (source, row_key, row_values, problem, at, removed)
                SELECT ?, \(keyText), \(values), ?, ?, ? FROM \(identifier(table)) WHERE \(condition)
                """,
            arguments: insertArguments + arguments
        )
        guard db.changesCount > 0 else { return false }
        if removing {
            try db.execute(sql: "DELETE FROM \(identifier(table)) WHERE \(condition)", arguments: arguments)
        }
        return true
    }

    static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A key value back as the value it was read from.
    static func databaseValue(_ value: JSONValue) -> DatabaseValue {
        switch value {
        case .integer(let integer): return integer.databaseValue
        case .number(let real): return real.databaseValue
        case .string(let text): return text.databaseValue
        case .bool(let flag): return flag.databaseValue
        case .object(let members):
            guard case .string(let hex) = members["blob"], let data = blob(hex) else { return .null }
            return data.databaseValue
        case .null, .array: return .null
        }
    }

    private static func blob(_ hex: String) -> Data? {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) ?? hex.endIndex
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return Data(bytes)
    }
}
