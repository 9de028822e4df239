/// A stored row that cannot be read: a value of the wrong type (text where milliseconds are
/// stored), JSON that does not parse, a state this version does not know. Drivers report it
/// instead of trapping, so the command that needs the row fails with it and the daemon can move
/// the row aside (``StoreQuarantine``).
public struct StoreRowFault: Error, Sendable, Hashable, CustomStringConvertible {
    /// The table, e.g. `actions`.
    public var table: String
    /// The row's key columns and values (`id`, `seq`, `name` …), enough to find it again.
    public var key: [StoreRowKey]
    /// The column that could not be read, when one column is to blame.
    public var column: String?
    /// What was expected and what was found, e.g. `expected an integer (milliseconds), found text "yesterday"`.
    public var problem: String

    public init(table: String, key: [StoreRowKey], column: String?, problem: String) {
        self.table = table
        self.key = key
        self.column = column
        self.problem = problem
    }

    /// The row as the operator would name it: `act_1`, `5`, `cyc_1/2`, `X'00'`.
    public var rowName: String {
        key.map { key in
            if case .string(let hex) = key.value["blob"] { return "X'\(hex)'" }
            return key.value.text
        }.joined(separator: "/")
    }

    /// `actions row act_1 column created_at: expected an integer (milliseconds), found text "yesterday"`.
    public var description: String { "\(table) row \(rowName) \(detail)" }

    /// The column and the problem: `column created_at: expected …`.
    public var detail: String { column.map { "column \($0): \(problem)" } ?? problem }

    /// Whether the row belongs to the audit trail, which is never moved: removing a record would
    /// break the chain, and `audit verify` reports it instead.
    public var isAuditTrail: Bool { table == "audit" || table == "audit_head" }
}

/// One key column of a stored row and its value. A key stored as a blob (which no key should be)
/// is `{"blob": HEX}`, so the row can still be named and found.
public struct StoreRowKey: Sendable, Hashable {
    public var column: String
    public var value: JSONValue

    public init(_ column: String, _ value: JSONValue) {
        self.column = column
        self.value = value
    }
}
