"""A node's picture: chosen from the image library, described for learners who cannot see
it (publishing refuses a picture without a description), shown by the player and in
classroom mode."""

import dataclasses

import pytest
from django.urls import reverse

from scenarios.engine import Graph
from scenarios.models import Scenario
from scenarios.services import scenario_attempt_start, scenario_save_graph
from tests.scenarios.helpers import published_scenario
from tests.unit.scenarios.test_engine import small_graph

pytestmark = pytest.mark.django_db


@pytest.fixture
def picture(settings, tmp_path):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    settings.MEDIA_ROOT = tmp_path
    return Image.objects.create(title="A phone's privacy menu", file=get_test_image_file())


def _with_picture(image_id, alt) -> Graph:
    graph = small_graph()
    nodes = tuple(
        dataclasses.replace(node, image_id=image_id, image_alt=alt) if node.id == "start" else node
        for node in graph.nodes
    )
    return dataclasses.replace(graph, nodes=nodes)


def test_the_picture_and_its_description_are_kept_in_the_scenario(picture):
    scenario = published_scenario(_with_picture(picture.pk, "The privacy menu, all set to public"))

    node = Scenario.objects.get(pk=scenario.pk).graph().node("start")

    assert (node.image_id, node.image_alt) == (picture.pk, "The privacy menu, all set to public")


def test_a_picture_without_a_description_cannot_be_published(picture):
    scenario = Scenario(title="Undescribed")
    scenario_save_graph(scenario=scenario, graph=_with_picture(picture.pk, "  "))

    problems = scenario.problems()

    assert [(p.node_id, p.code) for p in problems] == [("start", "image_without_alt")]
    assert "for learners who cannot see it" in problems[0].message


def test_the_player_shows_the_picture_with_its_description(client, pupil, picture):
    scenario = published_scenario(_with_picture(picture.pk, "The privacy menu, all set to public"))
    client.force_login(pupil)

    html = client.get(reverse("scenarios:play", args=[scenario.uuid])).content.decode()
    assert 'class="scenario-node__image"' not in html  # not started yet

    started = client.post(
        reverse("scenarios:start", args=[scenario.uuid]), HTTP_X_REQUESTED_WITH="fetch"
    ).content.decode()
    assert 'alt="The privacy menu, all set to public"' in started
    assert 'class="scenario-node__image" src="/' in started

    attempt = scenario_attempt_start(learner=pupil, scenario=scenario)
    moved = client.post(
        reverse("scenarios:choose", args=[attempt.uuid]),
        {"node": "start", "step": 0, "choice": "report"},
        HTTP_X_REQUESTED_WITH="fetch",
    ).content.decode()
    assert "scenario-node__image" not in moved  # the next node has no picture


def test_a_picture_deleted_from_the_library_is_left_out(client, pupil, picture):
    scenario = published_scenario(_with_picture(picture.pk, "The privacy menu"))
    picture.delete()
    client.force_login(pupil)

    response = client.post(
        reverse("scenarios:start", args=[scenario.uuid]), HTTP_X_REQUESTED_WITH="fetch"
    )

    assert response.status_code == 200
    assert "scenario-node__image" not in response.content.decode()


def test_the_preview_shows_each_picture_with_its_description_as_the_player_does(
    rf, editor, picture
):
    """Authors check a node's picture, and the sentence that describes it, in the preview
    before learners see them in the player."""
    scenario = published_scenario(_with_picture(picture.pk, "The privacy menu, all set to public"))
    request = rf.get("/")
    request.user = editor

    html = scenario.serve_preview(request, "").render().content.decode()

    assert 'alt="The privacy menu, all set to public"' in html
    assert 'class="scenario-node__image" src="/' in html
