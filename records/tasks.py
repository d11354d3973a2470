"""Background work for records: the emails after a course is marked "requires renewal", and
the reminders run, which keeps itself scheduled.

django-tasks has no periodic scheduler, so `reminders_run` enqueues its own next run with
`run_after` (on backends that support deferral, such as the database backend), for the next
RECORDS_REMINDERS_HOUR o'clock (07:00 by default) in the site's time zone: the morning in
the schools, in British Summer Time as in winter, whenever the chain was started. The single
ReminderSchedule row is a compare-and-set token: only the run that moves `next_run_at`
enqueues a successor, so starting the chain twice never makes two chains. If the worker was
down and the chain died, `manage.py send_reminders --schedule` (run at deploy, or from cron)
starts it again with a run at once, which catches up on the reminders the dead run did not
send; `manage.py send_reminders` alone sends now, for sites that prefer cron. Sending twice
is harmless anyway: every reminder is sent at most once (ReminderSent).
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task

from schools.services import emails_abandoned_resend

from .models import ReminderSchedule
from .services import reminders_send, renewal_notify, task_results_purge


@task()
def renewal_notify_run(renewal_id: int) -> int:
    """Email the staff a course marked "requires renewal" asks to take it again."""
    return renewal_notify(renewal_id=renewal_id)


# How late the scheduled run may be before `reminders_schedule_ensure` takes its chain for
# dead (its worker was killed mid-run): well beyond how long a run takes, and short enough
# for the morning's cron job to catch up the same day. Should the run be alive after all,
# the two never send one reminder twice (ReminderSent) and only one schedules the next.
REMINDERS_RUN_LATE_AFTER = timedelta(hours=2)


def reminders_next_run_at(now: datetime) -> datetime:
    """The next RECORDS_REMINDERS_HOUR o'clock after `now`, local time (TIME_ZONE): each
    day's own hour, so a clock change moves it with the schools' day."""
    at = time(hour=settings.RECORDS_REMINDERS_HOUR)
    day = timezone.localdate(now)
    while (run := timezone.make_aware(datetime.combine(day, at))) <= now:
        day += timedelta(days=1)
    return run


@task()
def reminders_run(scheduled_for: str | None = None) -> int:
    """Send due reminders, then schedule the next run if this run still owns the chain (also
    when sending failed: the run fails, and is seen to, but the chain goes on). Finished
    tasks past their time in the task queue are deleted first (`task_results_purge`), and
    emails whose worker was stopped mid-send are sent again (`emails_abandoned_resend`)."""
    try:
        emails_abandoned_resend()
        task_results_purge()
        return reminders_send()
    finally:
        reminders_schedule_next(after=scheduled_for)


def reminders_schedule_next(*, after: str | None, run_at: datetime | None = None) -> bool:
    """Move the schedule on to the next morning's run (or the run at `run_at`) and enqueue it,
    unless another run already did (the compare-and-set on `next_run_at`) or the backend
    cannot defer tasks."""
    if not default_task_backend.supports_defer:
        return False
    now = timezone.now()
    # After the run this one was scheduled as, too: a run started early (by hand) must not
    # schedule its own morning again.
    next_run = run_at or reminders_next_run_at(
        max(now, datetime.fromisoformat(after)) if after else now
    )
    with transaction.atomic():
        schedule, _created = ReminderSchedule.objects.get_or_create(pk=1)
        if (
            after is not None
            and schedule.next_run_at is not None
            and schedule.next_run_at != datetime.fromisoformat(after)
        ):
            return False
        updated = ReminderSchedule.objects.filter(pk=1, next_run_at=schedule.next_run_at).update(
            next_run_at=next_run, last_run_at=now
        )
        if not updated:
            return False
        transaction.on_commit(
            lambda: reminders_run.using(run_after=next_run).enqueue(
                scheduled_for=next_run.isoformat()
            )
        )
    return True


def reminders_schedule_ensure() -> bool:
    """Start the chain if it is not running: no run scheduled, or the scheduled one is more
    than REMINDERS_RUN_LATE_AFTER late (its worker died). A chain that died is started with a
    run at once, which sends what the dead run did not, rather than waiting for the next
    morning. Returns whether a run was enqueued."""
    if not default_task_backend.supports_defer:
        return False
    schedule, _created = ReminderSchedule.objects.get_or_create(pk=1)
    now = timezone.now()
    if schedule.next_run_at is None:
        return reminders_schedule_next(after=None)
    if schedule.next_run_at >= now - REMINDERS_RUN_LATE_AFTER:
        return False
    return reminders_schedule_next(after=None, run_at=now)
