"""Questions as the player sees them (assessments/questions.py): layout, forms, xAPI shapes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.questions import (
    Choice,
    Layout,
    Question,
    field_name,
    interaction_definition,
    laid_out,
    response_from_form,
    response_from_json,
    response_to_json,
    xapi_response,
)
from assessments.scoring import InvalidResponse, Kind, correct_response, mark

SINGLE = Question(
    id="q1",
    kind=Kind.SINGLE_CHOICE,
    prompt="You find a post about you. What should you do first?",
    choices=(
        Choice("reply", "Reply to it"),
        Choice("tell", "Tell a trusted adult", correct=True),
        Choice("share", "Share it"),
    ),
)
TRUE_FALSE = Question(
    id="q2",
    kind=Kind.TRUE_FALSE,
    prompt="Posts made as a joke can never get you into trouble.",
    choices=(Choice("true", "True"), Choice("false", "False", correct=True)),
)
MULTI = Question(
    id="q3",
    kind=Kind.MULTIPLE_RESPONSE,
    prompt="Which should a screenshot show?",
    choices=(
        Choice("user", "The username", correct=True),
        Choice("time", "The time and date", correct=True),
        Choice("reply", "Your reply"),
    ),
)
ORDER = Question(
    id="q4",
    kind=Kind.ORDERING,
    prompt="Put the steps in order.",
    choices=(Choice("s1", "Screenshot"), Choice("s2", "Tell"), Choice("s3", "Report")),
    correct_order=("s1", "s2", "s3"),
)
MATCH = Question(
    id="q5",
    kind=Kind.MATCHING,
    prompt="Match each situation to who can help.",
    choices=(
        Choice("posh", "A teacher is targeted", match="helpline"),
        Choice("kid", "A pupil is upset", match="childline"),
    ),
    targets=(
        Choice("helpline", "POSH"),
        Choice("childline", "Childline"),
        Choice("bank", "A bank"),
    ),
)
ALL = [SINGLE, TRUE_FALSE, MULTI, ORDER, MATCH]


def test_a_question_survives_the_attempt_snapshot_unchanged():
    for question in ALL:
        assert Question.from_dict(question.to_dict()) == question


def test_the_layout_is_the_same_for_the_same_seed_and_varies_between_seeds():
    layout = Layout(shuffle_questions=True, shuffle_options=True, seed="attempt-1")
    assert laid_out(ALL, layout) == laid_out(ALL, layout)
    orders = {
        tuple(q.id for q in laid_out(ALL, Layout(shuffle_questions=True, seed=str(n))))
        for n in range(20)
    }
    assert len(orders) > 1


def test_without_shuffling_questions_and_options_keep_their_authored_order():
    result = laid_out(ALL, Layout(seed="x"))
    assert [q.id for q in result] == [q.id for q in ALL]
    assert result[0].choices == SINGLE.choices


@given(st.text(min_size=1, max_size=8))
def test_an_ordering_question_never_starts_in_the_correct_order(seed):
    (question,) = laid_out([ORDER], Layout(seed=seed))
    assert tuple(c.id for c in question.choices) != ORDER.correct_order
    assert sorted(c.id for c in question.choices) == sorted(ORDER.correct_order)


def test_true_false_options_are_never_shuffled():
    for n in range(10):
        (question,) = laid_out([TRUE_FALSE], Layout(shuffle_options=True, seed=str(n)))
        assert [c.id for c in question.choices] == ["true", "false"]


@pytest.mark.parametrize(
    ("question", "data", "expected"),
    [
        (SINGLE, {"q-q1": ["tell"]}, "tell"),
        (TRUE_FALSE, {"q-q2": ["false"]}, False),
        (MULTI, {"q-q3": ["user", "reply"]}, frozenset({"user", "reply"})),
        (ORDER, {"q-q4-s1": ["3"], "q-q4-s2": ["1"], "q-q4-s3": ["2"]}, ("s2", "s3", "s1")),
        (
            MATCH,
            {"q-q5-posh": ["helpline"], "q-q5-kid": ["bank"]},
            {"posh": "helpline", "kid": "bank"},
        ),
        (SINGLE, {}, None),
        (MULTI, {"q-q3": [""]}, None),
        (ORDER, {"q-q4-s1": [""]}, None),
    ],
)
def test_a_response_is_read_from_the_submitted_form(question, data, expected):
    assert response_from_form(question, data) == expected


@pytest.mark.parametrize(
    ("question", "data", "message"),
    [
        (SINGLE, {"q-q1": ["nope"]}, "one of the options"),
        (SINGLE, {"q-q1": ["tell", "reply"]}, "one of the options"),
        (MULTI, {"q-q3": ["user", "forged"]}, "only the options"),
        (ORDER, {"q-q4-s1": ["1"], "q-q4-s2": ["1"], "q-q4-s3": ["2"]}, "different position"),
        (ORDER, {"q-q4-s1": ["1"], "q-q4-s2": ["2"]}, "every item a position"),
        (ORDER, {"q-q4-s1": ["x"], "q-q4-s2": ["2"], "q-q4-s3": ["3"]}, "position"),
        (MATCH, {"q-q5-posh": ["helpline"]}, "every item"),
        (MATCH, {"q-q5-posh": ["helpline"], "q-q5-kid": ["forged"]}, "only the answers"),
    ],
)
def test_a_response_that_does_not_fit_is_refused_with_a_reason(question, data, message):
    with pytest.raises(InvalidResponse, match=message):
        response_from_form(question, data)


def test_field_names_are_per_question_and_per_item():
    assert field_name(SINGLE) == "q-q1"
    assert field_name(ORDER, ORDER.choices[0]) == "q-q4-s1"


@pytest.mark.parametrize(
    ("question", "response"),
    [
        (SINGLE, "tell"),
        (TRUE_FALSE, True),
        (MULTI, frozenset({"time", "user"})),
        (ORDER, ("s3", "s1", "s2")),
        (MATCH, {"posh": "helpline", "kid": "bank"}),
    ],
)
def test_a_stored_response_reads_back_the_same(question, response):
    assert response_from_json(question, response_to_json(question, response)) == response


@pytest.mark.parametrize(
    ("question", "interaction_type", "pattern", "component_keys"),
    [
        (SINGLE, "choice", "tell", {"choices"}),
        (TRUE_FALSE, "true-false", "false", set()),
        (MULTI, "choice", "time[,]user", {"choices"}),
        (ORDER, "sequencing", "s1[,]s2[,]s3", {"choices"}),
        (MATCH, "matching", "kid[.]childline[,]posh[.]helpline", {"source", "target"}),
    ],
)
def test_the_interaction_definition_follows_xapi_cmi_interaction(
    question, interaction_type, pattern, component_keys
):
    """xAPI 1.0.3, 4.1.4.1: interactionType, correctResponsesPattern and the components the
    interaction type allows (choices; source and target; none for true-false)."""
    definition = interaction_definition(question)
    assert definition["interactionType"] == interaction_type
    assert definition["correctResponsesPattern"] == [pattern]
    assert set(definition) - {"interactionType", "correctResponsesPattern"} == component_keys
    for key in component_keys:
        for component in definition[key]:
            assert set(component) == {"id", "description"}
            assert list(component["description"]) == ["en-GB"]


@pytest.mark.parametrize(
    ("question", "response", "expected"),
    [
        (SINGLE, "reply", "reply"),
        (TRUE_FALSE, True, "true"),
        (MULTI, frozenset({"user", "reply"}), "reply[,]user"),
        (ORDER, ("s2", "s1", "s3"), "s2[,]s1[,]s3"),
        (MATCH, {"posh": "helpline", "kid": "bank"}, "kid[.]bank[,]posh[.]helpline"),
    ],
)
def test_the_learners_response_uses_the_xapi_characterstring_format(question, response, expected):
    assert xapi_response(question, response) == expected


@pytest.mark.parametrize("question", ALL)
def test_the_correct_pattern_is_the_response_that_scores_full_marks(question):
    definition = interaction_definition(question)
    key = question.key()
    assert (
        xapi_response(question, correct_response(key)) == definition["correctResponsesPattern"][0]
    )
    assert mark(key, correct_response(key)).correct


def test_a_matching_answer_written_twice_with_different_capitals_is_one_answer():
    """A distractor that reads like the right answer would be marked wrong when chosen."""
    from assessments.blocks import MatchingQuestionBlock

    block = MatchingQuestionBlock()
    value = block.to_python(
        {
            "prompt": "Who can help?",
            "pairs": [
                {"type": "item", "id": "p1", "value": {"prompt": "Talk", "answer": "Childline"}},
                {"type": "item", "id": "p2", "value": {"prompt": "Report", "answer": "CEOP"}},
            ],
            "distractors": [{"type": "item", "id": "d1", "value": " childline"}],
            "explanation": "",
        }
    )
    question = block.to_question(value, "q")
    assert sorted(t.text for t in question.targets) == ["CEOP", "Childline"]


@given(st.text(min_size=1, max_size=8), st.booleans())
def test_a_matching_question_never_lists_its_answers_in_the_order_of_its_prompts(
    seed, shuffle_options
):
    """Answers listed so that the first prompt's comes first, the second's next and so on
    would give the pairs away, as an ordering question shown in order would."""
    (question,) = laid_out([MATCH], Layout(shuffle_options=shuffle_options, seed=seed))
    matches = [prompt.match for prompt in question.choices]
    listed = [target.id for target in question.targets if target.id in matches]
    assert listed != matches
    assert sorted(t.id for t in question.targets) == sorted(t.id for t in MATCH.targets)
