"""The staff import refusing an email address an account at another school (or another
account) holds, when the file writes it in other capitals beyond A to Z (a Welsh domain's
Ŵ, a French name's É), on every database: SQLite's LOWER folds A to Z only."""

import pytest

from schools.models import User
from schools.roles import Role
from schools.roster import Kind, roster_parse
from schools.services import RosterImportError, roster_import
from tests.factories import SchoolFactory, UserFactory

ADDRESS = "Dee.Lead@YsgolGŴyr.cymru"


def _import(school, email):
    text = f"mis_id,first_name,last_name,email\r\nT7,Dee,Lead,{email}\r\n"
    return roster_import(
        school=school, kind=Kind.STAFF, parsed=roster_parse(text.encode(), kind=Kind.STAFF)
    )


@pytest.mark.parametrize("field", ["username", "email"])
def test_an_email_held_at_another_school_in_other_capitals_beyond_a_to_z_is_refused(school, field):
    elsewhere = UserFactory(
        school=SchoolFactory(name="Old Academy"),
        username=ADDRESS if field == "username" else "dee",
        email=ADDRESS,
        mis_id="OLD7",
        roles=[Role.STAFF],
    )
    with pytest.raises(RosterImportError) as refused:
        _import(school, ADDRESS.lower())
    [error] = refused.value.errors
    assert (error.line, error.column) == (2, "email")
    assert "an account at another school" in str(error.message)
    assert not User.objects.filter(school=school).exists()
    elsewhere.refresh_from_db()
    assert elsewhere.school.name == "Old Academy"


def test_an_email_another_account_here_has_in_other_capitals_beyond_a_to_z_is_refused(school):
    UserFactory(school=school, username="dee", email=ADDRESS, mis_id="P1", roles=[Role.PUPIL])
    with pytest.raises(RosterImportError) as refused:
        _import(school, ADDRESS.upper())
    [error] = refused.value.errors
    assert (error.line, error.column) == (2, "email")
    assert "Another account already uses this email address" in str(error.message)
