public import Foundation
import GRDB
public import NightshiftCore

extension SQLiteStore {
    public func recordSlots(job: String, runs: [RunRecord], cursor: Date) async throws -> [RunRecord] {
        try await write { db in
            var inserted: [RunRecord] = []
            for run in runs {
                if try Self.insert(run, db) { inserted.append(run) }
            }
            try db.execute(sql: "UPDATE jobs SET cursor = ? WHERE name = ?", arguments: [SQLiteTime.millis(cursor), job])
            return inserted
        }
    }

    public func insertRun(_ run: RunRecord) async throws -> Bool {
        try await write { db in try Self.insert(run, db) }
    }

    /// Inserts `run` unless its id or its (job, slot key, attempt) exists; true if it was inserted.
    private static func insert(_ run: RunRecord, _ db: Database) throws -> Bool {
        try db.cachedStatement(sql: insertRunSQL).execute(arguments: SQLiteRow.runArguments(run))
        return db.changesCount == 1
    }

    // The statements of the runner's hot path, built once and prepared once per connection
    // (`cachedStatement`): preparing one had cost more than running it.

    private static let insertRunSQL = """
        INSERT INTO runs (\(SQLiteRow.runColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT DO NOTHING
        """

    /// One statement: the check and the move cannot be split by another writer. Exclusive, it also
    /// requires that no run of the same job is running.
    private static let claimRunSQL: (shared: String, exclusive: String) = {
        let busyJob = "AND NOT EXISTS (SELECT 1 FROM runs AS busy WHERE busy.job = runs.job AND busy.state = 'running')"
        func claim(_ condition: String) -> String {
            """
            UPDATE runs SET state = 'running', owner = ?, started_at = ?
            WHERE id = ? AND state = 'pending' \(condition)
            RETURNING \(SQLiteRow.runColumns)
            """
        }
        return (claim(""), claim(busyJob))
    }()

    private static let finishRunSQL = """
        UPDATE runs SET state = ?, finished_at = ?, exit_status = ?, error = ?, excerpt = ?, child_pid = NULL
        WHERE id = ? AND state = 'running' AND owner = ?
        """

    public func dueRuns(at now: Date, limit: Int) async throws -> [RunRecord] {
        try await read { db in
            // `state = 'pending'` is spelled as in the partial index so SQLite can use it.
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(SQLiteRow.runColumns) FROM runs
                    WHERE state = 'pending' AND not_before <= ?
                    ORDER BY not_before, id LIMIT ?
                    """,
                arguments: [SQLiteTime.millis(now), limit]
            ).map(SQLiteRow.run)
        }
    }

    public func nextPendingRunTime(after: Date?) async throws -> Date? {
        try await read { db in
            // The earliest row rather than MIN(): a value of the wrong type then names its run.
            try Row.fetchOne(
                db,
                sql: "SELECT id, not_before FROM runs WHERE state = 'pending' AND not_before > ? ORDER BY not_before LIMIT 1",
                arguments: [after.map(SQLiteTime.millis) ?? Int64.min]
            ).map { row in
                try StoredRow(row, table: "runs", key: ["id"]).date("not_before")
            }
        }
    }

    /// A page of due candidates, leaving out the jobs the pass is done with (a JSON array).
    private static let duePageSQL = """
        SELECT id, job FROM runs
        WHERE state = 'pending' AND not_before <= ? AND job NOT IN (SELECT value FROM json_each(?))
        ORDER BY not_before, id LIMIT ?
        """

    public func claimDueRuns(at now: Date, owner: String, limit: Int, overlapping: Set<String>) async throws -> [RunRecord] {
        guard limit > 0 else { return [] }
        let millis = SQLiteTime.millis(now)
        // A pass with nothing due writes nothing: an idle runner takes no write lock, and on a full
        // disk an empty write that succeeds would count as the disk working again.
        let anyDue = try await read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM runs WHERE state = 'pending' AND not_before <= ?)", arguments: [millis]) ?? false
        }
        guard anyDue else { return [] }
        // One write transaction: no other writer runs between reading a page and claiming from it.
        return try await write { db in
            var pass = DueRunClaim(limit: limit, overlapping: overlapping)
            while pass.wantsPage {
                let settled = String(decoding: try JSONEncoder().encode(pass.settledJobList), as: UTF8.self)
                let page = try Row.fetchAll(db.cachedStatement(sql: Self.duePageSQL), arguments: [millis, settled, pass.pageSize]).map { row in
                    let stored = try StoredRow(row, table: "runs", key: ["id"])
                    return DueRunClaim.Candidate(id: try stored.text("id"), job: try stored.text("job"))
                }
                var taken: [RunRecord] = []
                for candidate in pass.pick(page) {
                    let sql = pass.mayOverlap(candidate.job) ? Self.claimRunSQL.shared : Self.claimRunSQL.exclusive
                    if let run = try Row.fetchOne(db.cachedStatement(sql: sql), arguments: [owner, millis, candidate.id]).map(SQLiteRow.run) {
                        taken.append(run)
                    }
                }
                pass.took(taken)
            }
            return pass.claimed
        }
    }

    public func claimRun(_ id: String, owner: String, at now: Date, exclusive: Bool) async throws -> RunRecord? {
        let sql = exclusive ? Self.claimRunSQL.exclusive : Self.claimRunSQL.shared
        return try await write { db in
            try Row.fetchOne(db.cachedStatement(sql: sql), arguments: [owner, SQLiteTime.millis(now), id]).map(SQLiteRow.run)
        }
    }

    public func setChildPID(_ id: String, _ pid: Int32?) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE runs SET child_pid = ? WHERE id = ?", arguments: [pid, id])
        }
    }

    public func finishRun(_ id: String, owner: String, outcome: RunOutcome) async throws -> Bool {
        try await write { db in
            try db.cachedStatement(sql: Self.finishRunSQL).execute(arguments: [
                outcome.state.rawValue, SQLiteTime.millis(outcome.finishedAt), outcome.exitStatus, outcome.error, outcome.excerpt, id, owner,
            ])
            return db.changesCount == 1
        }
    }

    public func adoptRun(_ id: String, from previousOwner: String?, to owner: String) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE runs SET owner = ? WHERE id = ? AND state = 'running' AND owner IS ?",
                arguments: [owner, id, previousOwner]
            )
            return db.changesCount == 1
        }
    }

    public func interruptRun(_ id: String, reason: String, at now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE runs SET state = 'interrupted', finished_at = ?, error = ? WHERE id = ? AND state = 'running'",
                arguments: [SQLiteTime.millis(now), reason, id]
            )
            return db.changesCount == 1
        }
    }

    public func run(_ id: String) async throws -> RunRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(SQLiteRow.runColumns) FROM runs WHERE id = ?", arguments: [id])
                .map(SQLiteRow.run)
        }
    }

    public func runs(_ query: RunQuery) async throws -> [RunRecord] {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let job = query.job {
            conditions.append("job = ?")
            arguments += [job]
        }
        if !query.states.isEmpty {
            let states = query.states.map(\.rawValue).sorted()
            conditions.append("state IN (\(Array(repeating: "?", count: states.count).joined(separator: ", ")))")
            arguments += StatementArguments(states)
        }
        if let period = query.period {
            // Each side of the OR has its index (runs_by_creation, runs_by_finish): SQLite reads both
            // ranges and merges them, never the runs outside the period.
            let start: Int64 = SQLiteTime.millis(period.lowerBound), end: Int64 = SQLiteTime.millis(period.upperBound)
            conditions.append("((created_at >= ? AND created_at < ?) OR (finished_at >= ? AND finished_at < ?))")
            arguments += [start, end, start, end]
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT \(SQLiteRow.runColumns) FROM runs \(filter) ORDER BY created_at DESC, id DESC LIMIT ?"
        arguments += [query.limit]
        return try await read { [arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(SQLiteRow.run)
        }
    }

    public func runCounts(in states: Set<RunState>) async throws -> [RunState: Int] {
        let names = states.map(\.rawValue).sorted()
        // One range of runs_by_state per state: the cost is the runs counted.
        let sql = """
            SELECT state, COUNT(*) AS count FROM runs WHERE state IN (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))
            GROUP BY state
            """
        return try await read { db in
            var counts = Dictionary(uniqueKeysWithValues: states.map { ($0, 0) })
            guard !names.isEmpty else { return counts }
            for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(names)) {
                let stored = StoredRow(row, table: "runs", key: ["state"])
                counts[try stored.known("state") as RunState] = try stored.int("count")
            }
            return counts
        }
    }
}
