import Foundation
import GRDB
public import NightshiftCore
public import NightshiftPostgres
public import NightshiftSQLite
import PostgresNIO

// The mail tables on each driver (docs/SALES.md, "Mail"). A mail item's record is canonical JSON
// with columns for what queries need; its raw bytes are kept beside it as base64 text (the store
// transfer moves text, and a raw message is rarely read).

extension MemorySalesTables {
    struct Mail: Sendable {
        var items: [String: MailItem] = [:]
        var raw: [String: [UInt8]] = [:]
        var suppressions: [String: Suppression] = [:]
    }
}

extension MemoryStore {
    private var mail: MemorySalesTables.Mail {
        get { packTables["sales.mail"] as? MemorySalesTables.Mail ?? MemorySalesTables.Mail() }
        set { packTables["sales.mail"] = newValue }
    }

    public func applyMail(_ change: MailChange) async throws -> Bool {
        // Worked on copies and stored at the end, with no suspension between: all or nothing.
        var mail = self.mail
        var tables = sales
        let tenant = change.tenant
        for (item, expecting) in change.updates {
            guard let stored = mail.items[item.id], stored.tenant == tenant, stored.review == expecting else { return false }
            mail.items[item.id] = item
        }
        for (item, expecting) in change.outbox {
            guard let stored = tables.outbox[item.id], stored.tenant == tenant, stored.state == expecting else { return false }
            tables.outbox[item.id] = item
        }
        for (item, raw) in change.inserts where item.tenant == tenant && mail.items[item.id] == nil {
            mail.items[item.id] = item
            mail.raw[item.id] = raw
        }
        for suppression in change.suppressions where suppression.tenant == tenant {
            let key = "\(tenant)\u{1F}\(suppression.key)"
            if mail.suppressions[key] == nil { mail.suppressions[key] = suppression }
        }
        for prospect in change.prospects where tables.prospects[prospect.id]?.tenant == tenant {
            if tables.addressTaken(prospect) {
                throw StoreError.io("prospect \(prospect.id): its main address is another prospect's", location: "sales_prospects")
            }
            tables.prospects[prospect.id] = prospect
        }
        _ = tables.add(change.activities.filter { $0.tenant == tenant })
        if let cursor = change.cursor { tables.cursors["\(tenant)\u{1F}\(cursor.name)"] = cursor.value }
        self.mail = mail
        sales = tables
        return true
    }

    public func mailItems(tenant: String, filter: MailFilter) async throws -> [MailItem] {
        let ids = filter.messageIDs.map(Set.init)
        return Array(mail.items.values.filter { item in
            item.tenant == tenant && (filter.direction.map { item.direction == $0 } ?? true) && (filter.reviews.isEmpty || filter.reviews.contains(item.review))
                && (filter.prospect.map { item.prospectID == $0 } ?? true) && (ids.map { $0.contains(item.messageID) } ?? true)
        }.sorted { (StoredTime.millis($0.recordedAt), $0.id) > (StoredTime.millis($1.recordedAt), $1.id) }.prefix(max(0, filter.limit)))
    }

    public func mailItem(_ id: String, tenant: String) async throws -> MailItem? {
        mail.items[id].flatMap { $0.tenant == tenant ? $0 : nil }
    }

    public func mailRaw(_ id: String, tenant: String) async throws -> [UInt8]? {
        guard mail.items[id]?.tenant == tenant else { return nil }
        return mail.raw[id]
    }

    public func suppressions(tenant: String, keys: [String]?) async throws -> [Suppression] {
        let wanted = keys.map(Set.init)
        return mail.suppressions.values.filter { row in row.tenant == tenant && (wanted.map { $0.contains(row.key) } ?? true) }
            .sorted { ($0.at, $0.key) < ($1.at, $1.key) }
    }
}

extension SQLiteStore {
    public func applyMail(_ change: MailChange) async throws -> Bool {
        try await packWrite { db in
            // The conditions are read first, under the write lock (BEGIN IMMEDIATE): when one does
            // not hold, nothing has been written yet.
            for (item, expecting) in change.updates {
                let review = try String.fetchOne(db, sql: "SELECT review FROM sales_mail WHERE id = ? AND tenant = ?", arguments: [item.id, change.tenant])
                guard review == expecting.rawValue else { return false }
            }
            for (item, expecting) in change.outbox {
                let state = try String.fetchOne(db, sql: "SELECT state FROM sales_outbox WHERE id = ? AND tenant = ?", arguments: [item.id, change.tenant])
                guard state == expecting.rawValue else { return false }
            }
            for (item, _) in change.updates {
                try db.execute(
                    sql: "UPDATE sales_mail SET prospect_id = ?, review = ?, record = ? WHERE id = ? AND tenant = ?",
                    arguments: [item.prospectID, item.review.rawValue, item.stored, item.id, change.tenant]
                )
            }
            for (item, _) in change.outbox {
                try db.execute(
                    sql: "UPDATE sales_outbox SET state = ?, record = ? WHERE id = ? AND tenant = ?",
                    arguments: [item.state.rawValue, item.stored, item.id, change.tenant]
                )
            }
            for (item, raw) in change.inserts where item.tenant == change.tenant {
                let (id, messageID, prospect, direction, review, at) = MailChange.columns(item)
                try db.execute(
                    sql: """
                        INSERT INTO sales_mail (id, tenant, message_id, prospect_id, direction, review, at, record, raw)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                        """,
                    arguments: [id, change.tenant, messageID, prospect, direction, review, at, item.stored, Data(raw).base64EncodedString()]
                )
            }
            for suppression in change.suppressions where suppression.tenant == change.tenant {
                try db.execute(
                    sql: "INSERT INTO sales_suppressions (tenant, key, at, record) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    arguments: [change.tenant, suppression.key, StoredTime.millis(suppression.at), suppression.stored]
                )
            }
            for prospect in change.prospects where prospect.tenant == change.tenant { _ = try Self.update(prospect, db) }
            _ = try Self.add(change.activities.filter { $0.tenant == change.tenant }, db)
            if let cursor = change.cursor { try Self.setCursor(tenant: change.tenant, name: cursor.name, value: cursor.value, db) }
            return true
        }
    }

    public func mailItems(tenant: String, filter: MailFilter) async throws -> [MailItem] {
        var sql = "SELECT record FROM sales_mail WHERE tenant = ?"
        var arguments: StatementArguments = [tenant]
        if let direction = filter.direction {
            sql += " AND direction = ?"
            arguments += [direction.rawValue]
        }
        if !filter.reviews.isEmpty {
            let names = filter.reviews.map(\.rawValue).sorted()
            sql += " AND review IN (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))"
            arguments += StatementArguments(names)
        }
        if let prospect = filter.prospect {
            sql += " AND prospect_id = ?"
            arguments += [prospect]
        }
        if let ids = filter.messageIDs {
            guard !ids.isEmpty else { return [] }
            sql += " AND message_id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ", ")))"
            arguments += StatementArguments(ids)
        }
        sql += " ORDER BY at DESC, id DESC LIMIT ?"
        arguments += [max(0, filter.limit)]
        let texts = try await packRead { [sql, arguments] db in try String.fetchAll(db, sql: sql, arguments: arguments) }
        return try texts.map { text in try MailItem(stored: text) }
    }

    public func mailItem(_ id: String, tenant: String) async throws -> MailItem? {
        let text = try await packRead { db in
            try String.fetchOne(db, sql: "SELECT record FROM sales_mail WHERE id = ? AND tenant = ?", arguments: [id, tenant])
        }
        return try text.map { text in try MailItem(stored: text) }
    }

    public func mailRaw(_ id: String, tenant: String) async throws -> [UInt8]? {
        let text = try await packRead { db in
            try String.fetchOne(db, sql: "SELECT raw FROM sales_mail WHERE id = ? AND tenant = ?", arguments: [id, tenant])
        }
        return try text.map { text in
            guard let data = Data(base64Encoded: text) else { throw StoreError.corrupt("sales_mail.raw of \(id) is not base64") }
            return [UInt8](data)
        }
    }

    public func suppressions(tenant: String, keys: [String]?) async throws -> [Suppression] {
        if let keys, keys.isEmpty { return [] }
        var sql = "SELECT record FROM sales_suppressions WHERE tenant = ?"
        var arguments: StatementArguments = [tenant]
        if let keys {
            sql += " AND key IN (\(Array(repeating: "?", count: keys.count).joined(separator: ", ")))"
            arguments += StatementArguments(keys)
        }
        sql += " ORDER BY at, key"
        let texts = try await packRead { [sql, arguments] db in try String.fetchAll(db, sql: sql, arguments: arguments) }
        return try texts.map { text in try Suppression(stored: text) }
    }
}

extension PostgresStore {
    public func applyMail(_ change: MailChange) async throws -> Bool {
        let tenant = change.tenant
        return try await packWrite { session in
            // The conditions are read first, their rows locked (FOR UPDATE) until the commit: when
            // one does not hold, nothing has been written yet.
            for (item, expecting) in change.updates {
                let rows = try await session.rows("SELECT review FROM sales_mail WHERE id = \(item.id) AND tenant = \(tenant) FOR UPDATE")
                guard let row = rows.first, try row.decode(String.self) == expecting.rawValue else { return false }
            }
            for (item, expecting) in change.outbox {
                let rows = try await session.rows("SELECT state FROM sales_outbox WHERE id = \(item.id) AND tenant = \(tenant) FOR UPDATE")
                guard let row = rows.first, try row.decode(String.self) == expecting.rawValue else { return false }
            }
            for (item, _) in change.updates {
                try await session.execute("""
                    UPDATE sales_mail SET prospect_id = \(item.prospectID), review = \(item.review.rawValue), record = \(item.stored)
                    WHERE id = \(item.id) AND tenant = \(tenant)
                    """)
            }
            for (item, _) in change.outbox {
                try await session.execute("""
                    UPDATE sales_outbox SET state = \(item.state.rawValue), record = \(item.stored) WHERE id = \(item.id) AND tenant = \(tenant)
                    """)
            }
            for (item, raw) in change.inserts where item.tenant == tenant {
                let (id, messageID, prospect, direction, review, at) = MailChange.columns(item)
                let encoded = Data(raw).base64EncodedString()
                try await session.execute("""
                    INSERT INTO sales_mail (id, tenant, message_id, prospect_id, direction, review, at, record, raw)
                    VALUES (\(id), \(tenant), \(messageID), \(prospect), \(direction), \(review), \(at), \(item.stored), \(encoded))
                    ON CONFLICT DO NOTHING
                    """)
            }
            for suppression in change.suppressions where suppression.tenant == tenant {
                try await session.execute("""
                    INSERT INTO sales_suppressions (tenant, key, at, record)
                    VALUES (\(tenant), \(suppression.key), \(StoredTime.millis(suppression.at)), \(suppression.stored)) ON CONFLICT DO NOTHING
                    """)
            }
            for prospect in change.prospects where prospect.tenant == tenant { _ = try await Self.update(prospect, session) }
            _ = try await Self.add(change.activities.filter { $0.tenant == tenant }, session)
            if let cursor = change.cursor { try await Self.setCursor(tenant: tenant, name: cursor.name, value: cursor.value, session) }
            return true
        }
    }

    public func mailItems(tenant: String, filter: MailFilter) async throws -> [MailItem] {
        let reviews = filter.reviews.map(\.rawValue).sorted()
        let direction = filter.direction?.rawValue
        let prospect = filter.prospect
        let ids = filter.messageIDs
        if let ids, ids.isEmpty { return [] }
        let anyID = ids == nil
        let idList = ids ?? []
        let bound = max(0, filter.limit)
        let query: PostgresQuery = """
            SELECT record FROM sales_mail
            WHERE tenant = \(tenant) AND (\(direction)::text IS NULL OR direction = \(direction))
            AND (cardinality(\(reviews)::text[]) = 0 OR review = ANY(\(reviews))) AND (\(prospect)::text IS NULL OR prospect_id = \(prospect))
            AND (\(anyID) OR message_id = ANY(\(idList)))
            ORDER BY at DESC, id DESC LIMIT \(bound)
            """
        let rows = try await packRead { session in try await session.rows(query) }
        return try Self.decode(rows, as: MailItem.init(stored:))
    }

    public func mailItem(_ id: String, tenant: String) async throws -> MailItem? {
        let query: PostgresQuery = "SELECT record FROM sales_mail WHERE id = \(id) AND tenant = \(tenant)"
        let rows = try await packRead { session in try await session.rows(query) }
        guard let row = rows.first else { return nil }
        return try MailItem(stored: try row.decode(String.self))
    }

    public func mailRaw(_ id: String, tenant: String) async throws -> [UInt8]? {
        let query: PostgresQuery = "SELECT raw FROM sales_mail WHERE id = \(id) AND tenant = \(tenant)"
        let rows = try await packRead { session in try await session.rows(query) }
        guard let row = rows.first else { return nil }
        guard let data = Data(base64Encoded: try row.decode(String.self)) else { throw StoreError.corrupt("sales_mail.raw of \(id) is not base64") }
        return [UInt8](data)
    }

    public func suppressions(tenant: String, keys: [String]?) async throws -> [Suppression] {
        if let keys, keys.isEmpty { return [] }
        let all = keys == nil
        let wanted = keys ?? []
        let query: PostgresQuery = """
            SELECT record FROM sales_suppressions WHERE tenant = \(tenant) AND (\(all) OR key = ANY(\(wanted))) ORDER BY at, key
            """
        let rows = try await packRead { session in try await session.rows(query) }
        return try Self.decode(rows, as: Suppression.init(stored:))
    }
}
