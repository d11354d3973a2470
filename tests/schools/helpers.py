"""Building the people and roster imports that schools tests start from."""

from schools.roles import Role
from schools.roster import Kind
from schools.services import leavers_fingerprint, roster_import, roster_leavers
from tests.factories import UserFactory


def pupil_named(school, username: str, first_name: str, last_name: str, *, mis_id: str):
    """A pupil of `school` with this name and MIS id, as an earlier import or admin made them."""
    return UserFactory(
        school=school,
        username=username,
        first_name=first_name,
        last_name=last_name,
        mis_id=mis_id,
        roles=[Role.PUPIL],
    )


def roster_import_marking_leavers(school, parsed, *, kind=Kind.PUPILS):
    """Import a whole-school file once its list of leavers is checked: they are marked left."""
    leavers = roster_leavers(school=school, kind=kind, parsed=parsed)
    return roster_import(
        school=school, kind=kind, parsed=parsed, leavers_checked=leavers_fingerprint(leavers)
    )
