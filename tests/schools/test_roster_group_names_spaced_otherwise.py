"""A group whose name was typed in the admin with a non-breaking space (pasted from a web
page or a document) or two spaces between its words is the roster import's group of that
name: the import reads a cell's spaces so ("8 Maths"), and a second group beside it would
split the class, its pupils and assigned courses on either side."""

import pytest

from schools.models import Group
from schools.roster import Kind, roster_parse
from schools.services import roster_import


@pytest.mark.parametrize("typed", ["8\u00a0Maths", "8  Maths", "8 maths\u00a0"])
def test_the_import_joins_a_class_whose_name_was_typed_with_other_spaces(school, typed):
    klass = Group.objects.create(school=school, kind=Group.Kind.CLASS, name=typed)
    text = "mis_id,first_name,last_name,class\r\nA1,Sam,Jones,8 Maths\r\n"
    roster_import(
        school=school, kind=Kind.PUPILS, parsed=roster_parse(text.encode(), kind=Kind.PUPILS)
    )
    assert list(Group.objects.filter(school=school).values_list("pk", flat=True)) == [klass.pk]
    assert list(klass.members.values_list("mis_id", flat=True)) == ["A1"]


def test_the_admin_refuses_a_class_named_as_another_with_other_spaces(admin_client, school):
    Group.objects.create(school=school, kind=Group.Kind.CLASS, name="8 Maths")
    response = admin_client.post(
        "/admin/schools/groups/new/",
        {"school": school.pk, "name": "8\u00a0Maths", "kind": Group.Kind.CLASS},
    )
    assert response.status_code == 200
    assert "already has a class named 8 Maths" in response.content.decode()
    assert Group.objects.filter(school=school).count() == 1
