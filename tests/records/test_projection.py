"""Completion records are derived from statements: idempotent and order-independent."""

import uuid
from datetime import UTC, datetime

import pytest

from records.models import Completion, LearnerActivity
from records.projection import VERB_VOIDED, completions_project
from tests.records.statements import (
    ANSWERED,
    COMPLETED,
    EXPERIENCED,
    FAILED,
    PASSED,
    iri,
    keys,
    statement,
)

pytestmark = pytest.mark.django_db

COURSE = iri("course", "c1")
MODULE = iri("module", "m1")
H5P = iri("h5p", "h1")


def test_completed_module_creates_a_completion_and_a_summary(teacher):
    s = statement(teacher, COMPLETED, MODULE, grouping=COURSE)
    completions_project(statements=[s], learners_by_key=keys(teacher))
    completion = Completion.objects.get()
    assert (completion.learner, completion.activity_iri) == (teacher, MODULE)
    assert str(completion.statement_id) == s["id"]
    module = LearnerActivity.objects.get(activity_iri=MODULE)
    assert module.last_completed_at == completion.completed_at
    course = LearnerActivity.objects.get(activity_iri=COURSE)
    assert course.last_completed_at is None
    assert course.first_seen_at == completion.completed_at


def test_projecting_the_same_statements_twice_changes_nothing(teacher):
    batch = [
        statement(teacher, EXPERIENCED, MODULE, grouping=COURSE),
        statement(teacher, COMPLETED, MODULE, grouping=COURSE),
    ]
    completions_project(statements=batch, learners_by_key=keys(teacher))
    before = list(LearnerActivity.objects.values())
    completions_project(statements=batch, learners_by_key=keys(teacher))
    assert Completion.objects.count() == 1
    assert list(LearnerActivity.objects.values()) == before


def test_summary_keeps_first_and_last_whatever_the_order(teacher):
    early = datetime(2026, 1, 1, tzinfo=UTC)
    late = datetime(2026, 6, 1, tzinfo=UTC)
    completions_project(
        statements=[statement(teacher, COMPLETED, COURSE, when=late)],
        learners_by_key=keys(teacher),
    )
    completions_project(
        statements=[statement(teacher, COMPLETED, COURSE, when=early)],
        learners_by_key=keys(teacher),
    )
    row = LearnerActivity.objects.get(activity_iri=COURSE)
    assert (row.first_completed_at, row.last_completed_at) == (early, late)
    assert Completion.objects.count() == 2


@pytest.mark.parametrize(
    ("verb", "result", "completes"),
    [
        (PASSED, {"success": True}, True),
        (FAILED, {"success": False, "completion": True}, False),
        (ANSWERED, {"completion": True}, True),  # H5P's root statement
        (ANSWERED, {"completion": False}, False),
        (EXPERIENCED, None, False),
    ],
)
def test_which_statements_complete_their_object(teacher, verb, result, completes):
    completions_project(
        statements=[statement(teacher, verb, H5P, result=result)],
        learners_by_key=keys(teacher),
    )
    assert Completion.objects.exists() is completes


def test_statements_from_unknown_actors_are_ignored(teacher, pupil):
    completions_project(
        statements=[statement(pupil, COMPLETED, MODULE)], learners_by_key=keys(teacher)
    )
    assert not Completion.objects.exists()
    assert not LearnerActivity.objects.exists()


def test_voiding_a_completion_removes_it_and_its_completion_time(teacher):
    """Through the LRS, which marks the voided statement (the projection removes only what
    the LRS marked: see test_lrs_auth for a statement of another school)."""
    from xapi.services import record

    began = statement(teacher, EXPERIENCED, COURSE, when=datetime(2026, 10, 1, 9, 0, tzinfo=UTC))
    s = statement(teacher, COMPLETED, COURSE)
    record(statements=[began, s], school=teacher.school)
    assert Completion.objects.exists()
    void = {
        "id": str(uuid.uuid4()),
        "actor": s["actor"],
        "verb": {"id": VERB_VOIDED},
        "object": {"objectType": "StatementRef", "id": s["id"]},
        "timestamp": s["timestamp"],
    }
    record(statements=[void], school=teacher.school)
    assert not Completion.objects.exists()
    summary = LearnerActivity.objects.get(activity_iri=COURSE)
    assert summary.last_completed_at is None
    assert summary.last_seen_at == datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def test_a_completion_from_a_tool_with_its_clock_ahead_is_dated_when_the_lrs_stored_it(teacher):
    """A school's tool whose clock is a year fast: its statement's timestamp is after the LRS
    stored it. The completion is not dated in the future (it would count as done after a
    renewal not yet required, and show a certificate dated next year)."""
    stored = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
    s = statement(teacher, COMPLETED, MODULE, grouping=COURSE, when=stored)
    s["timestamp"] = datetime(2027, 11, 1, 10, 0, tzinfo=UTC).isoformat()
    completions_project(statements=[s], learners_by_key=keys(teacher))
    assert Completion.objects.get().completed_at == stored
    assert LearnerActivity.objects.get(activity_iri=COURSE).first_seen_at == stored


def _voiding(s: dict) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": s["actor"],
        "verb": {"id": VERB_VOIDED},
        "object": {"objectType": "StatementRef", "id": s["id"]},
        "timestamp": s["timestamp"],
    }


def _summaries(learner) -> set[tuple]:
    return set(
        LearnerActivity.objects.filter(learner=learner).values_list(
            "activity_iri",
            "first_seen_at",
            "last_seen_at",
            "first_completed_at",
            "last_completed_at",
        )
    )


def test_voiding_a_statement_takes_back_the_times_it_was_seen(teacher):
    """xAPI 1.0.3 §2.2.6: a voided statement counts for nothing. What it touched shows only
    what the statements that stand say: the same records whether it was voided after it
    arrived or before (a tool's queue sending them out of order)."""
    from tests.factories import StaffFactory
    from xapi.services import record

    colleague = StaffFactory(school=teacher.school)
    later = datetime(2026, 11, 5, 9, 0, tzinfo=UTC)
    for person, voided_first in ((teacher, False), (colleague, True)):
        early = statement(person, EXPERIENCED, MODULE, grouping=COURSE)
        late = statement(person, EXPERIENCED, H5P, parent=MODULE, grouping=COURSE, when=later)
        batches = [[early], [late], [_voiding(late)]]
        if voided_first:
            batches.insert(0, batches.pop())
        for batch in batches:
            record(statements=batch, school=teacher.school)

    seen = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
    assert _summaries(colleague) == {
        (MODULE, seen, seen, None, None),
        (COURSE, seen, seen, None, None),
    }
    assert _summaries(teacher) == _summaries(colleague)
