"""Building published scenarios for tests, directly or through the admin's forms."""

from wagtail.test.utils.form_data import nested_form_data, streamfield

from scenarios.engine import Graph
from scenarios.models import Scenario
from scenarios.services import scenario_save_graph
from tests.unit.scenarios.test_engine import small_graph


def published_scenario(graph: Graph | None = None, *, title="Spotting a fake post", **fields):
    scenario = Scenario(title=title, **fields)
    scenario_save_graph(scenario=scenario, graph=graph or small_graph(), publish=True)
    scenario.refresh_from_db()
    return scenario


def choice_form(label, target, *, block_id="", choice_id="", effects="", conditions=""):
    """One choice of a node in the edit form; `block_id` is its place id (blank if new)."""
    return {
        "block_id": block_id,
        "choice_id": choice_id,
        "label": label,
        "target": target,
        "feedback": "",
        "score": "0",
        "effects": effects,
        "conditions": conditions,
    }


def node_form(node_id, *, choices=(), outcome="", debrief="", text="What happens."):
    """One node of the edit form, as the browser posts it: each choice keeps the id of its
    place in the list (`block_id`) that the form was rendered with, blank for a new one."""
    return (
        "node",
        {
            "node_id": node_id,
            "title": "",
            "text": text,
            "image": "",
            "image_alt": "",
            "media": "",
            "content_warning": "",
            "skip_to": "",
            "outcome": outcome,
            "debrief": debrief,
            "choices": {
                "count": len(choices),
                **{
                    str(i): {
                        "value": {k: v for k, v in choice.items() if k != "block_id"},
                        "deleted": "",
                        "order": i,
                        "id": choice["block_id"],
                    }
                    for i, choice in enumerate(choices)
                },
            },
        },
    )


def scenario_form_post(
    client,
    url,
    nodes,
    *,
    publish=True,
    title="Spotting a fake post",
    variables=(),
    start_node="",
):
    """Post the scenario add or edit form with these nodes, publishing unless told not to."""
    data = nested_form_data(
        {
            "title": title,
            "audience": "pupils",
            "introduction": "",
            "start_node": start_node,
            "variables": streamfield(
                [("variable", {"name": name, "initial": "false"}) for name in variables]
            ),
            "nodes": streamfield(nodes),
        }
    )
    if publish:
        data["action-publish"] = "action-publish"
    return client.post(url, data)
