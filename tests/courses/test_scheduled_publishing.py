"""Scheduled publishing: what an editor schedules to go live is published later by Wagtail's
`publish_scheduled` (run by cron, docs/deploying.md), without the edit form that checked it
when it was scheduled."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from courses.models import ModulePage
from schools.roles import roles_sync
from tests.courses.test_admin import _module_with


def _publish_scheduled_at(moment) -> str:
    """Run `publish_scheduled` as cron would at `moment`; what it wrote to stderr."""
    errors = io.StringIO()
    with mock.patch("django.utils.timezone.now", return_value=moment):
        call_command("publish_scheduled", stdout=io.StringIO(), stderr=errors)
    return errors.getvalue()


def _scheduled(obj) -> bool:
    return obj.revisions.filter(approved_go_live_at__isnull=False).exists()


def _schedule_module(client, course, scenario):
    """The editor schedules a new module requiring `scenario` to go live in an hour."""
    go_live = timezone.localtime().replace(second=0, microsecond=0) + timedelta(hours=1)
    add = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
    data = {
        **_module_with(scenario, required=True),
        "go_live_at": go_live.strftime("%Y-%m-%d %H:%M"),
        "action-publish": "1",
    }
    assert client.post(add, data).status_code == 302
    module = ModulePage.objects.get(slug="lesson")
    assert not module.live and _scheduled(module)
    return module, go_live


@pytest.mark.parametrize(
    ("meanwhile", "said"),
    [
        ("unpublished", "“A post about you” is not published yet"),
        ("republished for staff", "“A post about you” is written for staff"),
    ],
)
def test_a_scheduled_module_is_not_published_at_go_live_with_what_its_publish_button_refuses(
    client, editor, course, meanwhile, said
):
    """A pupils' module scheduled while its scenario was published for pupils; before it went
    live the scenario was unpublished, or republished as for staff (nothing live used it).
    At go-live it was published all the same: its pupils could never play the scenario (a
    staff one is refused them) or skipped it. Now it is not published, it is no longer
    scheduled, and its history says why, as its Publish button would have."""
    from scenarios.models import Scenario
    from tests.scenarios.helpers import published_scenario

    roles_sync()
    scenario = published_scenario(title="A post about you")
    client.force_login(editor)
    module, go_live = _schedule_module(client, course, scenario)
    if meanwhile == "unpublished":
        Scenario.objects.filter(pk=scenario.pk).update(live=False)
    else:
        Scenario.objects.filter(pk=scenario.pk).update(audience=Scenario.Audience.STAFF)

    errors = _publish_scheduled_at(go_live + timedelta(minutes=5))

    module.refresh_from_db()
    assert not module.live
    assert not _scheduled(module)
    assert "“Lesson” was not published at its scheduled time" in errors and said in errors
    history = client.get(reverse("wagtailadmin_pages:history_results", args=[module.pk]))
    assert "Not published at its scheduled time" in history.text
    assert said in history.text


def test_a_scheduled_module_with_nothing_wrong_goes_live(client, editor, course):
    from tests.scenarios.helpers import published_scenario

    roles_sync()
    scenario = published_scenario(title="A post about you")
    client.force_login(editor)
    module, go_live = _schedule_module(client, course, scenario)
    assert _publish_scheduled_at(go_live + timedelta(minutes=5)) == ""
    module.refresh_from_db()
    assert module.live


def test_a_scenario_scheduled_as_for_staff_is_not_published_while_a_pupils_lesson_uses_it(
    client, editor, course
):
    """An editor schedules a scenario to become "for staff"; before it goes live a pupils'
    lesson is published with it (then still for pupils). Published as scheduled, it left
    that lesson requiring a scenario pupils are never let play, as publishing it by hand
    refuses. Now it is not published, and its history says which lesson stands in the way."""
    from scenarios.models import Scenario
    from tests.courses.conftest import module_page
    from tests.scenarios.helpers import published_scenario

    roles_sync()
    scenario = published_scenario(title="A post about you")
    go_live = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    scenario.audience = Scenario.Audience.STAFF
    scenario.go_live_at = go_live
    scenario.save_revision(user=editor).publish(user=editor)
    assert Scenario.objects.get(pk=scenario.pk).audience == Scenario.Audience.PUPILS
    assert _scheduled(scenario)
    module_page(
        course,
        "lesson",
        title="Lesson",
        body=[("scenario", {"scenario": scenario, "required": True})],
    )

    errors = _publish_scheduled_at(go_live + timedelta(minutes=5))

    scenario = Scenario.objects.get(pk=scenario.pk)
    assert scenario.audience == Scenario.Audience.PUPILS
    assert not _scheduled(scenario)
    said = "Pupils' lessons use this scenario (“Lesson”)"
    assert "“A post about you” was not published at its scheduled time" in errors
    assert said in errors
    client.force_login(editor)
    history = client.get(reverse("wagtailsnippets_scenarios_scenario:history", args=[scenario.pk]))
    assert "Not published at its scheduled time" in history.text
    assert "use this scenario (“Lesson”)" in history.text


def test_a_scheduled_module_is_not_published_with_a_scenario_expiring_in_the_same_run(
    client, editor, course
):
    """The scenario a scheduled module requires is set to expire before the module's go-live
    (both times pass before cron next runs). `publish_scheduled` checked the module while
    the scenario was still live, then unpublished the scenario and published the module:
    a live lesson whose pupils skip the scenario. Now the module is not published."""
    from scenarios.models import Scenario
    from tests.scenarios.helpers import published_scenario

    roles_sync()
    scenario = published_scenario(title="A post about you")
    client.force_login(editor)
    module, go_live = _schedule_module(client, course, scenario)
    Scenario.objects.filter(pk=scenario.pk).update(expire_at=go_live - timedelta(minutes=1))

    errors = _publish_scheduled_at(go_live + timedelta(minutes=5))

    assert not Scenario.objects.get(pk=scenario.pk).live
    module.refresh_from_db()
    assert not module.live
    assert not _scheduled(module)
    assert "“A post about you” is not published" in errors


def test_a_dry_run_does_not_list_as_going_live_what_go_live_will_refuse(client, editor, course):
    """`publish_scheduled --dryrun` listed the module among the "Revisions to be published",
    though the real run would refuse it (its scenario had been unpublished meanwhile). It now
    says it would not be published, and why, and the dry run still changes nothing."""
    from scenarios.models import Scenario
    from tests.scenarios.helpers import published_scenario

    roles_sync()
    scenario = published_scenario(title="A post about you")
    client.force_login(editor)
    module, go_live = _schedule_module(client, course, scenario)
    Scenario.objects.filter(pk=scenario.pk).update(live=False)

    output, errors = io.StringIO(), io.StringIO()
    with mock.patch("django.utils.timezone.now", return_value=go_live + timedelta(minutes=5)):
        call_command("publish_scheduled", "--dryrun", stdout=output, stderr=errors)

    assert "No objects to go live." in output.getvalue()
    assert "“Lesson” would not be published at its scheduled time" in errors.getvalue()
    assert "“A post about you” is not published yet" in errors.getvalue()
    module.refresh_from_db()
    assert not module.live and _scheduled(module)
