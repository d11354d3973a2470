"""Signing in and out, changing a password, brute-force protection, and where each role lands."""

import pytest
from django.urls import reverse

from schools.roles import Role
from tests.conftest import PASSWORD
from tests.factories import UserFactory

LOGIN = reverse("login")


def sign_in(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.mark.parametrize(
    ("who", "lands_on"),
    [
        ("pupil", "/learning/"),
        ("teacher", "/learning/"),
        ("safeguarding_lead", "/learning/"),
        ("editor", "/admin/"),
    ],
)
def test_each_role_lands_on_its_home_after_signing_in(client, request, who, lands_on):
    user = request.getfixturevalue(who)
    response = sign_in(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home"))["Location"] == lands_on


def test_a_superuser_lands_in_the_wagtail_admin(client, db):
    UserFactory(username="root", school=None, is_superuser=True, is_staff=True)
    sign_in(client, "root")
    assert client.get(reverse("home"))["Location"] == "/admin/"


def test_a_safeguarding_lead_sees_the_dashboard_link_and_others_do_not(
    client, safeguarding_lead, teacher
):
    dashboard = reverse("records:dashboard")
    client.force_login(safeguarding_lead)
    assert dashboard in client.get(reverse("courses:my_learning")).text
    client.force_login(teacher)
    assert dashboard not in client.get(reverse("courses:my_learning")).text


def test_an_editor_opens_the_wagtail_admin_and_a_pupil_cannot(client, editor, pupil):
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
    client.force_login(pupil)
    response = client.get("/admin/", follow=True)
    # Sent to the sign-in page, which sends someone already signed in to their own home
    # page (not round to the admin again), where Wagtail's message says why.
    assert [url for url, _status in response.redirect_chain] == [
        f"{reverse('login')}?next=/admin/",
        reverse("home"),
        reverse("courses:my_learning"),
    ]
    assert "You do not have permission to access the admin." in response.content.decode()


def test_a_wrong_password_is_refused_with_an_error_summary(client, pupil):
    response = sign_in(client, pupil.username, "wrong-password")
    assert response.status_code == 200
    assert "data-error-summary" in response.text
    assert "_auth_user_id" not in client.session


def test_signing_out_ends_the_session(client, pupil):
    sign_in(client, pupil.username)
    response = client.post(reverse("logout"))
    assert response["Location"] == LOGIN
    assert client.get(reverse("courses:my_learning"))["Location"].startswith(LOGIN)


def test_the_next_pupil_on_a_shared_device_can_sign_in_over_the_last_one(client, pupil, klass):
    """A pupil who walked away still signed in leaves the class laptop to the next: opening
    the sign-in page shows its form (saying who is still signed in), not the first pupil's
    learning, and signing in there signs the next pupil in instead."""
    from schools.models import Membership

    nextpupil = UserFactory(school=pupil.school, username="nextpupil", roles=[Role.PUPIL])
    Membership.objects.create(group=klass, user=nextpupil)
    sign_in(client, pupil.username)

    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "sign-in-form" in response.text
    assert "Signing in here signs them out" in response.text

    response = sign_in(client, nextpupil.username)
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(nextpupil.pk)


def test_a_signed_in_person_sent_to_sign_in_on_the_way_to_a_page_goes_on_to_it(client, pupil):
    """A link to sign in on the way to a page takes someone already signed in straight
    there."""
    client.force_login(pupil)
    assert client.get(LOGIN, {"next": "/learning/"})["Location"] == "/learning/"


def test_pages_for_signed_in_people_send_others_to_sign_in(client, db):
    response = client.get(reverse("schools:my_groups"))
    assert response["Location"] == f"{LOGIN}?next=/schools/groups/"


def test_a_person_changes_their_password(client, pupil):
    client.force_login(pupil)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-pass-42",
            "new_password2": "a-much-longer-pass-42",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    pupil.refresh_from_db()
    assert pupil.check_password("a-much-longer-pass-42")
    assert client.get(reverse("password_change_done")).status_code == 200


def test_a_password_change_with_the_wrong_old_password_shows_the_error(client, pupil):
    client.force_login(pupil)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "nope",
            "new_password1": "x-long-pass-42",
            "new_password2": "x-long-pass-42",
        },
    )
    assert response.status_code == 200
    assert "data-error-summary" in response.text
    assert 'href="#id_old_password"' in response.text
    pupil.refresh_from_db()
    assert pupil.check_password(PASSWORD)


def test_guessing_the_old_password_on_change_password_is_paused_as_signing_in_is(client, pupil):
    """Someone who finds a pupil still signed in on a shared laptop must not be able to try
    password after password on Change password (and then lock the pupil out with a new
    one): five wrong old passwords pause it, as five wrong sign-ins do."""
    client.force_login(pupil)
    change = reverse("password_change")
    new = {"new_password1": "a-much-longer-pass-42", "new_password2": "a-much-longer-pass-42"}
    for _ in range(4):
        assert client.post(change, {"old_password": "guess", **new}).status_code == 200
    assert client.post(change, {"old_password": "guess", **new}).status_code == 429
    found = client.post(change, {"old_password": PASSWORD, **new})
    assert found.status_code == 429
    assert "Too many attempts" in found.text
    pupil.refresh_from_db()
    assert pupil.check_password(PASSWORD)


def account_settings(client) -> dict:
    """What the admin's Account page sends back as it stands: every panel's fields."""
    response = client.get("/admin/account/")
    data = {}
    for panels in response.context["panels_by_tab"].values():
        for panel in panels:
            form = panel.get_form()
            for name in form.fields:
                value = form[name].value()
                if value not in (None, False, ""):
                    data[form.add_prefix(name)] = value
    return data


def test_guessing_the_old_password_in_the_admins_account_page_is_paused_too(client, editor):
    client.force_login(editor)
    page = account_settings(client)
    new = {"password-new_password1": "a-much-longer-pass-42"}
    new["password-new_password2"] = new["password-new_password1"]
    statuses = [
        client.post("/admin/account/", {**page, **new, "password-old_password": "x"}).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    guessed = client.post("/admin/account/", {**page, **new, "password-old_password": PASSWORD})
    assert guessed.status_code == 429
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)


def test_an_editor_still_changes_their_password_in_the_admin(client, editor):
    client.force_login(editor)
    page = account_settings(client)
    response = client.post(
        "/admin/account/",
        {
            **page,
            "password-old_password": PASSWORD,
            "password-new_password1": "a-much-longer-pass-42",
            "password-new_password2": "a-much-longer-pass-42",
        },
    )
    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.check_password("a-much-longer-pass-42")


@pytest.mark.parametrize("typed", ["Pupil1", "PUPIL1", "pUpIl1"])
def test_a_username_signs_in_whatever_its_case(client, pupil, typed):
    # A tablet capitalises the first letter; a teacher types their email address in capitals.
    assert pupil.username == "pupil1"
    assert sign_in(client, typed).status_code == 302
    assert client.session["_auth_user_id"] == str(pupil.pk)


def test_a_wrong_password_in_another_case_is_still_refused(client, pupil):
    assert sign_in(client, "Pupil1", "wrong-password").status_code == 200
    assert "_auth_user_id" not in client.session


def test_usernames_differing_only_in_case_sign_in_only_as_typed(client, db):
    upper = UserFactory(username="Sam")
    lower = UserFactory(username="sam")
    assert sign_in(client, "SAM").status_code == 200  # which one? neither
    # One's username with the other's password signs in as neither.
    lower.set_password("sams-own-password")
    lower.save()
    assert sign_in(client, "Sam", "sams-own-password").status_code == 200
    assert "_auth_user_id" not in client.session
    assert sign_in(client, "Sam").status_code == 302
    assert client.session["_auth_user_id"] == str(upper.pk)
    client.logout()
    assert sign_in(client, "sam", "sams-own-password").status_code == 302
    assert client.session["_auth_user_id"] == str(lower.pk)


# Brute-force protection (django-axes) ----------------------------------------------------


def test_typing_the_username_in_another_case_does_not_get_round_a_lock(client, pupil):
    for typed in ("pupil1", "Pupil1", "PUPIL1", "pupiL1"):
        assert sign_in(client, typed, "wrong").status_code == 200
    assert sign_in(client, "pUPIL1", "wrong").status_code == 429
    assert sign_in(client, "Pupil1").status_code == 429
    assert "_auth_user_id" not in client.session


def test_five_failed_attempts_lock_the_account_with_a_friendly_page(client, pupil):
    for _ in range(4):
        assert sign_in(client, pupil.username, "wrong").status_code == 200
    locked = sign_in(client, pupil.username, "wrong")
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.text
    assert "ask your teacher" in locked.text
    # Even the right password is refused while the lock lasts.
    again = sign_in(client, pupil.username)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_on_one_account_do_not_lock_another(client, pupil, teacher):
    for _ in range(5):
        sign_in(client, pupil.username, "wrong")
    assert sign_in(client, teacher.username).status_code == 302


def test_a_teacher_resetting_the_password_lifts_the_lock(client, pupil, teacher):
    for _ in range(5):
        sign_in(client, pupil.username.upper(), "wrong")  # a lock in any case is lifted
    client.force_login(teacher)
    response = client.post(reverse("schools:my_groups"), {"pupil": pupil.pk})
    new_password = response.context["new_password"]["password"]
    client.logout()
    assert sign_in(client, pupil.username, new_password).status_code == 302


NGINX = {"REMOTE_ADDR": "127.0.0.1"}  # behind the reverse proxy, every request's connection


def test_behind_a_proxy_a_stranger_cannot_lock_a_pupil_out_at_school(client, settings, pupil):
    """With TRUSTED_PROXIES set, the lock counts by the address the proxy was reached from,
    not the proxy's own: failures from elsewhere do not lock the pupil out at school."""
    settings.TRUSTED_PROXIES = 1
    for _ in range(5):
        # The stranger's client may claim any X-Forwarded-For; nginx appends the real one.
        client.post(
            LOGIN,
            {"username": pupil.username, "password": "wrong"},
            HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9",
            **NGINX,
        )
    stranger = client.post(
        LOGIN,
        {"username": pupil.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9",
        **NGINX,
    )
    assert stranger.status_code == 429
    client.cookies.clear()
    at_school = client.post(
        LOGIN,
        {"username": pupil.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **NGINX,
    )
    assert at_school.status_code == 302


def test_client_address_takes_the_address_the_nearest_proxy_saw(rf, settings):
    from schools.backends import client_address

    def seen(forwarded=None, proxies=1):
        settings.TRUSTED_PROXIES = proxies
        extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
        return client_address(rf.get("/", REMOTE_ADDR="10.0.0.1", **extra))

    assert seen("1.2.3.4, 5.6.7.8") == "5.6.7.8"
    assert seen("1.2.3.4, 5.6.7.8", proxies=2) == "1.2.3.4"
    assert seen("1.2.3.4", proxies=2) == "10.0.0.1"  # shorter than the proxies: not trusted
    assert seen("not an address") == "10.0.0.1"
    assert seen() == "10.0.0.1"
    assert seen("1.2.3.4", proxies=0) == "10.0.0.1"  # no proxy: the header is the client's


@pytest.mark.parametrize(
    ("cool_off", "says"),
    [
        (0.25, "paused for 15 minutes"),  # the setting's value in hours, as configured
        (0.5, "paused for 30 minutes"),
        (1 / 60, "paused for 1 minute."),
        (None, "paused. Ask your teacher"),  # no cool-off: locked until someone unlocks it
    ],
)
def test_the_lock_out_page_says_how_long_the_lock_lasts(client, pupil, settings, cool_off, says):
    settings.AXES_COOLOFF_TIME = cool_off
    for _ in range(5):
        locked = sign_in(client, pupil.username, "wrong")
    assert locked.status_code == 429
    assert says in locked.text


def test_failing_again_while_locked_does_not_make_the_lock_longer(client, pupil):
    from datetime import timedelta

    from axes.models import AccessAttempt

    for _ in range(5):
        sign_in(client, pupil.username, "wrong")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=14)
    )
    assert sign_in(client, pupil.username, "wrong").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=2)
    )
    assert sign_in(client, pupil.username).status_code == 302


def test_a_failed_sign_in_costs_one_full_password_check_whoever_the_username_names(
    client, settings, monkeypatch, school
):
    """How long a wrong sign-in takes must not tell whether an account exists: a first,
    generated password is cheap to check, and a username in another case is looked up twice.
    Counted in PBKDF2 rounds (run as one round each here, to be quick)."""
    from django.contrib.auth import hashers
    from django.contrib.auth.hashers import make_password

    from schools.models import User

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "schools.hashers.GeneratedPasswordHasher",
    ]
    rounds = []
    real = hashers.pbkdf2

    def counted(password, salt, iterations, *args, **kwargs):
        rounds.append(iterations)
        return real(password, salt, 1, *args, **kwargs)

    monkeypatch.setattr(hashers, "pbkdf2", counted)
    new_pupil = UserFactory(school=school, username="zoeo")
    User.objects.filter(pk=new_pupil.pk).update(
        password=make_password("apple-river-07", hasher="pbkdf2_generated")
    )
    signed_in_before = UserFactory(school=school, username="samj")
    User.objects.filter(pk=signed_in_before.pk).update(password=make_password("pear-lake-12"))
    full = hashers.PBKDF2PasswordHasher.iterations
    costs = {}
    for typed in ("zoeo", "samj", "SAMJ", "nobody"):
        rounds.clear()
        assert sign_in(client, typed, "wrong-password").status_code == 200
        costs[typed] = sum(rounds)
    assert all(full <= cost <= full + 20_000 for cost in costs.values()), costs


def test_every_page_links_to_help_in_its_footer(client):
    html = client.get(reverse("login")).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    for link in (
        'href="tel:08001111"',
        'href="https://www.ceop.police.uk/ceop-reporting/"',
        'href="tel:03443814772"',
        'href="mailto:helpline@saferinternet.org.uk"',
    ):
        assert link in footer


def test_a_refused_sign_in_does_not_say_the_username_is_case_sensitive(client, pupil):
    # Usernames sign in whatever their case (above): only the password's capitals matter.
    response = sign_in(client, pupil.username, "wrong-password")
    assert "both fields may be case-sensitive" not in response.text
    assert "The username or password is not right." in response.text
    assert "Capital letters matter in the password" in response.text


def test_signing_out_lands_on_a_page_saying_so(client, pupil):
    """On a shared device, the pupil (and whoever is next) can see the sign-out worked."""
    sign_in(client, pupil.username)
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain == [(LOGIN, 302)]
    assert "You have signed out." in response.text
    # Said once: the next visit to the sign-in page is a plain one.
    assert "You have signed out." not in client.get(LOGIN).text


@pytest.mark.parametrize("url_name", ["courses:my_learning", "password_change"])
def test_every_page_says_who_is_signed_in(client, school, url_name):
    """On a shared laptop someone else may still be signed in: the header says who, next to
    Sign out, so the next pupil does not work (or write a reflection) in their account."""
    pupil = UserFactory(
        school=school, username="apupil", first_name="Ada", last_name="Okafor", roles=[Role.PUPIL]
    )
    client.force_login(pupil)
    header = client.get(reverse(url_name)).text.split("</header>")[0]
    assert "Signed in as <strong>Ada Okafor</strong>" in header


def test_someone_without_a_full_name_is_named_by_username(client, school):
    person = UserFactory(school=school, username="nonamepupil", first_name="", last_name="")
    client.force_login(person)
    header = client.get(reverse("password_change")).text.split("</header>")[0]
    assert "Signed in as <strong>nonamepupil</strong>" in header


def test_an_administrator_setting_a_new_password_in_users_lifts_the_lock(client, teacher):
    """The lock-out page sends people to their school administrator for help: a password the
    administrator sets in Settings -> Users works at once, as a teacher's reset does."""
    from django.test import Client

    for _ in range(5):
        sign_in(client, teacher.username, "wrong")
    assert sign_in(client, teacher.username).status_code == 429
    admin = Client()
    admin.force_login(UserFactory(username="root", school=None, is_superuser=True, is_staff=True))
    new_password = "otter-lantern-quarry-58"
    response = admin.post(
        f"/admin/users/edit/{teacher.pk}/",
        {
            "username": teacher.username,
            "email": teacher.email,
            "first_name": teacher.first_name or "Some",
            "last_name": teacher.last_name or "One",
            "school": teacher.school_id,
            "is_active": "on",
            "groups": [group.pk for group in teacher.groups.all()],
            "password1": new_password,
            "password2": new_password,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    teacher.refresh_from_db()
    assert teacher.check_password(new_password)
    assert sign_in(client, teacher.username, new_password).status_code == 302


def _with_email(page: dict, email: str) -> dict:
    """The Account page's fields with its email address set to `email` (in Account -> Email,
    or, before it, in Wagtail's "Name and Email")."""
    return {**page, "email-email": email, "name_email-email": email}


def test_changing_ones_email_address_in_the_admin_asks_for_ones_password(client, editor):
    """The email address is where "Forgotten your password?" sends its link: someone who
    finds an editor still signed in on a shared computer must not be able to set an address
    of their own there, then take the account by resetting its password."""
    client.force_login(editor)
    page = account_settings(client)
    taken = client.post("/admin/account/", _with_email(page, "taker@elsewhere.invalid"))
    assert taken.status_code == 200
    editor.refresh_from_db()
    assert editor.email != "taker@elsewhere.invalid"
    assert "Enter your password to change your email address." in taken.content.decode()
    changed = client.post(
        "/admin/account/",
        {**_with_email(page, "editor1@trust.invalid"), "email-password": PASSWORD},
    )
    assert changed.status_code == 302
    editor.refresh_from_db()
    assert editor.email == "editor1@trust.invalid"


def test_guessing_the_password_to_change_ones_email_address_is_paused(client, editor):
    client.force_login(editor)
    page = _with_email(account_settings(client), "taker@elsewhere.invalid")
    statuses = [
        client.post("/admin/account/", {**page, "email-password": "guess"}).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    guessed = client.post("/admin/account/", {**page, "email-password": PASSWORD})
    assert guessed.status_code == 429
    editor.refresh_from_db()
    assert editor.email != "taker@elsewhere.invalid"


@pytest.mark.parametrize(
    "next_url",
    [
        "/accounts/login/",
        "/accounts/login/?next=/accounts/login/",
        "/accounts/logout/",
        "/accounts/stay/",
    ],
)
def test_a_next_page_of_signing_in_or_out_sends_a_signed_in_person_home(client, pupil, next_url):
    """A bookmarked or shared sign-in link can name the sign-in or sign-out page itself as
    where to go next: someone already signed in who opens it, or signs in through it, goes
    home rather than to an error page (or a page that only answers a script)."""
    client.raise_request_exception = False
    sign_in(client, pupil.username)
    response = client.get(LOGIN, {"next": next_url})
    assert (response.status_code, response["Location"]) == (302, reverse("home"))

    client.post(reverse("logout"))
    response = client.post(
        f"{LOGIN}?next={next_url}", {"username": pupil.username, "password": PASSWORD}
    )
    assert (response.status_code, response["Location"]) == (302, reverse("home"))


def test_signing_out_with_the_sign_out_page_as_next_lands_on_the_sign_in_page(client, pupil):
    """The sign-out page as where to go next would render a page the site does not have
    (a server error): the person lands on the sign-in page saying they have signed out."""
    client.raise_request_exception = False
    sign_in(client, pupil.username)
    response = client.post(reverse("logout"), {"next": reverse("logout")}, follow=True)
    assert response.redirect_chain == [(LOGIN, 302)]
    assert "You have signed out." in response.text


def test_signing_in_after_signing_out_of_an_admin_left_open_lands_home(client, editor):
    """An admin tab left open past the sign-out for want of use still offers "Log out":
    pressing it lands on the sign-in page, and signing in there lands on their home page.
    A sign-in link naming the admin's sign-out page as where to go next lands home too."""
    client.raise_request_exception = False
    response = client.post("/admin/logout/", follow=True)
    assert response.redirect_chain == [(LOGIN, 302)]

    response = client.post(LOGIN, {"username": editor.username, "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, reverse("home"))
    assert client.get("/admin/").status_code == 200
    client.post(reverse("logout"))
    response = client.post(
        f"{LOGIN}?next=/admin/logout/", {"username": editor.username, "password": PASSWORD}
    )
    assert (response.status_code, response["Location"]) == (302, reverse("home"))


@pytest.mark.parametrize("address", ["/accounts/logout/", "/admin/logout/"])
def test_opening_a_sign_out_address_offers_to_sign_out_and_leaves_the_sign_in_alone(
    client, editor, address
):
    """A bookmarked or typed sign-out address is opened by GET: the person gets a page with
    the "Sign out" button, not a blank "not allowed" page. Before, the admin's also threw
    away the browser's cookie while the sign-in went on running on the server, and the next
    page said "You have been successfully logged out"."""
    client.raise_request_exception = False
    sign_in(client, editor.username)

    response = client.get(address)

    assert response.status_code == 200
    assert "<h1>Sign out</h1>" in response.text
    assert "sessionid" not in response.cookies
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("address", ["/accounts/logout/", "/admin/logout/"])
def test_opening_a_sign_out_address_when_signed_out_goes_to_the_sign_in_page(client, db, address):
    response = client.get(address)
    assert (response.status_code, response["Location"]) == (302, LOGIN)


def test_the_admins_log_out_signs_out_as_the_site_does(client, editor):
    """The admin's "Log out" ends the sign-in and lands on the site's sign-in page, saying so
    in the site's words."""
    sign_in(client, editor.username)

    response = client.post("/admin/logout/", follow=True)

    assert response.redirect_chain == [(LOGIN, 302)]
    assert "You have signed out." in response.text
    assert client.get("/admin/").status_code == 302
