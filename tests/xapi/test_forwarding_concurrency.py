"""Task workers sending the same target's outbox at the same moment (any number of workers
run `manage.py db_worker`, and every `record()` enqueues a send)."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from xapi.forwarding import _claim
from xapi.models import ForwardingTarget, OutboxEntry, Statement
from xapi.services import record

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent workers (PostgreSQL)",
    ),
]


def test_a_worker_claiming_while_another_claims_takes_nothing_behind_that_batch(
    school, pupil, make_statement, receiver
):
    """No entry overtakes an older one being sent, so a voiding never arrives before the
    statement it voids. A worker whose claim met the rows another worker was claiming at
    that moment (locked, not yet committed as being sent) skipped them and took the next
    batch: both batches went at once, the later one first if the earlier failed."""
    record(statements=[make_statement(pupil) for _ in range(4)], school=school)
    target = ForwardingTarget.objects.create(name="Trust", endpoint=receiver.endpoint, batch_size=2)
    for statement in Statement.objects.order_by("id"):
        OutboxEntry.objects.create(
            target=target, statement=statement, next_attempt_at=timezone.now()
        )
    first_claimed = threading.Event()
    release = threading.Event()
    claims = {}

    def worker(name, *, hold):
        try:
            with transaction.atomic():
                claims[name] = [entry.id for entry in _claim(target, fresh=False)]
                if hold:
                    # Still in its claim's transaction: its rows are locked, not yet committed.
                    first_claimed.set()
                    release.wait(30)
        finally:
            connections.close_all()

    first = threading.Thread(target=worker, args=("first",), kwargs={"hold": True})
    first.start()
    assert first_claimed.wait(30)
    second = threading.Thread(target=worker, args=("second",), kwargs={"hold": False})
    second.start()
    second.join(2)  # it may wait for the first worker's claim to end
    release.set()
    first.join(30)
    second.join(30)

    ids = list(OutboxEntry.objects.order_by("id").values_list("id", flat=True))
    assert claims["first"] == ids[:2]
    assert claims["second"] == []
