"""A target changed in the admin while a worker sends its backlog: the rest of the backlog
follows the change, batch by batch, not the target as it was when the worker started."""

import base64

import pytest

from xapi import forwarding
from xapi.forwarding import outbox_flush
from xapi.models import ForwardingTarget, OutboxEntry
from xapi.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def backlog(school, pupil, make_statement, receiver, django_capture_on_commit_callbacks):
    """A school's LRS, sent one statement per request, with three statements waiting (as
    after an outage)."""
    target = ForwardingTarget.objects.create(
        name="School LRS",
        school=school,
        endpoint=receiver.endpoint,
        username="key",
        password="old-secret",
        version="2.0.0",
        batch_size=1,
    )
    with django_capture_on_commit_callbacks(execute=False):
        record(statements=[make_statement(pupil) for _ in range(3)], school=school)
    return target


def _changed_after_the_first_request(monkeypatch, change):
    """An administrator saves the target while the worker's first request is on its way."""
    post = forwarding._post
    calls = []

    def post_then_change(target, statements, files=()):
        post(target, statements, files)
        calls.append(statements)
        if len(calls) == 1:
            saved = ForwardingTarget.objects.get(pk=target.pk)
            change(saved)
            saved.save()

    monkeypatch.setattr(forwarding, "_post", post_then_change)


def test_a_target_switched_off_while_its_backlog_is_sent_is_sent_nothing_more(
    backlog, receiver, monkeypatch
):
    """An administrator who switches a target off (it is the wrong LRS, or the trust asked
    them to stop) expects nothing more to go to it, not the rest of a day's backlog."""
    _changed_after_the_first_request(monkeypatch, lambda t: setattr(t, "is_active", False))
    outbox_flush()
    assert len(receiver.requests) == 1
    assert OutboxEntry.objects.filter(target=backlog, status="pending").count() == 2


def test_a_target_given_to_another_school_while_its_backlog_is_sent_gets_none_of_the_rest(
    backlog, receiver, monkeypatch
):
    """One school's pupils' statements must not reach another school's LRS because a worker
    was already sending when the administrator corrected the target's school."""
    from tests.factories import SchoolFactory

    other = SchoolFactory(name="Another school")
    _changed_after_the_first_request(monkeypatch, lambda t: setattr(t, "school", other))
    outbox_flush()
    assert len(receiver.requests) == 1
    rest = OutboxEntry.objects.filter(target=backlog).exclude(status="sent")
    assert rest.count() == 2
    assert all("no longer for this target" in entry.last_error for entry in rest)


def test_a_password_changed_while_the_backlog_is_sent_is_used_for_the_rest(
    backlog, receiver, monkeypatch
):
    """The other LRS's secret was rotated and the administrator saved the new one: the
    requests after that carry it (the old one is refused there)."""
    _changed_after_the_first_request(monkeypatch, lambda t: setattr(t, "password", "new-secret"))
    outbox_flush()
    secrets = [
        base64.b64decode(r["headers"]["authorization"].removeprefix("Basic ")).decode()
        for r in receiver.requests
    ]
    assert secrets == ["key:old-secret", "key:new-secret", "key:new-secret"]
