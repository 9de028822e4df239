"""Pairwise precision and recall of a deduplication against the generator's truth, for
Benchmarks/sales/run. Standard library only.

    python3 evaluate.py --truth truth.jsonl --nightshift-db WORKSPACE/nightshift.sqlite
    python3 evaluate.py --truth truth.jsonl --splink-clusters clusters.csv

The truth is one group of 0-based data rows a line (`[17,4512]`), every person with two or more
rows. Nightshift's groups are its stored prospects with two or more source ids (the CSV's id column,
`P0000001` for row 0; a merge keeps every member's ids). Splink's are its clusters of two or more.
A pair is two rows in one group; precision is the share of found pairs that are true, recall the
share of true pairs found. Prints one JSON object.
"""

import argparse
import csv
import json
import sqlite3
from collections import Counter, defaultdict


def row_of(external_id):
    return int(external_id[1:]) - 1


def nightshift_groups(path):
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    groups, states, ids = [], Counter(), 0
    for (record,) in connection.execute("SELECT record FROM sales_prospects"):
        prospect = json.loads(record)
        states[prospect.get("state", "?")] += 1
        external = prospect.get("external_ids") or []
        ids += len(external)
        if len(external) > 1:
            groups.append([row_of(value) for value in external])
    extra = {"prospects": sum(states.values()), "states": dict(sorted(states.items())), "source_ids": ids}
    return groups, extra


def splink_groups(path):
    members = defaultdict(list)
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            members[row["cluster_id"]].append(int(row["unique_id"]))
    return [group for group in members.values() if len(group) > 1], {}


def pairs(n):
    return n * (n - 1) // 2


def score(truth, groups):
    person = {}
    for index, group in enumerate(truth):
        for row in group:
            person[row] = index
    true_pairs = sum(pairs(len(group)) for group in truth)
    found_pairs = correct = 0
    for group in groups:
        found_pairs += pairs(len(group))
        correct += sum(pairs(k) for k in Counter(person[row] for row in group if row in person).values())
    precision = correct / found_pairs if found_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    return {
        "groups": len(groups),
        "rows_in_groups": sum(len(group) for group in groups),
        "largest_group": max((len(group) for group in groups), default=0),
        "found_pairs": found_pairs,
        "true_pairs": true_pairs,
        "correct_pairs": correct,
        "precision": round(precision, 5),
        "recall": round(recall, 5),
        "f1": round(2 * precision * recall / (precision + recall), 5) if precision + recall else 0.0,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--truth", required=True)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--nightshift-db")
    source.add_argument("--splink-clusters")
    arguments = parser.parse_args()
    with open(arguments.truth) as handle:
        truth = [json.loads(line) for line in handle if line.strip()]
    if arguments.nightshift_db:
        groups, extra = nightshift_groups(arguments.nightshift_db)
    else:
        groups, extra = splink_groups(arguments.splink_clusters)
    print(json.dumps({**score(truth, groups), **extra}))


if __name__ == "__main__":
    main()
