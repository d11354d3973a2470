"""A sign-in ends after a while without a request: sooner for pupils, who share devices."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from schools.roles import Role
from schools.sessions import RENEWED

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"


def _sign_in(client, user) -> Session:
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return Session.objects.get(pk=client.cookies["sessionid"].value)


def _minutes_left(session: Session) -> float:
    return (session.expire_date - timezone.now()).total_seconds() / 60


@pytest.mark.parametrize(("who", "minutes"), [("pupil", 30), ("teacher", 240)])
def test_a_sign_in_ends_after_the_persons_allowance(client, request, who, minutes):
    session = _sign_in(client, request.getfixturevalue(who))
    assert minutes - 1 < _minutes_left(session) <= minutes
    assert client.cookies["sessionid"]["max-age"] == minutes * 60


def test_the_allowances_are_settings_and_the_sign_in_page_says_so(client, pupil, settings):
    settings.PUPIL_IDLE_MINUTES = 20
    page = client.get(reverse("login")).content.decode()
    assert "Pupils are also signed out after 20 minutes without using Upstander." in page
    assert 19 < _minutes_left(_sign_in(client, pupil)) <= 20


def test_using_the_site_keeps_a_pupil_signed_in(client, pupil):
    session = _sign_in(client, pupil)
    # Ten minutes on, the session is renewed: another full allowance from now.
    store = client.session
    store[RENEWED] = int(time.time()) - 600
    store.save()
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=20))
    assert client.get(reverse("courses:my_learning")).status_code == 200
    assert 29 < _minutes_left(Session.objects.get(pk=session.pk)) <= 30


def test_a_request_soon_after_the_last_writes_nothing(client, pupil):
    session = _sign_in(client, pupil)
    end = timezone.now() + timedelta(minutes=25)
    Session.objects.filter(pk=session.pk).update(expire_date=end)
    assert client.get(reverse("courses:my_learning")).status_code == 200
    assert Session.objects.get(pk=session.pk).expire_date == end


def test_after_the_allowance_without_a_request_the_pupil_is_signed_out(client, pupil):
    session = _sign_in(client, pupil)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("courses:my_learning"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_editors_sign_in_to_the_admin_through_the_sites_page_with_the_same_allowance(
    client, editor
):
    """Wagtail's own sign-in page, whose "Remember me" kept someone signed in for two weeks,
    sends people to the site's, keeping where they were going; the staff allowance applies."""
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/admin/pages/"
    response = client.get(reverse("wagtailadmin_login") + "?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/admin/pages/"

    response = client.post(
        f"{reverse('login')}?next=/admin/pages/",
        {"username": editor.username, "password": PASSWORD},
    )
    assert response["Location"] == "/admin/pages/"
    session = Session.objects.get(pk=client.cookies["sessionid"].value)
    assert 239 < _minutes_left(session) <= 240
    assert not client.session.get_expire_at_browser_close()
    assert client.get("/admin/").status_code == 200


def test_an_admin_page_left_open_does_not_keep_the_sign_in_going(client, editor):
    """An admin edit page pings every few seconds while it is open; only a page with unsaved
    changes (an editor still writing) counts as using the site."""
    session = _sign_in(client, editor)
    ping = reverse("wagtailadmin_editing_sessions:ping", args=["wagtailcore", "page", "1", 1])
    end = timezone.now() + timedelta(minutes=100)

    def an_hour_without_use():
        store = client.session
        store[RENEWED] = int(time.time()) - 3600
        store.save()
        Session.objects.filter(pk=session.pk).update(expire_date=end)

    an_hour_without_use()
    client.post(ping)
    assert Session.objects.get(pk=session.pk).expire_date == end
    client.post(ping, {"is_editing": "1"})
    assert 239 < _minutes_left(Session.objects.get(pk=session.pk)) <= 240
    # Any other request is use.
    an_hour_without_use()
    assert client.get("/admin/").status_code == 200
    assert 239 < _minutes_left(Session.objects.get(pk=session.pk)) <= 240


@pytest.mark.parametrize(
    ("who", "url_name"),
    [
        ("pupil", "courses:my_learning"),
        ("pupil", "records:my_pshe"),
        ("safeguarding_lead", "records:dashboard"),
        ("safeguarding_lead", "records:overview_csv"),
        ("safeguarding_lead", "records:training_record_pdf"),
        ("teacher", "schools:my_groups"),
    ],
)
def test_pages_for_someone_signed_in_are_not_kept_for_the_back_button(
    client, request, who, url_name
):
    """On a shared computer, Back after signing out must not show the last person's pages
    from the browser's cache: every page for someone signed in says not to store it."""
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_the_site_page_tree_is_not_kept_for_a_signed_in_person_but_is_for_visitors(
    client, pupil, home_page
):
    assert "Cache-Control" not in client.get(home_page.url)
    client.force_login(pupil)
    assert "no-store" in client.get(home_page.url)["Cache-Control"]


def test_stay_signed_in_renews_the_sign_in_at_once_and_says_for_how_long(client, pupil):
    """The page's warning before a sign-in ends offers "Stay signed in"."""
    session = _sign_in(client, pupil)
    store = client.session
    store[RENEWED] = int(time.time()) - 28 * 60
    store.save()
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=2))
    response = client.post(reverse("session_stay"))
    assert response.status_code == 200
    assert 29 * 60 < response.json()["seconds_left"] <= 30 * 60
    assert 29 < _minutes_left(Session.objects.get(pk=session.pk)) <= 30


def test_stay_signed_in_after_the_sign_in_ended_says_so(client, pupil):
    session = _sign_in(client, pupil)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.post(reverse("session_stay"))
    assert response.status_code == 403
    assert response.json() == {"signed_out": True}
    assert client.get(reverse("session_stay")).status_code == 405


def test_a_page_says_how_long_is_left_for_its_warning(client, pupil):
    _sign_in(client, pupil)
    html = client.get(reverse("courses:my_learning")).content.decode()
    seconds = int(re.search(r'data-seconds-left="(\d+)"', html).group(1))
    assert 29 * 60 < seconds <= 30 * 60
    assert 'data-allowance="1800"' in html


def test_a_page_can_ask_how_long_is_left_without_keeping_the_sign_in_going(client, pupil):
    """The same person may use the site in another tab: before a page warns that the sign-in
    is ending, or says it has ended, it asks, and asking is not using the site."""
    session = _sign_in(client, pupil)
    store = client.session
    store[RENEWED] = int(time.time()) - 20 * 60
    store.save()
    response = client.get(reverse("session_left"))
    assert response.status_code == 200
    assert 9 * 60 < response.json()["seconds_left"] <= 10 * 60
    assert client.session[RENEWED] < time.time() - 19 * 60  # not renewed by asking
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("session_left"))
    assert response.status_code == 403
    assert response.json() == {"signed_out": True}


def _sign_in_again_link(html: str) -> str:
    """The href of the "Sign in again" link the page shows once its sign-in has ended."""
    import html as html_module

    return html_module.unescape(re.search(r'<a href="([^"]+)" data-session-sign-in', html)[1])


def test_someone_else_signing_in_again_from_the_last_persons_page_goes_to_their_own_home(
    client, school, teacher, klass
):
    """On a shared computer the sign-in of the teacher at the front ends while their class's
    PSHE record is open. Another teacher, of another class, uses the page's "Sign in again":
    they go to their own home page, not to a class record that is "not found" for them."""
    from schools.models import Group, Membership
    from tests.factories import GroupFactory, UserFactory

    other_class = GroupFactory(school=school, name="9T", kind=Group.Kind.CLASS)
    colleague = UserFactory(school=school, username="teacher2", roles=[Role.STAFF])
    Membership.objects.create(group=other_class, user=colleague, role=Membership.Role.TEACHER)
    session = _sign_in(client, teacher)
    class_record = reverse("records:pshe_class", args=[klass.pk])
    link = _sign_in_again_link(client.get(class_record).content.decode())
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))

    form = client.get(link)
    response = client.post(
        link, {"username": colleague.username, "password": PASSWORD}, follow=True
    )

    assert form.status_code == 200
    assert response.status_code == 200
    assert class_record not in [url for url, _status in response.redirect_chain]
    assert response.redirect_chain[0][0] == reverse("home")


def test_the_same_person_signing_in_again_goes_back_to_their_page(client, teacher, klass):
    session = _sign_in(client, teacher)
    class_record = reverse("records:pshe_class", args=[klass.pk])
    link = _sign_in_again_link(client.get(class_record).content.decode())
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.post(link, {"username": teacher.username, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == class_record
