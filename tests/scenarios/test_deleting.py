"""Deleting a scenario in the admin, after learners have played it: the confirmation says
what goes with it, and the deletion works (each play pins one of the scenario's revisions,
which that pin otherwise refuses to let go), singly or several at once. Statements stay."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from scenarios.models import ClassroomSession, ClassroomVote, Scenario, ScenarioAttempt
from scenarios.services import (
    classroom_session_start,
    scenario_attempt_start,
    scenario_choice_make,
)
from schools.roles import Role
from tests.factories import UserFactory
from tests.scenarios.helpers import published_scenario
from xapi.models import Statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def played(pupil, teacher, klass):
    """A scenario one pupil finished, a second pupil left half-way, and a class played."""
    scenario = published_scenario()
    finished = scenario_attempt_start(learner=pupil, scenario=scenario)
    scenario_choice_make(
        learner=pupil, attempt_uuid=finished.uuid, node_id="start", step=0, choice_id="share"
    )
    scenario_choice_make(
        learner=pupil, attempt_uuid=finished.uuid, node_id="shared", step=1, choice_id="oops"
    )
    other = UserFactory(school=pupil.school, roles=[Role.PUPIL])
    half_way = scenario_attempt_start(learner=other, scenario=scenario)
    scenario_choice_make(
        learner=other, attempt_uuid=half_way.uuid, node_id="start", step=0, choice_id="report"
    )
    classroom_session_start(teacher=teacher, group=klass, scenario=scenario)
    return scenario


def _delete_url(scenario):
    return reverse("wagtailsnippets_scenarios_scenario:delete", args=[scenario.pk])


def test_the_confirmation_says_what_goes_with_a_played_scenario(client, editor, played):
    client.force_login(editor)
    page = client.get(_delete_url(played)).content.decode()
    assert (
        "Learners have played this scenario. Deleting it also deletes 2 play-throughs by "
        "learners (1 not finished: that learner cannot carry on) and 1 class play" in page
    )
    assert "To stop new plays and keep all of this, unpublish it instead." in page


def test_the_confirmation_for_a_scenario_nobody_played_is_wagtails(client, editor):
    client.force_login(editor)
    page = client.get(_delete_url(published_scenario())).content.decode()
    assert "Are you sure you want to delete this scenario?" in page
    assert "Learners have played" not in page


def test_deleting_a_played_scenario_deletes_its_plays_and_keeps_the_statements(
    client, editor, played
):
    statements = Statement.objects.count()
    assert statements > 0
    client.force_login(editor)
    response = client.post(_delete_url(played))
    assert response.status_code == 302
    assert not Scenario.objects.filter(pk=played.pk).exists()
    assert not ScenarioAttempt.objects.exists()
    assert not ClassroomSession.objects.exists() and not ClassroomVote.objects.exists()
    assert Statement.objects.count() == statements


def test_deleting_played_scenarios_several_at_once(client, editor, played):
    other = published_scenario(title="Another")
    client.force_login(editor)
    url = (
        reverse("wagtail_bulk_action", args=["scenarios", "scenario", "delete"])
        + f"?id={played.pk}&id={other.pk}"
    )
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    assert not Scenario.objects.exists() and not ScenarioAttempt.objects.exists()


def test_deleting_several_scenarios_at_once_warns_of_the_plays_that_go_with_them(
    client, editor, played
):
    other = published_scenario(title="Another")
    client.force_login(editor)
    url = (
        reverse("wagtail_bulk_action", args=["scenarios", "scenario", "delete"])
        + f"?id={played.pk}&id={other.pk}"
    )
    page = client.get(url).content.decode()
    assert (
        "Learners have played 1 of these scenarios. Deleting them also deletes 2 "
        "play-throughs by learners (1 not finished: that learner cannot carry on) and 1 class "
        "play" in page
    )
    assert "To stop new plays and keep all of this, unpublish them instead." in page


def test_a_revision_someone_is_playing_is_kept_by_purge_revisions(played):
    pinned = ScenarioAttempt.objects.values_list("revision_id", flat=True)
    call_command("purge_revisions", days=0, verbosity=0)
    from wagtail.models import Revision

    assert Revision.objects.filter(pk__in=pinned).count() == len(set(pinned))


@pytest.fixture
def in_a_lesson(home_page):
    """A published scenario that a live pupils' lesson uses."""
    from tests.courses.conftest import module_page, pupils_course

    scenario = published_scenario(title="The crest account")
    course = pupils_course(home_page, "Respect online", "respect-online")
    module_page(
        course, "lesson", title="What happened", body=[("scenario", {"scenario": scenario})]
    )
    return scenario


def test_deleting_a_scenario_live_modules_use_names_them(client, editor, in_a_lesson):
    """The confirmation spoke of plays only: the editor was not told which live modules'
    learners would then find the scenario not available, as deleting an H5P activity does."""
    client.force_login(editor)
    page = client.get(_delete_url(in_a_lesson)).content.decode()
    assert "Live modules use this: “What happened”" in page
    assert "not available" in page


def test_deleting_a_scenario_no_module_uses_says_nothing_of_modules(client, editor):
    client.force_login(editor)
    page = client.get(_delete_url(published_scenario())).content.decode()
    assert "Live modules use this" not in page


def test_deleting_several_scenarios_at_once_names_the_live_modules_using_them(
    client, editor, in_a_lesson
):
    other = published_scenario(title="Another")
    client.force_login(editor)
    url = (
        reverse("wagtail_bulk_action", args=["scenarios", "scenario", "delete"])
        + f"?id={in_a_lesson.pk}&id={other.pk}"
    )
    page = client.get(url).content.decode()
    assert "“What happened” uses “The crest account”" in page
    assert "not available" in page
