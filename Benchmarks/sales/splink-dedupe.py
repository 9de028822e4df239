"""Splink (DuckDB backend) deduplicating the sales benchmark's prospect file with Nightshift's
blocking, for Benchmarks/sales/run. Run it with the virtual environment's Python that `run`
makes (.build-bench/venv-splink), e.g.

    .build-bench/venv-splink/bin/python Benchmarks/sales/splink-dedupe.py \
        --csv prospects.csv --clusters clusters.csv --timings splink.json

It writes every record of a cluster of two or more as `unique_id,cluster_id` (unique_id is the
0-based data row: the id column P0000001 is row 0) and the time of each phase as JSON.

The blocking is Nightshift's DuplicateFinder's, written as Splink blocking rules:
  - the same email identity key (lower case; gmail.com / googlemail.com without dots and +tag);
  - the same company domain: the domain column, else the address's domain unless it is free mail
    (Nightshift's built-in list, `brand.*` entries matching any suffix);
  - the same normalised company (lower case, diacritics folded, punctuation dropped, a leading
    "the" and trailing legal forms removed), unless a placeholder ("n a", "self employed" ...).
Splink compares every pair a rule admits; Nightshift compares every pair of a block of up to 64
named records and sorted neighbourhoods (16 either way, two orders) in a larger one.

Comparisons: Jaro-Winkler on the normalised full name and on the surname, exact email key (with
--compare-domain also an exact company domain, which Nightshift's rule does not weigh). The model
is trained as Splink's tutorials do: probability two records match from a deterministic rule (the
email key, recall 0.6), u by random sampling (--u-pairs, seed 1), m by expectation maximisation on
two blocking rules. Predictions at or above 0.5 are kept; clusters are the connected components of
the pairs at or above --threshold (match probability, default 0.9). SPLINK_LOG_LEVEL=INFO shows
Splink's own account of the training.
"""

import argparse
import json
import os
import sys
import time

FREE_MAIL = [
    "gmail.com", "googlemail.com", "yahoo.*", "ymail.com", "rocketmail.com", "hotmail.*", "outlook.*",
    "live.*", "msn.com", "windowslive.com", "passport.com", "icloud.com", "me.com", "mac.com", "aol.*",
    "aim.com", "protonmail.com", "protonmail.ch", "proton.me", "pm.me", "gmx.*", "web.de", "t-online.de",
    "freenet.de", "arcor.de", "posteo.de", "mailbox.org", "mail.ru", "bk.ru", "list.ru", "inbox.ru",
    "internet.ru", "yandex.*", "ya.ru", "rambler.ru", "ukr.net", "qq.com", "foxmail.com", "163.com",
    "126.com", "yeah.net", "sina.com", "sina.cn", "sohu.com", "aliyun.com", "naver.com", "hanmail.net",
    "daum.net", "kakao.com", "zoho.com", "zohomail.com", "fastmail.com", "fastmail.fm", "hey.com",
    "tutanota.com", "tutanota.de", "tuta.io", "tuta.com", "duck.com", "hushmail.com", "mail.com",
    "email.com", "usa.com", "inbox.com", "lycos.com", "rediffmail.com", "libero.it", "virgilio.it",
    "tiscali.it", "alice.it", "laposte.net", "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "seznam.cz",
    "centrum.cz", "wp.pl", "o2.pl", "interia.pl", "onet.pl", "op.pl", "comcast.net", "verizon.net",
    "att.net", "sbcglobal.net", "bellsouth.net", "cox.net", "charter.net", "earthlink.net",
    "optonline.net", "btinternet.com", "sky.com", "virginmedia.com", "talktalk.net", "ntlworld.com",
    "shaw.ca", "rogers.com", "sympatico.ca", "bigpond.com", "optusnet.com.au", "xtra.co.nz",
    "uol.com.br", "bol.com.br", "terra.com.br", "ig.com.br",
]
PLACEHOLDER_COMPANIES = [
    "n a", "na", "none", "null", "nil", "unknown", "self", "self employed", "selfemployed", "freelance",
    "freelancer", "independent", "private", "personal", "individual", "retired", "student",
    "unemployed", "tbd", "test", "other", "not applicable", "no company", "home",
]
LEGAL_SUFFIXES = [
    "inc", "incorporated", "llc", "llp", "ltd", "limited", "gmbh", "corp", "corporation", "co", "company",
    "sa", "sas", "sarl", "ag", "kg", "bv", "nv", "plc", "srl", "spa", "oy", "ab", "pty",
]


def sql_list(values):
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


def folded(column):
    """DuckDB SQL for Nightshift's name folding: lower case, diacritics dropped, apostrophes and
    dots removed, any other run of non-letters one space, none at either end."""
    return (
        f"trim(regexp_replace(regexp_replace(lower(strip_accents(coalesce({column}, ''))), '[''’.]', '', 'g'), "
        f"'[^a-z0-9]+', ' ', 'g'))"
    )


def prepare_sql(csv_path):
    exact_free = [domain for domain in FREE_MAIL if not domain.endswith(".*")]
    brands = [domain[:-2] for domain in FREE_MAIL if domain.endswith(".*")]
    suffixes = "|".join(LEGAL_SUFFIXES)
    return f"""
    CREATE TABLE prospects AS
    WITH raw AS (
        SELECT * FROM read_csv('{csv_path}', header = true, all_varchar = true, quote = '"', escape = '"')
    ),
    parts AS (
        SELECT
            CAST(substr(id, 2) AS BIGINT) - 1 AS unique_id,
            {folded("first_name || ' ' || last_name")} AS full_name,
            {folded("last_name")} AS surname,
            lower(trim(email)) AS email,
            split_part(lower(trim(email)), '@', 1) AS local_part,
            split_part(lower(trim(email)), '@', 2) AS email_domain,
            nullif(regexp_replace(lower(trim(coalesce(domain, ''))), '^(https?://)?(www\\.)?', ''), '') AS stated_domain,
            {folded("company")} AS company_folded
        FROM raw
    ),
    keyed AS (
        SELECT *,
            CASE WHEN email_domain IN ('gmail.com', 'googlemail.com')
                 THEN replace(split_part(local_part, '+', 1), '.', '') || '@gmail.com'
                 ELSE nullif(email, '') END AS email_key,
            -- "the" first and legal forms last dropped while a word remains, as Nightshift does.
            regexp_replace(regexp_replace(company_folded, '^the (.)', '\\1'), '(.) (({suffixes}) ?)+$', '\\1') AS company_stripped
        FROM parts
    )
    SELECT
        unique_id, full_name, surname, email_key,
        CASE
            WHEN stated_domain IS NOT NULL THEN
                CASE WHEN stated_domain IN ({sql_list(exact_free)}) OR split_part(stated_domain, '.', 1) IN ({sql_list(brands)})
                     THEN NULL ELSE stated_domain END
            WHEN email_domain LIKE '%.%' AND NOT (email_domain IN ({sql_list(exact_free)})
                                                 OR split_part(email_domain, '.', 1) IN ({sql_list(brands)}))
                THEN email_domain
        END AS company_domain,
        CASE WHEN company_stripped = '' OR company_stripped IN ({sql_list(PLACEHOLDER_COMPANIES)}) THEN NULL
             ELSE company_stripped END AS company_key
    FROM keyed
    """


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", required=True)
    parser.add_argument("--clusters", required=True, help="where to write unique_id,cluster_id of clusters of 2+")
    parser.add_argument("--timings", required=True, help="where to write the phases' times as JSON")
    parser.add_argument("--threshold", type=float, default=0.9, help="match probability to cluster at (default 0.9)")
    parser.add_argument("--u-pairs", type=float, default=1e8, help="max_pairs for estimate_u_using_random_sampling (default 1e8)")
    parser.add_argument("--em-pairs", type=float, default=None, help="max_pairs for each EM session (default: all blocked pairs)")
    parser.add_argument(
        "--compare-domain", action="store_true",
        help="also compare the company domain (exact), which Nightshift's rule does not weigh; off by default",
    )
    parser.add_argument("--count-only", action="store_true", help="count the pairs the blocking rules make, then stop")
    arguments = parser.parse_args()

    started = time.monotonic()
    phases = {}

    def lap(name, since):
        now = time.monotonic()
        phases[name] = round(now - since, 3)
        print(f"splink: {name} {now - since:.2f} s", file=sys.stderr, flush=True)
        return now

    import duckdb
    import splink
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    mark = lap("import", started)
    connection = duckdb.connect()
    connection.execute(prepare_sql(os.path.abspath(arguments.csv))).fetchall()
    db_api = DuckDBAPI(connection)
    table = db_api.register("prospects")
    rows = connection.execute("SELECT count(*) FROM prospects").fetchall()[0][0]
    mark = lap("load", mark)

    blocking = [block_on("email_key"), block_on("company_domain"), block_on("company_key")]
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("full_name", [0.97, 0.92, 0.88]),
            cl.JaroWinklerAtThresholds("surname", [0.92, 0.85]),
            cl.ExactMatch("email_key"),
        ] + ([cl.ExactMatch("company_domain")] if arguments.compare_domain else []),
        blocking_rules_to_generate_predictions=blocking,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(table, settings, log_level=logging_level())

    pairs = pair_counts(connection)
    mark = lap("count_pairs", mark)
    if arguments.count_only:
        print(json.dumps({"rows": rows, "pairs": pairs}))
        return

    linker.training.estimate_probability_two_random_records_match([block_on("email_key")], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=arguments.u_pairs, seed=1)
    mark = lap("train_u", mark)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("company_domain", "surname"), max_pairs=arguments.em_pairs
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("email_key"), max_pairs=arguments.em_pairs)
    mark = lap("train_em", mark)
    predictions = linker.inference.predict(threshold_match_probability=min(0.5, arguments.threshold))
    predicted_pairs = connection.execute(f"SELECT count(*) FROM {predictions.physical_name}").fetchall()[0][0]
    mark = lap("predict", mark)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold_match_probability=arguments.threshold)
    mark = lap("cluster", mark)
    connection.execute(
        f"""
        COPY (
            SELECT unique_id, cluster_id FROM {clusters.physical_name}
            WHERE cluster_id IN (SELECT cluster_id FROM {clusters.physical_name} GROUP BY cluster_id HAVING count(*) > 1)
            ORDER BY cluster_id, unique_id
        ) TO '{os.path.abspath(arguments.clusters)}' (HEADER, DELIMITER ',')
        """
    ).fetchall()
    mark = lap("write", mark)
    phases["total"] = round(time.monotonic() - started, 3)
    with open(arguments.timings, "w") as out:
        json.dump(
            {
                "rows": rows, "splink": splink.__version__, "duckdb": duckdb.__version__, "threads": threads(connection),
                "blocked_pairs": pairs, "pairs_at_or_above_%.2f" % min(0.5, arguments.threshold): predicted_pairs,
                "u_max_pairs": arguments.u_pairs, "compare_domain": arguments.compare_domain, "em_max_pairs": arguments.em_pairs, "threshold": arguments.threshold,
                "phases_s": phases,
            },
            out, indent=1,
        )


def logging_level():
    return os.environ.get("SPLINK_LOG_LEVEL", "WARNING")


def threads(connection):
    return connection.execute("SELECT current_setting('threads')").fetchall()[0][0]


def pair_counts(connection):
    """Per blocking key: the pairs its rule makes (a pair two rules make is counted in both), and the
    largest block."""
    counts = {}
    for key in ["email_key", "company_domain", "company_key"]:
        pairs, largest = connection.execute(
            f"SELECT coalesce(sum(n * (n - 1) // 2), 0), coalesce(max(n), 0) FROM "
            f"(SELECT count(*) AS n FROM prospects WHERE {key} IS NOT NULL GROUP BY {key})"
        ).fetchall()[0]
        counts[key] = {"pairs": int(pairs), "largest_block": int(largest)}
    return counts


if __name__ == "__main__":
    main()
