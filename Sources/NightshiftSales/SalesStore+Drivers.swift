import Foundation
import GRDB
public import NightshiftCore
public import NightshiftPostgres
public import NightshiftSQLite
import PostgresNIO

// The sales tables on each driver (docs/PACKS.md, "Tables"). Each prospect's record is one
// canonical JSON text; what queries need (tenant, main address, state, creation) has columns of its
// own, indexed.

/// The memory store's sales tables, kept in its pack slot.
struct MemorySalesTables: Sendable {
    var prospects: [String: Prospect] = [:]
    static let slot = "sales"
}

extension MemoryStore: SalesStore {
    private var sales: MemorySalesTables {
        get { packTables[MemorySalesTables.slot] as? MemorySalesTables ?? MemorySalesTables() }
        set { packTables[MemorySalesTables.slot] = newValue }
    }

    public func insertProspects(_ prospects: [Prospect]) async throws -> Int {
        var tables = sales
        var inserted = 0
        for prospect in prospects {
            guard tables.prospects[prospect.id] == nil else { continue }
            if let key = prospect.emailKey, tables.prospects.values.contains(where: { $0.tenant == prospect.tenant && $0.emailKey == key }) { continue }
            tables.prospects[prospect.id] = prospect
            inserted += 1
        }
        sales = tables
        return inserted
    }

    public func prospect(_ id: String, tenant: String) async throws -> Prospect? {
        sales.prospects[id].flatMap { $0.tenant == tenant ? $0 : nil }
    }

    public func prospects(tenant: String, states: Set<ProspectState>, limit: Int) async throws -> [Prospect] {
        Array(sales.prospects.values.filter { $0.tenant == tenant && (states.isEmpty || states.contains($0.state)) }
            .sorted { (StoredTime.millis($0.createdAt), $0.id) < (StoredTime.millis($1.createdAt), $1.id) }.prefix(max(0, limit)))
    }

    public func prospectTotals(tenant: String) async throws -> [ProspectState: Int] {
        sales.prospects.values.filter { $0.tenant == tenant }.reduce(into: [:]) { $0[$1.state, default: 0] += 1 }
    }

    public func updateProspects(_ prospects: [Prospect]) async throws -> Int {
        var tables = sales
        var updated = 0
        for prospect in prospects where tables.prospects[prospect.id]?.tenant == prospect.tenant {
            if let key = prospect.emailKey, tables.prospects.values.contains(where: { $0.id != prospect.id && $0.tenant == prospect.tenant && $0.emailKey == key }) {
                throw StoreError.io("prospect \(prospect.id): its main address is another prospect's", location: "sales_prospects")
            }
            tables.prospects[prospect.id] = prospect
            updated += 1
        }
        sales = tables
        return updated
    }
}

extension SQLiteStore: SalesStore {
    public func insertProspects(_ prospects: [Prospect]) async throws -> Int {
        try await packWrite { db in
            var inserted = 0
            for prospect in prospects {
                try db.cachedStatement(sql: """
                    INSERT INTO sales_prospects (id, tenant, email_key, state, record, created_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """).execute(arguments: [
                    prospect.id, prospect.tenant, prospect.emailKey, prospect.state.rawValue, prospect.stored, StoredTime.millis(prospect.createdAt),
                ])
                inserted += db.changesCount
            }
            return inserted
        }
    }

    public func prospect(_ id: String, tenant: String) async throws -> Prospect? {
        let text = try await packRead { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT record FROM sales_prospects WHERE id = ? AND tenant = ?"), arguments: [id, tenant])
        }
        return try text.map { text in try Prospect(stored: text) }
    }

    public func prospects(tenant: String, states: Set<ProspectState>, limit: Int) async throws -> [Prospect] {
        let names = states.map(\.rawValue).sorted()
        let filter = names.isEmpty ? "" : "AND state IN (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))"
        var arguments: StatementArguments = [tenant]
        arguments += StatementArguments(names)
        arguments += [max(0, limit)]
        let sql = "SELECT record FROM sales_prospects WHERE tenant = ? \(filter) ORDER BY created_at, id LIMIT ?"
        let texts = try await packRead { [arguments] db in try String.fetchAll(db, sql: sql, arguments: arguments) }
        return try texts.map { text in try Prospect(stored: text) }
    }

    public func prospectTotals(tenant: String) async throws -> [ProspectState: Int] {
        let rows = try await packRead { db in
            try Row.fetchAll(db, sql: "SELECT state, COUNT(*) FROM sales_prospects WHERE tenant = ? GROUP BY state", arguments: [tenant])
                .map { (row: Row) -> (String, Int) in (row[0], row[1]) }
        }
        return Dictionary(rows.compactMap { name, count in ProspectState(rawValue: name).map { ($0, count) } }, uniquingKeysWith: +)
    }

    public func updateProspects(_ prospects: [Prospect]) async throws -> Int {
        try await packWrite { db in
            var updated = 0
            for prospect in prospects {
                try db.cachedStatement(sql: "UPDATE sales_prospects SET email_key = ?, state = ?, record = ? WHERE id = ? AND tenant = ?")
                    .execute(arguments: [prospect.emailKey, prospect.state.rawValue, prospect.stored, prospect.id, prospect.tenant])
                updated += db.changesCount
            }
            return updated
        }
    }
}

extension PostgresStore: SalesStore {
    public func insertProspects(_ prospects: [Prospect]) async throws -> Int {
        try await packWrite { session in
            var inserted = 0
            for prospect in prospects {
                inserted += try await session.count("""
                    INSERT INTO sales_prospects (id, tenant, email_key, state, record, created_at)
                    VALUES (\(prospect.id), \(prospect.tenant), \(prospect.emailKey), \(prospect.state.rawValue), \(prospect.stored),
                        \(StoredTime.millis(prospect.createdAt)))
                    ON CONFLICT DO NOTHING RETURNING 1
                    """)
            }
            return inserted
        }
    }

    public func prospect(_ id: String, tenant: String) async throws -> Prospect? {
        let rows = try await packRead { session in
            try await session.rows("SELECT record FROM sales_prospects WHERE id = \(id) AND tenant = \(tenant)")
        }
        guard let row = rows.first else { return nil }
        return try Prospect(stored: try row.decode(String.self))
    }

    public func prospects(tenant: String, states: Set<ProspectState>, limit: Int) async throws -> [Prospect] {
        let names = states.map(\.rawValue).sorted()
        let bound = max(0, limit)
        let rows = try await packRead { session in
            try await session.rows("""
                SELECT record FROM sales_prospects WHERE tenant = \(tenant) AND (cardinality(\(names)::text[]) = 0 OR state = ANY(\(names)))
                ORDER BY created_at, id LIMIT \(bound)
                """)
        }
        return try rows.map { row in try Prospect(stored: try row.decode(String.self)) }
    }

    public func prospectTotals(tenant: String) async throws -> [ProspectState: Int] {
        let rows = try await packRead { session in
            try await session.rows("SELECT state, count(*) FROM sales_prospects WHERE tenant = \(tenant) GROUP BY state")
        }
        var totals: [ProspectState: Int] = [:]
        for row in rows {
            let (name, count) = try row.decode((String, Int64).self)
            if let state = ProspectState(rawValue: name) { totals[state] = Int(count) }
        }
        return totals
    }

    public func updateProspects(_ prospects: [Prospect]) async throws -> Int {
        try await packWrite { session in
            var updated = 0
            for prospect in prospects {
                updated += try await session.count("""
                    UPDATE sales_prospects SET email_key = \(prospect.emailKey), state = \(prospect.state.rawValue), record = \(prospect.stored)
                    WHERE id = \(prospect.id) AND tenant = \(prospect.tenant) RETURNING 1
                    """)
            }
            return updated
        }
    }
}
