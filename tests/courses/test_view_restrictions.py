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


def test_a_signed_in_learner_outside_the_groups_a_module_is_private_to_finds_no_such_page(
    client, pupil, course, modules
):
    """Opened by its address (a link a pilot group's teacher shared), a module private to
    groups the pupil is not in is a page not found, as a course not for them is: not a sign-in
    form for someone already signed in, nor round and round between it and the sign-in page."""
    restriction = PageViewRestriction.objects.create(
        page=modules[0], restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.create(name="Year 9 pilot")])
    client.force_login(pupil)
    assert client.get(modules[0].url, follow=True).status_code == 404


def test_a_page_private_to_signed_in_people_sends_others_to_the_sites_sign_in_page(
    client, home_page
):
    """The sign-in page is the site's own, with its pause after wrong passwords, its help
    with forgotten ones and the school's look, not a bare one of Wagtail's."""
    PageViewRestriction.objects.create(page=home_page, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(home_page.url)
    assert response["Location"] == f"{reverse('login')}?next={home_page.url}"
    response = client.get(f"/_util/login/?next={home_page.url}")
    assert response["Location"] == f"{reverse('login')}?next={home_page.url}"


def test_a_document_private_to_other_groups_is_not_found_by_someone_signed_in(
    client, pupil, teacher, settings, tmp_path
):
    """A collection whose Privacy is for staff: a pupil who has the document's address finds
    no such document, rather than going round between it and the sign-in page."""
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document
    from wagtail.models import Collection, CollectionViewRestriction

    from schools.roles import AUTH_GROUP_NAMES, Role

    settings.MEDIA_ROOT = tmp_path
    staff_only = Collection.get_first_root_node().add_child(name="Staff only")
    restriction = CollectionViewRestriction.objects.create(
        collection=staff_only, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=AUTH_GROUP_NAMES[Role.STAFF])])
    document = Document.objects.create(
        title="Handling a disclosure",
        file=ContentFile(b"For staff.", name="disclosures.txt"),
        collection=staff_only,
    )
    client.force_login(pupil)
    assert client.get(document.url, follow=True).status_code == 404
    client.force_login(teacher)
    assert client.get(document.url).status_code == 200
