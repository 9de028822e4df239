import Foundation
package import GRDB
import GRDBSQLite
public import NightshiftCore
import Synchronization

/// A ``Store`` in one SQLite file, shared safely by the daemon and any number of CLI processes.
///
/// The file is in WAL mode: one writer at a time, readers never blocked. Every write is one
/// `BEGIN IMMEDIATE` transaction, so a writer takes the file's write lock before it reads what it
/// will change; a process that finds the lock taken waits up to ``Configuration/busyTimeout``.
///
/// Dates are stored as INTEGER milliseconds since 1970-01-01 UTC (see `SQLiteTime`): readable in
/// the `sqlite3` shell, exact to compare, and the same unit a PostgreSQL driver would use.
///
/// ```swift
/// let store = try SQLiteStore(path: workspace.appending(path: "nightshift.sqlite").path)
/// try await store.migrate()
/// ```
public final class SQLiteStore: Store {
    /// Tuning of the connection pool.
    public struct Configuration: Sendable {
        /// How long a write waits for another connection or process holding the write lock.
        public var busyTimeout: Duration = .seconds(5)
        /// How many connections may read at once.
        public var maximumReaderCount: Int = 5
        /// The packs' migrations of their own tables, applied after the core's, in order, once each.
        public var packMigrations: [PackMigration] = []

        /// The defaults: a 5 s busy timeout and 5 readers.
        public init() {}
    }

    /// The database file.
    public let path: String
    /// How the pool was set up.
    public let configuration: Configuration
    let pool: DatabasePool
    /// Whether writes the disk refuses wait (the daemon) or fail (see ``waitWhenFull(report:)``).
    let writeWaiting = WriteWaiting()
    /// Set by ``quarantineUnreadableRows(report:)``: whom to tell of an unreadable row that a read or
    /// write met; nil while unreadable rows are only reported as errors.
    let quarantineReport = Mutex<(@Sendable (StoreRowFault, Bool) async -> Void)?>(nil)
    /// Writes of this store under way (see ``write(_:_:)``): one taken on the caller's thread only
    /// while this is 0.
    private let writesUnderWay = Atomic<Int>(0)

    /// Opens (creating if needed) the database at `path`. Call ``migrate()`` before use.
    ///
    /// - Throws: `StoreError.unavailable` naming `path` when its folder is missing or not
    ///   writable, or the file cannot be opened; `StoreError.corrupt` when it is not a database.
    public init(path: String, configuration: Configuration = .init()) throws {
        self.path = path
        self.configuration = configuration
        try Self.checkFolder(of: path)
        var options = GRDB.Configuration()
        options.busyMode = .timeout(configuration.busyTimeout.seconds)
        options.maximumReaderCount = max(1, configuration.maximumReaderCount)
        options.label = "nightshift"
        do {
            pool = try DatabasePool(path: path, configuration: options)
            // WAL's default (NORMAL) may lose the last commits on power loss; a finished run must not.
            // Set after opening: DatabasePool turns the writer to NORMAL when it enables WAL, after
            // `prepareDatabase` has run. Readers do not write, so the writer's setting is the one that counts.
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        } catch {
            throw Self.translate(error, path: path, operation: "open", failure: .unavailable)
        }
    }

    public func migrate() async throws {
        var packs = SQLiteSchema.migrator
        for migration in configuration.packMigrations {
            let sql = migration.sql
            packs.registerMigration("pack:\(migration.name)") { db in try db.execute(sql: sql) }
        }
        let migrator = packs
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                migrator.asyncMigrate(pool) { result in
                    continuation.resume(with: result.map { _ in })
                }
            }
        } catch {
            // Another process may have applied the same migration between our check and our write.
            if let done = try? await pool.read({ try migrator.hasCompletedMigrations($0) }), done { return }
            throw Self.translate(error, path: path, operation: "migrate", failure: .migration)
        }
    }

    /// Runs SQLite's `PRAGMA integrity_check`: `"ok"`, or the problems found, one per line.
    public func integrityCheck() async throws -> String {
        try await read { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n")
        }
    }

    /// The file's journal mode as SQLite reports it: `"wal"` for a healthy store.
    public func journalMode() async throws -> String {
        try await read { db in
            try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? ""
        }
    }

    /// The writer connection's `PRAGMA synchronous`: 2 (FULL), so a commit survives power loss.
    public func writerSynchronous() async throws -> Int {
        try await pool.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
        }
    }

    /// Closes the idle read connections (the next read opens one again) and empties the writer's
    /// page, schema and statement caches (GRDB's `releaseMemory()`), off the caller's thread: it
    /// waits for the accesses under way.
    public func releaseMemory() async {
        let pool = self.pool
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global(qos: .utility).async {
                pool.releaseMemory()
                done.resume()
            }
        }
    }

    // MARK: Access

    /// ``read(_:_:)`` for a pack's tables (docs/PACKS.md, "Tables"): a read transaction.
    package func packRead<T: Sendable>(_ operation: String = #function, _ body: @Sendable (Database) throws -> T) async throws -> T {
        try await read(operation, body)
    }

    /// ``write(_:_:)`` for a pack's tables: one `BEGIN IMMEDIATE` transaction.
    package func packWrite<T: Sendable>(_ operation: String = #function, _ body: @Sendable (Database) throws -> T) async throws -> T {
        try await write(operation, body)
    }

    /// Runs `body` in a read transaction: a consistent snapshot, never blocked by the writer.
    func read<T: Sendable>(
        _ operation: String = #function,
        _ body: @Sendable (Database) throws -> T
    ) async throws -> T {
        try await quarantining(operation) { try await self.pool.read(body) }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction, committed when it returns. A transaction
    /// the disk refuses is rolled back whole; with ``waitWhenFull(report:)`` it is tried again.
    ///
    /// When no other write of this store is under way and no other connection holds the file's
    /// write lock, the transaction runs on the caller's thread: GRDB's synchronous write, without
    /// the two thread hops of its async writer (which cost more than the statements of a claim or a
    /// checkpoint). It then holds the caller's thread for the transaction and its commit's fsync,
    /// never for a wait: a lock held elsewhere (`BEGIN IMMEDIATE` fails at once, the busy timeout
    /// set to 0 for that one statement) or any error sends the write the usual way, where it waits,
    /// is retried on a full disk and has its unreadable rows quarantined. The transaction is the
    /// same either way, and one tried on the caller's thread that failed was rolled back whole.
    func write<T: Sendable>(
        _ operation: String = #function,
        _ body: @Sendable (Database) throws -> T
    ) async throws -> T {
        if !Task.isCancelled, let result = inlineWrite(body) { return result }
        writesUnderWay.add(1, ordering: .relaxed)
        defer { writesUnderWay.subtract(1, ordering: .relaxed) }
        return try await quarantining(operation) {
            var delay = Self.stallBackoff.first
            while true {
                do {
                    let result = try await self.pool.writeWithoutTransaction { db in
                        try Self.immediateTransaction(db, body)
                    }
                    self.writeWaiting.succeeded()
                    return result
                } catch let error as DatabaseError where self.writeWaiting.shouldWait(for: error) && !Task.isCancelled {
                    self.writeWaiting.stalled("\(operation): SQLite error \(error.resultCode.rawValue): \(error.message ?? "no message")")
                    try await Task.sleep(for: delay)
                    delay = min(delay * 2, Self.stallBackoff.limit)
                }
            }
        }
    }

    /// `body`'s transaction on the caller's thread, or nil when it should go the usual way: another
    /// write of this process is under way, another connection holds the write lock, the store is
    /// waiting out a full disk, or the transaction failed (and was rolled back). A `T` that is
    /// itself optional comes back as `.some(nil)`, told apart from "go the usual way".
    private func inlineWrite<T>(_ body: (Database) throws -> T) -> T? {
        guard writesUnderWay.compareExchange(expected: 0, desired: 1, ordering: .acquiringAndReleasing).exchanged else { return nil }
        defer { writesUnderWay.subtract(1, ordering: .releasing) }
        guard !writeWaiting.isStalled else { return nil }
        let timeout = CInt(configuration.busyTimeout.seconds * 1000)
        return pool.writeWithoutTransaction { db -> T? in
            let connection = db.sqliteConnection
            sqlite3_busy_timeout(connection, 0)
            do {
                try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
            } catch {
                sqlite3_busy_timeout(connection, timeout)
                return nil
            }
            sqlite3_busy_timeout(connection, timeout)
            do {
                let result = try body(db)
                try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                return result
            } catch {
                try? db.rollback()
                return nil
            }
        }
        // Not stalled before (checked above), so a success has no stall to end.
    }

    /// Runs `body` in one `BEGIN IMMEDIATE … COMMIT`, rolled back when it throws, as GRDB's
    /// `inTransaction(.immediate)` does; but the two statements are prepared once per connection,
    /// where `inTransaction` compiles both for every transaction.
    private static func immediateTransaction<T>(_ db: Database, _ body: (Database) throws -> T) throws -> T {
        try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
        let result: T
        do {
            result = try body(db)
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
        } catch {
            // The first error is the one reported, as `inTransaction` reports it.
            try? db.rollback()
            throw error
        }
        return result
    }

    /// Runs `attempt`, translating its errors. Once quarantining is on, a row it cannot read is
    /// moved aside and `attempt` runs again (its transaction rolled back, so nothing was half done);
    /// a row that cannot be moved (the audit trail's) fails it.
    private func quarantining<T>(_ operation: String, _ attempt: () async throws -> T) async throws -> T {
        // Enough for a listing that meets several bad rows; a bounded number of passes in any case.
        var moves = 0
        while true {
            do {
                return try await attempt()
            } catch let fault as StoreRowFault {
                guard let report = quarantineReport.withLock({ $0 }), moves < 100 else {
                    throw Self.translate(fault, path: path, operation: operation, failure: .io)
                }
                let moved = (try? await quarantine(fault, at: Date())) ?? false
                await report(fault, moved)
                guard moved else { throw Self.translate(fault, path: path, operation: operation, failure: .io) }
                moves += 1
            } catch {
                throw Self.translate(error, path: path, operation: operation, failure: .io)
            }
        }
    }

    /// Fails early, with a message that says what to do, when the folder cannot hold the database.
    private static func checkFolder(of path: String) throws {
        let files = FileManager.default
        var isFolder: ObjCBool = false
        if files.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw StoreError.unavailable("the path is a folder, not a database file; give a file name", location: path)
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard files.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw StoreError.unavailable("the folder \(folder) does not exist; create it or choose another path", location: path)
        }
        // WAL mode creates `-wal` and `-shm` files beside the database, so the folder must be writable.
        guard files.isWritableFile(atPath: folder) else {
            throw StoreError.unavailable("the folder \(folder) is not writable; fix its permissions or choose another path", location: path)
        }
    }
}

extension Store where Self == SQLiteStore {
    /// A store in the SQLite file at `path`, e.g. `let store: some Store = try .sqlite(path: "…")`.
    public static func sqlite(path: String, configuration: SQLiteStore.Configuration = .init()) throws -> SQLiteStore {
        try SQLiteStore(path: path, configuration: configuration)
    }
}

extension Duration {
    /// The duration in (fractional) seconds, as GRDB's busy timeout wants it.
    fileprivate var seconds: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
