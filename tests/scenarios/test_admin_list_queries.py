"""The admin's list of scenarios reads the same number of rows from the database however many
scenarios there are, and still says which are scheduled to go live."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.scenarios.helpers import published_scenario

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/snippets/scenarios/scenario/"


def _queries_for_the_list(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL)
    assert response.status_code == 200
    return len(queries), response.text


def test_the_scenario_list_takes_no_more_queries_for_more_scenarios(admin_client):
    """Its status column ("live", "live + draft", "scheduled") looked up each scenario's
    scheduled revision in turn: one more query for every scenario on the page."""
    published_scenario(title="Scenario 0")
    admin_client.get(LIST_URL)  # warm per-process caches (content types, site root)
    few, _page = _queries_for_the_list(admin_client)
    for n in range(1, 12):
        published_scenario(title=f"Scenario {n}")
    many, _page = _queries_for_the_list(admin_client)
    assert many == few


def test_the_scenario_list_still_shows_a_scenario_scheduled_to_go_live(admin_client):
    scenario = published_scenario(title="The crest account")
    scenario.title = "The crest account, revised"
    revision = scenario.save_revision(approved_go_live_at=timezone.now() + timedelta(days=1))
    assert revision.approved_go_live_at is not None
    published_scenario(title="Spotting a fake post")
    _count, page = _queries_for_the_list(admin_client)
    assert "live + scheduled" in page.lower()
