"""Settings -> Users' "Set active state" for several people at once is leaving (or coming
back), as the edit form and the lead's "marked as left" are."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from records.services import leavers_purge


def set_active_state(client, people, active: bool):
    meta = people[0]._meta
    url = reverse("wagtail_bulk_action", args=[meta.app_label, meta.model_name, "set_active_state"])
    query = "?next=/admin/users/&" + "&".join(f"id={person.pk}" for person in people)
    response = client.post(url + query, {"mark_as_active": str(active)})
    assert response.status_code == 302
    for person in people:
        person.refresh_from_db()


def test_people_made_inactive_in_bulk_have_left_today_and_are_erased_after_retention(
    admin_client, pupil, teacher
):
    set_active_state(admin_client, [pupil, teacher], active=False)

    assert (pupil.is_active, pupil.left_on) == (False, timezone.localdate())
    assert (teacher.is_active, teacher.left_on) == (False, timezone.localdate())
    months = pupil.school.retention_months
    later = timezone.now() + timedelta(days=31 * months + 2)
    assert leavers_purge(now=later, dry_run=True)[pupil.school.name] == 2


def test_people_made_active_again_in_bulk_are_no_longer_leavers(admin_client, pupil):
    pupil.is_active = False
    pupil.save()
    type(pupil).objects.filter(pk=pupil.pk).update(
        left_on=timezone.localdate() - timedelta(days=400)
    )

    set_active_state(admin_client, [pupil], active=True)

    assert (pupil.is_active, pupil.left_on) == (True, None)
    assert pupil.school_joined_at is not None  # new starters' days for courses set meanwhile
    # Made inactive again later, they left that day, not over a year ago.
    set_active_state(admin_client, [pupil], active=False)
    assert pupil.left_on == timezone.localdate()
