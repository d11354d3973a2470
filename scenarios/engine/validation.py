"""Checking a scenario graph before it is published.

Structural checks (ids, targets, variables) come first. If the structure is sound, the
validator explores every reachable state (node plus variable values) exactly; this is
possible because effects only set variables to constants, so each variable can take only
its initial value or a value some effect sets. From that state space it finds nodes where
every choice can be hidden and states from which no ending can be reached (cycles with no
way out). A graph that validates therefore lets a learner reach an ending from every state
they can get into.

Messages are plain words for authors and name the node they concern.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from .graph import SCORE_MAX, Graph, Value
from .play import SKIP

# Beyond this many states the validator stops exploring and says so, rather than hang.
MAX_STATES = 50_000


@dataclass(frozen=True)
class Issue:
    node_id: str | None
    code: str
    message: str
    # The node's place in the list, where two nodes share an id (and so the id alone would
    # point at the first of them); None when the issue is not about one node.
    index: int | None = field(default=None, compare=False)
    # Where in the node the author fixes it: a choice's place in the node's list (None for
    # the node itself), and the name of the field (None for the node's id, or as a whole).
    choice: int | None = field(default=None, compare=False)
    beside: str | None = field(default=None, compare=False)
    # The variable's place in the list, when the issue is about one variable.
    variable: int | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return self.message


MESSAGES: dict[str, str] = {
    "empty": "The scenario has no nodes yet. Add at least a start and an ending.",
    "blank_id": "A node has no id. Give every node a short unique id.",
    "duplicate_node": "Two nodes are called “{node}”. Node ids must be unique.",
    "not_a_passage_name": (
        "The node id “{node}” cannot be written in Twine, so exporting the scenario would "
        "break its links. Use an id without “->” or “]]” that does not end in “]” and is not "
        "StoryTitle, StoryData or StoryVariables."
    ),
    "unknown_start": "The start node “{node}” does not exist.",
    "start_is_ending": (
        "The start node “{node}” is an ending, so a learner would make no choice and never be "
        "recorded as finishing the scenario. Start at a node with choices."
    ),
    "duplicate_variable": "The variable “{variable}” is declared twice.",
    "ending_with_choices": (
        "“{node}” is an ending but has choices. Remove the choices or the outcome."
    ),
    "dead_end": (
        "“{node}” is not an ending and has no choices, so a learner would be stuck there. "
        "Add a choice or mark it as an ending."
    ),
    "unknown_skip": "“{node}” skips to “{target}”, which does not exist.",
    "warning_without_skip": (
        "“{node}” has a content warning but nowhere to skip to. "
        "Choose the node a learner goes to if they skip it."
    ),
    "media_not_a_link": (
        "The media for “{node}” is not a web address: give a link that starts with https://."
    ),
    "image_without_alt": (
        "The picture in “{node}” has no description. Say what it shows, in a sentence, for "
        "learners who cannot see it."
    ),
    "duplicate_choice": "“{node}” has two choices with the id “{choice_id}”.",
    "reserved_choice": "“{skip}” is reserved; rename that choice in “{node}”.",
    "blank_label": "A choice in “{node}” has no words for the learner to pick.",
    "label_not_in_twine": (
        "The choice “{label}” in “{node}” has “]]” in its words, which Twine reads as the end "
        "of a link, so exporting the scenario would change them. Write them without “]]”."
    ),
    "score_out_of_range": (
        "The choice “{label}” in “{node}” changes the score by more than {limit}: keep a "
        "choice's score change between -{limit} and {limit}."
    ),
    "unknown_target": (
        "The choice “{label}” in “{node}” leads to “{target}”, which does not exist."
    ),
    "undeclared_variable": (
        "The choice “{label}” in “{node}” uses the variable “{variable}”, which is not "
        "declared. Declare it under Variables."
    ),
    "mixed_kinds": (
        "The choice “{label}” in “{node}” is offered when “{condition}”, but “{variable}” is "
        "set to {holds}. True and false are not numbers, nor is text: compare a variable "
        "only with values of the one kind it is set to."
    ),
    "unreachable": (
        "No choice leads to “{node}”, so no learner will ever see it. Link to it or delete it."
    ),
    "no_ending": "No ending can be reached from the start. Add an ending and a way to get there.",
    "too_big": (
        "The scenario has more than {limit} combinations of place and variables, too many to "
        "check. Use fewer variables or values."
    ),
    "all_hidden": (
        "In “{node}” every choice can be hidden by its conditions, leaving a learner stuck. "
        "Make sure at least one choice is always offered."
    ),
    "never_reached": (
        "The choices that lead to “{node}” are never offered on the way there (their "
        "conditions never hold), so no learner will ever see it. Check the conditions and "
        "what the choices before them set."
    ),
    "no_way_out": (
        "A learner who reaches “{node}” can go round in circles without ever reaching an "
        "ending. Add a choice that leads out of the loop."
    ),
}


def _issue(
    node_id: str | None,
    code: str,
    *,
    index: int | None = None,
    choice: int | None = None,
    beside: str | None = None,
    place: int | None = None,
    **names: object,
) -> Issue:
    return Issue(node_id, code, MESSAGES[code].format(**names), index, choice, beside, place)


def is_web_link(value: str) -> bool:
    """Is this a link a learner can be sent to (http or https), and not, say, `javascript:`,
    which would run in the learner's page?"""
    return value.strip().lower().startswith(("https://", "http://"))


# Twee's own passages (scenarios.twee): a node by one of these names is read back as them.
TWEE_SPECIAL = {"StoryTitle", "StoryData", "StoryVariables"}


# The kinds of value a variable holds, as authors know them (docs/twee.md).
KIND_WORDS = {"yes/no": "true or false", "number": "a number", "text": "text"}
_YES_NO_OR_NUMBER = {"yes/no", "number"}


def _kind(value: Value) -> str:
    if isinstance(value, bool):
        return "yes/no"
    return "number" if isinstance(value, int) else "text"


def _mixes_kinds(value: Value, kinds: set[str]) -> bool:
    """Does comparing with `value` a variable set to values of `kinds` mix kinds? Python has
    True == 1 and True > 0, so a variable that is ever true or false must not be compared
    with a number, nor one that is ever a number with true or false; and text never equals
    either."""
    kind = _kind(value)
    if kind not in kinds:
        return True
    return kind in _YES_NO_OR_NUMBER and kinds & _YES_NO_OR_NUMBER != {kind}


def _is_passage_name(node_id: str) -> bool:
    """Can a Twee link (`[[Label->Node]]`) lead to this node? Twine reads a link up to its
    first "]]" and splits it at its last "->", so an id holding either, or ending in "]",
    would be read back as another node."""
    return not (
        "->" in node_id or "]]" in node_id or node_id.endswith("]") or node_id in TWEE_SPECIAL
    )


def validate(graph: Graph) -> list[Issue]:
    issues = _structure(graph)
    if issues:
        return issues
    return _behaviour(graph)


def _structure(graph: Graph) -> list[Issue]:
    issues: list[Issue] = []
    add = issues.append
    if not graph.nodes:
        return [_issue(None, "empty")]
    ids = [n.id for n in graph.nodes]
    seen: set[str] = set()
    for index, node in enumerate(graph.nodes):
        if not node.id.strip():
            add(_issue(node.id, "blank_id", index=index))
        elif node.id in seen:
            add(_issue(node.id, "duplicate_node", index=index, node=node.id))
        elif not _is_passage_name(node.id):
            add(_issue(node.id, "not_a_passage_name", index=index, node=node.id))
        seen.add(node.id)
    start = graph.node(graph.start)
    if start is None:
        add(_issue(None, "unknown_start", node=graph.start))
    elif start.is_ending:
        # Completion is recorded when a choice reaches an ending (scenarios.services), so a
        # learner who starts at one would never complete the scenario, nor its module.
        add(_issue(start.id, "start_is_ending", node=start.id))
    declared = {v.name for v in graph.variables}
    kinds: dict[str, set[str]] = {}
    for var in graph.variables:
        kinds.setdefault(var.name, set()).add(_kind(var.initial))
    for node in graph.nodes:
        for choice in node.choices:
            for effect in choice.effects:
                kinds.setdefault(effect.variable, set()).add(_kind(effect.value))
    names_seen: set[str] = set()
    for place, var in enumerate(graph.variables):
        if var.name in names_seen:
            # Said beside the second one's name.
            add(_issue(None, "duplicate_variable", place=place, beside="name", variable=var.name))
        names_seen.add(var.name)
    for index, node in enumerate(graph.nodes):
        if node.is_ending:
            if node.choices:
                add(_issue(node.id, "ending_with_choices", index=index, node=node.id))
        elif not node.choices:
            add(_issue(node.id, "dead_end", index=index, node=node.id))
        if node.skip_to and node.skip_to not in ids:
            add(
                _issue(
                    node.id,
                    "unknown_skip",
                    index=index,
                    beside="skip_to",
                    node=node.id,
                    target=node.skip_to,
                )
            )
        if node.content_warning and not node.is_ending and not node.skip_to:
            add(
                _issue(node.id, "warning_without_skip", index=index, beside="skip_to", node=node.id)
            )
        if node.image_id is not None and not node.image_alt.strip():
            add(_issue(node.id, "image_without_alt", index=index, beside="image_alt", node=node.id))
        if node.media and not is_web_link(node.media):
            add(_issue(node.id, "media_not_a_link", index=index, beside="media", node=node.id))
        choice_ids: set[str] = set()
        for place, choice in enumerate(node.choices):
            # Each said beside the field of this choice that it is about.
            at = {"index": index, "choice": place}
            if choice.id in choice_ids:
                add(
                    _issue(
                        node.id,
                        "duplicate_choice",
                        **at,
                        beside="choice_id",
                        node=node.id,
                        choice_id=choice.id,
                    )
                )
            choice_ids.add(choice.id)
            if choice.id == SKIP:
                add(
                    _issue(
                        node.id,
                        "reserved_choice",
                        **at,
                        beside="choice_id",
                        skip=SKIP,
                        node=node.id,
                    )
                )
            if not choice.label.strip():
                add(_issue(node.id, "blank_label", **at, beside="label", node=node.id))
            elif "]]" in choice.label:
                add(
                    _issue(
                        node.id,
                        "label_not_in_twine",
                        **at,
                        beside="label",
                        label=choice.id,
                        node=node.id,
                    )
                )
            # The messages below name the choice by its label where it has one.
            named = {"label": choice.label or choice.id, "node": node.id}
            if not -SCORE_MAX <= choice.score <= SCORE_MAX:
                add(
                    _issue(
                        node.id,
                        "score_out_of_range",
                        **at,
                        beside="score",
                        **named,
                        limit=SCORE_MAX,
                    )
                )
            if choice.target not in ids:
                add(
                    _issue(
                        node.id,
                        "unknown_target",
                        **at,
                        beside="target",
                        **named,
                        target=choice.target,
                    )
                )
            for effect in choice.effects:
                if effect.variable not in declared:
                    add(
                        _issue(
                            node.id,
                            "undeclared_variable",
                            **at,
                            beside="effects",
                            **named,
                            variable=effect.variable,
                        )
                    )
            for cond in choice.conditions:
                if cond.variable not in declared:
                    add(
                        _issue(
                            node.id,
                            "undeclared_variable",
                            **at,
                            beside="conditions",
                            **named,
                            variable=cond.variable,
                        )
                    )
                elif _mixes_kinds(cond.value, kinds[cond.variable]):
                    held = [KIND_WORDS[k] for k in KIND_WORDS if k in kinds[cond.variable]]
                    add(
                        _issue(
                            node.id,
                            "mixed_kinds",
                            **at,
                            beside="conditions",
                            **named,
                            condition=str(cond),
                            variable=cond.variable,
                            holds=", or ".join(held),
                        )
                    )
    if not issues:
        reachable = _reachable_nodes(graph)
        for node in graph.nodes:
            if node.id not in reachable:
                add(_issue(node.id, "unreachable", node=node.id))
        if not any(graph.node(n).is_ending for n in reachable):  # type: ignore[union-attr]
            add(_issue(None, "no_ending"))
    return issues


def _reachable_nodes(graph: Graph) -> set[str]:
    seen = {graph.start}
    queue = deque([graph.start])
    while queue:
        node = graph.node(queue.popleft())
        assert node is not None
        targets = [c.target for c in node.choices]
        if node.content_warning and node.skip_to:
            targets.append(node.skip_to)
        for target in targets:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


StateKey = tuple[str, tuple[tuple[str, Value], ...]]


def explore(graph: Graph) -> tuple[dict[StateKey, list[StateKey]], bool]:
    """Every reachable (node, variables) state and its successors; and whether it finished.

    Only the variables some condition reads are in a state: the others (an answer kept for
    the debrief, say) change nothing a learner can do, and counting their combinations
    would make a sound scenario with many of them look too big to check."""
    read = {
        condition.variable
        for node in graph.nodes
        for choice in node.choices
        for condition in choice.conditions
    }
    start_vars = tuple(sorted((k, v) for k, v in graph.initial_variables.items() if k in read))
    start: StateKey = (graph.start, start_vars)
    edges: dict[StateKey, list[StateKey]] = {}
    queue = deque([start])
    edges[start] = []
    while queue:
        key = queue.popleft()
        node_id, frozen = key
        node = graph.node(node_id)
        assert node is not None
        successors: list[StateKey] = []
        if not node.is_ending:
            variables = dict(frozen)
            for choice in node.choices:
                if not choice.offered(variables):
                    continue
                after = dict(variables)
                for effect in choice.effects:
                    if effect.variable in read:
                        after[effect.variable] = effect.value
                successors.append((choice.target, tuple(sorted(after.items()))))
            if node.content_warning and node.skip_to:
                successors.append((node.skip_to, frozen))
        edges[key] = successors
        for succ in successors:
            if succ not in edges:
                if len(edges) >= MAX_STATES:
                    return edges, False
                edges[succ] = []
                queue.append(succ)
    return edges, True


def _behaviour(graph: Graph) -> list[Issue]:
    issues: list[Issue] = []
    edges, complete = explore(graph)
    if not complete:
        return [_issue(None, "too_big", limit=MAX_STATES)]
    stuck_nodes: list[str] = []
    for (node_id, _vars), successors in edges.items():
        node = graph.node(node_id)
        assert node is not None
        if not node.is_ending and not successors and node_id not in stuck_nodes:
            stuck_nodes.append(node_id)
    for node_id in stuck_nodes:
        issues.append(_issue(node_id, "all_hidden", node=node_id))
    # Linked to (the structure check saw to that), yet in no state a learner can be in.
    visited = {node_id for node_id, _vars in edges}
    for node in graph.nodes:
        if node.id not in visited:
            issues.append(_issue(node.id, "never_reached", node=node.id))
    # States that can reach an ending: walk the edges backwards from every ending state.
    reverse: dict[StateKey, list[StateKey]] = {k: [] for k in edges}
    for key, successors in edges.items():
        for succ in successors:
            reverse[succ].append(key)
    good = {k for k in edges if graph.node(k[0]).is_ending}  # type: ignore[union-attr]
    if not good:
        return [*issues, _issue(None, "no_ending")]
    queue = deque(good)
    while queue:
        for prev in reverse[queue.popleft()]:
            if prev not in good:
                good.add(prev)
                queue.append(prev)
    trapped: list[str] = []
    for node_id, _vars in edges:
        if (node_id, _vars) not in good and node_id not in stuck_nodes and node_id not in trapped:
            trapped.append(node_id)
    for node_id in trapped:
        issues.append(_issue(node_id, "no_way_out", node=node_id))
    return issues


def issues_by_node(issues: list[Issue]) -> dict[str | None, list[Issue]]:
    grouped: dict[str | None, list[Issue]] = {}
    for issue in issues:
        grouped.setdefault(issue.node_id, []).append(issue)
    return grouped
