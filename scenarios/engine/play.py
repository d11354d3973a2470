"""Playing a scenario: start, list the choices on offer, choose, skip a warned node.

The state is a frozen value; every function returns a new one. A choice is accepted only
from the node it was offered on (`from_node`), so a stale or repeated submission can never
advance a learner twice or from the wrong place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .graph import Choice, Graph, Node, Value

SKIP = "__skip__"


class PlayError(ValueError):
    """A move the learner cannot make from this state."""


class StaleChoice(PlayError):
    """The choice was offered on a node the learner has already left."""


class ChoiceNotAvailable(PlayError):
    """The node has no such choice, or its conditions hide it."""


class ScenarioFinished(PlayError):
    """The learner has already reached an ending."""


@dataclass(frozen=True)
class State:
    node_id: str
    variables: tuple[tuple[str, Value], ...] = ()
    score: int = 0
    # Each step is (node id, choice id); a skipped node has choice id SKIP.
    path: tuple[tuple[str, str], ...] = ()
    finished: bool = False

    @property
    def vars(self) -> dict[str, Value]:
        return dict(self.variables)

    def to_dict(self) -> dict[str, Any]:
        return {
            "node_id": self.node_id,
            "variables": dict(self.variables),
            "score": self.score,
            "path": [list(step) for step in self.path],
            "finished": self.finished,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> State:
        return cls(
            node_id=data["node_id"],
            variables=_freeze(data.get("variables", {})),
            score=int(data.get("score", 0)),
            path=tuple((a, b) for a, b in data.get("path", [])),
            finished=bool(data.get("finished", False)),
        )


@dataclass(frozen=True)
class Step:
    """What happened: the new state, the choice taken (None for a skip) and where it led."""

    state: State
    from_node: Node
    choice: Choice | None
    node: Node
    skipped: bool = False
    feedback: str = field(default="")

    @property
    def ended(self) -> bool:
        return self.state.finished


def _freeze(variables: dict[str, Value]) -> tuple[tuple[str, Value], ...]:
    return tuple(sorted(variables.items()))


def start(graph: Graph) -> State:
    node = graph.node(graph.start)
    if node is None:
        raise PlayError(f"The start node {graph.start!r} does not exist.")
    return State(
        node_id=node.id,
        variables=_freeze(graph.initial_variables),
        finished=node.is_ending,
    )


def current_node(graph: Graph, state: State) -> Node:
    node = graph.node(state.node_id)
    if node is None:
        raise PlayError(f"Node {state.node_id!r} is not in this scenario.")
    return node


def available_choices(graph: Graph, state: State) -> list[Choice]:
    if state.finished:
        return []
    node = current_node(graph, state)
    variables = state.vars
    return [c for c in node.choices if c.offered(variables)]


def _check_position(graph: Graph, state: State, from_node: str) -> Node:
    if from_node != state.node_id:
        raise StaleChoice(from_node)
    if state.finished:
        raise ScenarioFinished(state.node_id)
    return current_node(graph, state)


def choose(graph: Graph, state: State, choice_id: str, *, from_node: str) -> Step:
    """Take `choice_id`, offered on `from_node`. Raises a PlayError if that is not possible."""
    node = _check_position(graph, state, from_node)
    choice = node.choice(choice_id)
    if choice is None or not choice.offered(state.vars):
        raise ChoiceNotAvailable(choice_id)
    target = graph.node(choice.target)
    if target is None:
        raise PlayError(f"Choice {choice_id!r} leads to a node that does not exist.")
    variables = state.vars
    for effect in choice.effects:
        variables[effect.variable] = effect.value
    new_state = State(
        node_id=target.id,
        variables=_freeze(variables),
        score=state.score + choice.score,
        path=(*state.path, (node.id, choice.id)),
        finished=target.is_ending,
    )
    return Step(
        state=new_state, from_node=node, choice=choice, node=target, feedback=choice.feedback
    )


def can_skip(graph: Graph, state: State) -> bool:
    if state.finished:
        return False
    node = current_node(graph, state)
    return bool(node.content_warning and node.skip_to and graph.node(node.skip_to))


def skip(graph: Graph, state: State, *, from_node: str) -> Step:
    """Skip a node with a content warning: move to its `skip_to`, score unchanged."""
    node = _check_position(graph, state, from_node)
    if not can_skip(graph, state):
        raise ChoiceNotAvailable(SKIP)
    target = graph.node(node.skip_to)
    assert target is not None
    new_state = State(
        node_id=target.id,
        variables=state.variables,
        score=state.score,
        path=(*state.path, (node.id, SKIP)),
        finished=target.is_ending,
    )
    return Step(state=new_state, from_node=node, choice=None, node=target, skipped=True)


class NothingToUndo(PlayError):
    """Still at the start: there is no step to take back."""


def step_back(graph: Graph, state: State) -> State:
    """The state before the last step. Moves are worked out from the graph, so it is found
    by playing the path again without its last step: variables, score and path come out as
    they were. A path that does not fit the graph raises a PlayError."""
    if not state.path:
        raise NothingToUndo(state.node_id)
    earlier = start(graph)
    for node_id, choice_id in state.path[:-1]:
        if choice_id == SKIP:
            earlier = skip(graph, earlier, from_node=node_id).state
        else:
            earlier = choose(graph, earlier, choice_id, from_node=node_id).state
    return earlier
