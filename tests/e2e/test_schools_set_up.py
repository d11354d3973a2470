"""An administrator sets up a new school in the admin and makes a mistake."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mistake_in_setting_up_a_school_is_announced(page, live_server, administrator):
    """As the site's own forms do (WCAG 3.3.1, 2.4.2): the page title says something went
    wrong, and focus moves to the list of problems, whose links lead to the fields."""
    sign_in(page, live_server, administrator.username)
    page.goto(f"{live_server.url}/admin/schools/set-up/")
    page.get_by_label("URN").fill("401234")
    page.get_by_label("First name").fill("Siân")
    page.get_by_label("Last name").fill("Llywelyn")
    page.get_by_label("Work email address").fill("not-an-address")
    page.get_by_role("button", name="Set up the school").click()
    summary = page.get_by_role("alert").filter(has_text="The school could not be set up.")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: Set up a new school")
    summary.get_by_role("link", name="Enter a valid email address.").click()
    expect(page.get_by_label("Work email address")).to_be_focused()
    assert_accessible(page, include="main")
