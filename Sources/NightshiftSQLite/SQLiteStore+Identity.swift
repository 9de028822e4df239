public import Foundation
import GRDB
public import NightshiftCore

extension SQLiteStore {
    public func storeIdentity() async throws -> StoreIdentityReading {
        try await read { db in
            // Before migration there may be no table at all: a new or emptied file holds nothing.
            guard try db.tableExists("store_identity") else {
                let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
                return tables == 0 ? .empty : .unidentified
            }
            return try Self.identity(db).map { .identified($0) } ?? .unidentified
        }
    }

    public func setStoreIdentity(_ identity: StoreIdentity, replacing expected: String?) async throws -> StoreIdentity {
        try await write { db in
            if let current = try Self.identity(db), current.id != expected { return current }
            try db.execute(
                sql: "INSERT OR REPLACE INTO store_identity (singleton, id, created_at) VALUES (1, ?, ?)",
                arguments: [identity.id, SQLiteTime.millis(identity.createdAt)]
            )
            return identity
        }
    }

    private static func identity(_ db: Database) throws -> StoreIdentity? {
        guard let row = try Row.fetchOne(db, sql: "SELECT id, created_at FROM store_identity") else { return nil }
        return StoreIdentity(id: try row.decode(forColumn: "id"), createdAt: SQLiteTime.date(try row.decode(forColumn: "created_at")))
    }
}
