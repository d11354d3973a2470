"""The day someone leaves the school is the school's day (Europe/London), even when an
administrator's own time zone, chosen on their admin account page, is the one in force."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

# 00:30 on 6 June 2026 in the UK (British Summer Time): still 5 June in UTC.
JUST_AFTER_MIDNIGHT_BST = datetime(2026, 6, 5, 23, 30, tzinfo=UTC)


# 23:30 on 6 June 2026 in the UK: already 7 June in Tokyo.
LATE_EVENING_BST = datetime(2026, 6, 6, 22, 30, tzinfo=UTC)


@pytest.fixture
def just_after_midnight(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: JUST_AFTER_MIDNIGHT_BST)


@pytest.fixture
def late_evening(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: LATE_EVENING_BST)


def test_someone_made_inactive_by_an_administrator_in_utc_left_on_the_schools_day(
    just_after_midnight,
):
    person = StaffFactory()
    # Wagtail's admin runs an administrator's requests in the time zone of their account.
    with timezone.override("UTC"):
        person.is_active = False
        person.save()
    person.refresh_from_db()
    assert person.left_on == date(2026, 6, 6)


def test_someone_brought_back_on_the_day_they_left_has_not_joined_again(late_evening):
    joined = LATE_EVENING_BST - timedelta(days=400)
    person = StaffFactory(school_joined_at=joined)
    person.is_active = False
    person.save()  # left on 6 June, the school's day
    # An administrator in a zone ahead of the UK (where it is 7 June) puts it right.
    with timezone.override("Asia/Tokyo"):
        person.refresh_from_db()
        person.is_active = True
        person.save()
    person.refresh_from_db()
    assert person.school_joined_at == joined
