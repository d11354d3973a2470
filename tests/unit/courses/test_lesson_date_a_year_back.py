"""A lesson may be recorded up to a year after it was taught: a calendar year, the same day
a year before, also in the twelve months after a 29 February (366 days). No database."""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from courses.forms import ClassLessonForm


@pytest.fixture
def on_1_june_2028(monkeypatch):
    # 2028 is a leap year: from 1 June 2027 to 1 June 2028 is 366 days.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2028, 6, 1, 9, 0, tzinfo=UTC))


def _date_errors(taught_on: date) -> list[str]:
    form = ClassLessonForm(data={"taught_on": taught_on.isoformat()}, modules=[], pupils=[])
    form.is_valid()
    return form.errors.get("taught_on", [])


def test_a_lesson_taught_a_year_ago_to_the_day_can_be_recorded_after_a_29_february(
    on_1_june_2028,
):
    assert _date_errors(date(2027, 6, 1)) == []


def test_a_lesson_taught_a_year_and_a_day_ago_cannot_be_recorded(on_1_june_2028):
    assert _date_errors(date(2027, 5, 31)) == [
        "Lessons can be recorded up to a year after they were taught."
    ]
