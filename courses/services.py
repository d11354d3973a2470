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
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from records.selectors import (
    completed_activity_iris,
    completed_activity_iris_of,
    course_valid_since,
    latest_completion_at,
)
from xapi.identity import actor_for

from .activity import required_activity_iris_of
from .blocks import ChecklistBlock, ReflectionBlock
from .models import (
    Audience,
    ChecklistProgress,
    ClassLesson,
    CoursePage,
    Enrolment,
    ModulePage,
    Reflection,
)
from .selectors import attempt_since, modules_kept_from, modules_open_to, renewal_due

REFLECTION_MAX_LENGTH = 5000


class CourseActionError(ValueError):
    """A learner asked for something the course does not allow; the message says why."""


CLASS_LESSON_REMOVE_REFUSED = _(
    "Only the teacher who recorded a lesson, while they teach the class, or the safeguarding "
    "lead, can remove it."
)


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
            return Enrolment.objects.create(
                learner=learner, course=course, attempt=attempt, school_id=learner.school_id
            )
    except IntegrityError:
        return Enrolment.objects.get(learner=learner, course=course, attempt=attempt)


def _enrolments(*, learners, course: CoursePage, since) -> dict[int, Enrolment]:
    """`_enrolment` for many learners at once (a class's): learner id -> their current
    attempt at the course, made where they have none (or only one from before `since`,
    the course's last renewal). A fixed number of queries."""
    latest: dict[int, Enrolment] = {}
    for enrolment in Enrolment.objects.filter(
        learner__in=[learner.pk for learner in learners], course=course
    ).order_by("attempt"):
        latest[enrolment.learner_id] = enrolment
    found: dict[int, Enrolment] = {}
    new: list[Enrolment] = []
    for learner in learners:
        enrolment = latest.get(learner.pk)
        if enrolment is not None and (since is None or enrolment.started_at >= since):
            found[learner.pk] = enrolment
        else:
            attempt = enrolment.attempt + 1 if enrolment is not None else 1
            new.append(
                Enrolment(
                    learner=learner,
                    course=course,
                    attempt=attempt,
                    school_id=learner.school_id,
                )
            )
    if not new:
        return found
    try:
        with transaction.atomic():
            Enrolment.objects.bulk_create(new)
    except IntegrityError:  # one of them opened the course just now: one at a time
        for enrolment in new:
            found[enrolment.learner_id] = _enrolment(learner=enrolment.learner, course=course)
        return found
    found.update((enrolment.learner_id, enrolment) for enrolment in new)
    return found


@transaction.atomic
def course_registration(*, learner, course: CoursePage) -> uuid.UUID:
    """The registration of the learner's current attempt at the course (xAPI 1.0.3
    §4.1.6.1 context.registration), enrolling them on first use."""
    return _enrolment(learner=learner, course=course).registration


def _renewal_started(*, learner, course: CoursePage) -> Enrolment:
    """The learner's current attempt at the course; a new one when they come back to renew a
    completion that has expired, or expires soon, under one of their assignments: from
    then on only what they complete counts, so they take the course again and their new
    completion renews it (docs/records.md). An attempt already renewing is carried on."""
    enrolment = _enrolment(learner=learner, course=course)
    since = attempt_since(course_valid_since(course_page_id=course.pk), enrolment.counts_from)
    if not completed_activity_iris(
        learner=learner, activity_iris=[course.activity_iri], since=since
    ):
        return enrolment  # not completed in this attempt (or renewing already)
    if renewal_due(learner=learner, course=course) is None:
        return enrolment
    try:
        with transaction.atomic():
            return Enrolment.objects.create(
                learner=learner,
                course=course,
                attempt=enrolment.attempt + 1,
                counts_from=timezone.now(),
                school_id=learner.school_id,
            )
    except IntegrityError:  # the same visit, twice at once: the other started it
        return Enrolment.objects.get(learner=learner, course=course, attempt=enrolment.attempt + 1)


@transaction.atomic
def course_launch(*, learner, course: CoursePage) -> ModulePage | None:
    """The learner starts or resumes a course: record `launched` and return the module to
    go to (the first not yet complete, or the first module when all are)."""
    from xapi.statements.builders import course_launched

    from .selectors import course_progress

    enrolment = _renewal_started(learner=learner, course=course)
    registration = enrolment.registration
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
    # Every module may be complete without the course: the one left was unpublished since.
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    since = attempt_since(course_valid_since(course_page_id=course.pk), enrolment.counts_from)
    _course_sync(learner=learner, course=course, registration=str(registration), since=since)
    progress = course_progress(learner=learner, course=course)
    if progress.next_module is not None:
        return progress.next_module
    return progress.modules[0].module if progress.modules else None


@transaction.atomic
def module_experience(*, learner, module: ModulePage) -> None:
    """The learner opened a module: record `experienced`."""
    from xapi.statements.builders import module_experienced

    course = module.course
    enrolment = _enrolment(learner=learner, course=course)
    registration = enrolment.registration
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
    # Its activities may have been finished elsewhere (a scenario on its own page, another
    # course's module, a school's tool through the LRS): the page shows them done, so the
    # module is complete, not waiting for "I've read this". Two queries when nothing is owed.
    required = module.required_activity_iris()
    if not required:
        return
    # After a renewal, only what was done since counts: a module completed before it is
    # owed again, and activities finished before it do not complete it.
    since = attempt_since(course_valid_since(course_page_id=course.pk), enrolment.counts_from)
    done = completed_activity_iris(
        learner=learner, activity_iris=[module.activity_iri, *required], since=since
    )
    if module.activity_iri not in done and all(iri in done for iri in required):
        module_progress_sync(learner=learner, module=module)


def _locked_enrolment(*, learner, course: CoursePage) -> Enrolment:
    """The enrolment row, locked until the transaction ends, so two activities finishing
    at once cannot both record the module (or course) as completed."""
    enrolment = _enrolment(learner=learner, course=course)
    return Enrolment.objects.select_for_update().get(pk=enrolment.pk)


def _at(statement: dict, at: datetime | None) -> dict:
    """The statement, timestamped `at` when given (it happened before it was delivered)."""
    if at is not None:
        statement["timestamp"] = at.isoformat(timespec="milliseconds")
    return statement


def _when_the_last_was(at: datetime | None, *, learner, activity_iris, since) -> datetime | None:
    """`at`, or later: a module (a course) is complete when the last of its activities (its
    modules) was, and one delivered late may not be the last to be done."""
    if at is None:
        return None
    latest = latest_completion_at(learner=learner, activity_iris=activity_iris, since=since)
    return max(at, latest) if latest is not None else at


def _module_complete(
    *, learner, module: ModulePage, course: CoursePage, registration, at: datetime | None = None
) -> None:
    from xapi.statements.builders import module_completed

    _record(
        learner=learner,
        statements=[
            _at(
                module_completed(
                    actor=actor_for(learner),
                    module=module.xapi_activity(),
                    course=course.xapi_activity(),
                    registration=str(registration),
                ),
                at,
            )
        ],
    )


def _course_sync(
    *, learner, course: CoursePage, registration, since, at: datetime | None = None, modules=None
) -> None:
    """Record the course `completed` once every module open to the learner (`modules`, when
    the caller has them) is (since `since`), unless it already is."""
    from xapi.statements.builders import course_completed

    if modules is None:
        modules = list(modules_open_to(user=learner, course=course))
    if not modules:
        return
    module_iris = [m.activity_iri for m in modules]
    done = completed_activity_iris(
        learner=learner, activity_iris=[course.activity_iri, *module_iris], since=since
    )
    if course.activity_iri in done or not all(iri in done for iri in module_iris):
        return
    latest = latest_completion_at(learner=learner, activity_iris=module_iris, since=since)
    if _course_completion_taken_back(learner=learner, course=course, modules_done_at=latest):
        return
    at = max(at, latest) if at is not None else None
    _record(
        learner=learner,
        statements=[
            _at(
                course_completed(
                    actor=actor_for(learner),
                    course=course.xapi_activity(),
                    registration=str(registration),
                ),
                at,
            )
        ],
    )


def _course_completion_taken_back(*, learner, course: CoursePage, modules_done_at) -> bool:
    """Was a completion of the course made on the strength of the module completions that
    stand voided (through the LRS, say)? It is as if it had never been made (xAPI 1.0.3
    §2.2.6), and is not made again from the same module completions behind the back of
    whoever took it back: only a module completed since completes the course again."""
    from xapi.models import Statement
    from xapi.statements.vocabulary import COMPLETED

    return Statement.objects.filter(
        learner=learner,
        object_iri=course.activity_iri,
        verb_iri=COMPLETED.iri,
        voided=True,
        timestamp__gte=modules_done_at,
    ).exists()


@transaction.atomic
def module_progress_sync(*, learner, module: ModulePage, at: datetime | None = None) -> None:
    """Complete the module once all its required activities are complete, then the course
    once all its modules are. Called by activity code after it records a completion; `at`
    is when that completion happened, where it was delivered later (H5P kept in a tab)."""
    required = module.required_activity_iris()
    if not required:
        # Without activities a module completes only when the learner says they read it.
        return
    course = module.course
    enrolment = _locked_enrolment(learner=learner, course=course)
    # After a renewal, activities and modules finished before it must be done again.
    since = attempt_since(course_valid_since(course_page_id=course.pk), enrolment.counts_from)
    # An activity is one activity wherever it is placed (its IRI is its content's): one
    # required in other modules of the course too is finished there as well, so those
    # modules are complete once the rest of what they require is.
    parts = {module: required}
    modules = list(modules_open_to(user=learner, course=course))
    required_of = required_activity_iris_of(m for m in modules if m.pk != module.pk)
    for other in modules:
        if other.pk != module.pk and set(required_of[other.pk]) & set(required):
            parts[other] = required_of[other.pk]
    iris = {iri for page, page_parts in parts.items() for iri in [page.activity_iri, *page_parts]}
    done = completed_activity_iris(learner=learner, activity_iris=iris, since=since)
    for page, page_parts in parts.items():
        if page.activity_iri not in done and all(iri in done for iri in page_parts):
            _module_complete(
                learner=learner,
                module=page,
                course=course,
                registration=str(enrolment.registration),
                at=_when_the_last_was(at, learner=learner, activity_iris=page_parts, since=since),
            )
    _course_sync(
        learner=learner,
        course=course,
        registration=str(enrolment.registration),
        since=since,
        at=at,
        modules=modules,
    )


def _finished_these_not_that(*, these, that, that_since, these_since=None, paths=None):
    """The active learners of a school who have completed every activity in `these` (since
    `these_since`, if given) but not `that` since `that_since`: whom a catch-up should bring
    up to date. One query, whatever the number of learners. With `paths` (these modules'
    page paths, by IRI), a learner kept out of some of them (private to groups they are not
    in: modules_kept_from) needs only the rest, in three more."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q

    from records.models import Completion

    finished = Completion.objects.filter(activity_iri__in=these)
    completed = Completion.objects.filter(activity_iri=that)
    if these_since is not None:
        finished = finished.filter(completed_at__gte=these_since)
    if that_since is not None:
        completed = completed.filter(completed_at__gte=that_since)
    wanted = len(set(these))
    finished = finished.values("learner_id").annotate(done=Count("activity_iri", distinct=True))
    found = Q(pk__in=finished.filter(done=wanted).values("learner_id"))
    if paths:
        short = dict(
            finished.filter(done__lt=wanted)
            .exclude(learner_id__in=completed.values("learner_id"))
            .values_list("learner_id", "done")
        )
        kept = modules_kept_from(learner_ids=list(short), module_paths=paths)
        found |= Q(
            pk__in=[pk for pk, n in short.items() if pk in kept and n >= wanted - len(kept[pk])]
        )
    return (
        get_user_model()
        .objects.filter(found, is_active=True, school__isnull=False)
        .exclude(pk__in=completed.values("learner_id"))
        .select_related("school")
    )


def module_completions_catch_up(*, module_id: int) -> int:
    """Complete a module just published, or whose scenario or quiz was just unpublished, for
    the learners who have now finished everything it requires: the editor took out (made
    optional, or unpublished) the one activity they had left, so they should not stay "in
    progress" on the dashboard, and be reminded, until they happen to open it again. A
    module requiring nothing completes by "I've read this", as before. Returns how many
    learners were brought up to date (courses.tasks, after publishing)."""
    from .selectors import course_open_to

    module = ModulePage.objects.live().filter(pk=module_id).first()
    required = module.required_activity_iris() if module is not None else []
    if not required:
        return 0
    course = module.course
    # Who has completed every activity it requires, and not the module since the course's
    # last "requires renewal" mark; module_progress_sync then counts only what was done in
    # each one's current attempt.
    learners = _finished_these_not_that(
        these=required,
        that=module.activity_iri,
        that_since=course_valid_since(course_page_id=course.pk),
    )
    synced = 0
    for learner in learners:
        if course_open_to(user=learner, course=course, module=module):
            module_progress_sync(learner=learner, module=module)
            synced += 1
    return synced


def course_completions_catch_up(*, course_id: int) -> int:
    """Complete a course for the learners who have now completed every module of it still
    published and open to them: the editor unpublished the one module they had left, so
    they should not stay "in progress" on the dashboard until they press "Carry on"
    (`course_launch`). Returns how many learners were brought up to date (courses.tasks,
    after unpublishing)."""
    from .selectors import course_open_to

    course = CoursePage.objects.live().filter(pk=course_id).first()
    modules = list(course.modules()) if course is not None else []
    if not modules:
        return 0
    # Who has completed every published module open to them (one private to groups they
    # are not in is no part of the course for them), and not the course, since its last
    # "requires renewal" mark; _course_sync then counts only what was done in each one's
    # current attempt, and only the modules open to them.
    since = course_valid_since(course_page_id=course.pk)
    learners = _finished_these_not_that(
        these=[m.activity_iri for m in modules],
        that=course.activity_iri,
        that_since=since,
        these_since=since,
        paths={m.activity_iri: m.path for m in modules},
    )
    synced = 0
    for learner in learners:
        if course_open_to(user=learner, course=course):
            with transaction.atomic():
                enrolment = _locked_enrolment(learner=learner, course=course)
                _course_sync(
                    learner=learner,
                    course=course,
                    registration=str(enrolment.registration),
                    since=attempt_since(since, enrolment.counts_from),
                )
            synced += 1
    return synced


@transaction.atomic
def module_read_confirm(*, learner, module: ModulePage) -> None:
    """The learner says they have read a module that has no required activities left to do
    (none, or the ones left were unpublished since they finished the others)."""
    required = module.required_activity_iris()
    course = module.course
    enrolment = _locked_enrolment(learner=learner, course=course)
    since = attempt_since(course_valid_since(course_page_id=course.pk), enrolment.counts_from)
    done = completed_activity_iris(
        learner=learner, activity_iris=[module.activity_iri, *required], since=since
    )
    if not all(iri in done for iri in required):
        raise CourseActionError(_("This module is complete when you have finished its activities."))
    if module.activity_iri not in done:
        _module_complete(
            learner=learner, module=module, course=course, registration=str(enrolment.registration)
        )
    _course_sync(
        learner=learner, course=course, registration=str(enrolment.registration), since=since
    )


@transaction.atomic
def copied_checklists_renumber(*, page) -> None:
    """Give the checklists of a copied module (or of the modules below a copied course) ids
    of their own, in the page and in every revision the copy keeps: a checklist's xAPI
    activity id is made from its block's id (`checklist_tick`), which Wagtail's Copy keeps,
    so otherwise ticking the copy's would complete the original's in learners' records."""
    import json

    for module in ModulePage.objects.descendant_of(page, inclusive=True):
        revisions = list(module.revisions.all())
        new_ids: dict[str, str] = {}
        for version in [module, *(revision.as_object() for revision in revisions)]:
            for child in version.body:
                if isinstance(child.block, ChecklistBlock) and child.id:
                    new_ids.setdefault(child.id, str(uuid.uuid4()))
        if not new_ids:
            continue
        stored = json.dumps(module.body.get_prep_value())
        module.body = json.loads(_ids_replaced(stored, new_ids))
        module.save(update_fields=["body"], clean=False)
        for revision in revisions:
            body = revision.content.get("body")
            if isinstance(body, str):
                revision.content["body"] = _ids_replaced(body, new_ids)
            elif body is not None:
                revision.content["body"] = json.loads(_ids_replaced(json.dumps(body), new_ids))
            revision.save(update_fields=["content"])


def _ids_replaced(raw: str, new_ids: dict[str, str]) -> str:
    """Stored blocks (JSON) with each old id, a quoted UUID, replaced by its new one."""
    for old, new in new_ids.items():
        raw = raw.replace(f'"{old}"', f'"{new}"')
    return raw


def _stream_child(*, module: ModulePage, block_id: str, block_class):
    for child in module.body:
        if child.id == block_id and isinstance(child.block, block_class):
            return child
    raise CourseActionError(_("That part of the module no longer exists. Reload the page."))


@transaction.atomic
def checklist_tick(
    *, learner, module: ModulePage, block_id: str, ticked: list[str]
) -> ChecklistProgress:
    """Save which checklist items the learner has ticked and record their progress.

    An item no longer on the checklist (an editor took it off while the learner had the page
    open) is left out, and the rest saved: refusing them all would lose the ticks just made.
    The caller compares `ticked` with what was saved to tell the learner."""
    from xapi.identity import activity_iri
    from xapi.statements.builders import Activity, checklist_progressed

    child = _stream_child(module=module, block_id=block_id, block_class=ChecklistBlock)
    item_ids = ChecklistBlock.item_ids(child.value)
    # Keep the checklist's own order, whatever order the browser sent.
    ordered = [item for item in item_ids if item in set(ticked)]
    progress, _created = ChecklistProgress.objects.update_or_create(
        learner=learner,
        module=module,
        block_id=block_id,
        defaults={"ticked": ordered, "school_id": learner.school_id},
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
    # Browsers send each new line as two characters (CR LF) but count it as one against the
    # box's maxlength: counted as sent, an answer that fits the box could be refused.
    text = (text or "").replace("\r\n", "\n").strip()
    if "\x00" in text:
        # Typing cannot produce a NUL character and PostgreSQL cannot store one.
        raise CourseActionError(_("Your answer has a character in it that cannot be saved."))
    if len(text) > REFLECTION_MAX_LENGTH:
        raise CourseActionError(
            _("Your answer is too long: keep it under %(limit)s characters.")
            % {"limit": REFLECTION_MAX_LENGTH}
        )
    reflection, _created = Reflection.objects.update_or_create(
        learner=learner,
        module=module,
        block_id=block_id,
        defaults={"text": text, "school_id": learner.school_id},
    )
    return reflection


# --- Lessons a teacher led with a class ------------------------------------------------------


def _lesson_time(taught_on: date, *, not_before: datetime | None = None) -> datetime:
    """When the pupils' statements say they completed the modules: now for a lesson today,
    else midday of the day it was taught (the school's time), but never before `not_before`
    (the course's "requires renewal" mark, on the day it was made); to the millisecond, as
    the statements carry it."""
    if taught_on == timezone.localdate():
        when = timezone.now()
    else:
        when = timezone.make_aware(datetime.combine(taught_on, time(12)))
    if not_before is not None and when < not_before:
        # Rounded up, so the statements are not a fraction of a millisecond before the mark.
        when = not_before + timedelta(microseconds=-not_before.microsecond % 1000)
    return when.replace(microsecond=when.microsecond // 1000 * 1000)


def _lesson_timestamp(when: datetime) -> str:
    """`_lesson_time` as xAPI wants it (UTC)."""
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _renewals_start(*, enrolments: dict[int, Enrolment], course: CoursePage, school, at, since):
    """Pupils whose completion of `course` has expired, or expires soon, under an assignment
    take it again in the lesson, as "Go through it again" has them do on their own
    (`_renewal_started`): each starts a new attempt that counts what they complete from the
    lesson (`at`) on, so the lesson renews their completion rather than finding it done.
    Updates `enrolments` (learner id -> current attempt). A fixed number of queries."""
    from records.selectors import school_standings
    from records.states import State

    _courses, items = school_standings(school=school, learner_ids=list(enrolments))
    due = {
        item.learner_id
        for item in items
        if item.course.page_id == course.pk and item.state in (State.EXPIRED, State.EXPIRING_SOON)
    }
    finished = _completed_in_attempts(
        counts_from={pk: enrolments[pk].counts_from for pk in due},
        activity_iris=[course.activity_iri],
        since=since,
    )
    renewing = [
        Enrolment(
            learner_id=pk,
            course=course,
            attempt=enrolments[pk].attempt + 1,
            counts_from=at,
            school=school,
        )
        for pk in due
        if course.activity_iri in finished.get(pk, ())  # not already renewing
    ]
    _renewals_move_back(
        enrolments=[enrolments[pk] for pk in due if pk not in {e.learner_id for e in renewing}],
        course=course,
        at=at,
    )
    if not renewing:
        return
    try:
        with transaction.atomic():
            Enrolment.objects.bulk_create(renewing)
    except IntegrityError:  # one of them started again on their own just now
        renewing = Enrolment.objects.filter(
            learner_id__in=[e.learner_id for e in renewing], course=course
        ).order_by("attempt")
    enrolments.update((enrolment.learner_id, enrolment) for enrolment in renewing)


def _renewals_move_back(*, enrolments: list[Enrolment], course: CoursePage, at: datetime):
    """Pupils who started taking the course again on their own after the lesson (recorded a
    day or two late) took it again in the lesson: their renewing attempt counts from then,
    so the lesson renews their completion instead of counting for nothing. Not when they
    completed the course after the lesson: what they did then is not part of the new
    attempt. Two queries at most."""
    from records.models import Completion

    late = {e.learner_id: e for e in enrolments if e.counts_from is not None and e.counts_from > at}
    if not late:
        return
    completed_since = set(
        Completion.objects.filter(
            learner_id__in=list(late), activity_iri=course.activity_iri, completed_at__gte=at
        ).values_list("learner_id", flat=True)
    )
    moved = [e for pk, e in late.items() if pk not in completed_since]
    if not moved:
        return
    Enrolment.objects.filter(pk__in=[e.pk for e in moved]).update(counts_from=at)
    for enrolment in moved:
        enrolment.counts_from = at


@transaction.atomic
def class_lesson_record(
    *,
    teacher,
    group,
    course: CoursePage,
    modules,
    pupils,
    taught_on: date,
    lesson_uuid: uuid.UUID | None = None,
) -> tuple[ClassLesson, bool]:
    """A teacher led a pupils' lesson with a class. Each pupil who was there has each module
    recorded as completed (unless they had already completed it), and the course where that
    completes it, as statements like any other: the PSHE records and the dashboard follow.
    The statements name the lesson, not the teacher; the lesson keeps who led it.

    `lesson_uuid` comes with the form, so the same form sent twice (a double click, the back
    button) records the lesson once: the second time returns it with False, as
    get_or_create does. The caller has checked the teacher teaches `group`; this checks the
    rest and raises CourseActionError, recording nothing, when something does not belong or
    the lesson is already recorded."""
    from schools.selectors import classes_taught_by, group_pupils
    from xapi.services import record
    from xapi.statements.builders import course_completed, module_completed

    if course.audience != Audience.PUPILS or not course.live:
        raise CourseActionError(_("Only a published pupils' lesson can be recorded."))
    if not classes_taught_by(teacher).filter(pk=group.pk).exists():
        raise CourseActionError(_("You can record lessons only for the groups you teach."))
    course_modules = list(course.modules())
    chosen = {m.pk for m in modules}
    if not chosen or not chosen <= {m.pk for m in course_modules}:
        raise CourseActionError(_("Choose the modules of this lesson that you taught."))
    modules = [m for m in course_modules if m.pk in chosen]  # in the course's order
    allowed = set(group_pupils(group).values_list("pk", flat=True))
    if not pupils or any(p.pk not in allowed for p in pupils):
        raise CourseActionError(_("Tick the pupils of the class who were there."))
    if taught_on > timezone.localdate():
        raise CourseActionError(_("The date of the lesson cannot be in the future."))
    since = course_valid_since(course_page_id=course.pk)
    if since is not None and taught_on < timezone.localdate(since):
        # Its statements would be older than the mark, and count for nobody.
        raise CourseActionError(
            _(
                "“%(course)s” changed on %(date)s and everyone takes it again: a lesson "
                "taught before then no longer counts, so it cannot be recorded."
            )
            % {"course": course.title, "date": date_format(timezone.localdate(since), "j F Y")}
        )

    if lesson_uuid is not None:
        sent = ClassLesson.objects.filter(uuid=lesson_uuid, group=group).first()
        if sent is not None:
            return sent, False
    try:
        with transaction.atomic():
            lesson = ClassLesson.objects.create(
                uuid=lesson_uuid or uuid.uuid4(),
                group=group,
                course=course,
                taught_on=taught_on,
                pupil_count=len(pupils),
                recorded_by=teacher,
            )
    except IntegrityError:  # the same form, sent twice at once: the other one recorded it
        sent = ClassLesson.objects.filter(uuid=lesson_uuid, group=group).first()
        if sent is None:
            raise CourseActionError(_("This form was already used. Start again.")) from None
        return sent, False
    lesson.modules.set(modules)
    at = _lesson_time(taught_on, not_before=since)
    all_iris = [m.activity_iri for m in course_modules]
    # A module private to groups a pupil is not in is not part of the course for them
    # (modules_open_to): the lesson neither gives it to them nor waits for it.
    kept_from = modules_kept_from(
        learner_ids=[p.pk for p in pupils], module_paths={m.pk: m.path for m in course_modules}
    )
    enrolments = _enrolments(learners=pupils, course=course, since=since)
    _renewals_start(enrolments=enrolments, course=course, school=group.school, at=at, since=since)
    completed = _completed_in_attempts(
        counts_from={p.pk: enrolments[p.pk].counts_from for p in pupils},
        activity_iris=[course.activity_iri, *all_iris],
        since=since,
    )
    _done_only_in_other_lessons(
        done=completed,
        lesson=lesson,
        activity_iris=[course.activity_iri, *all_iris],
        counts_since={p.pk: attempt_since(since, enrolments[p.pk].counts_from) for p in pupils},
    )
    statements = []
    for pupil in pupils:
        registration = str(enrolments[pupil.pk].registration)
        done = completed.get(pupil.pk, set())
        actor = actor_for(pupil)
        kept = kept_from.get(pupil.pk, set())
        for module in modules:
            if module.activity_iri in done or module.pk in kept:
                continue
            statements.append(
                module_completed(
                    actor=actor,
                    module=module.xapi_activity(),
                    course=course.xapi_activity(),
                    registration=registration,
                    class_lesson=str(lesson.uuid),
                )
            )
            done.add(module.activity_iri)
        open_iris = [m.activity_iri for m in course_modules if m.pk not in kept]
        if open_iris and course.activity_iri not in done and all(iri in done for iri in open_iris):
            statements.append(
                course_completed(
                    actor=actor, course=course.xapi_activity(), registration=registration
                )
            )
    if not statements and _lesson_already_recorded(lesson=lesson, chosen=chosen):
        raise CourseActionError(
            _(
                "%(group)s already has a lesson with these modules recorded on %(date)s, "
                "and every pupil you ticked has them: there is nothing new to record."
            )
            % {"group": group.name, "date": date_format(taught_on, "j F Y")}
        )
    when = _lesson_timestamp(at)
    for statement in statements:
        statement["timestamp"] = when
    if statements:
        record(statements=statements, school=group.school)
    lesson.statement_ids = [statement["id"] for statement in statements]
    lesson.save(update_fields=["statement_ids"])
    return lesson, True


def _done_only_in_other_lessons(
    *,
    done: dict[int, set[str]],
    lesson: ClassLesson,
    activity_iris: list[str],
    counts_since: dict[int, datetime | None],
) -> None:
    """Take out of `done` (learner id -> completed IRIs) what a pupil has only from other
    lessons: led with other groups (their class, when this is their year group) or with
    this one on another day (taught again): this lesson records it for them too, so taking
    that other lesson back leaves them what this one gave them (a lesson keeps its
    statements, never which pupils were there). A lesson of this group on the same day is
    the same lesson recorded again (for a pupil who was missed), and adds nothing for the
    others. Only what counts for the pupil's current attempt (`counts_since`: learner id ->
    when it starts counting) is looked at: a completion from before the course changed says
    nothing about what they have now. Two queries."""
    from records.models import Completion

    others = {
        statement_id
        for statement_ids in ClassLesson.objects.filter(
            group__school_id=lesson.group.school_id, course_id=lesson.course_id
        )
        .exclude(group_id=lesson.group_id, taught_on=lesson.taught_on)
        .values_list("statement_ids", flat=True)
        for statement_id in statement_ids
    }
    if not others or not done:
        return
    in_other_lessons: dict[int, set[str]] = defaultdict(set)
    elsewhere: dict[int, set[str]] = defaultdict(set)
    for learner_id, iri, statement_id, completed_at in Completion.objects.filter(
        learner_id__in=list(done), activity_iri__in=activity_iris
    ).values_list("learner_id", "activity_iri", "statement_id", "completed_at"):
        start = counts_since.get(learner_id)
        if start is not None and completed_at < start:
            continue
        mine = in_other_lessons if str(statement_id) in others else elsewhere
        mine[learner_id].add(iri)
    for learner_id, iris in done.items():
        iris -= in_other_lessons[learner_id] - elsewhere[learner_id]


def _lesson_already_recorded(*, lesson: ClassLesson, chosen: set[int]) -> bool:
    """Is there another lesson of the same class, course and day that covered every one of
    these modules? (Recording it again would only list it twice.)"""
    earlier = (
        ClassLesson.objects.filter(
            group_id=lesson.group_id, course_id=lesson.course_id, taught_on=lesson.taught_on
        )
        .exclude(pk=lesson.pk)
        .prefetch_related("modules")
    )
    return any(chosen <= {m.pk for m in other.modules.all()} for other in earlier)


def class_lesson_taught_before(*, lesson: ClassLesson) -> date | None:
    """The day of the latest other lesson of the same class and course, on another day,
    that covered every one of this lesson's modules: recorded twice by mistake, perhaps."""
    chosen = {m.pk for m in lesson.modules.all()}
    earlier = (
        ClassLesson.objects.filter(group_id=lesson.group_id, course_id=lesson.course_id)
        .exclude(taught_on=lesson.taught_on)
        .order_by("-taught_on")
        .prefetch_related("modules")
    )
    return next(
        (other.taught_on for other in earlier if chosen <= {m.pk for m in other.modules.all()}),
        None,
    )


def class_lesson_removable_by(*, lesson: ClassLesson, user, taught_group_ids=None) -> bool:
    """The teacher who recorded a lesson, while they still teach the class, or a safeguarding
    lead of its school, may take it back (recorded for the wrong class, say). A teacher taken
    off the class no longer sees its record, so does not change it either. `taught_group_ids`
    (the groups `user` teaches) spares a query per lesson when checking many."""
    from schools.roles import Role, roles_of
    from schools.selectors import groups_taught_by

    if not user.is_authenticated or user.school_id != lesson.group.school_id:
        return False
    if Role.SAFEGUARDING_LEAD in roles_of(user):
        return True
    if lesson.recorded_by_id != user.pk:
        return False
    if taught_group_ids is None:
        return groups_taught_by(user).filter(pk=lesson.group_id).exists()
    return lesson.group_id in taught_group_ids


@transaction.atomic
def class_lesson_remove(*, lesson: ClassLesson, by) -> int:
    """Take back a lesson recorded by mistake: each statement it recorded is voided (by the
    pupil's own actor, naming the lesson), so the modules and courses it completed are no
    longer complete, and the lesson leaves the class's record. What pupils did on their own
    stays, except a course they then finished with the lesson's modules: without them it is
    not finished, so that completion is voided too. Returns how many pupils' records
    changed."""
    from xapi.models import Statement
    from xapi.services import record

    if not class_lesson_removable_by(lesson=lesson, user=by):
        raise CourseActionError(CLASS_LESSON_REMOVE_REFUSED)
    recorded = list(
        Statement.objects.filter(statement_id__in=lesson.statement_ids, voided=False).values_list(
            "statement_id", "data", "learner_id", "timestamp"
        )
    )
    school = lesson.group.school
    if recorded:
        record(statements=_voiding(recorded, lesson=lesson), school=school)
        since: dict[int, datetime] = {}
        for _id, _data, learner_id, when in recorded:
            since[learner_id] = min(when, since.get(learner_id, when))
        unfounded = _course_completions_unfounded(course=lesson.course, since=since)
        if unfounded:
            record(statements=_voiding(unfounded, lesson=lesson), school=school)
    lesson.delete()
    return len({learner for _id, _data, learner, _when in recorded})


def course_completions_recheck(*, voided_statement_ids, school_id: int) -> None:
    """After statements were voided through the LRS: a module completion Upstander recorded
    on the strength of an activity completion now voided is voided too, and so is a course
    completion recorded on the strength of a module completion now voided (xAPI 1.0.3
    §2.2.6: a voided statement is as if it had never been made), as when a class lesson is
    removed."""
    from records.models import Completion
    from xapi.identity import activity_iri
    from xapi.models import Statement
    from xapi.statements.profile import ext

    voided = Statement.objects.filter(
        school_id=school_id,
        statement_id__in=voided_statement_ids,
        voided=True,
        learner__isnull=False,
    ).values_list("object_iri", "learner_id", "timestamp", "stored")
    by_module: dict[str, dict[int, datetime]] = {}
    for iri, learner_id, timestamp, stored in voided:
        # When it counted from, as the projection dates it: a tool's clock running fast
        # does not put it after the completions recorded on its strength.
        _keep_earliest(by_module.setdefault(iri, {}), {learner_id: min(timestamp, stored)})
    if not by_module:
        return
    prefix = activity_iri(ModulePage.activity_kind, "")
    # The modules these learners completed since: one that rested on a voided activity
    # completion goes, and its course is checked below like any voided module completion.
    lesson_key = ext("class-lesson")
    learner_ids = {pk for whens in by_module.values() for pk in whens}
    earliest = min(when for whens in by_module.values() for when in whens.values())
    module_done = Completion.objects.filter(
        learner_id__in=learner_ids, activity_iri__startswith=prefix, completed_at__gte=earliest
    )
    done_iris = set(module_done.values_list("activity_iri", flat=True))
    for module in ModulePage.objects.filter(activity_uuid__in=_uuids(done_iris, prefix)):
        parts = module.required_activity_iris()
        since: dict[int, datetime] = {}
        for iri in parts:
            _keep_earliest(since, by_module.get(iri, {}))
        if not since:
            continue
        unfounded = [
            (statement_id, data)
            for statement_id, data in _completions_unfounded(
                course=module.course,
                whole=module.activity_iri,
                parts=parts,
                since=since,
            )
            # A lesson the teacher led completed the module, not the pupil's activities.
            if lesson_key not in ((data.get("context") or {}).get("extensions") or {})
        ]
        if unfounded:
            _void(unfounded, school_id=school_id)
            _keep_earliest(by_module.setdefault(module.activity_iri, {}), since)
    since_by_course: dict[int, dict[int, datetime]] = {}
    courses: dict[int, CoursePage] = {}
    for module in ModulePage.objects.filter(activity_uuid__in=_uuids(by_module, prefix)):
        learners = by_module.get(module.activity_iri)
        if not learners:
            continue
        course = module.course
        courses[course.pk] = course
        _keep_earliest(since_by_course.setdefault(course.pk, {}), learners)
    for course_pk, since in since_by_course.items():
        unfounded = _course_completions_unfounded(course=courses[course_pk], since=since)
        if unfounded:
            _void(unfounded, school_id=school_id)


def _keep_earliest(into: dict[int, datetime], learners: dict[int, datetime]) -> None:
    """Merge `learners` (learner id to a time) into `into`, keeping each learner's earliest."""
    for learner_id, when in learners.items():
        into[learner_id] = min(when, into.get(learner_id, when))


def _void(unfounded, *, school_id: int) -> None:
    """Record a voiding statement for each (statement id, statement data) in `unfounded`."""
    from xapi.services import record
    from xapi.statements.builders import statement_voided

    record(
        statements=[
            statement_voided(actor=data["actor"], statement_id=str(statement_id))
            for statement_id, data in unfounded
        ],
        school_id=school_id,
    )


def _uuids(iris, prefix: str) -> set[uuid.UUID]:
    """The uuids in those of `iris` that are `prefix` followed by one."""
    found = set()
    for iri in iris:
        if iri.startswith(prefix):
            try:
                found.add(uuid.UUID(iri.removeprefix(prefix)))
            except ValueError:
                continue
    return found


def _voiding(rows, *, lesson: ClassLesson) -> list[dict]:
    from xapi.statements.builders import statement_voided

    return [
        statement_voided(
            actor=data["actor"], statement_id=str(statement_id), class_lesson=str(lesson.uuid)
        )
        for statement_id, data, *_rest in rows
    ]


def _completed_in_attempts(*, counts_from: dict, activity_iris, since) -> dict[int, set[str]]:
    """`completed_activity_iris_of` for learners at their current attempt at a course
    (learner id -> their attempt's `counts_from`): one renewing a completion that expired
    counts only what they completed from then."""
    done = completed_activity_iris_of(
        learner_ids=[pk for pk, at in counts_from.items() if at is None],
        activity_iris=activity_iris,
        since=since,
    )
    # Learners who started again at the same time (in the same lesson) in one query.
    renewing: dict[datetime, list[int]] = {}
    for pk, at in counts_from.items():
        if at is not None:
            renewing.setdefault(at, []).append(pk)
    for at, pks in renewing.items():
        done.update(
            completed_activity_iris_of(
                learner_ids=pks, activity_iris=activity_iris, since=attempt_since(since, at)
            )
        )
    return done


def _course_completions_unfounded(*, course: CoursePage, since: dict[int, datetime]) -> list:
    """The completions of `course` made by these learners at or after the given time (when
    a lesson, now removed, had completed modules for them) while one of its modules is no
    longer complete: (statement id, data) of each, to void."""
    modules = list(course.modules())
    return _completions_unfounded(
        course=course,
        whole=course.activity_iri,
        parts=[m.activity_iri for m in modules],
        since=since,
        # A module private to groups a learner is not in is no part of the course for them
        # (modules_open_to): not having it leaves their course complete.
        kept_from=modules_kept_from(
            learner_ids=list(since), module_paths={m.activity_iri: m.path for m in modules}
        ),
    )


def _completions_unfounded(
    *,
    course: CoursePage,
    whole: str,
    parts: list[str],
    since: dict[int, datetime],
    kept_from: dict[int, set[str]] | None = None,
) -> list:
    """The completions of `whole` (the course or one of its modules) made by these learners
    at or after the given time while one of its `parts` (its modules, or the module's
    required activities; not those `kept_from` each learner) is no longer complete:
    (statement id, data) of each, to void."""
    from records.models import Completion
    from xapi.models import Statement

    valid_since = course_valid_since(course_page_id=course.pk)
    latest = Enrolment.objects.filter(learner__in=list(since), course=course).order_by("attempt")
    done = _completed_in_attempts(
        counts_from={pk: None for pk in since}
        | dict(latest.values_list("learner_id", "counts_from")),
        activity_iris=[whole, *parts],
        since=valid_since,
    )
    kept_from = kept_from or {}
    short = [
        learner_id
        for learner_id, iris in done.items()
        if whole in iris
        and not all(iri in iris or iri in kept_from.get(learner_id, ()) for iri in parts)
    ]
    if not short:
        return []
    completions = Completion.objects.filter(learner_id__in=short, activity_iri=whole)
    if valid_since is not None:
        completions = completions.filter(completed_at__gte=valid_since)
    statement_ids = [
        statement_id
        for learner_id, statement_id, completed_at in completions.values_list(
            "learner_id", "statement_id", "completed_at"
        )
        if completed_at >= since[learner_id]
    ]
    return list(
        Statement.objects.filter(statement_id__in=statement_ids, voided=False).values_list(
            "statement_id", "data"
        )
    )
