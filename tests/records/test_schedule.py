"""The reminders task keeps one chain of scheduled runs."""

import pytest
from django.test import override_settings
from django.utils import timezone

from records.models import ReminderSchedule
from records.tasks import reminders_schedule_ensure, reminders_schedule_next

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@override_settings(TASKS=DB_TASKS)
def test_ensure_starts_one_chain_and_only_one(django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_schedule_ensure() is True
        assert reminders_schedule_ensure() is False
    assert DBTaskResult.objects.count() == 1
    assert ReminderSchedule.objects.get().next_run_at > timezone.now()


@override_settings(TASKS=DB_TASKS)
def test_a_stale_run_does_not_fork_the_chain(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reminders_schedule_ensure()
        assert reminders_schedule_next(after="2020-01-01T00:00:00+00:00") is False


def test_immediate_backend_never_reschedules():
    assert reminders_schedule_ensure() is False


@override_settings(TASKS=DB_TASKS)
def test_a_run_that_fails_still_schedules_the_next(django_capture_on_commit_callbacks, monkeypatch):
    """A run that breaks (the database restarted mid-run) fails, and is seen to, but the daily
    reminders carry on: without a next run they would stop until someone starts them again."""
    from django.db import OperationalError
    from django_tasks_db.models import DBTaskResult

    import records.tasks as tasks

    with django_capture_on_commit_callbacks(execute=True):
        reminders_schedule_ensure()
    scheduled = ReminderSchedule.objects.get().next_run_at

    def broken():
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(tasks, "reminders_send", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(OperationalError):
        tasks.reminders_run.call(scheduled_for=scheduled.isoformat())
    assert ReminderSchedule.objects.get().next_run_at > scheduled
    assert DBTaskResult.objects.count() == 2
