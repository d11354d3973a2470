"""The editors' panel on the admin home page: drafts waiting to be published, newest first,
and for a scenario whether it can be published yet."""

import pytest
from django.urls import reverse

from assessments.models import Quiz
from scenarios.engine import Choice, Node
from scenarios.services import scenario_save_graph
from tests.scenarios.helpers import published_scenario
from tests.unit.scenarios.test_engine import small_graph

pytestmark = pytest.mark.django_db

HOME = reverse("wagtailadmin_home")


def _panel(client) -> str:
    html = client.get(HOME).content.decode()
    start = html.index('id="upstander-drafts')
    return html[start : html.index("</section>", start)]


def test_an_editor_sees_what_waits_to_be_published_and_what_stops_it(client, editor, course):
    client.force_login(editor)
    published_scenario(title="All published")
    assert "Nothing is waiting" in _panel(client)

    # A live scenario whose newer draft sends a choice nowhere: learners still play the live
    # version, and the editor sees the draft needs fixing.
    fixing = published_scenario(title="The crest account")
    broken = small_graph(
        nodes={"shared": Node(id="shared", text="It spread.", choices=(Choice("x", "Go", "gone"),))}
    )
    scenario_save_graph(scenario=fixing, graph=broken)
    # A quiz that was never published.
    quiz = Quiz(title="New quiz", questions=[], live=False)
    quiz.save()
    quiz.save_revision()
    # A course page with an edit not yet published.
    course.summary = "Changed"
    course.save_revision()

    panel = _panel(client)
    assert "Waiting to be published" in panel
    assert "All published" not in panel
    rows = panel.split("<tr>")[2:]
    assert [row.split("</a>")[0].rsplit(">", 1)[1] for row in rows] == [
        course.title,
        "New quiz",
        "The crest account",
    ]
    crest = rows[2]
    assert "Live, with changes not published yet" in crest
    assert "1 problem to fix before publishing" in crest
    assert reverse("wagtailsnippets_scenarios_scenario:edit", args=[fixing.pk]) in crest
    assert "Draft</td>" in rows[1]
    assert reverse("wagtailadmin_pages:edit", args=[course.pk]) in rows[0]

    # Fixed, the draft says it is ready.
    scenario_save_graph(scenario=fixing, graph=small_graph())
    assert "Ready to publish" in _panel(client)


def test_only_people_who_may_change_content_get_the_panel(client):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    # Into the admin, but with no content to change (a reports-only account, say).
    viewer = UserFactory(username="viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(viewer)
    response = client.get(HOME)
    assert response.status_code == 200
    assert 'id="upstander-drafts' not in response.content.decode()
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert "Nothing is waiting" in _panel(client)


def test_an_editor_of_one_catalogue_sees_its_drafts_behind_many_newer_ones_elsewhere(
    client, course, staff_course
):
    """Editors may be given one part of the page tree (the staff courses, say). Their panel
    lists that part's drafts, however many newer drafts wait in parts they cannot edit."""
    from datetime import timedelta

    from django.contrib.auth.models import Group as AuthGroup
    from django.contrib.auth.models import Permission
    from django.utils import timezone
    from wagtail.models import GroupPagePermission, Page

    from courses.models import ModulePage
    from tests.factories import UserFactory

    staff_editors = AuthGroup.objects.create(name="Staff course editors")
    staff_editors.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_scenario"),
    )
    GroupPagePermission.objects.create(
        group=staff_editors,
        page=staff_course.get_parent(),
        permission=Permission.objects.get(codename="change_page"),
    )
    someone = UserFactory(username="staffeditor", is_staff=True)
    someone.groups.add(staff_editors)
    staff_course.summary = "Changed"
    staff_course.save_revision()
    for n in range(45):
        course.add_child(
            instance=ModulePage(title=f"Pupil draft {n}", summary="A module.", estimated_minutes=5)
        )
    Page.objects.descendant_of(course).update(
        has_unpublished_changes=True, latest_revision_created_at=timezone.now() + timedelta(hours=1)
    )
    client.force_login(someone)
    panel = _panel(client)
    assert reverse("wagtailadmin_pages:edit", args=[staff_course.pk]) in panel
