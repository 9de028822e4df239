import Foundation
import NightshiftCore
import PostgresNIO

// The statements of the runner's and the cycle engine's hot paths, prepared once per connection:
// afterwards the server only binds and executes them. Parsing and planning had cost as much as
// the rest of a checkpoint (0.82 ms a checkpoint unprepared, 0.41 ms prepared, docs/PERFORMANCE.md).
// Each spells its parameter types, so that a first call binding NULL does not leave one to guess.

/// A prepared statement whose rows are read by the store's usual row readers (`PostgresRows`).
protocol PreparedRowsStatement: PostgresPreparedStatement where Row == PostgresRow {}

extension PreparedRowsStatement {
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// `insertRun` of a pending run: the insert and, when it inserted, the notification sent at commit.
struct InsertPendingRunStatement: PreparedRowsStatement {
    static let sql = """
        WITH inserted AS (
            INSERT INTO runs (\(PostgresRows.runColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            ON CONFLICT DO NOTHING RETURNING 1
        )
        SELECT 1 FROM inserted, LATERAL (SELECT pg_notify('\(PostgresChanges.channel(.runs))', coalesce(current_schema(), ''))) AS notified
        """
    static let bindingDataTypes: [PostgresDataType] = [
        .text, .text, .int8, .text, .text, .text, .int8, .int8, .int8, .int8, .int8, .int8, .text, .text, .text, .int8,
    ]

    let run: RunRecord

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 16)
        bindings.append(run.id)
        bindings.append(run.job)
        bindings.append(PostgresTime.millis(run.slot))
        bindings.append(run.slotKey)
        bindings.append(run.trigger.rawValue)
        bindings.append(run.state.rawValue)
        bindings.append(Int64(run.attempt))
        bindings.append(PostgresTime.millis(run.createdAt))
        bindings.append(PostgresTime.millis(run.notBefore))
        bindings.append(PostgresTime.millis(run.startedAt))
        bindings.append(PostgresTime.millis(run.finishedAt))
        bindings.append(run.exitStatus.map(Int64.init))
        bindings.append(run.error)
        bindings.append(run.excerpt)
        bindings.append(run.owner)
        bindings.append(run.childPID.map(Int64.init))
        return bindings
    }
}

/// A claiming pass's page: due runs nobody else is claiming, locked, oldest first, leaving out the
/// jobs the pass is done with; per job whose runs may not overlap, its claim lock, tried.
struct DuePageStatement: PreparedRowsStatement {
    static let sql = """
        WITH page AS MATERIALIZED (
            SELECT id, job, not_before FROM runs
            WHERE state = 'pending' AND not_before <= $1 AND job <> ALL($2)
            ORDER BY not_before, id LIMIT $3 FOR UPDATE SKIP LOCKED
        )
        SELECT id, job, CASE WHEN job = ANY($4) THEN true
            ELSE pg_try_advisory_xact_lock(\(PostgresLocks.jobClaims), hashtext(coalesce(current_schema(), '') || '/' || job)) END AS free
        FROM page ORDER BY not_before, id
        """
    static let bindingDataTypes: [PostgresDataType] = [.int8, .textArray, .int8, .textArray]

    let millis: Int64
    let settled: [String]
    let limit: Int
    let overlapping: [String]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(millis)
        bindings.append(settled)
        bindings.append(Int64(limit))
        bindings.append(overlapping)
        return bindings
    }
}

/// A claiming pass's claim of the picked runs; a run of a job whose runs may not overlap only while
/// none of the job's runs is running (this statement comes after the lock: it sees every claim of
/// the job committed before).
struct ClaimRunsStatement: PreparedRowsStatement {
    static let sql = """
        UPDATE runs SET state = 'running', owner = $1, started_at = $2
        WHERE id = ANY($3) AND state = 'pending' AND (job = ANY($4)
            OR NOT EXISTS (SELECT 1 FROM runs AS busy WHERE busy.job = runs.job AND busy.state = 'running'))
        RETURNING \(PostgresRows.runColumns)
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .int8, .textArray, .textArray]

    let owner: String
    let millis: Int64
    let ids: [String]
    let overlapping: [String]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(owner)
        bindings.append(millis)
        bindings.append(ids)
        bindings.append(overlapping)
        return bindings
    }
}

/// One `finishRun`: the run ends only while it runs under its owner.
struct FinishRunStatement: PreparedRowsStatement {
    static let sql = """
        UPDATE runs SET state = $1, finished_at = $2, exit_status = $3, error = $4, excerpt = $5, child_pid = NULL
        WHERE id = $6 AND state = 'running' AND owner = $7 RETURNING 1
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .int8, .int8, .text, .text, .text, .text]

    let finish: RunFinish

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 7)
        bindings.append(finish.outcome.state.rawValue)
        bindings.append(PostgresTime.millis(finish.outcome.finishedAt))
        bindings.append(finish.outcome.exitStatus.map(Int64.init))
        bindings.append(finish.outcome.error.map(RunFinish.Row.withoutNUL))
        bindings.append(finish.outcome.excerpt.map(RunFinish.Row.withoutNUL))
        bindings.append(finish.id)
        bindings.append(finish.owner)
        return bindings
    }
}

/// A group of `finishRun`s (`GroupCommit`), as JSON rows: each run ends only while it runs under
/// its own owner.
struct FinishRunsStatement: PreparedRowsStatement {
    static let sql = """
        UPDATE runs SET state = f.state, finished_at = f.finished_at, exit_status = f.exit_status, error = f.error,
            excerpt = f.excerpt, child_pid = NULL
        FROM json_to_recordset($1::json)
            AS f(id text, owner text, state text, finished_at bigint, exit_status bigint, error text, excerpt text)
        WHERE runs.id = f.id AND runs.state = 'running' AND runs.owner = f.owner
        RETURNING runs.id
        """
    static let bindingDataTypes: [PostgresDataType] = [.text]

    let rows: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(rows)
        return bindings
    }
}

/// A checkpoint that ends a step and begins the next (`PostgresStore.Checkpoint`): `ready` checks
/// the fence and locks the next step while pending, so the step ends only when the next begins.
struct CheckpointStatement: PreparedRowsStatement {
    static let sql = """
        WITH ready AS (
            SELECT 1 FROM cycle_steps
            WHERE cycle_run_id = $1 AND step_index = $3 AND state = 'pending'
                AND EXISTS (SELECT 1 FROM cycle_runs WHERE id = $1 AND state = 'running')
                AND EXISTS (SELECT 1 FROM leases WHERE key = $9 AND token = $10 AND NOT released AND expires_at > $11 FOR SHARE)
            FOR UPDATE OF cycle_steps
        ), finished AS (
            UPDATE cycle_steps SET state = $4, finished_at = $11, excerpt = $5, output = $6, error = $7, overrun_seconds = $8
            WHERE cycle_run_id = $1 AND step_index = $2 AND state = 'running' AND EXISTS (SELECT 1 FROM ready)
            RETURNING 1
        )
        UPDATE cycle_steps SET state = 'running', attempt = attempt + 1, started_at = $11, finished_at = NULL,
            excerpt = NULL, output = NULL, error = NULL, overrun_seconds = NULL
        WHERE cycle_run_id = $1 AND step_index = $3 AND state = 'pending' AND EXISTS (SELECT 1 FROM finished)
        RETURNING \(PostgresRows.stepColumns)
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .int8, .int8, .text, .text, .text, .text, .float8, .text, .int8, .int8]

    let cycleRunID: String
    let index: Int
    let next: Int
    let state: String
    let excerpt: String?
    let output: String?
    let error: String?
    let overrunSeconds: Double?
    let fenceKey: String
    let fenceToken: Int64
    let millis: Int64

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 11)
        bindings.append(cycleRunID)
        bindings.append(Int64(index))
        bindings.append(Int64(next))
        bindings.append(state)
        bindings.append(excerpt)
        bindings.append(output)
        bindings.append(error)
        bindings.append(overrunSeconds)
        bindings.append(fenceKey)
        bindings.append(fenceToken)
        bindings.append(millis)
        return bindings
    }
}
