import Foundation
import GRDB

/// The migration "strict": every table written before it is rebuilt as a `STRICT` table with the
/// same columns, indexes, rowids and seqs. A row that does not fit (text where milliseconds are
/// stored, a real in an integer column, a blob in a text column) moves to `quarantine` with the
/// column to blame; a row that belonged to it (a step of its cycle run) goes with it.
///
/// The audit trail is evidence and is never changed: `audit` and `audit_head` become strict only
/// when every row fits. Otherwise they stay as they are, each misfit is noted in `quarantine`
/// (`removed = 0`), and `audit verify` names the first one.
enum SQLiteStrictTables {
    /// Parents before children, so a child can follow its quarantined parent.
    static let order = [
        "daemon", "jobs", "runs", "alerts", "leases", "cycle_runs", "cycle_steps", "goals", "goal_progress", "actions",
        "tasks", "task_numbers", "state_values", "samples", "problems", "events", "audit", "audit_head",
    ]

    static func convert(_ db: Database, at now: Date) throws {
        for table in order {
            guard try db.tableExists(table) else { continue }
            let columns = try db.columns(in: table)
            let fits = columns.map { fit($0) }.joined(separator: " AND ")
            let misfit = "CASE " + columns.map { "WHEN NOT (\(fit($0))) THEN \(mismatch($0))" }.joined(separator: " ") + " END"
            if table == "audit" || table == "audit_head" {
                let misfits = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE NOT (\(fits))") ?? 0
                guard misfits == 0 else {
                    try quarantineMisfits(table, misfit: misfit, fits: fits, removing: false, at: now, db)
                    continue
                }
            } else {
                try quarantineMisfits(table, misfit: misfit, fits: fits, removing: true, at: now, db)
            }
            try rebuild(table, columns: columns, db)
        }
        // A row whose parent was quarantined would now fail the foreign key check at the end of the
        // migration: it follows its parent.
        for child in SQLiteQuarantine.children.values {
            for violation in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check(\(child.table))") {
                let rowid: Int64 = violation["rowid"]
                let parent: String = violation["parent"]
                try SQLiteQuarantine.move(
                    from: child.table, where: "rowid = ?", arguments: [rowid], key: nil,
                    problem: "its \(parent) row was quarantined by the migration to strict tables", at: now, in: db
                )
            }
        }
    }

    /// The SQL condition a column's value must meet in a strict table of the same declaration.
    private static func fit(_ column: ColumnInfo) -> String {
        let name = SQLiteQuarantine.identifier(column.name)
        let allowed: [String] = switch column.type.uppercased() {
        case "INTEGER", "INT": ["integer"]
        case "REAL": ["real", "integer"]
        case "TEXT": ["text"]
        case "BLOB": ["blob"]
        default: ["integer", "real", "text", "blob"]
        }
        let types = (allowed + (column.isNotNull ? [] : ["null"])).map { "'\($0)'" }.joined(separator: ", ")
        return "typeof(\(name)) IN (\(types))"
    }

    /// An SQL expression saying what a misfit column holds.
    private static func mismatch(_ column: ColumnInfo) -> String {
        let name = SQLiteQuarantine.identifier(column.name)
        let expected = switch column.type.uppercased() {
        case "INTEGER", "INT": "an integer"
        case "REAL": "a real"
        case "TEXT": "text"
        default: "a \(column.type.lowercased())"
        }
        return "'column \(column.name): expected \(expected), found ' || typeof(\(name))"
    }

    /// Moves each row of `table` that does not fit into `quarantine` with the column to blame, or,
    /// for the audit trail (`removing: false`), only notes it there.
    private static func quarantineMisfits(_ table: String, misfit: String, fits: String, removing: Bool, at now: Date, _ db: Database) throws {
        let consequence = removing
            ? " (found by the migration to strict tables)"
            : "; left in place (the audit trail is evidence), so \(table) stays non-strict"
        // One row at a time so each gets its own problem; misfits are rare.
        for rowid in try Int64.fetchAll(db, sql: "SELECT rowid FROM \(table) WHERE NOT (\(fits))") {
            let problem = try String.fetchOne(db, sql: "SELECT \(misfit) FROM \(table) WHERE rowid = ?", arguments: [rowid]) ?? "a value of the wrong type"
            try SQLiteQuarantine.move(
                from: table, where: "rowid = ?", arguments: [rowid], key: nil, problem: problem + consequence, at: now, removing: removing, in: db
            )
        }
    }

    /// Replaces `table` by a strict copy: same declaration plus `STRICT`, same rows and rowids,
    /// same indexes and triggers (`tasks` keeps `task_totals` up to date), same AUTOINCREMENT counter.
    private static func rebuild(_ table: String, columns: [ColumnInfo], _ db: Database) throws {
        guard let declaration = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table]),
              let open = declaration.firstIndex(of: "(") else { return }
        let indexes = try String.fetchAll(
            db, sql: "SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = ? AND sql IS NOT NULL", arguments: [table]
        )
        var counter: Int64?
        if try db.tableExists("sqlite_sequence") {
            counter = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = ?", arguments: [table])
        }
        let strict = "\(table)_strict"
        try db.execute(sql: "CREATE TABLE \(strict) \(declaration[open...]) STRICT")
        let names = columns.map { SQLiteQuarantine.identifier($0.name) }.joined(separator: ", ")
        // A table whose INTEGER PRIMARY KEY is its rowid keeps it through that column; others copy it.
        let aliased = columns.filter { $0.primaryKeyIndex > 0 }.count == 1 && columns.contains { $0.primaryKeyIndex > 0 && $0.type.uppercased() == "INTEGER" }
        let copied = aliased ? names : "rowid, " + names
        try db.execute(sql: "INSERT INTO \(strict) (\(copied)) SELECT \(copied) FROM \(table) ORDER BY rowid")
        try db.execute(sql: "DROP TABLE \(table)")
        try db.execute(sql: "ALTER TABLE \(strict) RENAME TO \(table)")
        for index in indexes { try db.execute(sql: index) }
        if let counter {
            try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name = ?", arguments: [table])
            try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", arguments: [table, counter])
        }
    }
}
