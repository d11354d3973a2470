"""How a move is read and written: the attempt, its scenario and the learner's school in one
read; the attempt, its choice record and its statements saved together, only from the step
read (on PostgreSQL in one SQL statement, outside any transaction)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scenarios.models import ScenarioAttempt, ScenarioChoiceRecord
from scenarios.services import (
    _attempt_read,
    _move_guard,
    scenario_attempt_start,
    scenario_choice_make,
)
from schools.models import School, User
from schools.roles import Role
from tests.factories import UserFactory
from tests.scenarios.helpers import published_scenario

pytestmark = pytest.mark.django_db


def _choose_by_fetch(client, attempt, *, node, step, choice):
    return client.post(
        reverse("scenarios:choose", args=[attempt.uuid]),
        {"node": node, "step": step, "choice": choice},
        HTTP_X_REQUESTED_WITH="fetch",
    )


def _statements_about(scenario):
    from xapi.identity import activity_iri
    from xapi.models import Statement

    return Statement.objects.filter(object_iri=activity_iri("scenario", scenario.uuid))


def test_the_attempt_read_carries_its_scenario_and_the_learners_school(pupil):
    scenario = published_scenario(introduction="Someone posts a photo.")
    started = scenario_attempt_start(learner=pupil, scenario=scenario)
    learner = User.objects.get(pk=pupil.pk)  # as the auth middleware loads it: no school yet

    attempt = _attempt_read(started.uuid, learner)

    assert attempt.pk == started.pk and attempt.state == started.state and attempt.step == 0
    assert attempt.learner is learner
    loaded = attempt.scenario
    assert (loaded.pk, loaded.uuid, loaded.title, loaded.introduction) == (
        scenario.pk,
        scenario.uuid,
        scenario.title,
        scenario.introduction,
    )
    assert (loaded.audience, loaded.live, loaded.live_revision_id) == (
        scenario.audience,
        True,
        scenario.live_revision_id,
    )
    assert learner.school.pk == pupil.school_id
    # A field left out of the read still loads when asked for.
    assert learner.school.name == "Test Academy"


def test_the_attempt_read_refuses_someone_elses_attempt(pupil, teacher):
    attempt = scenario_attempt_start(learner=pupil, scenario=published_scenario())
    with pytest.raises(ScenarioAttempt.DoesNotExist):
        _attempt_read(attempt.uuid, teacher)


def test_a_step_does_not_look_the_school_up_on_its_own(client, pupil):
    scenario = published_scenario()
    attempt = scenario_attempt_start(learner=pupil, scenario=scenario)
    client.force_login(pupil)
    with CaptureQueriesContext(connection) as queries:
        response = _choose_by_fetch(client, attempt, node="start", step=0, choice="report")
    assert response.status_code == 200 and "Good call." in response.content.decode()
    school_table = School._meta.db_table
    assert not [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and f'FROM "{school_table}"' in q["sql"]
    ]


def test_a_learner_without_a_school_can_play_and_is_recorded(client):
    learner = UserFactory(school=None, roles=[Role.PUPIL])
    scenario = published_scenario()
    attempt = scenario_attempt_start(learner=learner, scenario=scenario)
    client.force_login(learner)
    response = _choose_by_fetch(client, attempt, node="start", step=0, choice="report")
    assert response.status_code == 200 and "Good call." in response.content.decode()
    statement = _statements_about(scenario).get()
    assert statement.school_id is None
    assert statement.data["actor"]["account"]["name"] == str(learner.learner_id)


def test_staff_of_a_school_that_identifies_staff_by_email_are_recorded_by_email(client, teacher):
    School.objects.filter(pk=teacher.school_id).update(
        staff_xapi_identity=School.StaffIdentity.MBOX
    )
    scenario = published_scenario()
    attempt = scenario_attempt_start(learner=teacher, scenario=scenario)
    client.force_login(teacher)
    _choose_by_fetch(client, attempt, node="start", step=0, choice="report")
    statement = _statements_about(scenario).get()
    assert statement.data["actor"] == {
        "objectType": "Agent",
        "mbox": "mailto:teacher1@school.invalid",
    }
    assert statement.school_id == teacher.school_id


def _moved(attempt, *, step):
    """The attempt as a move from `step` would leave it, and that move's choice record."""
    attempt.state = {**attempt.state, "node_id": "reported"}
    attempt.step = step + 1
    attempt.node_entered_at = timezone.now()
    move = ScenarioChoiceRecord(
        attempt=attempt,
        scenario_id=attempt.scenario_id,
        node_id="start",
        choice_id="report",
        choice_label="Report it",
        step=step + 1,
    )
    return attempt, move


def _move_save(attempt, *, previous_step, move, learner) -> bool:
    """Save the move as a step does: as the guard of recording a statement about it."""
    from xapi.identity import activity_iri, actor_for
    from xapi.services import GuardRejected, record
    from xapi.statements.builders import Activity, scenario_choice_made
    from xapi.statements.vocabulary import SIMULATION

    statement = scenario_choice_made(
        actor=actor_for(learner),
        scenario=Activity(
            iri=activity_iri("scenario", attempt.scenario.uuid), type=SIMULATION, name="S"
        ),
        node_id=move.node_id,
        choice_id=move.choice_id,
        choice_label=move.choice_label,
        path=[f"{move.node_id}:{move.choice_id}"],
        seconds_on_node=1.0,
        score=0,
        module=None,
        course=None,
        registration=None,
    )
    guard = _move_guard(attempt, previous_step=previous_step, move=move)
    try:
        record(statements=[statement], learner=learner, school_id=learner.school_id, guard=guard)
    except GuardRejected:
        return False
    return True


def test_a_move_is_saved_with_its_choice_record_and_its_statement(pupil):
    scenario = published_scenario()
    attempt = scenario_attempt_start(learner=pupil, scenario=scenario)
    attempt, move = _moved(attempt, step=0)

    assert _move_save(attempt, previous_step=0, move=move, learner=pupil) is True

    stored = ScenarioAttempt.objects.get(pk=attempt.pk)
    assert stored.step == 1 and stored.state["node_id"] == "reported"
    assert stored.node_entered_at == attempt.node_entered_at
    record = ScenarioChoiceRecord.objects.get(attempt=attempt)
    assert (record.scenario_id, record.node_id, record.choice_id, record.step) == (
        attempt.scenario_id,
        "start",
        "report",
        1,
    )
    assert record.choice_label == "Report it" and record.created_at is not None
    assert _statements_about(scenario).get().learner_id == pupil.pk


def test_a_move_from_a_step_the_attempt_has_left_writes_nothing(pupil):
    """What a duplicate submission meets, however it interleaves with the first."""
    scenario = published_scenario()
    attempt = scenario_attempt_start(learner=pupil, scenario=scenario)
    scenario_choice_make(
        learner=pupil, attempt_uuid=attempt.uuid, node_id="start", step=0, choice_id="share"
    )
    stale, move = _moved(ScenarioAttempt.objects.get(pk=attempt.pk), step=0)

    assert _move_save(stale, previous_step=0, move=move, learner=pupil) is False

    stored = ScenarioAttempt.objects.get(pk=attempt.pk)
    assert stored.step == 1 and stored.state["node_id"] == "shared"
    assert list(
        ScenarioChoiceRecord.objects.filter(attempt=attempt).values_list("choice_id", flat=True)
    ) == ["share"]
    # Only the first submission's statement was stored.
    assert [s.data["result"]["response"] for s in _statements_about(scenario)] == ["share"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL writes a step in one statement"
)
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_step_is_one_read_and_one_write_outside_a_transaction(client, monkeypatch):
    """No BEGIN or COMMIT: the write (move, choice record, statement, relations, records) is
    one SQL statement, atomic by itself; Django's cursor sees only the reads around it."""
    from django.db import transaction

    from records.models import LearnerActivity

    pupil = UserFactory(roles=[Role.PUPIL])
    scenario = published_scenario()
    attempt = scenario_attempt_start(learner=pupil, scenario=scenario)
    client.force_login(pupil)
    opened = []
    enter = transaction.Atomic.__enter__
    monkeypatch.setattr(
        transaction.Atomic, "__enter__", lambda self: opened.append(self) or enter(self)
    )
    with CaptureQueriesContext(connection) as queries:
        response = _choose_by_fetch(client, attempt, node="start", step=0, choice="report")
    monkeypatch.undo()
    assert opened == []
    assert response.status_code == 200 and "Good call." in response.content.decode()
    sql = [q["sql"] for q in queries]
    assert not [q for q in sql if q.upper().startswith(("BEGIN", "COMMIT", "SAVEPOINT"))]
    assert not [q for q in sql if q.upper().startswith(("INSERT", "UPDATE"))], sql
    assert connection.connection.info.transaction_status == 0  # idle: nothing left open
    assert ScenarioAttempt.objects.get(pk=attempt.pk).step == 1
    assert ScenarioChoiceRecord.objects.filter(attempt=attempt).count() == 1
    assert _statements_about(scenario).count() == 1
    assert LearnerActivity.objects.filter(learner=pupil).exists()
