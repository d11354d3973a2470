"""What learners do in courses, each recorded as an xAPI statement.

Every learning event goes through `xapi.services.record()` (DESIGN.md, one path for every
learning event); module and course completion then show up as records.Completion rows,
which the projection derives from the statements. No function here writes a completion.

Other apps call two of these:
- `course_registration(learner=, course=)` for the registration their statements carry;
- `module_progress_sync(learner=, module=)` straight after they record a completing
  statement, so the module and course complete as soon as their last activity does.
"""

import uuid

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from records.selectors import completed_activity_iris, course_valid_since
from xapi.identity import actor_for

from .blocks import ChecklistBlock, ReflectionBlock
from .models import ChecklistProgress, CoursePage, Enrolment, ModulePage, Reflection

REFLECTION_MAX_LENGTH = 5000


class CourseActionError(ValueError):
    """A learner asked for something the course does not allow; the message says why."""


def _record(*, learner, statements: list[dict]) -> None:
    from xapi.services import record

    record(statements=statements, school=learner.school)


def _enrolment(*, learner, course: CoursePage) -> Enrolment:
    enrolment = (
        Enrolment.objects.filter(learner=learner, course=course).order_by("-attempt").first()
    )
    attempt = 1
    if enrolment is not None:
        # After a course "requires renewal" the learner takes it again as a new attempt,
        # with a new registration, so per-attempt limits (quiz attempts) start afresh.
        since = course_valid_since(course_page_id=course.pk)
        if since is None or enrolment.started_at >= since:
            return enrolment
        attempt = enrolment.attempt + 1
    try:
        # A savepoint, so a concurrent first visit that wins the race leaves us usable.
        with transaction.atomic():
            return Enrolment.objects.create(learner=learner, course=course, attempt=attempt)
    except IntegrityError:
        return Enrolment.objects.get(learner=learner, course=course, attempt=attempt)


@transaction.atomic
def course_registration(*, learner, course: CoursePage) -> uuid.UUID:
    """The registration of the learner's current attempt at the course (xAPI 1.0.3
    §4.1.6.1 context.registration), enrolling them on first use."""
    return _enrolment(learner=learner, course=course).registration


@transaction.atomic
def course_launch(*, learner, course: CoursePage) -> ModulePage | None:
    """The learner starts or resumes a course: record `launched` and return the module to
    go to (the first not yet complete, or the first module when all are)."""
    from xapi.statements.builders import course_launched

    from .selectors import course_progress

    registration = _enrolment(learner=learner, course=course).registration
    _record(
        learner=learner,
        statements=[
            course_launched(
                actor=actor_for(learner),
                course=course.xapi_activity(),
                registration=str(registration),
            )
        ],
    )
    progress = course_progress(learner=learner, course=course)
    if progress.next_module is not None:
        return progress.next_module
    return progress.modules[0].module if progress.modules else None


@transaction.atomic
def module_experience(*, learner, module: ModulePage) -> None:
    """The learner opened a module: record `experienced`."""
    from xapi.statements.builders import module_experienced

    course = module.course
    registration = _enrolment(learner=learner, course=course).registration
    _record(
        learner=learner,
        statements=[
            module_experienced(
                actor=actor_for(learner),
                module=module.xapi_activity(),
                course=course.xapi_activity(),
                registration=str(registration),
            )
        ],
    )


def _locked_enrolment(*, learner, course: CoursePage) -> Enrolment:
    """The enrolment row, locked until the transaction ends, so two activities finishing
    at once cannot both record the module (or course) as completed."""
    enrolment = _enrolment(learner=learner, course=course)
    return Enrolment.objects.select_for_update().get(pk=enrolment.pk)


def _module_complete(*, learner, module: ModulePage, course: CoursePage, registration) -> None:
    from xapi.statements.builders import module_completed

    _record(
        learner=learner,
        statements=[
            module_completed(
                actor=actor_for(learner),
                module=module.xapi_activity(),
                course=course.xapi_activity(),
                registration=str(registration),
            )
        ],
    )


def _course_sync(*, learner, course: CoursePage, registration) -> None:
    """Record the course `completed` once every module is, unless it already is."""
    from xapi.statements.builders import course_completed

    modules = list(course.modules())
    if not modules:
        return
    module_iris = [m.activity_iri for m in modules]
    done = completed_activity_iris(
        learner=learner,
        activity_iris=[course.activity_iri, *module_iris],
        since=course_valid_since(course_page_id=course.pk),
    )
    if course.activity_iri in done or not all(iri in done for iri in module_iris):
        return
    _record(
        learner=learner,
        statements=[
            course_completed(
                actor=actor_for(learner),
                course=course.xapi_activity(),
                registration=str(registration),
            )
        ],
    )


@transaction.atomic
def module_progress_sync(*, learner, module: ModulePage) -> None:
    """Complete the module once all its required activities are complete, then the course
    once all its modules are. Called by activity code after it records a completion."""
    required = module.required_activity_iris()
    if not required:
        # Without activities a module completes only when the learner says they read it.
        return
    course = module.course
    enrolment = _locked_enrolment(learner=learner, course=course)
    # After a renewal, activities and modules finished before it must be done again.
    done = completed_activity_iris(
        learner=learner,
        activity_iris=[module.activity_iri, *required],
        since=course_valid_since(course_page_id=course.pk),
    )
    if module.activity_iri not in done and all(iri in done for iri in required):
        _module_complete(
            learner=learner, module=module, course=course, registration=str(enrolment.registration)
        )
    _course_sync(learner=learner, course=course, registration=str(enrolment.registration))


@transaction.atomic
def module_read_confirm(*, learner, module: ModulePage) -> None:
    """The learner says they have read a module that has no required activities."""
    if module.required_activity_iris():
        raise CourseActionError(_("This module is complete when you have finished its activities."))
    course = module.course
    enrolment = _locked_enrolment(learner=learner, course=course)
    done = completed_activity_iris(
        learner=learner,
        activity_iris=[module.activity_iri],
        since=course_valid_since(course_page_id=course.pk),
    )
    if module.activity_iri not in done:
        _module_complete(
            learner=learner, module=module, course=course, registration=str(enrolment.registration)
        )
    _course_sync(learner=learner, course=course, registration=str(enrolment.registration))


def _stream_child(*, module: ModulePage, block_id: str, block_class):
    for child in module.body:
        if child.id == block_id and isinstance(child.block, block_class):
            return child
    raise CourseActionError(_("That part of the module no longer exists. Reload the page."))


@transaction.atomic
def checklist_tick(
    *, learner, module: ModulePage, block_id: str, ticked: list[str]
) -> ChecklistProgress:
    """Save which checklist items the learner has ticked and record their progress."""
    from xapi.identity import activity_iri
    from xapi.statements.builders import Activity, checklist_progressed

    child = _stream_child(module=module, block_id=block_id, block_class=ChecklistBlock)
    item_ids = ChecklistBlock.item_ids(child.value)
    unknown = set(ticked) - set(item_ids)
    if unknown:
        raise CourseActionError(_("Some of those items are no longer on the checklist."))
    # Keep the checklist's own order, whatever order the browser sent.
    ordered = [item for item in item_ids if item in set(ticked)]
    progress, _created = ChecklistProgress.objects.update_or_create(
        learner=learner,
        module=module,
        block_id=block_id,
        defaults={"ticked": ordered},
    )
    course = module.course
    registration = _enrolment(learner=learner, course=course).registration
    checklist = Activity(
        iri=activity_iri("checklist", block_id),
        type="http://id.tincanapi.com/activitytype/checklist",
        name=child.value["title"],
    )
    _record(
        learner=learner,
        statements=[
            checklist_progressed(
                actor=actor_for(learner),
                checklist=checklist,
                module=module.xapi_activity(),
                course=course.xapi_activity(),
                registration=str(registration),
                ticked=len(ordered),
                total=len(item_ids),
            )
        ],
    )
    return progress


@transaction.atomic
def reflection_save(*, learner, module: ModulePage, block_id: str, text: str) -> Reflection:
    """Keep the learner's private answer to a reflection prompt. No statement is recorded:
    free text from pupils never leaves the school's records (DESIGN.md)."""
    _stream_child(module=module, block_id=block_id, block_class=ReflectionBlock)
    text = (text or "").strip()
    if "\x00" in text:
        # Typing cannot produce a NUL character and PostgreSQL cannot store one.
        raise CourseActionError(_("Your answer has a character in it that cannot be saved."))
    if len(text) > REFLECTION_MAX_LENGTH:
        raise CourseActionError(
            _("Your answer is too long: keep it under %(limit)s characters.")
            % {"limit": REFLECTION_MAX_LENGTH}
        )
    reflection, _created = Reflection.objects.update_or_create(
        learner=learner, module=module, block_id=block_id, defaults={"text": text}
    )
    return reflection
