#!/usr/bin/env python3
"""Store corruption, the long form: a wrong-typed value in every column of every table.

Builds a real, populated workspace with the `nightshift` binary (runs, a cycle run with its step
and lease, actions and the audit trail, alerts, a goal and its progress, queued tasks, health
samples and a problem, learner events, the daemon record, a context override), then, one at a
time, writes a wrong-typed value into one column of one row of a copy of it: text in an integer
column, a real in an integer column, a blob in a text column, NULL in a NOT NULL column, garbage
in a JSON column, an unknown value in an enum column. The tables are STRICT, so each table is first
turned back into an ordinary one through `PRAGMA writable_schema`, as a tool that ignores the
schema could. Then it runs the commands that read that table, and one that does not, and checks
that none crashes (a signal, or "Fatal error") and that every failure names the table and row (or,
for the audit trail, that `audit verify` names the record). With --serve SECONDS it also runs `serve` that long on each
copy and checks that it is still up and stops with exit 0.

Usage: scripts/store-corruption.py [--binary PATH] [--serve SECONDS] [--tables runs,actions] [--jobs N]
Prints one line per corruption and a summary; exits 1 if anything crashed or failed unnamed.
"""
import argparse, concurrent.futures, os, shutil, signal, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The workspace, shared with the CI form (Tests/NightshiftEndToEndTests/StoreCorruptionTests.swift).
CONFIG = open(os.path.join(ROOT, "scripts/store-corruption.toml")).read()

# Text columns whose values are JSON, and text columns holding a value from a fixed set.
JSON_COLUMNS = {
    "actions": {"attributes", "payload", "decided_by"}, "alerts": {"delivery_errors"}, "tasks": {"depends_on", "attributes", "result"},
    "state_values": {"value"}, "problems": {"evidence"}, "events": {"data"}, "audit": {"data"},
}
ENUM_COLUMNS = {
    "runs": {"state", "run_trigger"}, "cycle_runs": {"state", "run_trigger", "variant"}, "cycle_steps": {"state"},
    "actions": {"verdict", "status", "actor"}, "alerts": {"kind"}, "goals": {"kind", "status", "start_day", "end_day", "time_zone"},
    "tasks": {"state"}, "problems": {"severity", "fix"}, "events": {"kind"}, "audit": {"kind"},
}
# The commands that read each table; every corruption also runs a bystander that reads none of it.
READERS = {
    "actions": [["status"], ["approvals", "list", "--all"], ["brief", "--no-save"], ["audit", "verify"]],
    "alerts": [["brief", "--no-save"], ["jobs", "show", "broken"]],
    "audit": [["audit", "verify"], ["audit", "list", "--limit", "1000"]],
    "audit_head": [["audit", "verify"], ["propose", "tidy_logs"]],
    "cycle_runs": [["cycles", "list"], ["brief", "--no-save"]],
    "cycle_steps": [["cycles", "list"], ["brief", "--no-save"]],
    "daemon": [["status"], ["doctor"]],
    "events": [["patterns", "events"], ["patterns", "list"]],
    "goals": [["status"], ["goals", "list", "--all"]],
    "goal_progress": [["goals", "show", "calls"]],
    "jobs": [["status"], ["jobs", "list"]],
    "leases": [["doctor"], ["cycles", "run", "tiny"]],
    "problems": [["health", "list", "--all"], ["brief", "--no-save"]],
    "runs": [["status"], ["runs", "list", "--limit", "1000"], ["brief", "--no-save"]],
    "samples": [["health", "metrics", "--since", "30d"]],
    "state_values": [["status"], ["context", "detect"]],
    "task_numbers": [["queue", "add", "Another", "--hours", "1", "--category", "Bug fixes"]],
    "tasks": [["status"], ["queue", "list"]],
}
BYSTANDER = {"actions": ["runs", "list"]}


def sh(binary, workspace, *args, timeout=60):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NIGHTSHIFT_")}
    env["NIGHTSHIFT_RESOURCE_USAGE"] = "10,10"
    return subprocess.run([binary, *args, "-w", workspace], capture_output=True, text=True, timeout=timeout, env=env)


def sql(database, statement):
    result = subprocess.run(["sqlite3", "-batch", database, statement], capture_output=True, text=True)
    return result.returncode, result.stdout.strip(), result.stderr.strip()


def populate(binary, workspace):
    assert sh(binary, workspace, "init").returncode == 0
    open(os.path.join(workspace, "nightshift.toml"), "w").write(CONFIG)
    steps = [
        ["jobs", "run", "tick"], ["jobs", "run", "broken"], ["cycles", "run", "tiny"], ["propose", "tidy_logs"], ["propose", "deploy"],
        ["queue", "add", "Fix login", "--hours", "1", "--category", "Bug fixes"],
        ["goals", "add", "calls", "--metric", "calls", "--target", "10", "--start", "2020-01-01", "--end", "2999-12-31"],
        ["goals", "progress", "calls", "3"], ["patterns", "log", "standup"], ["health", "scan"], ["context", "set", "gym"],
    ]
    for step in steps:
        sh(binary, workspace, *step)
    store = os.path.join(workspace, "nightshift.sqlite")
    sql(store, "INSERT INTO problems (id, key, severity, summary, evidence, fix, first_seen, last_seen, occurrences) "
               "VALUES ('prb_test', 'test', 'warning', 'a test problem', '{}', NULL, 1, 2, 1);")
    # A daemon record: serve until it says it serves, then stop it.
    serve = subprocess.Popen([binary, "serve", "-w", workspace], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if sql(store, "SELECT COUNT(*) FROM daemon;")[1] == "1":
            break
        time.sleep(0.1)
    serve.send_signal(signal.SIGTERM)
    serve.wait(timeout=30)


def corruptions(store, only):
    tables = sql(store, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                        "AND name NOT IN ('grdb_migrations', 'quarantine') ORDER BY name;")[1].split()
    for table in tables:
        if only and table not in only:
            continue
        for line in sql(store, f"SELECT name, type, \"notnull\" FROM pragma_table_info('{table}');")[1].splitlines():
            column, kind, notnull = line.split("|")
            values = []
            if kind == "INTEGER":
                values += [("text", "'garbage'"), ("a real", "1.5"), ("a blob", "X'00'")]
            elif kind == "REAL":
                values += [("text", "'garbage'"), ("a blob", "X'00'")]
            else:
                values += [("a blob", "X'00'")]
                if column in JSON_COLUMNS.get(table, ()):
                    values.append(("garbage JSON", "'{garbage'"))
                if column in ENUM_COLUMNS.get(table, ()):
                    values.append(("an unknown value", "'unknown_value'"))
            values.append(("NULL", "NULL"))
            for name, value in values:
                yield table, column, name, value, notnull == "1"


def check(options, base, workspace, number, table, column, name, value, _notnull):
    """One corruption on its own copy; returns (line, refused, command runs, crashes, unnamed, served)."""
    copy = os.path.join(base, f"copy{number}")
    shutil.copytree(workspace, copy)
    try:
        copied = os.path.join(copy, "nightshift.sqlite")
        if sql(copied, f"SELECT COUNT(*) FROM {table};")[1] == "0":
            return f"skip  {table}.{column}: the table is empty", False, 0, 0, 0, 0
        sql(copied, "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = substr(sql, 1, length(sql) - 7) "
                    f"WHERE type = 'table' AND name = '{table}' AND sql LIKE '%) STRICT'; PRAGMA writable_schema = OFF;")
        status, _, error = sql(copied, f"UPDATE {table} SET \"{column}\" = {value} WHERE rowid = (SELECT MAX(rowid) FROM {table});")
        if status != 0:
            return f"held  {name} in {table}.{column}: the schema refuses it ({error})", True, 0, 0, 0, 0
        outcome, runs, crashes, unnamed = [], 0, 0, 0
        for command in READERS.get(table, []) + [BYSTANDER.get(table, ["approvals", "list", "--all"])]:
            result = sh(options.binary, copy, *command)
            runs += 1
            label = " ".join(command[:2])
            if result.returncode < 0 or result.returncode >= 128 or "Fatal error" in result.stderr:
                crashes += 1
                outcome.append(f"{label}: CRASH {result.returncode} {result.stderr.strip()[-300:]}")
            elif result.returncode not in (0, 3) and command[0] != "doctor":  # doctor exits 1 for the stopped daemon anyway
                text = result.stdout + result.stderr
                if f"{table} row" in text or "cannot be read" in text or "audit trail broken" in text:
                    outcome.append(f"{label}: {result.returncode} named")
                else:
                    unnamed += 1
                    outcome.append(f"{label}: UNNAMED {result.returncode} {text.strip()[-300:]}")
        served = 0
        if options.serve > 0:
            served = 1
            log = os.path.join(base, f"serve{number}.log")
            with open(log, "w") as output:
                daemon = subprocess.Popen([options.binary, "serve", "-w", copy], stdout=subprocess.DEVNULL, stderr=output)
            # SIGTERM stops it gracefully only once it serves; before that it would just end it.
            deadline = time.time() + 60
            while time.time() < deadline and daemon.poll() is None and "nightshift: serving" not in open(log).read():
                time.sleep(0.1)
            time.sleep(options.serve)
            alive = daemon.poll() is None
            daemon.send_signal(signal.SIGTERM)
            try:
                code = daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                daemon.kill()
                code = -9
            stderr = open(log).read()
            os.remove(log)
            if not alive or code != 0 or "Fatal error" in stderr:
                crashes += 1
                outcome.append(f"serve: DIED alive={alive} exit={code} {stderr.strip()[-300:]}")
            else:
                outcome.append(f"serve: ok, {sql(copied, 'SELECT COUNT(*) FROM quarantine;')[1]} quarantined")
        bad = [o for o in outcome if "CRASH" in o or "UNNAMED" in o or "DIED" in o]
        shown = bad or [o for o in outcome if "named" in o or "serve" in o] or ["every command carried on"]
        return f"{'FAIL' if bad else 'ok  '}  {name} in {table}.{column}: " + "; ".join(shown), False, runs, crashes, unnamed, served
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.environ.get("NIGHTSHIFT", os.path.join(ROOT, ".build/debug/nightshift")))
    parser.add_argument("--serve", type=float, default=0, help="also run serve this many seconds on each copy")
    parser.add_argument("--tables", default="", help="only these tables, comma-separated")
    parser.add_argument("--jobs", type=int, default=2, help="corruptions checked at once")
    options = parser.parse_args()
    only = set(filter(None, options.tables.split(",")))
    base = tempfile.mkdtemp(prefix="nightshift-corruption-")
    tried = refused = runs = crashes = unnamed = served = failing = 0
    started = time.time()
    try:
        workspace = os.path.join(base, "ws")
        populate(options.binary, workspace)
        store = os.path.join(workspace, "nightshift.sqlite")
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
            futures = [pool.submit(check, options, base, workspace, number, *corruption)
                       for number, corruption in enumerate(corruptions(store, only))]
            for future in futures:
                line, held, ran, crashed, silent, daemon = future.result()
                print(line, flush=True)
                if line.startswith("skip"):
                    continue
                tried += 1
                refused += held
                runs += ran
                crashes += crashed
                unnamed += silent
                served += daemon
                failing += line.startswith("FAIL")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"\ncorruptions tried: {tried} ({refused} refused by the schema: NOT NULL), command runs: {runs}, serve runs: {served}, "
          f"crashes: {crashes}, failures not naming the row: {unnamed}, {time.time() - started:.0f} s")
    print(f"{tried - failing} passed, {failing} failed")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
