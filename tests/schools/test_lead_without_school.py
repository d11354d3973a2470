"""A safeguarding lead whose account has no school (left blank in the admin, or between
schools) sees and resets nobody's password: not every pupil who has no school either."""

import pytest
from django.urls import reverse

from schools.roles import Role
from schools.selectors import pupils_whose_password_user_may_reset
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_lead_without_a_school_may_reset_no_pupil_without_one(client):
    lead = UserFactory(username="lead", school=None, roles=[Role.STAFF, Role.SAFEGUARDING_LEAD])
    stray = UserFactory(
        username="stray", school=None, first_name="Zebedee", last_name="Stray", roles=[Role.PUPIL]
    )
    assert not pupils_whose_password_user_may_reset(lead).exists()
    client.force_login(lead)
    assert "Zebedee" not in client.get(reverse("schools:my_groups")).content.decode()
    response = client.post(reverse("schools:my_groups"), {"pupil": str(stray.pk)})
    assert response.status_code == 404
    stray.refresh_from_db()
    assert stray.check_password("secret-pass-123")
