"""An account someone made inactive on purpose stays so when the next roster lists them.

A whole-school file marks missing people as having left, and a later file listing them
brings them back (a mistake in the export, put right). Someone an administrator made
inactive, or the lead marked as having left on their record page, was made so by a person:
the MIS, which often lags, must not undo it. The import says who it kept inactive.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools.roster import Kind, roster_parse
from schools.services import person_left_set, roster_import
from tests.factories import UserFactory
from tests.schools.helpers import roster_import_marking_leavers

BACKEND = "schools.backends.AnyCaseUsernameBackend"
FILE = "mis_id,first_name,last_name,class\r\nA1,Priya,Patel,8R\r\nA2,Sam,Jones,8R\r\n"


def run_import(school, text=FILE, *, everyone=False):
    parsed = roster_parse(text.encode(), kind=Kind.PUPILS)
    if everyone:
        return roster_import_marking_leavers(school, parsed)
    return roster_import(school=school, kind=Kind.PUPILS, parsed=parsed)


@pytest.fixture
def sam(school):
    run_import(school)
    return school.people.get(mis_id="A2")


def test_a_pupil_the_lead_marked_as_left_stays_so_when_the_next_file_lists_them(
    school, safeguarding_lead, sam
):
    person_left_set(actor=safeguarding_lead, person=sam, left=True)

    result = run_import(school)

    sam.refresh_from_db()
    assert not sam.is_active and sam.left_on is not None
    assert result.returned == []
    assert result.kept_inactive == [sam]


def test_a_pupil_an_administrator_made_inactive_stays_so(school, sam):
    sam.is_active = False
    sam.save()

    result = run_import(school)

    sam.refresh_from_db()
    assert not sam.is_active
    assert result.kept_inactive == [sam]


def test_made_inactive_in_bulk_in_settings_users_stays_so(client, school, sam):
    admin = UserFactory(username="root", school=None, is_superuser=True, is_staff=True)
    client.force_login(admin)
    meta = sam._meta
    url = reverse("wagtail_bulk_action", args=[meta.app_label, meta.model_name, "set_active_state"])
    client.post(url + f"?next=/admin/users/&id={sam.pk}", {"mark_as_active": "False"})

    run_import(school)

    sam.refresh_from_db()
    assert not sam.is_active


def test_a_pupil_a_whole_school_file_left_out_is_still_brought_back(school, sam):
    run_import(school, "mis_id,first_name,last_name\r\nA1,Priya,Patel\r\n", everyone=True)
    sam.refresh_from_db()
    assert not sam.is_active

    result = run_import(school)

    sam.refresh_from_db()
    assert sam.is_active
    assert (result.returned, result.kept_inactive) == ([sam], [])


def test_brought_back_by_hand_the_next_file_keeps_them(school, safeguarding_lead, sam):
    person_left_set(actor=safeguarding_lead, person=sam, left=True)
    person_left_set(actor=safeguarding_lead, person=sam, left=False)
    only_priya = "mis_id,first_name,last_name\r\nA1,Priya,Patel\r\n"
    run_import(school, only_priya)

    sam.refresh_from_db()
    assert sam.is_active


def test_the_import_page_names_who_it_kept_inactive_and_how_to_bring_them_back(
    client, school, safeguarding_lead, sam
):
    person_left_set(actor=safeguarding_lead, person=sam, left=True)
    client.force_login(safeguarding_lead, backend=BACKEND)
    response = client.post(
        reverse("schools:roster_import"),
        {
            "kind": Kind.PUPILS,
            "file": SimpleUploadedFile("roster.csv", FILE.encode(), "text/csv"),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 person in the file stays inactive" in page
    assert "Sam Jones" in page
    assert "Bring them back" in page


def test_their_record_page_says_a_file_will_not_bring_them_back(
    client, school, safeguarding_lead, sam
):
    person_left_set(actor=safeguarding_lead, person=sam, left=True)
    client.force_login(safeguarding_lead, backend=BACKEND)
    page = client.get(reverse("records:person", args=[sam.pk])).content.decode()
    assert "importing a file that lists them does not bring them back" in page
    assert "Importing a file that lists them brings them back." not in page
