"""Two identical submissions at the same moment (a double click that beat the JavaScript
guard, two tabs): exactly one is applied; the other is told it is stale."""

import threading

import pytest
from django.db import connection

from scenarios.models import ScenarioAttempt, ScenarioChoiceRecord
from scenarios.services import (
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


def _at_once(action, *, times=4) -> list[str]:
    """Run `action` in `times` threads released together; each returns "applied", or
    "stale" when the service refused it as stale. The outcomes, sorted."""
    barrier = threading.Barrier(times)
    outcomes: list[str] = []

    def run():
        from django.db import connections

        barrier.wait()
        try:
            action()
            outcomes.append("applied")
        except StaleSubmission:
            outcomes.append("stale")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_simultaneous_duplicate_choices_are_applied_once(pupil):
    scenario = published_scenario()
    attempt = scenario_attempt_start(learner=pupil, scenario=scenario)
    outcomes = _at_once(
        lambda: scenario_choice_make(
            learner=pupil, attempt_uuid=attempt.uuid, node_id="start", step=0, choice_id="report"
        )
    )
    assert outcomes == ["applied", "stale", "stale", "stale"]
    attempt = ScenarioAttempt.objects.get(pk=attempt.pk)
    assert attempt.step == 1 and attempt.state["score"] == 2
    assert ScenarioChoiceRecord.objects.filter(attempt=attempt).count() == 1


def test_simultaneous_requests_to_start_again_start_one_attempt(pupil):
    scenario = published_scenario()
    first = scenario_attempt_start(learner=pupil, scenario=scenario)
    scenario_choice_make(
        learner=pupil, attempt_uuid=first.uuid, node_id="start", step=0, choice_id="report"
    )
    # A stale restart is a StaleRestart, which is a StaleSubmission.
    outcomes = _at_once(
        lambda: scenario_attempt_start(
            learner=pupil, scenario=scenario, restart=True, restart_from=str(first.uuid)
        )
    )
    assert outcomes == ["applied", "stale", "stale", "stale"]
    assert ScenarioAttempt.objects.filter(learner=pupil, scenario=scenario).count() == 2
