"""Forwarding through the outbox: sent after commit, retried with back-off, never dropped."""

from datetime import timedelta

import pytest
from django.utils import timezone

from xapi.forwarding import backoff, outbox_flush, outbox_replay, outbox_summary
from xapi.models import ForwardingTarget, OutboxEntry
from xapi.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(receiver, school):
    return ForwardingTarget.objects.create(
        name="Trust LRS",
        endpoint=receiver.endpoint,
        username="key",
        password="secret",
        version="2.0.0",
    )


def test_statements_are_sent_after_commit_as_a_batch(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    statements = [make_statement(pupil) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=statements, school=school)
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert [s["id"] for s in request["body"]] == [s["id"] for s in statements]
    assert request["headers"]["x-experience-api-version"] == "2.0.0"
    assert request["headers"]["authorization"].startswith("Basic ")
    assert set(OutboxEntry.objects.values_list("status", flat=True)) == {"sent"}


def test_failure_keeps_the_entries_and_backs_off(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [503]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    entry = OutboxEntry.objects.get()
    assert entry.status == "pending"
    assert entry.attempts == 1
    assert "503" in entry.last_error
    assert entry.next_attempt_at > timezone.now() + timedelta(seconds=5)
    # Not due yet: nothing is sent.
    assert outbox_flush() == 0
    OutboxEntry.objects.update(next_attempt_at=timezone.now())
    assert outbox_flush() == 1
    entry.refresh_from_db()
    assert entry.status == "sent"
    assert [len(r["body"]) for r in receiver.requests] == [1, 1]


def test_refused_statements_are_marked_failed_and_can_be_replayed(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [400]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    assert OutboxEntry.objects.get().status == "failed"
    [row] = outbox_summary()
    assert row["target"].failed == 1
    assert "400" in row["last_error"]
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_replay(target=target) == 1
    assert OutboxEntry.objects.get().status == "sent"


def test_unreachable_target_keeps_everything_pending(
    school, pupil, make_statement, django_capture_on_commit_callbacks
):
    ForwardingTarget.objects.create(name="Down", endpoint="http://127.0.0.1:9/xapi/")
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil) for _ in range(2)], school=school)
    assert list(OutboxEntry.objects.values_list("status", "attempts")) == [
        ("pending", 1),
        ("pending", 1),
    ]


def test_backoff_doubles_and_is_capped():
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [10, 20, 40]
    assert backoff(30).total_seconds() == 3600
