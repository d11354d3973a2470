"""A school's LRS tool takes back (voids) a module completion Upstander recorded: the course
completion that rested on it goes too, as when a class lesson is removed."""

import uuid

import pytest
from django.urls import reverse

from courses.services import module_read_confirm
from records.models import Completion
from tests.xapi.conftest import LrsClientHelper
from xapi.models import LrsClient, Statement

pytestmark = pytest.mark.django_db


def _lrs(school):
    from django.test import Client

    credentials = LrsClient(name="Tool", school=school, can_read=True, can_write=True)
    secret = credentials.issue_secret()
    credentials.save()
    return LrsClientHelper(Client(), credentials.key, secret)


def _completed(pupil) -> set[str]:
    return set(Completion.objects.filter(learner=pupil).values_list("activity_iri", flat=True))


def test_voiding_a_module_completion_through_the_lrs_takes_back_the_course_it_finished(
    school, pupil, course, modules
):
    """xAPI 1.0.3 §2.2.6: a voided statement is as if it had never been made. The course
    was completed because every module was; with one module's completion voided it is not."""
    for module in modules:
        module_read_confirm(learner=pupil, module=module)
    assert course.activity_iri in _completed(pupil)
    module_done = Statement.objects.get(learner=pupil, object_iri=modules[1].activity_iri)
    voiding = {
        "id": str(uuid.uuid4()),
        "actor": module_done.data["actor"],
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-GB": "voided"}},
        "object": {"objectType": "StatementRef", "id": str(module_done.statement_id)},
    }
    response = _lrs(school).post(reverse("xapi:statements"), voiding)
    assert response.status_code == 200, response.content
    assert _completed(pupil) == {modules[0].activity_iri, modules[2].activity_iri}
    finished = Statement.objects.get(learner=pupil, object_iri=course.activity_iri)
    assert finished.voided


def test_a_malformed_statement_beside_a_voiding_one_is_still_refused_with_400(school):
    """The voiding statements are looked for before the batch is validated."""
    target = str(uuid.uuid4())
    batch = [
        {"actor": {"mbox": "mailto:a@example.org"}, "verb": "voided", "object": []},
        {
            "actor": {"mbox": "mailto:a@example.org"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": target},
        },
    ]
    assert _lrs(school).post(reverse("xapi:statements"), batch).status_code == 400
