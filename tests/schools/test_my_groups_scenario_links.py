"""My groups leads a teacher to classroom mode and to their classes' scenario choices."""

import pytest
from django.urls import reverse

from schools.models import Group, Membership

pytestmark = pytest.mark.django_db


def _html(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("schools:my_groups")).content.decode()


def test_a_teacher_can_run_a_scenario_with_their_class_and_see_its_choices(client, teacher, klass):
    html = _html(client, teacher)
    classroom = f"{reverse('scenarios:classroom_start')}?group={klass.pk}"
    analytics = f"{reverse('scenarios:analytics')}?group={klass.pk}"
    assert f'href="{classroom}">Run a scenario with 8R</a>' in html
    assert f'href="{analytics}">Scenario choices for 8R</a>' in html
    # Both pages open with that class chosen.
    page = client.get(classroom).content.decode()
    assert f'<option value="{klass.pk}" selected>8R</option>' in page
    page = client.get(analytics).content.decode()
    assert f'<option value="{klass.pk}" selected>8R</option>' in page


def test_a_safeguarding_lead_sees_choices_of_a_class_they_do_not_teach_but_cannot_run_it(
    client, safeguarding_lead, klass
):
    html = _html(client, safeguarding_lead)
    assert f"{reverse('scenarios:analytics')}?group={klass.pk}" in html
    assert f"{reverse('scenarios:classroom_start')}?group={klass.pk}" not in html


def test_a_staff_team_gets_no_class_links(client, school, safeguarding_lead):
    team = Group.objects.create(school=school, name="Pastoral team", kind=Group.Kind.STAFF_TEAM)
    Membership.objects.create(group=team, user=safeguarding_lead, role=Membership.Role.TEACHER)
    html = _html(client, safeguarding_lead)
    assert "Pastoral team" in html
    assert f"?group={team.pk}" not in html
