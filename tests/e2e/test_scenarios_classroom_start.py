"""A teacher's classroom start form sent back with a problem: the GOV.UK error pattern."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.scenarios.helpers import published_scenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_scenario_withdrawn_before_the_start_is_marked_on_its_field(
    page, live_server, teacher, klass
):
    """The scenario is unpublished while the form is open: the error summary says there is a
    problem and links to the scenario field, which is marked invalid and described by the
    problem, so a keyboard or screen reader user lands on the choice to put right."""
    withdrawn = published_scenario(title="Spotting a fake post")
    published_scenario(title="Another fake post")
    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}/scenarios/classroom/")
    page.get_by_label("Scenario").select_option(label="Spotting a fake post")
    withdrawn.live = False
    withdrawn.save(update_fields=["live"])
    page.get_by_role("button", name="Start with this class").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    scenario_field = page.get_by_label("Scenario")
    expect(scenario_field).to_have_attribute("aria-invalid", "true")
    expect(scenario_field).to_have_accessible_description(re.compile("Choose a scenario"))
    expect(page.get_by_label("Class")).not_to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    summary.get_by_role("link", name="Choose a scenario.").click()
    expect(scenario_field).to_be_focused()
