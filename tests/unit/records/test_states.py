"""Assignment states as a table: every row is one situation a safeguarding lead recognises."""

from datetime import date

import pytest

from records.states import (
    Standing,
    State,
    add_months,
    effective_due_on,
    joiner_due_on,
    reminder_for,
    standing,
)

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("due_on", "completed", "started", "renewal", "expected"),
    [
        # nothing recorded, due in the future
        (date(2026, 12, 31), None, False, None, State.NOT_STARTED),
        # something recorded, due in the future
        (date(2026, 12, 31), None, True, None, State.IN_PROGRESS),
        # due today is not yet overdue
        (TODAY, None, True, None, State.IN_PROGRESS),
        # past the due date without a completion, started or not
        (date(2026, 11, 21), None, False, None, State.OVERDUE),
        (date(2026, 11, 21), None, True, None, State.OVERDUE),
        # completed, no renewal period: completed for ever, even after the due date
        (date(2020, 1, 1), date(2019, 12, 1), True, None, State.COMPLETED),
        # completed late still counts as completed
        (date(2026, 1, 1), date(2026, 3, 1), True, None, State.COMPLETED),
        # 12-month renewal, completed 6 months ago
        (date(2026, 1, 1), date(2026, 5, 22), True, 12, State.COMPLETED),
        # 12-month renewal, expires in 30 days: expiring soon
        (date(2026, 1, 1), date(2025, 12, 22), True, 12, State.EXPIRING_SOON),
        # expires in 31 days: still simply completed
        (date(2026, 1, 1), date(2025, 12, 23), True, 12, State.COMPLETED),
        # expired today
        (date(2026, 1, 1), date(2025, 11, 22), True, 12, State.EXPIRED),
        # 24-month renewal for safeguarding leads, completed 13 months ago
        (date(2025, 1, 1), date(2025, 10, 22), True, 24, State.COMPLETED),
    ],
)
def test_standing_table(due_on, completed, started, renewal, expected):
    result = standing(
        today=TODAY,
        due_on=due_on,
        last_completed_on=completed,
        started=started,
        renewal_months=renewal,
    )
    assert result.state == expected


def test_expiry_date_is_the_renewal_period_after_the_completion():
    result = standing(
        today=TODAY,
        due_on=TODAY,
        last_completed_on=date(2026, 2, 3),
        started=True,
        renewal_months=12,
    )
    assert result.expires_on == date(2027, 2, 3)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 5, 15), 24, date(2028, 5, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


def test_renewal_gives_those_who_had_completed_time_to_redo_the_course():
    due = effective_due_on(
        due_on=date(2026, 1, 1),
        renewal_required_on=date(2026, 11, 1),
        complete_within_days=30,
        completed_before_renewal=True,
    )
    assert due == date(2026, 12, 1)


def test_renewal_does_not_excuse_those_who_never_completed():
    due = effective_due_on(
        due_on=date(2026, 1, 1),
        renewal_required_on=date(2026, 11, 1),
        complete_within_days=30,
        completed_before_renewal=False,
    )
    assert due == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("s", "expected"),
    [
        (Standing(State.NOT_STARTED, date(2026, 12, 31)), None),
        (Standing(State.NOT_STARTED, date(2026, 11, 29)), ("due_soon", date(2026, 11, 29))),
        (Standing(State.IN_PROGRESS, date(2026, 11, 23)), ("due_soon", date(2026, 11, 23))),
        (Standing(State.OVERDUE, date(2026, 11, 1)), ("overdue", date(2026, 11, 1))),
        (
            Standing(State.EXPIRING_SOON, date(2025, 1, 1), date(2025, 12, 1), date(2026, 12, 1)),
            ("expiring", date(2026, 12, 1)),
        ),
        (
            Standing(State.EXPIRED, date(2025, 1, 1), date(2025, 11, 1), date(2026, 11, 1)),
            ("expired", date(2026, 11, 1)),
        ),
        (Standing(State.COMPLETED, date(2026, 11, 1), date(2026, 10, 1)), None),
    ],
)
def test_reminder_for_each_state(s, expected):
    assert reminder_for(s, today=TODAY) == expected


@pytest.mark.parametrize(
    ("joined_on", "expected"),
    [
        # In the group before the course was assigned, or the same day: the due date.
        (date(2026, 1, 10), date(2026, 10, 1)),
        (date(2026, 8, 1), date(2026, 10, 1)),
        # Joined later: their days from joining, or the due date if that is later.
        (date(2026, 8, 15), date(2026, 10, 1)),
        (date(2026, 9, 20), date(2026, 10, 20)),
        (date(2027, 3, 1), date(2027, 3, 31)),
    ],
)
def test_someone_who_joins_after_the_course_is_assigned_gets_time_to_do_it(joined_on, expected):
    due = joiner_due_on(
        due_on=date(2026, 10, 1), assigned_on=date(2026, 8, 1), joined_on=joined_on, days=30
    )
    assert due == expected


def test_no_days_for_people_who_join_later_makes_them_due_the_day_they_join():
    due = joiner_due_on(
        due_on=date(2026, 10, 1), assigned_on=date(2026, 9, 1), joined_on=date(2027, 3, 1), days=0
    )
    assert due == date(2027, 3, 1)


def test_monthly_renewal_is_not_expiring_soon_on_the_day_it_is_completed():
    """With a renewal period shorter than the 30-day window, a fresh completion would be
    "expiring soon" (and emailed as such) at once; the window is at most a quarter of the
    period (docs/records.md)."""
    result = standing(
        today=TODAY, due_on=TODAY, last_completed_on=TODAY, started=True, renewal_months=1
    )
    assert result.state == State.COMPLETED
    assert reminder_for(result, today=TODAY) is None


@pytest.mark.parametrize(
    ("completed", "months", "expected"),
    [
        # monthly: expires 2026-12-22, 30 days away; a quarter of 30 days is 7
        (date(2026, 11, 22), 1, State.COMPLETED),
        # monthly, expires 2026-11-29: 7 days away, expiring soon
        (date(2026, 10, 29), 1, State.EXPIRING_SOON),
        # monthly, expires 2026-11-30: 8 days away, completed
        (date(2026, 10, 30), 1, State.COMPLETED),
        # 3 months (91 days): the window is 22 days
        (date(2026, 9, 14), 3, State.EXPIRING_SOON),  # expires 2026-12-14, 22 days away
        (date(2026, 9, 15), 3, State.COMPLETED),  # expires 2026-12-15, 23 days away
        # 12 months: the 30-day window as before
        (date(2025, 12, 22), 12, State.EXPIRING_SOON),
        (date(2025, 12, 23), 12, State.COMPLETED),
    ],
)
def test_expiring_soon_window_is_a_quarter_of_a_short_renewal_period(completed, months, expected):
    result = standing(
        today=TODAY,
        due_on=date(2026, 1, 1),
        last_completed_on=completed,
        started=True,
        renewal_months=months,
    )
    assert result.state == expected


@pytest.mark.parametrize("days_from_due", [-1, 0, 1])
@pytest.mark.parametrize(
    "completed",
    [
        date(2025, 12, 10),  # runs out on the due date, a year on
        date(2024, 3, 1),  # ran out before the course was theirs: lasts until the due date
    ],
)
def test_a_completion_is_expired_from_the_expiry_date_it_gives_and_not_before(
    completed, days_from_due
):
    """The lead's matrix, My learning and the emails give one expiry date ("Renew before 10
    December", "expired 10 December") and the state beside it: "Expired" exactly from that
    day. A completion lasting until the due date gave the due date itself, on which it still
    counts, so on that day it read "Expiring soon, expires 10 Dec" beside a colleague's
    "Expired, expired 10 Dec", and its owner was told to renew a day earlier than needed."""
    due_on = date(2026, 12, 10)
    today = date.fromordinal(due_on.toordinal() + days_from_due)
    s = standing(
        today=today,
        due_on=due_on,
        last_completed_on=completed,
        started=True,
        renewal_months=12,
        assigned_on=date(2026, 11, 1),
    )
    assert (s.state == State.EXPIRED) == (today >= s.expires_on)
