import BenchmarkSupport
import Foundation
import GRDBSQLite

// The floor under the store's claims and finishes: the same statements on the same schema,
// through SQLite's C API with statements prepared once, each in its own `BEGIN IMMEDIATE …
// COMMIT` on a WAL connection with `synchronous = FULL`, and nothing else — no actor or queue hop,
// no decoding into Swift values (each returned column is only looked at).

/// One SQLite connection with the few statements a benchmark prepares on it.
final class RawConnection {
    private var db: OpaquePointer?
    private let begin: OpaquePointer
    private let commit: OpaquePointer

    /// Opens `path` (created and migrated by `SQLiteStore`) as the store configures its writer.
    init(path: String) throws {
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let db else {
            throw BenchmarkSetupError(message: "sqlite3_open_v2 \(path) failed")
        }
        for pragma in ["PRAGMA busy_timeout = 5000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL"] {
            guard sqlite3_exec(db, pragma, nil, nil, nil) == SQLITE_OK else {
                throw BenchmarkSetupError(message: "\(pragma): \(String(cString: sqlite3_errmsg(db)))")
            }
        }
        begin = try Self.prepare("BEGIN IMMEDIATE", db)
        commit = try Self.prepare("COMMIT", db)
        let synchronous = try Self.prepare("PRAGMA synchronous", db)
        defer { sqlite3_finalize(synchronous) }
        guard sqlite3_step(synchronous) == SQLITE_ROW, sqlite3_column_int(synchronous, 0) == 2 else {
            throw BenchmarkSetupError(message: "expected synchronous = FULL (2)")
        }
    }

    deinit {
        sqlite3_finalize(begin)
        sqlite3_finalize(commit)
        sqlite3_close_v2(db)
    }

    /// A statement prepared once, to run many times.
    func prepare(_ sql: String) throws -> OpaquePointer { try Self.prepare(sql, db!) }

    private static func prepare(_ sql: String, _ db: OpaquePointer) throws -> OpaquePointer {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK, let statement else {
            throw BenchmarkSetupError(message: "prepare failed: \(String(cString: sqlite3_errmsg(db))): \(sql)")
        }
        return statement
    }

    /// Runs `statement` with `values` bound in one `BEGIN IMMEDIATE … COMMIT`; returns how many
    /// rows it returned (each column of each is read).
    func transaction(_ statement: OpaquePointer, _ values: [RawValue]) -> Int {
        step(begin)
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            switch value {
            case .text(let text): sqlite3_bind_text(statement, position, text, -1, rawTransient)
            case .integer(let integer): sqlite3_bind_int64(statement, position, integer)
            case .null: sqlite3_bind_null(statement, position)
            }
        }
        var rows = 0
        var seen = 0
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            precondition(code == SQLITE_ROW, "step failed: \(String(cString: sqlite3_errmsg(db)))")
            rows += 1
            for column in 0..<sqlite3_column_count(statement) {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: seen &+= Int(truncatingIfNeeded: sqlite3_column_int64(statement, column))
                case SQLITE_TEXT: seen &+= Int(sqlite3_column_bytes(statement, column))
                default: break
                }
            }
        }
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        step(commit)
        precondition(seen != Int.min)
        return rows
    }

    private func step(_ statement: OpaquePointer) {
        let code = sqlite3_step(statement)
        precondition(code == SQLITE_DONE, "step failed: \(String(cString: sqlite3_errmsg(db)))")
        sqlite3_reset(statement)
    }
}

/// A value to bind.
enum RawValue {
    case text(String)
    case integer(Int64)
    case null
}

/// SQLite copies a value bound with this destructor (SQLITE_TRANSIENT, which Swift does not import).
private let rawTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// Milliseconds since 1970, as the store keeps dates.
func rawMillis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

/// The store's task statements for `claimTask(_:from: [.queued, .scheduled] …)` and `finishTask`.
struct RawTaskStatements {
    static let columns = """
        id, queue, title, description, category, hours, score, depends_on, attributes, state, time_window, \
        scheduled_for, attempts, max_attempts, lease_owner, lease_expires_at, pid, action_id, created_at, \
        updated_at, started_at, finished_at, last_error, result
        """
    let claim: OpaquePointer
    let finish: OpaquePointer

    init(_ connection: RawConnection) throws {
        claim = try connection.prepare("""
            UPDATE tasks SET state = 'running', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1,
                started_at = ?, finished_at = NULL, pid = NULL, updated_at = ?
            WHERE id = ? AND state IN (?, ?)
            RETURNING \(Self.columns)
            """)
        finish = try connection.prepare("""
            UPDATE tasks SET state = ?, last_error = ?, result = COALESCE(?, result), lease_owner = NULL,
                lease_expires_at = NULL, pid = NULL, updated_at = ?, finished_at = ?
            WHERE id = ? AND state = 'running' AND lease_owner = ?
            RETURNING \(Self.columns)
            """)
    }
}

/// The store's run statements for `claimRun(_:owner:at:exclusive: true)` and `finishRun`.
struct RawRunStatements {
    let claim: OpaquePointer
    let finish: OpaquePointer

    init(_ connection: RawConnection) throws {
        claim = try connection.prepare("""
            UPDATE runs SET state = 'running', owner = ?, started_at = ?
            WHERE id = ? AND state = 'pending'
                AND NOT EXISTS (SELECT 1 FROM runs AS busy WHERE busy.job = runs.job AND busy.state = 'running')
            RETURNING id, job, slot, slot_key, run_trigger, state, attempt, created_at, not_before,
                started_at, finished_at, exit_status, error, excerpt, owner, child_pid
            """)
        finish = try connection.prepare("""
            UPDATE runs SET state = ?, finished_at = ?, exit_status = ?, error = ?, excerpt = ?, child_pid = NULL
            WHERE id = ? AND state = 'running' AND owner = ?
            """)
    }
}
