"""A teacher resets a pupil's password from My groups, and the pupil signs in with it."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import MOBILE, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_teacher_resets_a_pupils_password_and_the_pupil_signs_in(
    browser, page, live_server, teacher, pupil
):
    sign_in(page, live_server, teacher.username)
    assert_accessible(page)
    page.get_by_role("link", name="My groups").click()
    expect(page.get_by_role("heading", name="8R")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=f"Reset password for {pupil.get_full_name()}").click()
    notice = page.get_by_role("status")
    assert f"New password for {pupil.get_full_name()}" in notice.inner_text()
    password = page.locator(".new-password__value").inner_text()
    assert page.evaluate("document.activeElement.classList.contains('new-password')")
    assert_accessible(page)

    pupil_context = browser.new_context(viewport=MOBILE)
    pupil_page = pupil_context.new_page()
    sign_in(pupil_page, live_server, pupil.username, password)
    expect(pupil_page.get_by_role("heading", name="My learning")).to_be_visible()
    assert_accessible(pupil_page)
    pupil_context.close()


def test_a_locked_out_pupil_sees_a_friendly_accessible_page(page, live_server, pupil):
    for _ in range(5):
        sign_in(page, live_server, pupil.username, "not-the-password")
    expect(page.get_by_role("heading", name="Too many attempts to sign in")).to_be_visible()
    assert_accessible(page)


def test_changing_a_password_in_the_browser(page, live_server, pupil):
    sign_in(page, live_server, pupil.username)
    page.get_by_role("link", name="Change password").click()
    assert_accessible(page)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Old password").fill("secret-pass-123")
    page.get_by_label("New password", exact=True).fill("kite-harbour-meadow-71")
    page.get_by_label("New password confirmation").fill("kite-harbour-meadow-71")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="Your password has been changed")).to_be_visible()
    assert_accessible(page)
