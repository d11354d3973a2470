"""A pupil is in one year group: Group memberships refuses putting them in a second one
(they would be counted in both years' PSHE records and listed to both years' teachers), as
the roster import refuses a row naming two."""

from schools.models import Group, Membership


def test_a_pupil_is_not_put_in_a_second_year_group(admin_client, school, pupil):
    year_8 = Group.objects.create(school=school, kind=Group.Kind.YEAR_GROUP, name="Year 8")
    Membership.objects.create(group=year_8, user=pupil)
    year_9 = Group.objects.create(school=school, kind=Group.Kind.YEAR_GROUP, name="Year 9")
    response = admin_client.post(
        "/admin/schools/memberships/new/",
        {"group": year_9.pk, "user": pupil.pk, "role": "member"},
    )
    assert response.status_code == 200
    assert "is already in Year 8" in response.content.decode()
    assert not year_9.memberships.exists()


def test_a_pupil_moved_to_another_year_group_is_saved(admin_client, school, pupil):
    year_8 = Group.objects.create(school=school, kind=Group.Kind.YEAR_GROUP, name="Year 8")
    place = Membership.objects.create(group=year_8, user=pupil)
    year_9 = Group.objects.create(school=school, kind=Group.Kind.YEAR_GROUP, name="Year 9")
    response = admin_client.post(
        f"/admin/schools/memberships/edit/{place.pk}/",
        {"group": year_9.pk, "user": pupil.pk, "role": "member"},
    )
    assert response.status_code == 302
    assert sorted(pupil.memberships.values_list("group__name", flat=True)) == ["8R", "Year 9"]


def test_a_class_whose_pupil_is_in_a_year_group_is_not_made_a_year_group(
    admin_client, school, klass, pupil
):
    """Changing 8R's kind to "Year group" in Groups put its pupils who were already in Year 8
    in a second year group, which Group memberships refuses: they were counted in both."""
    year_8 = Group.objects.create(school=school, kind=Group.Kind.YEAR_GROUP, name="Year 8")
    Membership.objects.create(group=year_8, user=pupil)
    response = admin_client.post(
        f"/admin/schools/groups/edit/{klass.pk}/",
        {"school": school.pk, "name": klass.name, "kind": Group.Kind.YEAR_GROUP},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["kind"] == [
        f"It cannot be a year group: {pupil} is a pupil in it who is already in Year 8, and a "
        "pupil is in one year group. Take them out of one of them first (Group memberships)."
    ]
    klass.refresh_from_db()
    assert klass.kind == Group.Kind.CLASS


def test_a_member_of_two_year_groups_is_not_made_a_pupil(admin_client, school):
    """Someone put in Year 8 and Year 9 before they had a role (Group memberships refuses
    a second year group to pupils only), then ticked "Pupils" in Settings -> Users, or given
    it with the bulk "Assign role", was a pupil in two year groups."""
    from django.contrib.auth.models import Group as AuthGroup
    from django.urls import reverse

    from schools.roles import AUTH_GROUP_NAMES, Role, roles_of
    from tests.factories import UserFactory

    person = UserFactory(username="newcomer", school=school, first_name="Nia", last_name="New")
    for name in ("Year 8", "Year 9"):
        year = Group.objects.create(school=school, kind=Group.Kind.YEAR_GROUP, name=name)
        Membership.objects.create(group=year, user=person)
    pupils = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.PUPIL])
    refusal = (
        f"{person} is a member of Year 8 (Year group), Year 9 (Year group): a pupil is in one "
        "year group. Take them out of all but one in Group memberships first."
    )
    response = admin_client.post(
        f"/admin/users/edit/{person.pk}/",
        {
            "username": person.username,
            "email": person.email,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "school": school.pk,
            "is_active": "on",
            "groups": [pupils.pk],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["groups"] == [refusal]
    assert Role.PUPIL not in roles_of(type(person).objects.get(pk=person.pk))

    meta = person._meta
    url = reverse("wagtail_bulk_action", args=[meta.app_label, meta.model_name, "assign_role"])
    response = admin_client.post(
        f"{url}?next=/admin/users/&id={person.pk}", {"role": pupils.pk}, follow=True
    )
    assert refusal in response.content.decode()
    assert Role.PUPIL not in roles_of(type(person).objects.get(pk=person.pk))
