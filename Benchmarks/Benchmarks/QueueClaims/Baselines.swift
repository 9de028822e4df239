import BenchmarkSupport
import Foundation
import GRDB
import NightshiftCore
import NightshiftSQLite
import Synchronization

/// A migrated store in a fresh folder with `runs` pending runs of one job, claimed one per
/// iteration in order (as the runner claims them: exclusive per job).
final class RunFixture: Sendable {
    static let job = "bench-job"

    let directory: URL
    let path: String
    let store: SQLiteStore
    let pool: [String]
    private let cursor = Atomic<Int>(0)

    init(under parent: URL, runs: Int) async throws {
        let directory = parent.appending(path: UUID().uuidString, directoryHint: .isDirectory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appending(path: "nightshift.sqlite").path
        let store = try SQLiteStore(path: path)
        try await store.migrate()
        let mode = try await store.journalMode()
        guard mode == "wal" else { throw BenchmarkSetupError(message: "expected journal_mode wal, got \(mode)") }
        let now = Date()
        try await store.syncJobs([Self.job], at: now)
        var pool: [String] = []
        for number in 0..<runs {
            let slot = Date(timeIntervalSince1970: 1_767_225_600 + Double(number) * 60)
            let run = RunRecord(job: Self.job, slot: slot, trigger: .schedule, state: .pending, createdAt: now)
            guard try await store.insertRun(run) else { throw BenchmarkSetupError(message: "run \(run.id) was not inserted") }
            pool.append(run.id)
        }
        self.directory = directory
        self.path = path
        self.store = store
        self.pool = pool
    }

    /// The next run of ``pool`` that no earlier call returned.
    func takeFromPool() -> String {
        let index = cursor.add(1, ordering: .relaxed).oldValue
        precondition(index < pool.count, "the pool holds a run for every warm-up and measured iteration")
        return pool[index]
    }
}

/// The store's claim + finish of a task, through a raw connection on the same file.
///
/// `@unchecked Sendable`: the connection and its statements are used by one benchmark iteration at
/// a time (the tool runs iterations one after another), never concurrently.
final class RawTaskFixture: @unchecked Sendable {
    let tasks: QueueFixture
    let connection: RawConnection
    let statements: RawTaskStatements

    init(under parent: URL, tasks count: Int) async throws {
        tasks = try await QueueFixture(under: parent, tasks: count)
        connection = try RawConnection(path: tasks.path)
        statements = try RawTaskStatements(connection)
    }

    /// Claims `id` (queued or scheduled, 60 s lease) and finishes it succeeded: two transactions.
    func claimAndFinish(_ id: String, owner: String) {
        let now = Date()
        let at = rawMillis(now)
        let claimed = connection.transaction(statements.claim, [
            .text(owner), .integer(rawMillis(now.addingTimeInterval(60))), .integer(at), .integer(at), .text(id),
            .text(TaskState.queued.rawValue), .text(TaskState.scheduled.rawValue),
        ])
        precondition(claimed == 1, "a queued task nobody else claims must be won")
        let finished = rawMillis(Date())
        let done = connection.transaction(statements.finish, [
            .text(TaskState.succeeded.rawValue), .null, .null, .integer(finished), .integer(finished), .text(id), .text(owner),
        ])
        precondition(done == 1, "the owner of a claim just won must be able to finish it")
    }
}

/// The store's claim + finish of a run, through a raw connection on the same file.
///
/// `@unchecked Sendable`: as ``RawTaskFixture``, used by one iteration at a time.
final class RawRunFixture: @unchecked Sendable {
    let runs: RunFixture
    let connection: RawConnection
    let statements: RawRunStatements

    init(under parent: URL, runs count: Int) async throws {
        runs = try await RunFixture(under: parent, runs: count)
        connection = try RawConnection(path: runs.path)
        statements = try RawRunStatements(connection)
    }

    func claimAndFinish(_ id: String, owner: String) {
        let claimed = connection.transaction(statements.claim, [.text(owner), .integer(rawMillis(Date())), .text(id)])
        precondition(claimed == 1, "a pending run of a job with none running must be claimed")
        _ = connection.transaction(statements.finish, [
            .text(RunState.succeeded.rawValue), .integer(rawMillis(Date())), .integer(0), .null, .text("ok"), .text(id), .text(owner),
        ])
    }
}

/// The store's claim + finish of a task through a bare GRDB pool: the async writer (a hop to its
/// dispatch queue and back), statements prepared once per connection, rows not decoded.
final class GRDBTaskFixture: Sendable {
    let tasks: QueueFixture
    let pool: DatabasePool

    init(under parent: URL, tasks count: Int) async throws {
        tasks = try await QueueFixture(under: parent, tasks: count)
        var options = GRDB.Configuration()
        options.busyMode = .timeout(5)
        pool = try DatabasePool(path: tasks.path, configuration: options)
        try await pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
    }

    func claimAndFinish(_ id: String, owner: String, inline: Bool = false) async throws {
        let now = Date()
        let at = rawMillis(now)
        let until = rawMillis(now.addingTimeInterval(60))
        try await transaction(
            inline: inline,
            """
            UPDATE tasks SET state = 'running', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1,
                started_at = ?, finished_at = NULL, pid = NULL, updated_at = ?
            WHERE id = ? AND state IN (?, ?)
            RETURNING \(RawTaskStatements.columns)
            """,
            [owner, until, at, at, id, TaskState.queued.rawValue, TaskState.scheduled.rawValue]
        )
        let finished = rawMillis(Date())
        try await transaction(
            inline: inline,
            """
            UPDATE tasks SET state = ?, last_error = ?, result = COALESCE(?, result), lease_owner = NULL,
                lease_expires_at = NULL, pid = NULL, updated_at = ?, finished_at = ?
            WHERE id = ? AND state = 'running' AND lease_owner = ?
            RETURNING \(RawTaskStatements.columns)
            """,
            [TaskState.succeeded.rawValue, nil, nil, finished, finished, id, owner]
        )
    }

    private func transaction(inline: Bool, _ sql: String, _ arguments: StatementArguments) async throws {
        if inline { return try inlineTransaction(sql, arguments) }
        try await pool.writeWithoutTransaction { db in try Self.body(db, sql, arguments) }
    }

    /// GRDB's synchronous write: on the calling thread, no hop, when no other write is under way.
    private func inlineTransaction(_ sql: String, _ arguments: StatementArguments) throws {
        try pool.writeWithoutTransaction { db in try Self.body(db, sql, arguments) }
    }

    private static func body(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
        do {
            try db.cachedStatement(sql: sql).execute(arguments: arguments)
            precondition(db.changesCount == 1, "the claim and the finish must each change their task")
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
        } catch {
            try? db.rollback()
            throw error
        }
    }
}
