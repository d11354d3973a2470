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


def test_nothing_on_the_set_up_page_is_cut_off_at_320_pixels_with_wider_text_spacing(
    narrow_page, live_server, administrator
):
    """WCAG 1.4.10 (reflow) and 1.4.12 (text spacing): Wagtail's main area hides what
    overflows it, so anything on the page wider than a 320 CSS px screen, once a reader's
    own style sheet spaces the text out, is cut off on the right and cannot be scrolled to."""
    from tests.e2e.test_xapi_forwarding_status import WIDER_TEXT_SPACING

    page = narrow_page
    sign_in(page, live_server, administrator.username)
    page.goto(f"{live_server.url}/admin/schools/set-up/")
    page.add_style_tag(content=WIDER_TEXT_SPACING)
    main = page.locator("main")
    cut_off = main.evaluate(
        """main => { const edge = main.getBoundingClientRect().right;
        return [...main.querySelectorAll('*')]
          .filter(el => el.getClientRects().length && el.getBoundingClientRect().right > edge + 0.5)
          .map(el => `${el.tagName.toLowerCase()}#${el.id}.${el.className}: `
            + `${Math.round(el.getBoundingClientRect().right - edge)}px`); }"""
    )
    hidden = main.evaluate("el => el.scrollWidth - el.clientWidth")
    assert hidden <= 0 and not cut_off, f"the main area hides {hidden}px: {cut_off}"
