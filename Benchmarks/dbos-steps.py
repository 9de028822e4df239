#!/usr/bin/env python3
"""DBOS Transact's step checkpoints on its SQLite system database, for comparison with
Nightshift's `CycleCheckpoints` benchmark.

Measures, in one process:

  - cycle:   a DBOS workflow of 10 steps that do nothing, called directly (wall time per workflow);
  - step:    one step of a workflow of many no-op steps (wall time per step call, inside the workflow);
  - floor:   one-row write transactions with Python's sqlite3 on the same disk, in WAL mode with
             `synchronous = FULL` (what Nightshift's store runs with) and in DBOS's own settings
             (SQLite's defaults: rollback journal, `synchronous = FULL`), so the figures above can be
             read against what a durable commit costs here.

and prints p50 and p99 of each, with the journal mode and synchronous setting DBOS's database ran
with. DBOS is installed with pip into a virtual environment of its own (--venv, created when
missing); the script re-runs itself there.

Usage (from the repository root):
    python3 Benchmarks/dbos-steps.py                      # 300 workflows, 3,000 steps
    python3 Benchmarks/dbos-steps.py --cycles 500 --steps 5000 --venv /tmp/venv-dbos
"""
import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time


def percentiles(samples):
    ordered = sorted(samples)
    def at(fraction):
        return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]
    return at(0.5), at(0.99)


def report(label, samples):
    p50, p99 = percentiles(samples)
    print(f"{label:<62} p50 {p50 * 1000:8.3f} ms   p99 {p99 * 1000:8.3f} ms   n={len(samples)}")


def ensure_dbos(venv):
    """Re-runs this script under `venv`'s Python, with dbos installed there, unless it is that Python."""
    python = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(venv):
        return
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    probe = subprocess.run([python, "-c", "import dbos"], capture_output=True)
    if probe.returncode != 0:
        installed = subprocess.run([python, "-m", "pip", "install", "--quiet", "dbos"])
        if installed.returncode != 0:
            sys.exit("dbos-steps.py: pip could not install dbos (is PyPI reachable?)")
    os.execv(python, [python, os.path.abspath(__file__), *sys.argv[1:]])


def floor(folder, journal, count):
    """Times `count` one-row write transactions (BEGIN IMMEDIATE, INSERT, COMMIT) with synchronous FULL."""
    connection = sqlite3.connect(os.path.join(folder, f"floor-{journal}.sqlite"), isolation_level=None)
    connection.execute(f"PRAGMA journal_mode = {journal}")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    samples = []
    for index in range(count):
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO t (v) VALUES (?)", (str(index),))
        connection.execute("COMMIT")
        samples.append(time.perf_counter() - started)
    connection.close()
    return samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cycles", type=int, default=300, help="10-step workflows to time (after 20 warm-up ones)")
    parser.add_argument("--steps", type=int, default=3000, help="steps to time, in one workflow")
    parser.add_argument("--venv", default=os.path.join(tempfile.gettempdir(), "nightshift-venv-dbos"))
    parser.add_argument("--folder", default=None, help="where the databases go (default: a new folder under /tmp)")
    options = parser.parse_args()
    ensure_dbos(options.venv)

    import dbos as dbos_module
    from dbos import DBOS

    folder = options.folder or tempfile.mkdtemp(prefix="nightshift-dbos-")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "dbos.sqlite")
    DBOS(config={"name": "nightshift-comparison", "system_database_url": f"sqlite:///{path}", "log_level": "WARNING"})

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
        with sqlite3.connect(path) as probe:
            journal = probe.execute("PRAGMA journal_mode").fetchone()[0]
        print(f"dbos {version}, SQLite {sqlite3.sqlite_version}, system database {path}")
        print(f"DBOS's database: journal_mode = {journal}; DBOS sets no synchronous, so SQLite's default (FULL) applies")
        for _ in range(20):
            ten_steps()
        cycles = []
        for _ in range(options.cycles):
            started = time.perf_counter()
            ten_steps()
            cycles.append(time.perf_counter() - started)
        report("DBOS: 10-step no-op workflow", cycles)
        report("DBOS: one no-op step (inside a workflow)", timed_steps(options.steps))
    finally:
        DBOS.destroy()
    report("floor: one-row commit, WAL, synchronous FULL (Nightshift's)", floor(folder, "wal", options.steps))
    report("floor: one-row commit, rollback journal, FULL (DBOS's)", floor(folder, "delete", options.steps))
    if options.folder is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
