"""A quiz's answers stay out of reach of the learners taking it, the built-in LRS included."""

from urllib.parse import urlencode

import pytest

from assessments.questions import field_name
from assessments.services import quiz_attempt_start
from tests.assessments.conftest import right_answers
from tests.assessments.test_services import submit
from tests.factories import PupilFactory
from tests.xapi.conftest import LrsClientHelper
from xapi.identity import activity_iri
from xapi.models import LrsClient

pytestmark = pytest.mark.django_db

VERSION = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}


def test_a_learner_cannot_read_a_questions_right_answer_from_the_lrs_before_answering(
    client, school, pupil, quiz, quiz_module
):
    """The Activities resource (xAPI 1.0.3 Part Three 2.5) gives an activity's canonical
    definition, from the latest statements about it in the school. A question's definition
    holds its correctResponsesPattern (4.1.4.1), so a learner's browser, signed in, could ask
    for every question of the quiz it has open (their ids are in the form's field names)
    once a classmate had answered, and pass first time without knowing anything. The
    definition a browser gets says what the question and its options are, not which is
    right; a tool with the school's credentials still gets it whole."""
    classmate = PupilFactory(school=school)
    done = quiz_attempt_start(learner=classmate, quiz=quiz, module=quiz_module)
    submit(done, right_answers(done))

    attempt = quiz_attempt_start(learner=pupil, quiz=quiz, module=quiz_module)
    client.force_login(pupil)
    page = client.get(f"/quizzes/attempts/{attempt.uuid}/").content.decode()
    for question in attempt.question_list():
        assert field_name(question) in page
        iri = activity_iri("question", question.id)
        response = client.get("/xapi/activities?" + urlencode({"activityId": iri}), **VERSION)
        assert response.status_code == 200
        definition = response.json()["definition"]
        assert definition["interactionType"]
        assert "correctResponsesPattern" not in definition


def test_a_tool_with_the_schools_credentials_still_reads_the_whole_definition(
    client, school, pupil, quiz, quiz_module
):
    attempt = quiz_attempt_start(learner=pupil, quiz=quiz, module=quiz_module)
    submit(attempt, right_answers(attempt))
    tool = LrsClient(name="Tool", school=school, can_read=True, can_write=False)
    secret = tool.issue_secret()
    tool.save()
    lrs = LrsClientHelper(client, tool.key, secret)
    question = attempt.question_list()[0]
    iri = activity_iri("question", question.id)
    definition = lrs.get("/xapi/activities", {"activityId": iri}).json()["definition"]
    assert definition["correctResponsesPattern"]
