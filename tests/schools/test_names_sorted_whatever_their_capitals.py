"""Lists of people are in name order whatever the capitals of a surname ("de Souza" among
the Ds), as the dashboard's tables and class lists are."""

from schools.roles import Role
from schools.roster import Kind, roster_parse
from schools.selectors import safeguarding_leads
from schools.services import roster_leavers
from tests.factories import SchoolFactory, UserFactory
from tests.schools.helpers import pupil_named


def test_the_safeguarding_leads_are_listed_by_surname_whatever_its_capitals(db):
    school = SchoolFactory()
    for username, last_name in [("lead1", "Evans"), ("lead2", "de Souza"), ("lead3", "Adams")]:
        UserFactory(
            school=school,
            username=username,
            first_name="Sam",
            last_name=last_name,
            roles=[Role.STAFF, Role.SAFEGUARDING_LEAD],
        )

    assert [lead.last_name for lead in safeguarding_leads(school)] == [
        "Adams",
        "de Souza",
        "Evans",
    ]


def test_the_leavers_an_import_would_mark_are_listed_by_surname_whatever_its_capitals(db):
    school = SchoolFactory()
    pupil_named(school, "pupil1", "Ola", "Evans", mis_id="A1")
    pupil_named(school, "pupil2", "Ola", "de Souza", mis_id="A2")
    pupil_named(school, "pupil3", "Ola", "Adams", mis_id="A3")
    parsed = roster_parse(b"mis_id,first_name,last_name\r\nA9,Ella,Hart\r\n", kind=Kind.PUPILS)

    leavers = roster_leavers(school=school, kind=Kind.PUPILS, parsed=parsed)

    assert [person.last_name for person in leavers] == ["Adams", "de Souza", "Evans"]
