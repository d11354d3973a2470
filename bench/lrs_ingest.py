"""Benchmark: LRS ingest, single statements and batches, empty and with 1,000,000 stored.

Against gunicorn (gthread, production settings) on PostgreSQL, with 16 concurrent clients:

- single statements POSTed one per request, compared with a trivial authenticated JSON view
  on the same server (same credentials check, same request body): target >= 0.5 x;
- batches of 50 statements per POST, compared with inserting the same rows (statements and
  their relations) directly with psycopg, 16 connections at once: target >= 0.3 x;
- both again after pre-loading 1,000,000 statements: target rate at 1M >= 0.8 x empty.

Every ratio is measured in the same run, each load alternating with its baseline in eight
rounds. Usage (needs PostgreSQL; BENCH_DATABASE_URL names
the server, default postgres://postgres@127.0.0.1:5432):

    .venv/bin/python bench/lrs_ingest.py [--preload 1000000] [--requests 3200] [--batches 96]
"""

import argparse
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import preload, server

CLIENTS = 16
BATCH = 50
ROUNDS = 8


def merged(parts: list[dict]) -> dict:
    """One result from several rounds of the same load: their requests over their time."""
    return {
        "wall": sum(p["wall"] for p in parts),
        "latencies": [latency for p in parts for latency in p["latencies"]],
        "count": sum(p["count"] for p in parts),
    }


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preload", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=3200)
    parser.add_argument("--batches", type=int, default=96)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    return parser.parse_args()


def make_statement(n: int) -> dict:
    from xapi.statements import builders
    from xapi.statements.builders import Activity
    from xapi.statements.vocabulary import COURSE, MODULE

    module = Activity(iri=preload.module_iri(n), type=MODULE, name=f"Module {n % 400}")
    course = Activity(iri=preload.course_iri(n), type=COURSE, name=f"Course {n % 40}")
    return builders.module_completed(
        actor=preload.learner_agent(n),
        module=module,
        course=course,
        registration=preload.registration_for_posting(n),
    )


def direct_insert(batches: list[list[dict]], school_id: int) -> dict:
    """The same rows record() writes (statement + relations), straight through psycopg."""
    import psycopg
    from psycopg.types.json import Jsonb

    from xapi.identity import actor_key
    from xapi.services import _relations

    statement_sql = (
        "INSERT INTO xapi_statement (statement_id, school_id, learner_id, actor_key, verb_iri,"
        " object_type, object_iri, object_agent_key, ref_statement_id, registration,"
        " timestamp, stored, voided, version, data) VALUES (%s, %s, NULL, %s, %s, 'Activity',"
        " %s, '', NULL, %s, %s, %s, false, '1.0.0', %s) RETURNING id"
    )
    relation_sql = (
        "INSERT INTO xapi_statementrelation (statement_id, school_id, kind, key, stored)"
        " VALUES (%s, %s, %s, %s, %s)"
    )
    chunks = [batches[i::CLIENTS] for i in range(CLIENTS)]
    latencies: list[float] = []
    lock = threading.Lock()
    gate = threading.Barrier(CLIENTS + 1)

    def worker(mine):
        times = []
        with psycopg.connect(server.DATABASE_URL) as conn:
            gate.wait()
            for batch in mine:
                began = time.perf_counter()
                now = datetime.now(UTC)
                with conn.transaction(), conn.cursor() as cur:
                    rows = []
                    for s in batch:
                        data = {**s, "stored": now.isoformat(), "version": "1.0.0"}
                        rows.append(
                            (
                                s["id"],
                                school_id,
                                actor_key(s["actor"]),
                                s["verb"]["id"],
                                s["object"]["id"],
                                s["context"]["registration"],
                                now,
                                now,
                                Jsonb(data),
                            )
                        )
                    cur.executemany(statement_sql, rows, returning=True)
                    ids = []
                    while True:
                        ids.append(cur.fetchone()[0])
                        if not cur.nextset():
                            break
                    relations = [
                        (pk, school_id, kind, key, now)
                        for pk, s in zip(ids, batch, strict=True)
                        for kind, key in _relations(s)
                    ]
                    cur.executemany(relation_sql, relations)
                times.append(time.perf_counter() - began)
        with lock:
            latencies.extend(times)

    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for thread in threads:
        thread.start()
    gate.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return {"wall": time.perf_counter() - began, "latencies": latencies, "count": len(latencies)}


def measure(port: int, auth: str, school_id: int, args, label: str, counter: list) -> dict:
    headers = server.headers(auth)

    def fresh(count):
        out = []
        for _ in range(count):
            counter[0] += 1
            out.append(make_statement(counter[0]))
        return out

    warm = [("POST", "/xapi/statements", server.json_body(s), headers) for s in fresh(64)]
    warm += [("POST", "/bench/ping", b"{}", headers)] * 64
    server.load(port, warm, CLIENTS)

    # Each load and its baseline alternate in ROUNDS short rounds, so a burst of load from
    # something else on the (shared, noisy) machine falls on both alike.
    singles = fresh(args.requests)
    trivial_parts, single_parts = [], []
    for part in range(ROUNDS):
        mine = singles[part::ROUNDS]
        trivial_parts.append(
            server.load(
                port, [("POST", "/bench/ping", server.json_body(s), headers) for s in mine], CLIENTS
            )
        )
        single_parts.append(
            server.load(
                port,
                [("POST", "/xapi/statements", server.json_body(s), headers) for s in mine],
                CLIENTS,
            )
        )
    trivial = server.summary(merged(trivial_parts))
    single = server.summary(merged(single_parts))
    batches = [fresh(BATCH) for _ in range(args.batches)]
    direct_batches = [fresh(BATCH) for _ in range(args.batches)]
    batch_parts, direct_parts = [], []
    for part in range(ROUNDS):
        batch_parts.append(
            server.load(
                port,
                [
                    ("POST", "/xapi/statements", server.json_body(b), headers)
                    for b in batches[part::ROUNDS]
                ],
                CLIENTS,
            )
        )
        direct_parts.append(direct_insert(direct_batches[part::ROUNDS], school_id))
    batch = server.summary(merged(batch_parts), per_request=BATCH)
    direct = server.summary(merged(direct_parts), per_request=BATCH)
    print(f"\n[{label}]")
    for name, result in (
        ("trivial authenticated view", trivial),
        ("LRS single statements", single),
        ("LRS batches of 50", batch),
        ("direct psycopg inserts", direct),
    ):
        unit = "statements/s" if "view" not in name else "requests/s"
        print(
            f"  {name:28} {result['rate']:8.1f} {unit:13} p50 {result['p50_ms']:7.1f} ms"
            f"   p99 {result['p99_ms']:7.1f} ms"
        )
    return {"trivial": trivial, "single": single, "batch": batch, "direct": direct}


def main():
    args = parse_args()
    print("Preparing the benchmark database ...", flush=True)
    server.database_prepare()
    server.django_setup()
    school, auth = server.credentials()
    counter = [10_000_000]  # statement numbers above the preloaded ones
    with server.gunicorn(args.workers, args.threads) as port:
        empty = measure(port, auth, school.pk, args, "empty LRS", counter)
        print(f"\nPre-loading {args.preload:,} statements ...", flush=True)
        seconds = preload.preload(school_id=school.pk, start=1, end=args.preload)
        print(f"  done in {seconds:.0f} s", flush=True)
        full = measure(port, auth, school.pk, args, f"{args.preload:,} stored", counter)

    def ratio(a, b):
        return a["rate"] / b["rate"]

    print("\nRatios (target in brackets):")
    for label, r in (("empty", empty), ("1M stored", full)):
        print(
            f"  {label:10} single / trivial view   {ratio(r['single'], r['trivial']):5.2f}"
            f"  (>= 0.5)"
        )
        print(
            f"  {label:10} batch / direct insert   {ratio(r['batch'], r['direct']):5.2f}  (>= 0.3)"
        )
    print(
        f"  single at 1M / empty                  {ratio(full['single'], empty['single']):5.2f}"
        f"  (>= 0.8)"
    )
    print(
        f"  batch at 1M / empty                   {ratio(full['batch'], empty['batch']):5.2f}"
        f"  (>= 0.8)"
    )
    print(
        f"  (trivial view at 1M / empty           "
        f"{ratio(full['trivial'], empty['trivial']):5.2f}: machine noise between the passes)"
    )


if __name__ == "__main__":
    main()
