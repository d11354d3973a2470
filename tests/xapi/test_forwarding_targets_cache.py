"""The active forwarding targets are read once per process and version, never kept stale:
every statement recorded after a target is added, changed or removed follows the change."""

import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xapi import targets
from xapi.models import ForwardingTarget, OutboxEntry
from xapi.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(monkeypatch):
    """Behave as with a cache all processes share (Redis in production); the test's local
    cache is one process's, which is all a single process needs."""
    monkeypatch.setattr(targets, "cache_is_shared", lambda: True)
    monkeypatch.setattr(targets, "_cached", None)
    cache.delete(targets.VERSION_KEY)
    yield
    cache.delete(targets.VERSION_KEY)


def _target(**fields):
    return ForwardingTarget.objects.create(
        name="Trust LRS", endpoint="http://127.0.0.1:9/xapi/", **fields
    )


def _forwarding_queries(ctx) -> int:
    return sum("xapi_forwardingtarget" in q["sql"] for q in ctx.captured_queries)


def test_with_a_shared_cache_the_targets_are_read_once_until_one_changes(
    shared_cache, school, pupil, make_statement, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        target = _target()
    record(statements=[make_statement(pupil)], school=school)
    with CaptureQueriesContext(connection) as ctx:
        record(statements=[make_statement(pupil)], school=school)
    assert _forwarding_queries(ctx) == 0
    assert OutboxEntry.objects.filter(target=target).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        target.is_active = False
        target.save()
    with CaptureQueriesContext(connection) as ctx:
        record(statements=[make_statement(pupil)], school=school)
    assert _forwarding_queries(ctx) == 1
    assert OutboxEntry.objects.filter(target=target).count() == 2


def test_a_target_added_after_the_list_was_cached_gets_the_next_statement(
    shared_cache, school, pupil, make_statement, django_capture_on_commit_callbacks
):
    record(statements=[make_statement(pupil)], school=school)
    with django_capture_on_commit_callbacks(execute=True):
        target = _target(school=school)
    statement = make_statement(pupil)
    record(statements=[statement], school=school)
    assert list(OutboxEntry.objects.values_list("target_id", "statement__statement_id")) == [
        (target.pk, uuid.UUID(statement["id"]))
    ]


def test_a_deleted_target_gets_nothing_more(
    shared_cache, school, pupil, make_statement, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        target = _target()
    record(statements=[make_statement(pupil)], school=school)
    with django_capture_on_commit_callbacks(execute=True):
        target.delete()
    record(statements=[make_statement(pupil)], school=school)
    assert OutboxEntry.objects.count() == 0


def test_another_schools_target_is_not_used(
    shared_cache, school, pupil, make_statement, django_capture_on_commit_callbacks
):
    from tests.factories import SchoolFactory

    with django_capture_on_commit_callbacks(execute=True):
        _target(school=SchoolFactory())
    record(statements=[make_statement(pupil)], school=school)
    assert OutboxEntry.objects.count() == 0


def test_without_a_shared_cache_the_targets_are_read_on_every_call(school, pupil, make_statement):
    assert not targets.cache_is_shared()
    _target()
    record(statements=[make_statement(pupil)], school=school)
    with CaptureQueriesContext(connection) as ctx:
        record(statements=[make_statement(pupil)], school=school)
    assert _forwarding_queries(ctx) == 1
    assert OutboxEntry.objects.count() == 2


def test_an_unreachable_cache_means_reading_the_table_not_failing(
    shared_cache, monkeypatch, school, pupil, make_statement
):
    _target()

    def unreachable(*args, **kwargs):
        raise ConnectionError("cache is down")

    monkeypatch.setattr(targets.cache, "get", unreachable)
    with CaptureQueriesContext(connection) as ctx:
        record(statements=[make_statement(pupil)], school=school)
    assert _forwarding_queries(ctx) == 1
    assert OutboxEntry.objects.count() == 1


def test_a_cached_list_is_read_again_after_its_maximum_age(
    shared_cache, monkeypatch, school, pupil, make_statement
):
    record(statements=[make_statement(pupil)], school=school)
    monkeypatch.setattr(targets, "MAX_AGE", 0.0)
    with CaptureQueriesContext(connection) as ctx:
        record(statements=[make_statement(pupil)], school=school)
    assert _forwarding_queries(ctx) == 1
