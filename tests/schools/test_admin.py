"""Administrators manage schools, groups, memberships and people in the Wagtail admin."""

import pytest
from django.test import Client
from django.urls import reverse

from schools.models import Group, School
from tests.factories import GroupFactory, SchoolFactory, UserFactory


def test_an_administrator_adds_a_welsh_school(admin_client):
    response = admin_client.post(
        "/admin/schools/schools/new/",
        {
            "name": "Ysgol Enghraifft",
            "urn": "",
            "nation": "wales",
            "staff_xapi_identity": "account",
            "retention_months": "84",
        },
    )
    assert response.status_code == 302
    school = School.objects.get(name="Ysgol Enghraifft")
    assert school.safeguarding_lead_title == "Designated Safeguarding Person"


@pytest.mark.parametrize(
    ("url", "shows"),
    [
        ("/admin/schools/schools/", "Test Academy"),
        ("/admin/schools/groups/", "8R"),
        ("/admin/schools/memberships/", "8R"),
        ("/admin/schools/people/", "pupil1"),
        ("/admin/schools/people/?q=pupil1", "pupil1"),
    ],
)
def test_administrators_list_schools_groups_memberships_and_people(admin_client, pupil, url, shows):
    response = admin_client.get(url)
    assert response.status_code == 200
    assert shows in response.text


def test_an_administrator_adds_a_group(admin_client, school):
    response = admin_client.post(
        "/admin/schools/groups/new/", {"school": school.pk, "name": "Year 9", "kind": "year_group"}
    )
    assert response.status_code == 302
    assert Group.objects.filter(school=school, name="Year 9", kind="year_group").exists()


def test_the_same_group_name_twice_in_a_school_is_refused(admin_client, school):
    GroupFactory(school=school, name="Year 9", kind="year_group")
    response = admin_client.post(
        "/admin/schools/groups/new/", {"school": school.pk, "name": "Year 9", "kind": "year_group"}
    )
    assert response.status_code == 200
    assert Group.objects.filter(name="Year 9").count() == 1


def test_the_schools_menu_is_in_the_admin_for_administrators_only(admin_client, editor):
    assert "/admin/schools/schools/" in admin_client.get("/admin/").text
    editor_client = Client()
    editor_client.force_login(editor)
    response = editor_client.get("/admin/")
    assert response.status_code == 200
    assert "/admin/schools/schools/" not in response.text


def test_people_are_filtered_by_role(admin_client, pupil, teacher):
    from django.contrib.auth.models import Group as AuthGroup

    pupils = AuthGroup.objects.get(name="Pupils")
    response = admin_client.get(f"/admin/schools/people/?role={pupils.pk}")
    assert response.status_code == 200
    assert "pupil1" in response.text
    assert "teacher1" not in response.text


def test_administrators_find_people_who_have_left_and_when(admin_client, pupil, teacher):
    from django.utils import formats, timezone

    pupil.is_active = False
    pupil.save()
    response = admin_client.get("/admin/schools/people/?is_active=false")
    assert response.status_code == 200
    assert "pupil1" in response.text
    assert "teacher1" not in response.text
    assert formats.date_format(timezone.localdate()) in response.text


def _listing_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url", ["/admin/schools/groups/", "/admin/schools/memberships/", "/admin/schools/people/"]
)
def test_listings_take_no_more_queries_for_a_fuller_page(admin_client, url):
    from schools.models import Membership

    def add(n):
        for _ in range(n):
            school = School.objects.create(name=f"School {School.objects.count()}")
            group = GroupFactory(school=school)
            Membership.objects.create(group=group, user=UserFactory(school=school))

    add(2)
    admin_client.get(url)  # warm per-process caches
    few = _listing_queries(admin_client, url)
    add(10)
    assert _listing_queries(admin_client, url) == few


def test_a_school_with_people_is_not_deleted_and_the_administrator_is_told_why(
    admin_client, school, pupil
):
    """Deleting a school its people still belong to failed with a server error (a person's
    school cannot be deleted from under them). The confirmation now says why it cannot be
    deleted and offers no delete button; sent anyway, nothing is deleted."""
    url = reverse("school:delete", args=[school.pk])
    page = admin_client.get(url).content.decode()
    assert "Test Academy cannot be deleted: 1 person belongs to it." in page
    assert "Yes, delete" not in page
    assert f'href="/admin/schools/people/?school={school.pk}"' in page  # who they are
    response = admin_client.post(url, follow=True)
    assert response.status_code == 200
    assert "Test Academy cannot be deleted: 1 person belongs to it." in response.content.decode()
    assert School.objects.filter(pk=school.pk).exists()


def test_a_school_without_people_can_be_deleted(admin_client):
    empty = School.objects.create(name="Closed Primary")
    response = admin_client.post(reverse("school:delete", args=[empty.pk]))
    assert response.status_code == 302
    assert not School.objects.filter(pk=empty.pk).exists()


def test_deleting_a_class_says_what_goes_with_it(admin_client, school, klass, pupil, home_page):
    """A class's assignments, lessons and classroom runs go with it; the confirmation asked
    only "Are you sure you want to delete this group?"."""
    from datetime import date

    from records.models import Assignment

    Assignment.objects.create(school=school, course=home_page, group=klass, due_on=date.today())
    page = admin_client.get(reverse("group:delete", args=[klass.pk])).content.decode()
    assert (
        "Deleting 8R also deletes 1 person&#x27;s membership of it; 1 course assigned to it "
        "(and its reminders). What its members completed stays in their records." in page
    )


def test_a_person_is_not_put_in_a_group_of_another_school(admin_client, pupil):
    """The memberships form lists everyone in every school: picking the wrong "Sam Smith" put
    a pupil in another school's class, whose teacher then saw them by name when recording a
    lesson with it."""
    other_class = GroupFactory(school=SchoolFactory(name="Other Academy"), name="9Q")
    response = admin_client.post(
        "/admin/schools/memberships/new/",
        {"group": other_class.pk, "user": pupil.pk, "role": "member"},
    )
    assert response.status_code == 200
    assert "is not at Other Academy" in response.content.decode()
    assert not other_class.memberships.exists()


def test_a_pupil_moved_to_another_school_leaves_the_classes_of_the_old_one(
    admin_client, school, klass, pupil
):
    """A pupil moving between a trust's schools stayed in their old school's classes, where
    its teachers still saw them by name (recording a lesson with the class) and recorded
    lessons for them."""
    from schools.selectors import group_pupils

    new_school = SchoolFactory(name="New Academy")
    new_class = GroupFactory(school=new_school, name="9N")
    pupil.memberships.create(group=new_class)  # added ahead of the move: it stays
    response = admin_client.post(
        f"/admin/schools/people/edit/{pupil.pk}/",
        {
            "username": pupil.username,
            "first_name": pupil.first_name,
            "last_name": pupil.last_name,
            "email": "",
            "school": new_school.pk,
            "mis_id": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    pupil.refresh_from_db()
    assert pupil.school == new_school
    assert not group_pupils(klass).filter(pk=pupil.pk).exists()
    assert list(pupil.memberships.values_list("group", flat=True)) == [new_class.pk]
    # New at the school: courses assigned there to all pupils give them the new starters' time.
    assert pupil.school_joined_at is not None


def test_a_class_with_people_is_not_moved_to_another_school(admin_client, klass, pupil):
    """Changing a class's school took its pupils with it into a school they are not at,
    where its new teachers would see them by name."""
    other = SchoolFactory(name="Other Academy")
    response = admin_client.post(
        f"/admin/schools/groups/edit/{klass.pk}/",
        {"school": other.pk, "name": klass.name, "kind": klass.kind},
    )
    assert response.status_code == 200
    assert "people of Test Academy are in it" in response.content.decode()
    klass.refresh_from_db()
    assert klass.school.name == "Test Academy"


def test_an_empty_class_moves_to_another_school(admin_client, school):
    empty = GroupFactory(school=school, name="7E")
    other = SchoolFactory(name="Other Academy")
    response = admin_client.post(
        f"/admin/schools/groups/edit/{empty.pk}/",
        {"school": other.pk, "name": "7E", "kind": empty.kind},
    )
    assert response.status_code == 302
    empty.refresh_from_db()
    assert empty.school == other


def test_a_role_group_cannot_be_renamed(admin_client, pupil):
    """Roles are read from the groups' names: renamed, "Pupils" would stop making its members
    pupils (a school sending staff as email addresses would send the pupils' too), and the
    next `migrate` would make a new, empty "Pupils"."""
    from django.contrib.auth.models import Group as AuthGroup

    from schools.roles import AUTH_GROUP_NAMES, Role, roles_of

    pupils = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.PUPIL])
    response = admin_client.post(
        f"/admin/groups/edit/{pupils.pk}/",
        {
            "name": "Students",
            **{
                f"{prefix}-{field}": 0
                for prefix in [
                    "page_permissions",
                    "document_permissions",
                    "image_permissions",
                    "collection_permissions",
                ]
                for field in ["TOTAL_FORMS", "INITIAL_FORMS"]
            },
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Upstander gives the pupil role to the members of this group by its name, so it "
        "cannot be renamed."
    ]
    pupils.refresh_from_db()
    assert pupils.name == "Pupils"
    assert Role.PUPIL in roles_of(type(pupil).objects.get(pk=pupil.pk))


def test_a_role_group_cannot_be_deleted(admin_client, pupil):
    from django.contrib.auth.models import Group as AuthGroup

    from schools.roles import AUTH_GROUP_NAMES, Role

    pupils = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.PUPIL])
    response = admin_client.post(f"/admin/groups/delete/{pupils.pk}/", follow=True)
    assert AuthGroup.objects.filter(pk=pupils.pk).exists()
    assert (
        "Upstander gives the pupil role to the members of this group by its name, so it "
        "cannot be deleted."
    ) in response.content.decode()


def test_a_person_added_in_settings_users_is_given_their_school(admin_client, school):
    """Settings -> Users is where passwords and roles are given; without the school there, a
    new teacher had none and saw nothing of it until someone found them in People."""
    assert 'name="school"' in admin_client.get("/admin/users/new/").content.decode()
    response = admin_client.post(
        "/admin/users/new/",
        {
            "username": "newteacher",
            "email": "newteacher@school.invalid",
            "first_name": "New",
            "last_name": "Teacher",
            "school": school.pk,
            "password1": "a-long-Passphrase-42",
            "password2": "a-long-Passphrase-42",
        },
    )
    assert response.status_code == 302
    assert UserFactory._meta.model.objects.get(username="newteacher").school == school


def test_a_pupil_moved_in_settings_users_leaves_the_classes_of_the_old_one(
    admin_client, school, klass, pupil
):
    new_school = SchoolFactory(name="New Academy")
    pupil.mis_id = "A1234"
    pupil.save()
    page = admin_client.get(f"/admin/users/edit/{pupil.pk}/").content.decode()
    assert 'name="school"' in page
    response = admin_client.post(
        f"/admin/users/edit/{pupil.pk}/",
        {
            "username": pupil.username,
            "email": "pupil@school.invalid",
            "first_name": pupil.first_name or "Pat",
            "last_name": pupil.last_name or "Pupil",
            "school": new_school.pk,
            "mis_id": "N77",  # their admission number at the new school
            "is_active": "on",
            "groups": list(pupil.groups.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 302
    pupil.refresh_from_db()
    assert pupil.school == new_school
    assert not pupil.memberships.filter(group=klass).exists()
    assert pupil.mis_id == "N77"


def test_a_retention_period_of_no_months_is_refused(admin_client, school):
    """The monthly `purge_records` keeps a school's records for this many months: 0 (meant,
    perhaps, as "no limit") would delete every record the school has."""
    response = admin_client.post(
        f"/admin/schools/schools/edit/{school.pk}/",
        {
            "name": school.name,
            "urn": school.urn,
            "nation": school.nation,
            "staff_xapi_identity": school.staff_xapi_identity,
            "retention_months": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["retention_months"] == [
        "Ensure this value is greater than or equal to 1."
    ]
    school.refresh_from_db()
    assert school.retention_months == 84


def test_a_retention_period_longer_than_the_calendar_is_refused(admin_client, school):
    """99999 months (meant, perhaps, as "keep for ever") was saved, and then the school's
    purge and reminders stopped with an error: the day that long ago is before year 1. The
    purge now stops at the calendar's first day, and the form still refuses the number."""
    response = admin_client.post(
        f"/admin/schools/schools/edit/{school.pk}/",
        {
            "name": school.name,
            "urn": school.urn,
            "nation": school.nation,
            "staff_xapi_identity": school.staff_xapi_identity,
            "retention_months": "99999",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["retention_months"]
    school.refresh_from_db()
    assert school.retention_months == 84


def test_a_pupil_is_not_made_a_teacher_of_a_group(admin_client, school, pupil):
    """A teacher of a class sees its pupils by name and records lessons for them: a pupil
    given "Teacher" by mistake in Group memberships could do that to their classmates."""
    other_class = GroupFactory(school=school, name="9Q")
    response = admin_client.post(
        "/admin/schools/memberships/new/",
        {"group": other_class.pk, "user": pupil.pk, "role": "teacher"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["role"] == [
        f"{pupil} is a pupil: pupils are members of a group, not its teachers."
    ]
    assert not other_class.memberships.exists()
    response = admin_client.post(
        "/admin/schools/memberships/new/",
        {"group": other_class.pk, "user": pupil.pk, "role": "member"},
    )
    assert response.status_code == 302


def test_a_teacher_of_a_group_is_not_made_a_pupil(admin_client, teacher):
    """The other way round to a pupil made a teacher: ticking "Pupils" for someone who
    teaches a class in Settings -> Users would leave a pupil seeing that class by name."""
    from django.contrib.auth.models import Group as AuthGroup

    from schools.roles import AUTH_GROUP_NAMES, Role, roles_of

    pupils = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.PUPIL])
    response = admin_client.post(
        f"/admin/users/edit/{teacher.pk}/",
        {
            "username": teacher.username,
            "email": teacher.email,
            "first_name": teacher.first_name or "Tess",
            "last_name": teacher.last_name or "Teacher",
            "school": teacher.school_id,
            "is_active": "on",
            "groups": [*teacher.groups.values_list("pk", flat=True), pupils.pk],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["groups"] == [
        f"{teacher} teaches 8R (Class): pupils are members of a group, not its teachers. "
        "Change their place in it in Group memberships first."
    ]
    assert Role.PUPIL not in roles_of(type(teacher).objects.get(pk=teacher.pk))


def test_the_bulk_assign_role_does_not_make_a_teacher_of_a_group_a_pupil(
    admin_client, teacher, school
):
    """Settings -> Users' "Assign role" for several people at once is held to the user
    form's rule: someone who teaches a class is not given the Pupils role."""
    from django.contrib.auth.models import Group as AuthGroup

    from schools.roles import AUTH_GROUP_NAMES, Role, roles_of

    pupils = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.PUPIL])
    other = UserFactory(username="newpupil", school=school)
    meta = teacher._meta
    url = reverse("wagtail_bulk_action", args=[meta.app_label, meta.model_name, "assign_role"])
    query = f"?next=/admin/users/&id={teacher.pk}&id={other.pk}"
    response = admin_client.post(url + query, {"role": pupils.pk}, follow=True)
    assert Role.PUPIL not in roles_of(type(teacher).objects.get(pk=teacher.pk))
    assert not pupils.user_set.filter(pk=other.pk).exists()
    assert (
        f"{teacher} teaches 8R (Class): pupils are members of a group, not its teachers. "
        "Change their place in it in Group memberships first."
    ) in response.content.decode()
    response = admin_client.post(f"{url}?next=/admin/users/&id={other.pk}", {"role": pupils.pk})
    assert response.status_code == 302
    assert pupils.user_set.filter(pk=other.pk).exists()


def _people_at(school, count, prefix):
    from schools.models import User

    User.objects.bulk_create(
        User(
            username=f"{prefix}-{i:05d}", first_name="Sam", last_name=f"{prefix}{i}", school=school
        )
        for i in range(count)
    )


def test_the_group_membership_form_does_not_list_everyone_in_the_trust(admin_client, klass):
    """The form named the person with a <select> of every account: for a trust of 10,000
    people, a page of megabytes. It offers a chooser instead, its size and queries the same
    however many people there are."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    other_school = SchoolFactory(name="Other Academy")

    def measure():
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get("/admin/schools/memberships/new/")
        assert response.status_code == 200
        return len(response.content), len(queries)

    _people_at(other_school, 5, "few")
    size_before, queries_before = measure()
    _people_at(other_school, 500, "many")
    size_after, queries_after = measure()
    assert queries_after == queries_before
    assert size_after - size_before < 100


def test_the_person_chooser_offers_the_groups_school_people(admin_client, client, klass, pupil):
    """Choosing the person for a membership lists the chosen group's school's people, a page
    at a time, and only to those who manage group memberships."""
    other_school = SchoolFactory(name="Other Academy")
    _people_at(other_school, 1, "elsewhere-person")
    url = reverse("person_chooser:choose")
    html = admin_client.get(url, {"group": klass.pk}).json()["html"]
    assert "pupil1" in html or str(pupil) in html
    assert "elsewhere-person-00000" not in html
    results = admin_client.get(
        reverse("person_chooser:choose_results"), {"group": klass.pk, "q": pupil.last_name}
    )
    assert str(pupil) in results.content.decode()
    chosen = admin_client.get(reverse("person_chooser:chosen", args=[pupil.pk])).json()
    assert chosen["result"]["title"] == str(pupil)

    editor_like = UserFactory(username="justanadmin", school=None, is_staff=True)
    from django.contrib.auth.models import Permission

    editor_like.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor_like)
    # Wagtail's admin answers a refusal with a redirect to the dashboard.
    assert client.get(url, {"group": klass.pk}).status_code in (302, 403)
    assert client.get(reverse("person_chooser:chosen", args=[pupil.pk])).status_code in (302, 403)


def test_deleting_a_school_says_its_data_protection_log_goes_with_it(admin_client):
    """A school with no people left still has its data protection log (who was erased, and
    where copies of their statements went) and its leavers' pseudonymised statements:
    deleting it deleted them without a word. The confirmation says what goes, and links to
    the log's download."""
    from records.models import DataProtectionEvent

    closing = School.objects.create(name="Closed Primary")
    GroupFactory(school=closing, name="Year 6", kind="year_group")
    for mis_id in ("A1", "A2"):
        DataProtectionEvent.objects.create(
            school=closing, kind="erased", via="command", role="Pupil", mis_id=mis_id
        )
    page = admin_client.get(reverse("school:delete", args=[closing.pk])).content.decode()
    assert "Deleting Closed Primary also deletes" in page
    assert "1 group (and its memberships, assignments and lessons)" in page
    assert "2 entries of its data protection log" in page
    csv_url = reverse("records:data_protection_csv") + f"?school={closing.pk}"
    assert f'href="{csv_url}"' in page
    assert admin_client.post(reverse("school:delete", args=[closing.pk])).status_code == 302
    assert not School.objects.filter(pk=closing.pk).exists()


def test_an_administrator_does_not_make_themselves_a_teacher_of_a_class(client, school, klass):
    """Someone given add and change membership at a school could put themselves in any
    class as its teacher, and so see its pupils by name, with nobody else involved. Only a
    superuser appoints themselves; others ask one, or the school's lead."""
    from django.contrib.auth.models import Permission

    # No role yet: a member of staff is refused as a class's Member anyway (Membership.clean).
    office = UserFactory(username="office1", school=school, is_staff=True, roles=[])
    office.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="schools",
            codename__in=["add_membership", "change_membership", "view_membership"],
        ),
    )
    client.force_login(office)
    response = client.post(
        "/admin/schools/memberships/new/", {"group": klass.pk, "user": office.pk, "role": "teacher"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["role"] == [
        "Only a superuser can make themselves a group's teacher: a teacher sees its pupils "
        "by name. Ask a superuser to do it."
    ]
    assert not klass.memberships.filter(user=office).exists()
    response = client.post(
        "/admin/schools/memberships/new/", {"group": klass.pk, "user": office.pk, "role": "member"}
    )
    assert response.status_code == 302
    membership = klass.memberships.get(user=office)
    response = client.post(
        f"/admin/schools/memberships/edit/{membership.pk}/",
        {"group": klass.pk, "user": office.pk, "role": "teacher"},
    )
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.role == "member"


def _move_form(pupil, school, mis_id):
    return {
        "username": pupil.username,
        "first_name": pupil.first_name,
        "last_name": pupil.last_name,
        "email": "",
        "school": school.pk,
        "mis_id": mis_id,
        "is_active": "on",
    }


@pytest.mark.parametrize("mis_id", ["A1234", ""])
def test_moving_an_imported_pupil_asks_for_their_mis_id_at_the_new_school(
    admin_client, school, pupil, mis_id
):
    """The new school's import finds pupils by MIS id only, and the move clears the old
    school's: moved without one, the pupil would be given a second account there."""
    pupil.mis_id = "A1234"
    pupil.save()
    new_school = SchoolFactory(name="New Academy")
    url = f"/admin/schools/people/edit/{pupil.pk}/"
    response = admin_client.post(url, _move_form(pupil, new_school, mis_id))
    assert response.status_code == 200
    assert "Give their MIS id at New Academy" in response.content.decode()
    pupil.refresh_from_db()
    assert (pupil.school, pupil.mis_id) == (school, "A1234")

    response = admin_client.post(
        f"/admin/users/edit/{pupil.pk}/",
        {
            **_move_form(pupil, new_school, mis_id),
            "email": "pupil@school.invalid",
            "groups": list(pupil.groups.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 200
    assert "Give their MIS id at New Academy" in response.content.decode()
    pupil.refresh_from_db()
    assert pupil.school == school


def test_a_pupil_moved_with_their_new_mis_id_is_found_by_the_new_schools_import(
    admin_client, school, pupil
):
    from schools.models import User
    from schools.roster import Kind, roster_parse
    from schools.services import roster_import

    pupil.mis_id = "A1234"
    pupil.save()
    new_school = SchoolFactory(name="New Academy")
    response = admin_client.post(
        f"/admin/schools/people/edit/{pupil.pk}/", _move_form(pupil, new_school, "N77")
    )
    assert response.status_code == 302
    data = f"Adno,Forename,Surname\r\nN77,{pupil.first_name},{pupil.last_name}\r\n"
    result = roster_import(
        school=new_school,
        kind=Kind.PUPILS,
        parsed=roster_parse(data.encode(), kind=Kind.PUPILS),
    )
    assert (result.created, result.unchanged) == (0, 1)
    assert list(User.objects.filter(school=new_school)) == [pupil]


def test_a_pupil_is_not_made_a_member_of_a_staff_team(admin_client, school, pupil, teacher):
    """Group memberships took a pupil as a Member of "Teaching staff (Staff team)": they were
    then given its staff courses and counted overdue in staff completion, and a member of
    staff put in a class as a Member was counted as one of its pupils. The roster import
    refuses both (pupils' staff_team column; staff in a class are its teachers)."""
    team = GroupFactory(school=school, name="Teaching staff", kind=Group.Kind.STAFF_TEAM)
    response = admin_client.post(
        "/admin/schools/memberships/new/",
        {"group": team.pk, "user": pupil.pk, "role": "member"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["user"] == [
        f"{pupil} is a pupil: a staff team is for staff."
    ]
    assert not team.memberships.exists()

    other_class = GroupFactory(school=school, name="9Q")
    response = admin_client.post(
        "/admin/schools/memberships/new/",
        {"group": other_class.pk, "user": teacher.pk, "role": "member"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["role"] == [
        f"{teacher} is staff: staff are a class's or year group's teachers, not its members."
    ]
    assert not other_class.memberships.exists()

    for group, person, role in [(team, teacher, "member"), (other_class, teacher, "teacher")]:
        response = admin_client.post(
            "/admin/schools/memberships/new/",
            {"group": group.pk, "user": person.pk, "role": role},
        )
        assert response.status_code == 302


def test_a_class_with_pupils_is_not_made_a_staff_team(admin_client, school, klass, pupil):
    """Changing 8R's kind to "Staff team" in Groups made its pupils members of a staff team,
    which Group memberships refuses: they were given its staff courses. The other way round,
    a staff team made a class had its staff counted as the class's pupils."""
    response = admin_client.post(
        f"/admin/schools/groups/edit/{klass.pk}/",
        {"school": school.pk, "name": klass.name, "kind": Group.Kind.STAFF_TEAM},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["kind"] == [
        f"It cannot be a staff team: {pupil} is a pupil in it. Take them out of it first "
        "(Group memberships)."
    ]
    klass.refresh_from_db()
    assert klass.kind == Group.Kind.CLASS

    from schools.models import Membership
    from schools.roles import Role

    team = GroupFactory(school=school, name="Pastoral", kind=Group.Kind.STAFF_TEAM)
    staff = UserFactory(username="staff9", school=school, roles=[Role.STAFF])
    Membership.objects.create(group=team, user=staff)
    response = admin_client.post(
        f"/admin/schools/groups/edit/{team.pk}/",
        {"school": school.pk, "name": team.name, "kind": Group.Kind.CLASS},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["kind"] == [
        f"It cannot be a class: {staff} is a member of staff in it. Take them out of it or "
        "make them its teacher first (Group memberships)."
    ]
    team.refresh_from_db()
    assert team.kind == Group.Kind.STAFF_TEAM

    # A class becomes a year group with its pupils, as it may.
    response = admin_client.post(
        f"/admin/schools/groups/edit/{klass.pk}/",
        {"school": school.pk, "name": klass.name, "kind": Group.Kind.YEAR_GROUP},
    )
    assert response.status_code == 302
    klass.refresh_from_db()
    assert klass.kind == Group.Kind.YEAR_GROUP


def test_a_member_of_a_staff_team_is_not_made_a_pupil(admin_client, school):
    """Someone put in "Teaching staff (Staff team)" before they had a role, then ticked
    "Pupils" in Settings -> Users, or given it with the bulk "Assign role", was a pupil in a
    staff team (given its staff courses), which Group memberships refuses."""
    from django.contrib.auth.models import Group as AuthGroup

    from schools.models import Membership
    from schools.roles import AUTH_GROUP_NAMES, Role, roles_of

    team = GroupFactory(school=school, name="Teaching staff", kind=Group.Kind.STAFF_TEAM)
    person = UserFactory(
        username="newcomer",
        email="nia@school.invalid",
        school=school,
        first_name="Nia",
        last_name="New",
    )
    Membership.objects.create(group=team, user=person)
    pupils = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.PUPIL])
    refusal = (
        f"{person} is a member of Teaching staff (Staff team): pupils are in no staff team. "
        "Take them out of it in Group memberships first."
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


@pytest.mark.parametrize("tampered", ["abc", "1.5", "\x00"])
def test_a_membership_form_with_a_tampered_person_is_refused_not_a_server_error(
    admin_client, klass, tampered
):
    """The person chooser showed the form again by looking up the id sent as it was: one
    that is not a number was a server error, where the form should be shown again."""
    admin_client.raise_request_exception = False
    response = admin_client.post(
        "/admin/schools/memberships/new/",
        {"group": klass.pk, "user": tampered, "role": "member"},
    )
    assert response.status_code == 200
    assert "error-message" in response.content.decode()
    assert not klass.memberships.exists()


def test_deleting_a_school_says_its_lrs_clients_and_forwarding_targets_go_with_it(admin_client):
    """A school's LRS clients (the credentials its tools use) and the targets its statements
    are forwarded to, with what waits to be sent to them, were deleted with it unsaid."""
    from xapi.models import ForwardingTarget, LrsClient

    closing = School.objects.create(name="Closed Primary")
    client = LrsClient(name="Tool", school=closing)
    client.issue_secret()
    client.save()
    ForwardingTarget.objects.create(
        name="Trust LRS", school=closing, endpoint="https://lrs.example.org/xAPI/"
    )
    page = admin_client.get(reverse("school:delete", args=[closing.pk])).content.decode()
    assert "Deleting Closed Primary also deletes" in page
    assert "1 LRS client (its tools can no longer use the LRS)" in page
    assert "1 forwarding target (and the statements waiting to be sent to it)" in page


@pytest.mark.parametrize("group", ["²", "٣", "9" * 30])
def test_the_person_chooser_with_a_group_that_is_no_id_is_not_a_server_error(
    admin_client, klass, pupil, group
):
    """The chooser took any digits for a group's id, "²" among them: a server error."""
    admin_client.raise_request_exception = False
    for name in ("person_chooser:choose", "person_chooser:choose_results"):
        response = admin_client.get(reverse(name), {"group": group})
        assert response.status_code == 200


def test_the_users_screen_filtered_by_a_group_id_too_big_for_the_database_is_no_server_error(
    admin_client, pupil
):
    """Settings -> Users with `?group=` and an id longer than the database's numbers (a
    hand-edited or mangled link) was a server error; now it is the list with the filter
    refused, as for any other unknown group."""
    admin_client.raise_request_exception = False
    url = reverse("wagtailusers_users:index")
    response = admin_client.get(url, {"group": "9" * 30})
    assert response.status_code == 200
    assert pupil in response.context["object_list"]


def test_the_users_screen_still_filters_by_a_role(admin_client, pupil, teacher):
    from django.contrib.auth.models import Group as Role

    pupils = Role.objects.get(name="Pupils")
    url = reverse("wagtailusers_users:index")
    listed = admin_client.get(url, {"group": pupils.pk}).context["object_list"]
    assert pupil in listed
    assert teacher not in listed
