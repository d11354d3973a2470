"""The player's hot-path rows (scenarios/rows.py): a start reads the scenario and inserts the
attempt without the ORM's query building, and gets the same instances the ORM would."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scenarios.models import Scenario, ScenarioAttempt
from scenarios.selectors import graph_for_revision, scenario_for_player
from scenarios.services import scenario_attempt_start
from tests.scenarios.helpers import published_scenario

pytestmark = pytest.mark.django_db


def test_the_player_read_carries_the_scenario_columns_it_shows(pupil):
    scenario = published_scenario(introduction="Someone posts a photo.")

    loaded = scenario_for_player(scenario.uuid)

    assert isinstance(loaded, Scenario) and loaded.pk == scenario.pk
    assert (loaded.uuid, loaded.title, loaded.introduction, loaded.audience) == (
        scenario.uuid,
        scenario.title,
        scenario.introduction,
        scenario.audience,
    )
    assert (loaded.live, loaded.live_revision_id) == (True, scenario.live_revision_id)
    # A column left out of the read still loads when asked for.
    assert loaded.start_node == scenario.start_node


def test_the_player_read_of_an_unknown_scenario_is_none():
    assert scenario_for_player(uuid.uuid4()) is None


def test_a_started_attempt_is_stored_as_the_orm_would_store_it(pupil):
    scenario = published_scenario()

    attempt = scenario_attempt_start(learner=pupil, scenario=scenario, restart=True)

    assert attempt.pk is not None and not attempt._state.adding
    stored = ScenarioAttempt.objects.get(pk=attempt.pk)
    for field in ScenarioAttempt._meta.concrete_fields:
        assert getattr(stored, field.attname) == getattr(attempt, field.attname), field.name
    assert stored.started_at is not None and stored.step == 0 and stored.finished_at is None
    assert stored.revision_id == scenario.live_revision_id
    assert stored.state["node_id"] == "start"


def test_starting_again_on_the_scenarios_own_page_reads_once_and_writes_once(client, pupil):
    scenario = published_scenario()
    graph_for_revision(scenario.live_revision_id)  # revisions never change: cached
    client.force_login(pupil)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("scenarios:start", args=[scenario.uuid]),
            {"restart": "1"},
            HTTP_X_REQUESTED_WITH="fetch",
        )

    assert response.status_code == 200
    assert ScenarioAttempt.objects.filter(learner=pupil, scenario=scenario).count() == 1
    if connection.vendor == "postgresql":
        # The two statements go through psycopg's own prepared cursor, not Django's.
        own = [q["sql"] for q in queries.captured_queries]
        assert not any("scenarios_scenario" in sql for sql in own), own
    else:
        tables = [q["sql"] for q in queries.captured_queries if "scenarios_" in q["sql"]]
        assert len(tables) == 2, tables


def test_starting_an_unknown_scenario_is_not_found(client, pupil):
    client.force_login(pupil)
    response = client.post(reverse("scenarios:start", args=[uuid.uuid4()]))
    assert response.status_code == 404
