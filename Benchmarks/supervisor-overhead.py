#!/usr/bin/env python3
"""What running a command under `nightshift supervise` costs, next to running it directly.

Every job command, cycle step and sub-agent runs under a supervisor that outlives the daemon (see
docs/RELIABILITY.md). This measures, for a command that does nothing (`true`):

  - direct:      posix_spawn of `/bin/true`, waited for (the floor);
  - supervised:  `nightshift supervise` started with the request on its standard input, running
                 `/bin/true` under CommandExecutor and writing its status and result files;

--runs times each, alternating, and reports the median and p90 wall time per command and the
supervisor's peak resident memory (ru_maxrss of the children, which is the supervisor's: `true`
is far smaller).

Usage (from the repository root):
    swift build -c release --product nightshift
    python3 Benchmarks/supervisor-overhead.py --binary .build/release/nightshift --runs 200
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def request(directory, key):
    return json.dumps({
        "argv": ["/bin/true"], "environment": {"PATH": "/usr/bin:/bin"}, "logPath": f"{directory}/{key}.log",
        "redactions": [], "killGraceSeconds": 5, "logCap": 1 << 20, "captureCap": 1 << 20, "excerptLength": 1000,
        "shellPath": "/bin/sh", "directory": directory, "key": key,
    }).encode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=".build/release/nightshift")
    parser.add_argument("--runs", type=int, default=100)
    options = parser.parse_args()
    binary = os.path.abspath(options.binary)
    if not os.access(binary, os.X_OK):
        sys.exit(f"supervisor-overhead.py: {binary} is not an executable; build it first")
    folder = tempfile.mkdtemp(prefix="nightshift-supervise-")
    direct, supervised = [], []
    try:
        for index in range(options.runs):
            started = time.perf_counter()
            subprocess.run(["/bin/true"], check=True)
            direct.append(time.perf_counter() - started)
            started = time.perf_counter()
            result = subprocess.run([binary, "supervise"], input=request(folder, f"k{index}"), capture_output=True)
            supervised.append(time.perf_counter() - started)
            if result.returncode != 0 or not os.path.exists(f"{folder}/k{index}.result.json"):
                sys.exit(f"supervise failed: {result.returncode} {result.stderr.decode()}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    def summary(samples):
        ordered = sorted(samples)
        return {"median_ms": round(statistics.median(ordered) * 1000, 2), "p90_ms": round(ordered[int(len(ordered) * 0.9)] * 1000, 2)}

    print(json.dumps({
        "runs": options.runs,
        "direct": summary(direct),
        "supervised": summary(supervised),
        "supervisor_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }, indent=2))


if __name__ == "__main__":
    main()
