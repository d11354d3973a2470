"""A teacher counting a class's votes in classroom mode, on a projector or whiteboard."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.scenarios.helpers import published_scenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_scrolling_over_a_count_typed_in_does_not_change_it(page, live_server, teacher, klass):
    """The teacher types a count, then scrolls down to the button with the mouse wheel while
    the pointer rests on the box (a whiteboard's pen often does). A number box would take the
    wheel as "one fewer" and the class could be sent the way it did not choose: the count
    stays as typed, and the page scrolls instead. (GOV.UK Design System, "Text input":
    avoid inputs of type number; ask for whole numbers with inputmode="numeric".)"""
    published_scenario()
    page.set_default_timeout(15000)
    page.set_viewport_size({"width": 1280, "height": 400})
    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}/scenarios/classroom/")
    page.get_by_role("button", name="Start with this class").click()

    count = page.get_by_role("group", name="How many pupils chose each option?").get_by_label(
        "Report it"
    )
    count.fill("12")
    count.hover()
    page.mouse.wheel(0, 120)

    expect(count).to_have_value("12")
    # Phones and tablets still offer a keypad of digits for it.
    expect(count).to_have_attribute("inputmode", "numeric")
