"""A benchmark database on PostgreSQL, a gunicorn server on it, and a load generator.

The database is `upstander_bench_lrs` on the server named by BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432). It is migrated once and its LRS tables are emptied at
the start of each run.
"""

import base64
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = "upstander_bench_lrs"
DATABASE_URL = f"{SERVER}/{DB_NAME}"
SITE_URL = "http://localhost:8000"
ENV = {
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production",
    "SECURE_SSL_REDIRECT": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SITE_URL": SITE_URL,
    # Production requires one of its own (the benchmarks serve no H5P content).
    "H5P_CONTENT_ORIGIN": "http://h5p.bench.invalid",
    "LOG_LEVEL": "WARNING",
    "DB_CONN_MAX_AGE": "60",
    # As in production: the cache all workers share.
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
}
XAPI_TABLES = [
    "xapi_outboxentry",
    "xapi_statementrelation",
    "xapi_attachmentcontent",
    "xapi_document",
    "xapi_statement",
    "records_completion",
]


def database_prepare() -> None:
    """Create (if needed) and migrate the benchmark database, then empty the LRS tables."""
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    env = {**os.environ, **ENV, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("TRUNCATE " + ", ".join(XAPI_TABLES) + " CASCADE")


def django_setup() -> None:
    """Use Django in this process, on the benchmark database."""
    os.environ.update(ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def credentials() -> tuple[object, str]:
    """A school and a read/write LRS client for it; returns (school, Authorization header)."""
    from schools.models import School
    from xapi.models import LrsClient

    school, _created = School.objects.get_or_create(name="Bench Academy")
    client = LrsClient(name="bench", school=school)
    secret = client.issue_secret()
    client.save()
    token = base64.b64encode(f"{client.key}:{secret}".encode()).decode()
    return school, f"Basic {token}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(
    workers: int = 3,
    threads: int = 8,
    *,
    env: dict | None = None,
    settings_module: str = "benchlib.settings",
    ready_path: str = "/xapi/about",
    backlog: int = 2048,
):
    """gunicorn (gthread) serving the site with bench settings on a free port; yields the
    port once `ready_path` answers. Each benchmark passes its own environment and settings."""
    port = free_port()
    process_env = {
        **os.environ,
        **(ENV if env is None else env),
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": f"{ROOT}:{BENCH}",
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--backlog",
            str(backlog),
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
        ],
        cwd=ROOT,
        env=process_env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", ready_path)
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def load(port: int, requests: list, clients: int = 16) -> dict:
    """Send `requests` (method, path, body, headers) over `clients` keep-alive connections
    at once; return the wall time, per-request latencies and any non-2xx answers."""
    chunks = [requests[i::clients] for i in range(clients)]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)

    def worker(items):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad = [], []
        start_gate.wait()
        for method, path, body, headers in items:
            began = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            mine.append(time.perf_counter() - began)
            if response.status >= 300:
                bad.append(f"{response.status} {payload[:200]!r}")
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    start_gate.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"{len(errors)} requests failed, e.g. {errors[0]}")
    return {"wall": wall, "latencies": latencies, "count": len(latencies)}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(result: dict, per_request: int = 1) -> dict:
    lat = result["latencies"]
    return {
        "rate": result["count"] * per_request / result["wall"],
        "p50_ms": percentile(lat, 0.50) * 1000,
        "p99_ms": percentile(lat, 0.99) * 1000,
        "median_ms": statistics.median(lat) * 1000,
    }


def json_body(value) -> bytes:
    return json.dumps(value).encode()


def headers(auth: str, version: str = "1.0.3") -> dict:
    return {
        "Authorization": auth,
        "X-Experience-API-Version": version,
        "Content-Type": "application/json",
    }
