"""A target that answers, but too slowly for the claim on its batch to last."""

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from xapi import forwarding
from xapi.models import ForwardingTarget, OutboxEntry
from xapi.services import record

pytestmark = pytest.mark.django_db


class _Trickler(BaseHTTPRequestHandler):
    """Takes the statements, then sends its answer (their ids, which an LRS answers with)
    a few bytes at a time, each well within the read timeout, the whole far beyond it."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        answer = json.dumps([s["id"] for s in body]).encode().ljust(400)
        self.server.requests += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        try:
            for start in range(0, len(answer), 4):
                self.wfile.write(answer[start : start + 4])
                self.wfile.flush()
                if self.server.released.wait(0.1):
                    return
        except OSError:
            self.server.abandoned = True

    def log_message(self, *args):
        pass


@pytest.fixture
def trickler():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trickler)
    server.requests = 0
    server.abandoned = False
    server.released = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.released.set()
    server.shutdown()
    server.server_close()


def test_a_target_answering_too_slowly_is_given_up_on_before_its_batch_could_be_sent_twice(
    school, pupil, make_statement, trickler, monkeypatch, django_capture_on_commit_callbacks
):
    """A claimed batch is this worker's for a lease (five minutes); then another worker may
    take it, thinking this one died, and send it again, out of order. The read timeout
    bounds each wait for a byte, not the answer: a target (or a proxy in front of it) that
    sends its answer a little at a time held the batch far past its lease. The request is
    given up on well within the lease, and the statements wait for their retry, saying so."""
    monkeypatch.setattr(forwarding, "LEASE", timedelta(seconds=3))
    # Each wait for the next bytes could last longer than the whole answer may take.
    monkeypatch.setattr(forwarding, "TIMEOUT_SECONDS", 5)
    ForwardingTarget.objects.create(
        name="Slow", endpoint=f"http://127.0.0.1:{trickler.server_address[1]}/xapi/"
    )
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)

    entry = OutboxEntry.objects.get()
    assert trickler.requests == 1
    assert entry.status == "pending"
    assert "answer" in entry.last_error and "too slowly" in entry.last_error
    # The target sees the request end: the connection is closed, not left to trickle on.
    for _ in range(50):
        if trickler.abandoned:
            break
        time.sleep(0.1)
    assert trickler.abandoned
