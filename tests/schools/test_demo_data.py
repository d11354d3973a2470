"""The demo school that `make run` loads: idempotent, and every printed login works."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from schools.models import Group, Membership, School, User
from schools.roles import Role, roles_of


def load(**options) -> str:
    out = StringIO()
    call_command("load_demo_data", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_loading_twice_updates_rather_than_duplicates(settings):
    settings.DEBUG = True
    first = load()
    counts = (School.objects.count(), User.objects.count(), Group.objects.count())
    memberships = Membership.objects.count()
    User.objects.filter(username="pupil").update(first_name="Changed")
    load()
    assert (School.objects.count(), User.objects.count(), Group.objects.count()) == counts
    assert Membership.objects.count() == memberships
    assert User.objects.get(username="pupil").first_name == "Priya"
    for username in ("pupil", "teacher", "dsl", "editor", "admin"):
        assert f"  {username} " in first
        assert User.objects.get(username=username).check_password("upstander-demo")


@pytest.mark.django_db
def test_the_demo_has_each_role_and_each_kind_of_group(settings):
    settings.DEBUG = True
    load()
    assert roles_of(User.objects.get(username="dsl")) == {Role.STAFF, Role.SAFEGUARDING_LEAD}
    assert roles_of(User.objects.get(username="editor")) == {Role.EDITOR}
    editor, admin = User.objects.get(username="editor"), User.objects.get(username="admin")
    assert editor.is_staff and not editor.is_superuser
    assert not editor.has_perm("xapi.change_forwardingtarget")
    # Someone trying the demo can reach forwarding to another LRS and its failures.
    assert admin.is_superuser and admin.has_perm("xapi.change_forwardingtarget")
    assert roles_of(admin) == set()
    assert set(Group.objects.values_list("kind", flat=True)) == set(Group.Kind.values)
    assert Membership.objects.get(user__username="teacher", group__name="8R").role == "teacher"


@pytest.mark.django_db
def test_demo_accounts_are_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        load()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_logins_only_prints_without_writing(settings):
    settings.DEBUG = False
    output = load(logins_only=True)
    assert "password for all: upstander-demo" in output
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_demo_editor_belongs_to_no_school(settings):
    """Editors build content for every school and belong to none: what they try out in
    previews (an H5P activity, a quiz) is not recorded as a learner's. The demo editor was
    made a member of the demo school, so their tries went into its records."""
    settings.DEBUG = True
    User.objects.create(username="editor", school=None)  # an earlier load, or made by hand
    load()
    load()
    editor = User.objects.get(username="editor")
    assert editor.school is None
    assert roles_of(editor) == {Role.EDITOR}
    assert editor.is_staff and editor.check_password("upstander-demo")
    assert User.objects.get(username="teacher").school is not None


@pytest.mark.django_db
def test_the_demo_administrator_belongs_to_no_school_and_sees_each_schools_records(
    client, settings
):
    """The demo's administrator sets up schools (README) and, as site administrators do,
    belongs to none: the records dashboard lets them choose any school, and what they try
    out in a module is not recorded as a learner's. As a member of the demo school they
    were held to its records and could not open the school they had just set up."""
    settings.DEBUG = True
    User.objects.create(username="admin", school=None)  # an earlier load, or made by hand
    load()
    load()
    admin = User.objects.get(username="admin")
    assert admin.school is None
    assert admin.is_superuser and admin.check_password("upstander-demo")
    second = School.objects.create(urn="888888", name="Second Demo School")
    client.force_login(admin)
    response = client.get("/records/dashboard/", {"school": second.pk})
    assert response.status_code == 200
    assert response.context["school"] == second
