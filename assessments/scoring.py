"""Quiz scoring: pure functions over answer keys and learners' responses.

Nothing here imports Django, so the rules are tested without a database
(tests/unit/assessments/). Every question is worth one mark; a response earns a *credit*
between 0 and 1, kept as an exact `Fraction` so pass/fail at the pass mark never depends on
floating-point rounding.

Credit rules, per kind of question:

- **Single choice** and **true/false**: 1 for the right answer, otherwise 0.
- **Multiple response** (tick every correct option): partial credit. Each correct option
  ticked earns a share, each incorrect option ticked cancels one share, and the total never
  goes below zero::

      credit = max(0, correct ticked - incorrect ticked) / number of correct options

  So ticking everything earns nothing unless correct options outnumber incorrect ones, and
  missing one of two correct options earns half. The answer is *correct* (xAPI
  `result.success`) only when exactly the correct options are ticked.
- **Ordering** (put items in order): the share of items in their correct position.
- **Matching** (pair each prompt with an answer): the share of prompts paired correctly.

A quiz's score is the sum of its credits out of the number of questions; the learner passes
when that is at least the pass mark, a percentage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from math import floor


class Kind(StrEnum):
    """The kinds of question a quiz can ask."""

    SINGLE_CHOICE = "single_choice"
    MULTIPLE_RESPONSE = "multiple_response"
    TRUE_FALSE = "true_false"
    ORDERING = "ordering"
    MATCHING = "matching"


class InvalidResponse(ValueError):
    """The response does not fit the question (an unknown option, a missing item...).

    `code` names the problem so the player can explain it in the learner's language.
    """

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SingleChoiceKey:
    """Choose one option; `correct` is the id of the right one."""

    options: tuple[str, ...]
    correct: str
    kind: Kind = field(default=Kind.SINGLE_CHOICE, init=False)

    def __post_init__(self):
        _require_unique(self.options, "options")
        if self.correct not in self.options:
            raise ValueError("the correct option must be one of the options")


@dataclass(frozen=True)
class MultipleResponseKey:
    """Tick every option that applies; `correct` are the ids of those that do."""

    options: tuple[str, ...]
    correct: frozenset[str]
    kind: Kind = field(default=Kind.MULTIPLE_RESPONSE, init=False)

    def __post_init__(self):
        _require_unique(self.options, "options")
        if not self.correct:
            raise ValueError("at least one option must be correct")
        if not self.correct <= set(self.options):
            raise ValueError("every correct option must be one of the options")


@dataclass(frozen=True)
class TrueFalseKey:
    """Is the statement true?"""

    correct: bool
    kind: Kind = field(default=Kind.TRUE_FALSE, init=False)


@dataclass(frozen=True)
class OrderingKey:
    """Put the items in order; `correct` lists their ids in the right order."""

    correct: tuple[str, ...]
    kind: Kind = field(default=Kind.ORDERING, init=False)

    def __post_init__(self):
        _require_unique(self.correct, "items")
        if len(self.correct) < 2:
            raise ValueError("an ordering question needs at least two items")


@dataclass(frozen=True)
class MatchingKey:
    """Pair each prompt (source) with an answer (target).

    `pairs` are the correct (source id, target id) pairs; `targets` every target id a learner
    may choose, including distractors that match nothing.
    """

    pairs: tuple[tuple[str, str], ...]
    targets: tuple[str, ...]
    kind: Kind = field(default=Kind.MATCHING, init=False)

    def __post_init__(self):
        _require_unique(self.sources, "prompts")
        _require_unique(self.targets, "answers")
        if len(self.pairs) < 2:
            raise ValueError("a matching question needs at least two pairs")
        if not {target for _source, target in self.pairs} <= set(self.targets):
            raise ValueError("every correct answer must be one of the answers")

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(source for source, _target in self.pairs)


AnswerKey = SingleChoiceKey | MultipleResponseKey | TrueFalseKey | OrderingKey | MatchingKey

# What a learner's response looks like for each key:
#   single choice: str; multiple response: frozenset[str]; true/false: bool;
#   ordering: tuple[str, ...] (item ids in the learner's order); matching: {source: target}.
Response = str | frozenset[str] | bool | tuple[str, ...] | Mapping[str, str]


@dataclass(frozen=True)
class Mark:
    """The result of marking one response: its credit (0..1) and whether it is right."""

    credit: Fraction
    correct: bool


@dataclass(frozen=True)
class QuizScore:
    """A whole attempt's score. `raw` out of `maximum`; `scaled` is raw / maximum."""

    raw: Fraction
    maximum: int
    pass_mark: int
    passed: bool

    @property
    def scaled(self) -> Fraction:
        return self.raw / self.maximum if self.maximum else Fraction(0)

    @property
    def percent(self) -> int:
        """The score as a whole percentage, rounded down so it never overstates."""
        return int(self.scaled * 100)


def raw_score_shown(raw: Fraction | float) -> Decimal:
    """A raw score as learners read it: "2.5" and "3", not "2.50" and "3.00"; at most two
    decimal places, rounded down so it never overstates (as the percentage is not)."""
    exact = raw if isinstance(raw, Fraction) else Fraction(str(raw))
    # An exact quotient keeps no trailing zeros: 250 / 100 is 2.5, 300 / 100 is 3.
    return Decimal(floor(exact * 100)) / 100


def _require_unique(ids: Sequence[str], what: str) -> None:
    if len(set(ids)) != len(ids):
        raise ValueError(f"{what} must have distinct ids")


def _full(correct: bool) -> Mark:
    return Mark(credit=Fraction(1 if correct else 0), correct=correct)


def mark(key: AnswerKey, response: Response) -> Mark:
    """Mark one response against its answer key. Raises InvalidResponse if it does not fit."""
    if isinstance(key, SingleChoiceKey):
        if not isinstance(response, str) or response not in key.options:
            raise InvalidResponse("choose one of the options")
        return _full(response == key.correct)

    if isinstance(key, TrueFalseKey):
        if not isinstance(response, bool):
            raise InvalidResponse("answer true or false")
        return _full(response is key.correct)

    if isinstance(key, MultipleResponseKey):
        if not isinstance(response, frozenset | set) or not response:
            raise InvalidResponse("tick at least one option")
        if not response <= set(key.options):
            raise InvalidResponse("tick only the options given")
        right = len(response & key.correct)
        wrong = len(response - key.correct)
        credit = Fraction(max(0, right - wrong), len(key.correct))
        return Mark(credit=credit, correct=frozenset(response) == key.correct)

    if isinstance(key, OrderingKey):
        if not isinstance(response, tuple | list) or sorted(response) != sorted(key.correct):
            raise InvalidResponse("put every item in a different position")
        in_place = sum(
            1 for given, right in zip(response, key.correct, strict=True) if given == right
        )
        credit = Fraction(in_place, len(key.correct))
        return Mark(credit=credit, correct=in_place == len(key.correct))

    if isinstance(key, MatchingKey):
        if not isinstance(response, Mapping) or set(response) != set(key.sources):
            raise InvalidResponse("choose an answer for every prompt")
        if not set(response.values()) <= set(key.targets):
            raise InvalidResponse("choose only the answers given")
        matched = sum(1 for source, target in key.pairs if response[source] == target)
        credit = Fraction(matched, len(key.pairs))
        return Mark(credit=credit, correct=matched == len(key.pairs))

    raise TypeError(f"unknown answer key {key!r}")


def correct_response(key: AnswerKey) -> Response:
    """The response that earns full credit (shown on review and sent to the LRS)."""
    if isinstance(key, SingleChoiceKey):
        return key.correct
    if isinstance(key, TrueFalseKey):
        return key.correct
    if isinstance(key, MultipleResponseKey):
        return key.correct
    if isinstance(key, OrderingKey):
        return key.correct
    if isinstance(key, MatchingKey):
        return dict(key.pairs)
    raise TypeError(f"unknown answer key {key!r}")


def quiz_score(credits: Sequence[Fraction], *, pass_mark: int) -> QuizScore:
    """Total the credits of every question and compare with the pass mark (a percentage).

    Passing is decided exactly: raw / maximum >= pass_mark / 100, with no rounding.
    """
    if not 0 <= pass_mark <= 100:
        raise ValueError("the pass mark is a percentage from 0 to 100")
    for credit in credits:
        if not 0 <= credit <= 1:
            raise ValueError("each credit is between 0 and 1")
    raw = sum(credits, Fraction(0))
    maximum = len(credits)
    passed = maximum > 0 and raw * 100 >= pass_mark * maximum
    return QuizScore(raw=raw, maximum=maximum, pass_mark=pass_mark, passed=passed)
