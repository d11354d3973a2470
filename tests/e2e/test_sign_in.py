"""A pupil signs in and reaches My learning; every page visited passes axe-core."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, MOBILE, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pupil_signs_in_and_lands_on_my_learning(page, live_server, pupil):
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    sign_in(page, live_server, pupil.username)
    assert page.url.endswith("/learning/")
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()
    assert_accessible(page)


def test_sign_in_page_is_accessible_on_a_phone(browser, live_server, db):
    ctx = browser.new_context(viewport=MOBILE)
    page = ctx.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    # The error summary takes focus and the title says there is an error.
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.title().startswith("Error:")
    assert_accessible(page)
    ctx.close()


def test_the_skip_link_is_first_and_moves_focus_to_the_main_content(page, live_server, pupil):
    sign_in(page, live_server, pupil.username)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("banner").count() == 1
    assert page.get_by_role("contentinfo").count() == 1
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def test_signing_out_in_the_browser_returns_to_sign_in(page, live_server, teacher):
    sign_in(page, live_server, teacher.username)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto(f"{live_server.url}/schools/groups/")
    assert "/accounts/login/" in page.url


def test_home_page_is_served_after_a_flush(page, live_server, home_page):
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Upstander")).to_be_visible()
    assert_accessible(page)


def test_pages_load_without_a_missing_file(page, live_server, pupil):
    # Every request a page makes is answered, the tab's icon included (no /favicon.ico 404).
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    sign_in(page, live_server, pupil.username)
    page.goto(f"{live_server.url}/learning/")
    page.wait_for_load_state("networkidle")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(f"{live_server.url}{icon}").status == 200
    assert failed == []


def test_back_after_signing_out_does_not_show_the_last_persons_page(
    browser, live_server, safeguarding_lead
):
    """A shared computer: after Sign out, Back must not bring the dashboard back from the
    browser's memory (the back/forward cache, which Playwright turns off by default)."""
    with_cache = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=["--no-sandbox", "--disable-gpu"],
        ignore_default_args=["--disable-back-forward-cache"],
    )
    try:
        page = with_cache.new_page()
        page.set_default_timeout(15000)
        sign_in(page, live_server, safeguarding_lead.username)
        page.goto(f"{live_server.url}/records/dashboard/")
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        # A page restored from that cache fires no "load": wait only for the navigation.
        page.go_back(wait_until="commit")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        assert "/accounts/login/" in page.url
    finally:
        with_cache.close()


def test_a_pupil_is_warned_before_being_signed_out_and_can_stay_signed_in(page, live_server, pupil):
    """A pupil writing a long answer sends no request: after PUPIL_IDLE_MINUTES their sign-in
    ended without a word, and what they wrote was not saved. WCAG 2.2.1 (Timing Adjustable):
    they are warned before it ends and can stay signed in with one press."""
    import time
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from schools.sessions import RENEWED

    page.clock.install()
    sign_in(page, live_server, pupil.username)
    page.get_by_role("link", name="My PSHE record: the lessons I have completed").click()
    page.get_by_role("heading", name="My PSHE lessons").wait_for()
    # The page's script counts from when it runs: time moved on before then is not counted.
    page.wait_for_load_state()
    warning = page.get_by_role("dialog", name="You will be signed out soon")
    page.clock.run_for("27:00")
    expect(warning).to_be_hidden()

    # On the server, the same 28 minutes have passed since the sign-in was last renewed.
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    row = Session.objects.get(session_key=key)
    data = row.get_decoded()
    data[RENEWED] = int(time.time()) - 28 * 60
    Session.objects.filter(pk=key).update(
        session_data=Session.objects.encode(data),
        expire_date=timezone.now() + timedelta(minutes=2),
    )
    page.clock.run_for("01:05")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("in about 2 minutes")
    stay = warning.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    page.keyboard.press("Enter")
    expect(warning).to_be_hidden()
    minutes_left = (Session.objects.get(pk=key).expire_date - timezone.now()).total_seconds() / 60
    assert minutes_left > 29
    assert_accessible(page)


def test_a_pupil_not_there_to_answer_the_warning_is_told_they_were_signed_out(
    page, live_server, pupil
):
    """Nobody pressed "Stay signed in": once the sign-in has ended the page says so, and
    signing in again comes back to the same page."""
    from django.contrib.sessions.models import Session

    page.clock.install()
    sign_in(page, live_server, pupil.username)
    page.wait_for_url("**/learning/")
    page.wait_for_load_state()
    warning = page.get_by_role("dialog", name="You will be signed out soon")
    # On the server too, 28 minutes pass, then the sign-in ends.
    _age_sign_in(page, minutes=28)
    page.clock.run_for("28:05")
    expect(warning).to_be_visible()
    Session.objects.all().delete()
    page.clock.run_for("02:00")
    signed_out = page.get_by_role("dialog", name="You have been signed out")
    expect(signed_out).to_be_visible()
    # With an opaque mark of who it was (schools.sessions.signed_out_person), never a name.
    expect(signed_out.get_by_role("link", name="Sign in again")).to_have_attribute(
        "href", re.compile(r"^/accounts/login/\?next=/learning/&person=[0-9a-f]{20}$")
    )


def _age_sign_in(page, *, minutes: int) -> None:
    """Make the server's record of the page's sign-in `minutes` older."""
    import time
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from schools.sessions import ALLOWANCE, RENEWED

    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    data = Session.objects.get(session_key=key).get_decoded()
    data[RENEWED] = int(time.time()) - minutes * 60
    Session.objects.filter(pk=key).update(
        session_data=Session.objects.encode(data),
        expire_date=timezone.now() + timedelta(seconds=data[ALLOWANCE] - minutes * 60),
    )


def test_a_tab_left_alone_does_not_say_signed_out_while_another_tab_keeps_the_sign_in(
    context, live_server, pupil
):
    """The same pupil has two tabs open and works in the other one: the sign-in is still
    alive, so the tab left alone neither warns nor claims they were signed out."""
    from playwright.sync_api import expect

    idle = context.new_page()
    idle.clock.install()
    sign_in(idle, live_server, pupil.username)
    busy = context.new_page()
    for _ in range(3):
        idle.clock.run_for("10:05")
        busy.goto(f"{live_server.url}/learning/")  # the sign-in is used, in the other tab
    expect(idle.get_by_role("dialog", name="You have been signed out")).to_be_hidden()
    expect(idle.get_by_role("dialog", name="You will be signed out soon")).to_be_hidden()
    # It was true: the tab left alone can still go on.
    idle.goto(f"{live_server.url}/learning/")
    assert "/accounts/login/" not in idle.url
