"""A tool may spell a pupil's opaque id in capitals or without hyphens: it is still them."""

import uuid

import pytest
from django.conf import settings

from xapi.models import Statement
from xapi.services import record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("spelling", [lambda u: str(u).upper(), lambda u: u.hex])
def test_a_statement_naming_a_pupil_by_another_spelling_of_their_id_is_theirs(
    school, pupil, spelling
):
    statement = {
        "id": str(uuid.uuid4()),
        "actor": {"account": {"homePage": settings.SITE_URL, "name": spelling(pupil.learner_id)}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "https://tool.example.org/videos/1"},
    }
    record(statements=[statement], school=school)
    assert Statement.objects.get(statement_id=statement["id"]).learner_id == pupil.pk
