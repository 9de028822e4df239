public import Foundation

/// A file-backed store can hold rows that something other than Nightshift wrote (an edit in the
/// `sqlite3` shell, a restored backup of another version). Such a store moves an unreadable row
/// aside into a quarantine table instead of letting it stop every reader. Rows of the audit trail
/// are never moved: `audit verify` reports them. The memory store holds only values it made and
/// does not conform.
public protocol StoreQuarantine: Sendable {
    /// From now on, a read or write that meets an unreadable row outside the audit trail moves the
    /// row to the quarantine table and runs again. `report` hears of every unreadable row met,
    /// whether it was moved or not (an audit row). The daemon turns this on; the CLI does not, so a
    /// command fails naming the row.
    func quarantineUnreadableRows(report: @escaping @Sendable (StoreRowFault, _ moved: Bool) async -> Void)
    /// Moves the row of `fault` into the quarantine table (its values as SQL literals, the problem,
    /// the table and key). Returns false, moving nothing, for an audit row or a row that is gone.
    func quarantine(_ fault: StoreRowFault, at now: Date) async throws -> Bool
    /// The rows moved aside (or, for the audit trail, only noted), newest first.
    func quarantinedRows(limit: Int) async throws -> [QuarantinedRow]
}

/// A row the store moved aside because it could not be read, or noted where it stands.
public struct QuarantinedRow: Sendable, Hashable, Codable {
    public var seq: Int64
    /// The table it came from.
    public var table: String
    /// Its key, as in ``StoreRowFault/rowName``.
    public var key: String
    /// Every column as a JSON object of SQL literals (`'yesterday'`, `1.7e12`, `X'00'`, `NULL`).
    public var values: String
    /// Why it could not be read.
    public var problem: String
    public var at: Date
    /// False when the row was left where it is and only noted (an audit record the migration found
    /// of the wrong type: it stays as evidence for `audit verify`).
    public var removed: Bool

    public init(seq: Int64, table: String, key: String, values: String, problem: String, at: Date, removed: Bool) {
        self.seq = seq
        self.table = table
        self.key = key
        self.values = values
        self.problem = problem
        self.at = at
        self.removed = removed
    }
}
