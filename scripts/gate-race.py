#!/usr/bin/env python3
"""Gate race: many `nightshift propose` processes at once against a daily count, round after round.

Each round declares its own action type `deploy_rN` with a budget of --count executions a day and
starts --processes `nightshift propose deploy_rN` processes at the same moment, each of whose
payload appends a line to `executed-N.txt`. Afterwards it counts, per round, how many proposals
were allowed (exit 0) and how many lines were written, and compares them with the budget:

  - overruns: executions beyond the budget (goal: 0 in every round);
  - underruns: a round that executed fewer than the budget although more were proposed (the
    budget must not be starved either; busy errors would show here);
  - errors: proposals that exited other than 0 (allowed) or 3 (parked).

Usage (from the repository root):
    python3 scripts/gate-race.py --rounds 50 --processes 20 --count 3 --binary .build/release/nightshift

Prints a JSON summary and exits 1 when a goal was missed. Needs nothing but the binary.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--processes", type=int, default=20)
    parser.add_argument("--count", type=int, default=3)
    parser.add_argument("--binary", default=".build/debug/nightshift")
    options = parser.parse_args()
    binary = os.path.abspath(options.binary)
    if not os.access(binary, os.X_OK):
        sys.exit(f"gate-race.py: {binary} is not an executable; build it first")

    base = tempfile.mkdtemp(prefix="nightshift-gate-race-")
    workspace = f"{base}/ws"
    subprocess.run([binary, "init", "-w", workspace], check=True, capture_output=True)
    with open(f"{workspace}/nightshift.toml", "w") as file:
        file.write('policy = "policy.toml"\n\n[workspace]\ntime_zone = "UTC"\n')
    policy = ["[catalog]"] + [f'deploy_r{n} = "autonomous"' for n in range(options.rounds)]
    for n in range(options.rounds):
        policy += ["", "[[budgets]]", f'id = "round-{n}"', f'types = ["deploy_r{n}"]', f"count = {options.count}"]
    with open(f"{workspace}/policy.toml", "w") as file:
        file.write("\n".join(policy) + "\n")
    check = subprocess.run([binary, "config", "check", "-w", workspace], capture_output=True, text=True)
    if check.returncode != 0:
        sys.exit(f"gate-race.py: the configuration does not check:\n{check.stdout}{check.stderr}")

    def propose(n):
        payload = json.dumps({"command": ["sh", "-c", f"echo x >> executed-{n}.txt"]})
        result = subprocess.run([binary, "propose", f"deploy_r{n}", "--payload", payload, "-w", workspace], capture_output=True, text=True)
        return result.returncode, result.stderr.strip()

    started = time.time()
    overruns = underruns = errors = allowed_total = 0
    problems = []
    with ThreadPoolExecutor(max_workers=options.processes) as pool:
        for n in range(options.rounds):
            outcomes = list(pool.map(propose, [n] * options.processes))
            allowed = sum(1 for code, _ in outcomes if code == 0)
            failed = [(code, text) for code, text in outcomes if code not in (0, 3)]
            errors += len(failed)
            problems += [f"round {n}: exit {code}: {text}" for code, text in failed[:3]]
            try:
                with open(f"{workspace}/executed-{n}.txt") as file:
                    executed = sum(1 for _ in file)
            except FileNotFoundError:
                executed = 0
            allowed_total += allowed
            expected = min(options.count, options.processes)
            overruns += max(0, executed - expected) + max(0, allowed - expected)
            if executed < expected and not failed:
                underruns += expected - executed
    summary = {
        "rounds": options.rounds,
        "processes_per_round": options.processes,
        "budget_per_round": options.count,
        "proposals": options.rounds * options.processes,
        "allowed": allowed_total,
        "budget_overruns": overruns,
        "underruns": underruns,
        "errors": errors,
        "seconds": round(time.time() - started, 1),
    }
    print(json.dumps(summary, indent=2))
    for problem in problems[:10]:
        print(problem, file=sys.stderr)
    shutil.rmtree(base, ignore_errors=True)
    sys.exit(1 if overruns or errors or underruns else 0)


if __name__ == "__main__":
    main()
