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
