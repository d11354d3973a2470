"""One MIS id is one person everywhere the import looks: reading the file (two rows of one
person), finding who the school already has, listing leavers, and the admin's check that no
two people share an id. Each used to fold case its own way (casefold in one, lower in
another, and the database's ASCII-only LOWER on SQLite), so an id an export writes in other
capitals or in full-width characters was one pupil to one step and two to the next: a second
account for the pupil, and their own marked as having left."""

import pytest
from django.core.exceptions import ValidationError

from schools.models import User
from schools.roster import Kind, roster_parse
from schools.services import leavers_fingerprint, roster_import, roster_leavers
from tests.schools.helpers import pupil_named

STORED_AND_IN_FILE = [
    # An export that writes ids in capitals: Python and Excel spell ß as SS.
    pytest.param("Straße7", "STRASSE7", id="sharp-s"),
    # Capitals beyond ASCII, which SQLite's LOWER leaves as they are.
    pytest.param("Ä100", "ä100", id="a-umlaut"),
    # A computer set to Turkish writes "i" in capitals as a dotted capital I.
    pytest.param("ki100", "K\u0130100", id="turkish-dotted-capital-i"),
    pytest.param("KI100", "k\u0131100", id="turkish-dotless-i"),
    # Full-width letters and digits (A100, 1234), as a Chinese or Japanese keyboard types them.
    pytest.param("A100", "\uff21\uff11\uff10\uff10", id="full-width"),
    pytest.param("001234", "\uff11\uff12\uff13\uff14", id="full-width-admission-number"),
]


@pytest.mark.parametrize(("stored", "in_file"), STORED_AND_IN_FILE)
def test_a_pupil_whose_mis_id_is_written_another_way_is_updated_not_added_again(
    school, stored, in_file
):
    sam = pupil_named(school, "samj", "Sam", "Jones", mis_id=stored)
    parsed = roster_parse(
        f"mis_id,first_name,last_name\r\n{in_file},Sam,Jonas\r\n".encode(), kind=Kind.PUPILS
    )
    leavers = roster_leavers(school=school, kind=Kind.PUPILS, parsed=parsed)
    assert leavers == []
    result = roster_import(
        school=school,
        kind=Kind.PUPILS,
        parsed=parsed,
        leavers_checked=leavers_fingerprint(leavers),
    )
    assert (result.created, result.updated) == (0, 1)
    assert list(User.objects.filter(school=school).values_list("pk", flat=True)) == [sam.pk]
    sam.refresh_from_db()
    assert (sam.last_name, sam.mis_id, sam.is_active) == ("Jonas", stored, True)


def test_two_rows_the_file_reads_as_one_person_are_one_person_at_the_school(school):
    # The file's rows agree on "Straße7" and "STRASSE7" being one pupil (two classes): the
    # school's pupil with either id is that pupil, in both classes.
    sam = pupil_named(school, "samj", "Sam", "Jones", mis_id="STRASSE7")
    result = roster_import(
        school=school,
        kind=Kind.PUPILS,
        parsed=roster_parse(
            "mis_id,first_name,last_name,class\r\nStraße7,Sam,Jones,8R\r\n"
            "STRASSE7,Sam,Jones,8 Maths\r\n".encode(),
            kind=Kind.PUPILS,
        ),
    )
    assert result.created == 0
    assert sorted(sam.memberships.values_list("group__name", flat=True)) == ["8 Maths", "8R"]


@pytest.mark.parametrize(("stored", "given"), STORED_AND_IN_FILE)
def test_the_admin_refuses_an_mis_id_the_import_would_read_as_another_pupils(school, stored, given):
    pupil_named(school, "samj", "Sam", "Jones", mis_id=stored)
    priya = pupil_named(school, "priyap", "Priya", "Patel", mis_id="B7")
    priya.mis_id = given
    with pytest.raises(ValidationError) as refused:
        priya.full_clean()
    assert "already has this MIS id" in str(refused.value)
