import Foundation
import NightshiftCore
import PostgresNIO

/// One row of a result, read with checked decoding, as the SQLite driver's `StoredRow` does: a
/// value that does not decode to what its column holds, JSON that does not parse, or a state this
/// version does not know throws a ``StoreRowFault`` naming the table, the row and the column.
///
/// PostgreSQL enforces the column types itself, so what is left to check is what the types do not
/// say: the JSON in text columns, enum values, integers that must fit a narrower Swift type.
struct PostgresStoredRow {
    let row: PostgresRandomAccessRow
    let table: String
    /// The key columns naming the row in errors.
    let keyColumns: [String]

    init(_ row: PostgresRow, table: String, key keyColumns: [String]) {
        self.row = row.makeRandomAccess()
        self.table = table
        self.keyColumns = keyColumns
    }

    /// The row's key as stored (text or integer keys), for errors.
    var key: [StoreRowKey] {
        keyColumns.map { column in
            guard row.contains(column) else { return StoreRowKey(column, .null) }
            let cell = row[column]
            if cell.bytes == nil { return StoreRowKey(column, .null) }
            if let integer = try? cell.decode(Int64.self) { return StoreRowKey(column, .integer(integer)) }
            if let text = try? cell.decode(String.self) { return StoreRowKey(column, .string(text)) }
            return StoreRowKey(column, .null)
        }
    }

    func fault(_ column: String?, _ problem: String) -> StoreRowFault {
        StoreRowFault(table: table, key: key, column: column, problem: problem)
    }

    private func decode<T: PostgresDecodable>(_ column: String, _ type: T.Type, _ meaning: String) throws -> T? {
        guard row.contains(column) else { throw fault(column, "the column is missing") }
        let cell = row[column]
        if cell.bytes == nil { return nil }
        do {
            return try cell.decode(T.self)
        } catch {
            throw fault(column, "expected \(meaning), found a value of type \(cell.dataType)")
        }
    }

    // MARK: Typed values

    func text(_ column: String) throws -> String {
        guard let text = try optionalText(column) else { throw fault(column, "expected text, found NULL") }
        return text
    }

    func optionalText(_ column: String) throws -> String? {
        try decode(column, String.self, "text")
    }

    func integer(_ column: String, _ meaning: String = "an integer") throws -> Int64 {
        guard let integer = try optionalInteger(column, meaning) else { throw fault(column, "expected \(meaning), found NULL") }
        return integer
    }

    func optionalInteger(_ column: String, _ meaning: String = "an integer") throws -> Int64? {
        try decode(column, Int64.self, meaning)
    }

    /// An integer that must also fit `T` (an `Int` count, an `Int32` pid).
    func int<T: FixedWidthInteger>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let value = try optionalInt(column, as: type) else { throw fault(column, "expected an integer, found NULL") }
        return value
    }

    func optionalInt<T: FixedWidthInteger>(_ column: String, as type: T.Type = T.self) throws -> T? {
        guard let integer = try optionalInteger(column) else { return nil }
        guard let value = T(exactly: integer) else { throw fault(column, "expected an integer that fits \(T.self), found \(integer)") }
        return value
    }

    func real(_ column: String) throws -> Double {
        guard let real = try optionalReal(column) else { throw fault(column, "expected a real, found NULL") }
        return real
    }

    func optionalReal(_ column: String) throws -> Double? {
        guard let real = try decode(column, Double.self, "a finite real") else { return nil }
        guard real.isFinite else { throw fault(column, "expected a finite real, found \(real)") }
        return real
    }

    func bool(_ column: String) throws -> Bool {
        guard let value = try optionalBool(column) else { throw fault(column, "expected a boolean, found NULL") }
        return value
    }

    func optionalBool(_ column: String) throws -> Bool? {
        try decode(column, Bool.self, "a boolean")
    }

    /// Dates are `bigint` milliseconds since 1970 (see `PostgresTime`).
    func date(_ column: String) throws -> Date {
        PostgresTime.date(try integer(column, "an integer (milliseconds)"))
    }

    func optionalDate(_ column: String) throws -> Date? {
        try optionalInteger(column, "an integer (milliseconds)").map(PostgresTime.date)
    }

    /// JSON text, parsed.
    func json(_ column: String) throws -> JSONValue {
        guard let value = try optionalJSON(column) else { throw fault(column, "expected JSON text, found NULL") }
        return value
    }

    func optionalJSON(_ column: String) throws -> JSONValue? {
        guard let text = try optionalText(column) else { return nil }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
            throw fault(column, "expected JSON, found text \(Self.quoted(text)) that does not parse")
        }
        return value
    }

    func jsonObject(_ column: String) throws -> [String: JSONValue] {
        guard case .object(let members) = try json(column) else { throw fault(column, "expected a JSON object") }
        return members
    }

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

    /// Text cut short: the value may be anything, a secret included.
    static func quoted(_ text: String) -> String {
        let limit = 24
        let shown = text.count > limit ? String(text.prefix(limit)) + "…" : text
        return "\"" + shown.replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}
