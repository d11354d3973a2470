"""The scenario engine: pure Python, no Django. See graph.py, play.py and validation.py."""

from .graph import Choice, Condition, Effect, Graph, Node, Op, Outcome, Variable
from .play import (
    SKIP,
    ChoiceNotAvailable,
    PlayError,
    ScenarioFinished,
    StaleChoice,
    State,
    Step,
    available_choices,
    can_skip,
    choose,
    current_node,
    skip,
    start,
)
from .validation import Issue, issues_by_node, validate

__all__ = [
    "SKIP",
    "Choice",
    "ChoiceNotAvailable",
    "Condition",
    "Effect",
    "Graph",
    "Issue",
    "Node",
    "Op",
    "Outcome",
    "PlayError",
    "ScenarioFinished",
    "StaleChoice",
    "State",
    "Step",
    "Variable",
    "available_choices",
    "can_skip",
    "choose",
    "current_node",
    "issues_by_node",
    "skip",
    "start",
    "validate",
]
