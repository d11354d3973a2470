"""Reads for the quiz player and the quiz block: which quizzes, attempts and results."""

from dataclasses import dataclass

from django.db.models import QuerySet

from .models import Attempt, Quiz


def live_quizzes() -> QuerySet[Quiz]:
    """Quizzes learners may take: published ones only."""
    return Quiz.objects.filter(live=True)


def attempts_counted(*, learner, quiz: Quiz, registration) -> QuerySet[Attempt]:
    """The learner's attempts that count against the quiz's limit in this registration."""
    return Attempt.objects.filter(learner=learner, quiz=quiz, registration=registration)


def attempt_for_learner(*, learner, attempt_uuid) -> Attempt | None:
    """One of the learner's own attempts; None for anyone else's."""
    return (
        Attempt.objects.select_related("quiz", "module")
        .filter(learner=learner, uuid=attempt_uuid)
        .first()
    )


def attempt_quiz_and_module(*, attempt_uuid) -> tuple[int, int | None] | None:
    """Which quiz (its id) and module (its page id) an attempt, anyone's, was taken at; None
    if there is no such attempt. Nothing of the attempt itself."""
    return Attempt.objects.filter(uuid=attempt_uuid).values_list("quiz_id", "module_id").first()


@dataclass(frozen=True)
class QuizStatus:
    """Where a learner stands with a quiz: attempts used and left, and their best result."""

    quiz: Quiz
    attempts_used: int
    attempts_left: int | None  # None: no limit
    in_progress: Attempt | None
    latest: Attempt | None  # latest submitted attempt
    best: Attempt | None  # best submitted attempt

    @property
    def passed(self) -> bool:
        return bool(self.best and self.best.passed)

    @property
    def pass_mark(self) -> int:
        """The pass mark the learner's next marking uses: an attempt under way keeps the one
        it started with, whatever editors have changed since."""
        return self.in_progress.pass_mark if self.in_progress is not None else self.quiz.pass_mark

    @property
    def attempts_used_shown(self) -> int:
        """Attempts used as the quiz's page says it: never more than the limit, which an
        editor may have lowered below what the learner had already used ("2 of 2", not
        "3 of 2")."""
        if self.quiz.unlimited_attempts:
            return self.attempts_used
        return min(self.attempts_used, self.quiz.max_attempts)

    @property
    def can_start(self) -> bool:
        return self.in_progress is not None or self.attempts_left is None or self.attempts_left > 0


def _registration_for(*, learner, module):
    """The registration of the learner's current attempt at the module's course; None when
    they have not started it, or not started it again since it was marked "requires
    renewal" (starting the quiz then starts a new attempt at the course, with no quiz
    attempts used yet: see courses.services.course_registration)."""
    if module is None:
        return None
    from courses.models import Enrolment
    from records.selectors import course_valid_since

    course_id = module.get_parent().pk
    enrolment = (
        Enrolment.objects.filter(learner=learner, course_id=course_id).order_by("-attempt").first()
    )
    if enrolment is None:
        return None
    since = course_valid_since(course_page_id=course_id)
    if since is not None and enrolment.started_at < since:
        return None
    return enrolment.registration


def quiz_status(*, learner, quiz: Quiz, module=None, registration=None) -> QuizStatus:
    """The learner's standing with a quiz, within the course registration of `module` (when
    given) so a renewed course starts its attempts afresh."""
    if registration is None:
        registration = _registration_for(learner=learner, module=module)
    attempts = list(attempts_counted(learner=learner, quiz=quiz, registration=registration))
    submitted = [a for a in attempts if a.is_submitted]
    in_progress = next((a for a in attempts if not a.is_submitted), None)
    attempts_left = None
    if not quiz.unlimited_attempts:
        attempts_left = max(0, quiz.max_attempts - len(attempts))
    if in_progress is None and attempts_left != 0:
        # An attempt under way elsewhere (another registration) still blocks a new one,
        # and is carried on here only while this registration has an attempt left.
        in_progress = Attempt.objects.filter(
            learner=learner, quiz=quiz, state=Attempt.State.IN_PROGRESS
        ).first()
    latest = max(submitted, key=lambda a: a.submitted_at, default=None)
    best = max(submitted, key=lambda a: (bool(a.passed), a.score_scaled or 0), default=None)
    return QuizStatus(
        quiz=quiz,
        attempts_used=len(attempts),
        attempts_left=attempts_left,
        in_progress=in_progress,
        latest=latest,
        best=best,
    )
