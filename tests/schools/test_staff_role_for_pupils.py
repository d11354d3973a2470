"""Settings -> Users does not make a pupil staff: a class's members are its pupils, and a
pupil given the Staff (or Safeguarding leads) role was given the staff courses assigned to
everyone with it, overdue on their My learning, and counted in the staff's completion."""

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.urls import reverse

from schools.roles import AUTH_GROUP_NAMES, Role, roles_of
from tests.factories import UserFactory


def _edit(admin_client, person, groups):
    return admin_client.post(
        f"/admin/users/edit/{person.pk}/",
        {
            "username": person.username,
            "email": person.email or f"{person.username}@school.invalid",
            "first_name": person.first_name or "Pat",
            "last_name": person.last_name or "Pupil",
            "school": person.school_id,
            "is_active": "on",
            "groups": [group.pk for group in groups],
        },
    )


@pytest.mark.parametrize("role", [Role.STAFF, Role.SAFEGUARDING_LEAD])
def test_a_pupil_in_a_class_is_not_given_a_staff_role(admin_client, pupil, role):
    given = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[role])
    response = _edit(admin_client, pupil, [*pupil.groups.all(), given])
    assert response.status_code == 200
    assert response.context["form"].errors["groups"] == [
        f"{pupil} is a pupil: a pupil is not also staff or a safeguarding lead, who are "
        "given the staff courses."
    ]
    assert role not in roles_of(type(pupil).objects.get(pk=pupil.pk))


def test_a_member_of_a_class_is_not_made_staff_in_place_of_a_pupil(admin_client, pupil):
    """Swapping the Pupils role for Staff leaves them a member of 8R, counted as one of its
    pupils: they are moved to being its teacher (or out of it) in Group memberships first."""
    staff = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.STAFF])
    response = _edit(admin_client, pupil, [staff])
    assert response.status_code == 200
    assert response.context["form"].errors["groups"] == [
        f"{pupil} is a member of 8R (Class): staff are a class's or year group's teachers, "
        "not its members. Change their place in it in Group memberships first."
    ]
    assert roles_of(type(pupil).objects.get(pk=pupil.pk)) == {Role.PUPIL}


def test_a_new_person_is_not_made_both_a_pupil_and_staff(admin_client, school):
    pupils = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.PUPIL])
    staff = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.STAFF])
    response = admin_client.post(
        "/admin/users/new/",
        {
            "username": "newperson",
            "email": "newperson@school.invalid",
            "first_name": "New",
            "last_name": "Person",
            "school": school.pk,
            "password1": "a-long-pass-8765",
            "password2": "a-long-pass-8765",
            "is_active": "on",
            "groups": [pupils.pk, staff.pk],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["groups"] == [
        "New Person is a pupil: a pupil is not also staff or a safeguarding lead, who are "
        "given the staff courses."
    ]
    assert not school.people.model.objects.filter(username="newperson").exists()


def test_the_bulk_assign_role_does_not_make_a_pupil_staff(admin_client, pupil, school):
    staff = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.STAFF])
    other = UserFactory(username="newstaff", school=school)
    meta = pupil._meta
    url = reverse("wagtail_bulk_action", args=[meta.app_label, meta.model_name, "assign_role"])
    query = f"?next=/admin/users/&id={pupil.pk}&id={other.pk}"
    response = admin_client.post(url + query, {"role": staff.pk}, follow=True)
    assert Role.STAFF not in roles_of(type(pupil).objects.get(pk=pupil.pk))
    assert not staff.user_set.filter(pk=other.pk).exists()
    assert (
        f"{pupil} is a pupil: a pupil is not also staff or a safeguarding lead, who are "
        "given the staff courses."
    ) in response.content.decode()
    response = admin_client.post(f"{url}?next=/admin/users/&id={other.pk}", {"role": staff.pk})
    assert response.status_code == 302
    assert staff.user_set.filter(pk=other.pk).exists()


def test_a_teacher_is_still_made_a_safeguarding_lead(admin_client, teacher):
    lead = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.SAFEGUARDING_LEAD])
    response = _edit(admin_client, teacher, [*teacher.groups.all(), lead])
    assert response.status_code == 302
    assert Role.SAFEGUARDING_LEAD in roles_of(type(teacher).objects.get(pk=teacher.pk))
