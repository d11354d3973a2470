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
