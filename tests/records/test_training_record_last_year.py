"""The training record lists the lessons led with classes in the last year: a calendar year,
from the same day a year before, also in the twelve months after a 29 February."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

import courses.selectors
from records import certificates

pytestmark = pytest.mark.django_db

# 2028 is a leap year: from 1 June 2027 to 1 June 2028 is 366 days.
ON_1_JUNE_2028 = datetime(2028, 6, 1, 9, 0, tzinfo=UTC)


def test_the_training_record_counts_the_last_year_from_the_same_day_after_a_29_february(
    client, safeguarding_lead, monkeypatch
):
    asked = {}

    def lessons_taught_in(school, *, since):
        asked["since"] = since
        return []

    monkeypatch.setattr(courses.selectors, "lessons_taught_in", lessons_taught_in)
    monkeypatch.setattr(certificates, "training_record_pdf", lambda **kwargs: b"%PDF-")
    client.force_login(safeguarding_lead)
    # Today only, not the clock: the sign-in's session must not run out meanwhile.
    localdate = timezone.localdate
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, **kw: localdate(value or ON_1_JUNE_2028, **kw)
    )
    response = client.get(reverse("records:training_record_pdf"))
    assert response.status_code == 200
    assert asked["since"] == date(2027, 6, 1)
