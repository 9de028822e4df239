import Foundation
import GRDB
import NightshiftCore

/// Conversions between store values and table rows. Column lists here and in the schema agree.
enum SQLiteRow {
    // MARK: Runs

    static let runColumns = """
        id, job, slot, slot_key, run_trigger, state, attempt, created_at, not_before, \
        started_at, finished_at, exit_status, error, excerpt, owner, child_pid
        """

    /// The values of `run` in the order of ``runColumns``.
    static func runArguments(_ run: RunRecord) -> StatementArguments {
        [
            run.id, run.job, SQLiteTime.millis(run.slot), run.slotKey, run.trigger.rawValue, run.state.rawValue,
            run.attempt, SQLiteTime.millis(run.createdAt), SQLiteTime.millis(run.notBefore),
            SQLiteTime.millis(run.startedAt), SQLiteTime.millis(run.finishedAt), run.exitStatus, run.error,
            run.excerpt, run.owner, run.childPID,
        ]
    }

    static func run(_ row: Row) throws -> RunRecord {
        let stateName: String = try row.decode(forColumn: "state")
        let triggerName: String = try row.decode(forColumn: "run_trigger")
        guard let state = RunState(rawValue: stateName), let trigger = RunTrigger(rawValue: triggerName) else {
            throw SQLiteDecodingFailure(message: "a run has a state or trigger this version does not know; was the file written by a newer Nightshift?")
        }
        return RunRecord(
            id: try row.decode(forColumn: "id"),
            job: try row.decode(forColumn: "job"),
            slot: try date(row, "slot"),
            slotKey: try row.decode(String.self, forColumn: "slot_key"),
            trigger: trigger,
            state: state,
            attempt: try row.decode(forColumn: "attempt"),
            createdAt: try date(row, "created_at"),
            notBefore: try date(row, "not_before"),
            startedAt: try optionalDate(row, "started_at"),
            finishedAt: try optionalDate(row, "finished_at"),
            exitStatus: try row.decode(forColumn: "exit_status"),
            error: try row.decode(forColumn: "error"),
            excerpt: try row.decode(forColumn: "excerpt"),
            owner: try row.decode(forColumn: "owner"),
            childPID: try row.decode(forColumn: "child_pid")
        )
    }

    // MARK: Daemon, jobs, alerts

    static let daemonColumns = "instance_id, pid, host, started_at, heartbeat_at, stopped_at"

    static func daemonArguments(_ instance: DaemonInstance) -> StatementArguments {
        [
            instance.id, instance.pid, instance.host, SQLiteTime.millis(instance.startedAt),
            SQLiteTime.millis(instance.heartbeatAt), SQLiteTime.millis(instance.stoppedAt),
        ]
    }

    static func daemon(_ row: Row) throws -> DaemonInstance {
        DaemonInstance(
            id: try row.decode(forColumn: "instance_id"),
            pid: try row.decode(forColumn: "pid"),
            host: try row.decode(forColumn: "host"),
            startedAt: try date(row, "started_at"),
            heartbeatAt: try date(row, "heartbeat_at"),
            stoppedAt: try optionalDate(row, "stopped_at")
        )
    }

    static let jobColumns = "name, paused, cursor, retired, consecutive_failures, last_alert_at, alerting"

    static func job(_ row: Row) throws -> JobState {
        JobState(
            name: try row.decode(forColumn: "name"),
            paused: try row.decode(forColumn: "paused"),
            cursor: try date(row, "cursor"),
            retired: try row.decode(forColumn: "retired"),
            alert: AlertState(
                consecutiveFailures: try row.decode(forColumn: "consecutive_failures"),
                lastAlertAt: try optionalDate(row, "last_alert_at"),
                alerting: try row.decode(forColumn: "alerting")
            )
        )
    }

    static let alertColumns = "id, job, kind, run_id, sent_at, message, delivery_errors"

    static func alertArguments(_ alert: AlertRecord) throws -> StatementArguments {
        let errors = String(decoding: try JSONEncoder().encode(alert.deliveryErrors), as: UTF8.self)
        return [alert.id, alert.job, alert.kind.rawValue, alert.runID, SQLiteTime.millis(alert.sentAt), alert.message, errors]
    }

    static func alert(_ row: Row) throws -> AlertRecord {
        let kindName: String = try row.decode(forColumn: "kind")
        guard let kind = AlertRecord.Kind(rawValue: kindName) else {
            throw SQLiteDecodingFailure(message: "an alert has a kind this version does not know; was the file written by a newer Nightshift?")
        }
        let errors: String = try row.decode(forColumn: "delivery_errors")
        guard let deliveryErrors = try? JSONDecoder().decode([String].self, from: Data(errors.utf8)) else {
            throw SQLiteDecodingFailure(message: "an alert's delivery errors are not a JSON list of strings")
        }
        return AlertRecord(
            id: try row.decode(forColumn: "id"),
            job: try row.decode(forColumn: "job"),
            kind: kind,
            runID: try row.decode(forColumn: "run_id"),
            sentAt: try date(row, "sent_at"),
            message: try row.decode(forColumn: "message"),
            deliveryErrors: deliveryErrors
        )
    }

    // MARK: Leases, cycle runs, steps

    static let leaseColumns = "key, owner, token, acquired_at, renewed_at, expires_at"

    static func lease(_ row: Row) throws -> Lease {
        Lease(
            key: try row.decode(forColumn: "key"),
            owner: try row.decode(forColumn: "owner"),
            token: try row.decode(forColumn: "token"),
            acquiredAt: try date(row, "acquired_at"),
            renewedAt: try date(row, "renewed_at"),
            expiresAt: try date(row, "expires_at")
        )
    }

    static let cycleRunColumns = """
        id, cycle, tenant, slot, slot_key, run_trigger, variant, state, created_at, \
        started_at, finished_at, error, owner, lease_token
        """

    /// The values of `run` in the order of ``cycleRunColumns``.
    static func cycleRunArguments(_ run: CycleRunRecord) -> StatementArguments {
        [
            run.id, run.cycle, run.tenant, SQLiteTime.millis(run.slot), run.slotKey, run.trigger.rawValue,
            run.variant.rawValue, run.state.rawValue, SQLiteTime.millis(run.createdAt), SQLiteTime.millis(run.startedAt),
            SQLiteTime.millis(run.finishedAt), run.error, run.owner, run.leaseToken,
        ]
    }

    static func cycleRun(_ row: Row) throws -> CycleRunRecord {
        let stateName: String = try row.decode(forColumn: "state")
        let triggerName: String = try row.decode(forColumn: "run_trigger")
        let variantName: String = try row.decode(forColumn: "variant")
        guard let state = RunState(rawValue: stateName), let trigger = RunTrigger(rawValue: triggerName),
              let variant = CycleVariant(rawValue: variantName) else {
            throw SQLiteDecodingFailure(message: "a cycle run has a state, trigger or variant this version does not know; was the file written by a newer Nightshift?")
        }
        return CycleRunRecord(
            id: try row.decode(forColumn: "id"),
            cycle: try row.decode(forColumn: "cycle"),
            tenant: try row.decode(forColumn: "tenant"),
            slot: try date(row, "slot"),
            slotKey: try row.decode(String.self, forColumn: "slot_key"),
            trigger: trigger,
            variant: variant,
            state: state,
            createdAt: try date(row, "created_at"),
            startedAt: try optionalDate(row, "started_at"),
            finishedAt: try optionalDate(row, "finished_at"),
            error: try row.decode(forColumn: "error"),
            owner: try row.decode(forColumn: "owner"),
            leaseToken: try row.decode(forColumn: "lease_token")
        )
    }

    static let stepColumns = """
        cycle_run_id, step_index, name, state, attempt, started_at, finished_at, excerpt, output, error, \
        budget_seconds, overrun_seconds, idempotency_key
        """

    /// The values of `step` in the order of ``stepColumns``.
    static func stepArguments(_ step: StepRecord) -> StatementArguments {
        [
            step.cycleRunID, step.index, step.name, step.state.rawValue, step.attempt, SQLiteTime.millis(step.startedAt),
            SQLiteTime.millis(step.finishedAt), step.excerpt, step.output, step.error, step.budgetSeconds,
            step.overrunSeconds, step.idempotencyKey,
        ]
    }

    static func step(_ row: Row) throws -> StepRecord {
        let stateName: String = try row.decode(forColumn: "state")
        guard let state = StepState(rawValue: stateName) else {
            throw SQLiteDecodingFailure(message: "a cycle step has a state this version does not know; was the file written by a newer Nightshift?")
        }
        return StepRecord(
            cycleRunID: try row.decode(forColumn: "cycle_run_id"),
            index: try row.decode(forColumn: "step_index"),
            name: try row.decode(forColumn: "name"),
            state: state,
            attempt: try row.decode(forColumn: "attempt"),
            startedAt: try optionalDate(row, "started_at"),
            finishedAt: try optionalDate(row, "finished_at"),
            excerpt: try row.decode(forColumn: "excerpt"),
            output: try row.decode(forColumn: "output"),
            error: try row.decode(forColumn: "error"),
            budgetSeconds: try row.decode(forColumn: "budget_seconds"),
            overrunSeconds: try row.decode(forColumn: "overrun_seconds"),
            idempotencyKey: try row.decode(String.self, forColumn: "idempotency_key")
        )
    }

    // MARK: Dates

    private static func date(_ row: Row, _ column: String) throws -> Date {
        SQLiteTime.date(try row.decode(Int64.self, forColumn: column))
    }

    private static func optionalDate(_ row: Row, _ column: String) throws -> Date? {
        try row.decode(Int64?.self, forColumn: column).map { SQLiteTime.date($0) }
    }
}
