#!/usr/bin/env python3
"""DBOS Transact's step checkpoints on a PostgreSQL system database, for comparison with the
checkpoints of Nightshift's `PostgresQueue` benchmark (`--only steps`, issue 13) on the same server.

The PostgreSQL counterpart of `dbos-steps.py` (which runs DBOS on SQLite). Measures, in one process:

  - cycle:   a DBOS workflow of 10 steps that do nothing, called directly (wall time per workflow);
  - step:    one step of a workflow of many no-op steps (wall time per step call, inside the workflow);
  - floor:   a one-row INSERT in its own transaction (autocommit) with psycopg on the same server,
             so the figures above can be read against what one round trip and commit cost here.

and prints p50, p99 and the mean of each, with the server's fsync and synchronous_commit settings.
DBOS keeps its system database in the database the URL names (created by DBOS when missing).
DBOS is installed with pip into a virtual environment of its own (--venv, created when missing);
the script re-runs itself there.

Usage (from the repository root):
    python3 Benchmarks/dbos-steps-postgres.py \
        --database-url postgresql://nightshift@127.0.0.1:54329/bench_dbos \
        --cycles 300 --steps 3000 --venv /tmp/venv-pg
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time


def summary(label, samples):
    ordered = sorted(samples)
    def at(fraction):
        return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000
    mean = sum(ordered) / len(ordered) * 1000
    print(f"{label:<52} p50 {at(0.5):8.3f} ms   p99 {at(0.99):8.3f} ms   mean {mean:8.3f} ms   n={len(ordered)}")


def ensure_dbos(venv):
    """Re-runs this script under `venv`'s Python, with dbos installed there, unless it is that Python."""
    python = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(venv):
        return
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    probe = subprocess.run([python, "-c", "import dbos, psycopg"], capture_output=True)
    if probe.returncode != 0:
        installed = subprocess.run([python, "-m", "pip", "install", "--quiet", "dbos", "psycopg[binary]"])
        if installed.returncode != 0:
            sys.exit("dbos-steps-postgres.py: pip could not install dbos (is PyPI reachable?)")
    os.execv(python, [python, os.path.abspath(__file__), *sys.argv[1:]])


def floor(url, count):
    """Times `count` one-row inserts, each its own transaction, with psycopg in autocommit."""
    import psycopg
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS nightshift_floor")
        connection.execute("CREATE TABLE nightshift_floor (id bigserial PRIMARY KEY, v text NOT NULL)")
        samples = []
        for index in range(count):
            started = time.perf_counter()
            connection.execute("INSERT INTO nightshift_floor (v) VALUES (%s)", (str(index),))
            samples.append(time.perf_counter() - started)
        connection.execute("DROP TABLE nightshift_floor")
        settings = {name: connection.execute(f"SHOW {name}").fetchone()[0] for name in ("fsync", "synchronous_commit", "server_version")}
    return samples, settings


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="postgresql://nightshift@127.0.0.1:54329/bench_dbos")
    parser.add_argument("--cycles", type=int, default=300, help="10-step workflows to time (after 20 warm-up ones)")
    parser.add_argument("--steps", type=int, default=3000, help="steps to time, in one workflow")
    parser.add_argument("--venv", default=os.path.join(tempfile.gettempdir(), "nightshift-venv-pg"))
    options = parser.parse_args()
    ensure_dbos(options.venv)

    import dbos as dbos_module
    from dbos import DBOS

    DBOS(config={"name": "nightshift-comparison", "system_database_url": options.database_url, "log_level": "WARNING"})

    @DBOS.step()
    def nothing():
        return None

    @DBOS.workflow()
    def ten_steps():
        for _ in range(10):
            nothing()

    @DBOS.workflow()
    def timed_steps(count):
        samples = []
        for _ in range(count):
            started = time.perf_counter()
            nothing()
            samples.append(time.perf_counter() - started)
        return samples

    DBOS.launch()
    try:
        version = getattr(dbos_module, "__version__", None) or subprocess.run(
            [sys.executable, "-m", "pip", "show", "dbos"], capture_output=True, text=True
        ).stdout.split("\n")[1].removeprefix("Version: ")
        safe_url = options.database_url.split("@")[-1]
        print(f"dbos {version}, system database on PostgreSQL at {safe_url}")
        for _ in range(20):
            ten_steps()
        cycles = []
        for _ in range(options.cycles):
            started = time.perf_counter()
            ten_steps()
            cycles.append(time.perf_counter() - started)
        summary("DBOS: 10-step no-op workflow", cycles)
        summary("DBOS: one no-op step (inside a workflow)", timed_steps(options.steps))
    finally:
        DBOS.destroy()
    samples, settings = floor(options.database_url, options.steps)
    summary("floor: one-row INSERT, autocommit (psycopg)", samples)
    print(f"server: {settings}")


if __name__ == "__main__":
    main()
