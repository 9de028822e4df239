import Foundation
import GRDB

/// The database schema, one named migration per version. Applied migrations never change; a new
/// version of the schema is a new migration ("v2", …) appended below. Since the migration
/// "strict", every table is `STRICT` (SQLite refuses a value of the wrong type), and a new table
/// is created `STRICT`.
///
/// Dates are INTEGER milliseconds since 1970-01-01 UTC; booleans are INTEGER 0/1; enums are their
/// raw strings; lists are JSON arrays of strings.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("goals") { db in
            try db.execute(sql: goals)
        }
        migrator.registerMigration("policy") { db in
            try db.execute(sql: policy)
        }
        migrator.registerMigration("queue") { db in
            try db.execute(sql: queue)
        }
        migrator.registerMigration("health") { db in
            try db.execute(sql: health)
        }
        // Foreign keys are off while a migration runs and checked when it ends (GRDB's default),
        // so tables can be rebuilt without their references cascading.
        migrator.registerMigration("strict") { db in
            try db.execute(sql: quarantine)
            try SQLiteStrictTables.convert(db, at: Date())
        }
        migrator.registerMigration("identity") { db in
            try db.execute(sql: identity)
        }
        // What each action is about, in one line (issue 12).
        migrator.registerMigration("action_summary") { db in
            try db.execute(sql: "ALTER TABLE actions ADD COLUMN summary TEXT")
        }
        migrator.registerMigration("history") { db in
            try db.execute(sql: history)
        }
        return migrator
    }

    /// Rows that could not be read, moved aside with their values (as SQL literals, in a JSON object),
    /// the table and key they came from, and why. `removed = 0` notes a row left where it is (an
    /// audit record: removing it would break the chain).
    private static let quarantine = """
        CREATE TABLE quarantine (
            seq INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            row_key TEXT NOT NULL,
            row_values TEXT NOT NULL,
            problem TEXT NOT NULL,
            at INTEGER NOT NULL,
            removed INTEGER NOT NULL
        ) STRICT;
        """

    /// What keeps the reading commands at the cost of their page however much history the store
    /// holds: indexes for a brief's period, listings by state and by age, and the tasks counted per
    /// queue and state as they change (`task_totals`, kept by triggers in the transaction that
    /// writes the task; a rebuild of `tasks` must keep them, as `SQLiteStrictTables` does). Estimates
    /// are added in whole micro-hours, so the totals never drift however often tasks change.
    private static let history = """
        -- Runs created or finished in a brief's period; runs of one state, newest first.
        CREATE INDEX runs_by_finish ON runs (finished_at) WHERE finished_at IS NOT NULL;
        CREATE INDEX runs_by_state ON runs (state, created_at, id);
        -- The tasks of a night's report: finished in the period.
        CREATE INDEX tasks_by_finish ON tasks (queue, finished_at) WHERE finished_at IS NOT NULL;
        -- Every action, newest first (approvals list --all).
        CREATE INDEX actions_by_creation ON actions (created_at, id);

        CREATE TABLE task_totals (
            queue TEXT NOT NULL,
            state TEXT NOT NULL,
            count INTEGER NOT NULL,
            micro_hours INTEGER NOT NULL,
            PRIMARY KEY (queue, state)
        ) STRICT;
        INSERT INTO task_totals (queue, state, count, micro_hours)
            SELECT queue, state, COUNT(*), SUM(CAST(ROUND(hours * 1000000) AS INTEGER)) FROM tasks GROUP BY queue, state;
        CREATE TRIGGER task_totals_insert AFTER INSERT ON tasks BEGIN
            INSERT INTO task_totals (queue, state, count, micro_hours)
                VALUES (NEW.queue, NEW.state, 1, CAST(ROUND(NEW.hours * 1000000) AS INTEGER))
                ON CONFLICT (queue, state) DO UPDATE SET count = count + 1, micro_hours = micro_hours + excluded.micro_hours;
        END;
        CREATE TRIGGER task_totals_delete AFTER DELETE ON tasks BEGIN
            UPDATE task_totals SET count = count - 1, micro_hours = micro_hours - CAST(ROUND(OLD.hours * 1000000) AS INTEGER)
                WHERE queue = OLD.queue AND state = OLD.state;
        END;
        CREATE TRIGGER task_totals_update AFTER UPDATE OF queue, state, hours ON tasks
            WHEN OLD.queue IS NOT NEW.queue OR OLD.state IS NOT NEW.state OR OLD.hours IS NOT NEW.hours BEGIN
            UPDATE task_totals SET count = count - 1, micro_hours = micro_hours - CAST(ROUND(OLD.hours * 1000000) AS INTEGER)
                WHERE queue = OLD.queue AND state = OLD.state;
            INSERT INTO task_totals (queue, state, count, micro_hours)
                VALUES (NEW.queue, NEW.state, 1, CAST(ROUND(NEW.hours * 1000000) AS INTEGER))
                ON CONFLICT (queue, state) DO UPDATE SET count = count + 1, micro_hours = micro_hours + excluded.micro_hours;
        END;
        """

    /// Which store this is (see `StoreIdentity`): one row, written when the store is created.
    private static let identity = """
        CREATE TABLE store_identity (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            id TEXT NOT NULL,
            created_at INTEGER NOT NULL
        ) STRICT;
        """

    /// Metric samples, problems (at most one open per key), and the events the learners count.
    private static let health = """
        CREATE TABLE samples (
            metric TEXT NOT NULL,
            at INTEGER NOT NULL,
            value REAL NOT NULL
        );
        CREATE INDEX samples_by_metric ON samples (metric, at);
        CREATE INDEX samples_by_time ON samples (at);
        CREATE TABLE problems (
            id TEXT PRIMARY KEY NOT NULL,
            key TEXT NOT NULL,
            severity TEXT NOT NULL,
            summary TEXT NOT NULL,
            evidence TEXT NOT NULL,
            fix TEXT,
            first_seen INTEGER NOT NULL,
            last_seen INTEGER NOT NULL,
            occurrences INTEGER NOT NULL,
            resolved_at INTEGER,
            resolution TEXT,
            escalated_at INTEGER
        );
        CREATE UNIQUE INDEX problems_open_by_key ON problems (key) WHERE resolved_at IS NULL;
        CREATE INDEX problems_by_seen ON problems (last_seen);
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            at INTEGER NOT NULL,
            value REAL,
            data TEXT,
            run_id TEXT
        );
        CREATE INDEX events_by_kind ON events (kind, name, at);
        CREATE INDEX events_by_time ON events (at);
        """

    /// Proposed actions (the approval inbox is the `awaiting_approval` ones) and the hash-chained
    /// audit trail with its head kept apart.
    private static let policy = """
        CREATE TABLE actions (
            id TEXT PRIMARY KEY NOT NULL,
            type TEXT NOT NULL,
            actor TEXT NOT NULL,
            tenant TEXT,
            attributes TEXT NOT NULL,
            payload TEXT NOT NULL,
            payload_hash TEXT NOT NULL,
            verdict TEXT NOT NULL,
            decided_by TEXT NOT NULL,
            reason TEXT NOT NULL,
            status TEXT NOT NULL,
            run_id TEXT,
            created_at INTEGER NOT NULL,
            expires_at INTEGER,
            resolved_by TEXT,
            resolved_at INTEGER,
            note TEXT,
            execution_run_id TEXT,
            outcome TEXT,
            counted_at INTEGER,
            cost REAL NOT NULL DEFAULT 0,
            recipient TEXT,
            run_seconds REAL NOT NULL DEFAULT 0
        );
        CREATE INDEX actions_by_status ON actions (status, created_at);
        CREATE INDEX actions_counted ON actions (counted_at, type) WHERE counted_at IS NOT NULL;
        CREATE INDEX actions_by_run ON actions (run_id) WHERE run_id IS NOT NULL;

        -- Append-only: hash = SHA-256(prev_hash || canonical content); see AuditRecord.
        CREATE TABLE audit (
            seq INTEGER PRIMARY KEY NOT NULL,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            actor TEXT NOT NULL,
            subject TEXT NOT NULL,
            data TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX audit_by_kind ON audit (kind, seq);

        -- The newest record as written, so that removing the last records shows.
        CREATE TABLE audit_head (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            seq INTEGER NOT NULL,
            hash TEXT NOT NULL
        );
        """

    private static let v1 = """
        -- The daemon serving the workspace: at most one row, replaced by compare-and-swap on instance_id.
        CREATE TABLE daemon (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            instance_id TEXT NOT NULL,
            pid INTEGER NOT NULL,
            host TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            heartbeat_at INTEGER NOT NULL,
            stopped_at INTEGER
        );

        CREATE TABLE jobs (
            name TEXT PRIMARY KEY NOT NULL,
            paused INTEGER NOT NULL DEFAULT 0,
            cursor INTEGER NOT NULL,
            retired INTEGER NOT NULL DEFAULT 0,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            last_alert_at INTEGER,
            alerting INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE runs (
            id TEXT PRIMARY KEY NOT NULL,
            job TEXT NOT NULL,
            slot INTEGER NOT NULL,
            slot_key TEXT NOT NULL,
            run_trigger TEXT NOT NULL,
            state TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            not_before INTEGER NOT NULL,
            started_at INTEGER,
            finished_at INTEGER,
            exit_status INTEGER,
            error TEXT,
            excerpt TEXT,
            owner TEXT,
            child_pid INTEGER
        );
        -- A slot fires at most once per attempt, however many schedulers insert it.
        CREATE UNIQUE INDEX runs_slot ON runs (job, slot_key, attempt);
        -- The ready queue: dueRuns and nextPendingRunTime read only pending rows, in order.
        CREATE INDEX runs_pending ON runs (not_before, id) WHERE state = 'pending';
        -- Exclusive claims look for a running run of the same job.
        CREATE INDEX runs_running ON runs (job) WHERE state = 'running';
        -- Listings, newest first: per job, and across jobs.
        CREATE INDEX runs_by_job ON runs (job, created_at, id);
        CREATE INDEX runs_by_creation ON runs (created_at, id);

        -- seq is the insertion order, which is the order alerts are listed in (newest recorded first).
        CREATE TABLE alerts (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            job TEXT NOT NULL,
            kind TEXT NOT NULL,
            run_id TEXT,
            sent_at INTEGER NOT NULL,
            message TEXT NOT NULL,
            delivery_errors TEXT NOT NULL
        );
        CREATE INDEX alerts_by_job ON alerts (job, seq);
        """

    private static let v2 = """
        -- One row per lease key ever granted. token counts grants of the key and never goes down, so a
        -- released row stays (released = 1) to keep the counter.
        CREATE TABLE leases (
            key TEXT PRIMARY KEY NOT NULL,
            owner TEXT NOT NULL,
            token INTEGER NOT NULL,
            acquired_at INTEGER NOT NULL,
            renewed_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            released INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE cycle_runs (
            id TEXT PRIMARY KEY NOT NULL,
            cycle TEXT NOT NULL,
            tenant TEXT NOT NULL,
            slot INTEGER NOT NULL,
            slot_key TEXT NOT NULL,
            run_trigger TEXT NOT NULL,
            variant TEXT NOT NULL,
            state TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            started_at INTEGER,
            finished_at INTEGER,
            error TEXT,
            owner TEXT,
            lease_token INTEGER
        );
        -- A cycle's slot fires at most once per variant, however many processes insert it.
        CREATE UNIQUE INDEX cycle_runs_slot ON cycle_runs (cycle, tenant, slot_key, variant);
        -- Listings, newest first.
        CREATE INDEX cycle_runs_by_creation ON cycle_runs (created_at, id);
        -- Recovery finds a dead owner's running cycle runs.
        CREATE INDEX cycle_runs_running ON cycle_runs (owner) WHERE state = 'running';

        CREATE TABLE cycle_steps (
            cycle_run_id TEXT NOT NULL REFERENCES cycle_runs (id) ON DELETE CASCADE,
            step_index INTEGER NOT NULL,
            name TEXT NOT NULL,
            state TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            started_at INTEGER,
            finished_at INTEGER,
            excerpt TEXT,
            output TEXT,
            error TEXT,
            budget_seconds REAL,
            overrun_seconds REAL,
            idempotency_key TEXT NOT NULL,
            PRIMARY KEY (cycle_run_id, step_index)
        );
        """

    private static let goals = """
        -- Goals: start_day and end_day are calendar days (YYYY-MM-DD) read in time_zone (an IANA name).
        CREATE TABLE goals (
            name TEXT PRIMARY KEY NOT NULL,
            metric TEXT NOT NULL,
            kind TEXT NOT NULL,
            target REAL NOT NULL,
            current REAL NOT NULL,
            start_day TEXT NOT NULL,
            end_day TEXT NOT NULL,
            time_zone TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            completed_at INTEGER
        );

        -- Every recorded value; seq orders rows of the same instant.
        CREATE TABLE goal_progress (
            seq INTEGER PRIMARY KEY,
            goal TEXT NOT NULL REFERENCES goals (name) ON DELETE CASCADE,
            value REAL NOT NULL,
            at INTEGER NOT NULL,
            note TEXT
        );
        CREATE INDEX goal_progress_by_goal ON goal_progress (goal, at, seq);
        """

    /// Durable task queues with leased claims, the last `task_N` number handed out, and small named
    /// values (`StateStore`). Lists and JSON values are stored as canonical JSON text.
    private static let queue = """
        -- seq is the insertion order tasks are listed in; AUTOINCREMENT never hands a number out twice.
        CREATE TABLE tasks (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            queue TEXT NOT NULL,
            title TEXT NOT NULL,
            description TEXT NOT NULL,
            category TEXT NOT NULL,
            hours REAL NOT NULL,
            score REAL NOT NULL,
            depends_on TEXT NOT NULL,
            attributes TEXT NOT NULL,
            state TEXT NOT NULL,
            time_window TEXT,
            scheduled_for INTEGER,
            attempts INTEGER NOT NULL,
            max_attempts INTEGER NOT NULL,
            lease_owner TEXT,
            lease_expires_at INTEGER,
            pid INTEGER,
            action_id TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            started_at INTEGER,
            finished_at INTEGER,
            last_error TEXT,
            result TEXT
        );
        -- Listings: one queue, some states, in insertion order.
        CREATE INDEX tasks_by_queue ON tasks (queue, state, seq);
        -- releaseExpiredTasks reads only running tasks, by lease expiry.
        CREATE INDEX tasks_expiring ON tasks (lease_expires_at) WHERE state = 'running';

        -- The last task_N number handed out: an operator's id never takes a number, so this is kept
        -- apart from the ids.
        CREATE TABLE task_numbers (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            last INTEGER NOT NULL
        );

        CREATE TABLE state_values (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL,
            updated_at INTEGER NOT NULL
        );
        """
}
