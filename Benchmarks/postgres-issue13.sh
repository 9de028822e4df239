#!/bin/sh
# Issue 13's PostgreSQL benchmarks and their peers, one after the other on the same server:
# Nightshift's `PostgresQueue` (queue throughput, LISTEN/NOTIFY pickup latency, checkpoints),
# `pgbench -N` (the ceiling), procrastinate (procrastinate-queue.py) and DBOS (dbos-steps-postgres.py).
# Prints the load average before each. Figures go to docs/PERFORMANCE.md by hand.
#
# Usage (from the repository root, the test cluster running: scripts/postgres-test-cluster start):
#   (cd Benchmarks && nice -n 5 swift build -c release --product PostgresQueue)
#   sh Benchmarks/postgres-issue13.sh [VENV]          # VENV: /tmp/venv-pg by default
#
# Databases used (created when missing, as the cluster's user may): the URL's own (PostgresQueue,
# in schemas pgq_* it drops afterwards), bench_pgbench, bench_procrastinate, bench_dbos.
set -eu
venv=${1:-/tmp/venv-pg}
url=${NIGHTSHIFT_TEST_POSTGRES_URL:-$(scripts/postgres-test-cluster url)}
server=${url%/*}                      # postgres://nightshift@127.0.0.1:54329
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
load() { echo "-- $(date -u +%H:%M:%S) load average: $(cut -d' ' -f1-3 /proc/loadavg)"; }

psql "$url" -Atc "SELECT 'server ' || version(), 'fsync=' || current_setting('fsync'), 'synchronous_commit=' || current_setting('synchronous_commit')"

load
Benchmarks/.build/release/PostgresQueue --url "$url" --only queue --runs 5000
load
Benchmarks/.build/release/PostgresQueue --url "$url" --only queue --runs 5000 --jobs 1 --modes ids,runner --claimers 1,4
load
Benchmarks/.build/release/PostgresQueue --url "$url" --only pickup --rate 500
load
Benchmarks/.build/release/PostgresQueue --url "$url" --only pickup --rate 100 --pickups 2000
load
Benchmarks/.build/release/PostgresQueue --url "$url" --only steps

if ! psql "$server/bench_pgbench" -Atc "SELECT 1" >/dev/null 2>&1; then
    psql "$url" -qc "CREATE DATABASE bench_pgbench"
    "$bin/pgbench" -q -i -s 10 "$server/bench_pgbench"
fi
for clients in 1 2 4 8; do
    load
    "$bin/pgbench" -N -c "$clients" -j "$(( clients < 2 ? clients : 2 ))" -T 20 "$server/bench_pgbench" 2>&1 | grep -E "^(number of clients|tps)"
done

load
python3 Benchmarks/procrastinate-queue.py --venv "$venv" --database-url "postgresql://${server#postgres://}/bench_procrastinate" --jobs 5000 --concurrency 1,2,4,8
load
python3 Benchmarks/dbos-steps-postgres.py --venv "$venv" --database-url "postgresql://${server#postgres://}/bench_dbos" --cycles 300 --steps 3000
load
