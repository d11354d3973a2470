"""Writes for scenarios: authoring from Twee, attempts and moves, classroom sessions.

Every choice and ending is recorded through `xapi.services.record` (DESIGN.md, one path for
every learning event); reaching an ending completes the scenario activity, after which the
course service re-checks the module and course.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from functools import cache
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import rows
from .engine import (
    Graph,
    NothingToUndo,
    PlayError,
    ScenarioFinished,
    StaleChoice,
    State,
    Step,
    choose,
    skip,
    start,
    step_back,
)
from .engine.expressions import format_conditions, format_effects
from .engine.graph import format_value
from .models import (
    ClassroomSession,
    ClassroomVote,
    Scenario,
    ScenarioAttempt,
    ScenarioChoiceRecord,
)
from .selectors import attempt_current, graph_for_revision
from .twee import twee_parse


class ScenarioUnavailable(ValueError):
    """The scenario is not published, so it cannot be played."""


class StaleSubmission(ValueError):
    """A form from a node the learner has already left (double submit, back, another tab)."""


class StaleRestart(StaleSubmission):
    """A request to start again from an attempt that is no longer the learner's current one;
    `attempt` is the current one."""

    def __init__(self, message, *, attempt: ScenarioAttempt):
        super().__init__(message)
        self.attempt = attempt


class AttemptSuperseded(StaleRestart):
    """A move in an attempt the learner has since started again (from another tab, say);
    `attempt` is the current one."""


# --- authoring ---


def scenario_stream_data(graph: Graph) -> tuple[list, list]:
    """The `variables` and `nodes` StreamField values for an engine graph."""
    from wagtail.images import get_image_model

    variables = [
        ("variable", {"name": v.name, "initial": format_value(v.initial)}) for v in graph.variables
    ]
    # The picture blocks take images, not ids; one that has been deleted is left out.
    image_ids = {node.image_id for node in graph.nodes if node.image_id is not None}
    images = get_image_model().objects.in_bulk(image_ids) if image_ids else {}
    nodes = []
    for node in graph.nodes:
        nodes.append(
            (
                "node",
                {
                    "node_id": node.id,
                    "title": node.title,
                    "text": node.text,
                    "media": node.media,
                    "image": images.get(node.image_id),
                    "image_alt": node.image_alt,
                    "content_warning": node.content_warning,
                    "skip_to": node.skip_to,
                    "outcome": node.outcome.value if node.outcome else "",
                    "debrief": node.debrief,
                    "choices": [
                        {
                            "choice_id": choice.id,
                            "label": choice.label,
                            "target": choice.target,
                            "feedback": choice.feedback,
                            "score": choice.score,
                            "effects": format_effects(choice.effects),
                            "conditions": format_conditions(choice.conditions),
                        }
                        for choice in node.choices
                    ],
                },
            )
        )
    return variables, nodes


@transaction.atomic
def scenario_save_graph(
    *,
    scenario: Scenario,
    graph: Graph,
    title: str | None = None,
    user=None,
    publish: bool = False,
) -> Scenario:
    """Replace the scenario's graph with `graph`, as a new revision (published if asked)."""
    variables, nodes = scenario_stream_data(graph)
    if title is not None:
        scenario.title = title
    scenario.start_node = graph.start
    scenario.variables = variables
    scenario.nodes = nodes
    if scenario.pk is None:
        scenario.live = False
        scenario.save()
    revision = scenario.save_revision(user=user)
    if publish:
        revision.publish(user=user)
        scenario.refresh_from_db()
    return scenario


@transaction.atomic
def scenario_import_twee(*, text: str, user) -> Scenario:
    """A new draft scenario from a Twee 3 story; raises TweeError (nothing saved)."""
    story = twee_parse(text)
    scenario = Scenario(title=story.title[:255], introduction=story.introduction)
    if story.audience:
        scenario.audience = story.audience
    return scenario_save_graph(scenario=scenario, graph=story.graph, user=user)


# --- playing ---


@dataclass(frozen=True)
class MoveResult:
    attempt: ScenarioAttempt
    step: Step


def _activity(scenario: Scenario):
    from xapi.identity import activity_iri
    from xapi.statements.builders import Activity
    from xapi.statements.vocabulary import SIMULATION

    return Activity(
        iri=activity_iri("scenario", scenario.uuid),
        type=SIMULATION,
        name=scenario.title,
        description=scenario.introduction,
    )


def _context(attempt: ScenarioAttempt):
    """(module Activity, course Activity, registration) for the statements' context."""
    module = attempt.module.specific if attempt.module_id else None
    if module is None or not hasattr(module, "xapi_activity"):
        return None, None, None
    course = module.course
    return (
        module.xapi_activity(),
        course.xapi_activity() if course else None,
        str(attempt.registration) if attempt.registration else None,
    )


def scenario_attempt_start(
    *, learner, scenario: Scenario, module=None, restart=False, restart_from=None
):
    """The learner's current attempt (resumed), or a new one pinned to the live revision.

    `restart` starts again from the beginning, part-way through or after an ending. The
    player's forms name the attempt they were showing (`restart_from`): a new attempt is
    started only while that one is still the learner's current attempt, so a double click,
    the back button or a second tab starts again once; a later request raises `StaleRestart`
    with the attempt already started. The attempt left behind keeps its choices and their
    statements (a learner who replays counts once per option in the analytics)."""
    if not scenario.live or scenario.live_revision_id is None:
        raise ScenarioUnavailable(_("This scenario is not available yet."))
    if not restart:
        current = attempt_current(learner=learner, scenario=scenario, module=module)
        if current is not None:
            return current
        return _attempt_new(learner=learner, scenario=scenario, module=module)
    if restart_from is None:
        return _attempt_new(learner=learner, scenario=scenario, module=module)
    try:
        named = UUID(str(restart_from))
    except ValueError:
        named = None  # a tampered form names no attempt
    with transaction.atomic():
        if named is not None:
            # The first request to restart from this attempt holds its row until the new
            # attempt is saved; a second waits here, then finds the new one current.
            list(
                ScenarioAttempt.objects.select_for_update()
                .filter(uuid=named, learner=learner)
                .values_list("pk", flat=True)
            )
        current = attempt_current(learner=learner, scenario=scenario, module=module)
        if current is not None and current.uuid != named:
            raise StaleRestart(
                _(
                    "You have already started this scenario again (perhaps the page was sent "
                    "twice, or is open in another tab). Here is where you are now."
                ),
                attempt=current,
            )
        return _attempt_new(learner=learner, scenario=scenario, module=module)


def _attempt_new(*, learner, scenario: Scenario, module=None) -> ScenarioAttempt:
    graph = graph_for_revision(scenario.live_revision_id)
    # Inside a module the attempt joins the learner's course registration, which may be
    # started here too: one transaction. On its own page it is a single insert.
    with transaction.atomic() if module is not None else nullcontext():
        registration = None
        if module is not None:
            from courses.services import course_registration

            registration = course_registration(learner=learner, course=module.specific.course)
        attempt = ScenarioAttempt(
            scenario=scenario,
            revision_id=scenario.live_revision_id,
            learner=learner,
            module=module,
            school_id=learner.school_id,
            registration=registration,
            state=start(graph).to_dict(),
            node_entered_at=timezone.now(),
        )
        rows.insert(attempt)
        return attempt


# What a move reads, in one query: the attempt (not when it started), the scenario columns the
# statements and the player show, and the learner's school's choice of staff identity (the
# statements' actor depends on it). Raw SQL, because on this hot path the ORM spent longer
# building a select_related query through the user model than the database spent answering it.
_ATTEMPT_READ_FIELDS = (
    "id",
    "uuid",
    "scenario_id",
    "revision_id",
    "learner_id",
    "module_id",
    "registration",
    "state",
    "step",
    "node_entered_at",
    "outcome",
    "ending_node",
    "finished_at",
)
_SCENARIO_READ_FIELDS = ("uuid", "title", "audience", "introduction", "live", "live_revision_id")


@cache
def _attempt_sql() -> str:
    def columns(model, alias, names):
        return [f"{alias}.{model._meta.get_field(name).column}" for name in names]

    selected = columns(ScenarioAttempt, "attempt", _ATTEMPT_READ_FIELDS)
    selected += columns(Scenario, "scenario", _SCENARIO_READ_FIELDS)
    selected.append("school.staff_xapi_identity")
    # Started again since, in the same place (the module, or the scenario's own page): a
    # later attempt of the learner's there is the one the player shows.
    selected.append(
        """EXISTS (SELECT 1 FROM scenarios_scenarioattempt newer
        WHERE newer.learner_id = attempt.learner_id AND newer.scenario_id = attempt.scenario_id
        AND (newer.module_id = attempt.module_id
             OR (newer.module_id IS NULL AND attempt.module_id IS NULL))
        AND newer.id > attempt.id)"""
    )
    # Only the models' own table and column names are interpolated.
    return f"""
SELECT {", ".join(selected)}
FROM scenarios_scenarioattempt attempt
JOIN scenarios_scenario scenario ON scenario.id = attempt.scenario_id
LEFT JOIN schools_school school ON school.id = %s
WHERE attempt.uuid = %s AND attempt.learner_id = %s
"""  # noqa: S608


def _attempt_read(attempt_uuid, learner) -> ScenarioAttempt:
    """The learner's attempt with its scenario, as it is now.

    Not locked: a move is saved only if the attempt is still at the step read here (see
    `_move_guard`), so a second submission of the same step is refused however the two
    interleave. `learner` is the signed-in user, already loaded: the attempt is given it
    rather than a second copy of the user row, and it is given its school. Raises
    `AttemptSuperseded` for an attempt the learner has since started again.
    """
    from schools.models import School

    wrapper = connections[DEFAULT_DB_ALIAS]
    uuid = ScenarioAttempt._meta.get_field("uuid").get_db_prep_value(attempt_uuid, wrapper)
    row = rows.fetch_one(_attempt_sql(), [learner.school_id, uuid, learner.pk])
    if row is None:
        raise ScenarioAttempt.DoesNotExist("No such attempt for this learner.")
    split = len(_ATTEMPT_READ_FIELDS)
    *row, staff_xapi_identity, superseded = row
    attempt = rows.instance(ScenarioAttempt, _ATTEMPT_READ_FIELDS, row[:split])
    attempt.scenario = rows.instance(
        Scenario, ("id", *_SCENARIO_READ_FIELDS), (attempt.scenario_id, *row[split:])
    )
    if staff_xapi_identity is not None:
        learner.school = rows.instance(
            School, ("id", "staff_xapi_identity"), (learner.school_id, staff_xapi_identity)
        )
    attempt.learner = learner
    if superseded:
        raise AttemptSuperseded(
            _(
                "You have started this scenario again since (perhaps in another tab). "
                "Nothing was changed: here is where you are now."
            ),
            attempt=attempt_current(
                learner=learner, scenario=attempt.scenario, module=attempt.module_id
            ),
        )
    return attempt


def _check_fresh(attempt: ScenarioAttempt, *, node_id: str, step: int) -> None:
    state = attempt.state
    if attempt.step != step or state.get("node_id") != node_id:
        raise StaleSubmission(
            _(
                "That choice was for a part of the scenario you have already moved on from "
                "(perhaps the page was sent twice, or is open in another tab). Nothing was "
                "changed: here is where you are now."
            )
        )
    if state.get("finished"):
        raise StaleSubmission(_("You have already finished this scenario."))


# The attempt columns a move changes.
_MOVED_COLUMNS = ("state", "step", "node_entered_at", "outcome", "ending_node", "finished_at")


def _move_guard(attempt: ScenarioAttempt, *, previous_step: int, move: ScenarioChoiceRecord):
    """The move as the write `record()` stores the step's statements with: the attempt
    saved and its choice record added, only if the attempt is still at `previous_step`.

    When another submission of the same step got there first, it finds no row to update, so
    nothing is written, the statements included (`GuardRejected`). On PostgreSQL that is
    part of record()'s one statement: a duplicate that waited for the first's row lock
    re-checks `step` against the committed row (READ COMMITTED) and updates nothing.
    """
    from xapi.services import RecordGuard

    def fallback() -> bool:
        updated = ScenarioAttempt.objects.filter(pk=attempt.pk, step=previous_step).update(
            **{name: getattr(attempt, name) for name in _MOVED_COLUMNS}
        )
        if updated != 1:
            return False
        move.save(force_insert=True)
        return True

    wrapper = connections[DEFAULT_DB_ALIAS]
    if wrapper.vendor != "postgresql":
        return RecordGuard(sql="", params=[], fallback=fallback)
    params = [
        field.get_db_prep_save(getattr(attempt, field.attname), wrapper)
        for field in _moved_fields()
    ]
    params += [attempt.pk, previous_step]
    params += rows.insert_params(move)
    return RecordGuard(sql=_move_sql(), params=params, fallback=fallback)


@cache
def _moved_fields() -> tuple:
    return tuple(ScenarioAttempt._meta.get_field(name) for name in _MOVED_COLUMNS)


@cache
def _move_sql() -> str:
    """`WITH` items for record(): `guard` updates the attempt if it is still at the step
    read; the choice record is inserted only for a row it updated."""
    quote = connection.ops.quote_name
    meta = ScenarioAttempt._meta
    attempts, records = quote(meta.db_table), quote(ScenarioChoiceRecord._meta.db_table)
    fields = _moved_fields()
    # Typed placeholders: the statement is prepared (server-side parameters).
    moved = ", ".join(f"{quote(f.column)} = %s::{f.cast_db_type(connection)}" for f in fields)
    pk, step = quote(meta.pk.column), quote(meta.get_field("step").column)
    record_fields = rows.insert_fields(ScenarioChoiceRecord)
    columns = ", ".join(quote(field.column) for field in record_fields)
    values = rows.typed_placeholders(record_fields)
    # Only the models' own table and column names are interpolated.
    return (
        f"guard AS (UPDATE {attempts} SET {moved} WHERE {pk} = %s::bigint "  # noqa: S608
        f"AND {step} = %s::integer RETURNING 1), "
        f"guard_record AS (INSERT INTO {records} ({columns}) SELECT {values} FROM guard)"
    )


def module_still_open(module, *, learner) -> bool:
    """May the learner still take the module the attempt was started in? Only while it and
    its course are published and open to them, as for a quiz under way: an ending reached
    after either was taken off the site completes neither."""
    from courses.selectors import course_open_to

    return module.live and course_open_to(user=learner, course=module.course, module=module)


def _apply(attempt: ScenarioAttempt, step: Step, *, learner) -> None:
    from xapi.identity import actor_for
    from xapi.services import GuardRejected, record
    from xapi.statements.builders import scenario_choice_made, scenario_ending_reached

    now = timezone.now()
    # A node left when the learner was signed out and taken up again in a later sign-in was
    # on screen only since that sign-in, not for the days between.
    shown_since = attempt.node_entered_at
    if learner.last_login is not None and learner.last_login > shown_since:
        shown_since = learner.last_login
    seconds = max((now - shown_since).total_seconds(), 0.0)
    choice_id = step.choice.id if step.choice else "__skip__"
    choice_label = step.choice.label if step.choice else str(_("Skipped"))
    state = step.state.to_dict()
    state["last"] = {
        "from_node": step.from_node.id,
        "choice_label": choice_label,
        "feedback": step.feedback,
        "skipped": step.skipped,
    }
    previous_step = attempt.step
    attempt.state = state
    attempt.step = previous_step + 1
    attempt.node_entered_at = now
    if step.ended:
        attempt.outcome = step.node.outcome.value
        attempt.ending_node = step.node.id
        attempt.finished_at = now
    module, course, registration = _context(attempt)
    # _attempt_read loaded the learner's school: actor_for and record() need no query for it.
    actor = actor_for(learner)
    scenario = _activity(attempt.scenario)
    path = [f"{node}:{choice}" for node, choice in step.state.path]
    # xAPI 1.0.3 §4.1.5: result.duration is the time on the node; score is the running total.
    statements = [
        scenario_choice_made(
            actor=actor,
            scenario=scenario,
            node_id=step.from_node.id,
            choice_id=choice_id,
            choice_label=choice_label,
            path=path,
            seconds_on_node=seconds,
            score=step.state.score,
            module=module,
            course=course,
            registration=registration,
        )
    ]
    if step.ended:
        statements.append(
            scenario_ending_reached(
                actor=actor,
                scenario=scenario,
                node_id=step.node.id,
                outcome=step.node.outcome.value,
                score=step.state.score,
                path=path,
                module=module,
                course=course,
                registration=registration,
            )
        )
    move = ScenarioChoiceRecord(
        attempt=attempt,
        scenario_id=attempt.scenario_id,
        node_id=step.from_node.id,
        choice_id=choice_id,
        choice_label=choice_label[:255],
        step=attempt.step,
        statement_id=statements[0]["id"],
        ending_statement_id=statements[1]["id"] if step.ended else None,
    )
    guard = _move_guard(attempt, previous_step=previous_step, move=move)
    module_page = attempt.module.specific if step.ended and attempt.module_id else None
    sync_module = module_page is not None and module_still_open(module_page, learner=learner)
    # The move and its statements are one write (record() with the move as its guard): on
    # PostgreSQL a single statement, atomic by itself. Reaching an ending inside a module
    # also updates the module's and course's progress, so that takes a transaction. Any
    # error ends the whole step, so no savepoint.
    with transaction.atomic() if sync_module else nullcontext():
        try:
            record(
                statements=statements,
                school_id=learner.school_id,
                learner=learner,
                savepoint=False,
                guard=guard,
            )
        except GuardRejected:
            raise StaleSubmission(_("That choice has already been made.")) from None
        if sync_module:
            from courses.services import module_progress_sync

            module_progress_sync(learner=learner, module=module_page)


def scenario_choice_make(
    *, learner, attempt_uuid, node_id: str, step: int, choice_id: str
) -> MoveResult:
    """Apply one choice, once, from the node it was offered on; record it."""
    attempt = _attempt_read(attempt_uuid, learner)
    _check_fresh(attempt, node_id=node_id, step=step)
    graph = graph_for_revision(attempt.revision_id)
    try:
        move = choose(graph, State.from_dict(attempt.state), choice_id, from_node=node_id)
    except (StaleChoice, ScenarioFinished) as error:
        raise StaleSubmission(_("That choice is no longer on offer.")) from error
    _apply(attempt, move, learner=learner)
    return MoveResult(attempt=attempt, step=move)


def scenario_node_skip(*, learner, attempt_uuid, node_id: str, step: int) -> MoveResult:
    """Skip a node with a content warning, without penalty."""
    attempt = _attempt_read(attempt_uuid, learner)
    _check_fresh(attempt, node_id=node_id, step=step)
    graph = graph_for_revision(attempt.revision_id)
    move = skip(graph, State.from_dict(attempt.state), from_node=node_id)
    _apply(attempt, move, learner=learner)
    return MoveResult(attempt=attempt, step=move)


# --- classroom mode ---


@transaction.atomic
def classroom_session_start(
    *, teacher, group, scenario: Scenario, start_id: UUID | None = None
) -> ClassroomSession:
    """Start running `scenario` with `group`. `start_id` names the start form as rendered: the
    form sent twice (a double click) leads to the session it started while nobody has voted
    in it, rather than to a second, unused one."""
    from schools.selectors import groups_taught_by

    if not groups_taught_by(teacher).filter(pk=group.pk).exists():
        raise PermissionError(_("You can only run a scenario with a class you teach."))
    if not scenario.live or scenario.live_revision_id is None:
        raise ScenarioUnavailable(_("This scenario is not available yet."))
    if scenario.needs_staff_team and group.kind != group.Kind.STAFF_TEAM:
        raise ScenarioUnavailable(
            _(
                "“%(scenario)s” is a scenario for staff. "
                "Choose a scenario for pupils to run with %(group)s."
            )
            % {"scenario": scenario.title, "group": group.name}
        )
    graph = graph_for_revision(scenario.live_revision_id)
    fields = {
        "scenario": scenario,
        "revision_id": scenario.live_revision_id,
        "group": group,
        "teacher": teacher,
        "state": start(graph).to_dict(),
    }
    if start_id is not None:
        session, created = ClassroomSession.objects.get_or_create(uuid=start_id, defaults=fields)
        same_start = (session.teacher_id, session.group_id, session.scenario_id) == (
            teacher.pk,
            group.pk,
            scenario.pk,
        )
        if created or (same_start and session.step == 0 and session.finished_at is None):
            return session
    # A new run: the form sent again once the class had voted, or with another choice.
    return ClassroomSession.objects.create(**fields)


class SessionKept(ValueError):
    """A classroom session the class has voted in is not removed: its totals are the class's."""


@transaction.atomic
def classroom_session_remove(*, session_uuid, teacher) -> ClassroomSession:
    """Remove the teacher's session started by mistake: only one nobody has voted in yet (its
    votes, once there are some, are the class's choices that its teachers and the
    safeguarding lead see; they can be taken back step by step first). Only while they still
    teach the class: one they were taken off, or left for another school, is not theirs."""
    from schools.selectors import groups_taught_by

    session = (
        ClassroomSession.objects.select_for_update()
        .select_related("scenario", "group")
        .get(uuid=session_uuid, teacher=teacher, group__in=groups_taught_by(teacher))
    )
    # Parts skipped, or followed where there was one way on, hold no choice of the class's.
    if session.votes.exists():
        raise SessionKept(
            _(
                "The class has voted in this session, so it is kept with its choices. To "
                "remove it, take back its steps first."
            )
        )
    session.delete()
    return session


# More than any class, year group or assembly: a count above it is a typing slip.
MAX_VOTES = 9999


class VoteError(ValueError):
    """The vote counts cannot be used; the message says why, and `field` what to fix: the
    counts, the tie-break, or nothing typed ("": a skip or an undo that cannot be made).
    `tied` names the options of a tie, one of which the teacher is to choose; `wrong` those
    whose counts are to be put right (none named: the counts as a whole)."""

    def __init__(
        self,
        message,
        *,
        field: str = "counts",
        tied: tuple[str, ...] = (),
        wrong: tuple[str, ...] = (),
    ):
        super().__init__(message)
        self.field = field
        self.tied = tied
        self.wrong = wrong


def _classroom_session_at(
    session_uuid, *, teacher, node_id: str, step: int, turn: int, ending: bool = False
) -> ClassroomSession:
    """The session, locked, if `teacher` teaches its class (whoever started it: its votes are
    the class's, for its current teachers to record) and it is still at `node_id`, `step`
    and `turn` (and not finished, unless `ending` allows it)."""
    from schools.selectors import groups_taught_by

    session = ClassroomSession.objects.select_for_update().get(
        uuid=session_uuid, group__in=groups_taught_by(teacher)
    )
    if (
        (session.step, session.turn) != (step, turn)
        or session.state.get("node_id") != node_id
        or (session.finished_at and not ending)
    ):
        raise StaleSubmission(_("That was for a part of the scenario the class has already left."))
    return session


def _classroom_advance(session: ClassroomSession, move: Step, last: dict) -> None:
    new_state = move.state.to_dict()
    new_state["last"] = last
    session.state = new_state
    session.step += 1
    session.turn += 1
    if move.ended:
        session.finished_at = timezone.now()
    session.save()


@transaction.atomic
def classroom_step_back(
    *, session_uuid, teacher, node_id: str, step: int, turn: int
) -> ClassroomSession:
    """Take back the class's last step (a count typed in the wrong box, say): the session
    returns to the part before, as it was, and that part's votes are deleted so the class
    can vote again. Works from an ending too. Sent again, even once the class is back at the
    same step, it is stale."""
    session = _classroom_session_at(
        session_uuid, teacher=teacher, node_id=node_id, step=step, turn=turn, ending=True
    )
    graph = graph_for_revision(session.revision_id)
    if session.finished_at and not State.from_dict(session.state).finished:
        # Ended part-way by the teacher (its turn has moved on, so only a forged form gets
        # here): it stays where it was ended.
        raise StaleSubmission(_("That was for a part of the scenario the class has already left."))
    try:
        earlier = step_back(graph, State.from_dict(session.state))
    except NothingToUndo as error:
        raise VoteError(
            _("The class is at the start: there is no step to take back."), field=""
        ) from error
    ClassroomVote.objects.filter(session=session, step=step - 1).delete()
    session.state = earlier.to_dict()
    session.step = step - 1
    session.turn += 1
    session.finished_at = None
    session.save()
    return session


@transaction.atomic
def classroom_session_end(
    *, session_uuid, teacher, node_id: str, step: int, turn: int
) -> ClassroomSession:
    """End a run where the class got to, before an ending (the lesson is over): it is no
    longer offered to carry on, and its totals stay. A new turn, so a vote, skip or undo
    sent from a page shown before it ended is refused."""
    session = _classroom_session_at(
        session_uuid, teacher=teacher, node_id=node_id, step=step, turn=turn
    )
    session.turn += 1
    session.finished_at = timezone.now()
    session.save(update_fields=["turn", "finished_at"])
    return session


@transaction.atomic
def classroom_node_skip(
    *, session_uuid, teacher, node_id: str, step: int, turn: int
) -> tuple[ClassroomSession, Step]:
    """Skip a part with a content warning for the whole class, without penalty; no votes."""
    session = _classroom_session_at(
        session_uuid, teacher=teacher, node_id=node_id, step=step, turn=turn
    )
    graph = graph_for_revision(session.revision_id)
    try:
        move = skip(graph, State.from_dict(session.state), from_node=node_id)
    except PlayError as error:
        raise VoteError(_("This part cannot be skipped."), field="") from error
    _classroom_advance(session, move, {"skipped": True})
    return session, move


@transaction.atomic
def classroom_votes_record(
    *,
    session_uuid,
    teacher,
    node_id: str,
    step: int,
    turn: int,
    counts: dict[str, int],
    tie_break: str = "",
) -> tuple[ClassroomSession, Step]:
    """Store the totals for each option, follow the majority (the teacher breaks ties)."""
    from .engine import available_choices

    session = _classroom_session_at(
        session_uuid, teacher=teacher, node_id=node_id, step=step, turn=turn
    )
    graph = graph_for_revision(session.revision_id)
    state = State.from_dict(session.state)
    offered = [c.id for c in available_choices(graph, state)]
    if any(key not in offered for key in counts):
        raise VoteError(_("That option is not on offer here."))
    # A staff team's run (CPD) counts colleagues, not pupils.
    staff_team = session.group.kind == session.group.Kind.STAFF_TEAM
    wrong = tuple(choice for choice in offered if not 0 <= counts.get(choice, 0) <= MAX_VOTES)
    if wrong:
        raise VoteError(
            (
                _("Enter a number of people between 0 and %(most)s for each option.")
                if staff_team
                else _("Enter a number of pupils between 0 and %(most)s for each option.")
            )
            % {"most": MAX_VOTES},
            wrong=wrong,
        )
    totals = {choice: int(counts.get(choice, 0)) for choice in offered}
    if len(offered) == 1 and sum(totals.values()) == 0:
        # One way on: nothing to vote on, so the class follows it and no totals are made up.
        totals = {}
    elif sum(totals.values()) == 0:
        raise VoteError(
            _("Enter how many people chose at least one option.")
            if staff_team
            else _("Enter how many pupils chose at least one option.")
        )
    top = max(totals.values(), default=0)
    leaders = [c for c, n in totals.items() if n == top] or offered
    if len(leaders) == 1:
        winner = leaders[0]
    elif tie_break in leaders:
        winner = tie_break
    else:
        raise VoteError(
            _("It's a tie. Choose which of the tied options the class follows."),
            field="tie_break",
            tied=tuple(leaders),
        )
    try:
        move = choose(graph, state, winner, from_node=node_id)
    except PlayError as error:
        raise VoteError(_("That option is not on offer here.")) from error
    ClassroomVote.objects.bulk_create(
        ClassroomVote(
            session=session,
            step=step,
            node_id=node_id,
            choice_id=choice,
            count=count,
            chosen=choice == winner,
        )
        for choice, count in totals.items()
    )
    _classroom_advance(
        session, move, {"choice_label": move.choice.label, "feedback": move.feedback}
    )
    return session, move
