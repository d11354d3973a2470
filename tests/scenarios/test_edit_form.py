"""Editing a scenario's choices in the admin: what an editor's changes do to the choices'
ids (which the group analytics count by) and where the edit form says what is wrong."""

import pytest
from django.urls import reverse

from scenarios.demo import DEMO_SCENARIOS
from scenarios.models import Scenario
from scenarios.selectors import scenario_group_analytics
from scenarios.services import scenario_attempt_start, scenario_choice_make
from schools.models import Membership
from schools.roles import Role
from tests.factories import UserFactory
from tests.scenarios.helpers import choice_form, node_form, scenario_form_post

pytestmark = pytest.mark.django_db

ADD_URL = reverse("wagtailsnippets_scenarios_scenario:add")


def _endings(*, mixed=True):
    return [
        node_form("end-good", outcome="good", debrief="You told someone."),
        *(
            [node_form("end-mixed", outcome="mixed", debrief="Next time, tell someone.")]
            if mixed
            else []
        ),
        node_form("end-poor", outcome="poor", debrief="Sharing spreads it."),
    ]


def _report_or_share_start():
    """The start node the editor first writes: "Report it" or "Share it", ids left blank."""
    return node_form(
        "see-post",
        choices=[choice_form("Report it", "end-good"), choice_form("Share it", "end-poor")],
    )


def _publish_report_or_share(client):
    """Publish that start from the add form, with its two endings; return the scenario."""
    response = scenario_form_post(
        client, ADD_URL, [_report_or_share_start(), *_endings(mixed=False)]
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Scenario.objects.get()


def _edit_url(scenario):
    return reverse("wagtailsnippets_scenarios_scenario:edit", args=[scenario.pk])


def _stored_choices(client, scenario, node_id):
    """The choices of a node as the edit form shows them: (place id, value)."""
    form_scenario = client.get(_edit_url(scenario)).context["form"].instance
    node = next(c.value for c in form_scenario.nodes if c.value["node_id"] == node_id)
    return [(child.id, child.value) for child in node["choices"].bound_blocks]


def _republish_start(client, scenario, choices):
    """Publish from the edit form the start with these choices, and all three endings."""
    response = scenario_form_post(
        client, _edit_url(scenario), [node_form("see-post", choices=choices), *_endings()]
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def _play(scenario, klass, school, label, *, prefix):
    """Five pupils of the class each pick the choice with this label at the start."""
    live = Scenario.objects.get(pk=scenario.pk)
    choice = next(c for c in live.graph().node("see-post").choices if c.label == label)
    for n in range(5):
        pupil = UserFactory(school=school, username=f"{prefix}{n}", roles=[Role.PUPIL])
        Membership.objects.create(group=klass, user=pupil)
        attempt = scenario_attempt_start(learner=pupil, scenario=live)
        scenario_choice_make(
            learner=pupil,
            attempt_uuid=attempt.uuid,
            node_id="see-post",
            step=0,
            choice_id=choice.id,
        )


def test_a_choice_added_above_another_does_not_take_its_place_in_the_analytics(
    client, editor, klass, school
):
    """An editor leaves choice ids blank (the form says one is made for them), publishes,
    then adds a choice above an existing one and publishes again. Each choice keeps the id
    it was first published with, so the class's analytics count the learners who chose
    "Share it" before the edit and those who chose "Ignore it" after it apart, each under
    its own words."""
    client.force_login(editor)
    scenario = _publish_report_or_share(client)
    _play(scenario, klass, school, "Share it", prefix="before")

    (report_id, report), (share_id, share) = _stored_choices(client, scenario, "see-post")
    _republish_start(
        client,
        scenario,
        [
            choice_form("Report it", "end-good", block_id=report_id, choice_id=report["choice_id"]),
            choice_form("Ignore it", "end-mixed"),
            choice_form("Share it", "end-poor", block_id=share_id, choice_id=share["choice_id"]),
        ],
    )
    _play(scenario, klass, school, "Ignore it", prefix="after")

    analytics = scenario_group_analytics(scenario=scenario, group=klass)
    start = next(n for n in analytics.nodes if n.node_id == "see-post")
    learners = {c.label: c.learners for c in start.choices}
    assert (learners["Share it"], learners["Ignore it"]) == (5, 5)


def test_a_new_choice_does_not_take_the_id_of_one_deleted_in_an_earlier_version(
    client, editor, klass, school
):
    """An editor publishes two choices, deletes one and publishes, then adds a new choice
    and publishes again. The new choice gets an id no version has given a choice before:
    had it taken the deleted choice's, the class's analytics would count the learners who
    chose the deleted option as having chosen the new one."""
    client.force_login(editor)
    scenario = _publish_report_or_share(client)
    _play(scenario, klass, school, "Share it", prefix="before")

    edit_url = reverse("wagtailsnippets_scenarios_scenario:edit", args=[scenario.pk])
    (report_id, report), _share = _stored_choices(client, scenario, "see-post")
    kept = choice_form("Report it", "end-good", block_id=report_id, choice_id=report["choice_id"])
    response = scenario_form_post(
        client, edit_url, [node_form("see-post", choices=[kept]), *_endings(mixed=False)[:1]]
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    response = scenario_form_post(
        client,
        edit_url,
        [
            node_form("see-post", choices=[kept, choice_form("Ignore it", "end-mixed")]),
            *_endings()[:2],
        ],
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    _play(scenario, klass, school, "Ignore it", prefix="after")

    analytics = scenario_group_analytics(scenario=scenario, group=klass)
    start = next(n for n in analytics.nodes if n.node_id == "see-post")
    assert sorted((c.label, c.learners) for c in start.choices) == [
        ("Ignore it", 5),
        ("Report it", 0),
        ("Share it", 5),
    ]


def test_choices_of_a_scenario_published_before_ids_were_kept_keep_their_ids(client, editor):
    """A scenario stored with blank choice ids (its records carry the ids made from their
    places) keeps those ids when an editor next adds a choice above them."""
    from scenarios.engine.graph import default_choice_id

    client.force_login(editor)
    scenario = _publish_report_or_share(client)
    # As stored before: blank ids, read by their places.
    for child in scenario.nodes:
        for choice in child.value["choices"]:
            choice["choice_id"] = ""
    scenario.save_revision().publish()
    scenario.refresh_from_db()
    assert [c.id for c in scenario.graph().node("see-post").choices] == [
        default_choice_id("see-post", 1),
        default_choice_id("see-post", 2),
    ]

    (report_id, _report), (share_id, _share) = _stored_choices(client, scenario, "see-post")
    _republish_start(
        client,
        scenario,
        [
            choice_form("Ignore it", "end-mixed"),
            choice_form("Report it", "end-good", block_id=report_id),
            choice_form("Share it", "end-poor", block_id=share_id),
        ],
    )
    scenario.refresh_from_db()
    ids = {c.label: c.id for c in scenario.graph().node("see-post").choices}
    assert ids["Report it"] == default_choice_id("see-post", 1)
    assert ids["Share it"] == default_choice_id("see-post", 2)
    assert ids["Ignore it"] not in {ids["Report it"], ids["Share it"]}


def test_an_ending_without_a_debrief_is_not_published_and_is_told_beside_its_debrief(
    client, editor
):
    """Endings carry an outcome and a debrief with where to get help (DESIGN.md): an ending
    whose debrief is blank would leave a learner at the end with no takeaway and no
    signposting, so publishing is refused with the reason beside that ending's debrief."""
    client.force_login(editor)
    response = scenario_form_post(
        client,
        ADD_URL,
        [
            _report_or_share_start(),
            node_form("end-good", outcome="good", debrief="You told someone."),
            node_form("end-poor", outcome="poor", debrief="  "),
        ],
    )
    assert response.status_code == 200
    error = response.context["form"].errors.as_data()["nodes"][0]
    assert list(error.block_errors) == [2]
    assert error.block_errors[2].block_errors["debrief"].messages == [
        "“end-poor” is an ending but has no debrief. Say what the learner should take away "
        "and where they can get help."
    ]
    assert not Scenario.objects.exists()


def test_a_draft_ending_without_a_debrief_is_a_problem_wherever_publishing_is_checked(
    client, editor
):
    """A draft saved with an ending whose debrief is blank: the edit form's map does not say
    it "can be published", and publishing that version without the form (as scheduled
    publishing, or publishing a revision, does) is refused as the form refuses it."""
    from django.core.exceptions import ValidationError

    from scenarios.forms import publishing_problems

    client.force_login(editor)
    nodes = [
        _report_or_share_start(),
        node_form("end-good", outcome="good", debrief="You told someone."),
        node_form("end-poor", outcome="poor", debrief=""),
    ]
    response = scenario_form_post(client, ADD_URL, nodes, publish=False)
    assert response.status_code == 302, response.content.decode()[:2000]
    scenario = Scenario.objects.get()
    message = (
        "“end-poor” is an ending but has no debrief. Say what the learner should take away "
        "and where they can get help."
    )

    edit_url = reverse("wagtailsnippets_scenarios_scenario:edit", args=[scenario.pk])
    html = client.get(edit_url).content.decode()
    assert "this version can be published" not in html
    assert message in html
    assert publishing_problems(scenario.get_latest_revision_as_object()) == [message]
    with pytest.raises(ValidationError, match="has no debrief"):
        scenario.latest_revision.publish()
    scenario.refresh_from_db()
    assert not scenario.live


@pytest.mark.parametrize("entry", DEMO_SCENARIOS, ids=[e[0] for e in DEMO_SCENARIOS])
def test_every_ending_of_the_demo_scenarios_has_a_debrief(entry):
    graph = entry[4]
    assert all(node.debrief.strip() for node in graph.nodes if node.outcome)


def test_a_choices_problems_are_said_beside_the_choice_field_they_are_about(client, editor):
    """A typo in "Only offered when", an undeclared variable in "Sets variables" and a
    "Goes to node" naming no node are marked beside those fields of that choice, where the
    author's cursor goes from the error summary, not beside the node's id at the top."""
    client.force_login(editor)
    response = scenario_form_post(
        client,
        ADD_URL,
        [
            node_form(
                "see-post",
                choices=[
                    choice_form("Report it", "end-good", effects="told = true"),
                    choice_form("Share it", "end-por", conditions="when it rains"),
                ],
            ),
            *_endings(mixed=False),
        ],
    )
    assert response.status_code == 200
    node = response.context["form"].errors.as_data()["nodes"][0].block_errors[0]
    assert "node_id" not in node.block_errors
    choices = node.block_errors["choices"].block_errors
    assert list(choices[0].block_errors) == ["effects"]
    assert "told" in choices[0].block_errors["effects"].messages[0]
    assert sorted(choices[1].block_errors) == ["conditions", "target"]
    assert "not a condition" in choices[1].block_errors["conditions"].messages[0]
    assert choices[1].block_errors["target"].messages == [
        "The choice “Share it” in “see-post” leads to “end-por”, which does not exist."
    ]
    assert not Scenario.objects.exists()


def test_a_blank_situation_and_the_graphs_problems_are_all_said_the_first_time(client, editor):
    """An ending's required Situation left blank and a choice leading nowhere: both are
    marked on the first try at publishing, not the second problem only once the first is
    fixed."""
    client.force_login(editor)
    response = scenario_form_post(
        client,
        ADD_URL,
        [
            node_form(
                "see-post",
                choices=[choice_form("Report it", "end-good"), choice_form("Share it", "end-por")],
            ),
            node_form("end-good", outcome="good", debrief="You told someone.", text=""),
            node_form("end-poor", outcome="poor", debrief="Sharing spreads it."),
        ],
    )
    assert response.status_code == 200
    error = response.context["form"].errors.as_data()["nodes"][0]
    assert "text" in error.block_errors[1].block_errors
    choice = error.block_errors[0].block_errors["choices"].block_errors[1]
    assert choice.block_errors["target"].messages == [
        "The choice “Share it” in “see-post” leads to “end-por”, which does not exist."
    ]
    assert not Scenario.objects.exists()


def test_a_blank_situation_and_a_score_out_of_range_are_both_said_the_first_time(client, editor):
    """The graph is read from what was typed when a field fails: the score is text then."""
    client.force_login(editor)
    report = {**choice_form("Report it", "end-good"), "score": "5000"}
    response = scenario_form_post(
        client,
        ADD_URL,
        [
            node_form("see-post", choices=[report]),
            node_form("end-good", outcome="good", debrief="You told someone.", text=""),
        ],
    )
    assert response.status_code == 200
    error = response.context["form"].errors.as_data()["nodes"][0]
    assert "text" in error.block_errors[1].block_errors
    choice = error.block_errors[0].block_errors["choices"].block_errors[0]
    assert choice.block_errors["score"].messages == [
        "The choice “Report it” in “see-post” changes the score by more than 1000: keep a "
        "choice's score change between -1000 and 1000."
    ]
    assert not Scenario.objects.exists()
