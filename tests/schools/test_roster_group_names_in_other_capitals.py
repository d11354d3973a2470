"""The roster import choosing between groups whose names differ only in capitals."""

import pytest

from schools.models import Group
from schools.roster import Kind, roster_parse
from schools.services import roster_import


@pytest.mark.parametrize("named", ["8R", "8r"])
def test_a_class_of_that_very_name_is_joined_not_one_in_other_capitals(school, named):
    # Made before the admin refused a name another group has in other capitals.
    classes = {
        name: Group.objects.create(school=school, kind=Group.Kind.CLASS, name=name)
        for name in ("8R", "8r")
    }
    text = f"mis_id,first_name,last_name,class\r\nA1,Sam,Jones,{named}\r\n"
    roster_import(
        school=school, kind=Kind.PUPILS, parsed=roster_parse(text.encode(), kind=Kind.PUPILS)
    )
    assert list(classes[named].members.values_list("mis_id", flat=True)) == ["A1"]
    other = classes["8r" if named == "8R" else "8R"]
    assert not other.members.exists()
