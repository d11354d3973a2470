"""What learners do with quizzes: start an attempt and submit it.

Submitting marks every answer on the server (assessments/scoring.py), saves the result and
records, through the one path for learning events (`xapi.services.record`), an `answered`
statement per question and a `passed` or `failed` statement for the quiz. A pass completes
the quiz activity in records, so the module (and course) are then re-checked with
`courses.services.module_progress_sync`.
"""

import math
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xapi.identity import activity_iri, actor_for

from .models import Attempt, Quiz
from .questions import Layout, Question, interaction_definition, laid_out, response_to_json
from .questions import xapi_response as response_string
from .scoring import QuizScore, Response, mark, quiz_score
from .selectors import attempts_counted

ASSESSMENT_TYPE = "http://adlnet.gov/expapi/activities/assessment"
INTERACTION_TYPE = "http://adlnet.gov/expapi/activities/cmi.interaction"


class QuizActionError(ValueError):
    """A learner asked for something the quiz does not allow; the message says why."""


def _course_of(module):
    return module.course if module is not None else None


@transaction.atomic
def quiz_attempt_start(*, learner, quiz: Quiz, module=None) -> Attempt:
    """Start an attempt, or return the one already under way (so a double-clicked Start
    never uses up two attempts). Refused once the attempt limit is reached."""
    if not quiz.live:
        raise QuizActionError(_("This quiz is not available."))
    in_progress = (
        Attempt.objects.select_for_update()
        .filter(learner=learner, quiz=quiz, state=Attempt.State.IN_PROGRESS)
        .first()
    )
    registration = None
    if module is not None:
        from courses.services import course_registration

        registration = course_registration(learner=learner, course=_course_of(module))
    if in_progress is not None and (in_progress.module_id, in_progress.registration) == (
        getattr(module, "pk", None),
        registration,
    ):
        return in_progress
    counted = attempts_counted(learner=learner, quiz=quiz, registration=registration)
    if in_progress is not None:
        counted = counted.exclude(pk=in_progress.pk)
    used = counted.count()
    if not quiz.unlimited_attempts and used >= quiz.max_attempts:
        raise QuizActionError(
            _("You have used all %(count)s attempts at this quiz.") % {"count": quiz.max_attempts}
        )
    if in_progress is not None:
        # Left unfinished in another module using the same quiz (another course), or before
        # the course was started afresh: carried on here, so passing it completes this
        # module. Nothing of it has been recorded yet.
        in_progress.module = module
        in_progress.registration = registration
        in_progress.number = used + 1
        in_progress.save(update_fields=["module", "registration", "number"])
        return in_progress
    attempt_uuid = uuid.uuid4()
    layout = Layout(
        shuffle_questions=quiz.shuffle_questions,
        shuffle_options=quiz.shuffle_options,
        seed=str(attempt_uuid),
    )
    attempt = Attempt(
        uuid=attempt_uuid,
        quiz=quiz,
        learner=learner,
        module=module,
        school_id=learner.school_id,
        registration=registration,
        number=used + 1,
        pass_mark=quiz.pass_mark,
        questions=[q.to_dict() for q in laid_out(quiz.question_list(), layout)],
    )
    try:
        # A savepoint: if a simultaneous start won the race, use its attempt.
        with transaction.atomic():
            attempt.save()
    except IntegrityError:
        return Attempt.objects.get(learner=learner, quiz=quiz, state=Attempt.State.IN_PROGRESS)
    return attempt


def _quiz_activity(quiz: Quiz):
    from xapi.statements.builders import Activity

    return Activity(
        iri=activity_iri("quiz", quiz.uuid),
        type=ASSESSMENT_TYPE,
        name=quiz.title,
        description=quiz.intro,
    )


def question_activity(question: Question):
    """A question as an xAPI cmi.interaction activity (xAPI 1.0.3, 4.1.4.1)."""
    from xapi.statements.builders import Activity

    return Activity(
        iri=activity_iri("question", question.id),
        type=INTERACTION_TYPE,
        name=question.prompt,
        interaction=interaction_definition(question),
    )


def _statements(
    *, attempt: Attempt, questions: list[Question], responses, marks, score: QuizScore
) -> list[dict]:
    from xapi.statements.builders import question_answered, quiz_finished

    actor = actor_for(attempt.learner)
    quiz = _quiz_activity(attempt.quiz)
    module = attempt.module.specific if attempt.module is not None else None
    context = {
        "quiz": quiz,
        "module": module.xapi_activity() if module is not None else None,
        "course": _course_of(module).xapi_activity() if module is not None else None,
        "registration": str(attempt.registration) if attempt.registration else None,
    }
    statements = [
        question_answered(
            actor=actor,
            question=question_activity(question),
            response=response_string(question, responses[question.id]),
            success=marks[question.id].correct,
            **context,
        )
        for question in questions
    ]
    statements.append(
        quiz_finished(
            actor=actor,
            raw=round(float(score.raw), 4),
            max=score.maximum,
            passed=score.passed,
            **context,
        )
    )
    return statements


@transaction.atomic
def quiz_attempt_submit(*, attempt: Attempt, responses: dict[str, Response]) -> Attempt:
    """Mark the attempt, save its result and record the statements.

    Safe to call twice (a double-clicked Submit, a resent form): the attempt row is locked
    and an attempt already submitted is returned unchanged, so only the first submission
    is marked and recorded.
    """
    from xapi.services import record

    attempt = (
        Attempt.objects.select_for_update().select_related("quiz", "learner").get(pk=attempt.pk)
    )
    if attempt.is_submitted:
        return attempt
    questions = attempt.question_list()
    missing = [q for q in questions if q.id not in responses]
    if missing:
        raise QuizActionError(_("Answer every question before you submit."))
    marks = {q.id: mark(q.key(), responses[q.id]) for q in questions}
    score = quiz_score([marks[q.id].credit for q in questions], pass_mark=attempt.pass_mark)

    attempt.answers = {q.id: response_to_json(q, responses[q.id]) for q in questions}
    attempt.credits = {q.id: str(marks[q.id].credit) for q in questions}
    attempt.score_raw = round(float(score.raw), 4)
    attempt.score_max = score.maximum
    # Rounded down, as the percentage shown from it is: a score just under the pass mark
    # (87.996% against 88%) must not show as reaching it.
    attempt.score_scaled = math.floor(score.scaled * 10_000) / 10_000
    attempt.passed = score.passed
    attempt.state = Attempt.State.SUBMITTED
    attempt.submitted_at = timezone.now()
    attempt.save()

    record(
        statements=_statements(
            attempt=attempt, questions=questions, responses=responses, marks=marks, score=score
        ),
        school=attempt.learner.school,
    )
    if score.passed and attempt.module is not None:
        from courses.services import module_progress_sync

        module_progress_sync(learner=attempt.learner, module=attempt.module.specific)
    return attempt
