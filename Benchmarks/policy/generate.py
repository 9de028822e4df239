#!/usr/bin/env python3
"""Writes the same policy in Nightshift's TOML format and in Cedar, and a fixed request mix, for the
policy-decision benchmarks (Benchmarks/Benchmarks/PolicyDecisions and Benchmarks/policy/cedar_bench.py).

For each N in --rules (default 10, 1000, 10000) it writes into --out:

  policy-N.toml     Nightshift policy file: catalog, stage gates, N rules
  policy-N.cedar    the same policy as Cedar policies (see "Mapping" below)
  entities-N.json   Cedar entities: one Action per catalog type, parented by its tier group
  requests-N.json   --requests requests (default 1,000), each with the verdict this script's own
                    evaluator expects, so both benchmarks can check they make the same decisions

Everything is drawn from a seeded RNG (--seed), so the files are identical from run to run.

Policy shape for N rules:
  * the catalog has N action types (--types overrides): 70 % autonomous, 20 % approval, 10 % hard_stop;
  * 4 untyped "global" rules apply to every action (fewer if N < 8);
  * the other N - 4 rules are typed: rule j names type j mod T, and one in five names one or two more
    types; 70 % say so with `types = [...]`, 30 % with a `type == X` / `type in [...]` comparison at
    the top of an `all` condition (the engine indexes both forms);
  * typed rules cycle through nine condition templates (quiet hours, stage in [...], a given actor,
    cost above a limit, recipient regex, weekend mornings, actor kind + count today, tenant + stage,
    recipient substring); effects are forbid or approve only (see Mapping);
  * stage_gates = ["negotiation", "evaluation"].

Mapping to Cedar (which has only permit and forbid, default deny):
  * a Nightshift forbid rule  -> @id("RULE") @effect("forbid")  forbid(...) when { ... };
  * a Nightshift approve rule -> @id("RULE") @effect("approve") forbid(...) when { ... };
    i.e. "approve" is a forbid that the caller reads as "park for approval": when Cedar denies, the
    caller looks at the determining policies (Cedar reports every satisfied forbid): any @effect
    "forbid" among them -> forbid, otherwise -> approve;
  * catalog tiers -> the action entity's parent group: permit(principal, action in
    Action::"tier_autonomous", resource) allows; hard_stop and approval groups get a forbid each with
    @effect forbid / approve; a type not in the catalog matches no permit, so Cedar denies with no
    determining policy -> approve (Nightshift's fail_safe.unknown_type);
  * stage gates -> an @effect("approve") forbid on the autonomous group when context.stage is gated;
  * a rule's types -> the action scope (action == / action in [...]);
  * actor "KIND:NAME" -> principal Job::"NAME" / Cycle::"NAME" / Cli::"NAME"; `actor == X` is a
    principal scope constraint, `actor.kind == "cycle"` is `principal is Cycle`;
  * tenant -> resource Tenant::"NAME" (Tenant::"-" when the action has none); `tenant == X` is
    `resource == Tenant::"X"`;
  * attributes (stage, recipient, cost) and the context (hour, weekday, count_today) -> the request's
    context record; `in` -> `[...].contains(x)`, `contains` -> `like "*part*"`, and the regexes used
    (`^PREFIX-.*@`) -> `like "PREFIX-*@*"`, which accept the same strings.
Every request carries every attribute, so no Cedar policy needs a `has` guard and no Cedar policy
errors (Nightshift treats a missing field as false; Cedar would record an error and skip the policy).
"""

import argparse
import json
import os
import random
import re
import sys

STAGES = ["lead", "discovery", "demo", "evaluation", "negotiation", "closed_won", "closed_lost", "renewal"]
STAGE_GATES = ["negotiation", "evaluation"]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
TENANTS = ["acme", "globex", "initech", "umbrella", None]
JOBS = ["nurture", "cleanup", "billing-sync", "digest", "triage", "backup", "crm-sync", "reports"]
CYCLES = ["builder", "sales-day", "support-night"]
RECIPIENT_PREFIXES = ["ana", "bob", "ops", "billing", "noreply", "admin", "sales", "team"]
DOMAINS = ["example.com", "customer.org", "competitor.io", "partner.net", "mail.test"]
REGEX_PREFIXES = ["ops", "billing", "noreply", "admin"]
VERBS = ["send", "create", "update", "delete", "archive", "publish", "sync", "refund", "notify", "export",
         "import", "approve", "schedule", "cancel", "charge", "invite", "merge", "deploy", "rotate", "tag"]
OBJECTS = ["follow_up_email", "invoice", "ticket", "pull_request", "calendar_event", "customer_record",
           "report", "webhook", "slack_message", "backup", "deal", "contract", "refund", "user", "secret",
           "log", "branch", "release", "newsletter", "survey"]
KIND_TYPES = {"job": "Job", "cycle": "Cycle", "cli": "Cli"}


# --- conditions: ("cmp", field, op, value[, like]) | ("all", [c]) | ("any", [c]) | ("not", c) ---

def cmp(field, op, value, like=None):
    return ("cmp", field, op, value, like)


def toml_condition(c):
    kind = c[0]
    if kind == "cmp":
        return "[" + ", ".join(json.dumps(x) for x in (c[1], c[2], c[3])) + "]"
    if kind == "not":
        return "{ not = " + toml_condition(c[1]) + " }"
    return "{ " + kind + " = [" + ", ".join(toml_condition(x) for x in c[1]) + "] }"


def cedar_set(values):
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def cedar_condition(c):
    kind = c[0]
    if kind == "all":
        return "(" + " && ".join(cedar_condition(x) for x in c[1]) + ")"
    if kind == "any":
        return "(" + " || ".join(cedar_condition(x) for x in c[1]) + ")"
    if kind == "not":
        return "!(" + cedar_condition(c[1]) + ")"
    _, field, op, value, like = c
    if field == "actor":
        assert op == "=="
        k, name = value.split(":", 1)
        return f'principal == {KIND_TYPES[k]}::{json.dumps(name)}'
    if field == "actor.kind":
        assert op == "=="
        return f"principal is {KIND_TYPES[value]}"
    if field == "tenant":
        assert op == "=="
        return f"resource == Tenant::{json.dumps(value)}"
    expr = "context." + field.split(".")[-1]
    if op == "in":
        return f"{cedar_set(value)}.contains({expr})"
    if op == "contains":
        return f'{expr} like "*{value}*"'
    if op == "matches":
        return f"{expr} like {json.dumps(like)}"
    return f"{expr} {op} {json.dumps(value)}"


def field_value(field, request):
    if field == "actor":
        return request["actor"]
    if field == "actor.kind":
        return request["actor"].split(":", 1)[0]
    if field == "tenant":
        return request.get("tenant")
    if field.startswith("context."):
        return request["context"][field.split(".", 1)[1]]
    if field == "type":
        return request["type"]
    return request["attributes"].get(field)


def holds(c, request):
    kind = c[0]
    if kind == "all":
        return all(holds(x, request) for x in c[1])
    if kind == "any":
        return any(holds(x, request) for x in c[1])
    if kind == "not":
        return not holds(c[1], request)
    _, field, op, value, _ = c
    actual = field_value(field, request)
    if actual is None:
        return False
    if op == "==":
        return actual == value
    if op == "!=":
        return actual != value
    if op == "<":
        return actual < value
    if op == "<=":
        return actual <= value
    if op == ">":
        return actual > value
    if op == ">=":
        return actual >= value
    if op == "in":
        return actual in value
    if op == "contains":
        return value in actual
    if op == "matches":
        return re.search(value, actual) is not None
    raise ValueError(op)


# --- policy ---

def type_names(count, rng):
    names = []
    for i in range(count):
        names.append(f"{VERBS[i % len(VERBS)]}_{OBJECTS[(i // len(VERBS)) % len(OBJECTS)]}_{i:05d}")
    return names


def global_rules():
    return [
        ("global-night-spend", "forbid", None, cmp_all(cmp("context.hour", "<", 6), cmp("cost", ">", 5000)),
         "no large spend between 00:00 and 06:00"),
        ("global-closed-deals", "approve", None, cmp("stage", "in", ["closed_won", "closed_lost"]),
         "closed deals are the account manager's"),
        ("global-competitor-mail", "forbid", None, cmp("recipient", "contains", "@competitor."),
         "never write to a competitor"),
        ("global-globex-weekend", "approve", None,
         cmp_all(cmp("tenant", "==", "globex"), cmp("context.weekday", "in", ["sat", "sun"])),
         "globex asked for no weekend automation"),
    ]


def cmp_all(*conditions):
    return ("all", list(conditions))


def typed_condition(template, rng):
    """(effect, condition, reason) for template number `template`."""
    if template == 0:
        return "forbid", ("any", [cmp("context.hour", "<", 7), cmp("context.hour", ">=", 21)]), "not outside 07:00-21:00"
    if template == 1:
        stages = sorted(rng.sample(STAGES, 2), key=STAGES.index)
        return "approve", cmp("stage", "in", stages), "these stages need a human"
    if template == 2:
        job = rng.choice(JOBS)
        return "forbid", cmp_all(cmp("actor", "==", f"job:{job}"), cmp("context.hour", "<", 12)), f"job {job} only in the afternoon"
    if template == 3:
        limit = rng.randrange(2000, 9001, 500)
        return "approve", cmp("cost", ">", limit), f"more than {limit} needs approval"
    if template == 4:
        prefix = rng.choice(REGEX_PREFIXES)
        return "forbid", cmp("recipient", "matches", f"^{prefix}-.*@", like=f"{prefix}-*@*"), f"never to {prefix}- addresses"
    if template == 5:
        return "approve", cmp_all(cmp("context.weekday", "in", ["sat", "sun"]), cmp("context.hour", "<", 10)), "weekend mornings are quiet"
    if template == 6:
        count = rng.randrange(20, 101, 10)
        return "approve", cmp_all(("not", cmp("actor.kind", "==", "cycle")), cmp("context.count_today", ">=", count)), f"at most {count} a day outside cycles"
    if template == 7:
        tenant = rng.choice([t for t in TENANTS if t])
        return "forbid", cmp_all(cmp("tenant", "==", tenant), cmp("stage", "==", "closed_lost")), f"{tenant}: leave lost deals alone"
    domain = rng.choice(DOMAINS)
    return "forbid", cmp("recipient", "contains", "@" + domain), f"nothing to {domain}"


def build_policy(n_rules, n_types, rng):
    types = type_names(n_types, rng)
    tiers = {}
    for t in types:
        r = rng.random()
        tiers[t] = "autonomous" if r < 0.7 else ("approval" if r < 0.9 else "hard_stop")
    rules = []  # (id, effect, types list or None, type_in_condition bool, condition, reason)
    for (rid, effect, _, cond, reason) in global_rules()[: min(4, n_rules // 2)]:
        rules.append({"id": rid, "effect": effect, "types": None, "in_condition": False, "when": cond, "reason": reason})
    typed = n_rules - len(rules)
    for j in range(typed):
        named = [types[j % n_types]]
        if rng.random() < 0.2:
            for extra in rng.sample(types, min(rng.choice([1, 2]), n_types)):
                if extra not in named:
                    named.append(extra)
        effect, cond, reason = typed_condition(j % 9, rng)
        rules.append({
            "id": f"r{j:05d}", "effect": effect, "types": named, "in_condition": rng.random() < 0.3,
            "when": cond, "reason": reason,
        })
    return types, tiers, rules


def rule_condition_with_type(rule):
    """The rule's full condition, with its types as a leading comparison when written that way."""
    if not rule["in_condition"]:
        return rule["when"]
    named = rule["types"]
    type_cmp = cmp("type", "==", named[0]) if len(named) == 1 else cmp("type", "in", named)
    inner = rule["when"][1] if rule["when"][0] == "all" else [rule["when"]]
    return ("all", [type_cmp] + list(inner))


def write_toml(path, tiers, rules):
    lines = [
        "# Generated by Benchmarks/policy/generate.py; do not edit.",
        "max_denials = 3",
        "stage_gates = " + json.dumps(STAGE_GATES),
        "",
        "[catalog]",
    ]
    lines += [f"{t} = {json.dumps(tier)}" for t, tier in tiers.items()]
    for rule in rules:
        lines += ["", "[[rules]]", f"id = {json.dumps(rule['id'])}", f"effect = {json.dumps(rule['effect'])}"]
        if rule["types"] and not rule["in_condition"]:
            lines.append("types = " + json.dumps(rule["types"]))
        lines.append("when = " + toml_condition(rule_condition_with_type(rule)))
        lines.append(f"reason = {json.dumps(rule['reason'])}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def cedar_action_scope(named):
    if named is None:
        return "action"
    if len(named) == 1:
        return f"action == Action::{json.dumps(named[0])}"
    return "action in [" + ", ".join(f"Action::{json.dumps(t)}" for t in named) + "]"


def write_cedar(path, rules):
    out = ["// Generated by Benchmarks/policy/generate.py; do not edit. See its docstring for the mapping.", ""]
    out.append('@id("catalog.autonomous")\npermit(principal, action in Action::"tier_autonomous", resource);\n')
    out.append('@id("catalog.hard_stop") @effect("forbid")\nforbid(principal, action in Action::"tier_hard_stop", resource);\n')
    out.append('@id("catalog.approval") @effect("approve")\nforbid(principal, action in Action::"tier_approval", resource);\n')
    out.append('@id("stage_gates") @effect("approve")\nforbid(principal, action in Action::"tier_autonomous", resource)\n'
               f"when {{ {cedar_set(STAGE_GATES)}.contains(context.stage) }};\n")
    for rule in rules:
        cond = rule["when"]
        principal = "principal"
        # A top-level actor equality becomes the principal scope, as a Cedar author would write it.
        parts = cond[1] if cond[0] == "all" else [cond]
        rest = []
        for part in parts:
            if part[0] == "cmp" and part[1] == "actor" and principal == "principal":
                k, name = part[3].split(":", 1)
                principal = f"principal == {KIND_TYPES[k]}::{json.dumps(name)}"
            else:
                rest.append(part)
        body = " && ".join(cedar_condition(p) for p in rest)
        out.append(f'@id({json.dumps(rule["id"])}) @effect({json.dumps(rule["effect"])})\n'
                   f"forbid({principal}, {cedar_action_scope(rule['types'])}, resource)\n"
                   + (f"when {{ {body} }};\n" if body else ";\n"))
    with open(path, "w") as f:
        f.write("\n".join(out))


def write_entities(path, tiers):
    groups = ["tier_autonomous", "tier_approval", "tier_hard_stop"]
    entities = [{"uid": {"type": "Action", "id": g}, "attrs": {}, "parents": []} for g in groups]
    for t, tier in tiers.items():
        entities.append({"uid": {"type": "Action", "id": t}, "attrs": {},
                         "parents": [{"type": "Action", "id": f"tier_{tier}"}]})
    with open(path, "w") as f:
        json.dump(entities, f)


def expected_verdict(request, tiers, rules):
    forbids, approvals = [], []
    for rule in rules:
        if rule["types"] is not None and request["type"] not in rule["types"]:
            continue
        if holds(rule["when"], request):
            (forbids if rule["effect"] == "forbid" else approvals).append(rule["id"])
    tier = tiers.get(request["type"])
    if tier == "hard_stop":
        forbids.append("catalog." + request["type"])
    elif tier == "approval":
        approvals.append("catalog." + request["type"])
    elif tier is None:
        approvals.append("fail_safe.unknown_type")
    if tier == "autonomous" and request["attributes"]["stage"] in STAGE_GATES:
        approvals.append("stage_gates." + request["attributes"]["stage"])
    if forbids:
        return "forbid", forbids
    if approvals:
        return "approve", approvals
    return "allow", ["catalog." + request["type"]]


def make_requests(count, types, tiers, rules, rng):
    requests = []
    for i in range(count):
        if rng.random() < 0.05:
            action_type = f"unlisted_action_{rng.randrange(100000):05d}"
        else:
            action_type = rng.choice(types)
        r = rng.random()
        if r < 0.6:
            actor = "job:" + rng.choice(JOBS)
        elif r < 0.9:
            actor = "cycle:" + rng.choice(CYCLES)
        else:
            actor = "cli:operator"
        recipient = f"{rng.choice(RECIPIENT_PREFIXES)}{rng.choice(['', '-team', '-bot'])}@{rng.choice(DOMAINS)}"
        request = {
            "type": action_type,
            "actor": actor,
            "tenant": rng.choice(TENANTS),
            "attributes": {"stage": rng.choice(STAGES), "recipient": recipient, "cost": rng.randrange(0, 10001)},
            "context": {"hour": rng.randrange(24), "weekday": rng.choice(WEEKDAYS), "count_today": rng.randrange(0, 121)},
        }
        verdict, deciders = expected_verdict(request, tiers, rules)
        request["expect"] = verdict
        request["expect_deciders"] = deciders
        requests.append(request)
    return requests


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "nightshift-policy-bench"))
    parser.add_argument("--rules", default="10,1000,10000", help="comma-separated rule counts")
    parser.add_argument("--types", type=int, default=None, help="action types in the catalog (default: as many as rules)")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20260501)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    summary = {}
    for n in [int(x) for x in args.rules.split(",")]:
        rng = random.Random(args.seed + n)
        types, tiers, rules = build_policy(n, args.types or n, rng)
        write_toml(os.path.join(args.out, f"policy-{n}.toml"), tiers, rules)
        write_cedar(os.path.join(args.out, f"policy-{n}.cedar"), rules)
        write_entities(os.path.join(args.out, f"entities-{n}.json"), tiers)
        requests = make_requests(args.requests, types, tiers, rules, rng)
        with open(os.path.join(args.out, f"requests-{n}.json"), "w") as f:
            json.dump(requests, f, indent=0)
        mix = {v: sum(1 for r in requests if r["expect"] == v) for v in ("allow", "approve", "forbid")}
        summary[n] = {"rules": len(rules), "types": len(types), "requests": len(requests), "verdicts": mix}
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump({"seed": args.seed, "sets": summary}, f, indent=2)
    print(f"wrote {args.out}: " + "; ".join(
        f"{n} rules, {s['types']} types, {s['requests']} requests {s['verdicts']}" for n, s in summary.items()))


if __name__ == "__main__":
    sys.exit(main())
