#!/usr/bin/env python3
"""Cedar (cedarpy) decisions per second and p50/p99 latency per decision, on the policies and request
mix that generate.py writes, for comparison with the Swift benchmark target PolicyDecisions.

  python3 Benchmarks/policy/cedar_bench.py --dir DIR [--rules 10,1000,10000] [--json OUT]

Needs `pip install cedarpy` (tested with cedarpy 4.12.2). For each N it:

  1. parses policy-N.cedar once into a cedarpy.PolicySet and entities-N.json once into a
     cedarpy.Entities handle (both reused by every call: no policy or entity parsing per decision);
  2. turns each of the requests in requests-N.json into a cedarpy request: principal, action and
     resource as {"type", "id"} dicts (which skip Cedar's surface-syntax parser) and the context
     already serialized to a JSON string (so the wrapper's json.dumps is not timed) — the Cedar
     counterpart of building the ProposedAction and PolicyContext outside the measured part;
  3. checks that every request gets the verdict generate.py expects (Allow -> allow; Deny with a
     determining policy annotated @effect("forbid") -> forbid; any other Deny -> approve);
  4. times decisions one at a time with time.perf_counter_ns, cycling through the requests, for
     --seconds (or --max-samples), after a warm-up pass, with the garbage collector off:
       is_authorized   cedarpy.is_authorized(request, policy_set, entities): the public API, result
                       decoded into an AuthzResult (the figure compared with Nightshift);
       internal        cedarpy._internal.is_authorized_batch([request], ...): the extension call
                       alone, result left as the JSON string it returns (the binding's floor);
     and, once per pass over the requests, is_authorized_batch with all of them in one call
     (batch: per-decision time = call time / requests; no per-decision percentiles).
  Also reported: Cedar's own `authz_duration_micros` (the Rust authorizer alone, whole microseconds,
  as cedarpy measures it) over the timed is_authorized calls.

Decisions per second = 1 / mean latency (samples / total measured time, one thread).
"""

import argparse
import gc
import json
import os
import re
import statistics
import sys
import time

try:
    import cedarpy
except ImportError:
    sys.exit("cedarpy is not installed: pip install cedarpy")

KIND_TYPES = {"job": "Job", "cycle": "Cycle", "cli": "Cli"}
ANNOTATIONS = re.compile(r'@id\("([^"]+)"\)(?:\s*@effect\("([a-z]+)"\))?')


def percentile(sorted_values, p):
    """Nearest-rank percentile (as an HDR histogram reports it, without its bucketing)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, int(round(p / 100.0 * len(sorted_values) + 0.5 - 1e-9)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def cedar_request(request):
    kind, name = request["actor"].split(":", 1)
    context = dict(request["attributes"])
    context.update(request["context"])
    return {
        "principal": {"type": KIND_TYPES[kind], "id": name},
        "action": {"type": "Action", "id": request["type"]},
        "resource": {"type": "Tenant", "id": request["tenant"] or "-"},
        "context": json.dumps(context, separators=(",", ":")),
    }


def verdict(result, effects):
    if result.decision == cedarpy.Decision.Allow:
        return "allow"
    ids = result.diagnostics.id_annotations_by_reason
    if any(effects.get(ids.get(p)) == "forbid" for p in result.diagnostics.reasons):
        return "forbid"
    return "approve"


def summarize(name, rules, latencies_ns, extra=None):
    ordered = sorted(latencies_ns)
    total = sum(ordered)
    row = {
        "engine": "cedarpy", "mode": name, "rules": rules, "samples": len(ordered),
        "decisions_per_s": len(ordered) / (total / 1e9) if total else float("nan"),
        "mean_us": total / len(ordered) / 1e3,
        "p50_us": percentile(ordered, 50) / 1e3,
        "p99_us": percentile(ordered, 99) / 1e3,
        "max_us": ordered[-1] / 1e3,
    }
    if extra:
        row.update(extra)
    return row


def timed_loop(call, requests, seconds, max_samples):
    """Latencies (ns) of `call(request)`, cycling through `requests`."""
    latencies = []
    clock = time.perf_counter_ns
    deadline = clock() + int(seconds * 1e9)
    count = len(requests)
    i = 0
    gc.collect()
    gc.disable()
    try:
        while len(latencies) < max_samples:
            request = requests[i % count]
            start = clock()
            call(request)
            latencies.append(clock() - start)
            i += 1
            if i >= count and i % 16 == 0 and clock() > deadline:
                break
    finally:
        gc.enable()
    return latencies


def bench(directory, n, seconds, max_samples, log):
    with open(os.path.join(directory, f"policy-{n}.cedar")) as f:
        policy_text = f.read()
    effects = {m.group(1): m.group(2) for m in ANNOTATIONS.finditer(policy_text)}
    start = time.perf_counter()
    policy_set = cedarpy.PolicySet.from_str(policy_text)
    parse_s = time.perf_counter() - start
    with open(os.path.join(directory, f"entities-{n}.json")) as f:
        entities = cedarpy.Entities.from_json_str(f.read())
    with open(os.path.join(directory, f"requests-{n}.json")) as f:
        requests = json.load(f)
    cedar_requests = [cedar_request(r) for r in requests]
    log(f"cedarpy {cedarpy_version()}: {n} rules -> {len(policy_set)} Cedar policies "
        f"(parsed once in {parse_s * 1e3:.1f} ms), {len(requests)} requests")

    # Same decisions as Nightshift (checked against the generator's expectation).
    mismatches = []
    for request, cedar in zip(requests, cedar_requests):
        result = cedarpy.is_authorized(cedar, policy_set, entities)
        if result.diagnostics.errors:
            mismatches.append((request["type"], "errors", result.diagnostics.errors))
        got = verdict(result, effects)
        if got != request["expect"]:
            mismatches.append((request["type"], request["expect"], got, result.diagnostics.reasons))
    if mismatches:
        for m in mismatches[:10]:
            log(f"  mismatch: {m}")
        raise SystemExit(f"cedarpy: {len(mismatches)} of {len(requests)} decisions differ from the expected verdicts")
    log(f"  all {len(requests)} verdicts as expected")

    rows = []
    authz_micros = []

    def public(request):
        authz_micros.append(cedarpy.is_authorized(request, policy_set, entities).metrics.get("authz_duration_micros", 0))

    # warm-up: one pass (capped at 2 s)
    warm_until = time.perf_counter() + 2
    for request in cedar_requests:
        cedarpy.is_authorized(request, policy_set, entities)
        if time.perf_counter() > warm_until:
            break
    latencies = timed_loop(public, cedar_requests, seconds, max_samples)
    authz = sorted(authz_micros)
    rows.append(summarize("is_authorized", n, latencies, {
        "authz_mean_us": statistics.fmean(authz), "authz_p50_us": percentile(authz, 50), "authz_p99_us": percentile(authz, 99),
        "policy_parse_ms": parse_s * 1e3,
    }))

    internal = cedarpy._internal.is_authorized_batch
    inner_entities = entities._inner
    latencies = timed_loop(lambda r: internal([r], policy_set, inner_entities, None, False), cedar_requests, seconds, max_samples)
    rows.append(summarize("internal", n, latencies))

    passes = []
    deadline = time.perf_counter_ns() + int(seconds * 1e9)
    gc.disable()
    try:
        while not passes or (time.perf_counter_ns() < deadline and len(passes) * len(cedar_requests) < max_samples):
            start = time.perf_counter_ns()
            internal(cedar_requests, policy_set, inner_entities, None, False)
            passes.append(time.perf_counter_ns() - start)
    finally:
        gc.enable()
    per_decision = [p / len(cedar_requests) for p in passes]
    total = sum(passes)
    rows.append({
        "engine": "cedarpy", "mode": "batch", "rules": n, "samples": len(passes) * len(cedar_requests),
        "decisions_per_s": len(passes) * len(cedar_requests) / (total / 1e9),
        "mean_us": statistics.fmean(per_decision) / 1e3, "p50_us": None, "p99_us": None, "max_us": None,
        "batches": len(passes),
    })
    for row in rows:
        log("  " + format_row(row))
    return rows


def format_row(row):
    def us(x):
        return "-" if x is None else f"{x:,.2f} µs"
    text = (f"{row['mode']:<14} {row['samples']:>9,} samples  {row['decisions_per_s']:>12,.0f} decisions/s  "
            f"mean {us(row['mean_us'])}  p50 {us(row['p50_us'])}  p99 {us(row['p99_us'])}")
    if "authz_mean_us" in row:
        text += (f"  (Cedar's authz_duration_micros: mean {row['authz_mean_us']:.2f}, p50 {row['authz_p50_us']}, "
                 f"p99 {row['authz_p99_us']})")
    return text


def cedarpy_version():
    try:
        from importlib.metadata import version
        return version("cedarpy")
    except Exception:
        return "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", required=True, help="folder written by generate.py")
    parser.add_argument("--rules", default="10,1000,10000")
    parser.add_argument("--seconds", type=float, default=5.0, help="time budget per mode and rule count")
    parser.add_argument("--max-samples", type=int, default=200_000)
    parser.add_argument("--json", help="write the rows here as JSON")
    args = parser.parse_args()
    rows = []
    for n in [int(x) for x in args.rules.split(",")]:
        rows += bench(args.dir, n, args.seconds, args.max_samples, lambda s: print(s, flush=True))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"cedarpy": cedarpy_version(), "python": sys.version.split()[0], "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()
