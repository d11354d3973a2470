"""A pupils file never makes a safeguarding lead a pupil. Someone given only the Safeguarding
leads role (ticked alone in Settings -> Users) whose MIS id a pupils file also used was
given the Pupils role and put in the file's class: its teacher saw the lead as one of the
class's pupils, and the lead was given the pupils' lessons."""

import pytest

from schools.models import User
from schools.roles import Role, roles_of
from schools.roster import Kind, roster_parse
from schools.services import RosterImportError, roster_import
from tests.factories import UserFactory


def test_a_pupils_file_cannot_turn_a_safeguarding_lead_into_a_pupil(school, klass):
    lead = UserFactory(
        school=school,
        username="dsl@school.example",
        email="dsl@school.example",
        mis_id="1002",
        roles=[Role.SAFEGUARDING_LEAD],
    )
    text = "mis_id,first_name,last_name,class\r\n1001,Priya,Patel,8R\r\n1002,Sam,Jones,8R\r\n"
    with pytest.raises(RosterImportError) as refused:
        roster_import(
            school=school, kind=Kind.PUPILS, parsed=roster_parse(text.encode(), kind="pupils")
        )
    [error] = refused.value.errors
    assert (error.line, error.column) == (3, "mis_id")
    assert str(error.message) == "This MIS id belongs to a member of staff already in Upstander."
    assert roles_of(User.objects.get(pk=lead.pk)) == {Role.SAFEGUARDING_LEAD}
    assert not klass.memberships.filter(user=lead).exists()


def test_a_staff_file_finds_a_safeguarding_lead_given_only_that_role_by_email(school):
    """A staff file listing the school's lead, whose account has no MIS id yet, finds them
    by email, as it finds a lead set up with the school; before, their own row was refused
    with "Another account already uses this email address" when they held the lead's role
    alone."""
    lead = UserFactory(
        school=school,
        username="dsl@school.example",
        email="dsl@school.example",
        roles=[Role.SAFEGUARDING_LEAD],
    )
    text = "mis_id,first_name,last_name,email\r\nT7,Dee,Lead,dsl@school.example\r\n"
    result = roster_import(
        school=school, kind=Kind.STAFF, parsed=roster_parse(text.encode(), kind="staff")
    )
    assert [person.pk for person in result.matched_by_email] == [lead.pk]
    assert (result.created, result.updated) == (0, 1)
    lead = User.objects.get(pk=lead.pk)
    assert (lead.mis_id, lead.username) == ("T7", "dsl@school.example")
    assert roles_of(lead) == {Role.STAFF, Role.SAFEGUARDING_LEAD}
