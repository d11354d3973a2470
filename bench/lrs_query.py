"""Benchmark: filtered GETs on the LRS at 10,000 and at 1,000,000 stored statements.

gunicorn (gthread, production settings) on PostgreSQL. Each filter (verb, activity, agent,
registration, activity with related_activities, since) is requested by 4 concurrent clients,
first with 10,000 statements stored, then after pre-loading up to 1,000,000. The script
prints the p50 and p99 of each and the ratio of the p50s (target: 1M at most 2 x 10k),
next to the same ratio for GET /xapi/about (no database) as a measure of machine noise.

    .venv/bin/python bench/lrs_query.py [--small 10000] [--large 1000000] [--requests 200]
"""

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import preload, server

CLIENTS = 4
LIMIT = 25


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    return parser.parse_args()


def queries() -> dict[str, dict]:
    return {
        "verb": {"verb": "http://adlnet.gov/expapi/verbs/completed"},
        "activity": {"activity": preload.module_iri(7)},
        "agent": {"agent": json.dumps(preload.learner_agent(13))},
        "registration": {"registration": preload.registration(42)},
        "related activity": {"activity": preload.course_iri(3), "related_activities": "true"},
        "since (1 day)": {"since": "SINCE"},
    }


def measure(port: int, auth: str, args, since: str) -> dict:
    headers = server.headers(auth)
    results = {}
    about = [("GET", "/xapi/about", None, headers)] * args.requests
    server.load(port, about[:40], CLIENTS)
    results["about (no database)"] = server.summary(server.load(port, about, CLIENTS))
    for name, params in queries().items():
        params = {k: (since if v == "SINCE" else v) for k, v in params.items()}
        path = "/xapi/statements?" + urlencode({**params, "limit": LIMIT})
        requests = [("GET", path, None, headers)] * args.requests
        server.load(port, requests[:20], CLIENTS)
        results[name] = server.summary(server.load(port, requests, CLIENTS))
    return results


def main():
    args = parse_args()
    print("Preparing the benchmark database ...", flush=True)
    server.database_prepare()
    server.django_setup()
    school, auth = server.credentials()
    print(f"Pre-loading {args.small:,} statements ...", flush=True)
    preload.preload(school_id=school.pk, start=1, end=args.small)
    import psycopg

    def since_one_day() -> str:
        with psycopg.connect(server.DATABASE_URL) as conn:
            latest = conn.execute("SELECT max(stored) FROM xapi_statement").fetchone()[0]
        return (
            latest.replace(microsecond=0) - __import__("datetime").timedelta(days=1)
        ).isoformat()

    with server.gunicorn() as port:
        small = measure(port, auth, args, since_one_day())
        print(f"Pre-loading up to {args.large:,} statements ...", flush=True)
        preload.preload(school_id=school.pk, start=args.small + 1, end=args.large)
        large = measure(port, auth, args, since_one_day())

    print(
        f"\n{'filter':22} {'p50 at ' + format(args.small, ','):>16} "
        f"{'p50 at ' + format(args.large, ','):>18} {'ratio':>7}  (p99 small / large)"
    )
    for name in small:
        a, b = small[name], large[name]
        print(
            f"{name:22} {a['p50_ms']:13.1f} ms {b['p50_ms']:15.1f} ms "
            f"{b['p50_ms'] / a['p50_ms']:7.2f}  ({a['p99_ms']:.0f} / {b['p99_ms']:.0f} ms)"
        )
    worst = max(large[n]["p50_ms"] / small[n]["p50_ms"] for n in small if "about" not in n)
    print(f"\nWorst filtered-GET p50 ratio, 1M / 10k: {worst:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
