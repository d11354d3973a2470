"""An administrator edits a school in the admin on a phone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_school_form_fits_a_320_pixel_screen(narrow_page, live_server, administrator, school):
    """WCAG 1.4.10 (reflow): the "How staff appear in xAPI statements" box was as wide as
    its longest choice ("Opaque account id (recommended)"), wider than a 320 CSS px screen,
    and Wagtail's main area hides what overflows it, so its right-hand end (where the arrow
    that opens it is drawn) was cut off."""
    page = narrow_page
    sign_in(page, live_server, administrator.username)
    page.goto(f"{live_server.url}/admin/schools/schools/edit/{school.pk}/")
    select = page.get_by_label("How staff appear in xAPI statements")
    expect(select).to_be_visible()
    right, width = select.evaluate("el => [el.getBoundingClientRect().right, innerWidth]")
    assert right <= width, f"the box ends at {right}px on a {width}px screen"
    assert_accessible(page, include="main")
