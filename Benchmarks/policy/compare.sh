#!/usr/bin/env bash
# Nightshift's policy engine against Cedar (cedarpy) in one run, on the same policies and requests:
#
#   bash Benchmarks/policy/compare.sh            (from the repository root; takes minutes)
#
# 1. generate.py writes the policies (Nightshift TOML and Cedar), the Cedar entities and the request
#    mix for each rule count into a temporary folder (removed at the end; KEEP=1 keeps it);
# 2. the Swift benchmark target PolicyDecisions (ordo-one/benchmark, release build in
#    Benchmarks/.build) decides them with PolicyEngine, one decision per iteration;
# 3. cedar_bench.py decides them with cedarpy, reusing one parsed PolicySet and Entities;
# 4. a table compares decisions/s and p50/p99 latency per decision, with the ratios.
# Both sides first check that every request gets the verdict the generator expects.
#
# Environment: RULES (default 10,1000,10000), CEDAR_SECONDS (time per cedarpy mode and rule count,
# default 5), NICE (default 10: `nice -n $NICE` for both benchmarks, so that they leave the CPU to
# others on a shared machine), SKIP_SWIFT=1 / SKIP_CEDAR=1, KEEP=1.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
rules=${RULES:-10,1000,10000}
cedar_seconds=${CEDAR_SECONDS:-5}
nice_level=${NICE:-10}

work=$(mktemp -d "${TMPDIR:-/tmp}/nightshift-policy-compare.XXXXXX")
if [[ "${KEEP:-0}" == 1 ]]; then
    echo "keeping $work"
else
    trap 'rm -rf "$work"' EXIT
fi

if ! python3 -c 'import cedarpy' 2>/dev/null; then
    echo "installing cedarpy (pip install cedarpy)"
    python3 -m pip install --quiet cedarpy
fi

echo "== machine: $(nproc) cores, $(uname -r), $(python3 -c 'import platform; print(platform.processor() or platform.machine())'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$here/generate.py" --out "$work/data" --rules "$rules"

if [[ "${SKIP_SWIFT:-0}" != 1 ]]; then
    echo "== Nightshift PolicyEngine (swift package benchmark --target PolicyDecisions)"
    (
        cd "$root/Benchmarks"
        NIGHTSHIFT_POLICY_BENCH_DIR="$work/data" NIGHTSHIFT_POLICY_BENCH_RULES="$rules" \
            nice -n "$nice_level" swift package --allow-writing-to-directory "$work" \
            benchmark --target PolicyDecisions --format jmh --path "$work/swift"
    ) 2>&1 | tee "$work/swift.log"
fi

if [[ "${SKIP_CEDAR:-0}" != 1 ]]; then
    echo "== Cedar (cedarpy)"
    nice -n "$nice_level" python3 "$here/cedar_bench.py" --dir "$work/data" --rules "$rules" \
        --seconds "$cedar_seconds" --json "$work/cedar.json"
fi

echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work" "$rules" <<'PY'
import glob, json, os, re, sys

work, rules = sys.argv[1], [int(x) for x in sys.argv[2].split(",")]

swift = {}
for path in glob.glob(os.path.join(work, "swift", "*.jmh.json")):
    for element in json.load(open(path)):
        match = re.search(r"decide,_(\d+)_rules$", element["benchmark"])
        if not match:
            continue
        wall = element["secondaryMetrics"]["Time (wall clock)"]  # µs
        mallocs = element["secondaryMetrics"].get("Malloc (total)")
        swift[int(match.group(1))] = {
            "decisions_per_s": 1e6 / wall["score"], "mean_us": wall["score"],
            "p50_us": wall["scorePercentiles"]["50.0"], "p99_us": wall["scorePercentiles"]["99.0"],
            "samples": element["measurementIterations"],
            "mallocs_p50": mallocs["scorePercentiles"]["50.0"] if mallocs else None,
        }

cedar = {}
if os.path.exists(os.path.join(work, "cedar.json")):
    for row in json.load(open(os.path.join(work, "cedar.json")))["rows"]:
        cedar[(row["rules"], row["mode"])] = row

def us(x):
    return "-" if x is None else (f"{x:,.3f}" if x < 10 else f"{x:,.1f}")

def ratio(a, b):
    return "-" if not a or not b else f"{a / b:,.1f}×"

print()
print("Decisions per second = 1 / mean latency, one thread. Latency per decision in µs.")
print("Ratio = how many times faster Nightshift is (Cedar time / Nightshift time).")
print()
header = ("rules", "Nightshift dec/s", "p50", "p99", "cedarpy dec/s", "p50", "p99", "ratio dec/s", "ratio p50", "ratio p99",
          "Cedar authz p50/p99 (µs, own metric)", "cedarpy batch dec/s")
print("| " + " | ".join(header) + " |")
print("|" + "---|" * len(header))
for n in rules:
    s = swift.get(n, {})
    c = cedar.get((n, "is_authorized"), {})
    b = cedar.get((n, "batch"), {})
    print("| " + " | ".join([
        f"{n:,}",
        f"{s['decisions_per_s']:,.0f}" if s else "-", us(s.get("p50_us")), us(s.get("p99_us")),
        f"{c['decisions_per_s']:,.0f}" if c else "-", us(c.get("p50_us")), us(c.get("p99_us")),
        ratio(s.get("decisions_per_s"), c.get("decisions_per_s")),
        ratio(c.get("p50_us"), s.get("p50_us")), ratio(c.get("p99_us"), s.get("p99_us")),
        f"{c['authz_p50_us']} / {c['authz_p99_us']}" if c else "-",
        f"{b['decisions_per_s']:,.0f}" if b else "-",
    ]) + " |")
print()
for n in rules:
    s = swift.get(n)
    if s:
        print(f"Nightshift {n:,} rules: {s['samples']:,} samples, mean {us(s['mean_us'])} µs, mallocs per decision (p50) {s['mallocs_p50']}")
if 1000 in swift:
    p99 = swift[1000]["p99_us"]
    print(f"Target p99 < 10 µs at 1,000 rules: p99 = {us(p99)} µs -> {'met' if p99 < 10 else 'NOT met'}")
PY
