"""Documents written at the same moment (Part Three 1.1 "Concurrency"; 2.0.0 Part Three
4.1.4): two tabs or devices saving the same state, or two tools creating the same profile
with If-None-Match: *. Each request gets an xAPI answer; none fails with a server error."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from tests.xapi.conftest import LrsClientHelper
from xapi.models import Document

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent writers (PostgreSQL)",
    ),
]

AGENT = json.dumps({"mbox": "mailto:learner@example.org"})


def _at_once(lrs: LrsClientHelper, url: str, bodies: list[bytes], **headers) -> list[int]:
    """PUT each body to `url` from its own thread, released together; the statuses, sorted."""
    barrier = threading.Barrier(len(bodies))
    statuses: list[int] = []

    def run(body):
        from django.db import connections

        client = Client(raise_request_exception=False)
        helper = LrsClientHelper(client, "", "", lrs.version)
        helper.auth = lrs.auth
        barrier.wait()
        try:
            statuses.append(helper.put(url, body, **headers).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def test_the_same_new_state_saved_at_once_is_saved_for_every_request(lrs):
    """A State PUT needs no precondition (1.0.3 Part Three 2.3): each of the simultaneous
    saves is stored in turn, and the last one is kept."""
    url = f"/xapi/activities/state?activityId=http://example.org/a&agent={AGENT}&stateId=s"
    bodies = [json.dumps({"n": n}).encode() for n in range(4)]

    statuses = _at_once(lrs, url, bodies)

    assert statuses == [204, 204, 204, 204]
    document = Document.objects.get()
    assert bytes(document.content) in bodies


def test_a_profile_created_at_once_with_if_none_match_is_created_once(lrs):
    """If-None-Match: * creates the document only if there is none: one request creates it,
    the others fail their precondition (412), as they would one after another."""
    url = f"/xapi/agents/profile?agent={AGENT}&profileId=p"
    bodies = [json.dumps({"n": n}).encode() for n in range(4)]

    statuses = _at_once(lrs, url, bodies, HTTP_IF_NONE_MATCH="*")

    assert statuses == [204, 412, 412, 412]
    assert Document.objects.count() == 1
