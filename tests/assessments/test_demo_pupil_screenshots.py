"""Pupils are never told to screenshot a nude or sexual picture, even as evidence.

Taking or keeping a sexual image of someone under 18 is itself an offence; the pupils'
module says so ("do not screenshot or save it: tell an adult where you saw it"), and the
quiz and scenario that test it must not teach the opposite."""

import re

import pytest

from assessments.demo import demo_content_load as quizzes_load
from scenarios.demo import demo_content_load as scenarios_load
from scenarios.models import Scenario

pytestmark = pytest.mark.django_db

EXCEPTION = re.compile(r"nude or sexual", re.IGNORECASE)


@pytest.fixture
def loaded(home_page):
    from courses.demo import demo_content_load as courses_load

    courses_load()
    return quizzes_load(), scenarios_load()


def test_every_pupil_quiz_question_that_teaches_a_screenshot_says_not_for_sexual_images(
    loaded,
):
    pupil_quiz = loaded[0][0]
    # Its prompt, options or steps, explanation and feedback, all in one.
    teaching = [q for q in pupil_quiz.question_list() if "screenshot" in repr(q).lower()]
    assert len(teaching) >= 2  # what to do first, and the steps in order
    for question in teaching:
        assert EXCEPTION.search(str(question.explanation)), question.prompt


def test_the_crest_account_screenshot_feedback_says_not_for_sexual_images(loaded):
    scenario = Scenario.objects.get(title="The crest account")
    choice = scenario.graph().node("break-time").choice("screenshot")
    assert EXCEPTION.search(choice.feedback)
