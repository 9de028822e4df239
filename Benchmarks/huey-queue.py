#!/usr/bin/env python3
"""huey's SQLite task queue drained by 1 and 4 worker threads, for comparison with Nightshift's
`QueueClaims` benchmark.

For each number of worker threads, a fresh `SqliteHuey` database (huey's defaults: WAL, and
SQLite's default `synchronous`, which is FULL; both are printed) gets `--tasks` no-op tasks
enqueued, then huey's own consumer (`Consumer(workers=W, worker_type="thread")`) drains them; tasks
per second is the number of tasks over the time from the consumer's start to the last task's end.
A huey worker claims a task by deleting it from the queue in one `BEGIN EXCLUSIVE` transaction
(one commit per task); a task that returns a value also stores its result (a second commit), which
is the closer match to Nightshift's claim + finish. Both kinds are timed.

huey is installed with pip into a virtual environment of its own (--venv, created when missing);
the script re-runs itself there. Databases go under --dir (default: `NIGHTSHIFT_BENCH_DIR` when set,
otherwise the system temporary directory).

Usage (from the repository root):
    python3 Benchmarks/huey-queue.py                          # 5,000 tasks per run, 3 runs of each
    NIGHTSHIFT_BENCH_DIR=/dev/shm/nightshift-bench python3 Benchmarks/huey-queue.py
"""
import argparse
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time


def ensure_huey(venv):
    """Re-runs this script under `venv`'s Python, with huey installed there, unless it is that Python."""
    python = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(venv):
        return
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    probe = subprocess.run([python, "-c", "import huey"], capture_output=True)
    if probe.returncode != 0:
        installed = subprocess.run([python, "-m", "pip", "install", "--quiet", "huey"])
        if installed.returncode != 0:
            sys.exit("huey-queue.py: pip could not install huey (is PyPI reachable?)")
    os.execv(python, [python, os.path.abspath(__file__), *sys.argv[1:]])


def drain(folder, workers, count, with_result):
    """Enqueues `count` tasks, drains them with `workers` threads; returns (tasks/s, enqueues/s, pragmas)."""
    from huey import SqliteHuey
    from huey.consumer import Consumer

    path = os.path.join(folder, f"huey-{workers}-{int(with_result)}.db")
    huey = SqliteHuey(filename=path, results=True)
    done = threading.Event()
    lock = threading.Lock()
    finished = [0]

    @huey.task()
    def noop(index):
        with lock:
            finished[0] += 1
            if finished[0] == count:
                done.set()
        return index if with_result else None

    started = time.perf_counter()
    for index in range(count):
        noop(index)
    enqueue_rate = count / (time.perf_counter() - started)

    probe = sqlite3.connect(path)
    pragmas = (probe.execute("PRAGMA journal_mode").fetchone()[0], huey.storage.conn.execute("PRAGMA synchronous").fetchone()[0])
    probe.close()

    consumer = Consumer(
        huey, workers=workers, worker_type="thread", periodic=False, initial_delay=0.001, max_delay=0.01,
        check_worker_health=False,
    )
    started = time.perf_counter()
    consumer.start()
    if not done.wait(timeout=600):
        sys.exit(f"huey-queue.py: only {finished[0]} of {count} tasks ran in 600 s")
    elapsed = time.perf_counter() - started
    consumer.stop(graceful=True)
    huey.storage.close()
    return count / elapsed, enqueue_rate, pragmas


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=5000, help="tasks per run")
    parser.add_argument("--runs", type=int, default=3, help="runs of each configuration")
    default_dir = os.environ.get("NIGHTSHIFT_BENCH_DIR") or tempfile.gettempdir()
    parser.add_argument("--dir", default=default_dir, help="where the databases go")
    parser.add_argument("--venv", default=os.path.join(tempfile.gettempdir(), "nightshift-venv-huey"))
    arguments = parser.parse_args()
    ensure_huey(arguments.venv)

    import huey
    logging.basicConfig(level=logging.WARNING)
    print(f"huey {huey.__version__}, SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, under {arguments.dir}")
    os.makedirs(arguments.dir, exist_ok=True)
    for with_result in (False, True):
        for workers in (1, 4):
            for run in range(arguments.runs):
                folder = tempfile.mkdtemp(prefix="nightshift-bench-huey-", dir=arguments.dir)
                try:
                    rate, enqueue_rate, (journal, synchronous) = drain(folder, workers, arguments.tasks, with_result)
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
                kind = "returns a value (dequeue + result: 2 commits)" if with_result else "returns None (dequeue: 1 commit)"
                print(
                    f"{workers} thread{'s' if workers > 1 else ' '}, task {kind:<46} run {run + 1}: "
                    f"{rate:8.0f} tasks/s   (enqueue {enqueue_rate:6.0f}/s, journal_mode {journal}, synchronous {synchronous})"
                )


if __name__ == "__main__":
    main()
