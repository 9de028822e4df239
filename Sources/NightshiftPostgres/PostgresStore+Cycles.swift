public import Foundation
public import NightshiftCore
import PostgresNIO

extension PostgresStore {
    public func insertCycleRun(_ run: CycleRunRecord, steps: [StepRecord]) async throws -> Bool {
        try await write { session in
            guard try await session.count(PostgresRows.insertCycleRun(run)) == 1 else { return false }
            for step in steps {
                try await session.execute(PostgresRows.insertStep(step))
            }
            return true
        }
    }

    public func cycleRun(_ id: String) async throws -> CycleRunRecord? {
        try await read { session in
            try await session.rows("SELECT \(unescaped: PostgresRows.cycleRunColumns) FROM cycle_runs WHERE id = \(id)").first
                .map(PostgresRows.cycleRun)
        }
    }

    public func cycleRuns(cycle: String?, tenant: String?, states: Set<RunState>, limit: Int) async throws -> [CycleRunRecord] {
        var statement = PostgresStatement()
        var conditions: [String] = []
        if let cycle { conditions.append("cycle = \(statement.bind(cycle))") }
        if let tenant { conditions.append("tenant = \(statement.bind(tenant))") }
        if !states.isEmpty { conditions.append("state = ANY(\(statement.bind(states.map(\.rawValue).sorted())))") }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let bound = statement.bind(limit)
        statement.sql = "SELECT \(PostgresRows.cycleRunColumns) FROM cycle_runs \(filter) ORDER BY created_at DESC, id DESC LIMIT \(bound)"
        let built = statement.query
        return try await read { session in try await session.rows(built).map(PostgresRows.cycleRun) }
    }

    public func steps(of cycleRunID: String) async throws -> [StepRecord] {
        try await read { session in
            try await session.rows(
                "SELECT \(unescaped: PostgresRows.stepColumns) FROM cycle_steps WHERE cycle_run_id = \(cycleRunID) ORDER BY step_index"
            ).map(PostgresRows.step)
        }
    }

    public func startCycleRun(_ id: String, owner: String, fence: Fence, at now: Date) async throws -> Bool {
        try await write { session in
            guard try await Self.fenceHolds(fence, at: now, session) else { return false }
            return try await session.count(
                """
                UPDATE cycle_runs SET state = 'running', owner = \(owner), lease_token = \(fence.token),
                    started_at = COALESCE(started_at, \(PostgresTime.millis(now))), finished_at = NULL, error = NULL
                WHERE id = \(id) AND state IN ('pending', 'running', 'interrupted') RETURNING 1
                """
            ) == 1
        }
    }

    public func beginStep(_ cycleRunID: String, index: Int, fence: Fence, at now: Date) async throws -> StepRecord? {
        try await write { session in
            guard try await Self.fenceHolds(fence, at: now, session) else { return nil }
            return try await Self.beginStep(cycleRunID, index: index, from: [.pending, .running, .failed], at: now, session)
        }
    }

    public func finishStep(
        _ cycleRunID: String, index: Int, state: StepState, excerpt: String?, output: String?, error: String?,
        overrunSeconds: Double?, fence: Fence, at now: Date
    ) async throws -> Bool {
        guard state != .pending, state != .running else { return false }
        return try await write { session in
            guard try await Self.fenceHolds(fence, at: now, session) else { return false }
            return try await Self.finishStep(
                cycleRunID, index: index, state: state, excerpt: excerpt, output: output, error: error, overrunSeconds: overrunSeconds,
                at: now, session
            )
        }
    }

    public func finishStep(
        _ cycleRunID: String, index: Int, state: StepState, excerpt: String?, output: String?, error: String?,
        overrunSeconds: Double?, thenBegin next: Int, fence: Fence, at now: Date
    ) async throws -> StepRecord? {
        guard state != .pending, state != .running else { return nil }
        return try await write { session in
            guard try await Self.fenceHolds(fence, at: now, session) else { return nil }
            // A savepoint, so that a refused begin takes the finish back with it.
            try await session.execute("SAVEPOINT checkpoint")
            let finished = try await Self.finishStep(
                cycleRunID, index: index, state: state, excerpt: excerpt, output: output, error: error, overrunSeconds: overrunSeconds,
                at: now, session
            )
            let begun = finished ? try await Self.beginStep(cycleRunID, index: next, from: [.pending], at: now, session) : nil
            try await session.execute(begun == nil ? "ROLLBACK TO SAVEPOINT checkpoint" : "RELEASE SAVEPOINT checkpoint")
            return begun
        }
    }

    public func finishStep(
        _ cycleRunID: String, index: Int, state: StepState, excerpt: String?, output: String?, error: String?,
        overrunSeconds: Double?, thenBegin next: Int?, recording execution: ActionExecution, fence: Fence, at now: Date
    ) async throws -> StepCheckpoint {
        try await write { session in
            // The execution first and whatever the fence says: the action was executed either way.
            let recorded = try await Self.record(execution, session)
            guard state != .pending, state != .running, try await Self.fenceHolds(fence, at: now, session) else {
                return StepCheckpoint(executionRecorded: recorded, finished: false, begun: nil)
            }
            // A savepoint, so that a refused finish or begin takes the checkpoint back with it (not the execution).
            try await session.execute("SAVEPOINT checkpoint")
            let finished = try await Self.finishStep(
                cycleRunID, index: index, state: state, excerpt: excerpt, output: output, error: error, overrunSeconds: overrunSeconds,
                at: now, session
            )
            guard let next else {
                try await session.execute("RELEASE SAVEPOINT checkpoint")
                return StepCheckpoint(executionRecorded: recorded, finished: finished, begun: nil)
            }
            let begun = finished ? try await Self.beginStep(cycleRunID, index: next, from: [.pending], at: now, session) : nil
            try await session.execute(begun == nil ? "ROLLBACK TO SAVEPOINT checkpoint" : "RELEASE SAVEPOINT checkpoint")
            return StepCheckpoint(executionRecorded: recorded, finished: begun != nil, begun: begun)
        }
    }

    public func markSteps(_ cycleRunID: String, indices: [Int], state: StepState, reason: String?, fence: Fence, at now: Date) async throws -> Bool {
        try await write { session in
            guard try await Self.fenceHolds(fence, at: now, session) else { return false }
            // The run's row is locked, so it cannot end between this check and the steps' update.
            let live = try await session.count(
                "SELECT 1 FROM cycle_runs WHERE id = \(cycleRunID) AND state IN ('pending', 'running') FOR SHARE"
            ) == 1
            guard live else { return false }
            let unique = Set(indices).sorted()
            try await session.execute(
                """
                UPDATE cycle_steps SET state = \(state.rawValue), error = \(reason), finished_at = \(PostgresTime.millis(now))
                WHERE cycle_run_id = \(cycleRunID) AND step_index = ANY(\(unique)) AND state = 'pending'
                """
            )
            return true
        }
    }

    public func finishCycleRun(_ id: String, state: RunState, error: String?, fence: Fence, at now: Date) async throws -> Bool {
        guard state.isFinal else { return false }
        return try await write { session in
            guard try await Self.fenceHolds(fence, at: now, session) else { return false }
            return try await session.count(
                """
                UPDATE cycle_runs SET state = \(state.rawValue), error = \(error), finished_at = \(PostgresTime.millis(now))
                WHERE id = \(id) AND state = 'running' RETURNING 1
                """
            ) == 1
        }
    }

    public func interruptCycleRuns(ownedBy owner: String, reason: String, at now: Date) async throws -> [String] {
        try await write { session in
            try await session.rows(
                """
                UPDATE cycle_runs SET state = 'interrupted', finished_at = \(PostgresTime.millis(now)), error = \(reason)
                WHERE owner = \(owner) AND state = 'running' RETURNING id
                """
            ).map { try PostgresStoredRow($0, table: "cycle_runs", key: ["id"]).text("id") }.sorted()
        }
    }

    /// Starts an attempt at step `index` when it is in one of `states` and its run is running;
    /// returns it, or nil when nothing matched.
    private static func beginStep(
        _ cycleRunID: String, index: Int, from states: [StepState], at now: Date, _ session: PostgresSession
    ) async throws -> StepRecord? {
        try await session.rows(
            """
            UPDATE cycle_steps SET state = 'running', attempt = attempt + 1, started_at = \(PostgresTime.millis(now)), finished_at = NULL,
                excerpt = NULL, output = NULL, error = NULL, overrun_seconds = NULL
            WHERE cycle_run_id = \(cycleRunID) AND step_index = \(index) AND state = ANY(\(states.map(\.rawValue)))
                AND EXISTS (SELECT 1 FROM cycle_runs WHERE id = \(cycleRunID) AND state = 'running')
            RETURNING \(unescaped: PostgresRows.stepColumns)
            """
        ).first.map(PostgresRows.step)
    }

    /// Ends step `index` when it is running; whether it was.
    private static func finishStep(
        _ cycleRunID: String, index: Int, state: StepState, excerpt: String?, output: String?, error: String?,
        overrunSeconds: Double?, at now: Date, _ session: PostgresSession
    ) async throws -> Bool {
        try await session.count(
            """
            UPDATE cycle_steps SET state = \(state.rawValue), finished_at = \(PostgresTime.millis(now)), excerpt = \(excerpt),
                output = \(output), error = \(error), overrun_seconds = \(overrunSeconds)
            WHERE cycle_run_id = \(cycleRunID) AND step_index = \(index) AND state = 'running' RETURNING 1
            """
        ) == 1
    }
}
