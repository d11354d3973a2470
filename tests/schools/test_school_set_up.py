"""An administrator sets up a new school with its first safeguarding lead in one form; the
lead is emailed a link to choose a password, signs in and finds their school's dashboard."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from schools.models import School, User
from schools.roles import Role, roles_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/admin/schools/set-up/"
NEW_PASSWORD = "a-new-Passphrase-42"


def _form(**overrides):
    data = {
        "name": "Ysgol Gymraeg Aberdâr",
        "urn": "401234",
        "nation": School.Nation.WALES,
        "lead_first_name": "Siân",
        "lead_last_name": "Llywelyn",
        "lead_email": "S.Llywelyn@Ysgol.example",
    }
    data.update(overrides)
    return data


def test_an_administrator_sets_up_a_school_and_its_lead_chooses_a_password(
    admin_client, client, settings
):
    settings.SITE_URL = "https://upstander.trust.example"
    index = admin_client.get(reverse("school:index")).content.decode()
    assert "Set up a school and its lead" in index
    assert "The school" in admin_client.get(URL).content.decode()

    response = admin_client.post(URL, _form(), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("school:index")
    assert "Ysgol Gymraeg Aberdâr is set up. Siân Llywelyn, its Designated Safeguarding" in html
    school = School.objects.get(urn="401234")
    assert school.nation == School.Nation.WALES
    lead = User.objects.get(school=school)
    assert lead.username == lead.email == "s.llywelyn@ysgol.example"
    assert roles_of(lead) == {Role.STAFF, Role.SAFEGUARDING_LEAD}

    [message] = mail.outbox
    assert message.to == ["s.llywelyn@ysgol.example"]
    assert message.subject == "Welcome to Upstander: set up Ysgol Gymraeg Aberdâr"
    assert "you are its Designated Safeguarding Person there" in message.body
    link = re.search(r"https://upstander\.trust\.example(/accounts/password/\S+/)", message.body)
    assert link, message.body

    admin_client.logout()
    set_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    signed_in = client.post(
        reverse("login"), {"username": "S.Llywelyn@ysgol.example", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    dashboard = client.get(reverse("records:dashboard"))
    assert dashboard.status_code == 200
    assert "Ysgol Gymraeg Aberdâr" in dashboard.content.decode()


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"name": ""}, "This field is required."),
        ({"lead_email": "not-an-address"}, "Enter a valid email address."),
        ({"lead_email": "TEACHER1@school.invalid"}, "Someone already has an account with this"),
        ({"urn": "100001"}, "Another school already has this URN."),
    ],
    ids=["no name", "bad email", "email in use", "urn in use"],
)
def test_a_mistake_is_shown_and_nothing_is_set_up(admin_client, teacher, school, overrides, error):
    School.objects.create(name="Another school", urn="100001")
    schools, people = School.objects.count(), User.objects.count()
    response = admin_client.post(URL, _form(**overrides))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert "The school could not be set up." in response.content.decode()
    assert (School.objects.count(), User.objects.count()) == (schools, people)
    assert mail.outbox == []


def test_editors_and_leads_cannot_set_up_a_school(client, editor, safeguarding_lead):
    for person in (editor, safeguarding_lead):
        client.force_login(person)
        response = client.post(URL, _form())
        assert response.status_code in (302, 403)
    assert not School.objects.filter(urn="401234").exists()
    client.force_login(editor)
    assert "Set up a new school" not in client.get("/admin/").content.decode()


class RefusingMailServer:
    """An email backend whose server refuses every message."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_when_the_email_cannot_be_sent_the_school_is_still_set_up_and_the_admin_told(
    admin_client, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingMailServer"
    response = admin_client.post(URL, _form(), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "but the email to s.llywelyn@ysgol.example could not be sent" in html
    assert "reset your password by email" in html
    lead = User.objects.get(username="s.llywelyn@ysgol.example")
    assert lead.school.name == "Ysgol Gymraeg Aberdâr"
    assert roles_of(lead) == {Role.STAFF, Role.SAFEGUARDING_LEAD}


def test_the_welcome_email_writes_an_ampersand_and_apostrophe_in_the_name_as_they_are(
    admin_client,
):
    """The subject line is plain text: "St Mary & St John's", not "&amp;" and "&#x27;"."""
    admin_client.post(URL, _form(name="St Mary & St John's C of E Primary"))
    [message] = mail.outbox
    assert message.subject == "Welcome to Upstander: set up St Mary & St John's C of E Primary"
    assert "St Mary & St John's C of E Primary now has Upstander" in message.body


@pytest.mark.parametrize(
    "name", ["Oak Hill\r\nAcademy", "Oak Hill\nAcademy", " Oak  Hill\tAcademy "]
)
def test_a_line_break_in_the_schools_name_does_not_stop_the_welcome_email(admin_client, name):
    # A name pasted from a letterhead may carry a line break, which an email's subject
    # cannot hold: the school is one line, "Oak Hill Academy", and its lead is emailed.
    admin_client.post(URL, _form(name=name))
    assert School.objects.get(urn="401234").name == "Oak Hill Academy"
    [message] = mail.outbox
    assert message.subject == "Welcome to Upstander: set up Oak Hill Academy"
    assert "Oak Hill Academy now has Upstander" in message.body


def test_an_administrator_who_could_not_give_the_lead_role_cannot_set_up_a_school(client):
    """Setting up a school makes its lead, with an email address the administrator types:
    the role is held to the rule of Settings -> Users, only a superuser, or someone who holds
    the lead's permissions, gives it."""
    from django.contrib.auth.models import Permission

    from schools.roles import roles_sync

    roles_sync()
    trust_admin = UserFactory(username="trustadmin", school=None, is_staff=True)
    trust_admin.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(content_type__app_label="schools", codename="add_school"),
        Permission.objects.get(content_type__app_label="schools", codename="add_user"),
    )
    client.force_login(trust_admin)
    response = client.post(URL, _form(lead_email="my.other.address@example.com"))
    assert response.status_code in (302, 403)
    assert not School.objects.filter(urn="401234").exists()
    assert not User.objects.filter(email="my.other.address@example.com").exists()
    assert URL not in client.get("/admin/schools/schools/").content.decode()


class RefusingLeadsAddress:
    """An email backend whose server refuses the new lead's address."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"5.1.1 No such user")})


def test_a_refused_welcome_email_is_logged_without_the_leads_address(
    admin_client, settings, caplog
):
    import logging

    settings.EMAIL_BACKEND = f"{__name__}.RefusingLeadsAddress"
    with caplog.at_level(logging.INFO):
        html = admin_client.post(URL, _form(), follow=True).content.decode()
    assert "but the email to s.llywelyn@ysgol.example could not be sent" in html
    lead = User.objects.get(username="s.llywelyn@ysgol.example")
    assert "s.llywelyn@ysgol.example" not in caplog.text
    [failure] = [r for r in caplog.records if r.name == "schools.admin_views"]
    assert str(lead.pk) in failure.getMessage() and "550" in failure.getMessage()


def test_a_leads_email_too_long_to_sign_in_with_is_refused_and_nothing_is_set_up(admin_client):
    # Valid as an address (up to 254 characters), but the lead signs in with it and a
    # username holds at most 150.
    email = "s" * 60 + "@" + "a" * 60 + "." + "b" * 60 + ".example"
    assert 150 < len(email) <= 254
    schools, people = School.objects.count(), User.objects.count()
    response = admin_client.post(URL, _form(lead_email=email))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The school could not be set up." in html
    assert "it can be at most 150 characters" in html
    assert (School.objects.count(), User.objects.count()) == (schools, people)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("set_up_meanwhile", "error"),
    [
        (
            lambda: School.objects.create(name="Another school", urn="401234"),
            "Another school already has this URN.",
        ),
        (
            lambda: UserFactory(username="s.llywelyn@ysgol.example", school=None),
            "Someone already has an account with this",
        ),
    ],
    ids=["same urn", "same lead"],
)
def test_a_school_set_up_at_the_same_moment_by_another_administrator_is_a_form_error(
    admin_client, monkeypatch, set_up_meanwhile, error
):
    """Two administrators set up the same school at once: both forms are checked before
    either is saved, and the second to save finds the URN (or the lead's address) taken.
    It is told so on the form, as if it had been taken before, not shown a server error."""
    from schools.forms import SchoolSetUpForm

    checked = SchoolSetUpForm.is_valid
    others = []

    def valid_then_the_other_commits(form):
        valid = checked(form)
        if valid and not others:
            others.append(set_up_meanwhile())
        return valid

    monkeypatch.setattr(SchoolSetUpForm, "is_valid", valid_then_the_other_commits)
    response = admin_client.post(URL, _form())
    assert response.status_code == 200
    assert error in response.content.decode()
    assert "The school could not be set up." in response.content.decode()
    assert not School.objects.filter(name="Ysgol Gymraeg Aberdâr").exists()
    assert not User.objects.filter(
        username="s.llywelyn@ysgol.example", school__isnull=False
    ).exists()
    assert mail.outbox == []
