public import NightshiftCore
import PostgresNIO

extension PostgresStore: TableTransfer {
    public func exportTables(_ tables: [String]) async throws -> [TableRows] {
        try await snapshot { session in
            var exported: [TableRows] = []
            for table in tables {
                let columns = try await Self.columns(of: table, session)
                guard !columns.isEmpty else { continue }
                let order = columns.contains { $0.name == "seq" } ? "seq" : "1"
                let list = columns.map { PostgresSQL.identifier($0.name) }.joined(separator: ", ")
                let rows = try await session.rows(PostgresQuery(unsafeSQL: "SELECT \(list) FROM \(PostgresSQL.identifier(table)) ORDER BY \(order)"))
                exported.append(TableRows(table: table, columns: columns.map(\.name), rows: try rows.map { row in
                    let stored = PostgresStoredRow(row, table: table, key: [])
                    return try columns.map { column in try Self.storedValue(stored, column) }
                }))
            }
            return exported
        }
    }

    public func importTables(_ tables: [TableRows]) async throws {
        try await write { session in
            for source in tables {
                let target = try await Self.columns(of: source.table, session)
                let types = Dictionary(uniqueKeysWithValues: target.map { ($0.name, $0) })
                let kept = source.columns.indices.filter { types[source.columns[$0]] != nil }
                guard !kept.isEmpty else { continue }
                let list = kept.map { PostgresSQL.identifier(source.columns[$0]) }.joined(separator: ", ")
                // Identities keep the copied numbers; the sequences move past them below.
                let overriding = kept.contains { types[source.columns[$0]]!.identity } ? " OVERRIDING SYSTEM VALUE" : ""
                for row in source.rows {
                    var statement = PostgresStatement()
                    let values = try kept.map { index in
                        try Self.bind(row[index], as: types[source.columns[index]]!, table: source.table, &statement)
                    }
                    statement.sql = "INSERT INTO \(PostgresSQL.identifier(source.table)) (\(list))\(overriding) VALUES (\(values.joined(separator: ", ")))"
                    try await session.execute(statement.query)
                }
                for column in target where column.identity {
                    let table = PostgresSQL.identifier(source.table), name = PostgresSQL.identifier(column.name)
                    try await session.execute(PostgresQuery(unsafeSQL: """
                        SELECT setval(pg_get_serial_sequence('\(table)', '\(column.name)'), COALESCE(MAX(\(name)), 0) + 1, false) FROM \(table)
                        """))
                }
            }
        }
    }

    public func rowCounts(_ tables: [String]) async throws -> [String: Int] {
        try await snapshot { session in
            var counts: [String: Int] = [:]
            for table in tables {
                counts[table] = try await Self.columns(of: table, session).isEmpty
                    ? 0 : PostgresActions.integer(session.rows(PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM \(PostgresSQL.identifier(table))")))
            }
            return counts
        }
    }

    /// A column of a table in the store's schema.
    struct Column {
        var name: String
        var type: String
        var identity: Bool
    }

    /// The columns of `table` in the store's schema, in declaration order; empty when there is no such table.
    static func columns(of table: String, _ session: PostgresSession) async throws -> [Column] {
        try await session.rows(
            """
            SELECT column_name, data_type, is_identity FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = \(table) ORDER BY ordinal_position
            """
        ).map { row in
            let (name, type, identity) = try row.decode((String, String, String).self)
            return Column(name: name, type: type, identity: identity == "YES")
        }
    }

    private static func storedValue(_ row: PostgresStoredRow, _ column: Column) throws -> StoredValue {
        switch column.type {
        case "bigint", "integer", "smallint": try row.optionalInteger(column.name).map { .integer($0) } ?? .null
        case "double precision", "real": try row.optionalReal(column.name).map { .real($0) } ?? .null
        case "boolean": try row.optionalBool(column.name).map { .integer($0 ? 1 : 0) } ?? .null
        default: try row.optionalText(column.name).map { .text($0) } ?? .null
        }
    }

    /// Binds `value` to `statement` as the column's type wants it; returns its placeholder.
    private static func bind(_ value: StoredValue, as column: Column, table: String, _ statement: inout PostgresStatement) throws -> String {
        func refuse() -> StoreError {
            StoreError.corrupt("\(table).\(column.name) (\(column.type)) cannot hold \(value): the source store was edited")
        }
        switch (value, column.type) {
        case (.null, _): return statement.bind(String?.none)
        case (.integer(let integer), "bigint"), (.integer(let integer), "integer"), (.integer(let integer), "smallint"):
            return statement.bind(integer) + (column.type == "bigint" ? "" : "::\(column.type)")
        case (.integer(let integer), "double precision"): return statement.bind(Double(integer))
        case (.real(let real), "double precision"): return statement.bind(real)
        case (.integer(let integer), "boolean") where integer == 0 || integer == 1: return statement.bind(integer == 1)
        case (.text(let text), "text"): return statement.bind(text)
        default: throw refuse()
        }
    }
}
