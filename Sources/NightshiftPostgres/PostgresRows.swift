import Foundation
import NightshiftCore
import PostgresNIO

/// Conversions from result rows to store values, column for column as the SQLite driver's
/// `SQLiteRow`. Column lists here and in the schema agree.
enum PostgresRows {
    // MARK: Runs

    static let runColumns = """
        id, job, slot, slot_key, run_trigger, state, attempt, created_at, not_before, \
        started_at, finished_at, exit_status, error, excerpt, owner, child_pid
        """

    /// `INSERT INTO runs … VALUES (…)` for `run`, ending where a conflict clause may follow.
    static func insertRun(_ run: RunRecord) -> PostgresQuery {
        let millis: (Date) -> Int64 = PostgresTime.millis
        return """
            INSERT INTO runs (\(unescaped: runColumns)) VALUES (
                \(run.id), \(run.job), \(millis(run.slot)), \(run.slotKey), \(run.trigger.rawValue), \(run.state.rawValue),
                \(run.attempt), \(millis(run.createdAt)), \(millis(run.notBefore)), \(PostgresTime.millis(run.startedAt)),
                \(PostgresTime.millis(run.finishedAt)), \(run.exitStatus), \(run.error), \(run.excerpt), \(run.owner),
                \(run.childPID.map(Int64.init))
            )
            """
    }

    static func run(_ row: PostgresRow) throws -> RunRecord {
        let row = PostgresStoredRow(row, table: "runs", key: ["id"])
        return RunRecord(
            id: try row.text("id"),
            job: try row.text("job"),
            slot: try row.date("slot"),
            slotKey: try row.text("slot_key"),
            trigger: try row.known("run_trigger"),
            state: try row.known("state"),
            attempt: try row.int("attempt"),
            createdAt: try row.date("created_at"),
            notBefore: try row.date("not_before"),
            startedAt: try row.optionalDate("started_at"),
            finishedAt: try row.optionalDate("finished_at"),
            exitStatus: try row.optionalInt("exit_status"),
            error: try row.optionalText("error"),
            excerpt: try row.optionalText("excerpt"),
            owner: try row.optionalText("owner"),
            childPID: try row.optionalInt("child_pid", as: Int32.self)
        )
    }

    // MARK: Daemon, jobs, alerts

    static let daemonColumns = "instance_id, pid, host, started_at, heartbeat_at, stopped_at"

    static func daemon(_ row: PostgresRow) throws -> DaemonInstance {
        let row = PostgresStoredRow(row, table: "daemon", key: ["instance_id"])
        return DaemonInstance(
            id: try row.text("instance_id"),
            pid: try row.int("pid", as: Int32.self),
            host: try row.text("host"),
            startedAt: try row.date("started_at"),
            heartbeatAt: try row.date("heartbeat_at"),
            stoppedAt: try row.optionalDate("stopped_at")
        )
    }

    static let jobColumns = "name, paused, cursor, retired, consecutive_failures, last_alert_at, alerting"

    static func job(_ row: PostgresRow) throws -> JobState {
        let row = PostgresStoredRow(row, table: "jobs", key: ["name"])
        return JobState(
            name: try row.text("name"),
            paused: try row.bool("paused"),
            cursor: try row.date("cursor"),
            retired: try row.bool("retired"),
            alert: AlertState(
                consecutiveFailures: try row.int("consecutive_failures"),
                lastAlertAt: try row.optionalDate("last_alert_at"),
                alerting: try row.bool("alerting")
            )
        )
    }

    static let alertColumns = "id, job, kind, run_id, sent_at, message, delivery_errors"

    static func alert(_ row: PostgresRow) throws -> AlertRecord {
        let row = PostgresStoredRow(row, table: "alerts", key: ["seq"])
        return AlertRecord(
            id: try row.text("id"),
            job: try row.text("job"),
            kind: try row.known("kind"),
            runID: try row.optionalText("run_id"),
            sentAt: try row.date("sent_at"),
            message: try row.text("message"),
            deliveryErrors: try row.stringList("delivery_errors")
        )
    }

    // MARK: Leases

    static let leaseColumns = "key, owner, token, acquired_at, renewed_at, expires_at"

    static func lease(_ row: PostgresRow) throws -> Lease {
        let row = PostgresStoredRow(row, table: "leases", key: ["key"])
        return Lease(
            key: try row.text("key"),
            owner: try row.text("owner"),
            token: try row.integer("token"),
            acquiredAt: try row.date("acquired_at"),
            renewedAt: try row.date("renewed_at"),
            expiresAt: try row.date("expires_at")
        )
    }
}

// MARK: Cycle runs, steps

extension PostgresRows {
    static let cycleRunColumns = """
        id, cycle, tenant, slot, slot_key, run_trigger, variant, state, created_at, \
        started_at, finished_at, error, owner, lease_token
        """

    static func insertCycleRun(_ run: CycleRunRecord) -> PostgresQuery {
        """
        INSERT INTO cycle_runs (\(unescaped: cycleRunColumns)) VALUES (
            \(run.id), \(run.cycle), \(run.tenant), \(PostgresTime.millis(run.slot)), \(run.slotKey), \(run.trigger.rawValue),
            \(run.variant.rawValue), \(run.state.rawValue), \(PostgresTime.millis(run.createdAt)), \(PostgresTime.millis(run.startedAt)),
            \(PostgresTime.millis(run.finishedAt)), \(run.error), \(run.owner), \(run.leaseToken)
        ) ON CONFLICT DO NOTHING RETURNING 1
        """
    }

    static func cycleRun(_ row: PostgresRow) throws -> CycleRunRecord {
        let row = PostgresStoredRow(row, table: "cycle_runs", key: ["id"])
        return CycleRunRecord(
            id: try row.text("id"),
            cycle: try row.text("cycle"),
            tenant: try row.text("tenant"),
            slot: try row.date("slot"),
            slotKey: try row.text("slot_key"),
            trigger: try row.known("run_trigger"),
            variant: try row.known("variant"),
            state: try row.known("state"),
            createdAt: try row.date("created_at"),
            startedAt: try row.optionalDate("started_at"),
            finishedAt: try row.optionalDate("finished_at"),
            error: try row.optionalText("error"),
            owner: try row.optionalText("owner"),
            leaseToken: try row.optionalInteger("lease_token")
        )
    }

    static let stepColumns = """
        cycle_run_id, step_index, name, state, attempt, started_at, finished_at, excerpt, output, error, \
        budget_seconds, overrun_seconds, idempotency_key
        """

    static func insertStep(_ step: StepRecord) -> PostgresQuery {
        """
        INSERT INTO cycle_steps (\(unescaped: stepColumns)) VALUES (
            \(step.cycleRunID), \(step.index), \(step.name), \(step.state.rawValue), \(step.attempt), \(PostgresTime.millis(step.startedAt)),
            \(PostgresTime.millis(step.finishedAt)), \(step.excerpt), \(step.output), \(step.error), \(step.budgetSeconds),
            \(step.overrunSeconds), \(step.idempotencyKey)
        )
        """
    }

    static func step(_ row: PostgresRow) throws -> StepRecord {
        let row = PostgresStoredRow(row, table: "cycle_steps", key: ["cycle_run_id", "step_index"])
        return StepRecord(
            cycleRunID: try row.text("cycle_run_id"),
            index: try row.int("step_index"),
            name: try row.text("name"),
            state: try row.known("state"),
            attempt: try row.int("attempt"),
            startedAt: try row.optionalDate("started_at"),
            finishedAt: try row.optionalDate("finished_at"),
            excerpt: try row.optionalText("excerpt"),
            output: try row.optionalText("output"),
            error: try row.optionalText("error"),
            budgetSeconds: try row.optionalReal("budget_seconds"),
            overrunSeconds: try row.optionalReal("overrun_seconds"),
            idempotencyKey: try row.text("idempotency_key")
        )
    }
}
