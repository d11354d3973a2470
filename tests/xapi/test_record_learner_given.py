"""`record(learner=...)`: a caller that already has the learner spares the look-up, and the
hint is never trusted for statements about anyone else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from records.models import Completion
from tests.factories import PupilFactory
from xapi.models import Statement
from xapi.services import record

pytestmark = pytest.mark.django_db


def _user_queries(ctx) -> int:
    return sum('FROM "schools_user"' in q["sql"] for q in ctx.captured_queries)


def test_statements_about_the_given_learner_are_stored_and_projected_without_a_lookup(
    school, pupil, make_statement
):
    statement = make_statement(pupil)
    with CaptureQueriesContext(connection) as ctx:
        record(statements=[statement], school=school, learner=pupil)
    assert _user_queries(ctx) == 0
    assert Statement.objects.get(statement_id=statement["id"]).learner == pupil
    assert Completion.objects.filter(learner=pupil).count() == 1


def test_a_statement_about_someone_else_is_resolved_to_them_not_to_the_given_learner(
    school, pupil, make_statement
):
    other = PupilFactory(school=school)
    statements = [make_statement(pupil), make_statement(other)]
    record(statements=statements, school=school, learner=pupil)
    assert Statement.objects.get(statement_id=statements[1]["id"]).learner == other
    assert Completion.objects.filter(learner=other).count() == 1
