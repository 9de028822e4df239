#!/usr/bin/env python3
"""Takeover time: how long after a process is SIGKILLed its work continues, on each path.

Paths measured, each --repeat times:
  cycle-cli     a `nightshift cycles run` killed inside a step while a daemon serves the workspace:
                seconds until the daemon has resumed the cycle run (its next step starts);
  daemon        `nightshift serve` killed inside a cycle step and started again at once: seconds
                from the restart until the next step starts;
  worker        `nightshift queue work` killed while its agent runs, and started again at once:
                seconds until the new worker has adopted the task.

The goal is under 15 s on every path. Prints a JSON summary (median and max per path) and exits 1
when a path missed the goal.

Usage (from the repository root):
    python3 scripts/takeover.py --repeat 5 --binary .build/release/nightshift
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

CYCLE = """
[workspace]
time_zone = "UTC"

[cycles.night]
schedule = "0 0 1 1 *"

[[cycles.night.steps]]
name = "first"
run = { command = ["sh", "-c", "echo first >> $NIGHTSHIFT_WORKSPACE/steps.txt; sleep 2"] }

[[cycles.night.steps]]
name = "second"
run = { command = ["sh", "-c", "echo second >> $NIGHTSHIFT_WORKSPACE/steps.txt"] }
"""

BUILDER = """
[workspace]
time_zone = "UTC"

[builder]
agent = ["sh", "-c", "echo agent >> $NIGHTSHIFT_WORKSPACE/agent.txt; sleep 2"]

[policy.catalog]
spawn_subagent = "autonomous"

[policy.categories]
"Bug fixes" = "autonomous"
"""


def wait_for(predicate, timeout=60.0, poll=0.02):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(poll)
    return False


def read(path):
    try:
        with open(path) as file:
            return file.read()
    except FileNotFoundError:
        return ""


def workspace(binary, config):
    base = tempfile.mkdtemp(prefix="nightshift-takeover-")
    root = f"{base}/ws"
    subprocess.run([binary, "init", "-w", root], check=True, capture_output=True)
    with open(f"{root}/nightshift.toml", "w") as file:
        file.write(config)
    return base, root


def start(binary, root, *args):
    log = open(f"{root}/../{args[0]}-{time.time()}.log", "w")
    return subprocess.Popen([binary, *args, "-w", root], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def kill(process):
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def cycle_cli(binary):
    base, root = workspace(binary, CYCLE)
    daemon = start(binary, root, "serve")
    try:
        time.sleep(1)
        cli = start(binary, root, "cycles", "run", "night")
        wait_for(lambda: "first" in read(f"{root}/steps.txt"))
        kill(cli)
        killed = time.time()
        if not wait_for(lambda: "second" in read(f"{root}/steps.txt")):
            return None
        return time.time() - killed - 2  # the step itself still had up to 2 s to run
    finally:
        daemon.kill()
        shutil.rmtree(base, ignore_errors=True)


def daemon_restart(binary):
    base, root = workspace(binary, CYCLE)
    daemon = start(binary, root, "serve")
    try:
        time.sleep(1)
        subprocess.run([binary, "jobs", "run", "night", "-w", root], capture_output=True)
        wait_for(lambda: "first" in read(f"{root}/steps.txt"))
        kill(daemon)
        restarted = time.time()
        daemon = start(binary, root, "serve")
        if not wait_for(lambda: "second" in read(f"{root}/steps.txt")):
            return None
        return max(0.0, time.time() - restarted - 2)
    finally:
        daemon.kill()
        shutil.rmtree(base, ignore_errors=True)


def worker(binary):
    base, root = workspace(binary, BUILDER)
    try:
        subprocess.run([binary, "queue", "add", "Fix it", "--category", "Bug fixes", "--hours", "1", "-w", root], check=True, capture_output=True)
        first = start(binary, root, "queue", "work")
        wait_for(lambda: "agent" in read(f"{root}/agent.txt"))
        kill(first)
        restarted = time.time()
        second = subprocess.run([binary, "queue", "work", "--json", "-w", root], capture_output=True, text=True, timeout=120)
        summary = json.loads(second.stdout or "{}")
        if summary.get("adopted") != ["task_1"]:
            print(f"worker: not adopted: {second.stdout}{second.stderr}", file=sys.stderr)
            return None
        # The new worker adopted the agent at its first pass, then waited for it to finish.
        return max(0.0, time.time() - restarted - 2)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--binary", default=".build/debug/nightshift")
    options = parser.parse_args()
    binary = os.path.abspath(options.binary)
    if not os.access(binary, os.X_OK):
        sys.exit(f"takeover.py: {binary} is not an executable; build it first")
    summary = {}
    failed = False
    for name, measure in [("cycle-cli", cycle_cli), ("daemon", daemon_restart), ("worker", worker)]:
        samples = [measure(binary) for _ in range(options.repeat)]
        missing = sum(1 for sample in samples if sample is None)
        values = sorted(sample for sample in samples if sample is not None)
        summary[name] = {
            "samples": len(samples),
            "not_taken_over": missing,
            "median_seconds": round(values[len(values) // 2], 2) if values else None,
            "max_seconds": round(values[-1], 2) if values else None,
        }
        failed = failed or missing > 0 or (values and values[-1] >= 15)
    print(json.dumps(summary, indent=2))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
