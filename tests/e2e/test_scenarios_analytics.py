"""A teacher reads the scenario choices of their class with a screen reader."""

import pytest
from playwright.sync_api import expect

from scenarios.services import scenario_attempt_start, scenario_choice_make
from schools.models import Membership
from schools.roles import Role
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import UserFactory
from tests.scenarios.helpers import published_scenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _five_pupils_play_to_an_ending(klass, school, scenario):
    for index in range(5):
        pupil = UserFactory(school=school, username=f"player{index}", roles=[Role.PUPIL])
        Membership.objects.create(group=klass, user=pupil)
        attempt = scenario_attempt_start(learner=pupil, scenario=scenario)
        node = "start"
        for step, choice in enumerate(["report", "tell"]):
            result = scenario_choice_make(
                learner=pupil, attempt_uuid=attempt.uuid, node_id=node, step=step, choice_id=choice
            )
            node = result.step.node.id


def test_every_table_of_the_scenario_choices_has_a_name(page, live_server, teacher, klass, school):
    """WCAG 1.3.1 (info and relationships), technique H39: a screen reader lists a page's
    tables by name and reads the name on entering one, as every other table on the site
    has. The group's scenarios and the endings reached had none; the choices at each step
    did."""
    scenario = published_scenario()
    _five_pupils_play_to_an_ending(klass, school, scenario)
    sign_in(page, live_server, teacher.username)

    page.goto(f"{live_server.url}/scenarios/analytics/?group={klass.pk}")
    played = page.get_by_role("table", name=f"Scenarios for {klass.name}: how many")
    expect(played.get_by_role("cell", name=scenario.title, exact=True)).to_be_visible()
    assert_accessible(page)

    played.get_by_role("link", name=f"See the choices in {scenario.title}").click()
    endings = page.get_by_role("table", name="Endings reached")
    expect(endings.get_by_role("row")).not_to_have_count(0)
    for table in page.get_by_role("table").all():
        assert table.evaluate("t => t.caption !== null && t.caption.textContent.trim() !== ''")
    assert_accessible(page)
