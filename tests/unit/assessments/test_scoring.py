"""Quiz scoring rules (assessments/scoring.py): table-driven cases and properties."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.scoring import (
    InvalidResponse,
    MatchingKey,
    MultipleResponseKey,
    OrderingKey,
    SingleChoiceKey,
    TrueFalseKey,
    correct_response,
    mark,
    quiz_score,
)

SINGLE = SingleChoiceKey(options=("a", "b", "c"), correct="b")
TRUE_FALSE = TrueFalseKey(correct=False)
MULTI = MultipleResponseKey(options=("a", "b", "c", "d"), correct=frozenset({"a", "b"}))
ORDER = OrderingKey(correct=("first", "second", "third", "fourth"))
MATCH = MatchingKey(pairs=(("x", "1"), ("y", "2"), ("z", "3")), targets=("1", "2", "3", "4"))


@pytest.mark.parametrize(
    ("key", "response", "credit", "correct"),
    [
        (SINGLE, "b", Fraction(1), True),
        (SINGLE, "a", Fraction(0), False),
        (TRUE_FALSE, False, Fraction(1), True),
        (TRUE_FALSE, True, Fraction(0), False),
        (MULTI, frozenset({"a", "b"}), Fraction(1), True),
        (MULTI, frozenset({"a"}), Fraction(1, 2), False),
        (MULTI, frozenset({"a", "c"}), Fraction(0), False),
        (MULTI, frozenset({"a", "b", "c"}), Fraction(1, 2), False),
        (MULTI, frozenset({"a", "b", "c", "d"}), Fraction(0), False),
        (MULTI, frozenset({"c", "d"}), Fraction(0), False),
        (ORDER, ("first", "second", "third", "fourth"), Fraction(1), True),
        (ORDER, ("second", "first", "third", "fourth"), Fraction(1, 2), False),
        (ORDER, ("fourth", "third", "second", "first"), Fraction(0), False),
        (MATCH, {"x": "1", "y": "2", "z": "3"}, Fraction(1), True),
        (MATCH, {"x": "1", "y": "3", "z": "2"}, Fraction(1, 3), False),
        (MATCH, {"x": "4", "y": "4", "z": "4"}, Fraction(0), False),
    ],
)
def test_each_kind_of_question_earns_the_documented_credit(key, response, credit, correct):
    result = mark(key, response)
    assert result.credit == credit
    assert result.correct is correct


@pytest.mark.parametrize(
    ("key", "response"),
    [
        (SINGLE, "z"),
        (SINGLE, frozenset({"a"})),
        (TRUE_FALSE, "false"),
        (MULTI, frozenset()),
        (MULTI, frozenset({"a", "z"})),
        (ORDER, ("first", "second", "third")),
        (ORDER, ("first", "first", "third", "fourth")),
        (MATCH, {"x": "1", "y": "2"}),
        (MATCH, {"x": "1", "y": "2", "z": "9"}),
    ],
)
def test_a_response_that_does_not_fit_the_question_is_rejected(key, response):
    with pytest.raises(InvalidResponse):
        mark(key, response)


@pytest.mark.parametrize(
    ("make_key", "message"),
    [
        (lambda: SingleChoiceKey(options=("a", "b"), correct="c"), "correct option"),
        (lambda: SingleChoiceKey(options=("a", "a"), correct="a"), "distinct"),
        (lambda: MultipleResponseKey(options=("a", "b"), correct=frozenset()), "at least one"),
        (lambda: OrderingKey(correct=("only",)), "at least two"),
        (lambda: MatchingKey(pairs=(("x", "1"), ("y", "9")), targets=("1", "2")), "answers"),
    ],
)
def test_an_impossible_answer_key_is_refused(make_key, message):
    with pytest.raises(ValueError, match=message):
        make_key()


@pytest.mark.parametrize(
    ("credits", "pass_mark", "passed"),
    [
        ([Fraction(1)] * 4 + [Fraction(0)], 80, True),  # exactly 80%
        ([Fraction(1)] * 3 + [Fraction(1, 2), Fraction(0)], 80, False),  # 70%
        ([Fraction(1, 3)] * 3, 34, False),  # 33.3...% is below 34
        ([Fraction(1, 3)] * 3, 33, True),
        ([Fraction(0)] * 3, 0, True),
        ([Fraction(1)] * 3, 100, True),
        ([], 50, False),
    ],
)
def test_the_quiz_passes_at_or_above_the_pass_mark_exactly(credits, pass_mark, passed):
    assert quiz_score(credits, pass_mark=pass_mark).passed is passed


def test_the_quiz_score_totals_credits_out_of_one_mark_per_question():
    score = quiz_score([Fraction(1), Fraction(1, 2), Fraction(0)], pass_mark=50)
    assert score.raw == Fraction(3, 2)
    assert score.maximum == 3
    assert score.scaled == Fraction(1, 2)
    assert score.percent == 50


@pytest.mark.parametrize("pass_mark", [-1, 101])
def test_a_pass_mark_outside_0_to_100_is_refused(pass_mark):
    with pytest.raises(ValueError, match="percentage"):
        quiz_score([Fraction(1)], pass_mark=pass_mark)


# -- Properties --------------------------------------------------------------------------------

ids = st.text(alphabet="abcdefghij", min_size=1, max_size=3)


@st.composite
def multiple_response_cases(draw):
    options = draw(st.lists(ids, min_size=2, max_size=8, unique=True))
    correct = draw(st.sets(st.sampled_from(options), min_size=1))
    response = draw(st.sets(st.sampled_from(options), min_size=1))
    return MultipleResponseKey(options=tuple(options), correct=frozenset(correct)), response


@given(multiple_response_cases())
def test_multiple_response_credit_is_between_0_and_1_and_full_only_when_exact(case):
    key, response = case
    result = mark(key, frozenset(response))
    assert 0 <= result.credit <= 1
    assert (result.credit == 1) == (frozenset(response) == key.correct) == result.correct


@given(multiple_response_cases(), st.data())
def test_ticking_another_wrong_option_never_raises_the_credit(case, data):
    key, response = case
    wrong = set(key.options) - key.correct - response
    if not wrong:
        return
    extra = data.draw(st.sampled_from(sorted(wrong)))
    assert mark(key, frozenset(response | {extra})).credit <= mark(key, frozenset(response)).credit


@given(multiple_response_cases(), st.data())
def test_ticking_another_correct_option_never_lowers_the_credit(case, data):
    key, response = case
    missing = key.correct - response
    if not missing:
        return
    extra = data.draw(st.sampled_from(sorted(missing)))
    assert mark(key, frozenset(response | {extra})).credit >= mark(key, frozenset(response)).credit


@given(st.lists(ids, min_size=2, max_size=8, unique=True), st.randoms(use_true_random=False))
def test_ordering_credit_is_full_exactly_for_the_correct_order(items, rng):
    key = OrderingKey(correct=tuple(items))
    response = list(items)
    rng.shuffle(response)
    result = mark(key, tuple(response))
    assert 0 <= result.credit <= 1
    assert (result.credit == 1) == (tuple(response) == key.correct) == result.correct


@given(st.lists(ids, min_size=2, max_size=6, unique=True), st.data())
def test_matching_credit_counts_the_prompts_paired_correctly(sources, data):
    targets = [f"t{i}" for i in range(len(sources) + 1)]
    pairs = tuple((s, targets[i]) for i, s in enumerate(sources))
    key = MatchingKey(pairs=pairs, targets=tuple(targets))
    response = {s: data.draw(st.sampled_from(targets)) for s in sources}
    result = mark(key, response)
    assert result.credit == Fraction(sum(response[s] == t for s, t in pairs), len(pairs))


@pytest.mark.parametrize("key", [SINGLE, TRUE_FALSE, MULTI, ORDER, MATCH])
def test_the_correct_response_earns_full_credit(key):
    assert mark(key, correct_response(key)).correct


credit_lists = st.lists(
    st.fractions(min_value=0, max_value=1, max_denominator=12), min_size=1, max_size=20
)


@given(credit_lists, st.integers(min_value=0, max_value=100))
def test_passing_is_exactly_scaled_score_at_or_above_the_pass_mark(credits, pass_mark):
    score = quiz_score(credits, pass_mark=pass_mark)
    assert 0 <= score.scaled <= 1
    assert score.passed == (score.scaled >= Fraction(pass_mark, 100))


@given(credit_lists, st.integers(min_value=0, max_value=99), st.data())
def test_a_higher_score_never_turns_a_pass_into_a_fail(credits, pass_mark, data):
    index = data.draw(st.integers(min_value=0, max_value=len(credits) - 1))
    better = list(credits)
    better[index] = Fraction(1)
    if quiz_score(credits, pass_mark=pass_mark).passed:
        assert quiz_score(better, pass_mark=pass_mark).passed


@given(st.integers(min_value=1, max_value=30), st.integers(min_value=0, max_value=100))
def test_full_marks_always_pass(questions, pass_mark):
    assert quiz_score([Fraction(1)] * questions, pass_mark=pass_mark).passed


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (2.5, "2.5"),
        (3.0, "3"),
        (10, "10"),
        (0, "0"),
        (0.29, "0.29"),
        (Fraction(1, 20), "0.05"),
        (Fraction(2, 3), "0.66"),
        (5.2798, "5.27"),
    ],
)
def test_a_raw_score_is_shown_without_trailing_zeros_and_never_rounded_up(raw, shown):
    """A learner reads "2.5 out of 5", not "2.50"; and 5.2798 (just under 88% of 6) is not
    shown as 5.28, which would be 88%."""
    from assessments.scoring import raw_score_shown

    assert str(raw_score_shown(raw)) == shown
