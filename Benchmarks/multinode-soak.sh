#!/usr/bin/env bash
# Three `nightshift serve` nodes on one PostgreSQL database share an every-second job for DURATION
# seconds (default 600); every KILL_EVERY seconds (default 20) one node, chosen at random, is
# SIGKILLed and started again. Afterwards it checks, in the database:
#   - exactly one first attempt per slot (no slot run twice),
#   - every second from the first slot to the last has its run (no slot lost),
#   - no run left running or pending,
#   - every run a killed node left running was ended (interrupted or adopted) and, if interrupted,
#     retried; how long after it started its end was recorded (the recovery, bounded by the node
#     lease of 15 s plus a pass),
#   - `audit verify` is ok (one chain across the nodes).
# The CI test (PostgresWorkspaceTests.threeNodesShareTheSchedule) is the same with one kill in 15 s.
#
#   bash Benchmarks/multinode-soak.sh [DURATION] [KILL_EVERY]
#
# Needs a built `nightshift` (NIGHTSHIFT=path, default .build/debug/nightshift) and the test cluster
# (scripts/postgres-test-cluster start), or NIGHTSHIFT_TEST_POSTGRES_URL.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-600}
kill_every=${2:-20}
nightshift=${NIGHTSHIFT:-$PWD/.build/debug/nightshift}
base=${NIGHTSHIFT_TEST_POSTGRES_URL:-$(scripts/postgres-test-cluster url)}
schema="soak_$(date +%s)_$$"
url="$base?schema=$schema"
export NIGHTSHIFT_DATABASE_URL="$url"
scratch=$(mktemp -d)
psql_() { psql "$base" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

pids=("" "" "")
cleanup() {
    for pid in "${pids[@]}"; do [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true; done
    rm -rf "$scratch"
}
trap cleanup EXIT

for node in 0 1 2; do
    "$nightshift" init -w "$scratch/node$node" >/dev/null
    cat > "$scratch/node$node/nightshift.toml" <<'TOML'
[workspace]
time_zone = "UTC"

[store]
url = "env:NIGHTSHIFT_DATABASE_URL"

[jobs.tick]
schedule = "*/1 * * * * *"
command = ["sh", "-c", "sleep 0.3"]
overlap = "allow"
retry = { attempts = 3, backoff = "1s" }
TOML
done
"$nightshift" status --new-store -w "$scratch/node0" >/dev/null
for node in 1 2; do cp "$scratch/node0/.nightshift-store-id" "$scratch/node$node/.nightshift-store-id"; done

start_node() {
    "$nightshift" serve -w "$scratch/node$1" >>"$scratch/node$1.log" 2>&1 &
    pids[$1]=$!
}
for node in 0 1 2; do start_node "$node"; done

kills=0
began=$(date +%s)
while [ $(( $(date +%s) - began )) -lt "$duration" ]; do
    sleep "$kill_every"
    victim=$(( RANDOM % 3 ))
    kill -KILL "${pids[$victim]}" 2>/dev/null || true
    wait "${pids[$victim]}" 2>/dev/null || true
    kills=$((kills + 1))
    start_node "$victim"
done
# Past the node lease (15 s) and a pass, so the last killed node's runs are recovered, then stop.
sleep 20
for node in 0 1 2; do kill -TERM "${pids[$node]}" 2>/dev/null || true; done
for node in 0 1 2; do wait "${pids[$node]}" 2>/dev/null || true; pids[$node]=""; done

failed=0
check() { if [ "$2" != "$3" ]; then echo "FAIL $1: got $2, want $3"; failed=1; else echo "ok   $1: $2"; fi; }
runs="$schema.runs"
check "runs of the job" "$(psql_ "SELECT count(*) > 0 FROM $runs")" "t"
check "first attempts per slot (duplicates)" \
    "$(psql_ "SELECT count(*) FROM (SELECT slot FROM $runs WHERE attempt = 1 AND run_trigger = 'schedule' GROUP BY slot HAVING count(*) > 1) d")" "0"
check "seconds without a run (lost slots)" "$(psql_ "
    WITH bounds AS (SELECT min(slot) AS first, max(slot) AS last FROM $runs WHERE run_trigger = 'schedule')
    SELECT count(*) FROM bounds, generate_series(bounds.first, bounds.last, 1000) AS second
    WHERE NOT EXISTS (SELECT 1 FROM $runs r WHERE r.slot = second AND r.run_trigger = 'schedule')")" "0"
check "runs left running or pending" "$(psql_ "SELECT count(*) FROM $runs WHERE state IN ('running', 'pending')")" "0"
check "interrupted runs without a retry" "$(psql_ "
    SELECT count(*) FROM $runs i WHERE i.state = 'interrupted' AND i.attempt < 3
    AND NOT EXISTS (SELECT 1 FROM $runs r WHERE r.slot_key = i.slot_key AND r.attempt = i.attempt + 1)")" "0"
echo "runs by state: $(psql_ "SELECT string_agg(state || ' ' || n, ', ') FROM (SELECT state, count(*) n FROM $runs GROUP BY state ORDER BY state) s")"
echo "recovery (interrupted run: start to its end recorded), seconds: $(psql_ "
    SELECT coalesce(round(max(finished_at - started_at) / 1000.0, 1)::text, 'none') || ' max, '
        || coalesce(round(avg(finished_at - started_at) / 1000.0, 1)::text, 'none') || ' mean over ' || count(*)
    FROM $runs WHERE state = 'interrupted'")"
echo "kills: $kills in ${duration}s"
if "$nightshift" audit verify -w "$scratch/node1" >/dev/null; then echo "ok   audit verify"; else echo "FAIL audit verify"; failed=1; fi
psql_ "SET client_min_messages = warning; DROP SCHEMA $schema CASCADE" >/dev/null
exit $failed
