#!/usr/bin/env python3
"""procrastinate's PostgreSQL job queue drained by C concurrent workers, for comparison with
Nightshift's `PostgresQueue` benchmark (issue 13) on the same server.

For each concurrency C in --concurrency, the jobs table of a database of its own (--database-url;
procrastinate's schema applied there once, the table truncated before each run) gets --jobs no-op
jobs deferred one by one (`defer_async`, one transaction each, as Nightshift's insertRun), timed as
defers per second; then procrastinate's own worker (`run_worker_async(concurrency=C, wait=False)`,
one process, C coroutines, which stops when the queue is empty) fetches and finishes them: a fetch
is one call of its `procrastinate_fetch_job` function (`SELECT … FOR UPDATE SKIP LOCKED` and an
`UPDATE` in one statement), a finish one call of `procrastinate_finish_job`. Jobs per second is the
number of jobs over the worker's wall time. It checks that every job ended `succeeded`.

procrastinate and psycopg are installed with pip into a virtual environment of their own (--venv,
created when missing); the script re-runs itself there.

Usage (from the repository root; the database is created when missing, as user nightshift may):
    python3 Benchmarks/procrastinate-queue.py \
        --database-url postgresql://nightshift@127.0.0.1:54329/bench_procrastinate \
        --jobs 5000 --concurrency 1,2,4,8 --venv /tmp/venv-pg
"""
import argparse
import asyncio
import logging
import os
import subprocess
import sys
import tempfile
import time


def ensure_packages(venv):
    """Re-runs this script under `venv`'s Python, with procrastinate installed there, unless it is that Python."""
    python = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(venv):
        return
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    probe = subprocess.run([python, "-c", "import procrastinate, psycopg"], capture_output=True)
    if probe.returncode != 0:
        installed = subprocess.run([python, "-m", "pip", "install", "--quiet", "procrastinate", "psycopg[binary]"])
        if installed.returncode != 0:
            sys.exit("procrastinate-queue.py: pip could not install procrastinate (is PyPI reachable?)")
    os.execv(python, [python, os.path.abspath(__file__), *sys.argv[1:]])


def ensure_database(url):
    import psycopg
    from psycopg import sql
    base, _, name = url.rpartition("/")
    name = name.split("?")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    return False


async def run(options):
    import procrastinate
    import psycopg

    created = ensure_database(options.database_url)
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=options.database_url, min_size=1, max_size=max(options.concurrency) + 2))

    @app.task(name="noop", queue="bench")
    async def noop():
        return None

    async with app.open_async():
        with psycopg.connect(options.database_url, autocommit=True) as connection:
            has_schema = connection.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()[0] is not None
            settings = {name: connection.execute(f"SHOW {name}").fetchone()[0] for name in ("fsync", "synchronous_commit", "server_version")}
        if not has_schema:
            await app.schema_manager.apply_schema_async()
        print(f"procrastinate {procrastinate.__version__ if hasattr(procrastinate, '__version__') else '?'}, psycopg {psycopg.__version__}, "
              f"database {'created' if created else 'reused'}; server: {settings}")
        for concurrency in options.concurrency:
            with psycopg.connect(options.database_url, autocommit=True) as connection:
                connection.execute("TRUNCATE procrastinate_jobs CASCADE")
            started = time.perf_counter()
            for _ in range(options.jobs):
                await noop.defer_async()
            deferring = time.perf_counter() - started
            started = time.perf_counter()
            await app.run_worker_async(queues=["bench"], concurrency=concurrency, wait=False, install_signal_handlers=False)
            working = time.perf_counter() - started
            with psycopg.connect(options.database_url, autocommit=True) as connection:
                states = dict(connection.execute("SELECT status::text, count(*) FROM procrastinate_jobs GROUP BY status").fetchall())
            if states != {"succeeded": options.jobs}:
                sys.exit(f"procrastinate-queue.py: expected {options.jobs} succeeded jobs, found {states}")
            print(f"procrastinate concurrency {concurrency}: defer {options.jobs / deferring:7.0f} jobs/s | "
                  f"fetch+finish {options.jobs / working:7.0f} jobs/s | defer+fetch+finish {options.jobs / (deferring + working):7.0f} jobs/s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="postgresql://nightshift@127.0.0.1:54329/bench_procrastinate")
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--concurrency", default="1,2,4,8", type=lambda text: [int(part) for part in text.split(",")])
    parser.add_argument("--venv", default=os.path.join(tempfile.gettempdir(), "nightshift-venv-pg"))
    options = parser.parse_args()
    ensure_packages(options.venv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("procrastinate.blueprints").setLevel(logging.ERROR)  # "App is instantiated in the main module"
    asyncio.run(run(options))


if __name__ == "__main__":
    main()
