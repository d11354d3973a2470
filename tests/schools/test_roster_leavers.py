"""A roster that lists everyone at the school: who has left, checked first, then marked."""

import re

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from records.selectors import pshe_class_record
from schools.models import Group, Membership, User
from schools.roster import Kind, roster_parse
from schools.selectors import (
    groups_with_pupils_for,
    people_who_left,
    pupils_whose_password_user_may_reset,
)
from schools.services import (
    RosterLeaversChanged,
    leavers_fingerprint,
    roster_import,
    roster_leavers,
)
from schools.views import LEAVERS_SALT
from tests.factories import PupilFactory, SchoolFactory
from tests.schools.helpers import roster_import_marking_leavers

URL = reverse("schools:roster_import")
BACKEND = "schools.backends.AnyCaseUsernameBackend"

LAST_YEAR = (
    "mis_id,first_name,last_name,class\r\n"
    "A1,Priya,Patel,8R\r\n"
    "A2,Sam,Jones,8R\r\n"
    "A3,Ola,Nowak,11X\r\n"
    "A4,Tom,Reed,11X\r\n"
)
# September: Year 11 have gone, 8R moved up, a new pupil arrived.
THIS_YEAR = (
    "mis_id,first_name,last_name,class\r\n"
    "A1,Priya,Patel,9R\r\n"
    "A2,Sam,Jones,9R\r\n"
    "A5,Ella,Hart,7K\r\n"
)


def parse(text, kind=Kind.PUPILS):
    return roster_parse(text.encode(), kind=kind)


def upload(client, text, *, everyone=True, kind=Kind.PUPILS):
    data = {"kind": kind, "file": SimpleUploadedFile("roster.csv", text.encode(), "text/csv")}
    if everyone:
        data["everyone"] = "on"
    return client.post(URL, data)


def confirmation_of(response) -> str:
    return re.search(r'name="confirmation" value="([^"]+)"', response.text).group(1)


@pytest.fixture
def last_year(school):
    roster_import(school=school, kind=Kind.PUPILS, parsed=parse(LAST_YEAR))
    return {u.mis_id: u for u in User.objects.filter(school=school)}


# The service ------------------------------------------------------------------------------


def test_the_leavers_are_the_schools_active_pupils_missing_from_the_file(school, last_year):
    PupilFactory(school=school, mis_id="")  # made by hand: no file can name them
    PupilFactory(school=SchoolFactory(), mis_id="A3")  # same MIS id, another school
    gone = PupilFactory(school=school, mis_id="Z9", is_active=False)  # already left
    leavers = roster_leavers(school=school, kind=Kind.PUPILS, parsed=parse(THIS_YEAR))
    assert [p.mis_id for p in leavers] == ["A3", "A4"]  # by last name: Nowak, Reed
    assert leavers[0].group_names == ["11X"]
    assert gone not in leavers


def test_a_pupils_file_never_marks_staff_and_the_importer_never_marks_themself(
    school, last_year, safeguarding_lead
):
    safeguarding_lead.mis_id = "S1"
    safeguarding_lead.save()
    staff_file = "mis_id,first_name,last_name,email\r\nS2,Ann,Lee,ann@school.invalid\r\n"
    assert roster_leavers(school=school, kind=Kind.PUPILS, parsed=parse(THIS_YEAR)) != []
    staff = roster_leavers(
        school=school,
        kind=Kind.STAFF,
        parsed=parse(staff_file, Kind.STAFF),
        importer=safeguarding_lead,
    )
    assert safeguarding_lead not in staff
    assert all(p.mis_id not in {"A1", "A2", "A3", "A4"} for p in staff)


def test_importing_with_the_checked_list_marks_exactly_those_people_as_left(school, last_year):
    result = roster_import_marking_leavers(school, parse(THIS_YEAR))
    active = dict(User.objects.filter(school=school).values_list("mis_id", "is_active"))
    assert active == {"A1": True, "A2": True, "A3": False, "A4": False, "A5": True}
    assert [p.mis_id for p in result.left] == ["A3", "A4"]
    assert User.objects.get(mis_id="A3").left_on == timezone.localdate()
    assert (result.created, result.updated) == (1, 2)
    # Nothing is deleted: their class memberships and accounts stay.
    assert Membership.objects.filter(user=last_year["A3"], group__name="11X").exists()


def test_a_list_that_changed_since_it_was_checked_imports_nothing(school, last_year):
    parsed = parse(THIS_YEAR)
    checked = leavers_fingerprint(roster_leavers(school=school, kind=Kind.PUPILS, parsed=parsed))
    late = PupilFactory(school=school, mis_id="A6")  # added by another import meanwhile
    with pytest.raises(RosterLeaversChanged) as caught:
        roster_import(school=school, kind=Kind.PUPILS, parsed=parsed, leavers_checked=checked)
    assert late in caught.value.leavers
    assert User.objects.filter(school=school, is_active=False).count() == 0
    assert not User.objects.filter(mis_id="A5").exists()


def test_a_file_without_the_check_leaves_missing_people_alone(school, last_year):
    roster_import(school=school, kind=Kind.PUPILS, parsed=parse(THIS_YEAR))
    assert not User.objects.filter(school=school, is_active=False).exists()


def test_someone_who_left_is_back_when_a_file_lists_them_again(school, last_year):
    # Marked as having left by a whole-school file (someone made inactive by hand is not
    # brought back: tests/schools/test_roster_inactive_by_hand.py).
    roster_import_marking_leavers(school, parse(THIS_YEAR))
    result = roster_import(school=school, kind=Kind.PUPILS, parsed=parse(LAST_YEAR))
    assert [p.mis_id for p in result.returned] == ["A3", "A4"]
    back = User.objects.get(pk=last_year["A3"].pk)
    assert back.is_active and back.left_on is None


def test_people_who_left_drop_out_of_class_lists_and_password_resets(
    school, last_year, safeguarding_lead
):
    User.objects.filter(mis_id="A3").update(is_active=False)
    group = Group.objects.get(school=school, name="11X")
    assert [p.mis_id for p in pshe_class_record(group=group).pupils] == ["A4"]
    shown = {
        g.name: [p.mis_id for p in g.pupils] for g in groups_with_pupils_for(safeguarding_lead)
    }
    assert shown["11X"] == ["A4"]
    resettable = pupils_whose_password_user_may_reset(safeguarding_lead)
    assert not resettable.filter(mis_id="A3").exists()


# The page ---------------------------------------------------------------------------------


def test_the_lead_sees_who_has_left_before_anything_changes(client, safeguarding_lead, last_year):
    client.force_login(safeguarding_lead, backend=BACKEND)
    response = upload(client, THIS_YEAR)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "Check who has left" in response.text
    assert "Ola Nowak" in response.text and "Tom Reed" in response.text
    assert "Priya Patel" not in response.text
    assert "Import the file and mark 2 pupils as left" in response.text
    # Nothing has been written yet.
    assert not User.objects.filter(mis_id="A5").exists()
    assert not User.objects.filter(is_active=False).exists()


def test_confirming_imports_the_file_and_marks_the_leavers(client, safeguarding_lead, last_year):
    client.force_login(safeguarding_lead, backend=BACKEND)
    token = confirmation_of(upload(client, THIS_YEAR))
    response = client.post(URL, {"confirmation": token})
    assert response.status_code == 200
    assert "2 people marked as having left" in response.text
    assert reverse("records:person", args=[last_year["A3"].pk]) in response.text
    assert "Login sheet: 7K" in response.text
    assert not User.objects.get(mis_id="A3").is_active
    assert set(
        Membership.objects.filter(user__mis_id="A1").values_list("group__name", flat=True)
    ) == {"9R"}
    # Confirming twice (back button, double click) marks nobody else and adds nobody twice.
    again = client.post(URL, {"confirmation": token})
    assert again.status_code == 200
    assert User.objects.filter(mis_id="A5").count() == 1
    assert User.objects.filter(is_active=False).count() == 2


def test_a_pupil_marked_as_left_is_signed_out_and_cannot_sign_in(
    client, safeguarding_lead, last_year
):
    pupil = last_year["A3"]
    pupil.set_password("old-pass-123")
    pupil.save()
    pupil_client = client.__class__()
    signed_in = pupil_client.post(
        reverse("login"), {"username": pupil.username, "password": "old-pass-123"}
    )
    assert signed_in.status_code == 302
    assert pupil_client.get(reverse("courses:my_learning")).status_code == 200
    client.force_login(safeguarding_lead, backend=BACKEND)
    client.post(URL, {"confirmation": confirmation_of(upload(client, THIS_YEAR))})
    assert pupil_client.get(reverse("courses:my_learning")).status_code == 302
    again = pupil_client.post(
        reverse("login"), {"username": pupil.username, "password": "old-pass-123"}
    )
    assert again.status_code == 200  # the form again, not a redirect
    assert pupil_client.get(reverse("courses:my_learning")).status_code == 302


def test_a_list_changed_by_someone_else_is_shown_again(client, safeguarding_lead, last_year):
    client.force_login(safeguarding_lead, backend=BACKEND)
    token = confirmation_of(upload(client, THIS_YEAR))
    PupilFactory(school=safeguarding_lead.school, mis_id="A6", first_name="Lena", last_name="Berg")
    response = client.post(URL, {"confirmation": token})
    assert response.status_code == 200
    assert "The list has changed since you last saw it" in response.text
    assert "Lena Berg" in response.text
    assert not User.objects.filter(is_active=False).exists()
    assert not User.objects.filter(mis_id="A5").exists()


def test_the_list_of_leavers_comes_before_the_button_that_confirms_it(
    client, safeguarding_lead, last_year
):
    """Read top to bottom (a screen reader, a keyboard, a phone's narrow column), the lead
    meets who will be marked as left before the button that marks them, not after it."""
    client.force_login(safeguarding_lead, backend=BACKEND)
    html = upload(client, THIS_YEAR).text
    button = html.index("Import the file and mark 2 pupils as left")
    assert html.index('id="leavers-caption"') < button
    assert html.index("Tom Reed") < button


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("not-a-token", "This confirmation could not be read"),
        ("", "This confirmation could not be read"),
    ],
)
def test_a_broken_confirmation_is_a_clear_error(client, safeguarding_lead, token, message):
    client.force_login(safeguarding_lead, backend=BACKEND)
    response = client.post(URL, {"confirmation": token})
    assert response.status_code == 400
    assert message in response.text
    assert "data-error-summary" in response.text


def test_a_confirmation_is_only_good_for_the_lead_it_was_made_for_and_for_an_hour(
    client, safeguarding_lead, last_year, monkeypatch
):
    client.force_login(safeguarding_lead, backend=BACKEND)
    token = confirmation_of(upload(client, THIS_YEAR))
    payload = signing.loads(token, salt=LEAVERS_SALT)
    forged = signing.dumps({**payload, "user": payload["user"] + 1}, salt=LEAVERS_SALT)
    assert "could not be read" in client.post(URL, {"confirmation": forged}).text
    monkeypatch.setattr("schools.views.LEAVERS_MAX_AGE", -1)
    response = client.post(URL, {"confirmation": token})
    assert response.status_code == 400
    assert "more than an hour ago" in response.text
    assert not User.objects.filter(is_active=False).exists()


def test_with_nobody_missing_the_file_imports_straight_away(client, safeguarding_lead, last_year):
    client.force_login(safeguarding_lead, backend=BACKEND)
    response = upload(client, LAST_YEAR)
    assert response.status_code == 200
    assert "Roster imported" in response.text
    assert "marked as having left" not in response.text


def test_a_file_with_errors_lists_them_before_any_leavers(client, safeguarding_lead, last_year):
    client.force_login(safeguarding_lead, backend=BACKEND)
    response = upload(client, THIS_YEAR + "A7,Ann,,7K\r\n")
    assert response.status_code == 400
    assert "last_name: This is required." in response.text
    assert "Check who has left" not in response.text


def test_the_person_page_says_someone_has_left(client, safeguarding_lead, last_year):
    User.objects.filter(mis_id="A3").update(is_active=False)
    client.force_login(safeguarding_lead, backend=BACKEND)
    response = client.get(reverse("records:person", args=[last_year["A3"].pk]))
    assert response.status_code == 200
    assert "Has left the school" in response.text


def test_a_whole_school_file_goes_through_the_check_and_back(client, safeguarding_lead, school):
    """5,000 pupils with a wide column Upstander ignores: the list of leavers carries the
    file back compressed, well inside what Django accepts in a form."""
    header = "mis_id,first_name,last_name,class,notes\r\n"
    note = "Lives with grandparents; walks to school; free school meals; " * 2
    rows = [
        f"P{n},Pupil{n},Surname{n % 97},{7 + n % 5}{'RSTUV'[n % 5]},{note}\r\n" for n in range(5000)
    ]
    roster_import(school=school, kind=Kind.PUPILS, parsed=parse(header + "".join(rows)))
    client.force_login(safeguarding_lead, backend=BACKEND)
    response = upload(client, header + "".join(rows[:4000]))
    assert "Import the file and mark 1,000 pupils as left" in response.text
    response = client.post(URL, {"confirmation": confirmation_of(response)})
    assert response.status_code == 200
    assert User.objects.filter(school=school, is_active=False).count() == 1000


def test_a_file_too_large_to_carry_back_is_refused_with_a_way_out(
    client, safeguarding_lead, last_year, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096 + 100  # room for 100 characters
    client.force_login(safeguarding_lead, backend=BACKEND)
    response = upload(client, THIS_YEAR)
    assert response.status_code == 400
    assert "Delete the columns Upstander does not use" in response.text
    assert not User.objects.filter(mis_id="A5").exists()


# Left the school (the dashboard's list) ---------------------------------------------------


def test_the_lead_finds_everyone_who_has_left_with_a_way_to_their_records(
    client, safeguarding_lead, last_year, django_assert_max_num_queries
):
    User.objects.filter(mis_id__in=["A3", "A4"]).update(is_active=False)
    PupilFactory(school=SchoolFactory(), is_active=False, first_name="Other", last_name="School")
    client.force_login(safeguarding_lead, backend=BACKEND)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("records:leavers"))
    assert response.status_code == 200
    rows = re.findall(r'<th scope="row"><a href="([^"]+)">([^<]+)</a>', response.text)
    assert rows == [
        (reverse("records:person", args=[last_year["A3"].pk]), "Ola Nowak"),
        (reverse("records:person", args=[last_year["A4"].pk]), "Tom Reed"),
    ]
    assert "2 people have left" in response.text
    assert "keeps records for 84 months" in response.text
    assert "Pupil" in response.text


def test_the_list_of_leavers_gives_a_safeguarding_lead_their_role(
    client, safeguarding_lead, school
):
    from schools.roles import Role
    from tests.factories import UserFactory

    UserFactory(school=school, is_active=False, last_name="Deputy", roles=[Role.SAFEGUARDING_LEAD])
    client.force_login(safeguarding_lead, backend=BACKEND)
    response = client.get(reverse("records:leavers"))
    row = re.search(r"Deputy</a></th>(.*?)</tr>", response.text).group(1)
    assert "Safeguarding lead" in row


def test_the_list_of_leavers_pages_and_shrugs_off_a_bad_page_number(
    client, safeguarding_lead, school
):
    for n in range(101):
        PupilFactory(school=school, is_active=False, last_name=f"Leaver{n:03}")
    client.force_login(safeguarding_lead, backend=BACKEND)
    first = client.get(reverse("records:leavers"))
    assert "Page 1 of 2" in first.text and "Leaver100" not in first.text
    second = client.get(reverse("records:leavers"), {"page": "2"})
    assert "Leaver100" in second.text
    assert client.get(reverse("records:leavers"), {"page": "x'"}).status_code == 200


def test_only_those_with_the_dashboard_see_who_has_left(client, teacher, pupil):
    for person in (teacher, pupil):
        client.force_login(person, backend=BACKEND)
        assert client.get(reverse("records:leavers")).status_code == 403


# One person at a time (the record page) ---------------------------------------------------


def test_a_lead_marks_one_pupil_as_left_mid_year_and_brings_them_back(
    client, safeguarding_lead, last_year
):
    pupil = last_year["A2"]
    client.force_login(safeguarding_lead, backend=BACKEND)
    page = client.get(reverse("records:person", args=[pupil.pk])).text
    assert "Mark as having left the school" in page
    url = reverse("records:person_left", args=[pupil.pk])
    response = client.post(url, {"left": "1"}, follow=True)
    assert "Sam Jones is marked as having left the school." in response.text
    assert "Has left the school (marked on" in response.text
    assert "Bring them back" in response.text
    pupil.refresh_from_db()
    assert not pupil.is_active and pupil.left_on == timezone.localdate()
    response = client.post(url, {"left": "0"}, follow=True)
    assert "Sam Jones is back: they can sign in again." in response.text
    pupil.refresh_from_db()
    assert pupil.is_active and pupil.left_on is None


def test_only_the_schools_lead_marks_someone_as_left_and_never_themself(
    client, safeguarding_lead, teacher, last_year
):
    pupil = last_year["A2"]
    url = reverse("records:person_left", args=[pupil.pk])
    client.force_login(teacher, backend=BACKEND)
    assert client.post(url, {"left": "1"}).status_code == 403
    client.force_login(safeguarding_lead, backend=BACKEND)
    assert client.get(url).status_code == 405
    own = reverse("records:person_left", args=[safeguarding_lead.pk])
    assert client.post(own, {"left": "1"}).status_code == 403
    assert (
        "Mark as having left"
        not in client.get(reverse("records:person", args=[safeguarding_lead.pk])).text
    )
    elsewhere = PupilFactory(school=SchoolFactory())
    other = reverse("records:person_left", args=[elsewhere.pk])
    assert client.post(other, {"left": "1"}).status_code == 404
    assert User.objects.filter(is_active=False).count() == 0


def test_a_pupil_whose_mis_id_the_file_writes_in_other_case_is_not_a_leaver(school, last_year):
    text = THIS_YEAR.replace("A1,", "a1,").replace("A2,", "a2,")
    leavers = roster_leavers(school=school, kind=Kind.PUPILS, parsed=parse(text))
    assert sorted(p.mis_id for p in leavers) == ["A3", "A4"]


def test_people_who_left_are_listed_by_surname_whatever_its_capitals(
    school, safeguarding_lead, teacher, klass
):
    """ "de Souza" comes between "Brown" and "Zane", as on the dashboard's tables, not after
    them (as a database comparing capitals before small letters would put it)."""
    for last_name in ("Zane", "de Souza", "Brown"):
        pupil = PupilFactory(school=school, last_name=last_name, is_active=False)
        Membership.objects.create(group=klass, user=pupil)
    for viewer in (safeguarding_lead, teacher):
        assert [p.last_name for p in people_who_left(viewer, school)] == [
            "Brown",
            "de Souza",
            "Zane",
        ]
