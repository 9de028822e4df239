import Foundation
import GRDB
import NightshiftCore

/// One row of a table, read with checked decoding: each value must have the storage class its
/// column is written with, or reading it throws a ``StoreRowFault`` naming the table, the row and
/// the column. GRDB's own conversions are never applied to stored values: they trap on some
/// mismatches and silently convert others (a REAL `at` truncated to whole milliseconds, text read
/// as 0), and either would hide an edit of the file.
struct StoredRow {
    let row: Row
    let table: String
    /// The key columns naming the row in errors and finding it again for the quarantine.
    let keyColumns: [String]
    /// Where the row's columns are, when it was selected with a fixed column list.
    let layout: RowLayout?

    init(_ row: Row, table: String, key keyColumns: [String], layout: RowLayout? = nil) {
        self.row = row
        self.table = table
        self.keyColumns = keyColumns
        self.layout = layout
    }

    /// The row's key as stored, whatever its type (a key of the wrong type still names the row).
    var key: [StoreRowKey] {
        keyColumns.map { column in
            guard row.hasColumn(column) else { return StoreRowKey(column, .null) }
            return StoreRowKey(column, Self.json(row[column] as DatabaseValue))
        }
    }

    /// A fault of this row, `column` and `problem`.
    func fault(_ column: String?, _ problem: String) -> StoreRowFault {
        StoreRowFault(table: table, key: key, column: column, problem: problem)
    }

    /// The value as stored, whatever its type.
    func value(_ column: String) throws -> DatabaseValue {
        if let index = layout?.indexes[column], index < row.count {
            return row[index]
        }
        guard row.hasColumn(column) else { throw fault(column, "the column is missing") }
        return row[column]
    }

    // MARK: Typed values

    func text(_ column: String) throws -> String {
        guard let text = try optionalText(column) else { throw mismatch(column, "text", .null) }
        return text
    }

    func optionalText(_ column: String) throws -> String? {
        let value = try value(column)
        switch value.storage {
        case .null: return nil
        case .string(let text): return text
        default: throw mismatch(column, "text", value)
        }
    }

    func integer(_ column: String, _ meaning: String = "an integer") throws -> Int64 {
        guard let integer = try optionalInteger(column, meaning) else { throw mismatch(column, meaning, .null) }
        return integer
    }

    func optionalInteger(_ column: String, _ meaning: String = "an integer") throws -> Int64? {
        let value = try value(column)
        switch value.storage {
        case .null: return nil
        case .int64(let integer): return integer
        default: throw mismatch(column, meaning, value)
        }
    }

    /// An integer that must also fit `T` (an `Int` count, an `Int32` pid).
    func int<T: FixedWidthInteger>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let value = try optionalInt(column, as: type) else { throw mismatch(column, "an integer", .null) }
        return value
    }

    func optionalInt<T: FixedWidthInteger>(_ column: String, as type: T.Type = T.self) throws -> T? {
        guard let integer = try optionalInteger(column) else { return nil }
        guard let value = T(exactly: integer) else { throw fault(column, "expected an integer that fits \(T.self), found \(integer)") }
        return value
    }

    /// A REAL column. SQLite itself stores a whole number given to a REAL column as REAL, so an
    /// INTEGER here was written past the column's affinity; it is still a number and is accepted.
    func real(_ column: String) throws -> Double {
        guard let real = try optionalReal(column) else { throw mismatch(column, "a real", .null) }
        return real
    }

    func optionalReal(_ column: String) throws -> Double? {
        let value = try value(column)
        switch value.storage {
        case .null: return nil
        case .double(let real) where real.isFinite: return real
        case .int64(let integer): return Double(integer)
        default: throw mismatch(column, "a finite real", value)
        }
    }

    /// Booleans are INTEGER 0 or 1.
    func bool(_ column: String) throws -> Bool {
        let value = try value(column)
        switch value.storage {
        case .int64(0): return false
        case .int64(1): return true
        default: throw mismatch(column, "0 or 1", value)
        }
    }

    /// Dates are INTEGER milliseconds since 1970 (see `SQLiteTime`).
    func date(_ column: String) throws -> Date {
        SQLiteTime.date(try integer(column, "an integer (milliseconds)"))
    }

    func optionalDate(_ column: String) throws -> Date? {
        try optionalInteger(column, "an integer (milliseconds)").map(SQLiteTime.date)
    }

    /// JSON text, parsed.
    func json(_ column: String) throws -> JSONValue {
        guard let value = try optionalJSON(column) else { throw mismatch(column, "JSON text", .null) }
        return value
    }

    func optionalJSON(_ column: String) throws -> JSONValue? {
        guard let text = try optionalText(column) else { return nil }
        guard let value = StoredJSON.parse(text) else {
            throw fault(column, "expected JSON, found text \(Self.quoted(text)) that does not parse")
        }
        return value
    }

    /// JSON text holding an object.
    func jsonObject(_ column: String) throws -> [String: JSONValue] {
        guard case .object(let members) = try json(column) else { throw fault(column, "expected a JSON object") }
        return members
    }

    /// JSON text holding a list of strings.
    func stringList(_ column: String) throws -> [String] {
        guard case .array(let items) = try json(column) else { throw fault(column, "expected a JSON list of strings") }
        return try items.map { item in
            guard case .string(let text) = item else { throw fault(column, "expected a JSON list of strings") }
            return text
        }
    }

    /// A value of a string enum; an unknown one may come from a newer Nightshift.
    func known<T: RawRepresentable>(_ column: String, as type: T.Type = T.self) throws -> T where T.RawValue == String {
        try parsed(column, T.init(rawValue:))
    }

    func optionalKnown<T: RawRepresentable>(_ column: String, as type: T.Type = T.self) throws -> T? where T.RawValue == String {
        try optionalText(column).map { _ in try parsed(column, T.init(rawValue:)) }
    }

    /// Text that `parse` turns into a value (an actor, a calendar day, a time zone).
    func parsed<T>(_ column: String, _ parse: (String) -> T?) throws -> T {
        let text = try text(column)
        guard let value = parse(text) else {
            throw fault(column, "found \(Self.quoted(text)), which this version does not know (written by a newer Nightshift, or edited)")
        }
        return value
    }

    // MARK: Describing values

    private func mismatch(_ column: String, _ expected: String, _ found: DatabaseValue) -> StoreRowFault {
        fault(column, "expected \(expected), found \(Self.describe(found))")
    }

    /// `text "yesterday"`, `a real 1700000000000.5`, `a blob of 3 bytes`, `NULL`. Text is cut
    /// short: the value may be anything, a secret included.
    static func describe(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return "NULL"
        case .int64(let integer): return "an integer \(integer)"
        case .double(let real): return "a real \(real)"
        case .string(let text): return "text \(quoted(text))"
        case .blob(let data): return "a blob of \(data.count) byte\(data.count == 1 ? "" : "s")"
        }
    }

    static func quoted(_ text: String) -> String {
        let limit = 24
        let shown = text.count > limit ? String(text.prefix(limit)) + "…" : text
        return "\"" + shown.replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    /// A stored key as JSON: text and numbers as they are, a blob as `{"blob": HEX}` (see
    /// ``StoreRowKey``), so that a row whose key has the wrong type can still be found again.
    static func json(_ value: DatabaseValue) -> JSONValue {
        switch value.storage {
        case .null: return .null
        case .int64(let integer): return .integer(integer)
        case .double(let real): return .number(real)
        case .string(let text): return .string(text)
        case .blob(let data): return .object(["blob": .string(data.map { String(format: "%02X", $0) }.joined())])
        }
    }
}

/// Where each column of a fixed select list sits, so that a row selected with it is read by index.
/// GRDB finds a column by name by lowercasing the name and every column name it passes: for the
/// 24 columns of a task, that lookup had cost more than the rest of reading the row.
struct RowLayout: Sendable {
    /// The columns' positions by name.
    let indexes: [String: Int]

    /// The layout of `columns`, a select list of plain names separated by commas (`"id, job, slot"`).
    init(_ columns: String) {
        let names = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        indexes = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
