"""The quiz player: a start page, the questions, and the results with a review.

Plain forms with POST/redirect/GET, so the player works without JavaScript; quiz.js only
enhances it. Answers are marked on the server alone: the page never carries the answer key.
Learners reach a quiz through the module page that holds it, and may only take quizzes in
courses open to them.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.auth import login_required_for_post
from xapi.identity import activity_iri

from .forms import AnswerSheet
from .review import review
from .selectors import attempt_for_learner, attempt_quiz_and_module, live_quizzes, quiz_status
from .services import QuizActionError, quiz_attempt_start, quiz_attempt_submit


def _module_quiz(request, module_id: int, quiz_uuid, *, gone_is_said: bool = False):
    """The live module and the quiz it holds, if the learner may take them. With
    `gone_is_said`, a module taken off the site (or out of the learner's reach) since its
    page was opened raises `ModuleUnavailable`, so the learner is told why, not shown a bare
    "Page not found"."""
    from courses.models import ModulePage
    from courses.selectors import course_open_to
    from courses.views import ModuleUnavailable

    from .blocks import QuizBlock

    module = get_object_or_404(ModulePage.objects.all(), pk=module_id)
    if not module.live and not module.first_published_at:
        raise Http404
    quiz = get_object_or_404(live_quizzes(), uuid=quiz_uuid)
    in_module = any(
        isinstance(child.block, QuizBlock)
        and child.value.get("quiz") is not None
        and child.value["quiz"].pk == quiz.pk
        for child in module.body
    )
    if not in_module:
        raise Http404
    if not module.live or not course_open_to(
        user=request.user, course=module.course, module=module
    ):
        if gone_is_said:
            raise ModuleUnavailable(module)
        raise Http404
    return module, quiz


def _elsewhere(request, attempt_uuid):
    """Where someone goes who asked for another learner's attempt. On a shared device the
    next pupil signs in at the tab where the last one's quiz was open, and the sign-in page
    leads back to that attempt: they go to the quiz's own page, where their own attempts
    are, if they may take it, else to their home page; never to the other attempt."""
    found = attempt_quiz_and_module(attempt_uuid=attempt_uuid)
    if found is None:
        raise Http404
    messages.info(
        request, _("The quiz open on this device was someone else's, so it is not shown.")
    )
    quiz_id, module_id = found
    quiz = live_quizzes().filter(pk=quiz_id).first()
    if quiz is not None and module_id is not None:
        try:
            module, quiz = _module_quiz(request, module_id, quiz.uuid)
        except Http404:
            pass
        else:
            return redirect("assessments:quiz_detail", module_id=module.pk, quiz_uuid=quiz.uuid)
    return redirect(settings.LOGIN_REDIRECT_URL)


def _module_of(attempt):
    return attempt.module.specific if attempt.module is not None else None


def _still_open(request, module) -> bool:
    """May the learner still take a quiz in this module? Only while the module and its
    course are published and open to them, as when they started: an attempt under way
    must not complete a module (and course) taken off the site since."""
    from courses.selectors import course_open_to

    return module.live and course_open_to(user=request.user, course=module.course, module=module)


@login_required
def quiz_detail(request, module_id: int, quiz_uuid):
    """What the quiz is, how long it takes, the pass mark and the learner's attempts."""
    module, quiz = _module_quiz(request, module_id, quiz_uuid)
    status = quiz_status(learner=request.user, quiz=quiz, module=module)
    return render(
        request,
        "assessments/quiz_detail.html",
        {
            "quiz": quiz,
            "module": module,
            "course": module.course,
            "status": status,
            "nav_current": "learning",
        },
    )


@require_POST
@login_required_for_post
def quiz_start(request, module_id: int, quiz_uuid):
    """Start (or carry on with) an attempt and go to its questions."""
    from courses.views import ModuleUnavailable, module_unavailable

    try:
        module, quiz = _module_quiz(request, module_id, quiz_uuid, gone_is_said=True)
    except ModuleUnavailable as gone:
        # Sent from the quiz's page after the lesson was taken off the site (or out of the
        # learner's reach), as for a scenario started there.
        return module_unavailable(request, gone.module, quiz_not_started=True)
    if request.user.school is None:
        # Editors and administrators belong to no school, so there is no LRS to record in:
        # they check quizzes with the admin's preview instead.
        messages.info(request, _("Only pupils and staff of a school can take quizzes."))
        return redirect("assessments:quiz_detail", module_id=module.pk, quiz_uuid=quiz.uuid)
    try:
        attempt = quiz_attempt_start(learner=request.user, quiz=quiz, module=module)
    except QuizActionError as error:
        messages.error(request, str(error))
        return redirect("assessments:quiz_detail", module_id=module.pk, quiz_uuid=quiz.uuid)
    return redirect("assessments:attempt_take", attempt_uuid=attempt.uuid)


def _signed_in_to_answer(view):
    """`login_required`, except that answers sent once the sign-in has ended are said not to
    be saved (`config.auth.login_required_for_post`): signing in leads back to the questions."""
    answer = login_required_for_post(view)
    show = login_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return (answer if request.method == "POST" else show)(request, *args, **kwargs)

    return wrapper


@_signed_in_to_answer
def attempt_take(request, attempt_uuid):
    """The questions. A valid submission is marked and the learner sent to the results; an
    incomplete one comes back with an error summary and everything they had entered."""
    attempt = attempt_for_learner(learner=request.user, attempt_uuid=attempt_uuid)
    if attempt is None:
        return _elsewhere(request, attempt_uuid)
    if attempt.is_submitted:
        # A second submission (double click, back button, resend) changes nothing.
        return redirect("assessments:attempt_result", attempt_uuid=attempt.uuid)
    module = _module_of(attempt)
    if module is not None and not _still_open(request, module):
        from courses.views import module_unavailable

        return module_unavailable(request, module)
    questions = attempt.question_list()
    sheet = AnswerSheet(questions, dict(request.POST.lists()) if request.method == "POST" else None)
    if request.method == "POST" and sheet.is_valid():
        try:
            quiz_attempt_submit(attempt=attempt, responses=sheet.responses)
        except QuizActionError as error:
            messages.error(request, str(error))
            return redirect("assessments:attempt_take", attempt_uuid=attempt.uuid)
        return redirect("assessments:attempt_result", attempt_uuid=attempt.uuid)
    fields = sheet.fields
    return render(
        request,
        "assessments/attempt_take.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "module": module,
            "course": module.course if module else None,
            "fields": fields,
            "errors": [f for f in fields if f.error],
            "nav_current": "learning",
        },
        status=400 if sheet.errors else 200,
    )


@login_required
def attempt_result(request, attempt_uuid):
    """The score, pass or fail, a review of every answer, and a retry if one is left."""
    attempt = attempt_for_learner(learner=request.user, attempt_uuid=attempt_uuid)
    if attempt is None:
        return _elsewhere(request, attempt_uuid)
    if not attempt.is_submitted:
        return redirect("assessments:attempt_take", attempt_uuid=attempt.uuid)
    module = _module_of(attempt)
    # Where the learner stands now: in the course's current registration, which is a new
    # one (attempts afresh) once the course required renewal, as on the quiz's own page.
    if module is not None:
        status = quiz_status(learner=request.user, quiz=attempt.quiz, module=module)
    else:
        status = quiz_status(
            learner=request.user, quiz=attempt.quiz, registration=attempt.registration
        )
    from courses.selectors import course_open_to

    # Once the lesson (or its course) is taken off the site, links to it would lead to
    # "Page not found": the learner is led to the course while still open, else My learning.
    module_open = module is not None and _still_open(request, module)
    course = module.course if module else None
    course_open = module_open or (
        course is not None and course.live and course_open_to(user=request.user, course=course)
    )
    retry_url = None
    if module_open and live_quizzes().filter(pk=attempt.quiz_id).exists():
        retry_url = reverse(
            "assessments:quiz_start",
            kwargs={"module_id": module.pk, "quiz_uuid": attempt.quiz.uuid},
        )
    # A quiz placed for practice (not required) does nothing towards the module.
    counts_for_module = module is not None and (
        activity_iri("quiz", attempt.quiz.uuid) in module.required_activity_iris()
    )
    return render(
        request,
        "assessments/attempt_result.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "module": module,
            "course": course,
            "module_gone": module is not None and not module_open,
            "course_gone": course is not None and not course_open,
            "status": status,
            "items": review(attempt.question_list(), attempt.answers),
            "retry_url": retry_url,
            "counts_for_module": counts_for_module,
            "is_latest": status.latest is not None and status.latest.pk == attempt.pk,
            "nav_current": "learning",
        },
    )
