"""Fixtures shared by the tests of schools, groups, people and the roster import."""

import pytest

from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    """The test client signed in as a superuser who belongs to no school, for the admin."""
    client.force_login(UserFactory(username="root", school=None, is_superuser=True, is_staff=True))
    return client
