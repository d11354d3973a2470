"""An administrator reads the admin's listings of people and forwarding targets on a phone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import UserFactory
from xapi.models import ForwardingTarget

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What is cut off: the first box between the table and the page that hides what sticks out
# of it, unless a box before it lets it scroll.
CUT_OFF_BY = """table => {
  for (let box = table.parentElement; box; box = box.parentElement) {
    const overflow = getComputedStyle(box).overflowX;
    if (overflow === "auto" || overflow === "scroll") return null;
    const hides = overflow === "hidden" || overflow === "clip";
    if (hides && box.scrollWidth > box.clientWidth) return box.className || box.tagName;
  }
  return null;
}"""


@pytest.mark.parametrize(
    "path", ["/admin/schools/people/", "/admin/users/", "/admin/xapi/forwarding/"]
)
def test_the_admin_listings_scroll_in_their_own_region_at_320_pixels(
    narrow_page, live_server, administrator, school, path
):
    """WCAG 1.4.10 (reflow): the people (Schools -> People and Settings -> Users) and
    forwarding targets listings are wider than a 320 CSS px screen, and Wagtail's main area
    hides what overflows it, so their last columns (a person's school and MIS id, or their
    status and last sign-in; a target's version and whether it is active) were cut off with
    no way to reach them. Each listing scrolls inside a region a
    keyboard user can focus, as the forwarding status page does."""
    UserFactory(school=school, username="a.person.with.a.long.username", mis_id="A123456789")
    ForwardingTarget.objects.create(
        name="Trust LRS", endpoint="https://lrs.trust.example.org/data/xAPI/"
    )
    page = narrow_page
    sign_in(page, live_server, administrator.username)
    page.goto(f"{live_server.url}{path}")
    table = page.locator("main table.listing")
    expect(table).to_be_visible()
    cut_off_by = table.evaluate(CUT_OFF_BY)
    assert cut_off_by is None, f"the listing at {path} is cut off by {cut_off_by}"
    region = page.locator("main [role=region]").filter(has=page.locator("table.listing"))
    expect(region).to_have_attribute("tabindex", "0")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth"), "nothing to scroll"
    assert_accessible(page, include="main")
