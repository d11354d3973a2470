"""The staff scenarios name the safeguarding role for staff in Wales too (no database).

Welsh schools call it the designated safeguarding person (School.safeguarding_lead_title);
the scenarios' text is the same for every school, so each mention of the DSL says so."""

import re

import pytest

from scenarios.demo import DEMO_SCENARIOS
from scenarios.models import Scenario


def _texts(graph):
    for node in graph.nodes:
        yield node.text
        yield node.debrief
        for choice in node.choices:
            yield choice.label
            yield choice.feedback


@pytest.mark.parametrize(
    "key", [entry[0] for entry in DEMO_SCENARIOS if entry[2] == Scenario.Audience.STAFF]
)
def test_every_mention_of_the_dsl_in_a_staff_scenario_names_the_welsh_dsp(key):
    graph = next(entry[4] for entry in DEMO_SCENARIOS if entry[0] == key)
    mentions = [text for text in _texts(graph) if re.search(r"\bDSL\b", text or "")]
    assert mentions
    for text in mentions:
        assert len(re.findall(r"\bDSL\b", text)) == len(
            re.findall(r"DSL \(DSP in Wales\)", text)
        ), text
