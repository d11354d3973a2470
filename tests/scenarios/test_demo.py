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


def test_lock_it_down_after_removing_a_pupil_does_not_say_you_declined_the_request():
    """A teacher who accepted Jordan's request, then removed them and told the DSL, is not
    told "You decline" or to tell the DSL later: they did not decline, and they have."""
    graph = dict((e[0], e[4]) for e in DEMO_SCENARIOS)["lock-it-down"]
    undo = graph.node("accepted").choice("undo")
    after = graph.node(undo.target)
    assert "You decline" not in after.text
    assert "You remove" in after.text
    assert [c.target for c in after.choices] == ["tagged-photo"]
    decline = graph.node("friend-request").choice("decline")
    assert graph.node(decline.target).text.startswith("You decline")


def test_loading_the_demo_scenarios_twice_changes_nothing():
    demo_scenarios_ensure()
    revisions = {s.pk: s.latest_revision_id for s in Scenario.objects.all()}
    demo_scenarios_ensure()
    assert Scenario.objects.count() == 3
    assert {s.pk: s.latest_revision_id for s in Scenario.objects.all()} == revisions
    assert all(s.live for s in Scenario.objects.all())


def test_the_demo_class_has_played_the_crest_account_for_its_choices_to_show(
    settings, home_page, client
):
    from io import StringIO

    from django.core.management import call_command
    from django.urls import reverse

    from scenarios.models import ScenarioAttempt
    from scenarios.selectors import scenario_group_analytics
    from schools.management.commands.load_demo_data import DEMO_CLASSMATES
    from schools.models import Group, User
    from xapi.identity import activity_iri
    from xapi.models import Statement

    settings.DEBUG = True
    call_command("load_demo_data", stdout=StringIO())
    call_command("load_demo_content", stdout=StringIO())
    crest = Scenario.objects.get(title="The crest account")
    attempts = ScenarioAttempt.objects.filter(scenario=crest)
    # Each classmate once, in the lesson, through to an ending, recorded as statements;
    # the demo pupil who signs in has the scenario still to play.
    assert sorted(attempts.values_list("learner__username", flat=True)) == sorted(
        c[0] for c in DEMO_CLASSMATES
    )
    assert all(a.outcome and a.module_id for a in attempts)
    assert len({a.outcome for a in attempts}) > 1
    crest_iri = activity_iri("scenario", crest.uuid)
    ended = Statement.objects.filter(object_iri=crest_iri, verb_iri__endswith="/completed")
    assert ended.count() == len(DEMO_CLASSMATES)
    assert not attempts.filter(learner__username="pupil").exists()
    assert not User.objects.get(username="amir.k").has_usable_password()

    klass = Group.objects.get(name="8R")
    analytics = scenario_group_analytics(scenario=crest, group=klass)
    assert analytics.enough and analytics.learners == len(DEMO_CLASSMATES)
    client.force_login(User.objects.get(username="teacher"))
    url = reverse("scenarios:analytics") + f"?group={klass.pk}&scenario={crest.uuid}"
    html = client.get(url).content.decode()
    assert "Not enough learners" not in html and "At break" in html

    # Loading again plays nothing more.
    call_command("load_demo_data", stdout=StringIO())
    call_command("load_demo_content", stdout=StringIO())
    assert attempts.count() == len(DEMO_CLASSMATES)


def test_the_demo_classmates_have_not_completed_the_lesson_whose_quiz_they_never_took(
    settings, home_page
):
    """The classmates only played "The crest account": the module it is in also asks for its
    quiz, so their class record must not show that module as completed."""
    from io import StringIO

    from django.core.management import call_command

    from courses.models import ModulePage
    from records.models import Completion
    from schools.management.commands.load_demo_data import DEMO_CLASSMATES

    settings.DEBUG = True
    call_command("load_demo_data", stdout=StringIO())
    call_command("load_demo_content", stdout=StringIO())
    module = ModulePage.objects.get(slug="pupil-2021-if-you-see-it")
    assert any(c.block_type == "quiz" and c.value["required"] for c in module.body)
    completed = Completion.objects.filter(
        activity_iri=module.activity_iri, learner__username__in=[c[0] for c in DEMO_CLASSMATES]
    )
    assert list(completed.values_list("learner__username", flat=True)) == []
