import Foundation
import NightshiftCore
import NightshiftTesting
import PostgresNIO
import Testing
@testable import NightshiftPostgres

/// Migrations on the real server: idempotent, once however many nodes start together, and a
/// schema that holds every table of the SQLite driver.
@Suite("PostgresMigrator")
struct PostgresMigrationTests {
    @Test func migratingTwiceKeepsTheDataAndAppliesEachMigrationOnce() async throws {
        try await TestDatabase.withFreshStore { store in
            try await store.syncJobs(["backup"], at: Date(timeIntervalSince1970: 1_750_000_000))
            try await store.migrate()
            try await store.migrate()
            #expect(try await store.jobStates().map(\.name) == ["backup"])
            #expect(try await appliedMigrations(store) == PostgresSchema.migrations.map(\.name))
        }
    }

    @Test("a pack's PostgreSQL migrations are applied after the core's, once each")
    func packMigrationsApplyOnce() async throws {
        var configuration = try TestDatabase.configuration()
        configuration.packMigrations = [
            PackMigration(name: "sample.notes", sql: "CREATE TABLE sample_notes (id text PRIMARY KEY, body text NOT NULL)"),
            PackMigration(name: "sample.notes_author", sql: "ALTER TABLE sample_notes ADD COLUMN author text"),
        ]
        let store = PostgresStore(configuration: configuration)
        try await PostgresStore.withStore(store) { store in
            do {
                try await store.migrate()
                try await store.migrate()
                #expect(try await appliedMigrations(store) == PostgresSchema.migrations.map(\.name) + ["sample.notes", "sample.notes_author"])
                try await store.write { session in
                    try await session.execute("INSERT INTO sample_notes (id, body, author) VALUES ('n1', 'hello', 'pack')")
                }
            } catch {
                try? await TestDatabase.dropSchema(of: store)
                throw error
            }
            try await TestDatabase.dropSchema(of: store)
        }
    }

    @Test func twoStoresMigratingOneSchemaAtOnceMigrateItOnce() async throws {
        let configuration = try TestDatabase.configuration()
        let one = PostgresStore(configuration: configuration)
        let other = PostgresStore(configuration: configuration)
        try await PostgresStore.withStore(one) { one in
            try await PostgresStore.withStore(other) { other in
                do {
                    // Several rounds of both at once: each round, one migrates and the other waits.
                    async let first: Void = one.migrate()
                    async let second: Void = other.migrate()
                    async let third: Void = one.migrate()
                    _ = try await (first, second, third)
                    #expect(try await appliedMigrations(one) == PostgresSchema.migrations.map(\.name))
                    try await other.syncJobs(["backup"], at: Date())
                    #expect(try await one.jobStates().map(\.name) == ["backup"])
                } catch {
                    try? await TestDatabase.dropSchema(of: one)
                    throw error
                }
                try await TestDatabase.dropSchema(of: one)
            }
        }
    }

    @Test func theSchemaHasEveryTableOfTheSQLiteDriver() async throws {
        // The SQLite driver's tables after all its migrations (SQLiteSchema, SQLiteStrictTables).
        let sqliteTables: Set<String> = [
            "daemon", "jobs", "runs", "alerts", "leases", "cycle_runs", "cycle_steps", "goals", "goal_progress", "actions",
            "audit", "audit_head", "tasks", "task_numbers", "task_totals", "state_values", "samples", "problems", "events",
            "store_identity", "quarantine",
        ]
        try await TestDatabase.withFreshStore { store in
            let schema = try #require(store.configuration.schema)
            let tables = try await store.read { session in
                Set(try await session.rows(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = \(schema)"
                ).map { try $0.decode(String.self) })
            }
            #expect(tables == sqliteTables.union(["schema_migrations"]))
        }
    }

    @Test func aURLIsParsedAndItsPasswordNeverShown() throws {
        let configuration = try PostgresStore.Configuration(url: "postgres://night:s3cret@db.example:6543/shift?sslmode=disable&schema=acme")
        #expect(configuration.client.host == "db.example")
        #expect(configuration.client.port == 6543)
        #expect(configuration.client.username == "night")
        #expect(configuration.client.password == "s3cret")
        #expect(configuration.client.database == "shift")
        #expect(configuration.schema == "acme")
        #expect(configuration.location == "postgres://night@db.example:6543/shift?schema=acme")
        #expect(!configuration.location.contains("s3cret"))
        for bad in ["mysql://a@b/c", "postgres://b/c", "postgres://a@b", "postgres://a@b/c?color=blue"] {
            let error = #expect(throws: StoreError.self) { try PostgresStore.Configuration(url: bad) }
            #expect(error?.message.contains("postgres://USER") == true)
        }
    }

    @Test func aScriptSplitsAtTheSemicolonsThatEndStatementsOnly() {
        let script = """
            CREATE TABLE a (x text DEFAULT ';'); -- a comment; with a semicolon
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RETURN NULL;
            END;
            $$;
            CREATE INDEX "b;c" ON a (x);
            """
        #expect(PostgresSQL.statements(script) == [
            "CREATE TABLE a (x text DEFAULT ';')",
            "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    RETURN NULL;\nEND;\n$$",
            "CREATE INDEX \"b;c\" ON a (x)",
        ])
    }

    private func appliedMigrations(_ store: PostgresStore) async throws -> [String] {
        try await store.read { session in
            try await session.rows("SELECT name FROM schema_migrations ORDER BY name").map { try $0.decode(String.self) }
        }
    }
}
