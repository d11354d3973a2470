"""Who may see and do what: every role by every resource, through the selectors and the views.

A second school with its own class, teacher and pupil proves that nothing crosses schools.
"""

import pytest
from django.urls import reverse

from schools import selectors
from schools.models import Group, Membership, User
from schools.roles import Role
from tests.factories import GroupFactory, SchoolFactory, UserFactory

ROLES = ["anonymous", "pupil", "staff", "safeguarding_lead", "editor", "superuser"]


@pytest.fixture
def world(school, klass, pupil, teacher, safeguarding_lead, editor):
    """Two schools. Ours: class 8R (taught by `teacher`, with `pupil`), class 9T with a pupil
    the teacher does not teach. Theirs: a class, a teacher and a pupil."""
    other_class = GroupFactory(school=school, name="9T", kind=Group.Kind.CLASS)
    untaught = UserFactory(school=school, username="untaught", roles=[Role.PUPIL])
    Membership.objects.create(group=other_class, user=untaught)
    elsewhere = SchoolFactory(name="Elsewhere High")
    their_class = GroupFactory(school=elsewhere, name="7X", kind=Group.Kind.CLASS)
    # A surname no generated name can share, so "not in the page" means not this pupil.
    their_pupil = UserFactory(
        school=elsewhere,
        username="theirpupil",
        roles=[Role.PUPIL],
        first_name="Oriel",
        last_name="Farrowmere-Elsewhere",
    )
    their_teacher = UserFactory(school=elsewhere, username="theirteacher", roles=[Role.STAFF])
    Membership.objects.create(group=their_class, user=their_pupil)
    Membership.objects.create(group=their_class, user=their_teacher, role=Membership.Role.TEACHER)
    superuser = UserFactory(
        school=None, username="root", is_superuser=True, is_staff=True, first_name="Root"
    )
    return {
        "school": school,
        "elsewhere": elsewhere,
        "klass": klass,
        "other_class": other_class,
        "their_class": their_class,
        "pupil": pupil,
        "untaught": untaught,
        "teacher": teacher,
        "safeguarding_lead": safeguarding_lead,
        "editor": editor,
        "superuser": superuser,
        "their_pupil": their_pupil,
        "their_teacher": their_teacher,
    }


def actor(world, role):
    from django.contrib.auth.models import AnonymousUser

    return {
        "anonymous": AnonymousUser(),
        "pupil": world["pupil"],
        "staff": world["teacher"],
        "safeguarding_lead": world["safeguarding_lead"],
        "editor": world["editor"],
        "superuser": world["superuser"],
    }[role]


def names(queryset, attr="username"):
    return {getattr(obj, attr) for obj in queryset}


# Selectors --------------------------------------------------------------------------------

EVERY_PERSON = {
    "pupil1",
    "untaught",
    "teacher1",
    "dsl1",
    "editor1",
    "root",
    "theirpupil",
    "theirteacher",
}
OUR_SCHOOL = {"pupil1", "untaught", "teacher1", "dsl1"}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", set()),
        ("pupil", set()),
        ("staff", set()),
        ("safeguarding_lead", {"Test Academy"}),
        ("editor", set()),
        ("superuser", {"Test Academy", "Elsewhere High"}),
    ],
)
def test_schools_visible_to(world, role, expected):
    assert names(selectors.schools_visible_to(actor(world, role)), "name") == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", set()),
        ("pupil", set()),
        ("staff", {"8R"}),
        ("safeguarding_lead", {"8R", "9T"}),
        ("editor", set()),
        ("superuser", {"8R", "9T", "7X"}),
    ],
)
def test_groups_visible_to(world, role, expected):
    user = actor(world, role)
    assert names(selectors.groups_visible_to(user), "name") == expected
    for group in ("klass", "other_class", "their_class"):
        visible = selectors.group_visible_to(user, world[group]) if user.is_authenticated else False
        assert visible == (world[group].name in expected)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", set()),
        ("pupil", {"pupil1"}),
        ("staff", {"pupil1", "teacher1"}),
        ("safeguarding_lead", OUR_SCHOOL),
        ("editor", {"editor1"}),
        ("superuser", EVERY_PERSON),
    ],
)
def test_people_visible_to(world, role, expected):
    user = actor(world, role)
    assert names(selectors.people_visible_to(user)) == expected
    if user.is_authenticated:
        for username in EVERY_PERSON:
            person = User.objects.get(username=username)
            assert selectors.person_visible_to(user, person) == (username in expected)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", set()),
        ("pupil", set()),
        ("staff", {"pupil1"}),
        ("safeguarding_lead", {"pupil1", "untaught"}),
        ("editor", set()),
        ("superuser", {"pupil1", "untaught", "theirpupil"}),
    ],
)
def test_pupils_whose_password_user_may_reset(world, role, expected):
    assert names(selectors.pupils_whose_password_user_may_reset(actor(world, role))) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", {}),
        ("pupil", {}),
        ("staff", {"8R": {"pupil1"}}),
        ("safeguarding_lead", {"8R": {"pupil1"}, "9T": {"untaught"}}),
        ("editor", {}),
        ("superuser", {"8R": {"pupil1"}, "9T": {"untaught"}, "7X": {"theirpupil"}}),
    ],
)
def test_groups_with_pupils_for(world, role, expected):
    groups = selectors.groups_with_pupils_for(actor(world, role))
    assert {g.name: names(g.pupils) for g in groups} == expected


# Views ------------------------------------------------------------------------------------

OK, DENIED, HIDDEN = "ok", "denied", "hidden"


def outcome(response) -> str:
    if response.status_code == 200:
        return OK
    if response.status_code == 404:
        return HIDDEN
    if response.status_code == 403:
        return DENIED
    if response.status_code == 302:
        # Anonymous people are sent to sign in; Wagtail sends signed-in people without admin
        # access to its own sign-in page with a message.
        location = response["Location"]
        if "/login/" in location:
            return DENIED
    raise AssertionError(f"unexpected {response.status_code} {response.get('Location')}")


def client_for(client, world, role):
    if role != "anonymous":
        client.force_login(actor(world, role))
    return client


RESOURCES = {
    # name: (method, url builder)
    "my_learning": ("get", lambda w: reverse("courses:my_learning")),
    "my_groups": ("get", lambda w: reverse("schools:my_groups")),
    "roster_import": ("get", lambda w: reverse("schools:roster_import")),
    "dashboard": ("get", lambda w: reverse("records:dashboard")),
    "leavers": ("get", lambda w: reverse("records:leavers")),
    "wagtail_admin": ("get", lambda w: reverse("wagtailadmin_home")),
    "admin_schools": ("get", lambda w: "/admin/schools/schools/"),
    "admin_groups": ("get", lambda w: "/admin/schools/groups/"),
    "admin_people": ("get", lambda w: "/admin/schools/people/"),
    "password_change": ("get", lambda w: reverse("password_change")),
}

VIEW_MATRIX = {
    #                   anonymous pupil   staff   lead    editor  superuser
    "my_learning": (DENIED, OK, OK, OK, OK, OK),
    "my_groups": (DENIED, DENIED, OK, OK, DENIED, OK),
    "roster_import": (DENIED, DENIED, DENIED, OK, DENIED, DENIED),  # superuser: no school
    "dashboard": (DENIED, DENIED, DENIED, OK, DENIED, OK),
    "leavers": (DENIED, DENIED, DENIED, OK, DENIED, OK),
    "wagtail_admin": (DENIED, DENIED, DENIED, DENIED, OK, OK),
    "admin_schools": (DENIED, DENIED, DENIED, DENIED, DENIED, OK),
    "admin_groups": (DENIED, DENIED, DENIED, DENIED, DENIED, OK),
    "admin_people": (DENIED, DENIED, DENIED, DENIED, DENIED, OK),
    "password_change": (DENIED, OK, OK, OK, OK, OK),
}


def _editor_denied(response) -> str:
    # Wagtail answers a signed-in user who lacks a model permission with a redirect to the
    # admin dashboard and a message ("Sorry, you do not have permission...").
    if response.status_code == 302 and response["Location"].rstrip("/").endswith("/admin"):
        return DENIED
    return outcome(response)


@pytest.mark.parametrize("resource", sorted(VIEW_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_view_access(client, world, role, resource):
    method, url = RESOURCES[resource]
    response = getattr(client_for(client, world, role), method)(url(world))
    expected = VIEW_MATRIX[resource][ROLES.index(role)]
    assert _editor_denied(response) == expected


# Password reset: (target pupil) -> outcome per role
RESET_MATRIX = {
    #                anonymous pupil   staff   lead    editor  superuser
    "pupil": (DENIED, DENIED, OK, OK, DENIED, OK),  # in 8R, taught by the teacher
    "untaught": (DENIED, DENIED, HIDDEN, OK, DENIED, OK),  # in 9T, same school
    "their_pupil": (DENIED, DENIED, HIDDEN, HIDDEN, DENIED, OK),  # another school
    "teacher": (DENIED, DENIED, HIDDEN, HIDDEN, DENIED, HIDDEN),  # staff: never by others
}


@pytest.mark.parametrize("target", sorted(RESET_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_password_reset_access(client, world, role, target):
    person = world[target]
    old_hash = person.password
    response = client_for(client, world, role).post(
        reverse("schools:my_groups"), {"pupil": person.pk}
    )
    expected = RESET_MATRIX[target][ROLES.index(role)]
    assert outcome(response) == expected
    person.refresh_from_db()
    assert (person.password != old_hash) == (expected == OK)


@pytest.mark.parametrize("role", ["staff", "safeguarding_lead"])
def test_my_groups_never_names_pupils_of_another_school(client, world, role):
    response = client_for(client, world, role).get(reverse("schools:my_groups"))
    assert "theirpupil" not in response.text
    assert world["their_pupil"].last_name not in response.text
