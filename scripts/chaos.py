#!/usr/bin/env python3
"""Chaos: SIGKILL a busy `nightshift serve` again and again, and count what was lost or run twice.

The workspace runs, all at once:
  - jobs firing every 2 and 5 s whose commands take 0.2 and 2.5 s,
  - a 4-step cycle every 10 s whose steps take 0.2-1.5 s each,
  - manual `jobs run` requests queued by the script itself.
Every command appends `start KEY` to a ledger when it begins and `end KEY` when it ends, KEY being
its NIGHTSHIFT_IDEMPOTENCY_KEY plus the run or step (so a retry under the same key is still seen).

The script starts the daemon, kills it with SIGKILL after a random 0.3-3 s, starts it again at
once, and repeats --kills times. Then it lets a last daemon settle, stops it with SIGTERM and reads
the store and the ledger:

  - finished work run again: a key with more than one `end` line, i.e. an execution that had
    finished being started again (goal: 0). A key whose first execution was really cut off (a
    `start` without an `end`, e.g. a supervisor killed with it) may run again under the same key;
    those are counted separately as `cut off, re-run`;
  - lost work: a run or cycle run left `running` after the final settle (goal: 0); runs still
    `pending` then are reported as queued work the last daemon had not reached;
  - takeover: seconds from each restart until the daemon holds the workspace and has adopted or
    resumed what the killed one left (the `ready` line of the daemon plus the first adoption);
  - PRAGMA integrity_check (goal: ok).

Usage (from the repository root):
    swift build -c release --product nightshift
    python3 scripts/chaos.py --kills 1000 --binary .build/release/nightshift
    python3 scripts/chaos.py --kills 20                  # the debug build, a short run

Prints a summary and exits 1 when a goal was missed. Needs sqlite3 on PATH.
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

CONFIG = """
[workspace]
time_zone = "UTC"
shutdown_grace = "2s"
late_after = "1h"

[jobs.quick]
every = "2s"
overlap = "allow"
missed = "skip"
command = ["sh", "-c", "$NIGHTSHIFT_WORKSPACE/work.sh $NIGHTSHIFT_IDEMPOTENCY_KEY 0.2"]
retry = {{ attempts = 5, backoff = "1s" }}

[jobs.slow]
every = "5s"
overlap = "allow"
missed = "skip"
command = ["sh", "-c", "$NIGHTSHIFT_WORKSPACE/work.sh $NIGHTSHIFT_IDEMPOTENCY_KEY 2.5"]
retry = {{ attempts = 5, backoff = "1s" }}

[jobs.manual]
schedule = "0 0 1 1 *"
command = ["sh", "-c", "$NIGHTSHIFT_WORKSPACE/work.sh $NIGHTSHIFT_IDEMPOTENCY_KEY 1"]
retry = {{ attempts = 5, backoff = "1s" }}

[cycles.steps]
every = "10s"
missed = "skip"
overlap = "skip"
retry = {{ attempts = 5, backoff = "1s" }}
{steps}
"""

STEP = """
[[cycles.steps.steps]]
name = "s{index}"
run = {{ command = ["sh", "-c", "$NIGHTSHIFT_WORKSPACE/work.sh step:$NIGHTSHIFT_IDEMPOTENCY_KEY {seconds}"] }}
"""

WORK = """#!/bin/sh
# work.sh KEY SECONDS: the ledger sees the start and the end of every execution.
echo "start $1 $$" >> "$NIGHTSHIFT_WORKSPACE/ledger"
sleep "$2"
echo "end $1 $$" >> "$NIGHTSHIFT_WORKSPACE/ledger"
"""


def run(binary, workspace, *args, timeout=120):
    return subprocess.run([binary, *args, "-w", workspace], capture_output=True, text=True, timeout=timeout)


def sql(workspace, statement):
    out = subprocess.run(["sqlite3", "-batch", f"{workspace}/nightshift.sqlite", statement], capture_output=True, text=True, timeout=60)
    return out.stdout.strip()


def start_daemon(binary, workspace, log):
    return subprocess.Popen([binary, "serve", "-w", workspace], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(workspace, since, timeout=30):
    """Seconds until a daemon started after `since` heartbeats in the store."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        beat = sql(workspace, "SELECT heartbeat_at FROM daemon WHERE stopped_at IS NULL;")
        if beat and int(beat) / 1000 >= since:
            return time.time() - since
        time.sleep(0.05)
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--binary", default=".build/debug/nightshift")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the workspace folder")
    options = parser.parse_args()
    random.seed(options.seed)
    binary = os.path.abspath(options.binary)
    if not os.access(binary, os.X_OK):
        sys.exit(f"chaos.py: {binary} is not an executable; build it first")
    if not shutil.which("sqlite3"):
        sys.exit("chaos.py: sqlite3 is not installed")

    base = tempfile.mkdtemp(prefix="nightshift-chaos-")
    workspace = f"{base}/ws"
    subprocess.run([binary, "init", "-w", workspace], check=True, capture_output=True)
    steps = "".join(STEP.format(index=i, seconds=random.choice(["0.2", "0.5", "1", "1.5"])) for i in range(1, 5))
    with open(f"{workspace}/nightshift.toml", "w") as file:
        file.write(CONFIG.format(steps=steps))
    with open(f"{workspace}/work.sh", "w") as file:
        file.write(WORK)
    os.chmod(f"{workspace}/work.sh", 0o755)
    check = run(binary, workspace, "config", "check")
    if check.returncode != 0:
        sys.exit(f"chaos.py: the configuration does not check:\n{check.stdout}{check.stderr}")

    log = open(f"{base}/daemon.log", "w")
    takeovers = []
    kills = 0
    started = time.time()
    daemon = start_daemon(binary, workspace, log)
    wait_ready(workspace, started)
    try:
        while kills < options.kills:
            time.sleep(random.uniform(0.3, 3.0))
            if random.random() < 0.3:
                run(binary, workspace, "jobs", "run", "manual")
            os.kill(daemon.pid, signal.SIGKILL)
            daemon.wait()
            kills += 1
            restart = time.time()
            daemon = start_daemon(binary, workspace, log)
            ready = wait_ready(workspace, restart)
            if ready is not None:
                takeovers.append(ready)
            if kills % 50 == 0:
                print(f"{kills} kills", file=sys.stderr)
        # Settle: stop scheduling new work by pausing the jobs, let what runs finish.
        for job in ["quick", "slow", "manual", "steps"]:
            run(binary, workspace, "jobs", "pause", job)
        deadline = time.time() + 300
        while time.time() < deadline:
            busy = sql(workspace, "SELECT (SELECT COUNT(*) FROM runs WHERE state IN ('running', 'pending')) + (SELECT COUNT(*) FROM cycle_runs WHERE state IN ('running', 'pending'));")
            if busy == "0":
                break
            time.sleep(0.5)
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
    finally:
        if daemon.poll() is None:
            daemon.kill()
        log.close()

    ends, starts = {}, {}
    with open(f"{workspace}/ledger") as ledger:
        for line in ledger:
            parts = line.split()
            if len(parts) < 2:
                continue
            key = parts[1]
            if parts[0] == "end":
                ends[key] = ends.get(key, 0) + 1
            elif parts[0] == "start":
                starts[key] = starts.get(key, 0) + 1
    rerun_finished = sorted(key for key, count in ends.items() if count > 1)
    cut_off = sorted(key for key, count in starts.items() if count > 1 and ends.get(key, 0) <= 1)
    never_ended = sorted(key for key in starts if key not in ends)
    lost_runs = sql(workspace, "SELECT COUNT(*) FROM runs WHERE state = 'running';")
    lost_cycles = sql(workspace, "SELECT COUNT(*) FROM cycle_runs WHERE state = 'running';")
    queued = sql(workspace, "SELECT COUNT(*) FROM runs WHERE state = 'pending';")
    integrity = sql(workspace, "PRAGMA integrity_check;")
    takeovers.sort()
    summary = {
        "kills": kills,
        "executions": sum(starts.values()),
        "keys": len(starts),
        "finished_work_run_again": len(rerun_finished),
        "cut_off_and_rerun": len(cut_off),
        "started_never_ended": len(never_ended),
        "runs_left_running": int(lost_runs or 0),
        "cycle_runs_left_running": int(lost_cycles or 0),
        "runs_still_queued": int(queued or 0),
        "takeover_seconds_p50": round(takeovers[len(takeovers) // 2], 2) if takeovers else None,
        "takeover_seconds_max": round(takeovers[-1], 2) if takeovers else None,
        "integrity_check": integrity,
        "seconds": round(time.time() - started),
        "workspace": workspace if options.keep else None,
    }
    print(json.dumps(summary, indent=2))
    if rerun_finished:
        print("finished work run again: " + ", ".join(rerun_finished[:20]), file=sys.stderr)
    if not options.keep:
        shutil.rmtree(base, ignore_errors=True)
    failed = rerun_finished or integrity != "ok" or summary["runs_left_running"] or summary["cycle_runs_left_running"]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
