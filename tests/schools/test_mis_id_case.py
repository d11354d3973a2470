"""An MIS id is one person's at their school whatever its case: the roster import finds
people by it ignoring case ("a100" one year, "A100" the next), so two people of a school
whose ids differ only in case were one person to it, and its next file renamed one of them
into the other (the other child's records then under the wrong name)."""

import pytest

from schools.models import User
from schools.roster import Kind, roster_parse
from schools.services import roster_import
from tests.factories import SchoolFactory, UserFactory
from tests.schools.helpers import pupil_named


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", school=None, is_superuser=True, is_staff=True))
    return client


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


def test_a_pupil_moved_here_is_not_given_another_pupils_mis_id_in_other_case(admin_client, school):
    sam = pupil_named(school, "samj", "Sam", "Jones", mis_id="a100")
    priya = pupil_named(
        SchoolFactory(name="Other Academy"), "priyap", "Priya", "Patel", mis_id="B7"
    )
    response = admin_client.post(
        f"/admin/schools/people/edit/{priya.pk}/", _people_form(priya, school, "A100")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["mis_id"] == [
        "Sam Jones at Test Academy already has this MIS id (a100): an MIS id is one "
        "person's, whatever its capitals."
    ]
    priya.refresh_from_db()
    assert priya.mis_id == "B7"

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
