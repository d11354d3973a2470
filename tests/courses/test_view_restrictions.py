"""Wagtail's page privacy ("Privacy" in the admin) on courses and modules: a learner who
may not view a module may not complete it through the site's own actions either."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from records.models import Completion

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("restricted", ["course", "module"])
def test_a_learner_outside_the_groups_a_page_is_private_to_cannot_complete_it(
    client, pupil, course, modules, restricted
):
    page = course if restricted == "course" else modules[0]
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.create(name="Year 9 pilot")])
    client.force_login(pupil)
    assert client.get(modules[0].url).status_code != 200
    response = client.post(reverse("courses:module_read", args=[modules[0].pk]))
    assert response.status_code == 404
    assert not Completion.objects.filter(learner=pupil).exists()


def test_a_learner_in_the_group_a_module_is_private_to_completes_it(client, pupil, course, modules):
    group = Group.objects.create(name="Year 9 pilot")
    pupil.groups.add(group)
    restriction = PageViewRestriction.objects.create(
        page=modules[0], restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([group])
    client.force_login(pupil)
    assert client.get(modules[0].url).status_code == 200
    client.post(reverse("courses:module_read", args=[modules[0].pk]))
    assert Completion.objects.filter(learner=pupil).exists()


@pytest.mark.parametrize("which", ["home", "catalogue", "course", "module"])
def test_the_admin_offers_no_shared_password_the_course_actions_could_not_follow(
    admin_client, home_page, course, modules, which
):
    page = {"home": home_page, "catalogue": course.get_parent(), "course": course}.get(
        which, modules[0]
    )
    html = admin_client.get(reverse("wagtailadmin_pages:set_privacy", args=[page.pk])).json()
    assert 'value="groups"' in html["html"]
    assert 'value="password"' not in html["html"]


@pytest.mark.parametrize("restricted", ["home", "catalogue", "course"])
def test_a_course_private_to_signed_in_people_stays_in_my_learning(
    client, pupil, home_page, course, modules, restricted
):
    """Every learner is signed in, so "Private, accessible to logged-in users" on the course
    or a page above it keeps nobody out: the course is still listed for them."""
    page = {"home": home_page, "catalogue": course.get_parent(), "course": course}[restricted]
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    client.force_login(pupil)
    response = client.get(reverse("courses:my_learning"))
    assert [item.progress.course.pk for item in response.context["courses"]] == [course.pk]


def test_a_course_private_to_groups_is_in_my_learning_for_their_members_only(
    client, pupil, course, modules
):
    from schools.roles import Role
    from tests.factories import UserFactory

    group = Group.objects.create(name="Year 9 pilot")
    pupil.groups.add(group)
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([group])
    outsider = UserFactory(school=pupil.school, username="pupil2", roles=[Role.PUPIL])
    client.force_login(pupil)
    listed = client.get(reverse("courses:my_learning")).context["courses"]
    assert [item.progress.course.pk for item in listed] == [course.pk]
    client.force_login(outsider)
    assert client.get(reverse("courses:my_learning")).context["courses"] == []


def test_a_teacher_outside_the_groups_a_pupils_lesson_is_private_to_cannot_record_it(
    client, teacher, pupil, klass, course, modules
):
    """The lesson is private to a pilot group: a teacher not in it does not see it in My
    learning, and cannot open or record it by its address either."""
    from django.utils import timezone

    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.create(name="Year 9 pilot")])
    client.force_login(teacher)
    assert client.get(reverse("courses:my_learning")).context["lessons_to_teach"].count() == 0
    url = reverse("courses:class_lesson", args=[course.pk])
    assert client.get(url).status_code == 404
    response = client.post(
        url,
        {
            "group": klass.pk,
            "modules": [modules[0].pk],
            "taught_on": timezone.localdate().isoformat(),
            "pupils": [pupil.pk],
        },
    )
    assert response.status_code == 404
    assert not Completion.objects.filter(learner=pupil).exists()


def test_a_module_private_to_groups_the_learner_is_not_in_does_not_hold_back_their_course(
    client, pupil, course, modules
):
    """The second module is for a pilot group only: a pupil outside it is not sent there by
    "Carry on" (it would send them to sign in), and completes the course with the others."""
    restriction = PageViewRestriction.objects.create(
        page=modules[1], restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.create(name="Year 9 pilot")])
    client.force_login(pupil)
    client.post(reverse("courses:module_read", args=[modules[0].pk]))
    response = client.post(reverse("courses:course_start", args=[course.pk]))
    assert response["Location"] == modules[2].url
    client.post(reverse("courses:module_read", args=[modules[2].pk]))
    assert Completion.objects.filter(learner=pupil, activity_iri=course.activity_iri).exists()
    listed = client.get(reverse("courses:my_learning")).context["courses"][0].progress
    assert (listed.complete, listed.completed_count, listed.total) == (True, 2, 2)
