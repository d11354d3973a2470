"""The answer sheet: reads a submitted quiz form against an attempt's questions.

Not a Django Form, because the fields come from the attempt's snapshot rather than a class;
it does the same job: validates, keeps what the learner entered for re-display, and names
each problem for the error summary.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .questions import Choice, Question, field_name, response_from_form
from .scoring import InvalidResponse, Kind, Response

UNANSWERED = {
    Kind.SINGLE_CHOICE: _("Choose an answer"),
    Kind.TRUE_FALSE: _("Choose true or false"),
    Kind.MULTIPLE_RESPONSE: _("Tick at least one option"),
    Kind.ORDERING: _("Give each step a position"),
    Kind.MATCHING: _("Choose an answer for each item"),
}
PROBLEMS = {
    "choose_one": _("Choose one of the options"),
    "unknown_option": _("Choose from the options given"),
    "position_each": _("Give every step a position"),
    "position_distinct": _("Give each step a different position"),
    "match_each": _("Choose an answer for every item"),
}

HINTS = {
    Kind.MULTIPLE_RESPONSE: _("Tick all that apply."),
    Kind.ORDERING: _("Number the steps from 1 (first) to %(count)s (last)."),
    Kind.MATCHING: _("Choose the best answer for each item."),
}


@dataclass
class Control:
    """One input the template draws: a radio or checkbox, or a select with its value."""

    choice: Choice
    id: str
    name: str
    checked: bool = False
    value: str = ""


@dataclass
class QuestionField:
    """One question as the form shows it: number, controls, hint and any error."""

    question: Question
    number: int
    error: str = ""
    controls: list[Control] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return str(self.question.kind)

    @property
    def anchor(self) -> str:
        """Where the error summary's link goes: the first control, or for an ordering or
        matching question with an error, its first menu to change (left empty, or sharing
        its position with another step), so the link lands where the problem is."""
        if not self.controls:
            return f"question-{self.question.id}"
        if self.error and self.question.kind in (Kind.ORDERING, Kind.MATCHING):
            for control in self.controls:
                if self._needs_change(control):
                    return control.id
        return self.controls[0].id

    def _needs_change(self, control: Control) -> bool:
        if self.question.kind == Kind.MATCHING:
            return control.value not in {target.id for target in self.question.targets}
        taken = [other.value for other in self.controls]
        return control.value not in {str(p) for p in self.positions} or (
            taken.count(control.value) > 1
        )

    @property
    def hint(self) -> str:
        hint = HINTS.get(self.question.kind)
        if hint is None:
            return ""
        return str(hint) % {"count": len(self.question.choices)}

    @property
    def positions(self) -> range:
        return range(1, len(self.question.choices) + 1)


class AnswerSheet:
    """Validates a submitted quiz form. After `is_valid()`, `responses` maps question id to
    response and `fields` carries each question with what was entered and its error."""

    def __init__(self, questions: Sequence[Question], data: Mapping[str, Sequence[str]] | None):
        self.questions = list(questions)
        self.data = data or {}
        self.bound = data is not None
        self.responses: dict[str, Response] = {}
        self.errors: dict[str, str] = {}

    def is_valid(self) -> bool:
        self.responses, self.errors = {}, {}
        for question in self.questions:
            try:
                response = response_from_form(question, self.data)
            except InvalidResponse as problem:
                self.errors[question.id] = str(PROBLEMS.get(problem.code, _("Check this answer")))
                continue
            if response is None:
                self.errors[question.id] = str(UNANSWERED[question.kind])
            else:
                self.responses[question.id] = response
        return not self.errors

    @property
    def fields(self) -> list[QuestionField]:
        return [self._field(number, q) for number, q in enumerate(self.questions, start=1)]

    def _values(self, name: str) -> list[str]:
        return list(self.data.get(name, ()))

    def _field(self, number: int, question: Question) -> QuestionField:
        result = QuestionField(
            question=question, number=number, error=self.errors.get(question.id, "")
        )
        if question.kind in (Kind.ORDERING, Kind.MATCHING):
            for choice in question.choices:
                name = field_name(question, choice)
                values = self._values(name)
                result.controls.append(
                    Control(choice=choice, id=name, name=name, value=values[-1] if values else "")
                )
        else:
            name = field_name(question)
            chosen = set(self._values(name))
            for choice in question.choices:
                result.controls.append(
                    Control(
                        choice=choice,
                        id=f"{name}-{choice.id}",
                        name=name,
                        checked=choice.id in chosen,
                    )
                )
        return result
