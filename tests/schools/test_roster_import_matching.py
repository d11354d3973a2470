"""The roster import finding the people and groups a school already has: MIS ids that
differ only in case, year groups named the way an older import or a lead wrote them, and
cells carrying characters that cannot be seen."""

import pytest

from schools.models import Group, Membership, User
from schools.roles import Role
from schools.roster import Kind, roster_parse
from schools.services import RosterImportError, roster_import, roster_leavers
from tests.factories import UserFactory
from tests.schools.helpers import pupil_named


def run_import(school, text: str, kind: str = Kind.PUPILS):
    return roster_import(school=school, kind=kind, parsed=roster_parse(text.encode(), kind=kind))


def test_two_people_whose_mis_ids_differ_only_in_case_are_refused_and_neither_renamed(school):
    # Made before the admin refused an MIS id another person has in other capitals.
    sam = pupil_named(school, "samj", "Sam", "Jones", mis_id="A100")
    priya = pupil_named(school, "priyap", "Priya", "Patel", mis_id="a100")
    for text in (
        "mis_id,first_name,last_name\r\nA100,Sam,Jones\r\n",
        "mis_id,first_name,last_name\r\na100,Priya,Patel\r\n",
    ):
        with pytest.raises(RosterImportError) as raised:
            run_import(school, text)
        [error] = raised.value.errors
        assert (error.line, error.column) == (2, "mis_id")
        assert "Sam Jones (A100)" in error.message
        assert "Priya Patel (a100)" in error.message
    sam.refresh_from_db()
    priya.refresh_from_db()
    assert (sam.first_name, sam.last_name, sam.mis_id) == ("Sam", "Jones", "A100")
    assert (priya.first_name, priya.last_name, priya.mis_id) == ("Priya", "Patel", "a100")


@pytest.mark.parametrize("existing", ["Y8", "Yr 8", "year 08"])
def test_a_year_group_named_another_way_is_joined_not_made_again(school, existing):
    year = Group.objects.create(school=school, kind=Group.Kind.YEAR_GROUP, name=existing)
    pupil = UserFactory(school=school, username="samj", mis_id="A1", roles=[Role.PUPIL])
    Membership.objects.create(group=year, user=pupil)
    result = run_import(
        school, "mis_id,first_name,last_name,year_group\r\nA1,Sam,Jones,Year 8\r\nA2,Ava,Khan,8\r\n"
    )
    assert result.groups_created == []
    assert list(Group.objects.filter(school=school, kind=Group.Kind.YEAR_GROUP)) == [year]
    assert set(year.members.values_list("mis_id", flat=True)) == {"A1", "A2"}


def test_a_year_group_of_that_very_name_is_preferred_to_one_written_another_way(school):
    Group.objects.create(school=school, kind=Group.Kind.YEAR_GROUP, name="Y8")
    year = Group.objects.create(school=school, kind=Group.Kind.YEAR_GROUP, name="Year 8")
    run_import(school, "mis_id,first_name,last_name,year_group\r\nA1,Sam,Jones,Year 8\r\n")
    assert list(year.members.values_list("mis_id", flat=True)) == ["A1"]


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff", "\u2060"])
def test_invisible_characters_in_an_mis_id_do_not_make_a_second_pupil(school, invisible):
    run_import(school, "mis_id,first_name,last_name,class\r\nA100,Sam,Jones,8R\r\n")
    result = run_import(
        school,
        "mis_id,first_name,last_name,class\r\n"
        f"A1{invisible}00{invisible},Sam{invisible},Jones,8R{invisible}\r\n",
    )
    assert (result.created, result.unchanged, result.groups_created) == (0, 1, [])
    [sam] = User.objects.filter(school=school)
    assert (sam.mis_id, sam.first_name, sam.last_name) == ("A100", "Sam", "Jones")
    assert list(sam.memberships.values_list("group__name", flat=True)) == ["8R"]


def test_a_pupil_whose_mis_id_an_earlier_import_kept_an_invisible_character_in_is_found(
    school,
):
    sam = pupil_named(school, "samj", "Sam", "Jones", mis_id="A100\u200b")
    text = "mis_id,first_name,last_name\r\nA100\u200b,Samuel,Jones\r\n"
    parsed = roster_parse(text.encode(), kind=Kind.PUPILS)
    assert roster_leavers(school=school, kind=Kind.PUPILS, parsed=parsed) == []
    result = roster_import(school=school, kind=Kind.PUPILS, parsed=parsed)
    assert (result.created, result.updated) == (0, 1)
    [person] = User.objects.filter(school=school)
    assert (person.pk, person.first_name) == (sam.pk, "Samuel")


def test_invisible_characters_in_a_staff_email_do_not_refuse_or_duplicate_them(school):
    run_import(
        school,
        "mis_id,first_name,last_name,email\r\nT1,Ella,Hart,e.hart@school.example\r\n",
        kind=Kind.STAFF,
    )
    result = run_import(
        school,
        "mis_id,first_name,last_name,email\r\n"
        "T1\u200b,Ella,Hart,\ufeffe.hart@school.example\u200b\r\n",
        kind=Kind.STAFF,
    )
    assert (result.created, result.unchanged) == (0, 1)
    [ella] = User.objects.filter(school=school)
    assert (ella.mis_id, ella.email, ella.username) == (
        "T1",
        "e.hart@school.example",
        "e.hart@school.example",
    )


def test_a_windows_csv_with_a_non_breaking_space_after_a_name_is_imported(school):
    # Excel on Windows saves plain "CSV" in Windows-1252, where a non-breaking space (pasted
    # from a web page or an email) is the byte A0: it is a space, not a sign of another
    # encoding.
    data = "mis_id,first_name,last_name\r\nA1,Zoë\u00a0Ann,Patel\u00a0\r\n".encode("cp1252")
    result = roster_import(
        school=school, kind=Kind.PUPILS, parsed=roster_parse(data, kind="pupils")
    )
    assert result.created == 1
    [zoe] = User.objects.filter(school=school)
    assert (zoe.first_name, zoe.last_name) == ("Zoë Ann", "Patel")


@pytest.mark.parametrize(("before", "now"), [("001234", "1234"), ("1234", "001234")])
def test_an_admission_number_that_lost_or_gained_its_leading_zeros_is_the_same_pupil(
    school, before, now
):
    # Excel opening an MIS export reads "001234" as the number 1234 and saves it so.
    run_import(school, f"mis_id,first_name,last_name\r\n{before},Sam,Jones\r\n")
    parsed = roster_parse(
        f"mis_id,first_name,last_name\r\n{now},Sam,Jones\r\n".encode(), kind="pupils"
    )
    assert roster_leavers(school=school, kind=Kind.PUPILS, parsed=parsed) == []
    result = roster_import(school=school, kind=Kind.PUPILS, parsed=parsed)
    assert (result.created, result.unchanged, result.logins) == (0, 1, [])
    [sam] = User.objects.filter(school=school)
    assert sam.mis_id == before
