"""Builders: one statement per product event, valid and carrying the right context."""

import uuid

import pytest

from xapi.statements import builders
from xapi.statements.builders import Activity
from xapi.statements.profile import ext, profile_document, profile_iri
from xapi.statements.validation import statement_validate
from xapi.statements.vocabulary import COURSE, INTERACTION, MODULE

ACTOR = {"objectType": "Agent", "account": {"homePage": "http://testserver", "name": "p1"}}
COURSE_A = Activity(iri="http://testserver/xapi/activities/course/c", type=COURSE, name="C")
MODULE_A = Activity(iri="http://testserver/xapi/activities/module/m", type=MODULE, name="M")
QUIZ = Activity(iri="http://testserver/xapi/activities/quiz/q", type=COURSE, name="Quiz")
REG = str(uuid.uuid4())


def all_events():
    scenario = Activity(iri="http://testserver/xapi/activities/scenario/s", type=COURSE, name="S")
    question = Activity(
        iri="http://testserver/xapi/activities/question/q1",
        type=INTERACTION,
        name="Q1",
        interaction={
            "interactionType": "choice",
            "choices": [{"id": "a"}, {"id": "b"}],
            "correctResponsesPattern": ["a"],
        },
    )
    ctx = {"module": MODULE_A, "course": COURSE_A, "registration": REG}
    return {
        "course_launched": builders.course_launched(actor=ACTOR, course=COURSE_A, registration=REG),
        "module_experienced": builders.module_experienced(actor=ACTOR, **ctx),
        "module_completed": builders.module_completed(actor=ACTOR, **ctx),
        "course_completed": builders.course_completed(
            actor=ACTOR, course=COURSE_A, registration=REG
        ),
        "checklist_progressed": builders.checklist_progressed(
            actor=ACTOR, checklist=scenario, ticked=2, total=3, **ctx
        ),
        "scenario_choice_made": builders.scenario_choice_made(
            actor=ACTOR,
            scenario=scenario,
            node_id="n1",
            choice_id="c2",
            choice_label="Tell a teacher",
            path=["start", "n1"],
            seconds_on_node=75.5,
            score=2,
            **ctx,
        ),
        "scenario_ending_reached": builders.scenario_ending_reached(
            actor=ACTOR,
            scenario=scenario,
            node_id="end",
            outcome="safe",
            score=5,
            path=["start", "n1", "end"],
            **ctx,
        ),
        "question_answered": builders.question_answered(
            actor=ACTOR, question=question, response="a", success=True, quiz=QUIZ, **ctx
        ),
        "quiz_finished": builders.quiz_finished(
            actor=ACTOR, quiz=QUIZ, raw=7, max=10, passed=True, **ctx
        ),
    }


@pytest.mark.parametrize("name", list(all_events()))
def test_every_builder_makes_a_valid_statement_with_id_timestamp_and_profile(name):
    statement = all_events()[name]
    statement_validate(statement)
    uuid.UUID(statement["id"])
    assert statement["timestamp"].endswith("Z")
    category = statement["context"]["contextActivities"]["category"]
    assert category[0]["id"] == profile_iri()
    assert statement["context"]["registration"] == REG


def test_ids_are_fresh_each_time():
    a = builders.course_launched(actor=ACTOR, course=COURSE_A, registration=None)
    b = builders.course_launched(actor=ACTOR, course=COURSE_A, registration=None)
    assert a["id"] != b["id"]
    assert "registration" not in a["context"]


def test_module_statements_have_course_as_parent_and_grouping():
    statement = all_events()["module_completed"]
    ctx = statement["context"]["contextActivities"]
    assert ctx["parent"][0]["id"] == COURSE_A.iri
    assert ctx["grouping"][0]["id"] == COURSE_A.iri


def test_none_module_and_course_leave_context_activities_out():
    statement = builders.module_experienced(
        actor=ACTOR, module=MODULE_A, course=None, registration=None
    )
    assert set(statement["context"]["contextActivities"]) == {"category"}
    statement_validate(statement)


def test_scenario_choice_carries_node_choice_path_duration_and_score():
    result = all_events()["scenario_choice_made"]["result"]
    assert result["duration"] == "PT1M15.5S"
    assert result["score"] == {"raw": 2}
    assert result["extensions"][ext("node-id")] == "n1"
    assert result["extensions"][ext("choice-id")] == "c2"
    assert result["extensions"][ext("path")] == ["start", "n1"]
    assert "completion" not in result


def test_scenario_ending_completes_with_outcome():
    statement = all_events()["scenario_ending_reached"]
    assert statement["verb"]["id"].endswith("/completed")
    assert statement["result"]["completion"] is True
    assert statement["result"]["extensions"][ext("outcome")] == "safe"


def test_question_answered_has_quiz_parent_and_module_course_grouping_and_interaction():
    statement = all_events()["question_answered"]
    ctx = statement["context"]["contextActivities"]
    assert [a["id"] for a in ctx["parent"]] == [QUIZ.iri]
    assert [a["id"] for a in ctx["grouping"]] == [MODULE_A.iri, COURSE_A.iri]
    assert statement["object"]["definition"]["interactionType"] == "choice"
    assert statement["result"] == {"response": "a", "success": True}


@pytest.mark.parametrize(("passed", "verb"), [(True, "passed"), (False, "failed")])
def test_quiz_finished_is_passed_or_failed_with_scaled_score(passed, verb):
    statement = builders.quiz_finished(
        actor=ACTOR,
        quiz=QUIZ,
        raw=4,
        max=5,
        passed=passed,
        module=None,
        course=None,
        registration=None,
    )
    assert statement["verb"]["id"].endswith(verb)
    assert statement["result"]["score"] == {"raw": 4, "min": 0, "max": 5, "scaled": 0.8}
    assert statement["result"]["success"] is passed
    assert statement["result"]["completion"] is passed


def test_checklist_is_complete_only_when_all_ticked():
    ctx = {"module": None, "course": None, "registration": None}
    part = builders.checklist_progressed(actor=ACTOR, checklist=MODULE_A, ticked=1, total=2, **ctx)
    full = builders.checklist_progressed(actor=ACTOR, checklist=MODULE_A, ticked=2, total=2, **ctx)
    assert part["result"]["completion"] is False
    assert full["result"]["completion"] is True


@pytest.mark.parametrize(
    ("seconds", "expected"), [(0, "PT0S"), (5, "PT5S"), (3661, "PT1H1M1S"), (60, "PT1M")]
)
def test_duration_is_iso_8601(seconds, expected):
    assert builders.duration_iso(seconds) == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (119.996, "PT2M"),
        (59.999, "PT1M"),
        (3599.999, "PT1H"),
        (3659.995, "PT1H1M"),
        (0.004, "PT0S"),
    ],
)
def test_duration_that_rounds_up_carries_into_the_next_minute_or_hour(seconds, expected):
    """ISO 8601 seconds and minutes run 0-59: 119.996 s is PT2M, never PT1M60S."""
    assert builders.duration_iso(seconds) == expected


def test_profile_document_lists_our_terms_under_the_site():
    doc = profile_document()
    assert doc["id"] == "http://testserver/xapi/profile/"
    ids = {c["id"] for c in doc["concepts"]}
    assert ext("node-id") in ids
    assert all(i.startswith("http://testserver/xapi/profile/") for i in ids)


def test_quiz_finished_scaled_score_just_under_the_pass_mark_is_rounded_down():
    """A failed attempt at 87.996% is sent as 0.8799, as the results page says 87%: sent as
    0.88 it would read as reaching an 88% pass mark in the same statement that says failed."""
    statement = builders.quiz_finished(
        actor=ACTOR,
        quiz=QUIZ,
        raw=21.999,
        max=25,
        passed=False,
        module=None,
        course=None,
        registration=None,
    )
    assert statement["result"]["score"]["scaled"] == 0.8799
    assert statement["result"]["success"] is False


@pytest.mark.parametrize(
    ("raw", "maximum", "scaled"), [(2.2, 2.5, 0.88), (22, 25, 0.88), (1, 3, 0.3333)]
)
def test_quiz_finished_scaled_score_at_a_whole_share_is_not_rounded_below_it(raw, maximum, scaled):
    """Rounding down must not take an exact 88% below 0.88 through floating-point error."""
    statement = builders.quiz_finished(
        actor=ACTOR,
        quiz=QUIZ,
        raw=raw,
        max=maximum,
        passed=True,
        module=None,
        course=None,
        registration=None,
    )
    assert statement["result"]["score"]["scaled"] == scaled
