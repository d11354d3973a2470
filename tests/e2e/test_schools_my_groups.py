"""Passwords: a teacher resets a pupil's from My groups and the pupil signs in with it; a
member of staff resets their own by email; anyone changes their own."""

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


def test_a_member_of_staff_resets_a_forgotten_password_by_email(page, live_server, teacher):
    import re

    from django.core import mail
    from django.core.cache import cache

    cache.clear()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="reset your password by email").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your work email address.")
    assert_accessible(page)
    page.get_by_label("Your work email address").fill(teacher.email)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page)

    [message] = mail.outbox
    path = re.search(r"/accounts/password/reset/\S+/", message.body).group(0)
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill("kite-harbour-meadow-71")
    page.get_by_label("New password confirmation").fill("kite-harbour-meadow-71")
    page.get_by_role("button", name="Set my new password").click()
    expect(page.get_by_role("heading", name="Your new password is set")).to_be_visible()
    assert_accessible(page)
    page.locator("main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill(teacher.username)
    page.get_by_label("Password").fill("kite-harbour-meadow-71")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()
