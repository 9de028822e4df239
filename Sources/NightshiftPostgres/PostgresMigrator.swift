import Foundation
import NightshiftCore
import PostgresNIO

/// Applies the schema's migrations in one transaction under a transaction-scoped advisory lock, so
/// that nodes starting together migrate once: the first takes the lock and applies what is
/// missing, the others wait, then find every migration recorded in `schema_migrations` and apply
/// nothing. A migration that fails rolls back whole, the ones before it in the same call included.
struct PostgresMigrator {
    /// The schema to create and migrate; nil: the connection's default.
    let schema: String?
    let migrations: [(name: String, sql: String)]

    func apply(in store: PostgresStore) async throws {
        let lockKey = "nightshift-migrate:" + (schema ?? "")
        try await store.write("migrate", failure: .migration) { session in
            try await session.execute("SELECT pg_advisory_xact_lock(\(PostgresLocks.migration), hashtext(\(lockKey)))")
            if let schema {
                try await session.script("CREATE SCHEMA IF NOT EXISTS \(PostgresSQL.identifier(schema))")
            }
            try await session.script(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at bigint NOT NULL)"
            )
            let applied = Set(try await session.rows("SELECT name FROM schema_migrations").map { try $0.decode(String.self) })
            for migration in migrations where !applied.contains(migration.name) {
                try await session.script(migration.sql)
                let now = PostgresTime.millis(Date())
                try await session.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (\(migration.name), \(now))")
            }
        }
    }
}
