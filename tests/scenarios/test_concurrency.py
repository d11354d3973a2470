"""Two identical submissions at the same moment (a double click that beat the JavaScript
guard, two tabs): exactly one is applied; the other is told it is stale."""

import threading

import pytest
from django.db import connection

from scenarios.models import ScenarioAttempt, ScenarioChoiceRecord
from scenarios.services import (
    StaleRestart,
    StaleSubmission,
    scenario_attempt_start,
    scenario_choice_make,
)
from tests.scenarios.helpers import published_scenario

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs a database with row locks and concurrent writers (PostgreSQL)",
    ),
]


def test_simultaneous_duplicate_choices_are_applied_once(pupil):
    scenario = published_scenario()
    attempt = scenario_attempt_start(learner=pupil, scenario=scenario)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def submit():
        from django.db import connections

        barrier.wait()
        try:
            scenario_choice_make(
                learner=pupil,
                attempt_uuid=attempt.uuid,
                node_id="start",
                step=0,
                choice_id="report",
            )
            outcomes.append("applied")
        except StaleSubmission:
            outcomes.append("stale")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["applied", "stale", "stale", "stale"]
    attempt = ScenarioAttempt.objects.get(pk=attempt.pk)
    assert attempt.step == 1 and attempt.state["score"] == 2
    assert ScenarioChoiceRecord.objects.filter(attempt=attempt).count() == 1


def test_simultaneous_requests_to_start_again_start_one_attempt(pupil):
    scenario = published_scenario()
    first = scenario_attempt_start(learner=pupil, scenario=scenario)
    scenario_choice_make(
        learner=pupil, attempt_uuid=first.uuid, node_id="start", step=0, choice_id="report"
    )
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def restart():
        from django.db import connections

        barrier.wait()
        try:
            scenario_attempt_start(
                learner=pupil, scenario=scenario, restart=True, restart_from=str(first.uuid)
            )
            outcomes.append("started")
        except StaleRestart:
            outcomes.append("stale")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=restart) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["stale", "stale", "stale", "started"]
    assert ScenarioAttempt.objects.filter(learner=pupil, scenario=scenario).count() == 2
