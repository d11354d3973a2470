"""Importing a roster: services and the upload page, all-or-nothing and scoped to one school."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools.models import Group, Membership, User
from schools.roles import Role, roles_of
from schools.roster import Kind, roster_parse
from schools.services import RosterImportError, roster_import
from tests.factories import SchoolFactory, UserFactory

URL = reverse("schools:roster_import")

PUPILS = (
    "mis_id,first_name,last_name,class,year_group\r\n"
    "A1,Priya,Patel,8R,Year 8\r\n"
    "A2,Sam,Jones,8R,Year 8\r\n"
    "A3,Priya,Price,8S,Year 8\r\n"
)


def run_import(school, text: str, kind: str = Kind.PUPILS):
    return roster_import(school=school, kind=kind, parsed=roster_parse(text.encode(), kind=kind))


def upload(client, text: str | bytes, *, kind: str = Kind.PUPILS, name: str = "roster.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(URL, {"kind": kind, "file": SimpleUploadedFile(name, data, "text/csv")})


# The service ------------------------------------------------------------------------------


def test_importing_pupils_creates_them_with_usernames_roles_and_groups(school):
    result = run_import(school, PUPILS)
    assert (result.created, result.updated) == (3, 0)
    people = {u.mis_id: u for u in User.objects.filter(school=school)}
    assert [people[m].username for m in ("A1", "A2", "A3")] == ["priyap", "samj", "priyap2"]
    assert all(roles_of(u) == {Role.PUPIL} for u in people.values())
    klass = Group.objects.get(school=school, kind=Group.Kind.CLASS, name="8R")
    assert set(klass.members.values_list("mis_id", flat=True)) == {"A1", "A2"}
    year = Group.objects.get(school=school, kind=Group.Kind.YEAR_GROUP, name="Year 8")
    assert year.memberships.filter(role=Membership.Role.MEMBER).count() == 3
    assert sorted(result.groups_created) == ["8R (Class)", "8S (Class)", "Year 8 (Year group)"]


def test_each_new_pupil_gets_a_password_that_signs_them_in(school):
    result = run_import(school, PUPILS)
    assert len(result.logins) == 3
    login = next(item for item in result.logins if item.name == "Sam Jones")
    assert login.sheet_group == "8R"
    user = User.objects.get(username=login.username)
    assert user.password.startswith("pbkdf2_generated$")
    assert login.password not in user.password
    assert user.check_password(login.password)


def test_login_sheets_list_pupils_by_surname_and_classes_in_year_order(school):
    result = run_import(
        school,
        "mis_id,first_name,last_name,class\r\n"
        "A1,Amy,Young,7B\r\n"
        "A2,Zac,Adams,7B\r\n"
        "A3,Bea,de Souza,7B\r\n"
        "A4,Cal,Brown,10A\r\n",
    )
    sheets = [
        (group, [login.name for login in logins])
        for group, logins in result.logins_by_sheet_group()
    ]
    assert sheets == [
        ("7B", ["Zac Adams", "Bea de Souza", "Amy Young"]),
        ("10A", ["Cal Brown"]),
    ]


def test_the_cheap_generated_hash_is_upgraded_at_first_sign_in(client, school):
    result = run_import(school, PUPILS)
    login = result.logins[0]
    response = client.post(
        reverse("login"), {"username": login.username, "password": login.password}
    )
    assert response.status_code == 302
    user = User.objects.get(username=login.username)
    assert not user.password.startswith("pbkdf2_generated$")
    assert user.check_password(login.password)


def test_importing_the_same_file_again_updates_rather_than_duplicates(school):
    first = run_import(school, PUPILS)
    password_hashes = dict(User.objects.values_list("username", "password"))
    second = run_import(school, PUPILS.replace("Sam,Jones,8R", "Samuel,Jones,8S"))
    assert (second.created, second.updated, second.unchanged, second.logins) == (0, 1, 2, [])
    assert User.objects.filter(school=school).count() == 3
    assert Group.objects.filter(school=school).count() == 3
    samuel = User.objects.get(mis_id="A2")
    assert (samuel.username, samuel.first_name) == ("samj", "Samuel")
    # Moving class replaces the old class membership; the year group is kept.
    assert sorted(g.name for g in samuel.learning_groups.all()) == ["8S", "Year 8"]
    assert dict(User.objects.values_list("username", "password")) == password_hashes
    assert len(first.logins) == 3


def test_importing_an_unchanged_file_again_reports_no_one_as_updated(school):
    run_import(school, PUPILS)
    again = run_import(school, PUPILS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    moved = run_import(school, PUPILS.replace("Sam,Jones,8R", "Sam,Jones,8S"))
    assert (moved.updated, moved.unchanged) == (1, 2)
    renamed = run_import(school, PUPILS.replace("Sam,Jones,8R", "Samuel,Jones,8S"))
    assert (renamed.updated, renamed.unchanged) == (1, 2)


def test_the_done_page_says_how_many_were_unchanged(client, safeguarding_lead):
    client.force_login(safeguarding_lead)
    upload(client, PUPILS)
    response = upload(client, PUPILS.replace("Sam,Jones,8R", "Sam,Jones,8S"))
    assert "1 person already in Upstander was updated." in response.text
    assert "2 people already in Upstander were unchanged." in response.text
    assert "people already in Upstander were updated" not in response.text


def test_a_group_column_left_out_of_the_file_keeps_those_memberships(school):
    run_import(school, PUPILS)
    run_import(school, "mis_id,first_name,last_name\r\nA1,Priya,Patel\r\n")
    priya = User.objects.get(mis_id="A1")
    assert sorted(g.name for g in priya.learning_groups.all()) == ["8R", "Year 8"]


def test_group_names_match_existing_groups_whatever_their_case(school, klass):
    run_import(school, "mis_id,first_name,last_name,class\r\nA1,Priya,Patel,8r\r\n")
    assert list(User.objects.get(mis_id="A1").learning_groups.all()) == [klass]


def test_staff_sign_in_with_their_email_and_teach_their_classes(school):
    result = run_import(
        school,
        "mis_id,first_name,last_name,email,class,staff_team\r\n"
        "T1,Sam,Jones,S.Jones@School.example,8R;9T,Pastoral team\r\n",
        kind=Kind.STAFF,
    )
    sam = User.objects.get(mis_id="T1")
    assert sam.username == sam.email == "s.jones@school.example"
    assert roles_of(sam) == {Role.STAFF}
    roles = dict(sam.memberships.values_list("group__name", "role"))
    assert roles == {"8R": "teacher", "9T": "teacher", "Pastoral team": "member"}
    assert result.logins[0].sheet_group == "Staff"
    assert sam.check_password(result.logins[0].password)


def test_a_staff_email_change_changes_the_username_they_sign_in_with(school):
    header = "mis_id,first_name,last_name,email\r\n"
    run_import(school, header + "T1,Sam,Jones,sam@old.example\r\n", kind=Kind.STAFF)
    run_import(school, header + "T1,Sam,Jones,sam@new.example\r\n", kind=Kind.STAFF)
    sam = User.objects.get(mis_id="T1")
    assert (sam.username, sam.email) == ("sam@new.example", "sam@new.example")


def test_an_email_used_by_another_account_is_refused(school):
    UserFactory(username="someone", email="taken@school.example", school=SchoolFactory())
    with pytest.raises(RosterImportError) as caught:
        run_import(
            school,
            "mis_id,first_name,last_name,email\r\nT1,Sam,Jones,taken@school.example\r\n",
            kind=Kind.STAFF,
        )
    assert [(e.line, e.column) for e in caught.value.errors] == [(2, "email")]


def test_the_lead_set_up_with_the_school_is_found_by_email_not_refused(
    client, school, safeguarding_lead
):
    # The lead's account came with the school and has no MIS id; the staff file lists them
    # (an account made in the admin may have its email in capitals).
    safeguarding_lead.first_name, safeguarding_lead.last_name = "Dee", "Lead"
    safeguarding_lead.email = "Dsl1@School.invalid"
    safeguarding_lead.save()
    client.force_login(safeguarding_lead)
    response = upload(
        client,
        "mis_id,first_name,last_name,email,staff_team\r\n"
        "T7,Dee,Lead,DSL1@school.invalid,Safeguarding team\r\n"
        "T8,Sam,Jones,sam@school.invalid,Safeguarding team\r\n",
        kind=Kind.STAFF,
    )
    assert response.status_code == 200, response.text
    assert "1 member of staff was already in Upstander" in response.text
    assert "<code>dsl1</code>, T7" in response.text
    lead = User.objects.get(pk=safeguarding_lead.pk)
    assert (lead.mis_id, lead.username, lead.has_usable_password()) == ("T7", "dsl1", True)
    assert roles_of(lead) == {Role.STAFF, Role.SAFEGUARDING_LEAD}
    assert lead.memberships.get().group.name == "Safeguarding team"
    result = response.context["result"]
    assert [login.username for login in result.logins] == ["sam@school.invalid"]
    assert (result.created, result.updated) == (1, 1)
    # Importing the file again matches the lead by MIS id, as anyone else.
    response = upload(
        client,
        "mis_id,first_name,last_name,email\r\nT7,Dee,Lead,dsl1@school.invalid\r\n",
        kind=Kind.STAFF,
    )
    assert "already in Upstander</h2>" not in response.text
    assert User.objects.filter(school=school).count() == 2


def test_only_a_member_of_staff_without_an_mis_id_is_found_by_email(school):
    header = "mis_id,first_name,last_name,email\r\n"
    UserFactory(
        school=school, username="kept", email="kept@school.invalid", mis_id="T1", roles=[Role.STAFF]
    )
    UserFactory(
        school=school,
        username="ed@school.invalid",
        email="ed@school.invalid",
        roles=[Role.STAFF, Role.EDITOR],
    )
    for email in ("kept@school.invalid", "ed@school.invalid"):
        with pytest.raises(RosterImportError) as caught:
            run_import(school, header + f"T9,Sam,Jones,{email}\r\n", kind=Kind.STAFF)
        assert [(e.line, e.column) for e in caught.value.errors] == [(2, "email")]
    assert not User.objects.filter(mis_id="T9").exists()


def test_a_pupils_file_cannot_turn_a_member_of_staff_into_a_pupil(school):
    UserFactory(school=school, username="t", mis_id="A2", roles=[Role.STAFF])
    with pytest.raises(RosterImportError) as caught:
        run_import(school, PUPILS)
    assert [(e.line, e.column) for e in caught.value.errors] == [(3, "mis_id")]
    assert User.objects.filter(school=school).count() == 1
    assert not Group.objects.exists()


def test_nothing_is_saved_when_any_row_has_an_error(school):
    with pytest.raises(RosterImportError):
        run_import(school, PUPILS + "A4,,Nobody,8R,Year 8\r\n")
    assert not User.objects.filter(school=school).exists()
    assert not Group.objects.exists()


def test_matching_by_mis_id_never_reaches_into_another_school(school):
    other = SchoolFactory(name="Other School")
    theirs = UserFactory(school=other, mis_id="A1", first_name="Theirs", roles=[Role.PUPIL])
    run_import(school, PUPILS)
    theirs.refresh_from_db()
    assert (theirs.school, theirs.first_name) == (other, "Theirs")
    assert User.objects.filter(mis_id="A1").count() == 2
    assert not Group.objects.filter(school=other).exists()


def test_usernames_never_clash_with_existing_accounts(school):
    UserFactory(username="priyap", school=SchoolFactory())
    UserFactory(username="priyap2", school=SchoolFactory())
    run_import(school, PUPILS)
    assert sorted(User.objects.filter(school=school).values_list("username", flat=True)) == [
        "priyap3",
        "priyap4",
        "samj",
    ]


@pytest.mark.django_db
def test_two_thousand_pupils_import_in_one_go(school):
    lines = ["mis_id,first_name,last_name,class,year_group"]
    lines += [
        f"M{i:05d},Pupil{i % 50},Surname{i},{7 + i % 5}{'RSTUV'[i % 5]},Year {7 + i % 5}"
        for i in range(2000)
    ]
    result = run_import(school, "\r\n".join(lines))
    assert result.created == 2000
    assert User.objects.filter(school=school).count() == 2000
    assert len({login.username for login in result.logins}) == 2000
    assert Membership.objects.filter(group__school=school).count() == 4000
    again = run_import(school, "\r\n".join(lines))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2000)
    assert Membership.objects.filter(group__school=school).count() == 4000


# The page ---------------------------------------------------------------------------------


def test_the_page_documents_every_column_and_links_the_templates(client, safeguarding_lead):
    client.force_login(safeguarding_lead)
    response = client.get(URL)
    assert response.status_code == 200
    for column in ("mis_id", "first_name", "last_name", "email", "class", "year_group"):
        assert f"<code>{column}</code>" in response.text
    assert "files/upstander-roster-pupils.csv" in response.text
    assert "files/upstander-roster-staff.csv" in response.text


def test_uploading_a_valid_file_shows_the_login_sheet_once(client, safeguarding_lead):
    client.force_login(safeguarding_lead)
    response = upload(client, PUPILS)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "Login sheet: 8R" in response.text
    priya = User.objects.get(mis_id="A1")
    assert priya.school == safeguarding_lead.school
    login = next(item for item in response.context["result"].logins if item.username == "priyap")
    assert login.password in response.text
    # Nothing on the next visit shows it again.
    assert login.password not in client.get(URL).text


def test_the_login_sheet_gives_the_sites_address_not_the_one_the_lead_used(
    client, safeguarding_lead, settings
):
    # The lead may reach the site by another name (the server's own, on the school's
    # network); pupils at home need the one the site is published at, as in the emails.
    settings.SITE_URL = "https://upstander.school.example"
    settings.ALLOWED_HOSTS = ["testserver", "another.example"]
    client.force_login(safeguarding_lead)
    data = PUPILS.encode()
    response = client.post(
        URL,
        {"kind": Kind.PUPILS, "file": SimpleUploadedFile("roster.csv", data, "text/csv")},
        HTTP_HOST="another.example",
    )
    assert "Sign in at https://upstander.school.example/accounts/login/" in response.text
    assert "another.example" not in response.text


def test_row_errors_are_listed_by_line_and_column_and_nothing_is_saved(client, safeguarding_lead):
    client.force_login(safeguarding_lead)
    response = upload(client, PUPILS + "A4,Ann,,8R,Year 8\r\n")
    assert response.status_code == 400
    assert response.context["row_errors"][0].line == 5
    assert "Line 5, last_name: This is required." in response.text
    assert "data-error-summary" in response.text
    assert not User.objects.filter(mis_id__startswith="A").exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "roster.csv", "The file is empty."),
        (b"PK\x03\x04rest-of-a-zip", "roster.xlsx", "spreadsheet file"),
        (b"PK\x03\x04rest-of-a-zip", "roster.csv", "spreadsheet file"),
        (b"hello", "notes.pdf", "ends in .csv"),
        ("mis_id,first_name,last_name\r\nA1,Zoë,S\r\n".encode("mac_roman"), "r.csv", "UTF-8"),
        (b"first_name\r\nPriya\r\n", "roster.csv", "Missing: mis_id, last_name"),
    ],
)
def test_bad_files_get_a_clear_error_not_a_crash(client, safeguarding_lead, data, name, message):
    client.force_login(safeguarding_lead)
    response = upload(client, data, name=name)
    assert response.status_code == 400
    assert message in response.text
    assert not User.objects.filter(mis_id__startswith="A").exists()


def test_a_file_over_two_megabytes_is_refused(client, safeguarding_lead):
    client.force_login(safeguarding_lead)
    response = upload(client, b"x" * (2 * 1024 * 1024 + 1))
    assert response.status_code == 400
    assert "too large" in response.text


def test_submitting_without_a_file_or_a_kind_explains_both(client, safeguarding_lead):
    client.force_login(safeguarding_lead)
    response = client.post(URL, {})
    assert response.status_code == 400
    assert "Choose whether the file lists pupils or staff." in response.text
    assert "Choose a CSV file to upload." in response.text


def test_the_import_always_goes_into_the_leads_own_school(client, safeguarding_lead):
    other = SchoolFactory(name="Other School")
    client.force_login(safeguarding_lead)
    upload(client, PUPILS)
    assert not User.objects.filter(school=other).exists()
    assert User.objects.filter(school=safeguarding_lead.school, mis_id="A1").exists()


def test_a_superuser_without_a_school_cannot_import(client, db):
    admin = UserFactory(school=None, is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(URL).status_code == 403


def test_an_import_that_collides_with_a_simultaneous_one_asks_to_try_again(
    client, safeguarding_lead, monkeypatch
):
    from django.db import IntegrityError

    from schools import views

    def collide(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(views, "roster_import_service", collide)
    client.force_login(safeguarding_lead)
    response = upload(client, PUPILS)
    assert response.status_code == 400
    assert "Another import changed these people at the same moment" in response.text


# Sign-in ignores case, and MIS exports are not consistent about it --------------------------


def test_a_new_pupils_username_differs_from_existing_ones_whatever_their_case(client, school):
    """Otherwise "ZoeO", who signs in as "zoeo", would be refused once "zoeo" existed."""
    from tests.factories import StaffFactory

    zoe = StaffFactory(school=SchoolFactory(), username="ZoeO")
    run_import(school, "mis_id,first_name,last_name\r\nA1,Zoë,O'Brien\r\n")
    assert User.objects.get(mis_id="A1").username == "zoeo2"
    response = client.post(reverse("login"), {"username": "zoeo", "password": "secret-pass-123"})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == zoe.pk


def test_a_staff_email_another_account_has_in_other_case_is_refused(school):
    from tests.factories import StaffFactory

    StaffFactory(
        school=SchoolFactory(),
        username="Sam.Jones@School.example",
        email="Sam.Jones@School.example",
    )
    with pytest.raises(RosterImportError) as refused:
        run_import(
            school,
            "mis_id,first_name,last_name,email\r\nT1,Sam,Jones,sam.jones@school.example\r\n",
            Kind.STAFF,
        )
    [error] = refused.value.errors
    assert error.column == "email"
    assert "an account at another school" in str(error.message)
    assert User.objects.filter(email__iexact="sam.jones@school.example").count() == 1


def test_an_mis_id_written_in_other_case_is_the_same_person(school):
    run_import(school, "mis_id,first_name,last_name,class\r\na100,Priya,Patel,8R\r\n")
    run_import(school, "mis_id,first_name,last_name,class\r\nA100,Priya,Patel-Shah,8S\r\n")
    [priya] = User.objects.filter(school=school)
    assert (priya.mis_id, priya.last_name) == ("a100", "Patel-Shah")
    assert [m.group.name for m in Membership.objects.filter(user=priya)] == ["8S"]


# Next term -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_moving_every_pupil_up_a_year_takes_a_few_queries_not_some_per_pupil(school):
    """Wagtail's reference index watches memberships: deleting them one by one cost two
    queries and a savepoint each, so a September import of a whole school ran thousands."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import resolve
    from wagtail.models import ReferenceIndex

    resolve("/")  # the admin's URLs register the models Wagtail's reference index watches
    header = "mis_id,first_name,last_name,class,year_group\r\n"
    rows = [f"M{i:04d},Pupil{i},Surname{i}" for i in range(300)]
    run_import(
        school, header + "".join(f"{r},7{'RST'[i % 3]},Year 7\r\n" for i, r in enumerate(rows))
    )
    moved = User.objects.get(mis_id="M0000").memberships.get(group__kind=Group.Kind.CLASS)
    moved.save()  # saved one by one (as the admin does), so it is in the reference index
    indexed = ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Membership), object_id=str(moved.pk)
    )
    assert indexed.exists()
    next_year = header + "".join(f"{r},8{'RST'[i % 3]},Year 8\r\n" for i, r in enumerate(rows))
    with CaptureQueriesContext(connection) as queries:
        result = run_import(school, next_year)
    assert result.updated == 300
    assert len(queries) < 60, len(queries)
    assert Membership.objects.filter(user__school=school).count() == 600
    assert not Membership.objects.filter(group__name__in=["7R", "7S", "7T", "Year 7"]).exists()
    assert not indexed.exists()


@pytest.mark.parametrize(
    ("kind", "roles"), [(Kind.STAFF, [Role.STAFF, Role.EDITOR]), (Kind.PUPILS, [Role.EDITOR])]
)
def test_an_editors_account_is_refused_as_an_editors_not_as_a_pupils(school, kind, roles):
    """A teacher imported with the staff file and later made an editor too: next term's file
    cannot change their account, and the reason given must be the right one."""
    UserFactory(
        school=school,
        username="pshe@school.example",
        email="pshe@school.example",
        mis_id="T1",
        roles=roles,
    )
    header = "mis_id,first_name,last_name,email\r\n"
    row = "T1,Pat,Shaw,pshe@school.example\r\n" if kind == Kind.STAFF else "T1,Pat,Shaw,\r\n"
    with pytest.raises(RosterImportError) as refused:
        run_import(school, header + row, kind)
    [error] = refused.value.errors
    assert (error.line, error.column) == (2, "mis_id")
    assert "editor's account" in str(error.message)
    assert "pupil" not in str(error.message)
    assert "member of staff" not in str(error.message)


def test_the_page_lists_the_mis_column_names_it_also_reads(client, safeguarding_lead):
    client.force_login(safeguarding_lead)
    page = client.get(URL).content.decode()
    for name in ("Adno", "Preferred Forename", "Legal Surname", "Reg Group", "NC Year"):
        assert name in page


def test_a_one_row_per_class_export_imports_each_pupil_once_in_every_class(school):
    result = run_import(
        school,
        "Adno,Forename,Surname,Class,Year Group\r\n"
        "A1,Priya,Patel,8R,Year 8\r\n"
        "A1,Priya,Patel,8 Maths set 2,Year 8\r\n"
        "A2,Sam,Jones,8R,Year 8\r\n",
    )
    assert (result.created, len(result.logins)) == (2, 2)
    priya = User.objects.get(school=school, mis_id="A1")
    classes = priya.learning_groups.filter(kind=Group.Kind.CLASS)
    assert sorted(classes.values_list("name", flat=True)) == ["8 Maths set 2", "8R"]


STAFF_ROW = "mis_id,first_name,last_name,email\r\nT1,Sam,Jones,s.jones@new.example\r\n"


def _teacher_who_left_another_school():
    from django.utils import timezone

    return UserFactory(
        username="s.jones@new.example",
        email="s.jones@new.example",
        school=SchoolFactory(name="Old Academy"),
        mis_id="OLD7",
        roles=[Role.STAFF],
        is_active=False,
        left_on=timezone.localdate(),
    )


def test_a_teacher_who_left_another_school_is_refused_saying_what_an_administrator_can_do(
    school,
):
    """Their old account holds the email address: the import must not take it over from
    the other school, and the lead must learn why and who can move it."""
    teacher = _teacher_who_left_another_school()
    with pytest.raises(RosterImportError) as caught:
        run_import(school, STAFF_ROW, kind=Kind.STAFF)
    [error] = caught.value.errors
    assert (error.line, error.column) == (2, "email")
    assert "another school" in str(error.message)
    assert "move" in str(error.message)
    teacher.refresh_from_db()
    assert (teacher.school.name, teacher.is_active) == ("Old Academy", False)


def test_a_teacher_an_administrator_moved_here_is_found_by_the_import(admin_client, school):
    teacher = _teacher_who_left_another_school()
    response = admin_client.post(
        f"/admin/schools/people/edit/{teacher.pk}/",
        {
            "username": teacher.username,
            "first_name": teacher.first_name,
            "last_name": teacher.last_name,
            "email": teacher.email,
            "school": school.pk,
            "mis_id": teacher.mis_id,  # the old school's: the form shows it as it was
        },
    )
    assert response.status_code == 302
    result = run_import(school, STAFF_ROW, kind=Kind.STAFF)
    assert (result.created, result.matched_by_email, result.returned) == (0, [teacher], [teacher])
    teacher.refresh_from_db()
    assert (teacher.school, teacher.mis_id, teacher.is_active) == (school, "T1", True)


def test_a_tab_separated_file_can_be_chosen_and_is_imported(client, safeguarding_lead):
    """Tabs are read (Excel's "Text (Tab delimited)" saves .txt, Google Sheets' download
    .tsv), so the file picker must offer those files and the upload must take them."""
    client.force_login(safeguarding_lead)
    page = client.get(URL).content.decode()
    [accept] = re.findall(r'<input type="file"[^>]* accept="([^"]*)"', page)
    assert {".csv", ".txt", ".tsv"} <= set(accept.split(","))
    response = upload(
        client, "mis_id\tfirst_name\tlast_name\r\nA1\tPriya\tPatel\r\n", name="Export.TSV"
    )
    assert response.status_code == 200
    assert User.objects.filter(school=safeguarding_lead.school, mis_id="A1").exists()


def test_an_nc_year_exported_as_a_bare_number_joins_the_existing_year_group(school):
    run_import(school, PUPILS)
    result = run_import(school, "Adno,Forename,Surname,NC Year\r\nA4,Ava,Khan,8\r\n")
    assert result.groups_created == []
    [year] = Group.objects.filter(school=school, kind=Group.Kind.YEAR_GROUP)
    assert year.name == "Year 8"
    assert year.members.filter(mis_id="A4").exists()


@pytest.mark.parametrize(
    "holds", ["superuser", "a permission of their own", "a workflow approval group"]
)
def test_a_staff_import_cannot_change_the_email_of_someone_holding_more_than_the_lead(
    client, safeguarding_lead, holds
):
    """The address a staff file gives is where that person's "forgotten your password"
    email goes: a lead naming an administrator's MIS id with an address of their own
    could sign in as them."""
    from django.contrib.auth.models import Permission

    head = UserFactory(
        username="head@school.example",
        email="head@school.example",
        school=safeguarding_lead.school,
        mis_id="T9",
        roles=[Role.STAFF],
        is_superuser=holds == "superuser",
    )
    if holds == "a permission of their own":
        head.user_permissions.add(
            Permission.objects.get(content_type__app_label="schools", codename="change_user")
        )
    elif holds == "a workflow approval group":
        from django.contrib.auth.models import Group as AuthGroup
        from wagtail.models import GroupApprovalTask

        approvers = AuthGroup.objects.create(name="Course approvers")
        GroupApprovalTask.objects.create(name="Approve a course").groups.add(approvers)
        head.groups.add(approvers)
    client.force_login(safeguarding_lead)
    response = upload(
        client,
        "mis_id,first_name,last_name,email\r\nT9,Head,Teacher,taken@elsewhere.example\r\n",
        kind=Kind.STAFF,
    )
    assert response.status_code == 400
    assert [error.column for error in response.context["row_errors"]] == ["mis_id"]
    head.refresh_from_db()
    assert (head.username, head.email) == ("head@school.example", "head@school.example")


def test_a_whole_school_staff_import_does_not_mark_an_administrator_as_left(safeguarding_lead):
    """Marking them as left stops them signing in: an import by a lead holds to the same
    rule as changing their email."""
    from django.contrib.auth.models import Permission

    from schools.services import roster_leavers

    head = UserFactory(school=safeguarding_lead.school, mis_id="T9", roles=[Role.STAFF])
    head.user_permissions.add(
        Permission.objects.get(content_type__app_label="schools", codename="change_user")
    )
    teacher = UserFactory(school=safeguarding_lead.school, mis_id="T8", roles=[Role.STAFF])
    parsed = roster_parse(STAFF_ROW.encode(), kind=Kind.STAFF)
    leavers = roster_leavers(
        school=safeguarding_lead.school, kind=Kind.STAFF, parsed=parsed, importer=safeguarding_lead
    )
    assert leavers == [teacher]


def _input_tags(html: str, name: str) -> list[str]:
    return re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)


def test_the_file_box_and_the_pupils_or_staff_choice_are_marked_invalid_when_in_error(
    client, safeguarding_lead
):
    """The error text was linked to each field, but a screen reader moving to the field
    heard nothing saying it was the one to put right (WCAG 3.3.1)."""
    client.force_login(safeguarding_lead)
    html = client.post(URL, {}).text
    (file_box,) = _input_tags(html, "file")
    assert 'aria-invalid="true"' in file_box
    assert "id_file_error" in file_box
    radios = _input_tags(html, "kind")
    assert len(radios) == 2
    assert all('aria-invalid="true"' in radio for radio in radios)

    html = client.get(URL).text
    (file_box,) = _input_tags(html, "file")
    assert "aria-invalid" not in file_box
    assert all("aria-invalid" not in radio for radio in _input_tags(html, "kind"))


def test_a_unicode_text_file_holding_a_null_character_is_refused_and_nothing_is_saved(
    client, safeguarding_lead
):
    # Excel's "Unicode Text" is UTF-16, whose every other byte is a zero: a NUL character in
    # a cell (pasted from another program) can be no name, and PostgreSQL cannot store one.
    client.force_login(safeguarding_lead)
    text = PUPILS.replace(",", "\t").replace("Sam\t", "Sam\x00\t")
    response = upload(client, text.encode("utf-16"), name="roster.txt")
    assert response.status_code == 400
    assert "This does not look like a CSV file." in response.text
    assert not User.objects.filter(mis_id__startswith="A").exists()
