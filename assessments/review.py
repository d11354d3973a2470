"""The results page's review of every answer: what the learner said and what was right.

Pure: built from an attempt's question snapshot and stored answers.
"""

from dataclasses import dataclass, field
from fractions import Fraction

from .questions import Question, response_from_json
from .scoring import Kind, mark


@dataclass(frozen=True)
class ReviewRow:
    """One line of a review: an option (chosen or not), a position or a pairing."""

    text: str
    chosen: bool = False
    correct: bool = False
    feedback: str = ""
    given: str = ""  # ordering and matching: the learner's item or answer
    expected: str = ""  # ordering and matching: the right item or answer


@dataclass(frozen=True)
class ReviewItem:
    """One question on the results page."""

    question: Question
    number: int
    credit: Fraction
    correct: bool
    rows: list[ReviewRow] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return str(self.question.kind)

    @property
    def partly_correct(self) -> bool:
        return not self.correct and self.credit > 0

    @property
    def percent(self) -> int:
        return int(self.credit * 100)


def review(questions: list[Question], answers: dict) -> list[ReviewItem]:
    """Every question with the learner's answer, what was right and the feedback to show."""
    items = []
    for number, question in enumerate(questions, start=1):
        if question.id not in answers:
            continue
        response = response_from_json(question, answers[question.id])
        result = mark(question.key(), response)
        items.append(
            ReviewItem(
                question=question,
                number=number,
                credit=result.credit,
                correct=result.correct,
                rows=_rows(question, response),
            )
        )
    return items


def _rows(question: Question, response) -> list[ReviewRow]:
    if question.kind == Kind.TRUE_FALSE:
        chosen_id = "true" if response else "false"
        return [
            ReviewRow(
                text=c.text,
                chosen=c.id == chosen_id,
                correct=c.correct,
                feedback=c.feedback if c.id == chosen_id else "",
            )
            for c in question.choices
        ]
    if question.kind in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_RESPONSE):
        chosen = {response} if question.kind == Kind.SINGLE_CHOICE else set(response)
        return [
            ReviewRow(
                text=c.text,
                chosen=c.id in chosen,
                correct=c.correct,
                feedback=c.feedback if c.id in chosen else "",
            )
            for c in question.choices
        ]
    if question.kind == Kind.ORDERING:
        text = {c.id: c.text for c in question.choices}
        return [
            ReviewRow(
                text=str(position),
                given=text[given],
                expected=text[expected],
                correct=given == expected,
                chosen=True,
            )
            for position, (given, expected) in enumerate(
                zip(response, question.correct_order, strict=True), start=1
            )
        ]
    targets = {t.id: t.text for t in question.targets}
    return [
        ReviewRow(
            text=c.text,
            given=targets.get(response.get(c.id, ""), ""),
            expected=targets[c.match],
            correct=response.get(c.id) == c.match,
            chosen=True,
        )
        for c in question.choices
    ]
