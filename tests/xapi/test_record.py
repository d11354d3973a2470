"""`xapi.services.record()`: the one path for every learning event (DESIGN.md)."""

import uuid
from datetime import UTC, datetime

import pytest

from records.models import Completion, LearnerActivity
from schools.models import School
from xapi.identity import actor_for, actor_key
from xapi.models import ForwardingTarget, OutboxEntry, Statement, StatementRelation
from xapi.services import record
from xapi.statements.errors import StatementConflictError, StatementValidationError

pytestmark = pytest.mark.django_db


def test_record_stores_the_statement_with_filterable_columns(school, pupil, make_statement):
    statement = make_statement(pupil)
    [statement_id] = record(statements=[statement], school=school)
    row = Statement.objects.get(statement_id=statement_id)
    assert statement_id == statement["id"]
    assert row.school == school
    assert row.learner == pupil
    assert row.actor_key == actor_key(actor_for(pupil))
    assert row.verb_iri == statement["verb"]["id"]
    assert row.object_iri == statement["object"]["id"]
    assert str(row.registration) == statement["context"]["registration"]
    assert not row.voided
    assert {"stored", "authority", "version", "timestamp"} <= set(row.data)
    related = set(StatementRelation.objects.filter(statement=row).values_list("key", flat=True))
    assert statement["context"]["contextActivities"]["parent"][0]["id"] in related


def test_record_fills_in_id_and_timestamp_when_missing(school, pupil, make_statement):
    statement = make_statement(pupil)
    del statement["id"], statement["timestamp"]
    [statement_id] = record(statements=[statement], school=school)
    data = Statement.objects.get(statement_id=statement_id).data
    uuid.UUID(statement_id)
    assert data["timestamp"] == data["stored"]


def test_completing_statement_is_projected_into_records(school, pupil, make_statement):
    statement = make_statement(pupil)
    record(statements=[statement], school=school)
    completion = Completion.objects.get(learner=pupil)
    assert completion.activity_iri == statement["object"]["id"]
    assert str(completion.statement_id) == statement["id"]


def test_staff_with_mbox_identity_are_resolved_within_their_school(school, teacher, make_statement):
    school.staff_xapi_identity = School.StaffIdentity.MBOX
    school.save()
    teacher.refresh_from_db()
    statement = make_statement(teacher)
    assert "mbox" in statement["actor"]
    record(statements=[statement], school=school)
    assert Statement.objects.get().learner == teacher
    assert Completion.objects.filter(learner=teacher).count() == 1


def test_invalid_statement_in_a_batch_stores_nothing(school, pupil, make_statement):
    good = make_statement(pupil)
    bad = make_statement(pupil)
    bad["verb"]["id"] = "completed"
    with pytest.raises(StatementValidationError) as info:
        record(statements=[good, bad], school=school)
    assert info.value.paths == ["[1].verb.id"]
    assert not Statement.objects.exists()
    assert not Completion.objects.exists()


def test_same_id_and_content_again_is_accepted_once(school, pupil, make_statement):
    statement = make_statement(pupil)
    record(statements=[statement], school=school)
    assert record(statements=[statement], school=school) == [statement["id"]]
    assert Statement.objects.count() == 1


def test_same_id_different_content_is_a_conflict(school, pupil, make_statement):
    statement = make_statement(pupil)
    record(statements=[statement], school=school)
    changed = {**statement, "result": {"completion": False}}
    with pytest.raises(StatementConflictError):
        record(statements=[changed], school=school)


def test_duplicate_ids_in_one_batch_are_rejected(school, pupil, make_statement):
    statement = make_statement(pupil)
    with pytest.raises(StatementValidationError) as info:
        record(statements=[statement, dict(statement)], school=school)
    assert info.value.paths == ["[1].id"]


def test_voiding_marks_the_target_voided_and_cannot_be_voided_itself(school, pupil, make_statement):
    statement = make_statement(pupil)
    record(statements=[statement], school=school)
    voiding = {
        "actor": actor_for(pupil),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": statement["id"]},
    }
    [voiding_id] = record(statements=[voiding], school=school)
    assert Statement.objects.get(statement_id=statement["id"]).voided
    with pytest.raises(StatementValidationError):
        record(
            statements=[{**voiding, "object": {"objectType": "StatementRef", "id": voiding_id}}],
            school=school,
        )


def test_outbox_rows_follow_each_targets_scope(
    school, pupil, teacher, make_statement, course_activity, receiver
):
    everything = ForwardingTarget.objects.create(name="All", endpoint=receiver.endpoint)
    staff = ForwardingTarget.objects.create(
        name="Staff",
        endpoint=receiver.endpoint,
        school=school,
        scope=ForwardingTarget.Scope.STAFF,
    )
    course = ForwardingTarget.objects.create(
        name="Course",
        endpoint=receiver.endpoint,
        scope=ForwardingTarget.Scope.COURSE,
        course_iri=course_activity.iri,
    )
    other_school = ForwardingTarget.objects.create(
        name="Elsewhere",
        endpoint=receiver.endpoint,
        school=School.objects.create(name="Other"),
    )
    from xapi.statements import builders
    from xapi.statements.builders import Activity
    from xapi.statements.vocabulary import COURSE

    other_course = Activity(iri="http://testserver/xapi/activities/course/x", type=COURSE, name="X")
    pupil_statement = make_statement(pupil)
    teacher_statement = builders.course_completed(
        actor=actor_for(teacher), course=other_course, registration=None
    )
    record(statements=[pupil_statement, teacher_statement], school=school)

    def forwarded(target):
        return set(
            str(s)
            for s in OutboxEntry.objects.filter(target=target).values_list(
                "statement__statement_id", flat=True
            )
        )

    assert forwarded(everything) == {pupil_statement["id"], teacher_statement["id"]}
    assert forwarded(staff) == {teacher_statement["id"]}
    assert forwarded(course) == {pupil_statement["id"]}
    assert forwarded(other_school) == set()


def test_pupils_appear_only_as_an_opaque_account(school, pupil, make_statement):
    """DESIGN.md identity: pupils are account {homePage: the site, name: opaque UUID}."""
    pupil.email = "priya@example.org"
    pupil.first_name, pupil.last_name = "Priya", "Pupil"
    pupil.save()
    statement = make_statement(pupil)
    record(statements=[statement], school=school)
    stored = Statement.objects.get().data
    assert stored["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": "http://testserver", "name": str(pupil.learner_id)},
    }
    text = str(stored)
    for secret in ("priya", "Priya", "Pupil", pupil.username):
        assert secret not in text


def test_timestamp_without_a_zone_is_recorded_as_utc(school, pupil, make_statement):
    # xAPI 1.0.3 Part Two 4.1.7: a timestamp without an offset is UTC. 23:30 UTC on 1 June is
    # already 2 June in London: read as London time, the completion fell a day early.
    statement = make_statement(pupil)
    statement["timestamp"] = "2026-06-01T23:30:00"
    record(statements=[statement], school=school)
    completion = Completion.objects.get(learner=pupil)
    assert completion.completed_at == datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
    summary = LearnerActivity.objects.get(learner=pupil, activity_iri=completion.activity_iri)
    assert summary.last_completed_at == completion.completed_at


def test_a_batch_mixing_timestamps_with_and_without_a_zone_is_recorded(
    school, pupil, make_statement
):
    without_zone, with_zone = make_statement(pupil), make_statement(pupil)
    without_zone["timestamp"] = "2026-06-01T10:00:00"
    with_zone["timestamp"] = "2026-06-01T11:00:00Z"
    record(statements=[without_zone, with_zone], school=school)
    assert sorted(Completion.objects.values_list("completed_at", flat=True)) == [
        datetime(2026, 6, 1, 10, tzinfo=UTC),
        datetime(2026, 6, 1, 11, tzinfo=UTC),
    ]
