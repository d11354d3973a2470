"""An administrator given only some permissions cannot take over a superuser's account or
make anyone a superuser (Schools -> People and Wagtail's own Users screens)."""

import pytest
from django.contrib.auth.models import Permission

from tests.factories import UserFactory

NEW_PASSWORD = "taken-over-pass-987"


@pytest.fixture
def superuser(db):
    return UserFactory(
        username="root", school=None, email="root@trust.invalid", is_superuser=True, is_staff=True
    )


@pytest.fixture
def people_admin(client, db):
    """A trust administrator who manages people, and nothing more."""
    user = UserFactory(username="peopleadmin", school=None, is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(content_type__app_label="schools", codename="change_user"),
        Permission.objects.get(content_type__app_label="schools", codename="add_user"),
    )
    client.force_login(user)
    return user


def test_people_screen_refuses_to_change_a_superusers_email(client, people_admin, superuser):
    response = client.post(
        f"/admin/schools/people/edit/{superuser.pk}/",
        {
            "username": "root",
            "first_name": "Root",
            "last_name": "User",
            "email": "attacker@evil.invalid",
            "school": "",
            "mis_id": "",
            "is_active": "on",
        },
    )
    assert response.status_code in (302, 403)
    superuser.refresh_from_db()
    assert superuser.email == "root@trust.invalid"


def test_users_screen_refuses_to_change_a_superusers_password(client, people_admin, superuser):
    response = client.post(
        f"/admin/users/edit/{superuser.pk}/",
        {
            "username": "root",
            "email": "attacker@evil.invalid",
            "first_name": "Root",
            "last_name": "User",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "is_active": "on",
            "is_superuser": "on",
        },
    )
    assert response.status_code in (302, 403)
    superuser.refresh_from_db()
    assert superuser.email == "root@trust.invalid"
    assert not superuser.check_password(NEW_PASSWORD)


def test_an_administrator_who_is_not_a_superuser_cannot_make_a_superuser(client, people_admin):
    accomplice = UserFactory(username="accomplice", school=None)
    client.post(
        f"/admin/users/edit/{accomplice.pk}/",
        {
            "username": "accomplice",
            "email": "accomplice@trust.invalid",
            "first_name": "A",
            "last_name": "B",
            "is_active": "on",
            "is_superuser": "on",
        },
    )
    client.post(
        "/admin/users/new/",
        {
            "username": "newroot",
            "email": "newroot@trust.invalid",
            "first_name": "New",
            "last_name": "Root",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "is_superuser": "on",
        },
    )
    accomplice.refresh_from_db()
    assert not accomplice.is_superuser
    assert not UserFactory._meta.model.objects.filter(
        username="newroot", is_superuser=True
    ).exists()


def test_the_administrator_still_changes_other_peoples_details(client, people_admin, school):
    teacher = UserFactory(username="teacher9", school=school, email="old@school.invalid")
    response = client.post(
        f"/admin/schools/people/edit/{teacher.pk}/",
        {
            "username": "teacher9",
            "first_name": "T",
            "last_name": "Nine",
            "email": "new@school.invalid",
            "school": school.pk,
            "mis_id": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.email == "new@school.invalid"


def _wagtail_user_form(person, groups):
    return {
        "username": person.username,
        "email": person.email or "someone@trust.invalid",
        "first_name": person.first_name or "Some",
        "last_name": person.last_name or "One",
        "is_active": "on",
        "groups": [group.pk for group in groups],
    }


def test_an_administrator_cannot_give_themselves_a_role_they_do_not_hold(client, people_admin):
    """Ticking "Safeguarding leads" for yourself in Settings -> Users would give you every
    pupil's safeguarding dashboard."""
    from django.contrib.auth.models import Group as AuthGroup

    from schools.roles import AUTH_GROUP_NAMES, Role, roles_sync

    roles_sync()
    leads = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.SAFEGUARDING_LEAD])
    response = client.post(
        f"/admin/users/edit/{people_admin.pk}/", _wagtail_user_form(people_admin, [leads])
    )
    assert response.status_code == 200
    assert not people_admin.groups.filter(pk=leads.pk).exists()
    page = response.content.decode()
    assert (
        "Only a superuser, or someone who holds the same permissions, can give these roles: "
        "Safeguarding leads." in page
    )


def test_an_administrator_cannot_give_an_accomplice_more_permissions(client, people_admin):
    from django.contrib.auth.models import Group as AuthGroup

    powerful = AuthGroup.objects.create(name="Trust IT")
    powerful.permissions.add(Permission.objects.get(codename="change_lrsclient"))
    accomplice = UserFactory(username="accomplice", school=None)
    client.post(f"/admin/users/edit/{accomplice.pk}/", _wagtail_user_form(accomplice, [powerful]))
    client.post(
        "/admin/users/new/",
        {
            **_wagtail_user_form(accomplice, [powerful]),
            "username": "newcomer",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert not powerful.user_set.exists()


def test_an_administrator_still_gives_roles_within_their_own_permissions(client, people_admin):
    from django.contrib.auth.models import Group as AuthGroup

    from schools.roles import AUTH_GROUP_NAMES, Role, roles_sync

    roles_sync()
    staff = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.STAFF])
    leads = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.SAFEGUARDING_LEAD])
    people_admin.groups.add(leads)
    person = UserFactory(username="newlead", school=None)
    response = client.post(
        f"/admin/users/edit/{person.pk}/", _wagtail_user_form(person, [staff, leads])
    )
    assert response.status_code == 302
    assert set(person.groups.all()) == {staff, leads}


def test_an_administrator_cannot_deactivate_their_own_account_in_people(client, people_admin):
    """Unticking "Active" on yourself locks you out; Wagtail's Users screen leaves it off the
    form when you edit yourself, and so does People."""
    url = f"/admin/schools/people/edit/{people_admin.pk}/"
    assert 'name="is_active"' not in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "username": people_admin.username,
            "first_name": "Pat",
            "last_name": "Admin",
            "email": people_admin.email,
            "school": "",
            "mis_id": "",
        },
    )
    assert response.status_code == 302
    people_admin.refresh_from_db()
    assert people_admin.is_active
    assert people_admin.first_name == "Pat"


def test_an_administrator_cannot_give_themselves_a_role_with_the_bulk_action(client, people_admin):
    """Settings -> Users' "Assign role" for several people at once is held to the same
    rule as the user form."""
    from django.contrib.auth.models import Group as AuthGroup
    from django.urls import reverse

    from schools.roles import AUTH_GROUP_NAMES, Role, roles_sync

    roles_sync()
    leads = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.SAFEGUARDING_LEAD])
    pupils = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.PUPIL])
    other = UserFactory(username="otherperson", school=None)
    meta = people_admin._meta
    url = reverse("wagtail_bulk_action", args=[meta.app_label, meta.model_name, "assign_role"])
    query = f"?next=/admin/users/&id={people_admin.pk}&id={other.pk}"
    response = client.post(url + query, {"role": leads.pk}, follow=True)
    assert not leads.user_set.exists()
    assert (
        "Only a superuser, or someone who holds the same permissions, can give these roles: "
        "Safeguarding leads."
    ) in response.content.decode()
    assert client.post(url + query, {"role": pupils.pk}).status_code == 302
    assert set(pupils.user_set.all()) == {people_admin, other}


def test_an_administrator_cannot_deactivate_a_superuser_with_the_bulk_action(
    client, people_admin, superuser
):
    """Only a superuser changes a superuser: "Set active state" for several people at once
    in Settings -> Users would otherwise lock the trust's superuser out."""
    from django.urls import reverse

    other = UserFactory(username="otherperson", school=None)
    meta = people_admin._meta
    url = reverse("wagtail_bulk_action", args=[meta.app_label, meta.model_name, "set_active_state"])
    query = f"?next=/admin/users/&id={superuser.pk}&id={other.pk}"
    response = client.post(url + query, {"mark_as_active": "False"}, follow=True)
    superuser.refresh_from_db()
    other.refresh_from_db()
    assert superuser.is_active and other.is_active
    refusal = (
        f"Only a superuser can change a superuser&#x27;s account: {superuser.get_full_name()}."
    )
    assert refusal in response.content.decode()


def test_a_refused_role_is_shown_on_the_form_with_what_was_typed(client, people_admin):
    """A refusal re-shows the form, the reason under "Roles" and the other changes still
    filled in, rather than sending the administrator back to a blank page."""
    from django.contrib.auth.models import Group as AuthGroup

    from schools.roles import AUTH_GROUP_NAMES, Role, roles_sync

    roles_sync()
    leads = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.SAFEGUARDING_LEAD])
    person = UserFactory(username="newstaff", school=None, first_name="Old")
    form = {**_wagtail_user_form(person, [leads]), "first_name": "Priyanka"}
    response = client.post(f"/admin/users/edit/{person.pk}/", form)
    assert response.status_code == 200
    assert response.context["form"].errors["groups"] == [
        "Only a superuser, or someone who holds the same permissions, can give these roles: "
        "Safeguarding leads."
    ]
    assert response.context["form"]["first_name"].value() == "Priyanka"
    person.refresh_from_db()
    assert person.first_name == "Old"
    assert not person.groups.exists()


def test_the_administrator_box_is_shown_only_to_superusers(client, people_admin, superuser):
    """Settings -> Users showed everyone an "Administrator" (superuser) box that only a
    superuser may tick: others see no such box, and a tick sent anyway is ignored."""
    accomplice = UserFactory(username="accomplice", school=None)
    for url in ("/admin/users/new/", f"/admin/users/edit/{accomplice.pk}/"):
        page = client.get(url).content.decode()
        assert 'name="username"' in page
        assert 'name="is_superuser"' not in page
    response = client.post(
        "/admin/users/new/",
        {
            "username": "newcomer",
            "email": "newcomer@trust.invalid",
            "first_name": "New",
            "last_name": "Comer",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302
    assert not UserFactory._meta.model.objects.get(username="newcomer").is_superuser
    client.force_login(superuser)
    for url in ("/admin/users/new/", f"/admin/users/edit/{accomplice.pk}/"):
        assert 'name="is_superuser"' in client.get(url).content.decode()


REACH_REFUSAL = (
    "Only a superuser, or someone who holds all of this person's permissions, can change "
    "their password or email address."
)


def test_an_administrator_cannot_set_the_password_of_a_safeguarding_lead(
    client, people_admin, safeguarding_lead
):
    """Signing in as the lead with a password you chose gives you every pupil's
    safeguarding dashboard: the same escalation as ticking "Safeguarding leads" yourself."""
    form = {
        **_wagtail_user_form(safeguarding_lead, safeguarding_lead.groups.all()),
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    response = client.post(f"/admin/users/edit/{safeguarding_lead.pk}/", form)
    assert response.status_code == 200
    assert response.context["form"].errors["password1"] == [REACH_REFUSAL]
    safeguarding_lead.refresh_from_db()
    assert not safeguarding_lead.check_password(NEW_PASSWORD)


def test_an_administrator_cannot_redirect_a_safeguarding_leads_email(
    client, people_admin, safeguarding_lead
):
    """A new address would receive the lead's "reset your password" email."""
    response = client.post(
        f"/admin/schools/people/edit/{safeguarding_lead.pk}/",
        {
            "username": safeguarding_lead.username,
            "first_name": safeguarding_lead.first_name,
            "last_name": safeguarding_lead.last_name,
            "email": "attacker@evil.invalid",
            "school": safeguarding_lead.school_id,
            "mis_id": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [REACH_REFUSAL]
    safeguarding_lead.refresh_from_db()
    assert safeguarding_lead.email == "dsl1@school.invalid"


def test_an_administrator_still_sets_a_pupils_password(client, people_admin, pupil):
    form = {
        **_wagtail_user_form(pupil, pupil.groups.all()),
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    response = client.post(f"/admin/users/edit/{pupil.pk}/", form)
    assert response.status_code == 302
    pupil.refresh_from_db()
    assert pupil.check_password(NEW_PASSWORD)


def _group_form(group, permissions, **panels):
    """Settings -> Groups' form: name, model permissions and the permission panels (none
    unless given, as {prefix: [form data, ...]})."""
    data = {"name": group.name, "permissions": [perm.pk for perm in permissions]}
    for prefix in ["page_permissions", "document_permissions", "image_permissions"]:
        rows = panels.get(prefix, [])
        data |= {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0}
        for i, row in enumerate(rows):
            data |= {f"{prefix}-{i}-{key}": value for key, value in row.items()}
    data |= {"collection_permissions-TOTAL_FORMS": 0, "collection_permissions-INITIAL_FORMS": 0}
    return data


@pytest.fixture
def group_admin(client, people_admin):
    """The people administrator, whose permissions come from a group they may edit."""
    from django.contrib.auth.models import Group as AuthGroup

    group = AuthGroup.objects.create(name="Trust administrators")
    group.permissions.set(
        [
            *people_admin.user_permissions.all(),
            Permission.objects.get(content_type__app_label="auth", codename="change_group"),
        ]
    )
    people_admin.user_permissions.clear()
    people_admin.groups.add(group)
    return group


def test_an_administrator_cannot_give_their_own_group_more_permissions(
    client, people_admin, group_admin
):
    """ "Change group" on your own group would give you anything, the safeguarding dashboard
    included: only permissions you hold can be given."""
    dashboard = Permission.objects.get(codename="view_safeguarding_dashboard")
    wanted = [*group_admin.permissions.all(), dashboard]
    response = client.post(
        f"/admin/groups/edit/{group_admin.pk}/", _group_form(group_admin, wanted)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["permissions"] == [
        "Only a superuser, or someone who holds them, can give these permissions: "
        "Can see the school's safeguarding dashboard."
    ]
    assert not group_admin.permissions.filter(pk=dashboard.pk).exists()
    people_admin = type(people_admin).objects.get(pk=people_admin.pk)
    assert not people_admin.has_perm("schools.view_safeguarding_dashboard")


def test_an_administrator_cannot_give_a_group_permissions_over_pages(
    client, people_admin, group_admin
):
    from wagtail.models import Page

    response = client.post(
        f"/admin/groups/edit/{group_admin.pk}/",
        _group_form(
            group_admin,
            group_admin.permissions.all(),
            page_permissions=[
                {"page": Page.get_first_root_node().pk, "permissions": ["publish_page"]}
            ],
        ),
    )
    assert response.status_code == 200
    assert (
        "Only a superuser can change a group&#x27;s permissions over pages, images, documents "
        "or collections."
    ) in response.content.decode()
    assert not group_admin.page_permissions.exists()


def test_an_administrator_still_renames_a_group_and_gives_what_they_hold(
    client, people_admin, group_admin
):
    from django.contrib.auth.models import Group as AuthGroup

    office = AuthGroup.objects.create(name="Office")
    change_user = Permission.objects.get(content_type__app_label="schools", codename="change_user")
    office.name = "School office"
    response = client.post(f"/admin/groups/edit/{office.pk}/", _group_form(office, [change_user]))
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.name == "School office"
    assert list(office.permissions.all()) == [change_user]


def _form_data(html):
    """The values a browser would send for the first form with a "name" field in `html`."""
    from html.parser import HTMLParser

    class Inputs(HTMLParser):
        def __init__(self):
            super().__init__()
            self.data, self.select = {}, None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            name = attrs.get("name")
            if tag == "input" and name and name != "csrfmiddlewaretoken":
                ticked = attrs.get("type") in ("checkbox", "radio")
                if ticked and "checked" not in attrs:
                    return
                self.data.setdefault(name, []).append(attrs.get("value", "on" if ticked else ""))
            elif tag == "select":
                self.select = name
            elif tag == "option" and self.select and "selected" in attrs:
                self.data.setdefault(self.select, []).append(attrs.get("value"))

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None

    parser = Inputs()
    parser.feed(html)
    return parser.data


def test_an_administrator_still_renames_a_group_with_page_permissions(
    client, people_admin, group_admin
):
    """Sending the page permissions back as they were is not a change."""
    from django.contrib.auth.models import Group as AuthGroup
    from wagtail.models import GroupPagePermission, Page

    newsletter = AuthGroup.objects.create(name="Newsletter")
    newsletter.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=newsletter,
        page=Page.get_first_root_node(),
        permission=Permission.objects.get(codename="publish_page"),
    )
    url = f"/admin/groups/edit/{newsletter.pk}/"
    data = _form_data(client.get(url).content.decode())
    data["name"] = ["Newsletter team"]
    response = client.post(url, data)
    assert response.status_code == 302
    newsletter.refresh_from_db()
    assert newsletter.name == "Newsletter team"
    assert newsletter.page_permissions.get().permission.codename == "publish_page"


MOVE_REFUSAL = (
    "Only a superuser, or someone who holds all of this person's permissions, can move them "
    "to another school."
)


def _people_form(person, **changes):
    return {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "school": person.school_id,
        "mis_id": "",
        "is_active": "on",
        **changes,
    }


def _edit_form(screen, person, groups, **changes):
    """The edit page of the person on one of the two screens that edit people (Settings ->
    Users, or Schools -> People), and its form as posted with these changes."""
    if screen == "users":
        form = {**_wagtail_user_form(person, groups), "school": person.school_id, **changes}
        return f"/admin/users/edit/{person.pk}/", form
    return f"/admin/schools/people/edit/{person.pk}/", _people_form(person, **changes)


@pytest.mark.parametrize("screen", ["users", "people"])
def test_an_administrator_cannot_move_a_safeguarding_lead_to_another_school(
    client, people_admin, safeguarding_lead, screen
):
    """A lead sees the safeguarding dashboard of their own school's pupils: moved to another
    school, they would see its pupils' instead. That makes them that school's lead, which the
    administrator may not do by ticking the role (nor for a lead they sign in as)."""
    from tests.factories import SchoolFactory

    other = SchoolFactory(name="Another school")
    url, form = _edit_form(
        screen, safeguarding_lead, safeguarding_lead.groups.all(), school=other.pk
    )
    response = client.post(url, form)
    assert response.status_code == 200
    assert response.context["form"].errors["school"] == [MOVE_REFUSAL]
    safeguarding_lead.refresh_from_db()
    assert safeguarding_lead.school_id != other.pk


@pytest.mark.parametrize("screen", ["users", "people"])
def test_an_administrator_still_moves_someone_within_their_reach_to_another_school(
    client, people_admin, school, screen
):
    from tests.factories import SchoolFactory

    teacher = UserFactory(username="moving", school=school)
    other = SchoolFactory(name="Another school")
    url, form = _edit_form(screen, teacher, [], school=other.pk)
    assert client.post(url, form).status_code == 302
    teacher.refresh_from_db()
    assert teacher.school_id == other.pk


ACCOUNT_REFUSAL = (
    "Only a superuser, or someone who holds all of this person's permissions, can deactivate "
    "them or change their username."
)


@pytest.mark.parametrize("screen", ["users", "people"])
@pytest.mark.parametrize(
    "field, change",
    [("is_active", {"is_active": ""}), ("username", {"username": "renamed-lead"})],
)
def test_an_administrator_cannot_deactivate_or_rename_a_safeguarding_lead(
    client, people_admin, safeguarding_lead, screen, field, change
):
    """Unticking the lead's "Active" box, or changing the username they sign in with, would
    lock the school's lead out of its safeguarding dashboard: someone who may not make anyone
    a lead may not unmake one this way either."""
    url, form = _edit_form(screen, safeguarding_lead, safeguarding_lead.groups.all(), **change)
    form = {key: value for key, value in form.items() if value != ""}
    response = client.post(url, form)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [ACCOUNT_REFUSAL]
    safeguarding_lead.refresh_from_db()
    assert safeguarding_lead.is_active
    assert safeguarding_lead.username != "renamed-lead"


@pytest.mark.parametrize("screen", ["users", "people"])
def test_an_administrator_still_deactivates_and_renames_someone_within_their_reach(
    client, people_admin, school, screen
):
    teacher = UserFactory(username="leaving", school=school, email="leaving@school.invalid")
    url, form = _edit_form(screen, teacher, [])
    form = {**form, "username": "left"}
    del form["is_active"]
    assert client.post(url, form).status_code == 302
    teacher.refresh_from_db()
    assert teacher.username == "left"
    assert not teacher.is_active


def test_an_administrator_cannot_deactivate_a_safeguarding_lead_with_the_bulk_action(
    client, people_admin, safeguarding_lead
):
    """ "Set active state" for several people at once is held to the same rule as the
    user form."""
    from django.urls import reverse

    other = UserFactory(username="otherperson", school=None)
    meta = people_admin._meta
    url = reverse("wagtail_bulk_action", args=[meta.app_label, meta.model_name, "set_active_state"])
    query = f"?next=/admin/users/&id={safeguarding_lead.pk}&id={other.pk}"
    response = client.post(url + query, {"mark_as_active": "False"}, follow=True)
    safeguarding_lead.refresh_from_db()
    other.refresh_from_db()
    assert safeguarding_lead.is_active and other.is_active
    assert "can deactivate or reactivate:" in response.content.decode()
    response = client.post(f"{url}?next=/admin/users/&id={other.pk}", {"mark_as_active": "False"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert not other.is_active


@pytest.fixture
def deleting_admin(people_admin):
    """The people administrator, who may also delete people."""
    people_admin.user_permissions.add(
        Permission.objects.get(content_type__app_label="schools", codename="delete_user")
    )
    return people_admin


@pytest.mark.parametrize("screen", ["users", "people"])
def test_an_administrator_cannot_delete_a_safeguarding_lead(
    client, deleting_admin, safeguarding_lead, screen
):
    """Deleting the lead erases their account and training records: someone who may not
    make anyone a lead may not do that to one either."""
    url = (
        f"/admin/users/delete/{safeguarding_lead.pk}/"
        if screen == "users"
        else f"/admin/schools/people/delete/{safeguarding_lead.pk}/"
    )
    assert client.get(url).status_code in (302, 403)
    assert client.post(url).status_code in (302, 403)
    assert UserFactory._meta.model.objects.filter(pk=safeguarding_lead.pk).exists()


@pytest.mark.parametrize("screen", ["users", "people"])
def test_an_administrator_still_deletes_someone_within_their_reach(
    client, deleting_admin, school, screen
):
    teacher = UserFactory(username="leaving", school=school)
    url = (
        f"/admin/users/delete/{teacher.pk}/"
        if screen == "users"
        else f"/admin/schools/people/delete/{teacher.pk}/"
    )
    assert client.post(url).status_code == 302
    assert not UserFactory._meta.model.objects.filter(pk=teacher.pk).exists()


def test_an_administrator_cannot_delete_a_safeguarding_lead_with_the_bulk_action(
    client, deleting_admin, safeguarding_lead
):
    """Deleting several people at once in Settings -> Users is held to the same rule, and
    erases none of them when it refuses."""
    from django.urls import reverse

    other = UserFactory(username="otherperson", school=safeguarding_lead.school)
    meta = deleting_admin._meta
    url = reverse("wagtail_bulk_action", args=[meta.app_label, meta.model_name, "delete"])
    query = f"?next=/admin/users/&id={safeguarding_lead.pk}&id={other.pk}"
    client.post(url + query)
    people = UserFactory._meta.model.objects
    assert people.filter(pk__in=[safeguarding_lead.pk, other.pk]).count() == 2
    assert not safeguarding_lead.school.data_protection_events.exists()


def test_an_administrator_cannot_take_the_safeguarding_lead_role_away(
    client, people_admin, safeguarding_lead
):
    """Unticking "Safeguarding leads" leaves the school without its dashboard: only someone
    who may give the role takes it away."""
    from schools.roles import AUTH_GROUP_NAMES, Role

    staff_only = safeguarding_lead.groups.filter(name=AUTH_GROUP_NAMES[Role.STAFF])
    form = {
        **_wagtail_user_form(safeguarding_lead, staff_only),
        "school": safeguarding_lead.school_id,
    }
    response = client.post(f"/admin/users/edit/{safeguarding_lead.pk}/", form)
    assert response.status_code == 200
    assert response.context["form"].errors["groups"] == [
        "Only a superuser, or someone who holds the same permissions, can take away these "
        "roles: Safeguarding leads."
    ]
    assert safeguarding_lead.groups.filter(name=AUTH_GROUP_NAMES[Role.SAFEGUARDING_LEAD]).exists()


def test_an_administrator_still_takes_away_a_role_within_their_reach(client, people_admin, pupil):
    form = {**_wagtail_user_form(pupil, []), "school": pupil.school_id}
    assert client.post(f"/admin/users/edit/{pupil.pk}/", form).status_code == 302
    assert not pupil.groups.exists()


def test_an_administrator_cannot_take_the_dashboard_away_from_the_safeguarding_leads(
    client, people_admin, group_admin, safeguarding_lead
):
    """Unticking a permission of the Safeguarding leads group takes it from every lead:
    only someone who could give it takes it away."""
    from django.contrib.auth.models import Group as AuthGroup

    from schools.roles import AUTH_GROUP_NAMES, Role

    leads = AuthGroup.objects.get(name=AUTH_GROUP_NAMES[Role.SAFEGUARDING_LEAD])
    dashboard = Permission.objects.get(codename="view_safeguarding_dashboard")
    assert leads.permissions.filter(pk=dashboard.pk).exists()
    kept = leads.permissions.exclude(pk=dashboard.pk)
    response = client.post(f"/admin/groups/edit/{leads.pk}/", _group_form(leads, kept))
    assert response.status_code == 200
    assert response.context["form"].errors["permissions"] == [
        "Only a superuser, or someone who holds them, can take away these permissions: "
        "Can see the school's safeguarding dashboard."
    ]
    assert leads.permissions.filter(pk=dashboard.pk).exists()


def _hook_queries(hook, action_type, admin, people) -> int:
    """How many queries a Settings -> Users bulk action's `before_bulk_action` hook makes
    for `people`, `admin` acting."""
    from types import SimpleNamespace

    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    request = RequestFactory().post("/admin/bulk/")
    request.user = type(admin).objects.get(pk=admin.pk)  # no permissions cached yet
    objects = list(type(admin).objects.filter(pk__in=[p.pk for p in people]))
    with CaptureQueriesContext(connection) as queries:
        assert hook(request, action_type, objects, SimpleNamespace(model=type(admin))) is None
    return len(queries)


@pytest.mark.parametrize(
    ("hook", "action_type"),
    [
        ("refuse_to_set_active_state_in_bulk_beyond_reach", "set_active_state"),
        ("refuse_to_delete_in_bulk_beyond_reach", "delete"),
    ],
)
def test_bulk_actions_check_everyone_selected_in_a_fixed_number_of_queries(
    people_admin, school, hook, action_type
):
    """A trust administrator selecting a whole year group (a page of 100 people) in
    Settings -> Users waited while each person's roles and permissions were looked up one
    by one, some queries for every person."""
    from schools import wagtail_hooks
    from schools.roles import Role

    check = getattr(wagtail_hooks, hook)
    pupils = [UserFactory(school=school, roles=[Role.PUPIL]) for _ in range(6)]
    few = _hook_queries(check, action_type, people_admin, pupils[:2])
    assert _hook_queries(check, action_type, people_admin, pupils) == few


def test_an_administrator_cannot_delete_a_group_that_gives_more_than_they_hold(
    client, people_admin, group_admin
):
    """Deleting a group takes every permission it gives from each of its members, as
    unticking them all would: only someone who could give them may do it."""
    from django.contrib.auth.models import Group as AuthGroup

    group_admin.permissions.add(
        Permission.objects.get(content_type__app_label="auth", codename="delete_group")
    )
    officers = AuthGroup.objects.create(name="Data protection officers")
    officers.permissions.add(Permission.objects.get(codename="view_safeguarding_dashboard"))
    officer = UserFactory(username="officer", school=None)
    officer.groups.add(officers)

    response = client.post(f"/admin/groups/delete/{officers.pk}/")

    assert response.status_code in (302, 403)
    assert AuthGroup.objects.filter(pk=officers.pk).exists()
    officer = type(officer).objects.get(pk=officer.pk)
    assert officer.has_perm("schools.view_safeguarding_dashboard")


def test_an_administrator_still_deletes_a_group_that_gives_what_they_hold(
    client, people_admin, group_admin
):
    from django.contrib.auth.models import Group as AuthGroup

    group_admin.permissions.add(
        Permission.objects.get(content_type__app_label="auth", codename="delete_group")
    )
    helpers = AuthGroup.objects.create(name="People helpers")
    helpers.permissions.add(
        Permission.objects.get(content_type__app_label="schools", codename="change_user")
    )

    response = client.post(f"/admin/groups/delete/{helpers.pk}/")

    assert response.status_code == 302
    assert not AuthGroup.objects.filter(pk=helpers.pk).exists()


def test_an_administrator_cannot_join_a_workflow_approval_group_they_are_not_in(
    client, people_admin
):
    """A group that approves pages in a Wagtail workflow may hold no permissions at all, but
    its members edit and approve (and so publish) the pages waiting for it: an administrator
    who cannot publish must not tick it for themselves."""
    from django.contrib.auth.models import Group as AuthGroup
    from wagtail.models import GroupApprovalTask

    approvers = AuthGroup.objects.create(name="Course approvers")
    task = GroupApprovalTask.objects.create(name="Approve a course")
    task.groups.add(approvers)
    response = client.post(
        f"/admin/users/edit/{people_admin.pk}/", _wagtail_user_form(people_admin, [approvers])
    )
    assert response.status_code == 200
    assert not people_admin.groups.filter(pk=approvers.pk).exists()
    assert "can give these roles: Course approvers." in response.content.decode()


def test_a_workflow_approvers_email_is_beyond_an_administrator_outside_their_group(
    client, people_admin, school
):
    from django.contrib.auth.models import Group as AuthGroup
    from wagtail.models import GroupApprovalTask

    approvers = AuthGroup.objects.create(name="Course approvers")
    GroupApprovalTask.objects.create(name="Approve a course").groups.add(approvers)
    approver = UserFactory(username="approver", school=school, email="approver@school.invalid")
    approver.groups.add(approvers)
    client.post(
        f"/admin/schools/people/edit/{approver.pk}/",
        {
            "username": "approver",
            "first_name": "A",
            "last_name": "Prover",
            "email": "attacker@evil.invalid",
            "school": school.pk,
            "mis_id": "",
            "is_active": "on",
        },
    )
    approver.refresh_from_db()
    assert approver.email == "approver@school.invalid"


@pytest.mark.parametrize("screen", ["users", "people"])
def test_every_refused_change_to_a_safeguarding_lead_is_shown_at_once_on_either_screen(
    client, people_admin, safeguarding_lead, screen
):
    """Both screens name each refused field in their error summary together, so an
    administrator (or a screen reader user, who meets the errors one link at a time) does not
    fix one, save, and only then learn of the next."""
    url, form = _edit_form(
        screen,
        safeguarding_lead,
        safeguarding_lead.groups.all(),
        email="attacker@evil.invalid",
        username="renamed-lead",
    )
    response = client.post(url, form)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors.get("email") == [REACH_REFUSAL]
    assert errors.get("username") == [ACCOUNT_REFUSAL]


@pytest.mark.parametrize(
    "changes",
    [
        {"email": "taker@elsewhere.invalid"},
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    ],
)
def test_changing_ones_own_email_or_password_in_users_is_sent_to_account(
    client, superuser, changes
):
    """Account -> Email and Password ask for one's password, so that someone who finds an
    administrator still signed in on a shared computer cannot set an address of their own and
    take the account by resetting its password: Settings -> Users must not be a way round."""
    client.force_login(superuser)
    response = client.post(
        f"/admin/users/edit/{superuser.pk}/",
        {**_wagtail_user_form(superuser, []), "is_superuser": "on", **changes},
    )
    assert response.status_code == 200
    assert "Change your own email address and password in Account" in response.text
    superuser.refresh_from_db()
    assert superuser.email == "root@trust.invalid"
    assert not superuser.check_password(NEW_PASSWORD)


def test_changing_ones_own_email_in_people_is_sent_to_account(client, people_admin):
    response = client.post(
        f"/admin/schools/people/edit/{people_admin.pk}/",
        {
            "username": people_admin.username,
            "first_name": "People",
            "last_name": "Admin",
            "email": "taker@elsewhere.invalid",
            "school": "",
            "mis_id": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "Change your own email address and password in Account" in response.text
    people_admin.refresh_from_db()
    assert people_admin.email != "taker@elsewhere.invalid"
