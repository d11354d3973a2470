"""Reads about courses: which a person may take, and how far through them they are.

Completion always comes from records (records/selectors.py), which are derived from xAPI
statements; nothing here decides a module is complete on its own say-so.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils import timezone
from wagtail.models import PageViewRestriction

from records.selectors import (
    assignments_for_learner,
    completed_activity_iris,
    course_valid_since,
    courses_valid_since,
    latest_completions,
)
from records.states import DUE_SOON_DAYS, State
from schools.roles import Role, roles_of

from .models import (
    Audience,
    ChecklistProgress,
    ClassLesson,
    CoursePage,
    Enrolment,
    ModulePage,
    Reflection,
)


def audiences_for(*, user) -> list[str]:
    """The course audiences a person learns in: pupils take pupil courses, staff take staff
    courses, and safeguarding leads also take the course for leads."""
    roles = roles_of(user)
    audiences = []
    if Role.PUPIL in roles:
        audiences.append(Audience.PUPILS)
    if Role.STAFF in roles or Role.SAFEGUARDING_LEAD in roles:
        audiences.append(Audience.STAFF)
    if Role.SAFEGUARDING_LEAD in roles:
        audiences.append(Audience.SAFEGUARDING_LEADS)
    return audiences


def courses_for_learner(*, user):
    """Live courses open to this person, in site order: those for their audience that the
    admin's "Privacy" (on the course or a page above it) lets them into."""
    courses = CoursePage.objects.live().filter(audience__in=audiences_for(user=user))
    return _open_under_privacy(courses, user).order_by("path")


def _edits_courses(user) -> bool:
    return user.is_superuser or Role.EDITOR in roles_of(user)


def course_open_to(*, user, course, module=None) -> bool:
    """May this person open the course (and `module` of it, when given)? Editors may open any
    course to check their work; others only a published one (unpublishing a course can leave
    its modules published). Neither when the page is private to groups they are not in."""
    if not course.live and not _edits_courses(user):
        return False
    if _private_from(user, module or course):
        return False
    return audience_open_to(user=user, audience=course.audience)


def _keeps_out(restriction, user, group_ids: set[int]) -> bool:
    """Does this page privacy setting keep the person out? Sign-in keeps out only people
    not signed in; groups, people in none of them."""
    if user.is_superuser:
        return False
    if restriction.restriction_type == PageViewRestriction.LOGIN:
        return not user.is_authenticated
    if restriction.restriction_type == PageViewRestriction.GROUPS:
        return not group_ids & {group.pk for group in restriction.groups.all()}
    return False


def _private_from(user, page) -> bool:
    """Is `page` (or a page above it) private to groups this person is not in? Wagtail's
    page privacy keeps the page itself from them; this keeps them from the actions on it
    (confirming a module read, a quiz, a scenario, H5P answers) too."""
    if user.is_superuser:
        return False
    group_ids = set(user.groups.values_list("pk", flat=True))
    restrictions = page.get_view_restrictions().prefetch_related("groups")
    return any(_keeps_out(restriction, user, group_ids) for restriction in restrictions)


def _open_under_privacy(pages, user):
    """The pages of `pages` whose privacy (theirs, or a page's above them) lets this person
    in. Not Wagtail's `public()`, which leaves out every page with any privacy at all: a
    course private to signed-in people, or to a group, would be listed for nobody."""
    if user.is_superuser:
        return pages
    group_ids = set(user.groups.values_list("pk", flat=True))
    for restriction in PageViewRestriction.objects.select_related("page").prefetch_related(
        "groups"
    ):
        if _keeps_out(restriction, user, group_ids):
            pages = pages.not_descendant_of(restriction.page, inclusive=True)
    return pages


def modules_open_to(*, user, course):
    """The course's live modules this person may open, in order. A module private to groups
    they are not in (its "Privacy" in the admin) is not part of the course for them: it
    does not hold back their completion of the course, nor is it where "Carry on" sends
    them (the page would only send them to sign in)."""
    modules = course.modules()
    if not getattr(user, "is_authenticated", False):
        return modules
    return _open_under_privacy(modules, user)


def modules_kept_from(*, learner_ids, module_paths: dict) -> dict[int, set]:
    """{learner id: keys of the modules private to groups that learner is not in}, for many
    learners at once (a class): what `modules_open_to` leaves out for each. `module_paths`
    maps whatever the caller knows a module by (its id, its IRI) to its page path. Learners
    kept from none are not listed. Two queries however many learners and modules."""
    from django.contrib.auth import get_user_model

    learner_ids = list(learner_ids)
    if not module_paths or not learner_ids:
        return {}
    restrictions = [
        restriction
        for restriction in PageViewRestriction.objects.filter(
            restriction_type=PageViewRestriction.GROUPS
        )
        .select_related("page")
        .prefetch_related("groups")
        if any(path.startswith(restriction.page.path) for path in module_paths.values())
    ]
    if not restrictions:
        return {}
    group_ids: dict[int, set[int]] = defaultdict(set)
    # Superusers may view every page; a learner in no group has a row with None.
    for user_id, group_id in (
        get_user_model()
        .objects.filter(pk__in=learner_ids, is_superuser=False)
        .values_list("pk", "groups")
    ):
        group_ids[user_id].update([group_id] if group_id is not None else [])
    kept: dict[int, set] = {}
    for learner_id, mine in group_ids.items():
        for restriction in restrictions:
            if not mine & {group.pk for group in restriction.groups.all()}:
                kept.setdefault(learner_id, set()).update(
                    key
                    for key, path in module_paths.items()
                    if path.startswith(restriction.page.path)
                )
    return kept


def audience_open_to(*, user, audience: str) -> bool:
    """May this person take what is made for `audience` (a course's, or a scenario's)?"""
    if _edits_courses(user):
        return True
    return audience in audiences_for(user=user)


def _is_school_staff(user) -> bool:
    roles = roles_of(user)
    return bool(user.school_id) and (Role.STAFF in roles or Role.SAFEGUARDING_LEAD in roles)


def course_taught_by(*, user, course) -> bool:
    """Is the course a pupils' lesson this person may lead with a class, and record it?
    Staff of a school, also when they edit courses (`courses_to_teach` lists them), unless
    its page privacy keeps them out (`courses_to_teach` leaves it out for them too)."""
    return (
        course.audience == Audience.PUPILS
        and course.live
        and Audience.PUPILS not in audiences_for(user=user)
        and _is_school_staff(user)
        and not _private_from(user, course)
    )


def course_in_teaching_view(*, user, course) -> bool:
    """Does this person see the course in the teaching view? Staff open pupils' lessons to
    prepare them or lead them with a class: the content as pupils see it, the activities
    described rather than played, and nothing recorded (the lesson is not theirs to take).
    Editors see every course as learners do, to check their work."""
    return course_taught_by(user=user, course=course) and not course_open_to(
        user=user, course=course
    )


def module_open_to(*, user, module) -> bool:
    """May this person open the module's page, to take it or in the teaching view? A link to
    it is offered only then: otherwise it leads to "page not found"."""
    course = module.course
    if course_open_to(user=user, course=course, module=module):
        return True
    return course_in_teaching_view(user=user, course=course) and not _private_from(user, module)


def courses_to_teach(*, user):
    """Live pupils' lessons a member of staff may open in the teaching view, in site order."""
    if not _is_school_staff(user) or Audience.PUPILS in audiences_for(user=user):
        return CoursePage.objects.none()
    courses = CoursePage.objects.live().filter(audience=Audience.PUPILS)
    return _open_under_privacy(courses, user).order_by("path")


def modules_using(activity, *, required=False) -> list[ModulePage]:
    """Live modules whose body uses this scenario, quiz or H5P activity (with `required`,
    only those that require it), in site order. Read from the modules themselves, not from
    Wagtail's reference index: the task worker brings that up to date some time after a
    page is published (never, while it is down), and a lesson published meanwhile must not
    be missed by the checks that use this."""
    from .activity import ActivityBlock

    modules = []
    for module in ModulePage.objects.live().order_by("path"):
        child_blocks = module.body.stream_block.child_blocks
        for raw in module.body.raw_data:
            block = child_blocks.get(raw.get("type"))
            if not isinstance(block, ActivityBlock):
                continue
            chooser = block.child_blocks.get(block.content_field)
            if getattr(chooser, "target_model", None) is not type(activity):
                continue
            value = raw.get("value") or {}
            if value.get(block.content_field) != activity.pk:
                continue
            if required and not value.get("required", True):
                continue
            modules.append(module)
            break
    return modules


def modules_going_live_using(activity) -> list[ModulePage]:
    """Modules whose version scheduled to go live, or awaiting a moderator's approval, uses
    this scenario, quiz or H5P activity, each as that version: they are published later
    without an editor there to be told (the reference index follows only what is live)."""
    from wagtail.models import Revision, TaskState

    from .activity import ActivityBlock

    content_type = ContentType.objects.get_for_model(ModulePage)
    revisions = Revision.objects.filter(content_type=content_type)
    ids = set(revisions.filter(approved_go_live_at__isnull=False).values_list("pk", flat=True))
    ids |= set(
        TaskState.objects.filter(
            status=TaskState.STATUS_IN_PROGRESS, revision__content_type=content_type
        ).values_list("revision_id", flat=True)
    )
    modules = []
    for revision in revisions.filter(pk__in=ids).order_by("created_at"):
        module = revision.as_object()
        for child in module.body:
            if not isinstance(child.block, ActivityBlock):
                continue
            content = child.block.content_object(child.value)
            if type(content) is type(activity) and content.pk == activity.pk:
                modules.append(module)
                break
    return modules


@dataclass(frozen=True)
class ModuleProgress:
    module: ModulePage
    number: int
    complete: bool


@dataclass(frozen=True)
class CourseProgress:
    course: CoursePage
    modules: list[ModuleProgress] = field(default_factory=list)
    complete: bool = False
    started: bool = False
    # Completions before this do not count (see `attempt_since`).
    since: datetime | None = None

    @property
    def total(self) -> int:
        return len(self.modules)

    @property
    def completed_count(self) -> int:
        return sum(1 for m in self.modules if m.complete)

    @property
    def percent(self) -> int:
        # A completed course stays complete when a module is added afterwards (only
        # "requires renewal" asks for it again): its bar must not say otherwise.
        if self.complete:
            return 100
        if not self.modules:
            return 0
        return round(100 * self.completed_count / self.total)

    @property
    def complete_with_modules_left(self) -> bool:
        """Complete, though some modules are not (added, or opened to them, since)."""
        return self.complete and self.completed_count < self.total

    @property
    def next_module(self) -> ModulePage | None:
        """Where to carry on: the first module not yet complete."""
        for m in self.modules:
            if not m.complete:
                return m.module
        return None


_NOT_GIVEN = object()


def attempt_since(mark, counts_from):
    """From when completions count for a learner's current attempt at a course: the course's
    last "requires renewal" `mark` or, for an attempt that renews an expired (or expiring)
    completion, its `counts_from`, whichever is later; None when everything counts."""
    return max((at for at in (mark, counts_from) if at is not None), default=None)


def renewal_due(*, learner, course):
    """The learner's assignment of `course` (`.state`, `.standing.expires_on`) when their
    completion of it has expired or expires soon: going through it again renews it
    (`courses.services.course_launch`). None otherwise."""
    for item in assignments_for_learner(learner):
        if item.course.page_id == course.pk:
            return item if item.state in (State.EXPIRED, State.EXPIRING_SOON) else None
    return None


def course_progress(*, learner, course, since=_NOT_GIVEN) -> CourseProgress:
    """The learner's progress through a course, read from their completion records.

    Once the course is marked "requires renewal", only completions since then count, so
    everyone who had finished it starts again (docs/records.md); likewise for a learner
    renewing an expired completion, from when they started again. `since` (the course's
    renewal mark) saves the look-up when the caller already has it.
    """
    modules = list(modules_open_to(user=learner, course=course))
    # An editor previewing a course not yet saved has no progress in it.
    if course.pk is None or not getattr(learner, "is_authenticated", False):
        return CourseProgress(
            course=course,
            modules=[ModuleProgress(m, i, False) for i, m in enumerate(modules, start=1)],
        )
    if since is _NOT_GIVEN:
        since = course_valid_since(course_page_id=course.pk)
    current = list(
        Enrolment.objects.filter(learner=learner, course=course)
        .order_by("-attempt")
        .values_list("counts_from", flat=True)[:1]
    )
    since = attempt_since(since, current[0] if current else None)
    iris = [course.activity_iri, *(m.activity_iri for m in modules)]
    done = completed_activity_iris(learner=learner, activity_iris=iris, since=since)
    return CourseProgress(
        course=course,
        modules=[
            ModuleProgress(m, i, m.activity_iri in done) for i, m in enumerate(modules, start=1)
        ],
        complete=course.activity_iri in done,
        started=bool(current),
        since=since,
    )


def progress_for_courses(*, learner, courses) -> list[CourseProgress]:
    """`course_progress` for a list of courses in five queries whatever its length: the
    modules, renewals, completions and enrolments of every course are read together."""
    courses = list(courses)
    if not courses:
        return []
    if not getattr(learner, "is_authenticated", False):
        return [course_progress(learner=learner, course=course) for course in courses]
    modules_by_path: dict[str, list[ModulePage]] = {c.path: [] for c in courses}
    children = reduce(or_, (ModulePage.objects.child_of_q(c) for c in courses))
    for module in _open_under_privacy(ModulePage.objects.live().filter(children), learner).order_by(
        "path"
    ):
        modules_by_path[module.path[: -ModulePage.steplen]].append(module)
    since_by_course = courses_valid_since(course_page_ids=[c.pk for c in courses])
    iris = [c.activity_iri for c in courses]
    iris += [m.activity_iri for modules in modules_by_path.values() for m in modules]
    latest = latest_completions(learner=learner, activity_iris=iris)
    # Each course's current attempt, by course: when it counts from (None for most).
    started = dict(
        Enrolment.objects.filter(learner=learner, course__in=courses)
        .order_by("attempt")
        .values_list("course_id", "counts_from")
    )
    result = []
    for course in courses:
        since = attempt_since(since_by_course.get(course.pk), started.get(course.pk))

        def done(iri, since=since) -> bool:
            at = latest.get(iri)
            return at is not None and (since is None or at >= since)

        modules = modules_by_path[course.path]
        result.append(
            CourseProgress(
                course=course,
                modules=[
                    ModuleProgress(m, i, done(m.activity_iri))
                    for i, m in enumerate(modules, start=1)
                ],
                complete=done(course.activity_iri),
                started=course.pk in started,
                since=since,
            )
        )
    return result


# How urgent an item on My learning is; lower comes first.
_OVERDUE, _DUE_SOON, _ASSIGNED, _DONE, _NOT_ASSIGNED = range(5)


@dataclass(frozen=True)
class LearningItem:
    """One course on My learning: the learner's progress, and the assignment (due date and
    state from records) when their school has assigned it to them."""

    progress: CourseProgress
    assignment: object | None = None
    urgency: int = _NOT_ASSIGNED

    @property
    def course(self) -> CoursePage:
        return self.progress.course

    @property
    def needs_attention(self) -> bool:
        return self.urgency in (_OVERDUE, _DUE_SOON)


def _urgency(item, today: date) -> int:
    state = item.state
    if state in (State.OVERDUE, State.EXPIRED):
        return _OVERDUE
    if state == State.EXPIRING_SOON:
        return _DUE_SOON
    if state == State.COMPLETED:
        return _DONE
    if item.due_on - today <= timedelta(days=DUE_SOON_DAYS):
        return _DUE_SOON
    return _ASSIGNED


def my_learning_items(*, learner, today: date | None = None) -> list[LearningItem]:
    """The courses open to the learner with their progress, and for those their school
    assigned, the due date and state. Overdue or expired first, then due or expiring soon,
    then the other assigned courses by due date, then the rest in site order. A bounded
    number of queries, whatever the number of courses or assignments."""
    today = today or timezone.localdate()
    progress = progress_for_courses(learner=learner, courses=courses_for_learner(user=learner))
    assigned = {a.course.page_id: a for a in assignments_for_learner(learner, today=today)}
    items = []
    for p in progress:
        assignment = assigned.get(p.course.pk)
        if assignment is None:
            items.append(LearningItem(progress=p))
        else:
            items.append(
                LearningItem(progress=p, assignment=assignment, urgency=_urgency(assignment, today))
            )
    # sorted() is stable, so courses not assigned keep their site order.
    return sorted(
        items,
        key=lambda i: (i.urgency, i.assignment.due_on if i.assignment else date.max),
    )


def module_context(*, learner, module) -> dict:
    """Everything a module page shows about the learner: where they are in the course,
    what is complete, their saved checklist ticks and their own reflections."""
    course = module.course
    since = course_valid_since(course_page_id=course.pk) if course.pk is not None else None
    progress = course_progress(learner=learner, course=course, since=since)
    since = progress.since
    position = next((i for i, m in enumerate(progress.modules) if m.module.pk == module.pk), None)
    previous_module = next_module = None
    if position is not None:
        if position > 0:
            previous_module = progress.modules[position - 1].module
        if position + 1 < len(progress.modules):
            next_module = progress.modules[position + 1].module
    required = module.required_activity_iris()
    completed = set()
    checklist_ticks: dict[str, list[str]] = {}
    reflections: dict[str, str] = {}
    registration = None
    # An editor previewing a module not yet saved has nothing saved in it.
    if module.pk is not None and getattr(learner, "is_authenticated", False):
        completed = completed_activity_iris(
            learner=learner, activity_iris=[*required, module.activity_iri], since=since
        )
        ticks = ChecklistProgress.objects.filter(learner=learner, module=module)
        if since is not None:
            # Renewing is checking the settings again: ticks from before do not show as done.
            ticks = ticks.filter(updated_at__gte=since)
        checklist_ticks = {row.block_id: list(row.ticked) for row in ticks}
        reflections = {
            row.block_id: row.text
            for row in Reflection.objects.filter(learner=learner, module=module)
        }
        enrolment = (
            Enrolment.objects.filter(learner=learner, course=course).order_by("-attempt").first()
        )
        registration = enrolment.registration if enrolment else None
    module_complete = module.activity_iri in completed
    activities_remaining = [iri for iri in required if iri not in completed]
    return {
        "course": course,
        "progress": progress,
        "module_number": position + 1 if position is not None else None,
        "previous_module": previous_module,
        "next_module": next_module,
        "module_complete": module_complete,
        "required_activity_iris": required,
        "completed_activity_iris": completed,
        "activities_remaining": activities_remaining,
        # Every activity left to do was unpublished since: what is left is to say so.
        "can_confirm_read": not activities_remaining and not module_complete,
        "checklist_ticks": checklist_ticks,
        "reflections": reflections,
        "registration": registration,
    }


def lessons_of_group(group, *, course=None):
    """The lessons teachers recorded leading with `group` (of `course`, if given), latest
    first, with their course, modules and who led them."""
    from .models import ClassLesson

    lessons = ClassLesson.objects.filter(group=group)
    if course is not None:
        lessons = lessons.filter(course=course)
    return lessons.select_related("group", "course", "recorded_by").prefetch_related("modules")


def lessons_mark_removable(lessons, *, viewer) -> list:
    """`lessons` as a list, each with `.removable`: may `viewer` take it back?"""
    from schools.selectors import groups_taught_by

    from .services import class_lesson_removable_by

    lessons = list(lessons)
    taught = set(groups_taught_by(viewer).values_list("pk", flat=True)) if lessons else set()
    for lesson in lessons:
        lesson.removable = class_lesson_removable_by(
            lesson=lesson, user=viewer, taught_group_ids=taught
        )
    return lessons


def lessons_taught_to(group, *, viewer, course=None, limit: int = 50):
    """The latest `limit` lessons of `lessons_of_group`, each with `.removable`."""
    return lessons_mark_removable(lessons_of_group(group, course=course)[:limit], viewer=viewer)


def lessons_shared_with(group, *, pupil_ids) -> list:
    """Lessons recorded with another group of the school (a year group, say) that count for
    pupils of `group`, latest first; each with `.pupils_here`: how many of `pupil_ids` it
    gave a module that still stands. Three queries, bounded by the group's pupils."""
    from records.models import Completion

    from .models import ClassLesson

    if not pupil_ids:
        return []
    lessons = list(
        ClassLesson.objects.filter(
            group__school_id=group.school_id, group__memberships__user_id__in=pupil_ids
        )
        .exclude(group=group)
        .distinct()
        .select_related("group", "course", "recorded_by")
        .prefetch_related("modules")
    )
    by_statement = {
        statement_id: lesson for lesson in lessons for statement_id in lesson.statement_ids
    }
    iris = {module.activity_iri for lesson in lessons for module in lesson.modules.all()}
    here: dict[int, set[int]] = {}
    for statement_id, learner_id in Completion.objects.filter(
        learner_id__in=pupil_ids, activity_iri__in=iris
    ).values_list("statement_id", "learner_id"):
        lesson = by_statement.get(str(statement_id))
        if lesson is not None:
            here.setdefault(lesson.pk, set()).add(learner_id)
    shared = [lesson for lesson in lessons if lesson.pk in here]
    for lesson in shared:
        lesson.pupils_here = len(here[lesson.pk])
    return shared


def completed_in_class(*, pupil) -> dict[uuid.UUID, tuple[str, date]]:
    """The completions a lesson led with one of `pupil`'s classes gave them, and that still
    stand: statement id -> (activity IRI, the day of the lesson). Two queries."""
    from records.models import Completion

    from .models import ClassLesson

    lessons = ClassLesson.objects.filter(group__in=pupil.learning_groups.all()).values_list(
        "taught_on", "statement_ids"
    )
    taught_on = {
        statement_id: day for day, statement_ids in lessons for statement_id in statement_ids
    }
    if not taught_on:
        return {}
    rows = Completion.objects.filter(learner=pupil, statement_id__in=list(taught_on)).values_list(
        "statement_id", "activity_iri"
    )
    return {statement_id: (iri, taught_on[str(statement_id)]) for statement_id, iri in rows}


def lessons_taught_in(school, *, since):
    """Every lesson led with a class of `school` and recorded, taught on or after `since`,
    latest first, for the school's training record."""
    from .models import ClassLesson

    return list(
        ClassLesson.objects.filter(group__school=school, taught_on__gte=since)
        .select_related("course", "group", "recorded_by")
        .prefetch_related("modules")
    )


def learner_data_in(page) -> dict[str, int]:
    """What learners have left in a page and the courses and modules under it (a course
    list's, or the home page's, too) that deleting the page deletes with it, by kind,
    leaving out kinds with none. What they completed is not among it: that is in their
    statements."""
    from records.models import Assignment

    courses = CoursePage.objects.descendant_of(page, inclusive=True)
    modules = ModulePage.objects.descendant_of(page, inclusive=True)
    counts = {}
    counts["learners"] = Enrolment.objects.filter(course__in=courses).aggregate(
        n=Count("learner", distinct=True)
    )["n"]
    counts["assignments"] = Assignment.objects.filter(course__in=courses).count()
    counts["lessons"] = ClassLesson.objects.filter(course__in=courses).count()
    counts["reflections"] = Reflection.objects.filter(module__in=modules).count()
    counts["checklists"] = ChecklistProgress.objects.filter(module__in=modules).count()
    return {kind: count for kind, count in counts.items() if count}
