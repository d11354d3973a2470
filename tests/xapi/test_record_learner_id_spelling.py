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


def test_a_statement_naming_a_pupil_under_the_sites_address_with_a_closing_slash_is_theirs(
    school, pupil
):
    """An account under the site's address written with a closing slash is the pupil's own
    ("http://host" and "http://host/" are the same IRI, RFC 3986 6.2.3), as forwarding
    already takes it, so what it records counts in their records."""
    from records.models import Completion

    statement = {
        "id": str(uuid.uuid4()),
        "actor": {"account": {"homePage": f"{settings.SITE_URL}/", "name": str(pupil.learner_id)}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "https://tool.example.org/videos/1"},
    }
    record(statements=[statement], school=school)
    assert Statement.objects.get(statement_id=statement["id"]).learner_id == pupil.pk
    assert Completion.objects.filter(learner=pupil).exists()
