"""An editor marks a course as requiring renewal in the admin and makes a mistake."""

import pytest
from playwright.sync_api import expect

from schools.roles import roles_sync
from tests.e2e.conftest import assert_accessible, sign_in
from tests.records.conftest import _course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mistake_in_requiring_renewal_is_announced(page, live_server, editor, home_page):
    """As the site's own forms do (WCAG 3.3.1, 2.4.2): the page title says something went
    wrong, and focus moves to the list of problems, whose links lead to the fields."""
    course = _course(home_page, audience="staff", title="Protecting your reputation")
    # A browser test before this one may have flushed the page tree, and with it the
    # editors' permission to publish pages under its root: grant it on the new one.
    roles_sync()
    sign_in(page, live_server, editor.username)
    page.goto(f"{live_server.url}/admin/records/courses/{course.pk}/requires-renewal/")
    page.get_by_label("Days to complete it again").fill("400")
    page.get_by_role("button", name="Require renewal").click()
    summary = page.get_by_role("alert").filter(has_text="Nothing was marked.")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: Requires renewal")
    summary.get_by_role("link", name="What changed").click()
    expect(page.get_by_label("What changed")).to_be_focused()
    assert_accessible(page, include="main")
