"""The staff import finding a member of staff without an MIS id by an email address the
file writes in other capitals beyond A to Z (a Welsh domain's Ŵ), on every database."""

from schools.models import User
from schools.roles import Role
from schools.roster import Kind, roster_parse
from schools.services import roster_import
from tests.factories import UserFactory


def test_a_member_of_staff_whose_email_has_other_capitals_beyond_a_to_z_is_found(school):
    # Added in the admin, with the address as their email client shows it.
    dee = UserFactory(
        school=school,
        username="dee",
        first_name="Dee",
        last_name="Lead",
        email="Dee.Lead@YsgolGŴyr.cymru",
        roles=[Role.STAFF],
    )
    text = "mis_id,first_name,last_name,email\r\nT7,Dee,Lead,DEE.LEAD@ysgolgŵyr.cymru\r\n"
    result = roster_import(
        school=school, kind=Kind.STAFF, parsed=roster_parse(text.encode(), kind=Kind.STAFF)
    )
    assert result.created == 0
    assert result.matched_by_email == [dee]
    assert list(User.objects.filter(school=school).values_list("username", "mis_id")) == [
        ("dee", "T7")
    ]
