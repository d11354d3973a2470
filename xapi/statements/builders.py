"""One pure function per product event, each returning a complete xAPI statement dict.

Callers pass the actor (`xapi.identity.actor_for`), the activities as `Activity` values, and
the module / course / registration for context (any of which may be None). Every statement
gets a fresh `id` and a UTC `timestamp`, and names our profile in
`context.contextActivities.category`, so what the product records is consistent everywhere.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from math import floor

from . import vocabulary as v
from .profile import ext, profile_iri, verb_chose

LANG = "en-GB"


@dataclass(frozen=True)
class Activity:
    """An activity as the builders need it: its IRI, type, name, and (for questions) the
    cmi.interaction definition (interactionType, choices, correctResponsesPattern, ...)."""

    iri: str
    type: str
    name: str
    description: str = ""
    interaction: dict | None = None

    def as_object(self) -> dict:
        definition: dict = {"type": self.type, "name": {LANG: self.name}}
        if self.description:
            definition["description"] = {LANG: self.description}
        if self.interaction:
            definition.update(self.interaction)
        return {"objectType": "Activity", "id": self.iri, "definition": definition}


def duration_iso(seconds: float) -> str:
    """Seconds as an ISO 8601 duration, to the hundredth (xAPI 4.6)."""
    # Round once, in whole hundredths, before splitting: rounding the seconds last would
    # turn 119.996 s into PT1M60S, and ISO 8601 seconds run 0 to 59.
    hundredths = round(max(0.0, float(seconds)) * 100)
    hours, rest = divmod(hundredths, 360000)
    minutes, rest = divmod(rest, 6000)
    whole, part = divmod(rest, 100)
    out = "PT"
    if hours:
        out += f"{hours}H"
    if minutes:
        out += f"{minutes}M"
    if rest or out == "PT":
        out += f"{whole}.{part:02d}".rstrip("0").rstrip(".") + "S"
    return out


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _statement(
    *,
    actor: dict,
    verb: v.VerbTerm,
    obj: Activity,
    registration: str | None,
    parent: list[Activity | None],
    grouping: list[Activity | None],
    result: dict | None = None,
    context_extensions: dict | None = None,
) -> dict:
    context_activities: dict = {
        "category": [
            {
                "objectType": "Activity",
                "id": profile_iri(),
                "definition": {"type": v.PROFILE},
            }
        ]
    }
    parents = [a.as_object() for a in parent if a is not None]
    groups = [a.as_object() for a in grouping if a is not None]
    if parents:
        context_activities["parent"] = parents
    if groups:
        context_activities["grouping"] = groups
    context: dict = {"contextActivities": context_activities, "language": LANG}
    if registration:
        context["registration"] = str(registration)
    if context_extensions:
        context["extensions"] = context_extensions
    statement = {
        "id": str(uuid.uuid4()),
        "timestamp": _now(),
        "actor": actor,
        "verb": verb.as_verb(),
        "object": obj.as_object(),
        "context": context,
    }
    if result is not None:
        statement["result"] = result
    return statement


def course_launched(*, actor: dict, course: Activity, registration: str | None) -> dict:
    """A learner opened a course (starting or resuming an enrolment)."""
    return _statement(
        actor=actor,
        verb=v.LAUNCHED,
        obj=course,
        registration=registration,
        parent=[],
        grouping=[],
    )


def module_experienced(
    *, actor: dict, module: Activity, course: Activity | None, registration: str | None
) -> dict:
    """A learner opened a module page."""
    return _statement(
        actor=actor,
        verb=v.EXPERIENCED,
        obj=module,
        registration=registration,
        parent=[course],
        grouping=[course],
    )


def module_completed(
    *,
    actor: dict,
    module: Activity,
    course: Activity | None,
    registration: str | None,
    class_lesson: str | None = None,
) -> dict:
    """Every required activity of the module is complete (or the learner read it); with a
    `class_lesson` id, the learner took it in a lesson a teacher led with their class."""
    return _statement(
        actor=actor,
        verb=v.COMPLETED,
        obj=module,
        registration=registration,
        parent=[course],
        grouping=[course],
        result={"completion": True},
        context_extensions={ext("class-lesson"): class_lesson} if class_lesson else None,
    )


def course_completed(*, actor: dict, course: Activity, registration: str | None) -> dict:
    """Every module of the course is complete."""
    return _statement(
        actor=actor,
        verb=v.COMPLETED,
        obj=course,
        registration=registration,
        parent=[],
        grouping=[],
        result={"completion": True},
    )


def statement_voided(*, actor: dict, statement_id: str, class_lesson: str | None = None) -> dict:
    """Takes back a statement (xAPI 1.0.3 §2.2.6 "Voided"): by the same actor, so the learner's
    record holds both; with a `class_lesson` id, a lesson recorded by mistake was removed."""
    context: dict = {
        "contextActivities": {
            "category": [
                {"objectType": "Activity", "id": profile_iri(), "definition": {"type": v.PROFILE}}
            ]
        }
    }
    if class_lesson:
        context["extensions"] = {ext("class-lesson"): class_lesson}
    return {
        "id": str(uuid.uuid4()),
        "timestamp": _now(),
        "actor": actor,
        "verb": v.VOIDED.as_verb(),
        "object": {"objectType": "StatementRef", "id": str(statement_id)},
        "context": context,
    }


def checklist_progressed(
    *,
    actor: dict,
    checklist: Activity,
    module: Activity | None,
    course: Activity | None,
    registration: str | None,
    ticked: int,
    total: int,
) -> dict:
    """A learner ticked or unticked a checklist item; complete when all are ticked."""
    result: dict = {
        "completion": total > 0 and ticked >= total,
        "extensions": {ext("ticked"): int(ticked), ext("total"): int(total)},
    }
    if total > 0:
        result["score"] = {
            "raw": int(ticked),
            "min": 0,
            "max": int(total),
            "scaled": round(ticked / total, 4),
        }
    return _statement(
        actor=actor,
        verb=v.PROGRESSED,
        obj=checklist,
        registration=registration,
        parent=[module],
        grouping=[course],
        result=result,
    )


def scenario_choice_made(
    *,
    actor: dict,
    scenario: Activity,
    node_id: str,
    choice_id: str,
    choice_label: str,
    path: list[str],
    seconds_on_node: float,
    score: int,
    module: Activity | None,
    course: Activity | None,
    registration: str | None,
) -> dict:
    """A choice at one scenario node: which node, which choice, the path so far, the time
    spent on the node (result.duration) and the choice's score."""
    result = {
        "response": str(choice_id),
        "duration": duration_iso(seconds_on_node),
        "score": {"raw": score},
        "extensions": {
            ext("node-id"): str(node_id),
            ext("choice-id"): str(choice_id),
            ext("choice-label"): str(choice_label),
            ext("path"): [str(p) for p in path],
        },
    }
    return _statement(
        actor=actor,
        verb=verb_chose(),
        obj=scenario,
        registration=registration,
        parent=[module],
        grouping=[course],
        result=result,
    )


def scenario_ending_reached(
    *,
    actor: dict,
    scenario: Activity,
    node_id: str,
    outcome: str,
    score: int,
    path: list[str],
    module: Activity | None,
    course: Activity | None,
    registration: str | None,
) -> dict:
    """The learner reached an ending: the scenario is complete, with its outcome."""
    result = {
        "completion": True,
        "score": {"raw": score},
        "extensions": {
            ext("node-id"): str(node_id),
            ext("outcome"): str(outcome),
            ext("path"): [str(p) for p in path],
        },
    }
    return _statement(
        actor=actor,
        verb=v.COMPLETED,
        obj=scenario,
        registration=registration,
        parent=[module],
        grouping=[course],
        result=result,
    )


def question_answered(
    *,
    actor: dict,
    question: Activity,
    response: str,
    success: bool | None,
    quiz: Activity,
    module: Activity | None,
    course: Activity | None,
    registration: str | None,
) -> dict:
    """One answer to one quiz question (the question carries its cmi.interaction)."""
    result: dict = {"response": str(response)}
    if success is not None:
        result["success"] = bool(success)
    return _statement(
        actor=actor,
        verb=v.ANSWERED,
        obj=question,
        registration=registration,
        parent=[quiz],
        grouping=[module, course],
        result=result,
    )


def quiz_finished(
    *,
    actor: dict,
    quiz: Activity,
    raw: float,
    max: float,
    passed: bool,
    module: Activity | None,
    course: Activity | None,
    registration: str | None,
) -> dict:
    """The learner submitted a quiz: passed or failed, with the score."""
    score: dict = {"raw": raw}
    if max > 0:
        score.update({"min": 0, "max": max, "scaled": scaled_rounded_down(raw, max)})
    result = {"score": score, "success": bool(passed), "completion": bool(passed)}
    return _statement(
        actor=actor,
        verb=v.PASSED if passed else v.FAILED,
        obj=quiz,
        registration=registration,
        parent=[module],
        grouping=[course],
        result=result,
    )


def max_zero(value: float) -> float:
    return value if value > 0 else 0.0


def scaled_rounded_down(raw: float, maximum: float) -> float:
    """raw / maximum to four decimal places, rounded down as the percentage on the results
    page is: 87.996% is 0.8799, so a score under the pass mark never reads as reaching it
    beside `success: false` (xAPI 1.0.3, 4.1.5.1 "Score"). Worked out in exact decimals, so
    floating-point error cannot take an exact 88% below 0.88 either."""
    share = min(Fraction(1), Fraction(str(max_zero(raw))) / Fraction(str(maximum)))
    return float(Fraction(floor(share * 10_000), 10_000))
