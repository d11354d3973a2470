"""Fixtures shared by the whole suite: a school with one person in each role."""

import pytest

from schools.models import Group, Membership
from schools.roles import Role, role_assign
from tests.factories import GroupFactory, SchoolFactory, UserFactory

PASSWORD = "secret-pass-123"


@pytest.fixture
def school(db):
    return SchoolFactory(name="Test Academy")


@pytest.fixture
def klass(school):
    return GroupFactory(school=school, name="8R", kind=Group.Kind.CLASS)


@pytest.fixture
def pupil(school, klass):
    user = UserFactory(school=school, username="pupil1", roles=[Role.PUPIL])
    Membership.objects.create(group=klass, user=user)
    return user


@pytest.fixture
def teacher(school, klass):
    user = UserFactory(
        school=school, username="teacher1", email="teacher1@school.invalid", roles=[Role.STAFF]
    )
    Membership.objects.create(group=klass, user=user, role=Membership.Role.TEACHER)
    return user


@pytest.fixture
def safeguarding_lead(school):
    user = UserFactory(
        school=school,
        username="dsl1",
        email="dsl1@school.invalid",
        roles=[Role.STAFF, Role.SAFEGUARDING_LEAD],
    )
    return user


@pytest.fixture
def editor(school):
    user = UserFactory(school=None, username="editor1", roles=[Role.EDITOR])
    user.is_staff = True
    user.save()
    role_assign(user=user, role=Role.EDITOR)
    return user


@pytest.fixture
def home_page(db):
    """The site's HomePage at the root of the default Site.

    Migrations create it, but transactional tests (browser tests) flush every table, so
    this fixture creates the page tree again when it is missing.
    """
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale, Page, Site

    from courses.models import HomePage

    existing = HomePage.objects.first()
    if existing is not None:
        return existing
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root")
    home = root.add_child(instance=HomePage(title="Upstander", slug="home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Upstander"},
    )
    return home
