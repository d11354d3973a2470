"""Fixtures for the xAPI tests: statements for our learners and a throwaway receiving LRS."""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.factories import UserFactory
from tests.xapi.ralph_server import ralph  # noqa: F401 (a fixture for the Ralph tests)
from xapi.identity import activity_iri, actor_for
from xapi.statements import builders
from xapi.statements.builders import Activity
from xapi.statements.vocabulary import COURSE, MODULE


@pytest.fixture
def admin_client(client, db):
    """The test client signed in as a superuser, for the LRS and forwarding admin screens."""
    admin = UserFactory(school=None, username="admin1", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


@pytest.fixture
def course_activity():
    return Activity(iri=activity_iri("course", uuid.uuid4()), type=COURSE, name="Privacy")


@pytest.fixture
def module_activity():
    return Activity(iri=activity_iri("module", uuid.uuid4()), type=MODULE, name="Settings")


@pytest.fixture
def make_statement(course_activity, module_activity):
    """A module-completed statement for a user (a learning event as the product records)."""

    def make(user, **kwargs):
        return builders.module_completed(
            actor=actor_for(user),
            module=kwargs.get("module", module_activity),
            course=kwargs.get("course", course_activity),
            registration=kwargs.get("registration", str(uuid.uuid4())),
        )

    return make


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length)
        content_type = self.headers.get("Content-Type", "")
        parts = {}
        if content_type.startswith("multipart/mixed"):
            from xapi.lrs.multipart import attachments_read

            boundary = content_type.partition("boundary=")[2].strip('"')
            body, parts = attachments_read(raw, boundary)
        else:
            body = json.loads(raw)
        server = self.server
        server.requests.append(
            {
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
                "parts": parts,
                "raw": raw,
            }
        )
        if any(isinstance(s, dict) and s.get("id") in server.hanging_ids for s in body):
            # A statement this LRS takes and never answers for: the sender's timeout ends it.
            server.released.wait(60)
            return
        status = server.statuses.pop(0) if server.statuses else 200
        if any(isinstance(s, dict) and s.get("id") in server.failing_ids for s in body):
            status = 500  # a statement this LRS fails on, however often it is sent
        status, headers = status if isinstance(status, tuple) else (status, {})
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(server.reply_body)

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    """A tiny real HTTP server that records what is POSTed to it (the statements as `body`,
    the attachments of a multipart/mixed request as `parts` by SHA-2) and answers with the
    statuses queued in `.statuses` (200 when none are queued); a queued `(status, headers)`
    sends those headers too; a request carrying a statement whose id is in `.failing_ids` is
    answered 500, and one carrying a statement whose id is in `.hanging_ids` is not answered
    at all (until the test ends). Every answer's body is `.reply_body`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.requests = []
    server.statuses = []
    server.failing_ids = set()
    server.hanging_ids = set()
    server.released = threading.Event()
    server.reply_body = b"[]"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.endpoint = f"http://127.0.0.1:{server.server_address[1]}/xapi/"
    yield server
    server.released.set()
    server.shutdown()
    server.server_close()


class LrsClientHelper:
    """The Django test client with an LRS client's Basic credentials and a version header."""

    def __init__(self, client, key, secret, version="1.0.3"):
        import base64

        self.client = client
        self.auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.version = version

    def on_a_connection_of_its_own(self):
        """The same credentials through a client of its own, for a thread sending at the
        same moment as this one; a server error is answered as it would be to the tool
        (500), not raised into the test."""
        from django.test import Client

        helper = LrsClientHelper(Client(raise_request_exception=False), "", "", self.version)
        helper.auth = self.auth
        return helper

    def headers(self, **extra):
        headers = {"HTTP_AUTHORIZATION": self.auth}
        if self.version:
            headers["HTTP_X_EXPERIENCE_API_VERSION"] = self.version
        headers.update(extra)
        return headers

    def get(self, path, params=None, **extra):
        return self.client.get(path, params or {}, **self.headers(**extra))

    def post(self, path, data, content_type="application/json", **extra):
        body = json.dumps(data) if not isinstance(data, bytes | str) else data
        return self.client.post(path, body, content_type=content_type, **self.headers(**extra))

    def put(self, path, data, content_type="application/json", **extra):
        body = json.dumps(data) if not isinstance(data, bytes | str) else data
        return self.client.put(path, body, content_type=content_type, **self.headers(**extra))

    def delete(self, path, **extra):
        return self.client.delete(path, **self.headers(**extra))


@pytest.fixture
def lrs_client_factory(client):
    from xapi.models import LrsClient

    def make(school, *, can_read=True, can_write=True, version="1.0.3"):
        credentials = LrsClient(name="Tool", school=school, can_read=can_read, can_write=can_write)
        secret = credentials.issue_secret()
        credentials.save()
        return LrsClientHelper(client, credentials.key, secret, version)

    return make


@pytest.fixture
def lrs(school, lrs_client_factory):
    """An LRS client with read and write credentials for the `school`."""
    return lrs_client_factory(school)


def xapi_statement(**changes):
    """A minimal valid statement from an external tool."""
    data = {
        "actor": {"objectType": "Agent", "mbox": "mailto:learner@example.org"},
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/experienced",
            "display": {"en-US": "experienced", "en-GB": "experienced"},
        },
        "object": {
            "objectType": "Activity",
            "id": "http://example.org/activities/one",
            "definition": {"name": {"en-US": "One", "fr": "Un"}},
        },
    }
    data.update(changes)
    return data
