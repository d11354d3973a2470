"""My groups links teachers to their classes' PSHE records."""

import pytest
from django.urls import reverse

from schools.models import Group, Membership

pytestmark = pytest.mark.django_db


def test_teacher_gets_a_pshe_record_link_for_each_class_they_teach(client, teacher, klass, pupil):
    client.force_login(teacher)
    html = client.get(reverse("schools:my_groups")).content.decode()
    assert f'href="{reverse("records:pshe_class", args=[klass.pk])}"' in html
    assert f'href="{reverse("records:pshe_groups")}"' in html
    assert client.get(reverse("records:pshe_class", args=[klass.pk])).status_code == 200


def test_a_staff_team_has_no_pshe_record_link(client, school, safeguarding_lead, teacher):
    team = Group.objects.create(school=school, name="Pastoral team", kind=Group.Kind.STAFF_TEAM)
    Membership.objects.create(group=team, user=teacher)
    client.force_login(safeguarding_lead)
    html = client.get(reverse("schools:my_groups")).content.decode()
    assert "Pastoral team" in html
    assert f'href="{reverse("records:pshe_class", args=[team.pk])}"' not in html
