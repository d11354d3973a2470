"""The demo scenarios: valid, big enough, idempotent, and placed in the demo courses."""

import pytest

from scenarios.demo import DEMO_SCENARIOS, demo_scenarios_ensure
from scenarios.engine import validate
from scenarios.models import Scenario

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("entry", DEMO_SCENARIOS, ids=[e[0] for e in DEMO_SCENARIOS])
def test_each_demo_scenario_is_valid_with_eight_nodes_three_endings_and_a_condition(entry):
    graph = entry[4]
    assert validate(graph) == []
    assert len(graph.nodes) >= 8
    assert len([n for n in graph.nodes if n.is_ending]) >= 3
    assert {o for n in graph.nodes if n.outcome for o in [n.outcome.value]} == {
        "good",
        "mixed",
        "poor",
    }
    conditions = [c for n in graph.nodes for ch in n.choices for c in ch.conditions]
    assert conditions and {c.variable for c in conditions} <= {v.name for v in graph.variables}


def test_a_post_about_you_punishes_public_replies_and_rewards_the_route():
    graph = dict((e[0], e[4]) for e in DEMO_SCENARIOS)["a-post-about-you"]
    reply = graph.node("the-link").choice("reply")
    assert graph.node(reply.target).outcome.value == "poor"
    police = graph.node("police-decision").choice("police")
    assert graph.node(police.target).outcome.value == "good"


def test_loading_the_demo_scenarios_twice_changes_nothing():
    demo_scenarios_ensure()
    revisions = {s.pk: s.latest_revision_id for s in Scenario.objects.all()}
    demo_scenarios_ensure()
    assert Scenario.objects.count() == 3
    assert {s.pk: s.latest_revision_id for s in Scenario.objects.all()} == revisions
    assert all(s.live for s in Scenario.objects.all())
