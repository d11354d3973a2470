"""Places in groups made before Group memberships and Settings -> Users kept to the rules
(a pupil teaching a class, a pupil in a staff team, a member of staff counted as one of a
class's pupils, someone in a group of another school): administrators can find them, and
the next roster import takes the people it lists out of the places they cannot have."""

import pytest

from schools.models import Group, Membership
from schools.roles import Role
from schools.roster import Kind, roster_parse
from schools.services import roster_import
from tests.factories import GroupFactory, SchoolFactory, UserFactory


@pytest.fixture
def team(school):
    return GroupFactory(school=school, name="Pastoral team", kind=Group.Kind.STAFF_TEAM)


def _bad_places(school, klass, team, pupil, teacher):
    """Rows written straight to the table, as before the forms refused them."""
    other_class = GroupFactory(school=school, name="9Q", kind=Group.Kind.CLASS)
    elsewhere = GroupFactory(school=SchoolFactory(name="Other School"), name="7A")
    return {
        Membership.objects.create(group=other_class, user=pupil, role=Membership.Role.TEACHER),
        Membership.objects.create(group=team, user=pupil, role=Membership.Role.MEMBER),
        Membership.objects.create(group=other_class, user=teacher, role=Membership.Role.MEMBER),
        Membership.objects.create(group=elsewhere, user=teacher, role=Membership.Role.TEACHER),
    }


def test_administrators_list_the_group_memberships_that_break_the_rules(
    admin_client, school, klass, team, pupil, teacher
):
    bad = _bad_places(school, klass, team, pupil, teacher)
    Membership.objects.create(group=team, user=teacher, role=Membership.Role.MEMBER)
    response = admin_client.get("/admin/schools/memberships/?breaks_rules=true")
    assert response.status_code == 200
    assert {m.pk for m in response.context["object_list"]} == {m.pk for m in bad}
    page = response.content.decode()
    assert "Breaks the rules" in page
    response = admin_client.get("/admin/schools/memberships/?breaks_rules=false")
    assert {m.pk for m in response.context["object_list"]} == set(
        Membership.objects.exclude(pk__in=[m.pk for m in bad]).values_list("pk", flat=True)
    )


def test_a_pupils_import_takes_its_pupils_out_of_places_no_pupil_has(school, klass, team):
    pupil = UserFactory(school=school, username="priyap", mis_id="A1", roles=[Role.PUPIL])
    Membership.objects.create(group=klass, user=pupil)
    Membership.objects.create(group=team, user=pupil)  # given the staff team's courses
    year = GroupFactory(school=school, name="Year 9", kind=Group.Kind.YEAR_GROUP)
    Membership.objects.create(group=year, user=pupil, role=Membership.Role.TEACHER)
    text = "mis_id,first_name,last_name,class\r\nA1,Priya,Patel,8R\r\n"
    roster_import(
        school=school, kind=Kind.PUPILS, parsed=roster_parse(text.encode(), kind="pupils")
    )
    assert set(pupil.memberships.values_list("group__name", "role")) == {("8R", "member")}


def test_a_staff_import_takes_its_staff_out_of_classes_they_were_members_of(school, klass):
    teacher = UserFactory(
        school=school,
        username="s@school.invalid",
        email="s@school.invalid",
        mis_id="T1",
        roles=[Role.STAFF],
    )
    Membership.objects.create(group=klass, user=teacher)  # counted as one of 8R's pupils
    elsewhere = GroupFactory(school=SchoolFactory(name="Other School"), name="7A")
    Membership.objects.create(group=elsewhere, user=teacher, role=Membership.Role.TEACHER)
    text = "mis_id,first_name,last_name,email,staff_team\r\nT1,Sam,Jones,s@school.invalid,Maths\r\n"
    roster_import(school=school, kind=Kind.STAFF, parsed=roster_parse(text.encode(), kind="staff"))
    assert set(teacher.memberships.values_list("group__name", "role")) == {("Maths", "member")}


def test_an_import_leaves_the_places_of_people_it_does_not_list(school, klass, team, pupil):
    Membership.objects.create(group=team, user=pupil)
    text = "mis_id,first_name,last_name,class\r\nA9,Sam,Jones,8R\r\n"
    roster_import(
        school=school, kind=Kind.PUPILS, parsed=roster_parse(text.encode(), kind="pupils")
    )
    assert team.memberships.filter(user=pupil).exists()


def test_administrators_find_a_pupil_put_in_two_year_groups_before_it_was_refused(
    admin_client, school, pupil, teacher
):
    """Group memberships now refuses a pupil's second year group (Membership.clean): places
    made before it did are listed with the rest, both of them, for the administrator to
    choose which year the pupil is in."""
    year_8 = GroupFactory(school=school, name="Year 8", kind=Group.Kind.YEAR_GROUP)
    year_9 = GroupFactory(school=school, name="Year 9", kind=Group.Kind.YEAR_GROUP)
    both = {
        Membership.objects.create(group=year_8, user=pupil),
        Membership.objects.create(group=year_9, user=pupil),
    }
    # Not these: a pupil in one year group, its teacher, a year group of another school.
    other = UserFactory(school=school, roles=[Role.PUPIL])
    Membership.objects.create(group=year_9, user=other)
    Membership.objects.create(group=year_8, user=teacher, role=Membership.Role.TEACHER)
    Membership.objects.create(group=year_9, user=teacher, role=Membership.Role.TEACHER)
    response = admin_client.get("/admin/schools/memberships/?breaks_rules=true")
    assert response.status_code == 200
    assert {m.pk for m in response.context["object_list"]} == {m.pk for m in both}
