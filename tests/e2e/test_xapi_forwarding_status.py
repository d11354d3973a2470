"""An administrator checks forwarding to another LRS on a phone-sized screen."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    assert_accessible,
    assert_fits_the_screen,
    sign_in,
    statement_refused,
)
from xapi.models import ForwardingTarget

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def trust_lrs(db):
    return ForwardingTarget.objects.create(
        name="Trust LRS", endpoint="https://lrs.trust.example.org/data/xAPI/"
    )


@pytest.fixture
def narrow_outbox(narrow_page, live_server, administrator):
    """Go to the forwarding status page as the administrator on a 320 CSS px wide screen."""

    def visit():
        sign_in(narrow_page, live_server, administrator.username)
        narrow_page.goto(f"{live_server.url}/admin/xapi/outbox/")
        return narrow_page

    return visit


def test_the_forwarding_table_scrolls_in_its_own_region_at_320_pixels(trust_lrs, narrow_outbox):
    """WCAG 1.4.10 (reflow): the table is wider than a 320 CSS px screen, and Wagtail's main
    area hides what overflows it, so its last columns were cut off with no way to reach
    them. The table scrolls inside a region a keyboard user can focus, and every target's
    replay button can be reached."""
    page = narrow_outbox()
    region = page.get_by_role("region", name="Statements waiting, failed and sent")
    expect(region).to_have_attribute("tabindex", "0")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth"), "nothing to scroll"
    button = region.get_by_role("button", name="Replay now Trust LRS")
    button.scroll_into_view_if_needed()
    expect(button).to_be_in_viewport()
    assert_accessible(page, include="main")


def test_the_refused_statements_scroll_in_their_own_region_at_320_pixels(trust_lrs, narrow_outbox):
    """WCAG 1.4.10 (reflow): a refused statement's id, verb and activity IRIs and the other
    LRS's answer are wider than a 320 CSS px screen. They scroll inside a region a keyboard
    user can focus, and the page itself does not scroll sideways."""
    statement = statement_refused(
        trust_lrs, "HTTP 422: statement.object.definition.extensions is not a valid IRI map"
    )
    page = narrow_outbox()
    region = page.get_by_role("region", name="Statements a target refused, newest first")
    expect(region).to_have_attribute("tabindex", "0")
    expect(region.get_by_role("cell", name=str(statement.statement_id))).to_be_attached()
    assert_fits_the_screen(page)
    region.focus()
    answer = region.get_by_text("is not a valid IRI map")
    answer.scroll_into_view_if_needed()
    expect(answer).to_be_in_viewport()
    assert_accessible(page, include="main")


# WCAG 1.4.12 (text spacing): what a reader's own style sheet may set, all at once.
WIDER_TEXT_SPACING = (
    "* { line-height: 1.5 !important; letter-spacing: 0.12em !important;"
    " word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }"
)


def test_the_page_title_is_not_cut_off_at_320_pixels(home_page, trust_lrs, narrow_outbox):
    """WCAG 1.4.10 (reflow) and 1.4.12 (text spacing): Wagtail's header kept a 2em gap after
    the title's column and never broke its words, so at 320 CSS px the column ran 9 px past
    the main area, which hides what overflows it; with wider text spacing the end of
    "Forwarding" was cut off there."""
    page = narrow_outbox()
    main = page.locator("main")
    overflow = main.evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow <= 0, f"the main area hides {overflow}px on its right"
    page.add_style_tag(content=WIDER_TEXT_SPACING)
    title_right = page.get_by_role("heading", level=1).evaluate(
        "h => { const text = document.createRange(); text.selectNodeContents(h);"
        " return text.getBoundingClientRect().right; }"
    )
    main_right = main.evaluate("el => el.getBoundingClientRect().right")
    assert title_right <= main_right, f"the title ends {title_right - main_right:.0f}px past"
