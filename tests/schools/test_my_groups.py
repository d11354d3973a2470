"""My groups: a teacher sees the pupils of the groups they teach and resets their passwords."""

import re

import pytest
from django.urls import reverse

from schools.models import Group, Membership
from schools.roles import Role
from tests.conftest import PASSWORD
from tests.factories import GroupFactory, PupilFactory, UserFactory

URL = reverse("schools:my_groups")


def test_a_teacher_sees_each_taught_group_with_its_pupils(client, teacher, pupil, school):
    year = GroupFactory(school=school, name="Year 8", kind=Group.Kind.YEAR_GROUP)
    Membership.objects.create(group=year, user=pupil)
    GroupFactory(school=school, name="Not mine")
    client.force_login(teacher)
    response = client.get(URL)
    assert response.status_code == 200
    groups = {g.name: [p.username for p in g.pupils] for g in response.context["groups"]}
    assert groups == {"8R": ["pupil1"]}
    assert "Not mine" not in response.text
    assert f'Reset password<span class="visually-hidden"> for {pupil.get_full_name()}' in (
        response.text
    )


def test_groups_are_listed_in_year_order(client, teacher, school):
    for name in ("10A", "7B"):
        group = GroupFactory(school=school, name=name, kind=Group.Kind.CLASS)
        Membership.objects.create(group=group, user=teacher, role=Membership.Role.TEACHER)
    client.force_login(teacher)
    response = client.get(URL)
    assert [g.name for g in response.context["groups"]] == ["7B", "8R", "10A"]


def test_pupils_are_listed_by_surname_whatever_its_capitals(client, teacher, klass, school):
    for first, last in (("Amy", "Young"), ("Bea", "de Souza"), ("Zac", "Adams")):
        pupil = PupilFactory(school=school, first_name=first, last_name=last)
        Membership.objects.create(group=klass, user=pupil)
    client.force_login(teacher)
    response = client.get(URL)
    [group] = response.context["groups"]
    assert [p.last_name for p in group.pupils] == ["Adams", "de Souza", "Young"]


def test_staff_in_a_group_are_not_listed_as_its_pupils(client, teacher, pupil, klass, school):
    assistant = UserFactory(school=school, username="ta1", roles=[Role.STAFF])
    Membership.objects.create(group=klass, user=assistant)
    client.force_login(teacher)
    response = client.get(URL)
    assert [p.username for p in response.context["groups"][0].pupils] == ["pupil1"]


def test_resetting_shows_a_new_password_once_and_the_old_one_stops_working(client, teacher, pupil):
    client.force_login(teacher)
    response = client.post(URL, {"pupil": pupil.pk})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    new_password = response.context["new_password"]["password"]
    assert new_password in response.text
    pupil.refresh_from_db()
    assert pupil.check_password(new_password)
    assert not pupil.check_password(PASSWORD)
    assert new_password not in client.get(URL).text


@pytest.mark.parametrize(
    "pupil_id", ["", "not-a-number", "999999", "99999999999999999999999", "١٢"]
)
def test_resetting_an_unknown_pupil_is_not_found(client, teacher, pupil_id):
    client.force_login(teacher)
    assert client.post(URL, {"pupil": pupil_id}).status_code == 404


def test_a_teacher_without_groups_is_told_so(client, school):
    newcomer = UserFactory(school=school, username="new", roles=[Role.STAFF])
    client.force_login(newcomer)
    assert "You do not teach any groups yet." in client.get(URL).text


def test_a_safeguarding_lead_sees_every_group_and_the_import_link(
    client, safeguarding_lead, pupil, school
):
    GroupFactory(school=school, name="Pastoral", kind=Group.Kind.STAFF_TEAM)
    client.force_login(safeguarding_lead)
    response = client.get(URL)
    assert {g.name for g in response.context["groups"]} == {"8R", "Pastoral"}
    assert reverse("schools:roster_import") in response.text


def test_the_lead_can_reset_the_password_of_a_pupil_in_no_class_or_year_group(
    client, safeguarding_lead, pupil, school
):
    # A pupils file may have no class column, or an empty cell: the pupil is in no group,
    # and My groups is the only place a password is reset.
    loner = UserFactory(
        school=school,
        username="loner-no-class",
        first_name="Ola",
        last_name="Alone",
        roles=[Role.PUPIL],
    )
    client.force_login(safeguarding_lead)
    page = client.get(URL).text
    assert "Pupils in no class or year group" in page
    assert f'name="pupil" value="{loner.pk}"' in page
    assert 'Reset password<span class="visually-hidden"> for Ola Alone' in page
    response = client.post(URL, {"pupil": loner.pk})
    assert "New password for Ola Alone" in response.text


def test_a_teacher_is_not_shown_pupils_in_no_group(client, teacher, pupil, school):
    UserFactory(school=school, username="loner-no-class", roles=[Role.PUPIL])
    client.force_login(teacher)
    page = client.get(URL).text
    assert "Pupils in no class or year group" not in page
    assert "loner-no-class" not in page


def test_resetting_a_pupil_who_has_since_left_the_class_says_so(client, teacher, pupil, klass):
    # My groups was opened while the pupil was in 8R; they moved class before the click.
    client.force_login(teacher)
    Membership.objects.filter(group=klass, user=pupil).delete()
    response = client.post(URL, {"pupil": pupil.pk})
    assert response.status_code == 404
    assert "<h1>My groups</h1>" in response.text
    assert "That pupil is no longer in any of your groups" in response.text
    assert "password has not been changed" in response.text
    pupil.refresh_from_db()
    assert pupil.check_password(PASSWORD)


def test_a_lead_whose_school_has_no_groups_is_not_told_they_teach_none(client, safeguarding_lead):
    """The lead sees every group of the school and is the one who imports the roster: with
    no groups yet, they are not told to wait for "your school's safeguarding lead"."""
    client.force_login(safeguarding_lead)
    html = " ".join(client.get(URL).text.split())
    assert "Your school's safeguarding lead adds groups" not in html
    assert "There are no classes, year groups or staff teams in the school yet." in html


def test_a_superuser_who_belongs_to_a_school_sees_only_that_schools_groups(
    client, teacher, pupil, klass, school
):
    """An administrator who belongs to a school (the demo's) has that school's dashboard;
    My groups listed every school's groups and pupils to them, mixed with their own."""
    from tests.factories import SchoolFactory

    elsewhere = SchoolFactory(name="Elsewhere Academy")
    their_class = GroupFactory(school=elsewhere, name="9Z", kind=Group.Kind.CLASS)
    their_pupil = PupilFactory(school=elsewhere, username="elsewherepupil")
    Membership.objects.create(group=their_class, user=their_pupil)
    PupilFactory(school=elsewhere, username="elsewherealone")
    admin = UserFactory(school=school, username="schooladmin", roles=[], is_superuser=True)
    client.force_login(admin)
    response = client.get(URL)
    assert response.status_code == 200
    assert [g.pk for g in response.context["groups"]] == [klass.pk]
    assert [p.username for p in response.context["ungrouped"]] == []


def test_a_site_administrator_tells_two_schools_groups_of_the_same_name_apart(
    client, klass, school
):
    """A superuser who belongs to no school sees every school's groups on My groups: two
    schools' "8R" were listed one after the other with nothing to tell which school each was
    (nor whose pupil a password was being reset for)."""
    from tests.factories import SchoolFactory

    other = GroupFactory(school=SchoolFactory(name="Elsewhere Academy"), name=klass.name)
    admin = UserFactory(school=None, username="root", roles=[], is_superuser=True)
    client.force_login(admin)
    html = " ".join(client.get(URL).content.decode().split())
    assert f'id="group-{klass.pk}">8R ({school.name}) <span class="tag">' in html
    assert f'id="group-{other.pk}">8R (Elsewhere Academy) <span class="tag">' in html


def test_a_site_administrator_sees_which_school_each_pupil_in_no_group_is_at(client, klass, school):
    """A superuser who belongs to no school sees every school's pupils in no group: they were
    listed together under one heading, with nothing to say which school each was at (nor
    whose password a reset was for), while the groups above name their schools."""
    from tests.factories import SchoolFactory

    elsewhere = SchoolFactory(name="Elsewhere Academy")
    PupilFactory(school=school, username="herealone")
    PupilFactory(school=elsewhere, username="elsewherealone")
    admin = UserFactory(school=None, username="root", roles=[], is_superuser=True)
    client.force_login(admin)
    response = client.get(URL)
    assert response.status_code == 200
    sections = {}
    for section in " ".join(response.text.split()).split("<section")[1:]:
        heading = section.split("<h2", 1)[1].split(">", 1)[1].split("</h2>", 1)[0]
        sections[heading] = section
    here = sections[f"Pupils in no class or year group ({school.name})"]
    there = sections["Pupils in no class or year group (Elsewhere Academy)"]
    assert '<code class="pupils__username">herealone</code>' in here
    assert '<code class="pupils__username">elsewherealone</code>' not in here
    assert '<code class="pupils__username">elsewherealone</code>' in there
    assert '<code class="pupils__username">herealone</code>' not in there


def test_two_pupils_with_the_same_name_have_reset_buttons_that_tell_them_apart(
    client, teacher, klass, school
):
    """Two pupils of 8R are both called Ella Wright: each row's button was "Reset password
    for Ella Wright", so a screen reader user going through the buttons could not tell which
    pupil's password they were about to change (WCAG 2.4.6)."""
    for username in ("ewright", "ewright2"):
        pupil = PupilFactory(
            school=school, username=username, first_name="Ella", last_name="Wright"
        )
        Membership.objects.create(group=klass, user=pupil)
    client.force_login(teacher)
    html = client.get(URL).text
    names = re.findall(r'Reset password<span class="visually-hidden"> ([^<]*)</span>', html)
    ellas = [name for name in names if "Ella Wright" in name]
    assert len(ellas) == 2
    assert ellas[0] != ellas[1]
