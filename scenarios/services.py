"""Writes for scenarios: authoring from Twee, attempts and moves, classroom sessions.

Every choice and ending is recorded through `xapi.services.record` (DESIGN.md, one path for
every learning event); reaching an ending completes the scenario activity, after which the
course service re-checks the module and course.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .engine import (
    Graph,
    PlayError,
    ScenarioFinished,
    StaleChoice,
    State,
    Step,
    choose,
    skip,
    start,
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
from .selectors import graph_for_revision
from .twee import twee_parse


class ScenarioUnavailable(ValueError):
    """The scenario is not published, so it cannot be played."""


class StaleSubmission(ValueError):
    """A form from a node the learner has already left (double submit, back, another tab)."""


# --- authoring ---


def scenario_stream_data(graph: Graph) -> tuple[list, list]:
    """The `variables` and `nodes` StreamField values for an engine graph."""
    variables = [
        ("variable", {"name": v.name, "initial": format_value(v.initial)}) for v in graph.variables
    ]
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
    return scenario_save_graph(
        scenario=Scenario(title=story.title[:255]), graph=story.graph, user=user
    )


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


@transaction.atomic
def scenario_attempt_start(*, learner, scenario: Scenario, module=None, restart=False):
    """The learner's current attempt (resumed), or a new one pinned to the live revision."""
    if not scenario.live or scenario.live_revision_id is None:
        raise ScenarioUnavailable(_("This scenario is not available yet."))
    attempts = ScenarioAttempt.objects.filter(learner=learner, scenario=scenario)
    if module is not None:
        attempts = attempts.filter(module=module)
    current = attempts.order_by("-started_at", "-pk").first()
    if current is not None and not restart:
        return current
    graph = graph_for_revision(scenario.live_revision_id)
    registration = None
    if module is not None:
        from courses.services import course_registration

        registration = course_registration(learner=learner, course=module.specific.course)
    return ScenarioAttempt.objects.create(
        scenario=scenario,
        revision_id=scenario.live_revision_id,
        learner=learner,
        module=module,
        registration=registration,
        state=start(graph).to_dict(),
        node_entered_at=timezone.now(),
    )


def _locked(attempt_uuid, learner) -> ScenarioAttempt:
    return (
        ScenarioAttempt.objects.select_for_update(of=("self",))
        .select_related("scenario", "learner__school")
        .get(uuid=attempt_uuid, learner=learner)
    )


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


def _apply(attempt: ScenarioAttempt, step: Step, *, learner) -> None:
    from xapi.identity import actor_for
    from xapi.services import record
    from xapi.statements.builders import scenario_choice_made, scenario_ending_reached

    now = timezone.now()
    seconds = max((now - attempt.node_entered_at).total_seconds(), 0.0)
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
    # Conditional on the step we read: where the database has no row locks (SQLite), a
    # simultaneous duplicate finds no row to update and is rejected as stale.
    updated = ScenarioAttempt.objects.filter(pk=attempt.pk, step=previous_step).update(
        state=attempt.state,
        step=attempt.step,
        node_entered_at=now,
        outcome=attempt.outcome,
        ending_node=attempt.ending_node,
        finished_at=attempt.finished_at,
    )
    if updated != 1:
        raise StaleSubmission(_("That choice has already been made."))
    ScenarioChoiceRecord.objects.create(
        attempt=attempt,
        scenario_id=attempt.scenario_id,
        node_id=step.from_node.id,
        choice_id=choice_id,
        choice_label=choice_label[:255],
        step=attempt.step,
    )

    module, course, registration = _context(attempt)
    # The locked row brought the learner and school with it: no extra queries.
    learner = attempt.learner
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
    record(statements=statements, school=learner.school, learner=learner)
    if step.ended and attempt.module_id:
        from courses.services import module_progress_sync

        module_progress_sync(learner=learner, module=attempt.module.specific)


@transaction.atomic
def scenario_choice_make(
    *, learner, attempt_uuid, node_id: str, step: int, choice_id: str
) -> MoveResult:
    """Apply one choice, once, from the node it was offered on; record it."""
    attempt = _locked(attempt_uuid, learner)
    _check_fresh(attempt, node_id=node_id, step=step)
    graph = graph_for_revision(attempt.revision_id)
    try:
        move = choose(graph, State.from_dict(attempt.state), choice_id, from_node=node_id)
    except (StaleChoice, ScenarioFinished) as error:
        raise StaleSubmission(_("That choice is no longer on offer.")) from error
    _apply(attempt, move, learner=learner)
    return MoveResult(attempt=attempt, step=move)


@transaction.atomic
def scenario_node_skip(*, learner, attempt_uuid, node_id: str, step: int) -> MoveResult:
    """Skip a node with a content warning, without penalty."""
    attempt = _locked(attempt_uuid, learner)
    _check_fresh(attempt, node_id=node_id, step=step)
    graph = graph_for_revision(attempt.revision_id)
    move = skip(graph, State.from_dict(attempt.state), from_node=node_id)
    _apply(attempt, move, learner=learner)
    return MoveResult(attempt=attempt, step=move)


# --- classroom mode ---


@transaction.atomic
def classroom_session_start(*, teacher, group, scenario: Scenario) -> ClassroomSession:
    from schools.selectors import groups_taught_by

    if not groups_taught_by(teacher).filter(pk=group.pk).exists():
        raise PermissionError(_("You can only run a scenario with a class you teach."))
    if not scenario.live or scenario.live_revision_id is None:
        raise ScenarioUnavailable(_("This scenario is not available yet."))
    graph = graph_for_revision(scenario.live_revision_id)
    return ClassroomSession.objects.create(
        scenario=scenario,
        revision_id=scenario.live_revision_id,
        group=group,
        teacher=teacher,
        state=start(graph).to_dict(),
    )


class VoteError(ValueError):
    """The vote counts cannot be used; the message says why."""


@transaction.atomic
def classroom_votes_record(
    *,
    session_uuid,
    teacher,
    node_id: str,
    step: int,
    counts: dict[str, int],
    tie_break: str = "",
) -> tuple[ClassroomSession, Step]:
    """Store the totals for each option, follow the majority (the teacher breaks ties)."""
    from .engine import available_choices

    session = ClassroomSession.objects.select_for_update().get(uuid=session_uuid, teacher=teacher)
    if session.step != step or session.state.get("node_id") != node_id or session.finished_at:
        raise StaleSubmission(
            _("Those votes were for a part of the scenario the class has already left.")
        )
    graph = graph_for_revision(session.revision_id)
    state = State.from_dict(session.state)
    offered = [c.id for c in available_choices(graph, state)]
    if any(key not in offered for key in counts) or any(v < 0 for v in counts.values()):
        raise VoteError(_("Enter a number of pupils (0 or more) for each option."))
    totals = {choice: int(counts.get(choice, 0)) for choice in offered}
    if sum(totals.values()) == 0:
        raise VoteError(_("Enter how many pupils chose at least one option."))
    top = max(totals.values())
    leaders = [c for c, n in totals.items() if n == top]
    if len(leaders) == 1:
        winner = leaders[0]
    elif tie_break in leaders:
        winner = tie_break
    else:
        raise VoteError(_("It's a tie. Choose which of the tied options the class follows."))
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
    new_state = move.state.to_dict()
    new_state["last"] = {"choice_label": move.choice.label, "feedback": move.feedback}
    session.state = new_state
    session.step += 1
    if move.ended:
        session.finished_at = timezone.now()
    session.save()
    return session, move
