"""Usernames sign in whatever their case (schools/backends.py), so the admin does not give
someone a username that differs only in case from another person's: the first person would
then sign in only by typing theirs exactly."""

import pytest

from schools.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-new-Passphrase-42"


@pytest.fixture
def root(client):
    user = UserFactory(username="root", school=None, is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def _new_person(username):
    return {
        "username": username,
        "email": "someone@school.invalid",
        "first_name": "Some",
        "last_name": "One",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "is_active": "on",
    }


def test_a_new_username_differing_only_in_case_from_anothers_is_refused(client, root, pupil):
    response = client.post("/admin/users/new/", _new_person("PUPIL1"))
    assert response.status_code == 200
    assert "already" in response.text
    assert not User.objects.filter(username="PUPIL1").exists()


def test_a_person_renamed_to_anothers_username_in_another_case_is_refused(client, root, pupil):
    other = UserFactory(username="other")
    response = client.post(
        f"/admin/schools/people/edit/{other.pk}/",
        {"username": "Pupil1", "first_name": "A", "last_name": "B", "is_active": "on"},
    )
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.username == "other"


def test_a_person_whose_username_is_unchanged_is_still_saved(client, root, pupil):
    response = client.post(
        f"/admin/schools/people/edit/{pupil.pk}/",
        {
            "username": "pupil1",
            "first_name": "New",
            "last_name": "Name",
            "is_active": "on",
            "school": pupil.school_id,
        },
    )
    assert response.status_code == 302
