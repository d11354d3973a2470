"""The scenario graph: nodes, choices, endings and variables, as frozen dataclasses.

Pure Python (no Django), so the engine can be tested without a database and reused by the
player, classroom mode, the Twee importer and the admin's validator alike.

Variables hold a boolean, a whole number or a short piece of text. Effects only *set* a
variable to a constant; that keeps the set of reachable states finite, so the validator can
explore every one of them and prove that a learner can always reach an ending.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

Value = bool | int | str

# How far one choice may move the score either way. The running total is each `chose`
# statement's result.score.raw: unbounded, a score too large for a double (JSON's numbers,
# as LRSs read them) would make statements other LRSs refuse and mean nothing to read.
SCORE_MAX = 1000


class Outcome(StrEnum):
    GOOD = "good"
    MIXED = "mixed"
    POOR = "poor"


class Op(StrEnum):
    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


@dataclass(frozen=True)
class Variable:
    name: str
    initial: Value = False


@dataclass(frozen=True)
class Condition:
    """The choice is offered only while `variable op value` holds."""

    variable: str
    op: Op
    value: Value

    def holds(self, variables: dict[str, Value]) -> bool:
        current = variables.get(self.variable)
        try:
            match self.op:
                case Op.EQ:
                    return current == self.value
                case Op.NE:
                    return current != self.value
                case Op.LT:
                    return current < self.value  # type: ignore[operator]
                case Op.LE:
                    return current <= self.value  # type: ignore[operator]
                case Op.GT:
                    return current > self.value  # type: ignore[operator]
                case Op.GE:
                    return current >= self.value  # type: ignore[operator]
        except TypeError:
            # Comparing text with a number: the condition simply does not hold.
            return False
        return False

    def __str__(self) -> str:
        return f"{self.variable} {self.op.value} {format_value(self.value)}"


@dataclass(frozen=True)
class Effect:
    """Choosing sets `variable` to `value`."""

    variable: str
    value: Value

    def __str__(self) -> str:
        return f"{self.variable} = {format_value(self.value)}"


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    target: str
    feedback: str = ""
    score: int = 0
    effects: tuple[Effect, ...] = ()
    conditions: tuple[Condition, ...] = ()

    def offered(self, variables: dict[str, Value]) -> bool:
        return all(c.holds(variables) for c in self.conditions)


@dataclass(frozen=True)
class Node:
    """A situation the learner is in. An ending has an `outcome` and a debrief, no choices.

    A node with a `content_warning` is introduced by that warning; the learner may skip it
    without penalty, which takes them to `skip_to` (or, for an ending, straight to its
    debrief).
    """

    id: str
    text: str
    title: str = ""
    media: str = ""
    # A picture from the site's image library (its id) and what it shows, for learners who
    # cannot see it.
    image_id: int | None = None
    image_alt: str = ""
    content_warning: str = ""
    skip_to: str = ""
    outcome: Outcome | None = None
    debrief: str = ""
    choices: tuple[Choice, ...] = ()

    @property
    def is_ending(self) -> bool:
        return self.outcome is not None

    def choice(self, choice_id: str) -> Choice | None:
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        return None


@dataclass(frozen=True)
class Graph:
    start: str
    nodes: tuple[Node, ...]
    variables: tuple[Variable, ...] = ()
    _index: dict[str, Node] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        index = self._index
        for node in self.nodes:
            index.setdefault(node.id, node)

    def node(self, node_id: str) -> Node | None:
        return self._index.get(node_id)

    @property
    def initial_variables(self) -> dict[str, Value]:
        return {v.name: v.initial for v in self.variables}

    # --- plain-data form, used to pin a graph to an attempt and for the JS-free wire ---

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "variables": [{"name": v.name, "initial": v.initial} for v in self.variables],
            "nodes": [
                {
                    "id": n.id,
                    "title": n.title,
                    "text": n.text,
                    "media": n.media,
                    "image_id": n.image_id,
                    "image_alt": n.image_alt,
                    "content_warning": n.content_warning,
                    "skip_to": n.skip_to,
                    "outcome": n.outcome.value if n.outcome else "",
                    "debrief": n.debrief,
                    "choices": [
                        {
                            "id": c.id,
                            "label": c.label,
                            "target": c.target,
                            "feedback": c.feedback,
                            "score": c.score,
                            "effects": [
                                {"variable": e.variable, "value": e.value} for e in c.effects
                            ],
                            "conditions": [
                                {"variable": k.variable, "op": k.op.value, "value": k.value}
                                for k in c.conditions
                            ],
                        }
                        for c in n.choices
                    ],
                }
                for n in self.nodes
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Graph:
        return cls(
            start=data.get("start", ""),
            variables=tuple(
                Variable(name=v["name"], initial=v.get("initial", False))
                for v in data.get("variables", [])
            ),
            nodes=tuple(
                Node(
                    id=n["id"],
                    title=n.get("title", ""),
                    text=n.get("text", ""),
                    media=n.get("media", ""),
                    image_id=n.get("image_id"),
                    image_alt=n.get("image_alt", ""),
                    content_warning=n.get("content_warning", ""),
                    skip_to=n.get("skip_to", ""),
                    outcome=Outcome(n["outcome"]) if n.get("outcome") else None,
                    debrief=n.get("debrief", ""),
                    choices=tuple(
                        Choice(
                            id=c["id"],
                            label=c.get("label", ""),
                            target=c.get("target", ""),
                            feedback=c.get("feedback", ""),
                            score=int(c.get("score", 0)),
                            effects=tuple(
                                Effect(variable=e["variable"], value=e["value"])
                                for e in c.get("effects", [])
                            ),
                            conditions=tuple(
                                Condition(variable=k["variable"], op=Op(k["op"]), value=k["value"])
                                for k in c.get("conditions", [])
                            ),
                        )
                        for c in n.get("choices", [])
                    ),
                )
                for n in data.get("nodes", [])
            ),
        )


# Node and choice ids are kept in 60 characters (the admin's fields, the choice records).
ID_MAX = 60


def default_choice_id(node_id: str, index: int) -> str:
    """The id a choice gets when its author gives none: its node's, with its number,
    shortened to fit where choices are recorded."""
    suffix = f"-{index}"
    return node_id[: ID_MAX - len(suffix)] + suffix


def format_value(value: Value) -> str:
    """`value` as `parse_value` reads it back. Text goes in double quotes, and a double quote
    in it is written twice (as in a CSV file), so it comes back as it was, not as `'`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return '"' + value.replace('"', '""') + '"'


def parse_value(text: str) -> Value:
    """`true`/`false`, a whole number, or text (optionally in double quotes, inside which a
    double quote is written twice: `"a ""b"" c"` is the text `a "b" c`)."""
    text = text.strip()
    if text.lower() in ("true", "yes"):
        return True
    if text.lower() in ("false", "no"):
        return False
    try:
        return int(text)
    except ValueError:
        pass
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('""', '"')
    return text
