"""A teacher or safeguarding lead resets pupils' passwords, and so could sign in as them: never
as a pupil who also holds what they do not (an editor's CMS, an administrator's rights)."""

import pytest
from django.urls import reverse

from schools.roles import Role, role_assign
from tests.conftest import PASSWORD

URL = reverse("schools:my_groups")

pytestmark = pytest.mark.django_db


def _lead(school):
    from tests.factories import UserFactory

    return UserFactory(school=school, username="lead1", roles=[Role.STAFF, Role.SAFEGUARDING_LEAD])


@pytest.mark.parametrize("who", ["teacher", "lead"])
def test_a_pupil_who_is_also_an_editor_is_not_reset_by_their_teacher_or_lead(
    client, request, pupil, school, who
):
    role_assign(user=pupil, role=Role.EDITOR)
    actor = request.getfixturevalue("teacher") if who == "teacher" else _lead(school)
    client.force_login(actor)
    response = client.post(URL, {"pupil": pupil.pk})
    assert response.status_code == 404
    pupil.refresh_from_db()
    assert pupil.check_password(PASSWORD)


def test_a_pupil_who_is_a_superuser_is_not_reset_by_their_teacher(client, teacher, pupil):
    pupil.is_superuser = True
    pupil.save()
    client.force_login(teacher)
    assert client.post(URL, {"pupil": pupil.pk}).status_code == 404
    pupil.refresh_from_db()
    assert pupil.check_password(PASSWORD)


def test_a_teacher_still_resets_an_ordinary_pupil(client, teacher, pupil):
    client.force_login(teacher)
    assert client.post(URL, {"pupil": pupil.pk}).status_code == 200
