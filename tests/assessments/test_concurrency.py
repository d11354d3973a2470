"""Two requests at once (a double click that beats the browser's guard, two tabs) must not
mark an attempt twice or open two attempts.

PostgreSQL only: the test database on SQLite is a shared in-memory database whose table locks
fail at once instead of waiting, unlike the file database the site runs on.
"""

import threading

import pytest
from django.db import connection

from assessments.forms import AnswerSheet
from assessments.models import Attempt
from assessments.services import quiz_attempt_start, quiz_attempt_submit
from tests.assessments.conftest import right_answers
from xapi.models import Statement

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (DATABASE_URL)"
    ),
]


def run_together(target, count=2):
    barrier = threading.Barrier(count)
    errors = []

    def work():
        try:
            barrier.wait()
            target()
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_two_simultaneous_submissions_record_the_answers_once(pupil, quiz, quiz_module):
    attempt = quiz_attempt_start(learner=pupil, quiz=quiz, module=quiz_module)
    sheet = AnswerSheet(attempt.question_list(), right_answers(attempt))
    assert sheet.is_valid()
    run_together(lambda: quiz_attempt_submit(attempt=attempt, responses=sheet.responses))
    assert (
        Statement.objects.filter(learner=pupil).exclude(verb_iri__endswith="completed").count() == 6
    )


def test_two_simultaneous_starts_open_one_attempt(pupil, quiz, quiz_module):
    run_together(lambda: quiz_attempt_start(learner=pupil, quiz=quiz, module=quiz_module))
    assert Attempt.objects.filter(learner=pupil).count() == 1
