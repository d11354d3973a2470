"""Where a learner stands on an assigned course: pure functions, no database.

The dashboard, the matrix, the learner's own pages and the reminders all ask these
functions, so they can never disagree about who is overdue.
"""

import calendar
import enum
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

# How long before an expiry or a due date a learner is told it is coming. A renewal period
# shorter than four windows (monthly, quarterly) has a quarter of it instead, so a completion
# is not "expiring soon" on the day it is done.
EXPIRING_WINDOW_DAYS = 30
DUE_SOON_DAYS = 7


class State(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    OVERDUE = "overdue"
    EXPIRING_SOON = "expiring_soon"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self])

    @property
    def needs_action(self) -> bool:
        return self in (State.OVERDUE, State.EXPIRED)


STATE_LABELS = {
    State.NOT_STARTED: _("Not started"),
    State.IN_PROGRESS: _("In progress"),
    State.COMPLETED: _("Completed"),
    State.OVERDUE: _("Overdue"),
    State.EXPIRING_SOON: _("Expiring soon"),
    State.EXPIRED: _("Expired"),
}

# What the dashboard's "Completed" counts and the matrix's "Completed" filter lists: a
# completion expiring soon still counts.
COMPLETED_INCLUDING_EXPIRING = _("Completed, including expiring soon")


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the last day of that month if it is shorter; the
    calendar's first or last day for a count that goes past it (a school keeping its records
    for 99999 months keeps them all)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    if year < date.min.year:
        return date.min
    if year > date.max.year:
        return date.max
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Standing:
    """A learner's state on one assignment, with the dates that explain it."""

    state: State
    due_on: date
    completed_on: date | None = None
    expires_on: date | None = None


def effective_due_on(
    *,
    due_on: date,
    renewal_required_on: date | None,
    complete_within_days: int,
    completed_before_renewal: bool,
) -> date:
    """The due date once a course "requires renewal": someone who had completed the old
    version gets `complete_within_days` from the renewal, never less than the original date.
    Someone who never completed it keeps the original due date."""
    if renewal_required_on is None or not completed_before_renewal:
        return due_on
    return max(due_on, renewal_required_on + timedelta(days=complete_within_days))


def joiner_due_on(*, due_on: date, assigned_on: date, joined_on: date, days: int) -> date:
    """The due date for someone who joined the group (or the school with the role) on
    `joined_on`: who joined after the day the course was assigned has `days` from joining, or
    until the due date if that is later; everyone else has the due date."""
    if joined_on <= assigned_on:
        return due_on
    return max(due_on, joined_on + timedelta(days=days))


def standing(
    *,
    today: date,
    due_on: date,
    last_completed_on: date | None,
    started: bool,
    renewal_months: int | None = None,
    expiring_window_days: int = EXPIRING_WINDOW_DAYS,
    assigned_on: date | None = None,
) -> Standing:
    """Where the learner stands.

    `last_completed_on` is their latest completion that still counts (the caller has already
    ignored completions from before a "requires renewal" mark); `started` is whether anything
    of the course has been recorded for them; `assigned_on` is when the course became theirs
    to do (it was assigned, or they joined later).
    """
    if last_completed_on is not None:
        expires_on = add_months(last_completed_on, renewal_months) if renewal_months else None
        if expires_on is not None:
            expiring_window_days = min(
                expiring_window_days, (expires_on - last_completed_on).days // 4
            )
        # A completion that had run out before the course was theirs to do (done years ago,
        # by someone who joined later or before it was assigned) lasts until the due date:
        # they have until then to take it again, as someone who never did it has. It
        # expires the day after, as any expiry date is the first day it no longer counts (a
        # due date on the calendar's last day, given as "no deadline", has no day after).
        ran_out_early = (
            expires_on is not None
            and assigned_on is not None
            and expires_on <= assigned_on
            and expires_on < due_on
        )
        if ran_out_early:
            expires_on = due_on + timedelta(days=1) if due_on < date.max else date.max
        if expires_on is not None and today >= expires_on:
            state = State.EXPIRED
        elif expires_on is not None and today >= expires_on - timedelta(days=expiring_window_days):
            state = State.EXPIRING_SOON
        else:
            state = State.COMPLETED
        return Standing(state, due_on, last_completed_on, expires_on)
    if today > due_on:
        return Standing(State.OVERDUE, due_on)
    return Standing(State.IN_PROGRESS if started else State.NOT_STARTED, due_on)


def reminder_for(s: Standing, *, today: date, due_soon_days: int = DUE_SOON_DAYS):
    """The reminder this standing calls for, as (kind, the date it is about), or None.

    Kinds match `ReminderSent.Kind`. The date makes the event: a new due date or a new expiry
    is a new reminder, the same one is never sent twice.
    """
    if s.state == State.OVERDUE:
        return ("overdue", s.due_on)
    if s.state == State.EXPIRED and s.expires_on is not None:
        return ("expired", s.expires_on)
    if s.state == State.EXPIRING_SOON and s.expires_on is not None:
        return ("expiring", s.expires_on)
    if (
        s.state in (State.NOT_STARTED, State.IN_PROGRESS)
        and (s.due_on - today).days <= due_soon_days
    ):
        return ("due_soon", s.due_on)
    return None
