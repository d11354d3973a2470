"""Building published scenarios for tests."""

from scenarios.engine import Graph
from scenarios.models import Scenario
from scenarios.services import scenario_save_graph
from tests.unit.scenarios.test_engine import small_graph


def published_scenario(graph: Graph | None = None, *, title="Spotting a fake post", **fields):
    scenario = Scenario(title=title, **fields)
    scenario_save_graph(scenario=scenario, graph=graph or small_graph(), publish=True)
    scenario.refresh_from_db()
    return scenario
