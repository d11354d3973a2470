"""Questions as the player sees them: pure data, shuffling, form parsing and xAPI shapes.

An attempt keeps a snapshot of its questions (`Question.to_dict()`), taken from the quiz when
the attempt starts, in the order the learner sees them. Marking, the results page and the
statements all read that snapshot, so an editor publishing a change never disturbs an attempt
under way, and a shuffle stays the same for the whole attempt.

Nothing here imports Django (see scoring.py).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

from .scoring import (
    AnswerKey,
    InvalidResponse,
    Kind,
    MatchingKey,
    MultipleResponseKey,
    OrderingKey,
    Response,
    SingleChoiceKey,
    TrueFalseKey,
)

TRUE, FALSE = "true", "false"


@dataclass(frozen=True)
class Choice:
    """An option (choice questions), an item (ordering) or a prompt or answer (matching).

    `feedback` is shown on review when the learner chose this option; `match` is, for a
    matching prompt, the id of the answer it pairs with.
    """

    id: str
    text: str
    correct: bool = False
    feedback: str = ""
    match: str = ""


@dataclass(frozen=True)
class Question:
    """One question of an attempt, with its choices in the order the learner sees them.

    `correct_order` (ordering questions) lists item ids in the right order; `explanation` is
    rich-text HTML shown on review whatever the learner answered.
    """

    id: str
    kind: Kind
    prompt: str
    explanation: str = ""
    choices: tuple[Choice, ...] = ()
    targets: tuple[Choice, ...] = ()
    correct_order: tuple[str, ...] = ()

    def key(self) -> AnswerKey:
        ids = tuple(choice.id for choice in self.choices)
        if self.kind == Kind.SINGLE_CHOICE:
            (correct,) = [c.id for c in self.choices if c.correct]
            return SingleChoiceKey(options=ids, correct=correct)
        if self.kind == Kind.TRUE_FALSE:
            return TrueFalseKey(correct=self.choice(TRUE).correct)
        if self.kind == Kind.MULTIPLE_RESPONSE:
            return MultipleResponseKey(
                options=ids, correct=frozenset(c.id for c in self.choices if c.correct)
            )
        if self.kind == Kind.ORDERING:
            return OrderingKey(correct=self.correct_order)
        if self.kind == Kind.MATCHING:
            return MatchingKey(
                pairs=tuple((c.id, c.match) for c in self.choices),
                targets=tuple(t.id for t in self.targets),
            )
        raise ValueError(f"unknown kind {self.kind}")

    def choice(self, choice_id: str) -> Choice:
        for choice in (*self.choices, *self.targets):
            if choice.id == choice_id:
                return choice
        raise KeyError(choice_id)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["kind"] = str(self.kind)
        return data

    @classmethod
    def from_dict(cls, data: Mapping) -> Question:
        return cls(
            id=data["id"],
            kind=Kind(data["kind"]),
            prompt=data["prompt"],
            explanation=data.get("explanation", ""),
            choices=tuple(Choice(**c) for c in data.get("choices", ())),
            targets=tuple(Choice(**t) for t in data.get("targets", ())),
            correct_order=tuple(data.get("correct_order", ())),
        )


@dataclass(frozen=True)
class Layout:
    """How to lay an attempt out: shuffle questions and/or the options within them."""

    shuffle_questions: bool = False
    shuffle_options: bool = False
    seed: str = field(default="")


def _not_in_prompt_order(prompts: list[Choice], targets: list[Choice]) -> list[Choice]:
    """`targets`, with the prompts' answers moved round one place among themselves if they
    are listed in the order of the prompts (the first prompt's answer first, and so on),
    which would give the pairs away. Extra wrong answers keep their places."""
    matches = list(dict.fromkeys(prompt.match for prompt in prompts))
    places = [place for place, target in enumerate(targets) if target.id in matches]
    if len(places) < 2 or [targets[place].id for place in places] != matches:
        return targets
    answers = [targets[place] for place in places]
    moved = list(targets)
    for place, answer in zip(places, answers[1:] + answers[:1], strict=True):
        moved[place] = answer
    return moved


def laid_out(questions: Sequence[Question], layout: Layout) -> list[Question]:
    """The questions in the order an attempt shows them, deterministic for a given seed.

    Ordering questions always start shuffled (showing them in order would give the answer
    away) and never start in the correct order when another order exists; so do a matching
    question's answers (listed in the order of the prompts, they would give it away too).
    """
    rng = random.Random(layout.seed)  # noqa: S311 - presentation order, not security
    result = []
    for question in questions:
        choices = list(question.choices)
        targets = list(question.targets)
        if question.kind == Kind.ORDERING:
            rng.shuffle(choices)
            if [c.id for c in choices] == list(question.correct_order):
                choices = choices[1:] + choices[:1]
        elif layout.shuffle_options and question.kind != Kind.TRUE_FALSE:
            rng.shuffle(choices)
            rng.shuffle(targets)
        elif question.kind == Kind.MATCHING:
            rng.shuffle(targets)
        if question.kind == Kind.MATCHING:
            targets = _not_in_prompt_order(choices, targets)
        result.append(
            Question(
                id=question.id,
                kind=question.kind,
                prompt=question.prompt,
                explanation=question.explanation,
                choices=tuple(choices),
                targets=tuple(targets),
                correct_order=question.correct_order,
            )
        )
    if layout.shuffle_questions:
        rng.shuffle(result)
    return result


# -- Reading a response from a submitted form -------------------------------------------------
#
# Field names: `q-<question id>` for choice and true/false questions (one value, or several
# for multiple response); `q-<question id>-<item id>` holding a position (1..n) for ordering
# and an answer id for matching. The same names work with and without JavaScript.


def field_name(question: Question, choice: Choice | None = None) -> str:
    return f"q-{question.id}" if choice is None else f"q-{question.id}-{choice.id}"


def response_from_form(question: Question, data: Mapping[str, Sequence[str]]) -> Response | None:
    """The learner's response to one question from form data, or None if left unanswered.

    `data` maps a field name to its submitted values (e.g. `QueryDict.lists()`). Raises
    InvalidResponse when the answer is there but does not fit (two items in one position).
    """
    if question.kind in (Kind.SINGLE_CHOICE, Kind.TRUE_FALSE):
        values = [v for v in data.get(field_name(question), ()) if v]
        if not values:
            return None
        if len(values) > 1 or values[0] not in {c.id for c in question.choices}:
            raise InvalidResponse("choose one of the options", "choose_one")
        if question.kind == Kind.TRUE_FALSE:
            return values[0] == TRUE
        return values[0]

    if question.kind == Kind.MULTIPLE_RESPONSE:
        values = frozenset(v for v in data.get(field_name(question), ()) if v)
        if not values:
            return None
        if not values <= {c.id for c in question.choices}:
            raise InvalidResponse("tick only the options given", "unknown_option")
        return values

    picks = {}
    for choice in question.choices:
        values = [v for v in data.get(field_name(question, choice), ()) if v]
        if values:
            picks[choice.id] = values[-1]
    if not picks:
        return None
    if len(picks) < len(question.choices):
        if question.kind == Kind.ORDERING:
            raise InvalidResponse("give every item a position", "position_each")
        raise InvalidResponse("choose an answer for every item", "match_each")

    if question.kind == Kind.ORDERING:
        try:
            positions = {item: int(value) for item, value in picks.items()}
        except ValueError:
            raise InvalidResponse("give every item a position", "position_each") from None
        if sorted(positions.values()) != list(range(1, len(question.choices) + 1)):
            raise InvalidResponse("give each item a different position", "position_distinct")
        return tuple(sorted(positions, key=positions.__getitem__))

    if question.kind == Kind.MATCHING:
        if not set(picks.values()) <= {t.id for t in question.targets}:
            raise InvalidResponse("choose only the answers given", "unknown_option")
        return dict(picks)

    raise ValueError(f"unknown kind {question.kind}")


# -- Storing responses -------------------------------------------------------------------------


def response_to_json(question: Question, response: Response):
    """A JSON-friendly form of a response, for the attempt's stored answers."""
    if question.kind == Kind.MULTIPLE_RESPONSE:
        return sorted(response)
    if question.kind == Kind.ORDERING:
        return list(response)
    if question.kind == Kind.MATCHING:
        return dict(response)
    return response


def response_from_json(question: Question, value) -> Response:
    if question.kind == Kind.MULTIPLE_RESPONSE:
        return frozenset(value)
    if question.kind == Kind.ORDERING:
        return tuple(value)
    return value


# -- xAPI: cmi.interaction definitions and responses -------------------------------------------
#
# xAPI 1.0.3, 4.1.4.1 "Interaction Activities" and Appendix C: the definition carries the
# interactionType, the interaction components (choices for choice and sequencing; source and
# target for matching; none for true-false) and the correctResponsesPattern; responses use the
# same characterstring format: "[,]" between items, "[.]" between a source and its target.

INTERACTION_TYPES = {
    Kind.SINGLE_CHOICE: "choice",
    Kind.MULTIPLE_RESPONSE: "choice",
    Kind.TRUE_FALSE: "true-false",
    Kind.ORDERING: "sequencing",
    Kind.MATCHING: "matching",
}


def _components(choices: Sequence[Choice], language: str) -> list[dict]:
    return [{"id": c.id, "description": {language: c.text}} for c in choices]


def xapi_response(question: Question, response: Response) -> str:
    """The learner's response in the xAPI characterstring format for its interaction type."""
    if question.kind == Kind.TRUE_FALSE:
        return TRUE if response else FALSE
    if question.kind == Kind.SINGLE_CHOICE:
        return str(response)
    if question.kind == Kind.MULTIPLE_RESPONSE:
        # Options sorted by id, whatever order the attempt showed them in, so equal
        # responses always give equal strings.
        return "[,]".join(c.id for c in _by_id(question.choices) if c.id in response)
    if question.kind == Kind.ORDERING:
        return "[,]".join(response)
    if question.kind == Kind.MATCHING:
        return "[,]".join(f"{source}[.]{response[source]}" for source in sorted(response))
    raise ValueError(f"unknown kind {question.kind}")


def _by_id(choices: Sequence[Choice]) -> list[Choice]:
    return sorted(choices, key=lambda c: c.id)


def interaction_definition(question: Question, *, language: str = "en-GB") -> dict:
    """The cmi.interaction part of a question's activity definition (xAPI 1.0.3, 4.1.4.1)."""
    key = question.key()
    definition: dict = {"interactionType": INTERACTION_TYPES[question.kind]}
    if question.kind in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_RESPONSE):
        definition["choices"] = _components(_by_id(question.choices), language)
        if question.kind == Kind.SINGLE_CHOICE:
            pattern = key.correct
        else:
            pattern = "[,]".join(c.id for c in _by_id(question.choices) if c.correct)
    elif question.kind == Kind.TRUE_FALSE:
        pattern = TRUE if key.correct else FALSE
    elif question.kind == Kind.ORDERING:
        by_id = {c.id: c for c in question.choices}
        definition["choices"] = _components([by_id[i] for i in question.correct_order], language)
        pattern = "[,]".join(question.correct_order)
    else:
        definition["source"] = _components(_by_id(question.choices), language)
        definition["target"] = _components(_by_id(question.targets), language)
        pattern = "[,]".join(f"{c.id}[.]{c.match}" for c in _by_id(question.choices))
    definition["correctResponsesPattern"] = [pattern]
    return definition
