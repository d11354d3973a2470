"""The demo school's assignments: made once `make run` has loaded the school and the
courses, shown to each demo person, and left alone on the next load."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from records.models import Assignment
from schools.models import User

pytestmark = pytest.mark.django_db


def _load_demo(settings):
    settings.DEBUG = True
    call_command("load_demo_data", stdout=StringIO())
    call_command("load_demo_content", stdout=StringIO())


def test_without_the_demo_school_nothing_is_assigned(home_page):
    call_command("load_demo_content", stdout=StringIO())
    assert not Assignment.objects.exists()


def test_the_demo_school_assigns_each_course_to_its_learners(settings, home_page, client):
    _load_demo(settings)
    rows = {
        (a.course.title, a.group.name if a.group else a.role, a.renewal_months)
        for a in Assignment.objects.select_related("course", "group")
    }
    assert rows == {
        ("Respect online: when posts target teachers", "8R", None),
        ("Protecting your professional reputation online", "staff", 12),
        ("Responding to online abuse of staff", "safeguarding_lead", 12),
    }
    # Each demo person sees their due dates, and the lead's dashboard has something to show.
    for username, course in (
        ("pupil", "Respect online"),
        ("teacher", "Protecting your professional reputation online"),
    ):
        client.force_login(User.objects.get(username=username))
        html = client.get(reverse("courses:my_learning")).content.decode()
        assert course in html and "Due " in html
    client.force_login(User.objects.get(username="dsl"))
    html = client.get(reverse("records:dashboard")).content.decode()
    assert "No courses are assigned yet" not in html
    assert "Responding to online abuse of staff" in html


def test_loading_again_leaves_the_assignments_as_they_are(settings, home_page):
    _load_demo(settings)
    Assignment.objects.filter(role="staff").update(due_on="2027-03-31")
    count = Assignment.objects.count()
    _load_demo(settings)
    assert Assignment.objects.count() == count
    assert str(Assignment.objects.get(role="staff").due_on) == "2027-03-31"
