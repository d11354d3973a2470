"""Deleting a quiz in the admin, after learners have taken it: the confirmation says what
goes with it (their attempts and the review of their answers), as a scenario's does."""

import pytest
from django.urls import reverse

from assessments.forms import AnswerSheet
from assessments.models import Attempt, Quiz
from assessments.services import quiz_attempt_start, quiz_attempt_submit
from schools.roles import Role
from tests.assessments.conftest import make_quiz, right_answers
from tests.factories import UserFactory
from xapi.models import Statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def taken(pupil, quiz_module, quiz):
    """A quiz one pupil submitted and a second pupil left half-way."""
    attempt = quiz_attempt_start(learner=pupil, quiz=quiz, module=quiz_module)
    sheet = AnswerSheet(attempt.question_list(), right_answers(attempt))
    assert sheet.is_valid(), sheet.errors
    quiz_attempt_submit(attempt=attempt, responses=sheet.responses)
    other = UserFactory(school=pupil.school, roles=[Role.PUPIL])
    quiz_attempt_start(learner=other, quiz=quiz, module=quiz_module)
    return quiz


def _delete_url(quiz):
    return reverse("wagtailsnippets_assessments_quiz:delete", args=[quiz.pk])


def test_the_confirmation_says_what_goes_with_a_quiz_learners_took(client, editor, taken):
    client.force_login(editor)
    page = client.get(_delete_url(taken)).content.decode()
    assert (
        "Learners have taken this quiz. Deleting it also deletes 2 attempts by learners "
        "(1 not finished: that learner cannot carry on), with their answers and the review "
        "of them" in page
    )
    assert "To stop new attempts and keep all of this, unpublish it instead." in page


def test_the_confirmation_for_a_quiz_nobody_took_is_wagtails(client, editor):
    client.force_login(editor)
    page = client.get(_delete_url(make_quiz())).content.decode()
    assert "Are you sure you want to delete this quiz?" in page
    assert "Learners have taken" not in page


def test_deleting_a_quiz_learners_took_deletes_their_attempts_and_keeps_the_statements(
    client, editor, taken
):
    statements = Statement.objects.count()
    assert statements > 0
    client.force_login(editor)
    assert client.post(_delete_url(taken)).status_code == 302
    assert not Quiz.objects.filter(pk=taken.pk).exists()
    assert not Attempt.objects.exists()
    assert Statement.objects.count() == statements


def _bulk_delete_url(*quizzes):
    ids = "&".join(f"id={quiz.pk}" for quiz in quizzes)
    return reverse("wagtail_bulk_action", args=["assessments", "quiz", "delete"]) + f"?{ids}"


def test_deleting_several_quizzes_at_once_warns_of_the_attempts_that_go_with_them(
    client, editor, taken
):
    untouched = make_quiz(title="Nobody took this")
    client.force_login(editor)
    page = client.get(_bulk_delete_url(taken, untouched)).content.decode()
    assert (
        "Learners have taken 1 of these quizzes. Deleting them also deletes 2 attempts by "
        "learners (1 not finished: that learner cannot carry on), with their answers and the "
        "review of them" in page
    )
    assert "To stop new attempts and keep all of this, unpublish them instead." in page
    assert client.post(_bulk_delete_url(taken, untouched)).status_code == 302
    assert not Quiz.objects.exists() and not Attempt.objects.exists()


def test_deleting_several_quizzes_nobody_took_says_nothing_of_attempts(client, editor):
    quizzes = [make_quiz(title="One"), make_quiz(title="Two")]
    client.force_login(editor)
    page = client.get(_bulk_delete_url(*quizzes)).content.decode()
    assert "Are you sure you want to delete 2 quizzes?" in page
    assert "Learners have taken" not in page


def test_deleting_a_quiz_live_modules_use_names_them(client, editor, quiz_module, quiz):
    """The confirmation spoke of attempts only: the editor was not told which live modules'
    learners would then find the quiz not available, as deleting an H5P activity does."""
    client.force_login(editor)
    page = client.get(_delete_url(quiz)).content.decode()
    assert "Live modules use this: “If you see it”" in page
    assert "not available" in page


def test_deleting_a_quiz_no_module_uses_says_nothing_of_modules(client, editor):
    client.force_login(editor)
    assert "Live modules use this" not in client.get(_delete_url(make_quiz())).content.decode()


def test_deleting_several_quizzes_at_once_names_the_live_modules_using_them(
    client, editor, quiz_module, quiz
):
    unused = make_quiz(title="Nobody uses this")
    client.force_login(editor)
    page = client.get(_bulk_delete_url(quiz, unused)).content.decode()
    assert "“If you see it” uses “Check what you know”" in page
    assert "not available" in page


def test_learners_are_told_a_quiz_deleted_from_a_live_module_is_not_available(
    client, editor, pupil, quiz_module, quiz
):
    """The confirmation promises the editor that learners are told there the quiz is not
    available; the block used to vanish from the page without a word."""
    client.force_login(editor)
    assert "not available" in client.get(_delete_url(quiz)).content.decode()
    quiz.delete()
    client.force_login(pupil)
    text = client.get(quiz_module.url).content.decode()
    assert "This activity is not available." in text
    # It no longer holds the module back: the pupil completes it by saying they have read it.
    assert reverse("courses:module_read", args=[quiz_module.pk]) in text
