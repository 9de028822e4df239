/// The PostgreSQL schema, one named migration per version, applied in order by
/// `PostgresMigrator`. Applied migrations never change; a change of the schema is a new migration
/// appended to ``migrations``.
///
/// It is the SQLite driver's schema as it stands after all of SQLite's migrations (`SQLiteSchema`,
/// `SQLiteStrictTables`), table for table and column for column, so that a store copies between the
/// drivers row for row:
///
/// - dates are `bigint` milliseconds since 1970 (see `PostgresTime`); booleans are `boolean`;
///   counts, pids and tokens are `bigint` (SQLite's INTEGER) and checked against the Swift type on
///   reading; fractions are `double precision`;
/// - JSON (lists, attributes, payloads, audit data) is `text` holding the canonical JSON the
///   core wrote, not `jsonb`: `jsonb` reorders keys and rewrites numbers, and the audit chain
///   hashes those exact bytes, while nothing queries inside the JSON;
/// - text is `COLLATE "C"`: compared and ordered byte by byte, as SQLite's BINARY collation
///   does, whatever the database's locale;
/// - SQLite's implicit rowid orders (`seq`) are identity columns; the audit chain's `seq` is
///   written by the appender, one past the head row;
/// - `task_totals` is kept by a trigger function, in the transaction of every write of `tasks`.
enum PostgresSchema {
    /// Every migration, in the order they apply.
    static let migrations: [(name: String, sql: String)] = [
        ("1-initial", initial),
    ]

    private static let initial = """
        -- The daemon serving the workspace: at most one row, replaced by compare-and-swap on instance_id.
        CREATE TABLE daemon (
            singleton integer PRIMARY KEY CHECK (singleton = 1),
            instance_id text COLLATE "C" NOT NULL,
            pid bigint NOT NULL,
            host text COLLATE "C" NOT NULL,
            started_at bigint NOT NULL,
            heartbeat_at bigint NOT NULL,
            stopped_at bigint
        );

        CREATE TABLE jobs (
            name text COLLATE "C" PRIMARY KEY,
            paused boolean NOT NULL DEFAULT false,
            cursor bigint NOT NULL,
            retired boolean NOT NULL DEFAULT false,
            consecutive_failures bigint NOT NULL DEFAULT 0,
            last_alert_at bigint,
            alerting boolean NOT NULL DEFAULT false
        );

        CREATE TABLE runs (
            id text COLLATE "C" PRIMARY KEY,
            job text COLLATE "C" NOT NULL,
            slot bigint NOT NULL,
            slot_key text COLLATE "C" NOT NULL,
            run_trigger text COLLATE "C" NOT NULL,
            state text COLLATE "C" NOT NULL,
            attempt bigint NOT NULL,
            created_at bigint NOT NULL,
            not_before bigint NOT NULL,
            started_at bigint,
            finished_at bigint,
            exit_status bigint,
            error text COLLATE "C",
            excerpt text COLLATE "C",
            owner text COLLATE "C",
            child_pid bigint
        );
        -- A slot fires at most once per attempt, however many schedulers on however many nodes insert it.
        CREATE UNIQUE INDEX runs_slot ON runs (job, slot_key, attempt);
        -- The ready queue: dueRuns and nextPendingRunTime read only pending rows, in order.
        CREATE INDEX runs_pending ON runs (not_before, id) WHERE state = 'pending';
        -- Exclusive claims look for a running run of the same job.
        CREATE INDEX runs_running ON runs (job) WHERE state = 'running';
        -- Listings, newest first: per job, across jobs, per state; a brief's period.
        CREATE INDEX runs_by_job ON runs (job, created_at, id);
        CREATE INDEX runs_by_creation ON runs (created_at, id);
        CREATE INDEX runs_by_finish ON runs (finished_at) WHERE finished_at IS NOT NULL;
        CREATE INDEX runs_by_state ON runs (state, created_at, id);

        -- seq is the insertion order, which is the order alerts are listed in (newest recorded first).
        CREATE TABLE alerts (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id text COLLATE "C" NOT NULL,
            job text COLLATE "C" NOT NULL,
            kind text COLLATE "C" NOT NULL,
            run_id text COLLATE "C",
            sent_at bigint NOT NULL,
            message text COLLATE "C" NOT NULL,
            delivery_errors text COLLATE "C" NOT NULL
        );
        CREATE INDEX alerts_by_job ON alerts (job, seq);

        -- One row per lease key ever granted. token counts grants of the key and never goes down, so a
        -- released row stays (released = true) to keep the counter.
        CREATE TABLE leases (
            key text COLLATE "C" PRIMARY KEY,
            owner text COLLATE "C" NOT NULL,
            token bigint NOT NULL,
            acquired_at bigint NOT NULL,
            renewed_at bigint NOT NULL,
            expires_at bigint NOT NULL,
            released boolean NOT NULL DEFAULT false
        );

        CREATE TABLE cycle_runs (
            id text COLLATE "C" PRIMARY KEY,
            cycle text COLLATE "C" NOT NULL,
            tenant text COLLATE "C" NOT NULL,
            slot bigint NOT NULL,
            slot_key text COLLATE "C" NOT NULL,
            run_trigger text COLLATE "C" NOT NULL,
            variant text COLLATE "C" NOT NULL,
            state text COLLATE "C" NOT NULL,
            created_at bigint NOT NULL,
            started_at bigint,
            finished_at bigint,
            error text COLLATE "C",
            owner text COLLATE "C",
            lease_token bigint
        );
        -- A cycle's slot fires at most once per variant, however many processes insert it.
        CREATE UNIQUE INDEX cycle_runs_slot ON cycle_runs (cycle, tenant, slot_key, variant);
        CREATE INDEX cycle_runs_by_creation ON cycle_runs (created_at, id);
        -- Recovery finds a dead owner's running cycle runs.
        CREATE INDEX cycle_runs_running ON cycle_runs (owner) WHERE state = 'running';

        CREATE TABLE cycle_steps (
            cycle_run_id text COLLATE "C" NOT NULL REFERENCES cycle_runs (id) ON DELETE CASCADE,
            step_index bigint NOT NULL,
            name text COLLATE "C" NOT NULL,
            state text COLLATE "C" NOT NULL,
            attempt bigint NOT NULL,
            started_at bigint,
            finished_at bigint,
            excerpt text COLLATE "C",
            output text COLLATE "C",
            error text COLLATE "C",
            budget_seconds double precision,
            overrun_seconds double precision,
            idempotency_key text COLLATE "C" NOT NULL,
            PRIMARY KEY (cycle_run_id, step_index)
        );

        -- Goals: start_day and end_day are calendar days (YYYY-MM-DD) read in time_zone (an IANA name).
        CREATE TABLE goals (
            name text COLLATE "C" PRIMARY KEY,
            metric text COLLATE "C" NOT NULL,
            kind text COLLATE "C" NOT NULL,
            target double precision NOT NULL,
            current double precision NOT NULL,
            start_day text COLLATE "C" NOT NULL,
            end_day text COLLATE "C" NOT NULL,
            time_zone text COLLATE "C" NOT NULL,
            status text COLLATE "C" NOT NULL,
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL,
            completed_at bigint
        );

        -- Every recorded value; seq orders rows of the same instant.
        CREATE TABLE goal_progress (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            goal text COLLATE "C" NOT NULL REFERENCES goals (name) ON DELETE CASCADE,
            value double precision NOT NULL,
            at bigint NOT NULL,
            note text COLLATE "C"
        );
        CREATE INDEX goal_progress_by_goal ON goal_progress (goal, at, seq);

        -- Proposed actions (the approval inbox is the awaiting_approval ones).
        CREATE TABLE actions (
            id text COLLATE "C" PRIMARY KEY,
            type text COLLATE "C" NOT NULL,
            actor text COLLATE "C" NOT NULL,
            tenant text COLLATE "C",
            attributes text COLLATE "C" NOT NULL,
            payload text COLLATE "C" NOT NULL,
            payload_hash text COLLATE "C" NOT NULL,
            verdict text COLLATE "C" NOT NULL,
            decided_by text COLLATE "C" NOT NULL,
            reason text COLLATE "C" NOT NULL,
            status text COLLATE "C" NOT NULL,
            run_id text COLLATE "C",
            created_at bigint NOT NULL,
            expires_at bigint,
            resolved_by text COLLATE "C",
            resolved_at bigint,
            note text COLLATE "C",
            execution_run_id text COLLATE "C",
            outcome text COLLATE "C",
            counted_at bigint,
            cost double precision NOT NULL DEFAULT 0,
            recipient text COLLATE "C",
            run_seconds double precision NOT NULL DEFAULT 0,
            summary text COLLATE "C"
        );
        CREATE INDEX actions_by_status ON actions (status, created_at);
        CREATE INDEX actions_counted ON actions (counted_at, type) WHERE counted_at IS NOT NULL;
        CREATE INDEX actions_by_run ON actions (run_id) WHERE run_id IS NOT NULL;
        CREATE INDEX actions_by_creation ON actions (created_at, id);

        -- Append-only: hash = SHA-256(prev_hash || canonical content); see AuditRecord.
        CREATE TABLE audit (
            seq bigint PRIMARY KEY,
            at bigint NOT NULL,
            kind text COLLATE "C" NOT NULL,
            actor text COLLATE "C" NOT NULL,
            subject text COLLATE "C" NOT NULL,
            data text COLLATE "C" NOT NULL,
            prev_hash text COLLATE "C" NOT NULL,
            hash text COLLATE "C" NOT NULL
        );
        CREATE INDEX audit_by_kind ON audit (kind, seq);

        -- The newest record as written, so that removing the last records shows. Appends lock this
        -- row (SELECT … FOR UPDATE), which makes the chain one chain across every node.
        CREATE TABLE audit_head (
            singleton integer PRIMARY KEY CHECK (singleton = 1),
            seq bigint NOT NULL,
            hash text COLLATE "C" NOT NULL
        );

        -- seq is the insertion order tasks are listed in; an identity never hands a number out twice.
        CREATE TABLE tasks (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id text COLLATE "C" NOT NULL UNIQUE,
            queue text COLLATE "C" NOT NULL,
            title text COLLATE "C" NOT NULL,
            description text COLLATE "C" NOT NULL,
            category text COLLATE "C" NOT NULL,
            hours double precision NOT NULL,
            score double precision NOT NULL,
            depends_on text COLLATE "C" NOT NULL,
            attributes text COLLATE "C" NOT NULL,
            state text COLLATE "C" NOT NULL,
            time_window text COLLATE "C",
            scheduled_for bigint,
            attempts bigint NOT NULL,
            max_attempts bigint NOT NULL,
            lease_owner text COLLATE "C",
            lease_expires_at bigint,
            pid bigint,
            action_id text COLLATE "C",
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL,
            started_at bigint,
            finished_at bigint,
            last_error text COLLATE "C",
            result text COLLATE "C"
        );
        CREATE INDEX tasks_by_queue ON tasks (queue, state, seq);
        CREATE INDEX tasks_expiring ON tasks (lease_expires_at) WHERE state = 'running';
        CREATE INDEX tasks_by_finish ON tasks (queue, finished_at) WHERE finished_at IS NOT NULL;

        -- The last task_N number handed out: an operator's id never takes a number.
        CREATE TABLE task_numbers (
            singleton integer PRIMARY KEY CHECK (singleton = 1),
            last bigint NOT NULL
        );

        -- Tasks counted per queue and state as they change, so counting costs the same however many
        -- tasks are kept. Estimates are added in whole micro-hours, so the totals never drift.
        CREATE TABLE task_totals (
            queue text COLLATE "C" NOT NULL,
            state text COLLATE "C" NOT NULL,
            count bigint NOT NULL,
            micro_hours bigint NOT NULL,
            PRIMARY KEY (queue, state)
        );
        CREATE FUNCTION task_totals_follow() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                UPDATE task_totals SET count = count - 1, micro_hours = micro_hours - round(OLD.hours * 1000000)::bigint
                    WHERE queue = OLD.queue AND state = OLD.state;
            END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') THEN
                INSERT INTO task_totals (queue, state, count, micro_hours)
                    VALUES (NEW.queue, NEW.state, 1, round(NEW.hours * 1000000)::bigint)
                    ON CONFLICT (queue, state) DO UPDATE
                    SET count = task_totals.count + 1, micro_hours = task_totals.micro_hours + excluded.micro_hours;
            END IF;
            RETURN NULL;
        END;
        $$;
        CREATE TRIGGER task_totals_insert_delete AFTER INSERT OR DELETE ON tasks
            FOR EACH ROW EXECUTE FUNCTION task_totals_follow();
        CREATE TRIGGER task_totals_update AFTER UPDATE OF queue, state, hours ON tasks
            FOR EACH ROW WHEN (OLD.queue IS DISTINCT FROM NEW.queue OR OLD.state IS DISTINCT FROM NEW.state
                OR OLD.hours IS DISTINCT FROM NEW.hours)
            EXECUTE FUNCTION task_totals_follow();

        CREATE TABLE state_values (
            key text COLLATE "C" PRIMARY KEY,
            value text COLLATE "C" NOT NULL,
            updated_at bigint NOT NULL
        );

        -- Metric samples, problems (at most one open per key), and the events the learners count.
        CREATE TABLE samples (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            metric text COLLATE "C" NOT NULL,
            at bigint NOT NULL,
            value double precision NOT NULL
        );
        CREATE INDEX samples_by_metric ON samples (metric, at);
        CREATE INDEX samples_by_time ON samples (at);
        CREATE TABLE problems (
            id text COLLATE "C" PRIMARY KEY,
            key text COLLATE "C" NOT NULL,
            severity text COLLATE "C" NOT NULL,
            summary text COLLATE "C" NOT NULL,
            evidence text COLLATE "C" NOT NULL,
            fix text COLLATE "C",
            first_seen bigint NOT NULL,
            last_seen bigint NOT NULL,
            occurrences bigint NOT NULL,
            resolved_at bigint,
            resolution text COLLATE "C",
            escalated_at bigint
        );
        CREATE UNIQUE INDEX problems_open_by_key ON problems (key) WHERE resolved_at IS NULL;
        CREATE INDEX problems_by_seen ON problems (last_seen);
        CREATE TABLE events (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            kind text COLLATE "C" NOT NULL,
            name text COLLATE "C" NOT NULL,
            at bigint NOT NULL,
            value double precision,
            data text COLLATE "C",
            run_id text COLLATE "C"
        );
        CREATE INDEX events_by_kind ON events (kind, name, at);
        CREATE INDEX events_by_time ON events (at);

        -- Which store this is (see StoreIdentity): one row, written when the store is created.
        CREATE TABLE store_identity (
            singleton integer PRIMARY KEY CHECK (singleton = 1),
            id text COLLATE "C" NOT NULL,
            created_at bigint NOT NULL
        );

        -- Rows that could not be read, moved aside (the SQLite driver's quarantine; kept so a store
        -- copies between the drivers table for table). removed = false notes a row left in place.
        CREATE TABLE quarantine (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            source text COLLATE "C" NOT NULL,
            row_key text COLLATE "C" NOT NULL,
            row_values text COLLATE "C" NOT NULL,
            problem text COLLATE "C" NOT NULL,
            at bigint NOT NULL,
            removed boolean NOT NULL
        );
        """
}
