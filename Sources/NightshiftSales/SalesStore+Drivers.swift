public import Foundation
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
    var activities: [String: ProspectActivity] = [:]
    var merges: [String: ProspectMerge] = [:]
    var cursors: [String: String] = [:]
    var outbox: [String: OutboxItem] = [:]
    static let slot = "sales"

    /// Adds the activities whose id is new; returns how many.
    mutating func add(_ new: [ProspectActivity]) -> Int {
        var added = 0
        for activity in new where activities[activity.id] == nil {
            activities[activity.id] = activity
            added += 1
        }
        return added
    }

    func addressTaken(_ prospect: Prospect) -> Bool {
        guard let key = prospect.emailKey else { return false }
        return prospects.values.contains { $0.id != prospect.id && $0.tenant == prospect.tenant && $0.emailKey == key }
    }
}

extension MemoryStore: SalesStore {
    var sales: MemorySalesTables {
        get { packTables[MemorySalesTables.slot] as? MemorySalesTables ?? MemorySalesTables() }
        set { packTables[MemorySalesTables.slot] = newValue }
    }

    public func insertProspects(_ prospects: [Prospect], activities: [ProspectActivity]) async throws -> Int {
        var tables = sales
        var keys = Set(tables.prospects.values.compactMap { prospect in prospect.emailKey.map { "\(prospect.tenant)\u{1F}\($0)" } })
        var inserted: Set<String> = []
        for prospect in prospects {
            guard tables.prospects[prospect.id] == nil else { continue }
            if let key = prospect.emailKey {
                guard keys.insert("\(prospect.tenant)\u{1F}\(key)").inserted else { continue }
            }
            tables.prospects[prospect.id] = prospect
            inserted.insert(prospect.id)
        }
        let given = Set(prospects.map(\.id))
        _ = tables.add(activities.filter { inserted.contains($0.prospectID) || !given.contains($0.prospectID) })
        sales = tables
        return inserted.count
    }

    public func prospect(_ id: String, tenant: String) async throws -> Prospect? {
        sales.prospects[id].flatMap { $0.tenant == tenant ? $0 : nil }
    }

    public func prospects(tenant: String, states: Set<ProspectState>, limit: Int) async throws -> [Prospect] {
        Array(sales.prospects.values.filter { $0.tenant == tenant && (states.isEmpty || states.contains($0.state)) }
            .sorted { (StoredTime.millis($0.createdAt), $0.id) < (StoredTime.millis($1.createdAt), $1.id) }.prefix(max(0, limit)))
    }

    public func prospects(tenant: String, emailKeys keys: [String]) async throws -> [Prospect] {
        let wanted = Set(keys)
        return sales.prospects.values.filter { $0.tenant == tenant && $0.emailKey.map(wanted.contains) == true }.sorted { $0.id < $1.id }
    }

    public func prospects(tenant: String, states: Set<ProspectState>, after: (createdAt: Date, id: String)?, limit: Int) async throws -> [Prospect] {
        let all = try await prospects(tenant: tenant, states: states, limit: Int.max)
        guard let after else { return Array(all.prefix(max(0, limit))) }
        let mark = (StoredTime.millis(after.createdAt), after.id)
        return Array(all.filter { (StoredTime.millis($0.createdAt), $0.id) > mark }.prefix(max(0, limit)))
    }

    public func prospects(tenant: String, ids: [String]) async throws -> [Prospect] {
        ids.compactMap { sales.prospects[$0].flatMap { $0.tenant == tenant ? $0 : nil } }.sorted { $0.id < $1.id }
    }

    public func dedupeCandidates(tenant: String) async throws -> [DedupeCandidate] {
        try await prospects(tenant: tenant, states: [], limit: Int.max).map(DedupeCandidate.init)
    }

    public func prospectTotals(tenant: String) async throws -> [ProspectState: Int] {
        sales.prospects.values.filter { $0.tenant == tenant }.reduce(into: [:]) { $0[$1.state, default: 0] += 1 }
    }

    public func updateProspects(_ prospects: [Prospect], activities: [ProspectActivity]) async throws -> Int {
        var tables = sales
        var updated = 0
        for prospect in prospects where tables.prospects[prospect.id]?.tenant == prospect.tenant {
            if tables.addressTaken(prospect) {
                throw StoreError.io("prospect \(prospect.id): its main address is another prospect's", location: "sales_prospects")
            }
            tables.prospects[prospect.id] = prospect
            updated += 1
        }
        _ = tables.add(activities)
        sales = tables
        return updated
    }

    public func recordActivities(_ activities: [ProspectActivity]) async throws -> Int {
        sales.add(activities)
    }

    public func activities(
        tenant: String, prospect: String?, kinds: Set<ProspectActivity.Kind>, since: Date?, newestFirst: Bool, limit: Int
    ) async throws -> [ProspectActivity] {
        let since = since.map { StoredTime.millis($0) }
        let rows = sales.activities.values.filter { activity in
            activity.tenant == tenant && (prospect == nil || activity.prospectID == prospect) && (kinds.isEmpty || kinds.contains(activity.kind))
                && (since.map { StoredTime.millis(activity.at) >= $0 } ?? true)
        }.sorted { (StoredTime.millis($0.at), $0.id) < (StoredTime.millis($1.at), $1.id) }
        return Array((newestFirst ? rows.reversed() : rows).prefix(max(0, limit)))
    }

    public func applyMerges(_ merges: [ProspectMerge]) async throws -> [String] {
        var tables = sales
        var applied: [String] = []
        for merge in merges {
            guard tables.merges[merge.id] == nil, tables.prospects[merge.survivorID]?.stored == merge.before.stored,
                  merge.merged.allSatisfy({ tables.prospects[$0.id]?.stored == $0.stored })
            else { continue }
            for gone in merge.merged { tables.prospects[gone.id] = nil }
            if tables.addressTaken(merge.after) {
                throw StoreError.io("prospect \(merge.survivorID): its main address is another prospect's", location: "sales_prospects")
            }
            tables.prospects[merge.survivorID] = merge.after
            tables.merges[merge.id] = merge
            _ = tables.add([merge.activity])
            applied.append(merge.id)
        }
        sales = tables
        return applied
    }

    public func merges(tenant: String, survivor: String?) async throws -> [ProspectMerge] {
        sales.merges.values.filter { $0.tenant == tenant && (survivor == nil || $0.survivorID == survivor) }
            .sorted { (StoredTime.millis($0.at), $0.id) > (StoredTime.millis($1.at), $1.id) }
    }

    public func undoMerge(_ merge: ProspectMerge, survivor: Prospect, activities: [ProspectActivity]) async throws -> Bool {
        var tables = sales
        guard var stored = tables.merges[merge.id], stored.tenant == merge.tenant, stored.undoneAt == nil else { return false }
        tables.prospects[survivor.id] = survivor
        for prospect in stored.merged {
            guard tables.prospects[prospect.id] == nil, !tables.addressTaken(prospect) else {
                throw StoreError.io("prospect \(prospect.id): its id or main address is taken again", location: "sales_prospects")
            }
            tables.prospects[prospect.id] = prospect
        }
        stored.undoneAt = merge.undoneAt ?? survivor.updatedAt
        tables.merges[merge.id] = stored
        _ = tables.add(activities)
        sales = tables
        return true
    }

    public func pullPage(
        inserts: [Prospect], updates: [Prospect], activities: [ProspectActivity], cursor: (name: String, value: String?), tenant: String
    ) async throws -> Int {
        // The actor runs this whole: nothing else sees a half-stored page; a refused update
        // leaves the tables as they were.
        let before = sales
        do {
            let given = Set(inserts.map(\.id))
            let inserted = try await insertProspects(inserts, activities: activities.filter { given.contains($0.prospectID) })
            _ = try await updateProspects(updates, activities: activities.filter { !given.contains($0.prospectID) })
            sales.cursors["\(tenant)\u{1F}\(cursor.name)"] = cursor.value
            return inserted
        } catch {
            sales = before
            throw error
        }
    }

    public func insertOutboxItem(_ item: OutboxItem, activity: ProspectActivity) async throws -> Bool {
        guard sales.outbox[item.id] == nil else { return false }
        sales.outbox[item.id] = item
        _ = sales.add([activity])
        return true
    }

    public func outboxItems(tenant: String, states: Set<OutboxItem.State>, prospect: String?, since: Date?, limit: Int) async throws -> [OutboxItem] {
        let since = since.map { StoredTime.millis($0) }
        return Array(sales.outbox.values.filter { item in
            item.tenant == tenant && (states.isEmpty || states.contains(item.state)) && (prospect == nil || item.prospectID == prospect)
                && (since.map { StoredTime.millis(item.createdAt) >= $0 } ?? true)
        }.sorted { (StoredTime.millis($0.createdAt), $0.id) > (StoredTime.millis($1.createdAt), $1.id) }.prefix(max(0, limit)))
    }

    public func outboxItem(_ id: String, tenant: String) async throws -> OutboxItem? {
        sales.outbox[id].flatMap { $0.tenant == tenant ? $0 : nil }
    }

    public func salesCursor(tenant: String, name: String) async throws -> String? {
        sales.cursors["\(tenant)\u{1F}\(name)"]
    }

    public func setSalesCursor(tenant: String, name: String, value: String?) async throws {
        sales.cursors["\(tenant)\u{1F}\(name)"] = value
    }
}

extension SQLiteStore: SalesStore {
    public func insertProspects(_ prospects: [Prospect], activities: [ProspectActivity]) async throws -> Int {
        try await packWrite { db in
            try Self.insertNew(prospects, activities: activities, db)
        }
    }

    /// Inserts the prospects whose id and main address are new, and the activities not about the
    /// ones left out, in the caller's transaction; returns how many prospects went in.
    static func insertNew(_ prospects: [Prospect], activities: [ProspectActivity], _ db: Database) throws -> Int {
        var inserted: Set<String> = []
        for prospect in prospects {
            try db.cachedStatement(sql: """
                INSERT INTO sales_prospects (id, tenant, email_key, state, record, created_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """).execute(arguments: [
                prospect.id, prospect.tenant, prospect.emailKey, prospect.state.rawValue, prospect.stored, StoredTime.millis(prospect.createdAt),
            ])
            if db.changesCount > 0 { inserted.insert(prospect.id) }
        }
        let given = Set(prospects.map(\.id))
        _ = try add(activities.filter { inserted.contains($0.prospectID) || !given.contains($0.prospectID) }, db)
        return inserted.count
    }

    /// Adds the activities whose id is new, in the caller's transaction.
    static func add(_ activities: [ProspectActivity], _ db: Database) throws -> Int {
        var added = 0
        for activity in activities {
            try db.cachedStatement(sql: """
                INSERT INTO sales_activities (id, tenant, prospect_id, kind, at, record) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """).execute(arguments: [
                activity.id, activity.tenant, activity.prospectID, activity.kind.rawValue, StoredTime.millis(activity.at), activity.stored,
            ])
            added += db.changesCount
        }
        return added
    }

    static func storedRecord(_ id: String, tenant: String, _ db: Database) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT record FROM sales_prospects WHERE id = ? AND tenant = ?"), arguments: [id, tenant])
    }

    static func update(_ prospect: Prospect, _ db: Database) throws -> Int {
        try db.cachedStatement(sql: "UPDATE sales_prospects SET email_key = ?, state = ?, record = ? WHERE id = ? AND tenant = ?")
            .execute(arguments: [prospect.emailKey, prospect.state.rawValue, prospect.stored, prospect.id, prospect.tenant])
        return db.changesCount
    }

    static func insert(_ prospect: Prospect, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO sales_prospects (id, tenant, email_key, state, record, created_at) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [
                prospect.id, prospect.tenant, prospect.emailKey, prospect.state.rawValue, prospect.stored, StoredTime.millis(prospect.createdAt),
            ])
    }

    public func prospect(_ id: String, tenant: String) async throws -> Prospect? {
        let text = try await packRead { db in try Self.storedRecord(id, tenant: tenant, db) }
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

    public func prospects(tenant: String, emailKeys keys: [String]) async throws -> [Prospect] {
        var texts: [String] = []
        // In slices, under SQLite's limit on bound parameters.
        for start in stride(from: 0, to: keys.count, by: 500) {
            let slice = Array(keys[start..<min(keys.count, start + 500)])
            let sql = "SELECT record FROM sales_prospects WHERE tenant = ? AND email_key IN (\(Array(repeating: "?", count: slice.count).joined(separator: ", "))) ORDER BY id"
            var arguments: StatementArguments = [tenant]
            arguments += StatementArguments(slice)
            texts += try await packRead { [arguments] db in try String.fetchAll(db, sql: sql, arguments: arguments) }
        }
        return try texts.map { text in try Prospect(stored: text) }
    }

    public func prospects(tenant: String, states: Set<ProspectState>, after: (createdAt: Date, id: String)?, limit: Int) async throws -> [Prospect] {
        let names = states.map(\.rawValue).sorted()
        let filter = names.isEmpty ? "" : "AND state IN (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))"
        var arguments: StatementArguments = [tenant]
        arguments += StatementArguments(names)
        let mark: Int64 = after.map { StoredTime.millis($0.createdAt) } ?? Int64.min
        arguments += [mark, mark, after?.id ?? "", max(0, limit)]
        let sql = "SELECT record FROM sales_prospects WHERE tenant = ? \(filter) AND (created_at > ? OR (created_at = ? AND id > ?)) ORDER BY created_at, id LIMIT ?"
        let texts = try await packRead { [arguments] db in try String.fetchAll(db, sql: sql, arguments: arguments) }
        return try texts.map { text in try Prospect(stored: text) }
    }

    public func prospects(tenant: String, ids: [String]) async throws -> [Prospect] {
        var texts: [String] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let slice = Array(ids[start..<min(ids.count, start + 500)])
            let sql = "SELECT record FROM sales_prospects WHERE tenant = ? AND id IN (\(Array(repeating: "?", count: slice.count).joined(separator: ", "))) ORDER BY id"
            var arguments: StatementArguments = [tenant]
            arguments += StatementArguments(slice)
            texts += try await packRead { [arguments] db in try String.fetchAll(db, sql: sql, arguments: arguments) }
        }
        return try texts.map { text in try Prospect(stored: text) }.sorted { $0.id < $1.id }
    }

    public func dedupeCandidates(tenant: String) async throws -> [DedupeCandidate] {
        try await packRead { db in
            var candidates: [DedupeCandidate] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT id, json_extract(record, '$.emails'), json_extract(record, '$.name'), json_extract(record, '$.company'),
                    json_extract(record, '$.domain') FROM sales_prospects WHERE tenant = ?
                """, arguments: [tenant])
            while let row = try rows.next() {
                let emails: String? = row[1]
                candidates.append(DedupeCandidate(
                    id: row[0], emails: emails.flatMap { try? StrictJSON.parse($0) }.map { value in
                        if case .array(let items) = value { return items.compactMap(\.stringValue) }
                        return []
                    } ?? [], name: row[2], company: row[3], domain: row[4]
                ))
            }
            return candidates
        }
    }

    public func prospectTotals(tenant: String) async throws -> [ProspectState: Int] {
        let rows = try await packRead { db in
            try Row.fetchAll(db, sql: "SELECT state, COUNT(*) FROM sales_prospects WHERE tenant = ? GROUP BY state", arguments: [tenant])
                .map { (row: Row) -> (String, Int) in (row[0], row[1]) }
        }
        return Dictionary(rows.compactMap { name, count in ProspectState(rawValue: name).map { ($0, count) } }, uniquingKeysWith: +)
    }

    public func updateProspects(_ prospects: [Prospect], activities: [ProspectActivity]) async throws -> Int {
        try await packWrite { db in
            var updated = 0
            for prospect in prospects { updated += try Self.update(prospect, db) }
            _ = try Self.add(activities, db)
            return updated
        }
    }

    public func recordActivities(_ activities: [ProspectActivity]) async throws -> Int {
        try await packWrite { db in try Self.add(activities, db) }
    }

    public func activities(
        tenant: String, prospect: String?, kinds: Set<ProspectActivity.Kind>, since: Date?, newestFirst: Bool, limit: Int
    ) async throws -> [ProspectActivity] {
        let names = kinds.map(\.rawValue).sorted()
        var sql = "SELECT record FROM sales_activities WHERE tenant = ?"
        var arguments: StatementArguments = [tenant]
        if let prospect {
            sql += " AND prospect_id = ?"
            arguments += [prospect]
        }
        if !names.isEmpty {
            sql += " AND kind IN (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))"
            arguments += StatementArguments(names)
        }
        if let since {
            sql += " AND at >= ?"
            let millis: Int64 = StoredTime.millis(since)
            arguments += [millis]
        }
        sql += newestFirst ? " ORDER BY at DESC, id DESC LIMIT ?" : " ORDER BY at, id LIMIT ?"
        arguments += [max(0, limit)]
        let texts = try await packRead { [sql, arguments] db in try String.fetchAll(db, sql: sql, arguments: arguments) }
        return try texts.map { text in try ProspectActivity(stored: text) }
    }

    public func applyMerges(_ merges: [ProspectMerge]) async throws -> [String] {
        try await packWrite { db in
            var applied: [String] = []
            for merge in merges where try Self.stillAsSeen(merge, db) {
                for gone in merge.merged {
                    try db.cachedStatement(sql: "DELETE FROM sales_prospects WHERE id = ? AND tenant = ?").execute(arguments: [gone.id, merge.tenant])
                }
                _ = try Self.update(merge.after, db)
                try db.cachedStatement(sql: "INSERT INTO sales_merges (id, tenant, survivor_id, at, undone, record) VALUES (?, ?, ?, ?, 0, ?)")
                    .execute(arguments: [merge.id, merge.tenant, merge.survivorID, StoredTime.millis(merge.at), merge.stored])
                _ = try Self.add([merge.activity], db)
                applied.append(merge.id)
            }
            return applied
        }
    }

    /// Whether the merge is new and its prospects are stored as it saw them.
    static func stillAsSeen(_ merge: ProspectMerge, _ db: Database) throws -> Bool {
        guard try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM sales_merges WHERE id = ?"), arguments: [merge.id]) == nil,
              try storedRecord(merge.survivorID, tenant: merge.tenant, db) == merge.before.stored
        else { return false }
        for gone in merge.merged where try storedRecord(gone.id, tenant: merge.tenant, db) != gone.stored { return false }
        return true
    }

    public func merges(tenant: String, survivor: String?) async throws -> [ProspectMerge] {
        let texts = try await packRead { db in
            try String.fetchAll(
                db, sql: "SELECT record FROM sales_merges WHERE tenant = ? AND (? IS NULL OR survivor_id = ?) ORDER BY at DESC, id DESC",
                arguments: [tenant, survivor, survivor]
            )
        }
        return try texts.map { text in try ProspectMerge(stored: text) }
    }

    public func undoMerge(_ merge: ProspectMerge, survivor: Prospect, activities: [ProspectActivity]) async throws -> Bool {
        try await packWrite { db in
            guard let text = try String.fetchOne(
                db, sql: "SELECT record FROM sales_merges WHERE id = ? AND tenant = ? AND undone = 0", arguments: [merge.id, merge.tenant]
            ) else { return false }
            var stored = try ProspectMerge(stored: text)
            _ = try Self.update(survivor, db)
            for prospect in stored.merged { try Self.insert(prospect, db) }
            stored.undoneAt = merge.undoneAt ?? survivor.updatedAt
            try db.cachedStatement(sql: "UPDATE sales_merges SET undone = 1, record = ? WHERE id = ?").execute(arguments: [stored.stored, merge.id])
            _ = try Self.add(activities, db)
            return true
        }
    }

    public func pullPage(
        inserts: [Prospect], updates: [Prospect], activities: [ProspectActivity], cursor: (name: String, value: String?), tenant: String
    ) async throws -> Int {
        try await packWrite { db in
            let inserted = try Self.insertNew(inserts, activities: activities, db)
            for prospect in updates { _ = try Self.update(prospect, db) }
            try Self.setCursor(tenant: tenant, name: cursor.name, value: cursor.value, db)
            return inserted
        }
    }

    static func setCursor(tenant: String, name: String, value: String?, _ db: Database) throws {
        if let value {
            try db.execute(
                sql: "INSERT INTO sales_cursors (tenant, name, value) VALUES (?, ?, ?) ON CONFLICT (tenant, name) DO UPDATE SET value = excluded.value",
                arguments: [tenant, name, value]
            )
        } else {
            try db.execute(sql: "DELETE FROM sales_cursors WHERE tenant = ? AND name = ?", arguments: [tenant, name])
        }
    }

    public func insertOutboxItem(_ item: OutboxItem, activity: ProspectActivity) async throws -> Bool {
        try await packWrite { db in
            try db.execute(
                sql: "INSERT INTO sales_outbox (id, tenant, prospect_id, state, created_at, record) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [item.id, item.tenant, item.prospectID, item.state.rawValue, StoredTime.millis(item.createdAt), item.stored]
            )
            guard db.changesCount > 0 else { return false }
            _ = try Self.add([activity], db)
            return true
        }
    }

    public func outboxItems(tenant: String, states: Set<OutboxItem.State>, prospect: String?, since: Date?, limit: Int) async throws -> [OutboxItem] {
        let names = states.map(\.rawValue).sorted()
        var sql = "SELECT record FROM sales_outbox WHERE tenant = ?"
        var arguments: StatementArguments = [tenant]
        if !names.isEmpty {
            sql += " AND state IN (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))"
            arguments += StatementArguments(names)
        }
        if let prospect {
            sql += " AND prospect_id = ?"
            arguments += [prospect]
        }
        if let since {
            let millis: Int64 = StoredTime.millis(since)
            sql += " AND created_at >= ?"
            arguments += [millis]
        }
        sql += " ORDER BY created_at DESC, id DESC LIMIT ?"
        arguments += [max(0, limit)]
        let texts = try await packRead { [sql, arguments] db in try String.fetchAll(db, sql: sql, arguments: arguments) }
        return try texts.map { text in try OutboxItem(stored: text) }
    }

    public func outboxItem(_ id: String, tenant: String) async throws -> OutboxItem? {
        let text = try await packRead { db in
            try String.fetchOne(db, sql: "SELECT record FROM sales_outbox WHERE id = ? AND tenant = ?", arguments: [id, tenant])
        }
        return try text.map { text in try OutboxItem(stored: text) }
    }

    public func salesCursor(tenant: String, name: String) async throws -> String? {
        try await packRead { db in
            try String.fetchOne(db, sql: "SELECT value FROM sales_cursors WHERE tenant = ? AND name = ?", arguments: [tenant, name])
        }
    }

    public func setSalesCursor(tenant: String, name: String, value: String?) async throws {
        try await packWrite { db in try Self.setCursor(tenant: tenant, name: name, value: value, db) }
    }
}

extension PostgresStore: SalesStore {
    /// Each row's one text column read as a record, in a plain loop (a `map` over rows inside
    /// these async functions crashes the 6.3 optimizer in release builds).
    static func decode<T>(_ rows: [PostgresRow], as make: (String) throws -> T) throws -> [T] {
        var records: [T] = []
        records.reserveCapacity(rows.count)
        for row in rows { records.append(try make(try row.decode(String.self))) }
        return records
    }

    public func insertProspects(_ prospects: [Prospect], activities: [ProspectActivity]) async throws -> Int {
        try await packWrite { session in
            try await Self.insertNew(prospects, activities: activities, session)
        }
    }

    /// Inserts the prospects whose id and main address are new, and the activities not about the
    /// ones left out, in the caller's transaction; returns how many prospects went in.
    static func insertNew(_ prospects: [Prospect], activities: [ProspectActivity], _ session: PostgresSession) async throws -> Int {
        var inserted: Set<String> = []
        for prospect in prospects {
            let count = try await session.count("""
                INSERT INTO sales_prospects (id, tenant, email_key, state, record, created_at)
                VALUES (\(prospect.id), \(prospect.tenant), \(prospect.emailKey), \(prospect.state.rawValue), \(prospect.stored),
                    \(StoredTime.millis(prospect.createdAt)))
                ON CONFLICT DO NOTHING RETURNING 1
                """)
            if count > 0 { inserted.insert(prospect.id) }
        }
        let given = Set(prospects.map(\.id))
        _ = try await add(activities.filter { inserted.contains($0.prospectID) || !given.contains($0.prospectID) }, session)
        return inserted.count
    }

    /// Adds the activities whose id is new, in the caller's transaction.
    static func add(_ activities: [ProspectActivity], _ session: PostgresSession) async throws -> Int {
        var added = 0
        for activity in activities {
            added += try await session.count("""
                INSERT INTO sales_activities (id, tenant, prospect_id, kind, at, record)
                VALUES (\(activity.id), \(activity.tenant), \(activity.prospectID), \(activity.kind.rawValue), \(StoredTime.millis(activity.at)),
                    \(activity.stored))
                ON CONFLICT DO NOTHING RETURNING 1
                """)
        }
        return added
    }

    static func storedRecord(_ id: String, tenant: String, _ session: PostgresSession) async throws -> String? {
        let rows = try await session.rows("SELECT record FROM sales_prospects WHERE id = \(id) AND tenant = \(tenant)")
        guard let row = rows.first else { return nil }
        return try row.decode(String.self)
    }

    static func update(_ prospect: Prospect, _ session: PostgresSession) async throws -> Int {
        try await session.count("""
            UPDATE sales_prospects SET email_key = \(prospect.emailKey), state = \(prospect.state.rawValue), record = \(prospect.stored)
            WHERE id = \(prospect.id) AND tenant = \(prospect.tenant) RETURNING 1
            """)
    }

    public func prospect(_ id: String, tenant: String) async throws -> Prospect? {
        let text = try await packRead { session in try await Self.storedRecord(id, tenant: tenant, session) }
        return try text.map { text in try Prospect(stored: text) }
    }

    public func prospects(tenant: String, states: Set<ProspectState>, limit: Int) async throws -> [Prospect] {
        let names = states.map(\.rawValue).sorted()
        let bound = max(0, limit)
        // Built outside the closure: the 6.3 optimizer crashes splitting the coroutine otherwise (release builds).
        let query: PostgresQuery = """
                SELECT record FROM sales_prospects WHERE tenant = \(tenant) AND (cardinality(\(names)::text[]) = 0 OR state = ANY(\(names)))
                ORDER BY created_at, id LIMIT \(bound)
                """
        let rows = try await packRead { session in try await session.rows(query) }
        return try Self.decode(rows, as: Prospect.init(stored:))
    }

    public func prospects(tenant: String, emailKeys keys: [String]) async throws -> [Prospect] {
        let query: PostgresQuery = "SELECT record FROM sales_prospects WHERE tenant = \(tenant) AND email_key = ANY(\(keys)) ORDER BY id"
        let rows = try await packRead { session in try await session.rows(query) }
        return try Self.decode(rows, as: Prospect.init(stored:))
    }

    public func prospects(tenant: String, states: Set<ProspectState>, after: (createdAt: Date, id: String)?, limit: Int) async throws -> [Prospect] {
        let names = states.map(\.rawValue).sorted()
        let mark: Int64 = after.map { StoredTime.millis($0.createdAt) } ?? Int64.min
        let afterID = after?.id ?? ""
        let bound = max(0, limit)
        // Built outside the closure: the 6.3 optimizer crashes splitting the coroutine otherwise (release builds).
        let query: PostgresQuery = """
                SELECT record FROM sales_prospects WHERE tenant = \(tenant) AND (cardinality(\(names)::text[]) = 0 OR state = ANY(\(names)))
                AND (created_at, id) > (\(mark), \(afterID)) ORDER BY created_at, id LIMIT \(bound)
                """
        let rows = try await packRead { session in try await session.rows(query) }
        return try Self.decode(rows, as: Prospect.init(stored:))
    }

    public func prospects(tenant: String, ids: [String]) async throws -> [Prospect] {
        let query: PostgresQuery = "SELECT record FROM sales_prospects WHERE tenant = \(tenant) AND id = ANY(\(ids)) ORDER BY id"
        let rows = try await packRead { session in try await session.rows(query) }
        return try Self.decode(rows, as: Prospect.init(stored:))
    }

    public func dedupeCandidates(tenant: String) async throws -> [DedupeCandidate] {
        // Built outside the closure: the 6.3 optimizer crashes splitting the coroutine otherwise (release builds).
        let query: PostgresQuery = """
                SELECT id, (record::jsonb -> 'emails')::text, record::jsonb ->> 'name', record::jsonb ->> 'company', record::jsonb ->> 'domain'
                FROM sales_prospects WHERE tenant = \(tenant)
                """
        let rows = try await packRead { session in try await session.rows(query) }
        return try rows.map { row in
            let (id, emails, name, company, domain) = try row.decode((String, String?, String?, String?, String?).self)
            var addresses: [String] = []
            if let emails, case .array(let items)? = try? StrictJSON.parse(emails) { addresses = items.compactMap(\.stringValue) }
            return DedupeCandidate(id: id, emails: addresses, name: name, company: company, domain: domain)
        }
    }

    public func prospectTotals(tenant: String) async throws -> [ProspectState: Int] {
        let query: PostgresQuery = "SELECT state, count(*) FROM sales_prospects WHERE tenant = \(tenant) GROUP BY state"
        let rows = try await packRead { session in try await session.rows(query) }
        var totals: [ProspectState: Int] = [:]
        for row in rows {
            let (name, count) = try row.decode((String, Int64).self)
            if let state = ProspectState(rawValue: name) { totals[state] = Int(count) }
        }
        return totals
    }

    public func updateProspects(_ prospects: [Prospect], activities: [ProspectActivity]) async throws -> Int {
        try await packWrite { session in
            var updated = 0
            for prospect in prospects { updated += try await Self.update(prospect, session) }
            _ = try await Self.add(activities, session)
            return updated
        }
    }

    public func recordActivities(_ activities: [ProspectActivity]) async throws -> Int {
        try await packWrite { session in try await Self.add(activities, session) }
    }

    public func activities(
        tenant: String, prospect: String?, kinds: Set<ProspectActivity.Kind>, since: Date?, newestFirst: Bool, limit: Int
    ) async throws -> [ProspectActivity] {
        let names = kinds.map(\.rawValue).sorted()
        let sinceMillis = since.map { StoredTime.millis($0) }
        let bound = max(0, limit)
        // One statement each way: the order cannot be a bound parameter.
        let query: PostgresQuery = newestFirst
            ? """
                SELECT record FROM sales_activities
                WHERE tenant = \(tenant) AND (\(prospect)::text IS NULL OR prospect_id = \(prospect))
                AND (cardinality(\(names)::text[]) = 0 OR kind = ANY(\(names))) AND (\(sinceMillis)::bigint IS NULL OR at >= \(sinceMillis))
                ORDER BY at DESC, id DESC LIMIT \(bound)
                """
            : """
                SELECT record FROM sales_activities
                WHERE tenant = \(tenant) AND (\(prospect)::text IS NULL OR prospect_id = \(prospect))
                AND (cardinality(\(names)::text[]) = 0 OR kind = ANY(\(names))) AND (\(sinceMillis)::bigint IS NULL OR at >= \(sinceMillis))
                ORDER BY at, id LIMIT \(bound)
                """
        let rows = try await packRead { session in try await session.rows(query) }
        return try Self.decode(rows, as: ProspectActivity.init(stored:))
    }

    public func applyMerges(_ merges: [ProspectMerge]) async throws -> [String] {
        try await packWrite { session in
            var applied: [String] = []
            for merge in merges where try await Self.stillAsSeen(merge, session) {
                for gone in merge.merged {
                    try await session.execute("DELETE FROM sales_prospects WHERE id = \(gone.id) AND tenant = \(merge.tenant)")
                }
                _ = try await Self.update(merge.after, session)
                try await session.execute("""
                    INSERT INTO sales_merges (id, tenant, survivor_id, at, undone, record)
                    VALUES (\(merge.id), \(merge.tenant), \(merge.survivorID), \(StoredTime.millis(merge.at)), 0, \(merge.stored))
                    """)
                _ = try await Self.add([merge.activity], session)
                applied.append(merge.id)
            }
            return applied
        }
    }

    /// Whether the merge is new and its prospects are stored as it saw them (rows locked).
    static func stillAsSeen(_ merge: ProspectMerge, _ session: PostgresSession) async throws -> Bool {
        guard try await session.rows("SELECT 1 FROM sales_merges WHERE id = \(merge.id)").isEmpty else { return false }
        let ids = [merge.survivorID] + merge.merged.map(\.id)
        let rows = try await session.rows("SELECT id, record FROM sales_prospects WHERE tenant = \(merge.tenant) AND id = ANY(\(ids)) FOR UPDATE")
        var stored: [String: String] = [:]
        for row in rows {
            let (id, record) = try row.decode((String, String).self)
            stored[id] = record
        }
        return stored[merge.survivorID] == merge.before.stored && merge.merged.allSatisfy { stored[$0.id] == $0.stored }
    }

    public func merges(tenant: String, survivor: String?) async throws -> [ProspectMerge] {
        // Built outside the closure: the 6.3 optimizer crashes splitting the coroutine otherwise (release builds).
        let query: PostgresQuery = """
                SELECT record FROM sales_merges WHERE tenant = \(tenant) AND (\(survivor)::text IS NULL OR survivor_id = \(survivor))
                ORDER BY at DESC, id DESC
                """
        let rows = try await packRead { session in try await session.rows(query) }
        return try Self.decode(rows, as: ProspectMerge.init(stored:))
    }

    public func undoMerge(_ merge: ProspectMerge, survivor: Prospect, activities: [ProspectActivity]) async throws -> Bool {
        try await packWrite { session in
            let rows = try await session.rows(
                "SELECT record FROM sales_merges WHERE id = \(merge.id) AND tenant = \(merge.tenant) AND undone = 0 FOR UPDATE"
            )
            guard let row = rows.first else { return false }
            var stored = try ProspectMerge(stored: try row.decode(String.self))
            _ = try await Self.update(survivor, session)
            for prospect in stored.merged {
                try await session.execute("""
                    INSERT INTO sales_prospects (id, tenant, email_key, state, record, created_at)
                    VALUES (\(prospect.id), \(prospect.tenant), \(prospect.emailKey), \(prospect.state.rawValue), \(prospect.stored),
                        \(StoredTime.millis(prospect.createdAt)))
                    """)
            }
            stored.undoneAt = merge.undoneAt ?? survivor.updatedAt
            try await session.execute("UPDATE sales_merges SET undone = 1, record = \(stored.stored) WHERE id = \(merge.id)")
            _ = try await Self.add(activities, session)
            return true
        }
    }

    public func pullPage(
        inserts: [Prospect], updates: [Prospect], activities: [ProspectActivity], cursor: (name: String, value: String?), tenant: String
    ) async throws -> Int {
        try await packWrite { session in
            let inserted = try await Self.insertNew(inserts, activities: activities, session)
            for prospect in updates { _ = try await Self.update(prospect, session) }
            try await Self.setCursor(tenant: tenant, name: cursor.name, value: cursor.value, session)
            return inserted
        }
    }

    static func setCursor(tenant: String, name: String, value: String?, _ session: PostgresSession) async throws {
        if let value {
            try await session.execute("""
                INSERT INTO sales_cursors (tenant, name, value) VALUES (\(tenant), \(name), \(value))
                ON CONFLICT (tenant, name) DO UPDATE SET value = excluded.value
                """)
        } else {
            try await session.execute("DELETE FROM sales_cursors WHERE tenant = \(tenant) AND name = \(name)")
        }
    }

    public func insertOutboxItem(_ item: OutboxItem, activity: ProspectActivity) async throws -> Bool {
        try await packWrite { session in
            let added = try await session.count("""
                INSERT INTO sales_outbox (id, tenant, prospect_id, state, created_at, record)
                VALUES (\(item.id), \(item.tenant), \(item.prospectID), \(item.state.rawValue), \(StoredTime.millis(item.createdAt)), \(item.stored))
                ON CONFLICT DO NOTHING RETURNING 1
                """)
            guard added > 0 else { return false }
            _ = try await Self.add([activity], session)
            return true
        }
    }

    public func outboxItems(tenant: String, states: Set<OutboxItem.State>, prospect: String?, since: Date?, limit: Int) async throws -> [OutboxItem] {
        let names = states.map(\.rawValue).sorted()
        let sinceMillis = since.map { StoredTime.millis($0) }
        let bound = max(0, limit)
        // Built outside the closure: the 6.3 optimizer crashes splitting the coroutine otherwise (release builds).
        let query: PostgresQuery = """
                SELECT record FROM sales_outbox
                WHERE tenant = \(tenant) AND (cardinality(\(names)::text[]) = 0 OR state = ANY(\(names)))
                AND (\(prospect)::text IS NULL OR prospect_id = \(prospect)) AND (\(sinceMillis)::bigint IS NULL OR created_at >= \(sinceMillis))
                ORDER BY created_at DESC, id DESC LIMIT \(bound)
                """
        let rows = try await packRead { session in try await session.rows(query) }
        return try Self.decode(rows, as: OutboxItem.init(stored:))
    }

    public func outboxItem(_ id: String, tenant: String) async throws -> OutboxItem? {
        let query: PostgresQuery = "SELECT record FROM sales_outbox WHERE id = \(id) AND tenant = \(tenant)"
        let rows = try await packRead { session in try await session.rows(query) }
        guard let row = rows.first else { return nil }
        return try OutboxItem(stored: try row.decode(String.self))
    }

    public func salesCursor(tenant: String, name: String) async throws -> String? {
        let query: PostgresQuery = "SELECT value FROM sales_cursors WHERE tenant = \(tenant) AND name = \(name)"
        let rows = try await packRead { session in try await session.rows(query) }
        guard let row = rows.first else { return nil }
        return try row.decode(String.self)
    }

    public func setSalesCursor(tenant: String, name: String, value: String?) async throws {
        try await packWrite { session in try await Self.setCursor(tenant: tenant, name: name, value: value, session) }
    }
}

/// A store whose whole database can be copied to a file while it runs (the `backup` step).
public protocol SalesBackupSource: Sendable {
    /// Copies the database to `path` with SQLite's online backup, then checks the copy with
    /// `PRAGMA integrity_check`; returns its answer (`ok`, or the problems).
    func backupDatabase(to path: String) async throws -> String
}

extension SQLiteStore: SalesBackupSource {
    public func backupDatabase(to path: String) async throws -> String {
        let partial = path + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        let target = try DatabaseQueue(path: partial)
        do {
            try await packRead { db in try target.writeWithoutTransaction { copy in try db.backup(to: copy) } }
            let check = try await target.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
            try target.close()
            guard check == "ok" else { return check }
            // The finished copy takes the name only once it is whole and checked.
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: partial, toPath: path)
            return check
        } catch {
            try? target.close()
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }
}
