public import Foundation
import GRDB
public import NightshiftCore

extension SQLiteStore {
    public func insertCycleRun(_ run: CycleRunRecord, steps: [StepRecord]) async throws -> Bool {
        // The statements of a cycle run's life (insert, start, its steps, its end) are prepared once
        // per connection, as the checkpoints' are: a run makes each of them at least once.
        try await write { db in
            try db.cachedStatement(sql: """
                INSERT INTO cycle_runs (\(SQLiteRow.cycleRunColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """
            ).execute(arguments: SQLiteRow.cycleRunArguments(run))
            guard db.changesCount == 1 else { return false }
            let insertStep = try db.cachedStatement(
                sql: "INSERT INTO cycle_steps (\(SQLiteRow.stepColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            )
            for step in steps {
                try insertStep.execute(arguments: SQLiteRow.stepArguments(step))
            }
            return true
        }
    }

    public func cycleRun(_ id: String) async throws -> CycleRunRecord? {
        try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(SQLiteRow.cycleRunColumns) FROM cycle_runs WHERE id = ?"), arguments: [id])
                .map(SQLiteRow.cycleRun)
        }
    }

    public func cycleRuns(cycle: String?, tenant: String?, states: Set<RunState>, limit: Int) async throws -> [CycleRunRecord] {
        var conditions: [String] = []
        var values: [String] = []
        if let cycle {
            conditions.append("cycle = ?")
            values.append(cycle)
        }
        if let tenant {
            conditions.append("tenant = ?")
            values.append(tenant)
        }
        if !states.isEmpty {
            let names = states.map(\.rawValue).sorted()
            conditions.append("state IN (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))")
            values += names
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT \(SQLiteRow.cycleRunColumns) FROM cycle_runs \(filter) ORDER BY created_at DESC, id DESC LIMIT ?"
        return try await read { [values] db in
            var arguments = StatementArguments(values)
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(SQLiteRow.cycleRun)
        }
    }

    public func slotCycleRuns(cycle: String, tenant: String, slotKey: String) async throws -> [CycleRunRecord] {
        // cycle_runs_slot (cycle, tenant, slot_key, variant) finds them.
        let sql = "SELECT \(SQLiteRow.cycleRunColumns) FROM cycle_runs WHERE cycle = ? AND tenant = ? AND slot_key = ? ORDER BY created_at, id"
        return try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: [cycle, tenant, slotKey]).map(SQLiteRow.cycleRun)
        }
    }

    public func steps(of cycleRunID: String) async throws -> [StepRecord] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT \(SQLiteRow.stepColumns) FROM cycle_steps WHERE cycle_run_id = ? ORDER BY step_index"),
                arguments: [cycleRunID]
            ).map(SQLiteRow.step)
        }
    }

    public func startCycleRun(_ id: String, owner: String, fence: Fence, at now: Date) async throws -> Bool {
        try await write { db in
            guard try Self.fenceHolds(fence, at: now, db) else { return false }
            try db.cachedStatement(sql: """
                UPDATE cycle_runs SET state = 'running', owner = ?, lease_token = ?,
                    started_at = COALESCE(started_at, ?), finished_at = NULL, error = NULL
                WHERE id = ? AND state IN ('pending', 'running', 'interrupted')
                """
            ).execute(arguments: [owner, fence.token, SQLiteTime.millis(now), id])
            return db.changesCount == 1
        }
    }

    public func beginStep(_ cycleRunID: String, index: Int, fence: Fence, at now: Date) async throws -> StepRecord? {
        try await write { db in
            guard try Self.fenceHolds(fence, at: now, db) else { return nil }
            return try Self.beginStep(cycleRunID, index: index, from: [.pending, .running, .failed], at: now, db)
        }
    }

    public func finishStep(
        _ cycleRunID: String, index: Int, state: StepState, excerpt: String?, output: String?, error: String?,
        overrunSeconds: Double?, fence: Fence, at now: Date
    ) async throws -> Bool {
        guard state != .pending, state != .running else { return false }
        return try await write { db in
            guard try Self.fenceHolds(fence, at: now, db) else { return false }
            return try Self.finishStep(
                cycleRunID, index: index, state: state, excerpt: excerpt, output: output, error: error, overrunSeconds: overrunSeconds, at: now, db
            )
        }
    }

    public func finishStep(
        _ cycleRunID: String, index: Int, state: StepState, excerpt: String?, output: String?, error: String?,
        overrunSeconds: Double?, thenBegin next: Int, fence: Fence, at now: Date
    ) async throws -> StepRecord? {
        guard state != .pending, state != .running else { return nil }
        return try await write { db in
            guard try Self.fenceHolds(fence, at: now, db) else { return nil }
            var begun: StepRecord?
            // A savepoint, so that a refused begin takes the finish back with it.
            try db.inSavepoint {
                let finished = try Self.finishStep(
                    cycleRunID, index: index, state: state, excerpt: excerpt, output: output, error: error, overrunSeconds: overrunSeconds, at: now, db
                )
                guard finished else { return .rollback }
                begun = try Self.beginStep(cycleRunID, index: next, from: [.pending], at: now, db)
                return begun == nil ? .rollback : .commit
            }
            return begun
        }
    }

    public func finishStep(
        _ cycleRunID: String, index: Int, state: StepState, excerpt: String?, output: String?, error: String?,
        overrunSeconds: Double?, thenBegin next: Int?, recording execution: ActionExecution, fence: Fence, at now: Date
    ) async throws -> StepCheckpoint {
        try await write { db in
            // The execution first and whatever the fence says: the action was executed either way.
            let recorded = try Self.record(execution, db)
            guard state != .pending, state != .running, try Self.fenceHolds(fence, at: now, db) else {
                return StepCheckpoint(executionRecorded: recorded, finished: false, begun: nil)
            }
            guard let next else {
                let finished = try Self.finishStep(
                    cycleRunID, index: index, state: state, excerpt: excerpt, output: output, error: error, overrunSeconds: overrunSeconds,
                    at: now, db
                )
                return StepCheckpoint(executionRecorded: recorded, finished: finished, begun: nil)
            }
            var begun: StepRecord?
            // A savepoint, so that a refused begin takes the finish back with it (not the execution).
            try db.inSavepoint {
                let finished = try Self.finishStep(
                    cycleRunID, index: index, state: state, excerpt: excerpt, output: output, error: error, overrunSeconds: overrunSeconds,
                    at: now, db
                )
                guard finished else { return .rollback }
                begun = try Self.beginStep(cycleRunID, index: next, from: [.pending], at: now, db)
                return begun == nil ? .rollback : .commit
            }
            return StepCheckpoint(executionRecorded: recorded, finished: begun != nil, begun: begun)
        }
    }

    public func markSteps(_ cycleRunID: String, indices: [Int], state: StepState, reason: String?, fence: Fence, at now: Date) async throws -> Bool {
        try await write { db in
            guard try Self.fenceHolds(fence, at: now, db) else { return false }
            let live = try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM cycle_runs WHERE id = ? AND state IN ('pending', 'running'))",
                arguments: [cycleRunID]
            ) ?? false
            guard live else { return false }
            for index in Set(indices) {
                try db.execute(
                    sql: """
                        UPDATE cycle_steps SET state = ?, error = ?, finished_at = ?
                        WHERE cycle_run_id = ? AND step_index = ? AND state = 'pending'
                        """,
                    arguments: [state.rawValue, reason, SQLiteTime.millis(now), cycleRunID, index]
                )
            }
            return true
        }
    }

    public func finishCycleRun(_ id: String, state: RunState, error: String?, fence: Fence, at now: Date) async throws -> Bool {
        guard state.isFinal else { return false }
        return try await write { db in
            guard try Self.fenceHolds(fence, at: now, db) else { return false }
            try db.cachedStatement(sql: "UPDATE cycle_runs SET state = ?, error = ?, finished_at = ? WHERE id = ? AND state = 'running'")
                .execute(arguments: [state.rawValue, error, SQLiteTime.millis(now), id])
            return db.changesCount == 1
        }
    }

    public func interruptCycleRuns(ownedBy owner: String, reason: String, at now: Date) async throws -> [String] {
        try await write { db in
            try Row.fetchAll(
                db,
                sql: """
                    UPDATE cycle_runs SET state = 'interrupted', finished_at = ?, error = ?
                    WHERE owner = ? AND state = 'running'
                    RETURNING id
                    """,
                arguments: [SQLiteTime.millis(now), reason, owner]
            ).map { try StoredRow($0, table: "cycle_runs", key: ["id"]).text("id") }.sorted()
        }
    }

    /// Starts an attempt at step `index` when it is in one of `states` and its run is running;
    /// returns it, or nil when nothing matched. The checkpoint statements are prepared once per
    /// connection: compiling one (with GRDB's authorizer called for every column) cost more CPU
    /// than running it.
    private static func beginStep(_ cycleRunID: String, index: Int, from states: [StepState], at now: Date, _ db: Database) throws -> StepRecord? {
        let marks = Array(repeating: "?", count: states.count).joined(separator: ", ")
        var arguments: StatementArguments = [SQLiteTime.millis(now), cycleRunID, index]
        arguments += StatementArguments(states.map(\.rawValue))
        arguments += [cycleRunID]
        return try Row.fetchOne(
            db.cachedStatement(sql: """
                UPDATE cycle_steps SET state = 'running', attempt = attempt + 1, started_at = ?, finished_at = NULL,
                    excerpt = NULL, output = NULL, error = NULL, overrun_seconds = NULL
                WHERE cycle_run_id = ? AND step_index = ? AND state IN (\(marks))
                    AND EXISTS (SELECT 1 FROM cycle_runs WHERE id = ? AND state = 'running')
                RETURNING \(SQLiteRow.stepColumns)
                """),
            arguments: arguments
        ).map(SQLiteRow.step)
    }

    /// Ends step `index` when it is running; whether it was.
    private static func finishStep(
        _ cycleRunID: String, index: Int, state: StepState, excerpt: String?, output: String?, error: String?,
        overrunSeconds: Double?, at now: Date, _ db: Database
    ) throws -> Bool {
        try db.cachedStatement(sql: """
            UPDATE cycle_steps SET state = ?, finished_at = ?, excerpt = ?, output = ?, error = ?, overrun_seconds = ?
            WHERE cycle_run_id = ? AND step_index = ? AND state = 'running'
            """
        ).execute(arguments: [state.rawValue, SQLiteTime.millis(now), excerpt, output, error, overrunSeconds, cycleRunID, index])
        return db.changesCount == 1
    }
}
