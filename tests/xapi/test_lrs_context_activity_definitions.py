"""An activity a tool only ever names in a statement's context (the course a lesson belongs
to, as contextActivities.parent) or inside a SubStatement still has the definition the tool
gave it: Part Two 2.4.4.1 (2.0.0 4.2.2.4): the LRS updates "its internal representation of
an Activity's definition upon receiving a Statement with a different definition of the
Activity", and an Activity Object in a context is one."""

from urllib.parse import urlencode

import pytest

from tests.xapi.conftest import xapi_statement

pytestmark = pytest.mark.django_db

COURSE = "http://example.org/courses/online-safety"
COURSE_DEFINITION = {
    "name": {"en-GB": "Online safety"},
    "type": "http://adlnet.gov/expapi/activities/course",
}


def _lesson_in_the_course():
    return xapi_statement(
        context={
            "contextActivities": {
                "parent": [
                    {"objectType": "Activity", "id": COURSE, "definition": COURSE_DEFINITION}
                ]
            }
        }
    )


def test_the_activities_resource_gives_a_context_activity_its_definition(lrs):
    """Part Three 2.5 Activities Resource: "Loads the complete Activity Object specified"."""
    assert lrs.post("/xapi/statements", _lesson_in_the_course()).status_code == 200

    got = lrs.get("/xapi/activities?" + urlencode({"activityId": COURSE}))

    assert got.status_code == 200
    assert got.json() == {"objectType": "Activity", "id": COURSE, "definition": COURSE_DEFINITION}


def test_the_canonical_format_gives_a_context_activity_its_definition(lrs):
    """Part Three 2.1.3 format=canonical: "Activity Objects ... populated with the canonical
    definition of the Activity Objects" (what the Activities resource gives)."""
    sent = _lesson_in_the_course()
    del sent["context"]["contextActivities"]["parent"][0]["definition"]
    lrs.post("/xapi/statements", _lesson_in_the_course())
    lrs.post("/xapi/statements", sent)

    got = lrs.get("/xapi/statements", {"format": "canonical", "limit": "1"})

    [latest] = got.json()["statements"]
    assert latest["context"]["contextActivities"]["parent"][0]["definition"] == COURSE_DEFINITION


def test_a_substatement_activity_is_given_its_definition(lrs):
    planned = xapi_statement(
        verb={"id": "http://activitystrea.ms/schema/1.0/plan"},
        object={
            "objectType": "SubStatement",
            "actor": {"mbox": "mailto:learner@example.org"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
            "object": {"objectType": "Activity", "id": COURSE, "definition": COURSE_DEFINITION},
        },
    )
    assert lrs.post("/xapi/statements", planned).status_code == 200

    got = lrs.get("/xapi/activities?" + urlencode({"activityId": COURSE}))

    assert got.json()["definition"] == COURSE_DEFINITION
