"""A pupil signs in and reaches My learning; every page visited passes axe-core."""

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
