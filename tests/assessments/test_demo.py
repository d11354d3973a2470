"""The demo quizzes: one per flagship course, valid, placed in their modules, idempotent."""

import pytest

from assessments.demo import DEMO_QUIZZES, demo_content_load
from assessments.models import Quiz
from courses.models import ModulePage
from xapi.identity import activity_iri

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_courses(home_page):
    from courses.demo import demo_content_load as courses_load

    return courses_load()


def test_each_flagship_course_gets_a_published_quiz_in_its_module(demo_courses):
    quizzes = demo_content_load()
    assert len(quizzes) == 3
    for spec, quiz in zip(DEMO_QUIZZES, quizzes, strict=True):
        assert quiz.live
        module = ModulePage.objects.get(slug=spec["module"])
        assert activity_iri("quiz", quiz.uuid) in module.required_activity_iris()


def test_the_pupil_quiz_asks_what_to_do_first_about_a_post(demo_courses):
    pupil_quiz = demo_content_load()[0]
    assert (
        pupil_quiz.question_list()[0].prompt
        == "You find a post about you. What should you do first?"
    )


def test_every_demo_question_passes_the_editors_validation(demo_courses):
    for quiz in demo_content_load():
        block = Quiz._meta.get_field("questions").stream_block
        block.clean(quiz.questions)  # raises ValidationError if any question is invalid
        for question in quiz.question_list():
            question.key()


def test_loading_twice_changes_nothing(demo_courses):
    demo_content_load()
    revisions = {q.pk: q.revisions.count() for q in Quiz.objects.all()}
    bodies = {m.pk: len(m.body) for m in ModulePage.objects.all()}
    demo_content_load()
    assert Quiz.objects.count() == 3
    assert {q.pk: q.revisions.count() for q in Quiz.objects.all()} == revisions
    assert {m.pk: len(m.body) for m in ModulePage.objects.all()} == bodies


def test_a_safeguarding_lead_can_pass_the_quiz_for_leads(demo_courses, safeguarding_lead):
    from assessments.forms import AnswerSheet
    from assessments.services import quiz_attempt_start, quiz_attempt_submit
    from tests.assessments.conftest import right_answers

    quiz = demo_content_load()[2]
    module = ModulePage.objects.get(slug=DEMO_QUIZZES[2]["module"])
    attempt = quiz_attempt_start(learner=safeguarding_lead, quiz=quiz, module=module)
    sheet = AnswerSheet(attempt.question_list(), right_answers(attempt))
    assert sheet.is_valid(), sheet.errors
    assert quiz_attempt_submit(attempt=attempt, responses=sheet.responses).passed


def test_the_staff_quiz_says_what_the_sources_say_about_hate_crime_and_the_police(
    client, demo_courses, teacher
):
    """The feedback said "hate crime should be reported to the police", firmer than INEQE's
    alert and NAHT's guide, which both say to consider the police. The firmer words are a
    government spokesperson's, about online abuse, and are given as theirs."""
    from html import unescape

    from django.urls import reverse
    from django.utils.html import strip_tags

    from assessments.models import Attempt
    from tests.assessments.conftest import right_answers

    quiz = demo_content_load()[1]
    module = ModulePage.objects.get(slug=DEMO_QUIZZES[1]["module"])
    client.force_login(teacher)
    client.post(reverse("assessments:quiz_start", args=[module.pk, quiz.uuid]))
    attempt = Attempt.objects.get(quiz=quiz, learner=teacher)
    client.post(reverse("assessments:attempt_take", args=[attempt.uuid]), right_answers(attempt))
    page = client.get(reverse("assessments:attempt_result", args=[attempt.uuid]))
    text = " ".join(strip_tags(unescape(page.content.decode())).split())
    assert "hate crime should be reported to the police" not in text
    assert "INEQE's alert and NAHT's guide both say to consider the police for hate crime" in text
    assert "a government spokesperson said online abuse should be reported" in text
