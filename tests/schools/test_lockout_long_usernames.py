"""The sign-in lock counts failures by the username in lower case (schools/backends.py). Some
letters grow when lowered ("İ" becomes two characters), so a username the form accepts may
be longer, lowered, than the lock's record of it holds."""

import pytest
from django.urls import reverse

from schools.backends import username_for_lockout

pytestmark = pytest.mark.django_db


def test_a_long_username_that_grows_when_lowered_is_refused_not_an_error(client):
    typed = "İ" * 150  # as long as a username may be
    response = client.post(reverse("login"), {"username": typed, "password": "wrong"})
    assert response.status_code == 200
    assert "The username or password is not right" in response.text


def test_the_lock_counts_a_username_in_at_most_255_characters():
    assert len(username_for_lockout(None, {"username": "İ" * 150})) <= 255


def test_a_long_username_that_grows_when_lowered_is_still_locked_after_five_failures(client):
    typed = "İ" * 150
    for _ in range(4):
        client.post(reverse("login"), {"username": typed, "password": "wrong"})
    locked = client.post(reverse("login"), {"username": typed, "password": "wrong"})
    assert locked.status_code == 429
