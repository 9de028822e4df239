/// One value of a stored row as both drivers hold it: SQLite's storage classes, which PostgreSQL's
/// columns (bigint, double precision, text, boolean) map onto one to one.
public enum StoredValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// Every row of one table, as `nightshift store migrate` moves it between drivers: ids, seqs,
/// times and hashes exactly as stored, so the copy is the same store (its identity, its audit
/// chain) in another database.
public struct TableRows: Sendable, Hashable {
    public var table: String
    public var columns: [String]
    /// In the table's key order (its `seq` or rowid, else its primary key).
    public var rows: [[StoredValue]]

    public init(table: String, columns: [String], rows: [[StoredValue]]) {
        self.table = table
        self.columns = columns
        self.rows = rows
    }
}

/// A driver whose tables can be copied row for row into another driver's (see ``StoreTables``).
public protocol TableTransfer: Store {
    /// Every row of each table of `tables` the store has, all read in one snapshot.
    func exportTables(_ tables: [String]) async throws -> [TableRows]
    /// Writes `tables` into this store in one transaction: all of them or nothing. Each row keeps
    /// the values of the columns this store's table has (a column it lacks is left out; a `seq` it
    /// has that the rows lack is numbered in row order).
    func importTables(_ tables: [TableRows]) async throws
    /// How many rows each of `tables` holds (0 for a table the store lacks).
    func rowCounts(_ tables: [String]) async throws -> [String: Int]
}

/// The tables a store is made of, in the order they can be filled (a table before the tables that
/// refer to it), and which of them a copy rebuilds instead of copying.
public enum StoreTables {
    /// Every table of the core schema, in copy order.
    public static let all = [
        "store_identity", "daemon", "jobs", "runs", "alerts", "leases", "cycle_runs", "cycle_steps", "goals", "goal_progress",
        "actions", "tasks", "task_numbers", "task_totals", "state_values", "samples", "problems", "events", "audit", "audit_head",
        "quarantine",
    ]
    /// Kept by triggers from the rows of other tables: rebuilt by the copy, then compared.
    public static let derived: Set<String> = ["task_totals"]
    /// The tables a copy writes, in order.
    public static var copied: [String] { all.filter { !derived.contains($0) } }
}
