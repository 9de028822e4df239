public import Foundation
public import NightshiftCore
import PostgresNIO

extension PostgresStore {
    public func storeIdentity() async throws -> StoreIdentityReading {
        try await read { session in
            // Before migration the schema may hold nothing, or not exist (current_schema() is NULL).
            let hasTable = try await session.rows("SELECT to_regclass('store_identity') IS NOT NULL").first?.decode(Bool.self) ?? false
            guard hasTable else {
                let tables = try await session.rows(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
                ).first?.decode(Int64.self) ?? 0
                return tables == 0 ? .empty : .unidentified
            }
            return try await Self.identity(session, locking: false).map { .identified($0) } ?? .unidentified
        }
    }

    public func setStoreIdentity(_ identity: StoreIdentity, replacing expected: String?) async throws -> StoreIdentity {
        let created = PostgresTime.millis(identity.createdAt)
        return try await write { session in
            // The row locked, or none yet: then the insert decides between two processes that found
            // the store new together, and the loser reads the winner's identity under its lock.
            var current = try await Self.identity(session, locking: true)
            if current == nil {
                let inserted = try await session.count(
                    """
                    INSERT INTO store_identity (singleton, id, created_at) VALUES (1, \(identity.id), \(created))
                    ON CONFLICT DO NOTHING RETURNING 1
                    """
                )
                if inserted == 1 { return identity }
                current = try await Self.identity(session, locking: true)
            }
            if let current, current.id != expected { return current }
            try await session.execute("UPDATE store_identity SET id = \(identity.id), created_at = \(created) WHERE singleton = 1")
            return identity
        }
    }

    private static func identity(_ session: PostgresSession, locking: Bool) async throws -> StoreIdentity? {
        let rows = try await session.rows(
            locking ? "SELECT id, created_at FROM store_identity FOR UPDATE" : "SELECT id, created_at FROM store_identity"
        )
        guard let first = rows.first else { return nil }
        let row = PostgresStoredRow(first, table: "store_identity", key: ["id"])
        return StoreIdentity(id: try row.text("id"), createdAt: try row.date("created_at"))
    }

    // MARK: StateStore

    public func stateValue(_ key: String) async throws -> JSONValue? {
        try await read { session in
            try await session.rows("SELECT key, value FROM state_values WHERE key = \(key)").first.map { row in
                try PostgresStoredRow(row, table: "state_values", key: ["key"]).json("value")
            }
        }
    }

    public func setStateValue(_ key: String, _ value: JSONValue?, at now: Date) async throws {
        try await write { session in
            if let value {
                try await session.execute(
                    """
                    INSERT INTO state_values (key, value, updated_at) VALUES (\(key), \(value.canonical), \(PostgresTime.millis(now)))
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """
                )
            } else {
                try await session.execute("DELETE FROM state_values WHERE key = \(key)")
            }
        }
    }
}
