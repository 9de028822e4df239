public import Foundation
public import Logging
public import NightshiftCore
public import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// A ``Store`` in a PostgreSQL database, shared by the daemons of several nodes and any number of
/// CLI processes.
///
/// The store owns a pooled `PostgresClient`, which works only while ``run()`` runs: add the store
/// to the daemon's `ServiceGroup` before the services that use it, or scope it with
/// ``withStore(_:logger:_:)``. Every method is one transaction on one pooled connection, at READ
/// COMMITTED; the guarantees that SQLite gets from its single writer come from the statements
/// themselves (`INSERT … ON CONFLICT DO NOTHING`, compare-and-set `UPDATE … WHERE … RETURNING`),
/// row locks (`SELECT … FOR UPDATE`, the audit head row) and, where a check spans rows that may not
/// exist yet, a transaction-scoped advisory lock (see `PostgresLocks`).
///
/// Dates are `bigint` milliseconds, as in SQLite (see `PostgresTime`).
///
/// ```swift
/// let store = try PostgresStore(configuration: .init(url: "postgres://nightshift@db.internal/nightshift"))
/// try await PostgresStore.withStore(store) { store in
///     try await store.migrate()
///     …
/// }
/// ```
public final class PostgresStore: Store, Service {
    /// Where the database is and how to reach it.
    public struct Configuration: Sendable {
        /// The client's configuration: host, port, credentials, TLS, pool size.
        public var client: PostgresClient.Configuration
        /// The schema holding Nightshift's tables, created by ``PostgresStore/migrate()`` if
        /// missing; nil: the connection's default search path (`public`). Several workspaces can
        /// share one database, each in a schema of its own.
        public var schema: String? {
            didSet { applySchema() }
        }
        /// The URL without its password, for messages.
        public var location: String
        /// The packs' own tables, applied after the core's (``Pack/postgresMigrations``).
        public var packMigrations: [PackMigration] = []

        /// A configuration from its parts.
        public init(client: PostgresClient.Configuration, schema: String? = nil) {
            self.client = client
            self.schema = schema
            self.location = "postgres://\(client.username)@\(client.host ?? client.unixSocketPath ?? "?")"
                + (client.port.map { ":\($0)" } ?? "") + "/\(client.database ?? client.username)"
            applySchema()
        }

        /// A configuration from a URL: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`, with the
        /// query parameters `sslmode` (`disable`, `prefer`, the default, or `require`, which also
        /// verifies the server's certificate as libpq's `verify-full` does) and `schema`.
        ///
        /// - Throws: `StoreError.unavailable` naming what is wrong with the URL (never its password).
        public init(url: String) throws {
            let parsed = try PostgresURL(url)
            var client = PostgresClient.Configuration(
                host: parsed.host, port: parsed.port, username: parsed.user, password: parsed.password,
                database: parsed.database, tls: parsed.tls
            )
            client.options.connectTimeout = .seconds(10)
            self.client = client
            self.schema = parsed.schema
            self.location = parsed.location
            applySchema()
        }

        /// Checks `url` as ``init(url:)`` reads it, without connecting; returns whether it carries a password.
        ///
        /// - Throws: `StoreError.unavailable` naming what is wrong with it (never the password).
        public static func checkURL(_ url: String) throws(StoreError) -> Bool {
            do { return try PostgresURL(url).password != nil } catch let error as StoreError { throw error } catch {
                throw StoreError.unavailable("the PostgreSQL URL cannot be read")
            }
        }

        /// Every connection starts in the schema: `search_path` is sent with the startup message.
        private mutating func applySchema() {
            client.options.additionalStartupParameters.removeAll { $0.0 == "search_path" }
            if let schema {
                client.options.additionalStartupParameters.append(("search_path", PostgresSQL.identifier(schema)))
            }
        }
    }

    /// How the store was set up.
    public let configuration: Configuration
    /// The database, as messages name it: the URL without its password.
    public var location: String { configuration.location }
    let client: PostgresClient
    let logger: Logger
    /// The task running the pool, for a store ``started(configuration:logger:)``.
    private let runner = Mutex<Task<Void, Never>?>(nil)
    /// `finishRun`s arriving together go to the server as one statement.
    let runFinishes = GroupCommit<RunFinish, Bool>(inFlight: 2, batch: 256)

    /// A store on the database `configuration` names. Nothing connects until ``run()`` runs and a
    /// method is called; call ``migrate()`` before use.
    public init(configuration: Configuration, logger: Logger = Logger(label: "nightshift.postgres")) {
        self.configuration = configuration
        self.logger = logger
        var background = logger
        background.handler = EarlyLeaseFilter(base: logger.handler)
        self.client = PostgresClient(configuration: configuration.client, backgroundLogger: background)
    }

    /// Runs the connection pool until the task is cancelled (graceful shutdown of its service
    /// group); then closes every connection. Methods called while it does not run wait for it.
    public func run() async throws {
        await client.run()
    }

    /// A store whose pool runs in a task of its own, for a process that has no service group to
    /// run it in (a command); it runs until ``close()`` or the end of the process.
    public static func started(configuration: Configuration, logger: Logger = Logger(label: "nightshift.postgres")) -> PostgresStore {
        let store = PostgresStore(configuration: configuration, logger: logger)
        let client = store.client
        store.runner.withLock { $0 = Task.detached { await client.run() } }
        return store
    }

    /// Waits at most `wait` for a connection and one query: the pool retries a server it cannot
    /// reach for ever (and its callers wait with it), so a store is checked once when it is opened,
    /// and a command fails in seconds, saying why, instead of hanging.
    ///
    /// - Throws: `StoreError.unavailable` naming the database (never the password).
    public func checkReachable(within wait: Duration = .seconds(10)) async throws {
        let reached = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await self.read { session in try await session.execute("SELECT 1") }
                return true
            }
            group.addTask {
                try await Task.sleep(for: wait)
                return false
            }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
        guard reached else {
            throw StoreError.unavailable(
                "no connection to the PostgreSQL server within \(wait.components.seconds) s: check that it runs and accepts this user, "
                    + "password and database (the server's log says why it refused)",
                location: location
            )
        }
    }

    /// Stops the pool that ``started(configuration:logger:)`` runs, closing its connections.
    public func close() {
        runner.withLock { runner in
            runner?.cancel()
            runner = nil
        }
    }

    /// Runs `store`'s pool for the duration of `body`, then shuts it down.
    public static func withStore<T>(
        _ store: PostgresStore, _ body: (PostgresStore) async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            return try await body(store)
        }
    }

    /// Daemons on several machines serve one database at once, each holding a node lease.
    public var isSharedByNodes: Bool { true }

    /// The database server's clock (`clock_timestamp()`), in milliseconds as every time is stored.
    public func storeTime() async throws -> Date? {
        try await read { session in
            let rows = try await session.rows("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint")
            return PostgresTime.date(Int64(try PostgresActions.integer(rows)))
        }
    }

    public func migrate() async throws {
        let migrations = PostgresSchema.migrations + configuration.packMigrations.map { ($0.name, $0.sql) }
        try await PostgresMigrator(schema: configuration.schema, migrations: migrations).apply(in: self)
    }

    // MARK: Access

    /// ``read(_:_:)`` for a pack's tables (docs/PACKS.md, "Tables").
    package func packRead<T: Sendable>(_ operation: String = #function, _ body: (PostgresSession) async throws -> T) async throws -> T {
        try await read(operation, body)
    }

    /// ``write(_:failure:transaction:_:)`` for a pack's tables: one transaction, run again on a
    /// deadlock or serialization failure.
    package func packWrite<T: Sendable>(_ operation: String = #function, _ body: (PostgresSession) async throws -> T) async throws -> T {
        try await write(operation, body)
    }

    /// How many connections a call tries when each one it gets has ended: after a server restart
    /// the pool may lend a connection or two before it learns they are closed.
    static let connectionAttempts = 4

    /// Runs `body` on one pooled connection, outside a transaction: for reads of one statement,
    /// which see one snapshot by themselves.
    ///
    /// A read that failed because its connection ended (the pool lent one the server had just
    /// closed) runs again on another, a few times.
    func read<T: Sendable>(_ operation: String = #function, _ body: (PostgresSession) async throws -> T) async throws -> T {
        try await reading(operation, begin: nil, body)
    }

    /// Runs `body` in one transaction (READ COMMITTED), committed when it returns, rolled back
    /// when it throws. A transaction the server aborts as a deadlock or a serialization failure is
    /// run again, a few times.
    ///
    /// A transaction whose connection ended before its `COMMIT` was sent (the server restarted, the
    /// pool lent a connection it had just closed) committed nothing: it runs again on another
    /// connection, a few times. One whose `COMMIT` went unanswered may have committed, and is not
    /// run again.
    ///
    /// With `transaction: false`, `body` must send one statement: it is a transaction of its own
    /// (autocommit), as atomic, one round trip instead of three (no `BEGIN`, no `COMMIT`); it is not
    /// run again when its connection ends, since the server may have run it.
    func write<T: Sendable>(
        _ operation: String = #function, failure: PostgresErrors.Failure = .io, transaction: Bool = true,
        _ body: (PostgresSession) async throws -> T
    ) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await client.withConnection { connection in
                    let session = PostgresSession(connection: connection, logger: logger)
                    guard transaction else { return try await body(session) }
                    return try await session.transaction("BEGIN", body)
                }
            } catch let error as PSQLError where PostgresErrors.isRetryable(error) && attempt < 5 {
                try await Task.sleep(for: .milliseconds(5 * attempt))
            } catch where transaction && attempt < Self.connectionAttempts && PostgresErrors.endsConnection(error) {
                try await Task.sleep(for: .milliseconds(20 * attempt))
            } catch {
                throw PostgresErrors.translate(error, location: location, operation: operation, failure: failure)
            }
        }
    }

    /// Runs `body` in a read-only transaction that sees one snapshot throughout (REPEATABLE READ):
    /// for reads of several statements that must agree, such as the audit trail and its head.
    func snapshot<T: Sendable>(_ operation: String = #function, _ body: (PostgresSession) async throws -> T) async throws -> T {
        try await reading(operation, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// Runs `body` on a pooled connection, in a transaction `begin` opens if given; when the
    /// connection it got has ended, on another, up to ``connectionAttempts`` times.
    private func reading<T: Sendable>(
        _ operation: String, begin: PostgresQuery?, _ body: (PostgresSession) async throws -> T
    ) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await client.withConnection { connection in
                    let session = PostgresSession(connection: connection, logger: logger)
                    guard let begin else { return try await body(session) }
                    return try await session.transaction(begin, body)
                }
            } catch where attempt < Self.connectionAttempts && PostgresErrors.endsConnection(error) {
                try await Task.sleep(for: .milliseconds(20 * attempt))
            } catch {
                throw PostgresErrors.translate(error, location: location, operation: operation, failure: .io)
            }
        }
    }
}

/// One connection lent to a read or a transaction.
/// One pooled connection lent to a store call; `package`, so that a pack's PostgreSQL tables
/// (docs/PACKS.md, "Tables") are read and written through the store's own pool and errors.
package struct PostgresSession: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    /// Every row the statement returns.
    package func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        let connection = self.connection, logger = self.logger
        return try await ConnectionWatch.shared.answer(on: connection) {
            try await connection.query(query, logger: logger).collect()
        }
    }

    /// Every row a prepared statement returns: the connection parses and plans it once, then only
    /// binds and executes it (for the hottest statements: a claim, a finish, a checkpoint).
    func rows<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [Statement.Row] where Statement.Row: Sendable {
        let connection = self.connection, logger = self.logger
        return try await ConnectionWatch.shared.answer(on: connection) {
            var rows: [Statement.Row] = []
            for try await row in try await connection.execute(statement, logger: logger) { rows.append(row) }
            return rows
        }
    }

    /// Runs `body` between `begin` and `COMMIT`; rolls back when it throws.
    nonisolated(nonsending) func transaction<T>(_ begin: PostgresQuery, _ body: (PostgresSession) async throws -> T) async throws -> T {
        try await execute(begin)
        let result: T
        do {
            result = try await body(self)
        } catch {
            if !PostgresErrors.endsConnection(error) { await rollback() }
            throw error
        }
        do {
            try await execute("COMMIT")
        } catch {
            // A COMMIT the server refused (a serialization failure) rolled back; one whose
            // connection ended may have committed: that must not be taken for "nothing happened".
            guard PostgresErrors.endsConnection(error) else {
                await rollback()
                throw error
            }
            throw PostgresCommitUnanswered(underlying: error)
        }
        return result
    }

    /// Sends `ROLLBACK` so that the connection goes back to the pool outside a transaction; its
    /// failure changes nothing (the server rolls back a transaction whose session ends).
    func rollback() async {
        _ = try? await execute("ROLLBACK")
    }

    /// Runs a statement, discarding what it returns.
    package func execute(_ query: PostgresQuery) async throws {
        _ = try await rows(query)
    }

    /// How many rows the statement returns: with `RETURNING 1`, how many it changed.
    package func count(_ query: PostgresQuery) async throws -> Int {
        try await rows(query).count
    }

    /// Runs SQL text of several statements (a migration) one statement at a time: the extended
    /// query protocol takes one statement per query.
    func script(_ sql: String) async throws {
        for statement in PostgresSQL.statements(sql) {
            try await execute(PostgresQuery(unsafeSQL: statement))
        }
    }
}

extension Store where Self == PostgresStore {
    /// A store in the PostgreSQL database at `url`, e.g. `try .postgres(url: "postgres://…")`.
    public static func postgres(url: String, logger: Logger = Logger(label: "nightshift.postgres")) throws -> PostgresStore {
        PostgresStore(configuration: try .init(url: url), logger: logger)
    }
}

/// Forwards the pool's log messages but one: PostgresNIO warns when a connection is asked for before
/// `run()` has begun, which a command's store does by design (``PostgresStore/started(configuration:logger:)``
/// starts the pool and the command's first query at once; the pool serves the request as soon as it
/// runs). Every other message passes.
struct EarlyLeaseFilter: LogHandler {
    var base: any LogHandler

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        if event.level == .warning, event.message.description.hasPrefix("Trying to lease connection from `PostgresClient`, but") { return }
        base.log(event: event)
    }
}
