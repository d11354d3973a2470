"""A pupil added by hand (in the admin) has no MIS id, so no file can match them by it: a
file naming a new pupil with their name is refused, rather than giving the child a second
account, until whoever runs Upstander gives the account its MIS id."""

import pytest

from schools.models import User
from schools.roster import Kind, roster_parse
from schools.services import RosterImportError, roster_import
from tests.factories import SchoolFactory
from tests.schools.helpers import pupil_named


def run_import(school, *rows):
    text = "\r\n".join(["mis_id,first_name,last_name,class", *rows])
    return roster_import(
        school=school, kind=Kind.PUPILS, parsed=roster_parse(text.encode(), kind=Kind.PUPILS)
    )


def test_a_new_row_with_the_name_of_a_pupil_added_by_hand_is_refused_not_a_second_account(db):
    school = SchoolFactory()
    pupil_named(school, "zoeo", "Zoë", "O'Brien", mis_id="")

    with pytest.raises(RosterImportError) as refused:
        run_import(school, "A1,Priya,Patel,8R", "A2,Zoe,O'Brien,8R")

    [error] = refused.value.errors
    assert (error.line, error.column) == (3, "mis_id")
    assert "zoeo" in str(error.message)
    assert User.objects.filter(school=school).count() == 1


def test_once_the_pupil_added_by_hand_has_the_mis_id_the_file_updates_them(db):
    school = SchoolFactory()
    zoe = pupil_named(school, "zoeo", "Zoë", "O'Brien", mis_id="")
    zoe.mis_id = "A2"
    zoe.save()

    result = run_import(school, "A2,Zoë,O'Brien,8R")

    assert (result.created, result.updated) == (0, 1)
    assert User.objects.filter(school=school).count() == 1


def test_a_pupil_added_by_hand_with_another_name_or_at_another_school_is_no_reason_to_refuse(
    db,
):
    school = SchoolFactory()
    pupil_named(school, "zoeo", "Zoë", "O'Brien", mis_id="")
    pupil_named(SchoolFactory(), "priyap", "Priya", "Patel", mis_id="")

    result = run_import(school, "A1,Priya,Patel,8R", "A2,Zoe,Oakes,8R")

    assert result.created == 2
