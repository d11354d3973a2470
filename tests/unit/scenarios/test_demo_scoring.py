"""The demo scenarios' scores follow the order the source guidance gives (no database)."""

from scenarios.demo import DEMO_SCENARIOS
from scenarios.engine import available_choices
from scenarios.engine.play import choose, start


def _best_scores_by_first_choice(graph) -> dict[str, int]:
    """The highest score any play-through reaches, by the choice made on the first node."""
    best: dict[str, int] = {}
    stack = [(start(graph), None)]
    while stack:
        state, opening = stack.pop()
        if state.finished:
            best[opening] = max(best.get(opening, state.score), state.score)
            continue
        assert len(state.path) < 30, "a play-through loops"
        for choice in available_choices(graph, state):
            step = choose(graph, state, choice.id, from_node=state.node_id)
            stack.append((step.state, opening or choice.id))
    return best


def test_a_post_about_you_scores_skipping_screenshots_below_taking_them_first():
    """The sources put evidence first (INEQE: don't respond, take screenshots with the
    usernames, then speak to your line manager). Going to the line manager without any,
    then being sent back for screenshots by POSH, must not outscore doing it in order."""
    graph = dict((e[0], e[4]) for e in DEMO_SCENARIOS)["a-post-about-you"]
    best = _best_scores_by_first_choice(graph)
    assert best["manager"] < best["screenshot"]
    assert best["confront"] < best["screenshot"]


def test_a_post_about_you_never_sends_you_to_your_line_manager_twice():
    """Told by POSH to get screenshots, you call back with them: the scenario does not walk
    you through telling your line manager a second time."""
    graph = dict((e[0], e[4]) for e in DEMO_SCENARIOS)["a-post-about-you"]
    stack = [start(graph)]
    while stack:
        state = stack.pop()
        visited = [node_id for node_id, _choice in state.path]
        assert visited.count("line-manager") <= 1, visited
        if not state.finished:
            for choice in available_choices(graph, state):
                stack.append(choose(graph, state, choice.id, from_node=state.node_id).state)
