"""Documents written at the same moment (Part Three 1.1 "Concurrency"; 2.0.0 Part Three
4.1.4): two tabs or devices saving the same state, or two tools creating the same profile
with If-None-Match: *. Each request gets an xAPI answer; none fails with a server error."""

import contextlib
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


def test_a_learners_browser_saving_new_documents_at_once_stays_within_the_cap(
    client, pupil, settings, monkeypatch
):
    """XAPI_LEARNER_DOCUMENTS_MAX holds when two of a pupil's tabs each save a new document at
    the same moment: one is stored and the other is refused (403), not both stored because
    each counted the learner's documents before the other had written."""
    from urllib.parse import urlencode

    from xapi import services
    from xapi.identity import actor_for

    settings.XAPI_LEARNER_DOCUMENTS_MAX = 2
    client.force_login(pupil)
    agent = json.dumps(actor_for(pupil))

    def url(state_id):
        params = {"activityId": "http://example.org/a", "agent": agent, "stateId": state_id}
        return "/xapi/activities/state?" + urlencode(params)

    version = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
    first = client.put(url("first"), b"{}", content_type="application/json", **version)
    assert first.status_code == 204

    # Each request waits after its count until the other has counted too, or (when the other
    # is held back until this one is done) for a moment: the counts happen at the same time
    # whenever nothing keeps them apart.
    checked = threading.Barrier(2)
    check = services._learner_documents_check

    def check_then_wait(*args, **kwargs):
        check(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            checked.wait(timeout=3)

    monkeypatch.setattr(services, "_learner_documents_check", check_then_wait)
    cookies = client.cookies
    statuses: list[int] = []

    def run(state_id):
        from django.db import connections

        tab = Client(raise_request_exception=False)
        tab.cookies = cookies
        try:
            response = tab.put(url(state_id), b"{}", content_type="application/json", **version)
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(name,)) for name in ("second", "third")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [204, 403]
    assert Document.objects.count() == 2
