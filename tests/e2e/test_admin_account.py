"""An editor opens their Wagtail account page and picks a time zone."""

import pytest

from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_time_zone_an_editor_can_choose_is_one_the_browser_knows(page, live_server, editor):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, editor.username)
    page.goto(f"{live_server.url}/admin/account/")
    page.wait_for_load_state("networkidle")

    rejected = page.evaluate(
        """() => [...document.querySelectorAll("select[name$='current_time_zone'] option")]
            .map((option) => option.value)
            .filter((zone) => zone)
            .filter((zone) => {
                try { new Intl.DateTimeFormat("en-GB", {timeZone: zone}); return false; }
                catch (error) { return true; }
            })"""
    )
    assert rejected == [], f"the browser rejects these time zones: {rejected}"
    assert errors == []
