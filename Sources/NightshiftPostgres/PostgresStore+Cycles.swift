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

    public func slotCycleRuns(cycle: String, tenant: String, slotKey: String) async throws -> [CycleRunRecord] {
        try await read { session in
            try await session.rows(
                """
                SELECT \(unescaped: PostgresRows.cycleRunColumns) FROM cycle_runs
                WHERE cycle = \(cycle) AND tenant = \(tenant) AND slot_key = \(slotKey) ORDER BY created_at, id
                """
            ).map(PostgresRows.cycleRun)
        }
    }

    public func steps(of cycleRunID: String) async throws -> [StepRecord] {
        try await read { session in
            try await session.rows(
                "SELECT \(unescaped: PostgresRows.stepColumns) FROM cycle_steps WHERE cycle_run_id = \(cycleRunID) ORDER BY step_index"
            ).map(PostgresRows.step)
        }
    }

    // The fenced writes of a cycle run are one statement each, in a transaction of its own (one
    // round trip): the fence is a condition of the statement (`\(fenceHolds:at:)`), whose lock
    // keeps the lease from being taken over until the statement's commit.

    public func startCycleRun(_ id: String, owner: String, fence: Fence, at now: Date) async throws -> Bool {
        let millis = PostgresTime.millis(now)
        return try await write(transaction: false) { session in
            try await session.count(
                """
                UPDATE cycle_runs SET state = 'running', owner = \(owner), lease_token = \(fence.token),
                    started_at = COALESCE(started_at, \(millis)), finished_at = NULL, error = NULL
                WHERE id = \(id) AND state IN ('pending', 'running', 'interrupted')
                    AND \(fenceHolds: fence, at: millis)
                RETURNING 1
                """
            ) == 1
        }
    }

    public func beginStep(_ cycleRunID: String, index: Int, fence: Fence, at now: Date) async throws -> StepRecord? {
        let millis = PostgresTime.millis(now)
        return try await write(transaction: false) { session in
            try await session.rows(
                """
                UPDATE cycle_steps SET state = 'running', attempt = attempt + 1, started_at = \(millis), finished_at = NULL,
                    excerpt = NULL, output = NULL, error = NULL, overrun_seconds = NULL
                WHERE cycle_run_id = \(cycleRunID) AND step_index = \(index) AND state IN ('pending', 'running', 'failed')
                    AND EXISTS (SELECT 1 FROM cycle_runs WHERE id = \(cycleRunID) AND state = 'running')
                    AND \(fenceHolds: fence, at: millis)
                RETURNING \(unescaped: PostgresRows.stepColumns)
                """
            ).first.map(PostgresRows.step)
        }
    }

    public func finishStep(
        _ cycleRunID: String, index: Int, state: StepState, excerpt: String?, output: String?, error: String?,
        overrunSeconds: Double?, fence: Fence, at now: Date
    ) async throws -> Bool {
        guard state != .pending, state != .running else { return false }
        let checkpoint = Checkpoint(
            cycleRunID: cycleRunID, index: index, state: state, excerpt: excerpt, output: output, error: error,
            overrunSeconds: overrunSeconds, next: nil, fence: fence, now: now
        )
        return try await write(transaction: false) { session in try await checkpoint.apply(session).finished }
    }

    public func finishStep(
        _ cycleRunID: String, index: Int, state: StepState, excerpt: String?, output: String?, error: String?,
        overrunSeconds: Double?, thenBegin next: Int, fence: Fence, at now: Date
    ) async throws -> StepRecord? {
        guard state != .pending, state != .running else { return nil }
        let checkpoint = Checkpoint(
            cycleRunID: cycleRunID, index: index, state: state, excerpt: excerpt, output: output, error: error,
            overrunSeconds: overrunSeconds, next: next, fence: fence, now: now
        )
        return try await write(transaction: false) { session in try await checkpoint.apply(session).begun }
    }

    public func finishStep(
        _ cycleRunID: String, index: Int, state: StepState, excerpt: String?, output: String?, error: String?,
        overrunSeconds: Double?, thenBegin next: Int?, recording execution: ActionExecution, fence: Fence, at now: Date
    ) async throws -> StepCheckpoint {
        let checkpoint = Checkpoint(
            cycleRunID: cycleRunID, index: index, state: state, excerpt: excerpt, output: output, error: error,
            overrunSeconds: overrunSeconds, next: next, fence: fence, now: now
        )
        return try await write { session in
            // The execution first and whatever the fence says: the action was executed either way.
            let recorded = try await Self.record(execution, session)
            guard state != .pending, state != .running else {
                return StepCheckpoint(executionRecorded: recorded, finished: false, begun: nil)
            }
            let (finished, begun) = try await checkpoint.apply(session)
            return StepCheckpoint(executionRecorded: recorded, finished: finished, begun: begun)
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
        let millis = PostgresTime.millis(now)
        return try await write(transaction: false) { session in
            try await session.count(
                """
                UPDATE cycle_runs SET state = \(state.rawValue), error = \(error), finished_at = \(millis)
                WHERE id = \(id) AND state = 'running'
                    AND \(fenceHolds: fence, at: millis)
                RETURNING 1
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

    /// A checkpoint as one statement: step `index` ends (it must be running) and, with `next`, step
    /// `next` begins (it must be pending, its run running), both under the fence or neither. The
    /// `ready` part checks the fence and locks the next step first, so a checkpoint never ends a
    /// step without beginning the next one it was asked to.
    struct Checkpoint {
        let cycleRunID: String
        let index: Int
        let state: StepState
        let excerpt: String?
        let output: String?
        let error: String?
        let overrunSeconds: Double?
        let next: Int?
        let fence: Fence
        let now: Date

        /// Whether the step ended, and the next step begun.
        func apply(_ session: PostgresSession) async throws -> (finished: Bool, begun: StepRecord?) {
            let millis = PostgresTime.millis(now)
            guard let next else {
                let finished = try await session.count(
                    """
                    UPDATE cycle_steps SET state = \(state.rawValue), finished_at = \(millis), excerpt = \(excerpt),
                        output = \(output), error = \(error), overrun_seconds = \(overrunSeconds)
                    WHERE cycle_run_id = \(cycleRunID) AND step_index = \(index) AND state = 'running'
                        AND \(fenceHolds: fence, at: millis)
                    RETURNING 1
                    """
                )
                return (finished == 1, nil)
            }
            let rows = try await session.rows(
                CheckpointStatement(
                    cycleRunID: cycleRunID, index: index, next: next, state: state.rawValue, excerpt: excerpt, output: output,
                    error: error, overrunSeconds: overrunSeconds, fenceKey: fence.key, fenceToken: fence.token, millis: millis
                )
            )
            // Once `ready` locked the next step, pending, the begin matches whenever the finish did:
            // a step came back exactly when both happened.
            guard let row = rows.first else { return (false, nil) }
            return (true, try PostgresRows.step(row))
        }
    }
}
