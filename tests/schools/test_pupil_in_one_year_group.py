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
