"""The active forwarding targets are read once per process and version, never kept stale:
every statement recorded after a target is added, changed or removed follows the change.

On PostgreSQL the statement insert returns the targets' version, so the table is read only
when it changed; on SQLite it is read on every call."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xapi import targets
from xapi.models import ForwardingTarget, OutboxEntry
from xapi.services import record

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the version comes with PostgreSQL's insert"
)


@pytest.fixture(autouse=True)
def nothing_cached(monkeypatch):
    monkeypatch.setattr(targets, "_cached", None)


def _target(**fields):
    return ForwardingTarget.objects.create(
        name="Trust LRS", endpoint="http://127.0.0.1:9/xapi/", **fields
    )


def _target_reads(ctx) -> int:
    """Queries that read the targets table itself (not the insert that returns its version)."""
    return sum(
        q["sql"].lstrip().upper().startswith("SELECT") and '"xapi_forwardingtarget"' in q["sql"]
        for q in ctx.captured_queries
    )


def test_version_of_treats_no_active_targets_as_none():
    assert targets.version_of(None, None) == targets.NONE
    assert targets.targets_at(targets.NONE) == []


@postgres_only
def test_the_targets_are_read_once_until_one_changes(school, pupil, make_statement):
    target = _target()
    record(statements=[make_statement(pupil)], school=school)
    with CaptureQueriesContext(connection) as ctx:
        record(statements=[make_statement(pupil)], school=school)
    assert _target_reads(ctx) == 0
    assert OutboxEntry.objects.filter(target=target).count() == 2

    target.scope = ForwardingTarget.Scope.STAFF
    target.save()
    with CaptureQueriesContext(connection) as ctx:
        record(statements=[make_statement(pupil)], school=school)
    assert _target_reads(ctx) == 1
    # Staff only now: the pupil's statement is not forwarded.
    assert OutboxEntry.objects.filter(target=target).count() == 2


@postgres_only
def test_with_no_active_targets_nothing_is_read(school, pupil, make_statement):
    _target(is_active=False)
    with CaptureQueriesContext(connection) as ctx:
        record(statements=[make_statement(pupil)], school=school)
    assert _target_reads(ctx) == 0
    assert OutboxEntry.objects.count() == 0


def test_a_target_added_after_the_list_was_read_gets_the_next_statement(
    school, pupil, make_statement
):
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
