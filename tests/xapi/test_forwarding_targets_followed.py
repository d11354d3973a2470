"""Every statement recorded after a forwarding target is added, changed or removed follows
the change: nothing about the targets is kept between statements. On PostgreSQL the insert
itself chooses the targets, in the same snapshot as the rows it stores; on SQLite they are
read on every call."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xapi.models import ForwardingTarget, OutboxEntry
from xapi.services import record

pytestmark = pytest.mark.django_db


def _target(**fields):
    return ForwardingTarget.objects.create(
        name="Trust LRS", endpoint="http://127.0.0.1:9/xapi/", **fields
    )


def _target_reads(ctx) -> int:
    """Queries that read the targets table itself."""
    return sum(
        q["sql"].lstrip().upper().startswith("SELECT") and '"xapi_forwardingtarget"' in q["sql"]
        for q in ctx.captured_queries
    )


def test_a_change_of_scope_is_followed_by_the_next_statement(school, pupil, make_statement):
    target = _target()
    record(statements=[make_statement(pupil)], school=school)
    assert OutboxEntry.objects.filter(target=target).count() == 1
    target.scope = ForwardingTarget.Scope.STAFF
    target.save()
    record(statements=[make_statement(pupil)], school=school)
    # Staff only now: the pupil's statement is not forwarded.
    assert OutboxEntry.objects.filter(target=target).count() == 1


def test_a_target_added_gets_the_next_statement(school, pupil, make_statement):
    record(statements=[make_statement(pupil)], school=school)
    target = _target(school=school)
    statement = make_statement(pupil)
    record(statements=[statement], school=school)
    assert list(OutboxEntry.objects.values_list("target_id", "statement__statement_id")) == [
        (target.pk, uuid.UUID(statement["id"]))
    ]


def test_a_deactivated_target_gets_nothing_more(school, pupil, make_statement):
    target = _target()
    record(statements=[make_statement(pupil)], school=school)
    target.is_active = False
    target.save()
    record(statements=[make_statement(pupil)], school=school)
    assert OutboxEntry.objects.filter(target=target).count() == 1


def test_a_deleted_target_gets_nothing_more(school, pupil, make_statement):
    target = _target()
    other = _target()
    record(statements=[make_statement(pupil)], school=school)
    target.delete()
    record(statements=[make_statement(pupil)], school=school)
    assert OutboxEntry.objects.filter(target=other).count() == 2
    assert OutboxEntry.objects.count() == 2


def test_another_schools_target_is_not_used(school, pupil, make_statement):
    from tests.factories import SchoolFactory

    _target(school=SchoolFactory())
    record(statements=[make_statement(pupil)], school=school)
    assert OutboxEntry.objects.count() == 0


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite reads on every call")
def test_on_sqlite_the_targets_are_read_on_every_call(school, pupil, make_statement):
    _target()
    record(statements=[make_statement(pupil)], school=school)
    with CaptureQueriesContext(connection) as ctx:
        record(statements=[make_statement(pupil)], school=school)
    assert _target_reads(ctx) == 1
    assert OutboxEntry.objects.count() == 2
