"""Reads about courses: which a person may take, and how far through them they are.

Completion always comes from records (records/selectors.py), which are derived from xAPI
statements; nothing here decides a module is complete on its own say-so.
"""

from dataclasses import dataclass, field

from records.selectors import completed_activity_iris, course_valid_since
from schools.roles import Role, roles_of

from .models import Audience, ChecklistProgress, CoursePage, Enrolment, ModulePage, Reflection


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
    """Live courses open to this person, in site order. Open to everyone in the school for
    now; assignments narrow this when the records app adds them."""
    return (
        CoursePage.objects.live()
        .public()
        .filter(audience__in=audiences_for(user=user))
        .order_by("path")
    )


def course_open_to(*, user, course) -> bool:
    """May this person open the course? Editors may open any course to check their work."""
    if user.is_superuser or Role.EDITOR in roles_of(user):
        return True
    return course.audience in audiences_for(user=user)


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

    @property
    def total(self) -> int:
        return len(self.modules)

    @property
    def completed_count(self) -> int:
        return sum(1 for m in self.modules if m.complete)

    @property
    def percent(self) -> int:
        if not self.modules:
            return 0
        return round(100 * self.completed_count / self.total)

    @property
    def next_module(self) -> ModulePage | None:
        """Where to carry on: the first module not yet complete."""
        for m in self.modules:
            if not m.complete:
                return m.module
        return None


_NOT_GIVEN = object()


def course_progress(*, learner, course, since=_NOT_GIVEN) -> CourseProgress:
    """The learner's progress through a course, read from their completion records.

    Once the course is marked "requires renewal", only completions since then count, so
    everyone who had finished it starts again (docs/records.md). `since` saves the look-up
    when the caller already has it.
    """
    modules = list(course.modules())
    # An editor previewing a course not yet saved has no progress in it.
    if course.pk is None or not getattr(learner, "is_authenticated", False):
        return CourseProgress(
            course=course,
            modules=[ModuleProgress(m, i, False) for i, m in enumerate(modules, start=1)],
        )
    if since is _NOT_GIVEN:
        since = course_valid_since(course_page_id=course.pk)
    iris = [course.activity_iri, *(m.activity_iri for m in modules)]
    done = completed_activity_iris(learner=learner, activity_iris=iris, since=since)
    return CourseProgress(
        course=course,
        modules=[
            ModuleProgress(m, i, m.activity_iri in done) for i, m in enumerate(modules, start=1)
        ],
        complete=course.activity_iri in done,
        started=Enrolment.objects.filter(learner=learner, course=course).exists(),
    )


def progress_for_courses(*, learner, courses) -> list[CourseProgress]:
    return [course_progress(learner=learner, course=course) for course in courses]


def module_context(*, learner, module) -> dict:
    """Everything a module page shows about the learner: where they are in the course,
    what is complete, their saved checklist ticks and their own reflections."""
    course = module.course
    since = course_valid_since(course_page_id=course.pk) if course.pk is not None else None
    progress = course_progress(learner=learner, course=course, since=since)
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
        checklist_ticks = {
            row.block_id: list(row.ticked)
            for row in ChecklistProgress.objects.filter(learner=learner, module=module)
        }
        reflections = {
            row.block_id: row.text
            for row in Reflection.objects.filter(learner=learner, module=module)
        }
        enrolment = (
            Enrolment.objects.filter(learner=learner, course=course).order_by("-attempt").first()
        )
        registration = enrolment.registration if enrolment else None
    module_complete = module.activity_iri in completed
    return {
        "course": course,
        "progress": progress,
        "module_number": position + 1 if position is not None else None,
        "previous_module": previous_module,
        "next_module": next_module,
        "module_complete": module_complete,
        "required_activity_iris": required,
        "completed_activity_iris": completed,
        "activities_remaining": [iri for iri in required if iri not in completed],
        "can_confirm_read": not required and not module_complete,
        "checklist_ticks": checklist_ticks,
        "reflections": reflections,
        "registration": registration,
    }
