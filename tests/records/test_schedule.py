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


@pytest.mark.parametrize(
    ("started", "first_run"),
    [
        # Started at a deploy late at night (23:30 in London, winter): the next morning.
        ("2026-01-14T23:30:00+00:00", "2026-01-15T07:00:00+00:00"),
        # Started after seven in the morning: tomorrow morning, not in 24 hours' time.
        ("2026-01-14T09:15:00+00:00", "2026-01-15T07:00:00+00:00"),
        # The night the clocks go forward (29 March 2026): seven o'clock is BST, 06:00 UTC.
        ("2026-03-28T22:30:00+00:00", "2026-03-29T06:00:00+00:00"),
        # Just after midnight in summer (23:10 UTC is 00:10 BST): that same morning.
        ("2026-06-10T23:10:00+00:00", "2026-06-11T06:00:00+00:00"),
    ],
)
@override_settings(TASKS=DB_TASKS)
def test_the_reminders_go_out_in_the_morning_in_london_whenever_the_chain_was_started(
    django_capture_on_commit_callbacks, monkeypatch, started, first_run
):
    """The daily run was scheduled 24 hours after whenever `send_reminders --schedule` last
    ran: a deploy at night sent every reminder at night, ever after."""
    from datetime import datetime, timedelta

    from django_tasks_db.models import DBTaskResult

    import records.tasks as tasks

    now = datetime.fromisoformat(started)
    monkeypatch.setattr(tasks.timezone, "now", lambda: now)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_schedule_ensure() is True
    expected = datetime.fromisoformat(first_run)
    assert ReminderSchedule.objects.get().next_run_at == expected
    assert DBTaskResult.objects.get().run_after == expected

    # And each run schedules the next for the following morning, across the clock change.
    now = expected + timedelta(minutes=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_schedule_next(after=expected.isoformat()) is True
    following = ReminderSchedule.objects.get().next_run_at
    assert timezone.localtime(following).hour == 7
    assert timezone.localtime(following).date() == timezone.localtime(expected).date() + (
        timedelta(days=1)
    )


def _documented_cron_commands() -> list[list[str]]:
    """The `manage.py` commands of the cron lines in docs/deploying.md."""
    import re
    import shlex
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[2] / "docs" / "deploying.md").read_text()
    cron_line = re.compile(r"^(?:\S+\s+){5}cd /srv/upstander .*manage\.py (.+)$", re.MULTILINE)
    return [shlex.split(arguments) for arguments in cron_line.findall(guide)]


@override_settings(TASKS=DB_TASKS)
def test_the_documented_cron_jobs_restart_reminders_whose_worker_was_killed_mid_run(
    django_capture_on_commit_callbacks,
):
    """The worker was killed (a reboot, the out-of-memory killer) during the morning's run: the
    run never got to schedule the next, and the restarted worker had nothing to run. Only
    `send_reminders --schedule` starts the chain again, and the deployment guide ran it at
    upgrades alone, so the reminders stopped until the next upgrade."""
    import io
    from datetime import timedelta
    from unittest import mock

    from django.core.management import call_command

    commands = _documented_cron_commands()
    assert {"purge_records", "publish_scheduled"} <= {command[0] for command in commands}
    with django_capture_on_commit_callbacks(execute=True):
        reminders_schedule_ensure()
    killed_run = ReminderSchedule.objects.get().next_run_at

    a_day_later = killed_run + timedelta(days=1, hours=1)
    with (
        mock.patch("django.utils.timezone.now", return_value=a_day_later),
        django_capture_on_commit_callbacks(execute=True),
    ):
        for command in commands:
            call_command(*command, stdout=io.StringIO(), stderr=io.StringIO())

    # Started again with a run at once, which catches up on what the killed run did not send.
    assert ReminderSchedule.objects.get().next_run_at == a_day_later


@override_settings(TASKS=DB_TASKS)
def test_reminders_whose_run_was_killed_are_caught_up_by_that_mornings_cron_job(
    django_capture_on_commit_callbacks, monkeypatch
):
    """The worker was killed during the 07:00 run. The documented 09:30 cron job did nothing
    that day (the run was not yet a day late), and the next day's started the chain again
    for the morning after: nobody was reminded for two days. It now sends what is due at
    once, and the chain goes on the next morning."""
    from datetime import datetime

    from django_tasks_db.models import DBTaskResult

    import records.tasks as tasks

    now = datetime.fromisoformat("2026-01-14T09:15:00+00:00")
    monkeypatch.setattr(tasks.timezone, "now", lambda: now)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_schedule_ensure()
    killed_run = ReminderSchedule.objects.get().next_run_at
    assert killed_run == datetime.fromisoformat("2026-01-15T07:00:00+00:00")

    now = datetime.fromisoformat("2026-01-15T09:30:00+00:00")
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_schedule_ensure() is True
    catch_up = DBTaskResult.objects.order_by("-enqueued_at", "-pk").first()
    assert catch_up.run_after <= now
    assert ReminderSchedule.objects.get().next_run_at == catch_up.run_after
    # Running it twice starts nothing more; the catch-up run schedules the next morning's.
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_schedule_ensure() is False
        assert reminders_schedule_next(after=catch_up.run_after.isoformat()) is True
    assert ReminderSchedule.objects.get().next_run_at == datetime.fromisoformat(
        "2026-01-16T07:00:00+00:00"
    )
