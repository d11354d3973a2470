"""Learner-facing views outside the page tree: My learning, and the forms module pages post.

Each view checks the learner may take the course, calls one service, and redirects back
(or answers JSON when the page's script asked for it). Progress is only ever written by the
services, as statements.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from config.auth import login_required_for_post
from schools.roles import Role, roles_of

from .forms import ClassLessonForm
from .models import Audience, ClassLesson, CoursePage, ModulePage
from .selectors import (
    course_open_to,
    course_taught_by,
    courses_to_teach,
    lessons_taught_to,
    my_learning_items,
)
from .services import (
    CLASS_LESSON_REMOVE_REFUSED,
    CourseActionError,
    checklist_tick,
    class_lesson_record,
    class_lesson_removable_by,
    class_lesson_remove,
    class_lesson_taught_before,
    course_launch,
    module_read_confirm,
    reflection_save,
)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


class ModuleUnavailable(Exception):
    """The module was taken off the site (or out of the learner's reach) after its page was
    opened: what the learner sent is refused with a reason, not a bare "Page not found"."""

    def __init__(self, module):
        super().__init__(module)
        self.module = module


def module_unavailable(request, module, *, scenario=None, attempt=None, quiz_not_started=False):
    """The page saying a lesson is no longer available, and where to go instead: its course
    while that is still open to the learner, else their home page. A 404, as before.

    With the `scenario` and `attempt` of a choice made without JavaScript: the choice was
    kept (a scenario is played on to its end, and completes nothing in a lesson taken off
    the site), and the scenario's own page, which shows the attempt, is offered to see it
    through while the scenario itself is still published. With a `scenario` and no
    attempt, it was not started here, and its own page is offered to play it. With
    `quiz_not_started`, the learner pressed Start on a quiz's page: no attempt was begun."""
    from scenarios.selectors import scenario_open_to

    course = module.course
    still_open = (
        course is not None and course.live and course_open_to(user=request.user, course=course)
    )
    scenario_playable = (
        scenario is not None
        and scenario.live
        and scenario_open_to(user=request.user, scenario=scenario)
    )
    return render(
        request,
        "courses/module_unavailable.html",
        {
            "course_url": course.url if still_open else None,
            "course_title": course.title if still_open else "",
            "scenario_started": attempt is not None,
            "scenario_url": reverse("scenarios:play", args=[scenario.uuid])
            if scenario_playable
            else None,
            "scenario_title": scenario.title if scenario is not None else "",
            "scenario_finished": attempt is not None and attempt.finished_at is not None,
            "quiz_not_started": quiz_not_started,
        },
        status=404,
    )


def _learner_module(request, module_id: int) -> ModulePage:
    module = get_object_or_404(ModulePage.objects.all(), pk=module_id)
    if request.user.school is None or (not module.live and not module.first_published_at):
        raise Http404
    if not module.live or not course_open_to(
        user=request.user, course=module.course, module=module
    ):
        raise ModuleUnavailable(module)
    return module


def _module_still_open(view):
    """Answers a form sent to a lesson no longer available with the reason (JSON for the
    page's script)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ModuleUnavailable as gone:
            if _wants_json(request):
                said = _("This lesson is no longer available, so your answer was not saved.")
                return JsonResponse({"error": said}, status=404)
            return module_unavailable(request, gone.module)

    return wrapper


@login_required
def my_learning(request):
    """The learner's home: the courses open to them, their progress in each, and for the
    courses their school assigned, the due date and where they stand; urgent ones first.
    Staff also find the pupils' lessons they can open in the teaching view."""
    return render(
        request,
        "courses/my_learning.html",
        {
            "courses": my_learning_items(learner=request.user),
            "lessons_to_teach": courses_to_teach(user=request.user),
            "is_pupil": Role.PUPIL in roles_of(request.user),
            "nav_current": "learning",
        },
    )


@require_POST
@login_required_for_post
def course_start(request, course_id: int):
    """Start or carry on a course: go to the first module not yet complete."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    if request.user.school is None or not course_open_to(user=request.user, course=course):
        raise Http404
    module = course_launch(learner=request.user, course=course)
    if module is None:
        messages.info(request, _("This course has no modules yet."))
        return redirect(course.url)
    return redirect(module.url)


@require_POST
@_module_still_open
@login_required_for_post
def module_read(request, module_id: int):
    """The learner says they have read a module (one without activities)."""
    module = _learner_module(request, module_id)
    try:
        module_read_confirm(learner=request.user, module=module)
    except CourseActionError as error:
        messages.error(request, str(error))
        return redirect(module.url)
    messages.success(request, _("Module complete. Well done."))
    return redirect(f"{module.url}#module-status")


@require_POST
@_module_still_open
@login_required_for_post(anchor="block-{block_id}")
def checklist_save(request, module_id: int, block_id: str):
    """Save the ticked items of a privacy-settings checklist."""
    module = _learner_module(request, module_id)
    ticked = request.POST.getlist("item")
    try:
        progress = checklist_tick(
            learner=request.user, module=module, block_id=block_id, ticked=ticked
        )
    except CourseActionError as error:
        if _wants_json(request):
            return JsonResponse({"error": str(error)}, status=400)
        messages.error(request, str(error))
        return redirect(module.url)
    taken_off = set(ticked) - set(progress.ticked)
    notice = (
        _(
            "An item you ticked was taken off the checklist after you opened this page. "
            "Your other ticks are saved."
        )
        if taken_off
        else ""
    )
    if _wants_json(request):
        return JsonResponse({"ticked": progress.ticked, **({"notice": notice} if notice else {})})
    # Shown in the block, beside the button that saved it (module_page.html).
    if notice:
        messages.warning(request, notice, extra_tags=f"block-{block_id}")
    else:
        messages.success(request, _("Your ticks are saved."), extra_tags=f"block-{block_id}")
    return redirect(f"{module.url}#block-{block_id}")


@require_POST
@_module_still_open
@login_required_for_post(anchor="block-{block_id}")
def reflection_submit(request, module_id: int, block_id: str):
    """Save the learner's private answer to a reflection prompt."""
    module = _learner_module(request, module_id)
    try:
        reflection = reflection_save(
            learner=request.user,
            module=module,
            block_id=block_id,
            text=request.POST.get("answer", ""),
        )
    except CourseActionError as error:
        if not any(child.id == block_id for child in module.body):
            # The prompt is gone from the page: said at its top, where the learner sees it.
            messages.error(request, str(error))
            return redirect(module.url)
        messages.error(request, str(error), extra_tags=f"block-{block_id}")
        return redirect(f"{module.url}#block-{block_id}")
    if not reflection.text:
        saved = _("The box is empty, so no answer is kept.")
    elif module.course.audience == Audience.PUPILS:
        saved = _("Your answer is saved. Your teachers can't see it.")
    else:
        # Staff doing CPD have colleagues, not teachers (reflection.html says the same).
        saved = _("Your answer is saved. Your colleagues can't see it.")
    messages.success(request, saved, extra_tags=f"block-{block_id}")
    return redirect(f"{module.url}#block-{block_id}")


@login_required
def class_lesson(request, course_id: int):
    """A teacher records a pupils' lesson they led with one of their classes: first which
    class (skipped when they teach one), then the modules, the date and who was there."""
    from schools.selectors import classes_taught_by, group_pupils, group_reading_order

    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    if not course_taught_by(user=request.user, course=course):
        raise Http404
    groups = sorted(classes_taught_by(request.user), key=group_reading_order)
    if not groups:
        raise PermissionDenied(_("Lessons are recorded by the teachers of a class."))
    chosen = request.POST.get("group") or request.GET.get("group") or ""
    context = {"course": course, "groups": groups, "module": request.GET.get("module", "")}
    group = next((g for g in groups if str(g.pk) == chosen), None)
    if group is None and len(groups) == 1:
        group = groups[0]
    context.update(group=group, nav_current="groups")
    if group is None:
        context["unknown_group"] = bool(chosen)
        return render(request, "courses/class_lesson.html", context)
    modules = list(course.modules())
    pupils = list(group_pupils(group))
    form = ClassLessonForm(request.POST or None, modules=modules, pupils=pupils)
    if request.GET.get("module"):  # from a module's page: that module ticked to start with
        form.fields["modules"].initial = [
            m.pk for m in modules if str(m.pk) == request.GET["module"]
        ]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lesson, recorded = class_lesson_record(
                teacher=request.user,
                group=group,
                course=course,
                modules=[m for m in modules if m.pk in data["modules"]],
                pupils=[p for p in pupils if p.pk in data["pupils"]],
                taught_on=data["taught_on"],
                lesson_uuid=data["lesson"],
            )
        except CourseActionError as error:
            form.add_error(None, str(error))
        else:
            if not recorded:
                messages.info(
                    request,
                    _("This lesson was already recorded: the form was sent twice. It counts once."),
                )
                return redirect("records:pshe_class", pk=group.pk)
            if not lesson.statement_ids:
                # Every pupil ticked had the modules already (on their own, or from the same
                # day's lesson): said, so a teacher who did not mean to record it twice sees
                # it and can remove it.
                messages.info(
                    request,
                    ngettext(
                        "The lesson is listed, but the pupil you ticked had already completed "
                        "these modules, so no PSHE record changed. Recorded it twice by "
                        "mistake? Remove it below.",
                        "The lesson is listed, but the %(count)s pupils you ticked had already "
                        "completed these modules, so no PSHE record changed. Recorded it twice "
                        "by mistake? Remove it below.",
                        lesson.pupil_count,
                    )
                    % {"count": lesson.pupil_count},
                )
                return redirect("records:pshe_class", pk=group.pk)
            taught_before = class_lesson_taught_before(lesson=lesson)
            if taught_before is not None:
                # Taught again (revision), or recorded again on another day by mistake.
                messages.info(
                    request,
                    _(
                        "%(group)s already has a lesson with these modules recorded on "
                        "%(date)s. Recorded it twice by mistake? Remove one below."
                    )
                    % {"group": group.name, "date": date_format(taught_before, "j F Y")},
                )
            messages.success(
                request,
                ngettext(
                    "The lesson is recorded: %(count)s pupil of %(group)s took “%(course)s” "
                    "with you. The PSHE record below shows it.",
                    "The lesson is recorded: %(count)s pupils of %(group)s took “%(course)s” "
                    "with you. The PSHE record below shows it.",
                    lesson.pupil_count,
                )
                % {"count": lesson.pupil_count, "group": group.name, "course": course.title},
            )
            return redirect("records:pshe_class", pk=group.pk)
    context["form"] = form
    # The latest ten; one more fetched to tell whether the class's record has others.
    recorded = lessons_taught_to(group, viewer=request.user, course=course, limit=11)
    context.update(recorded=recorded[:10], more_recorded=len(recorded) > 10)
    return render(request, "courses/class_lesson.html", context)


@login_required
def class_lesson_pick(request):
    """Which pupils' lesson a teacher led with a class, from the class in My groups: straight
    to the form when the school has one pupils' course, otherwise a choice of them."""
    from schools.selectors import classes_taught_by

    groups = {str(g.pk): g for g in classes_taught_by(request.user)}
    if not groups:
        raise PermissionDenied(_("Lessons are recorded by the teachers of a class."))
    group = groups.get(request.GET.get("group", ""))
    courses = list(courses_to_teach(user=request.user))
    if len(courses) == 1:
        url = reverse("courses:class_lesson", args=[courses[0].pk])
        return redirect(f"{url}?group={group.pk}" if group else url)
    return render(
        request,
        "courses/class_lesson_pick.html",
        {"courses": courses, "group": group, "nav_current": "groups"},
    )


def _lesson_to_remove(request, lesson_id: int) -> ClassLesson:
    return get_object_or_404(
        ClassLesson.objects.select_related("group__school", "course").prefetch_related("modules"),
        pk=lesson_id,
        group__school_id=request.user.school_id,
    )


@require_http_methods(["GET", "POST"])
def class_lesson_delete(request, lesson_id: int):
    """Take back a lesson recorded by mistake (the teacher who recorded it, or the lead): a
    page saying what will change, whose button (a POST) does it. Removing takes the lesson
    out of every pupil's record at once, so one click on the class's record does not."""
    if request.method == "POST":
        return _class_lesson_remove(request, lesson_id=lesson_id)
    return _class_lesson_remove_confirm(request, lesson_id=lesson_id)


@login_required
def _class_lesson_remove_confirm(request, lesson_id: int):
    lesson = _lesson_to_remove(request, lesson_id)
    if not class_lesson_removable_by(lesson=lesson, user=request.user):
        raise PermissionDenied(CLASS_LESSON_REMOVE_REFUSED)
    return render(
        request,
        "courses/class_lesson_delete.html",
        {"lesson": lesson, "group": lesson.group, "nav_current": "groups"},
    )


@login_required_for_post
def _class_lesson_remove(request, lesson_id: int):
    lesson = _lesson_to_remove(request, lesson_id)
    group = lesson.group
    try:
        pupils = class_lesson_remove(lesson=lesson, by=request.user)
    except CourseActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext(
                "The lesson was removed: what it recorded is no longer in %(count)s pupil's "
                "record. What pupils did on their own stays.",
                "The lesson was removed: what it recorded is no longer in %(count)s pupils' "
                "records. What pupils did on their own stays.",
                pupils,
            )
            % {"count": pupils},
        )
    # Not to "#lessons-taught": the message saying what changed is above it, and takes focus.
    return redirect("records:pshe_class", pk=group.pk)
