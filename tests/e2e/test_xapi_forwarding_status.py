"""An administrator checks forwarding to another LRS on a phone-sized screen."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import UserFactory
from xapi.models import ForwardingTarget

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}


@pytest.fixture
def administrator(db):
    return UserFactory(
        school=None,
        username="admin1",
        password="secret-pass-123",
        is_staff=True,
        is_superuser=True,
    )


def test_the_forwarding_table_scrolls_in_its_own_region_at_320_pixels(
    browser, live_server, administrator
):
    """WCAG 1.4.10 (reflow): the table is wider than a 320 CSS px screen, and Wagtail's main
    area hides what overflows it, so its last columns were cut off with no way to reach
    them. The table scrolls inside a region a keyboard user can focus, and every target's
    replay button can be reached."""
    ForwardingTarget.objects.create(
        name="Trust LRS", endpoint="https://lrs.trust.example.org/data/xAPI/"
    )
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, administrator.username)
    page.goto(f"{live_server.url}/admin/xapi/outbox/")
    region = page.get_by_role("region", name="Statements waiting, failed and sent")
    expect(region).to_have_attribute("tabindex", "0")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth"), "nothing to scroll"
    button = region.get_by_role("button", name="Replay now Trust LRS")
    button.scroll_into_view_if_needed()
    expect(button).to_be_in_viewport()
    assert_accessible(page, include="main")
    context.close()
