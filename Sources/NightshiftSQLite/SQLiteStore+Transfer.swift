import Foundation
import GRDB
public import NightshiftCore

extension SQLiteStore: TableTransfer {
    public func exportTables(_ tables: [String]) async throws -> [TableRows] {
        try await read { db in
            try tables.compactMap { table -> TableRows? in
                let columns = try Self.columns(of: table, db)
                guard !columns.isEmpty else { return nil }
                // A table without a key of its own (samples) is read in rowid order, the order it was written in.
                let order = columns.contains("seq") ? "seq" : "rowid"
                let list = columns.map(Self.quoted).joined(separator: ", ")
                let rows = try Row.fetchAll(db, sql: "SELECT \(list) FROM \(Self.quoted(table)) ORDER BY \(order)").map { row in
                    try columns.indices.map { index in try Self.storedValue(row[index] as DatabaseValue, table: table, column: columns[index]) }
                }
                return TableRows(table: table, columns: columns, rows: rows)
            }
        }
    }

    public func importTables(_ tables: [TableRows]) async throws {
        try await write { db in
            for source in tables {
                let target = try Self.columns(of: source.table, db)
                guard !target.isEmpty else { continue }
                let kept = source.columns.indices.filter { target.contains(source.columns[$0]) }
                guard !kept.isEmpty else { continue }
                let list = kept.map { Self.quoted(source.columns[$0]) }.joined(separator: ", ")
                let statement = try db.makeStatement(
                    sql: "INSERT INTO \(Self.quoted(source.table)) (\(list)) VALUES (\(Array(repeating: "?", count: kept.count).joined(separator: ", ")))"
                )
                for row in source.rows {
                    try statement.execute(arguments: StatementArguments(kept.map { Self.databaseValue(row[$0]) }))
                }
            }
        }
    }

    public func rowCounts(_ tables: [String]) async throws -> [String: Int] {
        try await read { db in
            try Dictionary(uniqueKeysWithValues: tables.map { table in
                guard try db.tableExists(table) else { return (table, 0) }
                return (table, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(Self.quoted(table))") ?? 0)
            })
        }
    }

    /// The columns of `table` in declaration order; empty when there is no such table.
    private static func columns(of table: String, _ db: Database) throws -> [String] {
        guard try db.tableExists(table) else { return [] }
        return try db.columns(in: table).map(\.name)
    }

    private static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    private static func storedValue(_ value: DatabaseValue, table: String, column: String) throws -> StoredValue {
        switch value.storage {
        case .null: return .null
        case .int64(let integer): return .integer(integer)
        case .double(let real): return .real(real)
        case .string(let text): return .text(text)
        case .blob:
            throw StoreError.corrupt("\(table).\(column) holds a blob, which no Nightshift table stores: the store was edited; check it with nightshift doctor")
        }
    }

    private static func databaseValue(_ value: StoredValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .integer(let integer): integer.databaseValue
        case .real(let real): real.databaseValue
        case .text(let text): text.databaseValue
        }
    }
}
