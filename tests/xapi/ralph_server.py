"""A real Ralph LRS process for tests: started from .venv-ralph on a free local port."""

import base64
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RALPH_PYTHON = ROOT / ".venv-ralph" / "bin" / "python"
LAUNCHER = Path(__file__).with_name("ralph_launcher.py")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Ralph:
    """Start, stop and query one Ralph process; data survives a restart."""

    username = "upstander"
    password = "ralph-test-secret"

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    @property
    def endpoint(self) -> str:
        return f"{self.url}/xAPI/"

    def start(self) -> None:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO")},
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.data_dir),
            "RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH": str(self.data_dir),
            "RALPH_AUTH_FILE": str(self.data_dir / "auth.json"),
            "RALPH_APP_DIR": str(self.data_dir / "app"),
            "RALPH_TEST_USERNAME": self.username,
            "RALPH_TEST_PASSWORD": self.password,
        }
        self.log = open(self.data_dir / "ralph.log", "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [str(RALPH_PYTHON), str(LAUNCHER), str(self.port)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=self.data_dir,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph exited: {(self.data_dir / 'ralph.log').read_text()}")
            try:
                urllib.request.urlopen(f"{self.url}/__heartbeat__", timeout=1).read()  # noqa: S310
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        raise RuntimeError("Ralph did not start within 60 seconds")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if getattr(self, "log", None):
            self.log.close()

    def statements(self) -> list[dict]:
        """Every statement Ralph holds, following `more` links."""
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
        found = []
        url = f"{self.url}/xAPI/statements?limit=100"
        while url:
            request = urllib.request.Request(url, headers=headers)  # noqa: S310
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                body = json.loads(response.read())
            found += body["statements"]
            url = f"{self.url}{body['more']}" if body.get("more") else ""
        return found


@pytest.fixture
def ralph(tmp_path):
    """A running Ralph LRS (its filesystem backend in a temporary directory)."""
    if not RALPH_PYTHON.exists():
        message = "Ralph is not installed in .venv-ralph (run `make setup`)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    server = Ralph(tmp_path)
    server.start()
    yield server
    server.stop()
