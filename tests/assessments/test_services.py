"""Starting and submitting quiz attempts: marking, limits, double submits and statements."""

import pytest

from assessments.forms import AnswerSheet
from assessments.models import Attempt
from assessments.services import QuizActionError, quiz_attempt_start, quiz_attempt_submit
from records.selectors import completed_activity_iris
from tests.assessments.conftest import make_quiz, right_answers, wrong_answers
from xapi.identity import activity_iri
from xapi.models import Statement

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
FAILED = "http://adlnet.gov/expapi/verbs/failed"


def submit(attempt, data):
    sheet = AnswerSheet(attempt.question_list(), data)
    assert sheet.is_valid(), sheet.errors
    return quiz_attempt_submit(attempt=attempt, responses=sheet.responses)


@pytest.mark.django_db
def test_starting_twice_returns_the_attempt_under_way(pupil, quiz, quiz_module):
    first = quiz_attempt_start(learner=pupil, quiz=quiz, module=quiz_module)
    second = quiz_attempt_start(learner=pupil, quiz=quiz, module=quiz_module)
    assert first.pk == second.pk
    assert Attempt.objects.count() == 1
    assert first.number == 1
    assert first.registration is not None


@pytest.mark.django_db
def test_a_passed_attempt_records_answers_and_passed_and_completes_the_module(
    pupil, quiz, quiz_module
):
    attempt = quiz_attempt_start(learner=pupil, quiz=quiz, module=quiz_module)
    attempt = submit(attempt, right_answers(attempt))
    assert attempt.passed is True
    assert attempt.score_scaled == 1.0
    answered = Statement.objects.filter(verb_iri=ANSWERED)
    assert answered.count() == 5
    passed = Statement.objects.get(verb_iri=PASSED)
    assert passed.data["result"]["score"]["scaled"] == 1.0
    assert passed.data["result"]["success"] is True
    assert passed.data["context"]["registration"] == str(attempt.registration)
    done = completed_activity_iris(
        learner=pupil,
        activity_iris=[activity_iri("quiz", quiz.uuid), quiz_module.activity_iri],
    )
    assert done == {activity_iri("quiz", quiz.uuid), quiz_module.activity_iri}


@pytest.mark.django_db
def test_each_answer_statement_carries_the_interaction_and_the_learners_response(
    pupil, quiz, quiz_module
):
    attempt = quiz_attempt_start(learner=pupil, quiz=quiz, module=quiz_module)
    submit(attempt, wrong_answers(attempt))
    by_type = {}
    for row in Statement.objects.filter(verb_iri=ANSWERED):
        definition = row.data["object"]["definition"]
        by_type.setdefault(definition["interactionType"], []).append(row.data)
        assert definition["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
        assert definition["correctResponsesPattern"]
        assert row.data["result"]["success"] is False
        assert row.data["result"]["response"] != definition["correctResponsesPattern"][0]
        assert row.data["actor"]["account"]["name"] == str(pupil.learner_id)
    assert set(by_type) == {"choice", "true-false", "sequencing", "matching"}
    matching = by_type["matching"][0]["object"]["definition"]
    assert {"source", "target"} <= set(matching)
    failed = Statement.objects.get(verb_iri=FAILED)
    assert failed.data["result"] == {
        "score": {"raw": 0.0, "min": 0, "max": 5, "scaled": 0.0},
        "success": False,
        "completion": False,
    }
    assert not completed_activity_iris(
        learner=pupil, activity_iris=[activity_iri("quiz", quiz.uuid)]
    )


@pytest.mark.django_db
def test_submitting_twice_marks_and_records_only_once(pupil, quiz, quiz_module):
    attempt = quiz_attempt_start(learner=pupil, quiz=quiz, module=quiz_module)
    data = right_answers(attempt)
    submit(attempt, data)
    again = submit(attempt, wrong_answers(attempt))
    assert again.passed is True
    assert Statement.objects.filter(verb_iri=ANSWERED).count() == 5
    assert Statement.objects.filter(verb_iri__in=[PASSED, FAILED]).count() == 1


@pytest.mark.django_db
def test_the_attempt_limit_refuses_another_start(pupil, quiz, quiz_module):
    for _ in range(quiz.max_attempts):
        attempt = quiz_attempt_start(learner=pupil, quiz=quiz, module=quiz_module)
        submit(attempt, wrong_answers(attempt))
    with pytest.raises(QuizActionError, match="used all 2 attempts"):
        quiz_attempt_start(learner=pupil, quiz=quiz, module=quiz_module)


@pytest.mark.django_db
def test_unlimited_attempts_never_run_out(pupil, home_page):
    from tests.assessments.conftest import make_course

    quiz = make_quiz(max_attempts=0)
    module = make_course(home_page, quiz=quiz, slug="unlimited")
    for number in range(1, 5):
        attempt = quiz_attempt_start(learner=pupil, quiz=quiz, module=module)
        assert attempt.number == number
        submit(attempt, wrong_answers(attempt))


@pytest.mark.django_db
def test_a_submission_missing_an_answer_is_refused(pupil, quiz, quiz_module):
    attempt = quiz_attempt_start(learner=pupil, quiz=quiz, module=quiz_module)
    with pytest.raises(QuizActionError):
        quiz_attempt_submit(attempt=attempt, responses={})
    attempt.refresh_from_db()
    assert not attempt.is_submitted


@pytest.mark.django_db
def test_shuffling_is_stable_within_an_attempt_and_keeps_every_question(pupil, home_page):
    from tests.assessments.conftest import make_course

    quiz = make_quiz(shuffle_questions=True, shuffle_options=True)
    module = make_course(home_page, quiz=quiz, slug="shuffled")
    attempt = quiz_attempt_start(learner=pupil, quiz=quiz, module=module)
    stored = Attempt.objects.get(pk=attempt.pk)
    assert stored.question_list() == attempt.question_list()
    assert sorted(q["id"] for q in stored.questions) == sorted(q.id for q in quiz.question_list())


@pytest.mark.django_db
def test_an_unpublished_quiz_cannot_be_started(pupil, quiz, quiz_module):
    quiz.unpublish()
    quiz.refresh_from_db()
    with pytest.raises(QuizActionError):
        quiz_attempt_start(learner=pupil, quiz=quiz, module=quiz_module)


@pytest.mark.django_db
def test_an_edit_published_mid_attempt_does_not_change_the_attempt(pupil, quiz, quiz_module):
    attempt = quiz_attempt_start(learner=pupil, quiz=quiz, module=quiz_module)
    quiz.questions = quiz.questions.raw_data[:1]
    quiz.save_revision().publish()
    attempt.refresh_from_db()
    assert len(attempt.question_list()) == 5
    assert submit(attempt, right_answers(attempt)).passed


@pytest.mark.django_db
def test_an_attempt_left_in_another_course_is_carried_on_where_the_learner_is_now(
    home_page, pupil, quiz, quiz_module
):
    """A quiz used in two courses: the attempt a learner left unfinished in the first is
    carried on in the second, and passing it there completes the second's module."""
    from tests.assessments.conftest import make_course

    other_module = make_course(home_page, slug="second-course", quiz=quiz)
    left = quiz_attempt_start(learner=pupil, quiz=quiz, module=quiz_module)
    attempt = quiz_attempt_start(learner=pupil, quiz=quiz, module=other_module)
    assert attempt.pk == left.pk  # still one attempt under way
    submit(attempt, right_answers(attempt))
    passed = Statement.objects.get(verb_iri=PASSED)
    assert other_module.activity_iri in str(passed.data["context"])
    assert passed.data["context"]["registration"] != str(left.registration)
    assert completed_activity_iris(learner=pupil, activity_iris=[other_module.activity_iri])
