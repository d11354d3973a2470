"""The roster import's problems with people already in Upstander, listed in the file's line
order as the problems found in the file itself are."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools.roles import Role
from schools.roster import Kind, roster_parse
from schools.services import RosterImportError, roster_import
from tests.factories import SchoolFactory, UserFactory

# Line 2's email is an account's at another school; every later line's MIS id is a pupil's.
STAFF = "mis_id,first_name,last_name,email\r\nT1,Sam,Jones,taken@school.example\r\n" + "".join(
    f"P{n},Ann,Lee{n},ann{n}@school.example\r\n" for n in range(3, 25)
)


@pytest.fixture
def clashes(school):
    UserFactory(username="someone", email="taken@school.example", school=SchoolFactory())
    for n in range(3, 25):
        UserFactory(school=school, username=f"pupil{n}", mis_id=f"P{n}", roles=[Role.PUPIL])


def test_problems_with_people_already_in_upstander_are_in_line_order(school, clashes):
    with pytest.raises(RosterImportError) as caught:
        roster_import(school=school, kind=Kind.STAFF, parsed=roster_parse(STAFF, kind=Kind.STAFF))
    lines = [error.line for error in caught.value.errors]
    assert lines == list(range(2, 25))


def test_the_error_summary_of_many_problems_starts_with_the_first_line(
    client, school, clashes, safeguarding_lead
):
    """The summary lists the first 20 problems: the file's first line with one among them."""
    client.force_login(safeguarding_lead)
    upload = SimpleUploadedFile("staff.csv", STAFF.encode(), "text/csv")
    response = client.post(reverse("schools:roster_import"), {"kind": Kind.STAFF, "file": upload})
    summary = response.content.decode().split("data-error-summary>", 1)[1].split("</div>", 1)[0]
    first = re.search(r'<a href="#problem-1">(.*?)</a>', summary, re.S).group(1)
    assert first.startswith("Line 2, ")
    assert "another school" in first
