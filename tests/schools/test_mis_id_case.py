"""An MIS id is one person's at their school whatever its case: the roster import finds
people by it ignoring case ("a100" one year, "A100" the next), so two people of a school
whose ids differ only in case were one person to it, and its next file renamed one of them
into the other (the other child's records then under the wrong name)."""

import pytest

from schools.models import User
from schools.roster import Kind, roster_parse
from schools.services import RosterImportError, roster_import
from tests.factories import SchoolFactory, UserFactory
from tests.schools.helpers import pupil_named


def _people_form(person, school, mis_id):
    return {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": "",
        "school": school.pk,
        "mis_id": mis_id,
        "is_active": "on",
    }


def _mis_id_refused(admin_client, person, school, mis_id):
    """Give `person` (now at `school`) this MIS id in the admin's People: the form must be
    shown again with their MIS id unchanged. Returns what it says about the MIS id."""
    before = person.mis_id
    response = admin_client.post(
        f"/admin/schools/people/edit/{person.pk}/", _people_form(person, school, mis_id)
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.mis_id == before
    return response.context["form"].errors["mis_id"]


def test_a_pupil_moved_here_is_not_given_another_pupils_mis_id_in_other_case(admin_client, school):
    sam = pupil_named(school, "samj", "Sam", "Jones", mis_id="a100")
    priya = pupil_named(
        SchoolFactory(name="Other Academy"), "priyap", "Priya", "Patel", mis_id="B7"
    )
    assert _mis_id_refused(admin_client, priya, school, "A100") == [
        "Sam Jones at Test Academy already has this MIS id (a100): an MIS id is one "
        "person's, whatever its capitals."
    ]

    roster_import(
        school=school,
        kind=Kind.PUPILS,
        parsed=roster_parse(b"mis_id,first_name,last_name\r\na100,Sam,Jones\r\n", kind="pupils"),
    )
    assert User.objects.get(pk=priya.pk).first_name == "Priya"
    assert User.objects.get(pk=sam.pk).first_name == "Sam"


def test_the_same_mis_id_in_other_case_is_refused_in_settings_users(admin_client, school):
    pupil_named(school, "samj", "Sam", "Jones", mis_id="a100")
    other = UserFactory(school=school, username="ellah", first_name="Ella", last_name="Hart")
    response = admin_client.post(
        f"/admin/users/edit/{other.pk}/",
        {
            **_people_form(other, school, "A100"),
            "email": "ellah@school.invalid",
            "groups": [],
        },
    )
    assert response.status_code == 200
    assert "mis_id" in response.context["form"].errors
    other.refresh_from_db()
    assert other.mis_id == ""


def test_an_mis_id_of_someone_at_another_school_is_still_given(admin_client, school):
    UserFactory(school=SchoolFactory(name="Other Academy"), username="x", mis_id="a100")
    person = UserFactory(school=school, username="ellah", first_name="Ella", last_name="Hart")
    response = admin_client.post(
        f"/admin/schools/people/edit/{person.pk}/", _people_form(person, school, "A100")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.mis_id == "A100"


def test_an_admission_number_another_pupil_has_with_other_leading_zeros_is_refused(
    admin_client, school
):
    # The import finds "001234" and "1234" to be one admission number (Excel drops the
    # zeros): two pupils holding them would stop every later import of either.
    pupil_named(school, "samj", "Sam", "Jones", mis_id="001234")
    priya = pupil_named(school, "priyap", "Priya", "Patel", mis_id="B7")
    assert _mis_id_refused(admin_client, priya, school, "1234") == [
        "Sam Jones at Test Academy already has this MIS id (001234): an MIS id is one "
        "person's, whatever its capitals or leading zeros."
    ]


def test_a_file_naming_two_people_whose_ids_differ_only_in_leading_zeros_says_so(school):
    # A pair made before the admin refused it: the import cannot tell which one a row is.
    pupil_named(school, "samj", "Sam", "Jones", mis_id="001234")
    pupil_named(school, "priyap", "Priya", "Patel", mis_id="1234")
    parsed = roster_parse(b"mis_id,first_name,last_name\r\n1234,Sam,Jones\r\n", kind="pupils")
    with pytest.raises(RosterImportError) as refused:
        roster_import(school=school, kind=Kind.PUPILS, parsed=parsed)
    [error] = refused.value.errors
    assert "have this MIS id written differently (in other capitals or with other leading " in (
        str(error.message)
    )
