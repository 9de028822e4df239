#!/usr/bin/env bash
# Latency of the reading commands against the history a store holds: `status`, `runs list`,
# `queue add`, `queue list --json`, `approvals list` and `brief`, each timed on a store of 1,000 and
# one of 1,000,000 runs, builder tasks and actions (and as many audit records), with one binary.
#
# Both stores hold the same page — what the commands show: the last 31 days of runs (1,000, one
# every 45 minutes, some pending and one running), 40 open or recently ended tasks (queued,
# blocked, scheduled, running, awaiting approval, failed; 8 succeeded in the last 20 hours) and 30
# actions awaiting approval. The large store adds history before that: runs one a minute before the
# 31 days, tasks that succeeded (or were cancelled) more than two days ago, actions executed long
# ago. A command whose latency depends only on its page takes the same time on both.
#
# Each workspace is made with `nightshift init --example builder` (so the schema is the binary's
# own), then filled with SQL through sqlite3 in seconds (a million rows per table, the columns
# and types the driver writes). Then each command runs WARMUP times, then RUNS times, on the two
# stores in turn (so a change of load on the machine falls on both alike); the median wall clock of
# the RUNS is reported per store, with the ratio large/small. `queue add` runs last (it adds a task).
#
# Usage: bash Benchmarks/history-latency.sh        (from the repository root, or from anywhere)
# Environment: BIN (default: the debug build, .build/debug/nightshift), SMALL (1000), LARGE
#              (1000000), RUNS (11), WARMUP (2), KEEP=1 to keep the workspaces (printed).
# Needs: sqlite3, GNU date. Writes only under a temporary folder (about 2 GB for 1,000,000).
set -euo pipefail
shopt -s inherit_errexit

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${BIN:-$root/.build/debug/nightshift}
SMALL=${SMALL:-1000}
LARGE=${LARGE:-1000000}
RUNS=${RUNS:-11}
WARMUP=${WARMUP:-2}
RECENT_RUNS=1000
OPEN_TASKS=40
WAITING_ACTIONS=30

[ -x "$BIN" ] || { echo "history-latency.sh: $BIN not found; build it first (swift build)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "history-latency.sh: needs sqlite3" >&2; exit 1; }
[ "$SMALL" -ge "$RECENT_RUNS" ] || { echo "history-latency.sh: SMALL must be at least $RECENT_RUNS" >&2; exit 2; }

base=$(mktemp -d "${TMPDIR:-/tmp}/nightshift-history.XXXXXX")
cleanup() { if [ "${KEEP:-0}" = 1 ]; then echo "kept: $base" >&2; else rm -rf "$base"; fi; }
trap cleanup EXIT

# The SQL that fills a fresh store with N runs, tasks, actions and audit records around NOW (ms).
fill_sql() {
    local n=$1 now=$2
    local minute=60000 hour=3600000 day=86400000
    local history_runs=$((n - RECENT_RUNS)) history_tasks=$((n - OPEN_TASKS)) history_actions=$((n - WAITING_ACTIONS))
    # The recent runs start 31.25 days back; the older ones end a minute before that.
    local recent_start=$((now - RECENT_RUNS * 45 * minute))
    cat <<SQL
PRAGMA synchronous = OFF;
PRAGMA cache_size = -400000;
BEGIN;
-- Runs: history (one a minute, ending where the recent ones start), then the recent 1,000.
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $history_runs)
INSERT INTO runs (id, job, slot, slot_key, run_trigger, state, attempt, created_at, not_before, started_at, finished_at,
                  exit_status, error, excerpt, owner, child_pid)
SELECT printf('r_h%09d', i), CASE i % 3 WHEN 0 THEN 'morning-brief' ELSE 'night-tests' END, t, 'h' || i, 'schedule',
       CASE WHEN i % 50 = 0 THEN 'missed' WHEN i % 20 = 0 THEN 'skipped' WHEN i % 12 = 0 THEN 'failed' ELSE 'succeeded' END,
       1, t, t, t, t + 20000, CASE WHEN i % 12 = 0 THEN 1 ELSE 0 END,
       CASE WHEN i % 12 = 0 THEN 'exited with status 1' END, 'ok: 42 tests passed', 'old-host', NULL
FROM (SELECT i, $recent_start - ($history_runs - i + 1) * $minute AS t FROM c);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $RECENT_RUNS)
INSERT INTO runs (id, job, slot, slot_key, run_trigger, state, attempt, created_at, not_before, started_at, finished_at,
                  exit_status, error, excerpt, owner, child_pid)
SELECT printf('r_r%09d', i), CASE i % 3 WHEN 0 THEN 'morning-brief' ELSE 'night-tests' END, t, 'r' || i,
       CASE WHEN i % 97 = 0 THEN 'catchup' ELSE 'schedule' END,
       CASE WHEN i > $RECENT_RUNS - 3 THEN 'pending' WHEN i = $RECENT_RUNS - 3 THEN 'running'
            WHEN i % 50 = 0 THEN 'missed' WHEN i % 20 = 0 THEN 'skipped' WHEN i % 12 = 0 THEN 'failed' ELSE 'succeeded' END,
       1, t, CASE WHEN i > $RECENT_RUNS - 3 THEN $now + $day ELSE t END,
       CASE WHEN i > $RECENT_RUNS - 3 THEN NULL ELSE t END,
       CASE WHEN i >= $RECENT_RUNS - 3 THEN NULL ELSE t + 20000 END,
       CASE WHEN i >= $RECENT_RUNS - 3 THEN NULL WHEN i % 12 = 0 THEN 1 ELSE 0 END,
       CASE WHEN i < $RECENT_RUNS - 3 AND i % 12 = 0 THEN 'exited with status 1' END,
       CASE WHEN i < $RECENT_RUNS - 3 THEN 'ok: 42 tests passed' END,
       CASE WHEN i = $RECENT_RUNS - 3 THEN '1.1@other-host#bench' END, NULL
FROM (SELECT i, $recent_start + i * 45 * $minute AS t FROM c);

-- Builder tasks: history (ended more than two days ago), then the open and recently ended ones.
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $history_tasks)
INSERT INTO tasks (id, queue, title, description, category, hours, score, depends_on, attributes, state, time_window,
                   scheduled_for, attempts, max_attempts, lease_owner, lease_expires_at, pid, action_id, created_at,
                   updated_at, started_at, finished_at, last_error, result)
SELECT 'task_' || i, 'builder', 'Old task ' || i, 'Done long ago', 'Bug fixes', 1.5, 3.33, '[]',
       '{"effort":2,"impact":5,"priority":"MEDIUM"}', CASE WHEN i % 10 = 0 THEN 'cancelled' ELSE 'succeeded' END, NULL, NULL,
       1, 3, NULL, NULL, NULL, NULL, t, t + $hour, t, t + $hour, NULL, NULL
FROM (SELECT i, $now - 2 * $day - ($history_tasks - i + 1) * $minute AS t FROM c);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $OPEN_TASKS)
INSERT INTO tasks (id, queue, title, description, category, hours, score, depends_on, attributes, state, time_window,
                   scheduled_for, attempts, max_attempts, lease_owner, lease_expires_at, pid, action_id, created_at,
                   updated_at, started_at, finished_at, last_error, result)
SELECT 'task_' || ($history_tasks + i), 'builder', 'Open task ' || i, 'Still to do', 'Bug fixes', 1 + i % 4, 5.0 / (1 + i % 4),
       CASE WHEN i BETWEEN 1 AND 3 THEN '["task_1"]'
            WHEN i BETWEEN 16 AND 20 THEN '["task_' || ($history_tasks + i - 15) || '"]' ELSE '[]' END,
       '{"effort":2,"impact":5,"priority":"MEDIUM"}',
       CASE WHEN i <= 15 THEN 'queued' WHEN i <= 20 THEN 'blocked' WHEN i <= 23 THEN 'scheduled' WHEN i <= 25 THEN 'running'
            WHEN i <= 28 THEN 'awaiting_approval' WHEN i <= 32 THEN 'failed' ELSE 'succeeded' END,
       CASE WHEN i BETWEEN 21 AND 23 THEN 'overnight' END, CASE WHEN i BETWEEN 21 AND 23 THEN $now + $day END,
       CASE WHEN i <= 23 OR i BETWEEN 26 AND 28 THEN 0 ELSE 1 END, 3,
       CASE WHEN i BETWEEN 24 AND 25 THEN '1.1@other-host#bench' END, CASE WHEN i BETWEEN 24 AND 25 THEN $now + $day END,
       NULL, NULL, t, t, CASE WHEN i > 23 AND i NOT BETWEEN 26 AND 28 THEN t END,
       CASE WHEN i > 28 THEN $now - (i - 28) * $hour END, CASE WHEN i BETWEEN 29 AND 32 THEN 'agent exited with status 1' END, NULL
FROM (SELECT i, $now - 40 * $hour + i * $minute AS t FROM c);
INSERT INTO task_numbers (singleton, last) VALUES (1, $n) ON CONFLICT (singleton) DO UPDATE SET last = excluded.last;

-- Actions: history (executed), then the ones awaiting approval; one audit record each.
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $n)
INSERT INTO actions (id, type, actor, tenant, attributes, payload, payload_hash, verdict, decided_by, reason, status, run_id,
                     created_at, expires_at, resolved_by, resolved_at, note, execution_run_id, outcome, counted_at, cost,
                     recipient, run_seconds)
SELECT printf('a_b%09d', i), 'run_command', 'job:night-tests', NULL, '{"job":"night-tests"}',
       '{"command":["./bin/nightly-step.sh","tests"]}', 'bench', CASE WHEN w THEN 'approve' ELSE 'allow' END,
       '["catalog.run_command"]', CASE WHEN w THEN 'run_command needs approval' ELSE 'run_command is autonomous' END,
       CASE WHEN w THEN 'awaiting_approval' ELSE 'executed' END, NULL, t, CASE WHEN w THEN $now + 3 * $day END,
       NULL, NULL, NULL, NULL, CASE WHEN w THEN NULL ELSE 'exit 0' END, CASE WHEN w THEN NULL ELSE t END, 0, NULL, 0
FROM (SELECT i, i > $history_actions AS w,
             CASE WHEN i > $history_actions THEN $now - ($n - i + 1) * $hour ELSE $recent_start - ($history_actions - i + 1) * $minute END AS t
      FROM c);
INSERT INTO audit (seq, at, kind, actor, subject, data, prev_hash, hash)
SELECT (SELECT COALESCE(MAX(seq), 0) FROM audit) + ROW_NUMBER() OVER (ORDER BY created_at, id), created_at, 'decision', actor, id,
       '{"bench":true}', 'bench', 'bench'
FROM actions;
INSERT INTO audit_head (singleton, seq, hash) SELECT 1, MAX(seq), 'bench' FROM audit WHERE true
    ON CONFLICT (singleton) DO UPDATE SET seq = excluded.seq, hash = excluded.hash;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
}

# Microseconds of wall clock of one run of the command, which must succeed.
time_once() {
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "history-latency.sh: failed: $*" >&2; "$@" >&2 || true; exit 1; }
    end=$(date +%s%N)
    echo $(((end - start) / 1000))
}

commands=("status" "runs list" "queue list --json" "approvals list" "brief" "queue add")

# The arguments of a command against the workspace `ws`.
arguments() {
    local command=$1 ws=$2
    case $command in
        "queue add") echo "queue add Benchmark-task --hours 1 --category Bug-fixes --workspace $ws" ;;
        *) echo "$command --workspace $ws" ;;
    esac
}

for n in "$SMALL" "$LARGE"; do
    ws="$base/ws-$n"
    "$BIN" init --example builder --workspace "$ws" >/dev/null
    now=$(($(date +%s) * 1000))
    start=$(date +%s)
    fill_sql "$n" "$now" | sqlite3 -bail "$ws/nightshift.sqlite" >/dev/null
    echo "filled $n runs, tasks, actions and audit records in $(($(date +%s) - start)) s ($(du -sh "$ws/nightshift.sqlite" | cut -f1))" >&2
done

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "binary: $BIN"
echo "median of $RUNS runs after $WARMUP warm-up runs each, the two stores taking turns; wall clock per command"
echo
printf '| command | %s | %s | ratio |\n' "$SMALL" "$LARGE"
echo "| --- | --- | --- | --- |"
for command in "${commands[@]}"; do
    small_args=$(arguments "$command" "$base/ws-$SMALL") large_args=$(arguments "$command" "$base/ws-$LARGE")
    for _ in $(seq "$WARMUP"); do
        # shellcheck disable=SC2086
        time_once "$BIN" $small_args >/dev/null; time_once "$BIN" $large_args >/dev/null
    done
    small_samples=() large_samples=()
    # Taking turns, so that a change of load on the machine falls on both stores alike.
    for _ in $(seq "$RUNS"); do
        # shellcheck disable=SC2086
        small_samples+=("$(time_once "$BIN" $small_args)"); large_samples+=("$(time_once "$BIN" $large_args)")
    done
    small=$(printf '%s\n' "${small_samples[@]}" | median) large=$(printf '%s\n' "${large_samples[@]}" | median)
    awk -v c="$command" -v s="$small" -v l="$large" 'BEGIN { printf "| `%s` | %.1f ms | %.1f ms | %.2f |\n", c, s / 1000, l / 1000, l / s }'
done
