"""An MIS id the MIS gave a newcomer after its holder left (staff codes are initials, often
reused) must not hand the leaver's account, records and certificates to the newcomer."""

import pytest

from schools.models import User
from schools.roster import Kind, roster_parse
from schools.services import RosterImportError, leavers_fingerprint, roster_import, roster_leavers

STAFF = "mis_id,first_name,last_name,email\r\n"


def run_import(school, text, *, kind=Kind.STAFF, everyone=False):
    parsed = roster_parse(text.encode(), kind=kind)
    checked = None
    if everyone:
        checked = leavers_fingerprint(roster_leavers(school=school, kind=kind, parsed=parsed))
    return roster_import(school=school, kind=kind, parsed=parsed, leavers_checked=checked)


@pytest.fixture
def leaver(school):
    run_import(
        school,
        STAFF
        + "ABC,Alice,Brown,a.brown@school.example\r\nDEF,Dan,Evans,d.evans@school.example\r\n",
    )
    # Alice leaves: the next whole-school file lists only Dan.
    run_import(school, STAFF + "DEF,Dan,Evans,d.evans@school.example\r\n", everyone=True)
    alice = User.objects.get(school=school, mis_id="ABC")
    assert not alice.is_active
    return alice


def test_a_leavers_staff_code_given_to_a_newcomer_is_refused_and_nothing_changes(school, leaver):
    text = (
        STAFF + "ABC,Andrew,Bell,a.bell@school.example\r\nDEF,Dan,Evans,d.evans@school.example\r\n"
    )
    with pytest.raises(RosterImportError) as caught:
        run_import(school, text)

    [error] = caught.value.errors
    assert (error.line, error.column) == (2, "mis_id")
    assert "Alice Brown" in str(error.message)
    assert "left" in str(error.message)
    leaver.refresh_from_db()
    assert (leaver.first_name, leaver.email, leaver.is_active) == (
        "Alice",
        "a.brown@school.example",
        False,
    )
    assert not User.objects.filter(email="a.bell@school.example").exists()


def test_a_leaver_back_under_a_new_surname_is_still_brought_back(school, leaver):
    text = STAFF + "ABC,Alice,Green,a.green@school.example\r\n"
    result = run_import(school, text)
    leaver.refresh_from_db()
    assert (leaver.last_name, leaver.is_active) == ("Green", True)
    assert result.returned == [leaver]


def test_a_leaver_back_with_the_same_email_is_brought_back_whatever_the_name(school, leaver):
    result = run_import(school, STAFF + "ABC,Ally,Browne-Smith,A.Brown@school.example\r\n")
    leaver.refresh_from_db()
    assert leaver.is_active
    assert result.returned == [leaver]


def test_a_leaving_pupils_admission_number_given_to_a_newcomer_is_refused(school):
    pupils = "mis_id,first_name,last_name\r\n"
    run_import(school, pupils + "1001,Priya,Patel\r\n1002,Sam,Jones\r\n", kind=Kind.PUPILS)
    run_import(school, pupils + "1002,Sam,Jones\r\n", kind=Kind.PUPILS, everyone=True)

    with pytest.raises(RosterImportError) as caught:
        run_import(school, pupils + "1001,Ola,Nowak\r\n", kind=Kind.PUPILS)

    [error] = caught.value.errors
    assert (error.line, error.column) == (2, "mis_id")
    assert "Priya Patel" in str(error.message)


def test_an_active_person_whose_names_both_change_is_updated_as_before(school, leaver):
    """Someone still at the school whose names both change (adopted, or a new preferred
    name) is the same account: only a leaver's id can have been given to someone else."""
    run_import(school, STAFF + "DEF,Daniella,Owens,d.evans@school.example\r\n")
    dan = User.objects.get(school=school, mis_id="DEF")
    assert (dan.first_name, dan.last_name) == ("Daniella", "Owens")
