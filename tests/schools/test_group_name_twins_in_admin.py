"""The admin refusing a group whose name another group of its school and kind has in other
capitals ("8r" beside "8R"): a lead adding one by hand would split a class in two, its
pupils and its assigned courses on either side, and the roster import would fill only one."""

from schools.models import Group
from tests.factories import SchoolFactory

ADD = "/admin/schools/groups/new/"


def _class(school, name):
    return Group.objects.create(school=school, kind=Group.Kind.CLASS, name=name)


def test_a_class_named_as_another_in_other_capitals_is_refused(admin_client, school):
    _class(school, "8R")
    response = admin_client.post(ADD, {"school": school.pk, "name": "8r", "kind": Group.Kind.CLASS})
    assert response.status_code == 200
    assert "already has a class named 8R" in response.content.decode()
    assert list(Group.objects.filter(school=school).values_list("name", flat=True)) == ["8R"]


def test_a_class_renamed_as_another_in_other_capitals_is_refused(admin_client, school):
    _class(school, "8R")
    other = _class(school, "8S")
    response = admin_client.post(
        f"/admin/schools/groups/edit/{other.pk}/",
        {"school": school.pk, "name": "8r", "kind": Group.Kind.CLASS},
    )
    assert response.status_code == 200
    assert "already has a class named 8R" in response.content.decode()
    other.refresh_from_db()
    assert other.name == "8S"


def test_a_class_put_in_its_own_capitals_is_saved(admin_client, school):
    klass = _class(school, "8r")
    response = admin_client.post(
        f"/admin/schools/groups/edit/{klass.pk}/",
        {"school": school.pk, "name": "8R", "kind": Group.Kind.CLASS},
    )
    assert response.status_code == 302
    klass.refresh_from_db()
    assert klass.name == "8R"


def test_the_same_name_in_another_school_or_of_another_kind_is_saved(admin_client, school):
    _class(SchoolFactory(name="Other Academy"), "8R")
    Group.objects.create(school=school, kind=Group.Kind.STAFF_TEAM, name="8R")
    response = admin_client.post(ADD, {"school": school.pk, "name": "8r", "kind": Group.Kind.CLASS})
    assert response.status_code == 302
    assert Group.objects.filter(school=school, kind=Group.Kind.CLASS, name="8r").exists()


def test_a_year_group_named_as_another_year_written_another_way_is_refused(admin_client, school):
    """The roster import reads "Y8" as the school's "Year 8": a second one would stay empty."""
    Group.objects.create(school=school, kind=Group.Kind.YEAR_GROUP, name="Year 8")
    response = admin_client.post(
        ADD, {"school": school.pk, "name": "Y8", "kind": Group.Kind.YEAR_GROUP}
    )
    assert response.status_code == 200
    assert "already has a year group named Year 8" in response.content.decode()
    assert Group.objects.filter(school=school).count() == 1


def test_administrators_find_the_groups_named_alike_before_it_was_refused(admin_client, school):
    """Groups made before the admin refused the name (or by a roster import that created
    "8r" beside a lead's "8R") are split classes: the Groups listing's "Breaks the rules"
    filter lists both of each pair, for the administrator to rename or empty one."""
    alike = {
        _class(school, "8R"),
        _class(school, "8r"),
        Group.objects.create(school=school, kind=Group.Kind.YEAR_GROUP, name="Year 8"),
        Group.objects.create(school=school, kind=Group.Kind.YEAR_GROUP, name="Y8"),
    }
    # Not these: another name, the same name of another kind or at another school.
    _class(school, "8S")
    Group.objects.create(school=school, kind=Group.Kind.STAFF_TEAM, name="8r")
    _class(SchoolFactory(name="Other Academy"), "8R")
    response = admin_client.get("/admin/schools/groups/?breaks_rules=true")
    assert response.status_code == 200
    assert {g.pk for g in response.context["object_list"]} == {g.pk for g in alike}
    assert "Breaks the rules" in response.content.decode()
    response = admin_client.get("/admin/schools/groups/?breaks_rules=false")
    assert {g.pk for g in response.context["object_list"]} == set(
        Group.objects.exclude(pk__in=[g.pk for g in alike]).values_list("pk", flat=True)
    )
