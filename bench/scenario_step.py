"""Benchmark: learners submitting scenario choices, against a trivial view, same server.

200 simulated learners (threads) play the demo scenario "The crest account" concurrently
through the real player endpoints (the JavaScript path: POST with `X-Requested-With`,
answered by the player fragment). Each learner starts an attempt, makes the four choices to
an ending (every choice and ending recorded as xAPI statements, the ending completing the
activity), and replays in each of `--rounds` rounds. Before and after each of those rounds
the same learners make the same number of POSTs to a trivial signed-in view on the same
gunicorn server (production settings, gthread): the baseline, alternating with the scenario
rounds so that load from anything else on the shared machine falls on both alike.

Prints throughput, p50/p99 latency and errors for both, and the ratio of throughputs
(target: at least 0.5, with 0 errors). Each scenario round is compared with the trivial
rounds just before and after it; the ratio is the median of those per-round ratios, because
other tenants' load comes in bursts that a single round can fall into (the pooled ratio of
all requests over all seconds is printed beside it). Needs PostgreSQL: the database is
`upstander_bench_scenarios` on BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432).

    .venv/bin/python bench/scenario_step.py [--learners 200] [--rounds 10]
"""

import argparse
import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from benchlib.server import gunicorn

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = "upstander_bench_scenarios"
DATABASE_URL = f"{SERVER}/{DB_NAME}"
ENV = {
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production",
    "SECURE_SSL_REDIRECT": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SITE_URL": "http://localhost:8000",
    # Production requires one of its own (the benchmarks serve no H5P content).
    "H5P_CONTENT_ORIGIN": "http://h5p.bench.invalid",
    "LOG_LEVEL": "WARNING",
    "DB_CONN_MAX_AGE": "60",
    # As in production: the cache all workers share.
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
}
PATH = [
    ("break-time", "screenshot"),
    ("screenshot", "keep"),
    ("tell-adult", "show"),
    ("lesson-photo", "speak-up"),
]
TARGET = 0.5
ATTEMPT = re.compile(r"/scenarios/attempts/([0-9a-f-]{36})/choose/")
FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=16)
    return parser.parse_args()


def database_prepare() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    env = {**os.environ, **ENV, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def world_build(n_learners: int) -> tuple[str, list[tuple[str, str]], str, str]:
    """Demo scenarios, a school and its pupils with sessions; returns the scenario uuid,
    (session key, csrf secret) per learner, and the cookie names."""
    os.environ.update(ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore

    from scenarios.demo import demo_scenarios_ensure
    from schools.models import School, User
    from schools.roles import Role, role_assign, roles_sync

    roles_sync()
    scenario = demo_scenarios_ensure()["crest-account"]
    school = School.objects.create(name="Bench Academy")
    users = User.objects.bulk_create(
        User(username=f"bench{i}", school=school, password=make_password(None))
        for i in range(n_learners)
    )
    # The backend that loads users (django-axes' backend only guards sign-in).
    backend = next(b for b in settings.AUTHENTICATION_BACKENDS if "axes" not in b.lower())
    sessions = []
    for user in users:
        role_assign(user=user, role=Role.PUPIL)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append((store.session_key, secrets.token_hex(16)))
    return str(scenario.uuid), sessions, settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME


@contextmanager
def scenario_server(workers: int, threads: int):
    with gunicorn(
        workers,
        threads,
        env=ENV,
        settings_module="scenariobench.settings",
        ready_path="/accounts/login/",
        backlog=512,
    ) as port:
        yield port


class Learner:
    """One simulated learner: a keep-alive connection and a signed-in session.

    `form_tokens` holds, per session, the CSRF token in the learner's current forms, as a
    browser would have it: first from the scenario's page, then from each fragment (the
    forms the script posts), kept across rounds."""

    def __init__(self, port, session, cookie_names, form_tokens: dict):
        self.port = port
        session_key, csrf = session
        session_cookie, csrf_cookie = cookie_names
        self.session_key = session_key
        self.form_tokens = form_tokens
        self.headers = {
            "Cookie": f"{session_cookie}={session_key}; {csrf_cookie}={csrf}",
            "X-CSRFToken": csrf,
            "X-Requested-With": "fetch",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    @property
    def form_token(self) -> str:
        return self.form_tokens[self.session_key]

    def forms_seen(self, html: str) -> None:
        """Keep the token of the forms in a page or fragment the learner was sent."""
        match = FORM_TOKEN.search(html)
        if match:
            self.form_tokens[self.session_key] = match.group(1)

    def get(self, url: str) -> tuple[int, str]:
        headers = {key: value for key, value in self.headers.items() if key == "Cookie"}
        self.conn.request("GET", url, headers=headers)
        response = self.conn.getresponse()
        return response.status, response.read().decode()

    def post(self, url: str, body: str) -> tuple[int, str, float]:
        started = time.perf_counter()
        for attempt in range(2):
            try:
                self.conn.request("POST", url, body=body, headers=self.headers)
                response = self.conn.getresponse()
                text = response.read().decode()
                return response.status, text, time.perf_counter() - started
            except (http.client.HTTPException, OSError):
                # A keep-alive connection the server closed: reconnect once.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        raise RuntimeError("unreachable")


def run(learners, job) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(learners) + 1)

    def worker(learner):
        mine, bad = [], []
        barrier.wait()
        try:
            job(learner, mine, bad)
        except Exception as error:
            bad.append(repr(error))
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=worker, args=(learner,)) for learner in learners]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "error_list": errors, "seconds": time.perf_counter() - started}


def throughput(part: dict) -> float:
    return len(part["latencies"]) / part["seconds"] if part["seconds"] else 0.0


def merged(parts: list[dict]) -> dict:
    """One result from several rounds of the same load."""
    latencies = sorted(latency for part in parts for latency in part["latencies"])
    seconds = sum(part["seconds"] for part in parts)
    errors = [error for part in parts for error in part["error_list"]]
    return {
        "requests": len(latencies),
        "seconds": seconds,
        "throughput": len(latencies) / seconds if seconds else 0.0,
        "p50": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p99": latencies[int(0.99 * (len(latencies) - 1))] * 1000 if latencies else 0.0,
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
    }


def scenario_job(scenario_uuid: str, *, restart: bool):
    """One play through per learner: start (or restart) and the four choices."""

    # The fields the player's forms send (static/js/scenario.js posts them as they are),
    # from the scenario's own page.
    page = quote(f"/scenarios/{scenario_uuid}/", safe="")

    def job(learner, latencies, errors):
        restart_field = "&restart=1" if restart else ""
        status, text, seconds = learner.post(
            f"/scenarios/{scenario_uuid}/start/",
            f"csrfmiddlewaretoken={learner.form_token}&return_to={page}{restart_field}",
        )
        latencies.append(seconds)
        learner.forms_seen(text)
        match = ATTEMPT.search(text)
        if status != 200 or not match:
            errors.append(f"start: HTTP {status}")
            return
        attempt = match.group(1)
        for step, (node, choice) in enumerate(PATH):
            status, text, seconds = learner.post(
                f"/scenarios/attempts/{attempt}/choose/",
                f"csrfmiddlewaretoken={learner.form_token}&node={node}&step={step}"
                f"&return_to={page}&choice={choice}",
            )
            latencies.append(seconds)
            learner.forms_seen(text)
            if status != 200 or "scenario-notice" in text:
                errors.append(f"choose {node}: HTTP {status}")
                return
        if "Ending: a good outcome" not in text:
            errors.append("no ending")

    return job


def page_job(scenario_uuid: str):
    """Open the scenario's own page, as a learner does before starting."""

    def job(learner, latencies, errors):
        status, html = learner.get(f"/scenarios/{scenario_uuid}/")
        learner.forms_seen(html)
        if status != 200 or learner.session_key not in learner.form_tokens:
            errors.append(f"page: HTTP {status}")

    return job


def trivial_job(requests_each: int):
    def job(learner, latencies, errors):
        for _ in range(requests_each):
            status, text, seconds = learner.post("/bench/trivial/", "x=1")
            latencies.append(seconds)
            if status != 200 or "Hello" not in text:
                errors.append(f"trivial: HTTP {status}")
                return

    return job


def main():
    args = parse_args()
    database_prepare()
    scenario_uuid, sessions, *cookie_names = world_build(args.learners)
    requests_each = 1 + len(PATH)
    trivial_parts, scenario_parts = [], []
    with scenario_server(args.workers, args.threads) as port:
        form_tokens: dict[str, str] = {}
        make = lambda: [Learner(port, s, cookie_names, form_tokens) for s in sessions]  # noqa: E731
        # Warm up, unmeasured: each learner opens the scenario's page (its forms' token),
        # then every worker and connection and each connection's prepared statements (a
        # play-through each), so the rounds measure the steady state.
        opened = run(make(), page_job(scenario_uuid))
        if opened["error_list"]:
            raise SystemExit(f"The scenario's page failed: {opened['error_list'][0]}")
        run(make(), trivial_job(2))
        run(make(), scenario_job(scenario_uuid, restart=False))
        # The scenario rounds alternate with rounds of the trivial view (the same number of
        # requests), one before and one after each, so load from anything else on the
        # machine falls on both alike.
        trivial_parts.append(run(make(), trivial_job(requests_each)))
        for _round in range(args.rounds):
            scenario_parts.append(run(make(), scenario_job(scenario_uuid, restart=True)))
            trivial_parts.append(run(make(), trivial_job(requests_each)))
    round_ratios = [
        throughput(part) / statistics.mean([throughput(before), throughput(after)])
        for part, before, after in zip(
            scenario_parts, trivial_parts, trivial_parts[1:], strict=False
        )
    ]
    ratio = statistics.median(round_ratios)
    baseline_result = merged(trivial_parts)
    scenario = merged(scenario_parts)
    baseline = baseline_result["throughput"]
    pooled = scenario["throughput"] / baseline if baseline else 0.0
    print(
        f"{args.learners} concurrent learners, gunicorn {args.workers} workers x "
        f"{args.threads} threads, PostgreSQL"
    )
    for label, result in (("trivial view", baseline_result), ("scenario steps", scenario)):
        print(
            f"  {label:24} {result['requests']:6d} requests in {result['seconds']:6.1f} s: "
            f"{result['throughput']:7.1f}/s, p50 {result['p50']:7.1f} ms, "
            f"p99 {result['p99']:7.1f} ms, errors {result['errors']}"
            + (f" (first: {result['first_error']})" if result["errors"] else "")
        )
    print(
        "  per round (scenario / trivial before and after): "
        + ", ".join(f"{r:.2f}" for r in round_ratios)
    )
    print(
        f"  ratio (scenario / trivial throughput): {ratio:.2f}, median of the rounds "
        f"(pooled over all rounds: {pooled:.2f}) (target >= {TARGET})"
    )
    ok = ratio >= TARGET and not (scenario["errors"] or baseline_result["errors"])
    print("  OK" if ok else "  BELOW TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
