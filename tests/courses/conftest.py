"""A small course tree for course tests: a pupil catalogue with one course of three modules."""

import pytest

from courses.models import Audience, CourseIndexPage, CoursePage, KeyStage, ModulePage


def module_page(course, slug, *, body=None, title=None):
    page = ModulePage(
        title=title or slug.replace("-", " ").capitalize(),
        slug=slug,
        summary=f"About {slug}",
        estimated_minutes=10,
        body=body or [("text", "<p>Read this.</p>")],
    )
    course.add_child(instance=page)
    page.save_revision().publish()
    return ModulePage.objects.get(pk=page.pk)


@pytest.fixture
def pupil_catalogue(home_page):
    index = CourseIndexPage(title="Courses for pupils", slug="pupils", audience=Audience.PUPILS)
    home_page.add_child(instance=index)
    return index


@pytest.fixture
def staff_catalogue(home_page):
    index = CourseIndexPage(title="Courses for staff", slug="staff", audience=Audience.STAFF)
    home_page.add_child(instance=index)
    return index


@pytest.fixture
def course(pupil_catalogue):
    page = CoursePage(
        title="Respect online",
        slug="respect-online",
        audience=Audience.PUPILS,
        summary="Be kind online.",
        estimated_minutes=30,
        key_stage=KeyStage.KS3,
        learning_outcomes="Say what to do\nName who can help",
    )
    pupil_catalogue.add_child(instance=page)
    page.save_revision().publish()
    return CoursePage.objects.get(pk=page.pk)


@pytest.fixture
def staff_course(staff_catalogue):
    page = CoursePage(
        title="Your reputation online",
        slug="reputation",
        audience=Audience.STAFF,
        summary="Privacy settings.",
        estimated_minutes=45,
        cpd_minutes=45,
        learning_outcomes="Check your settings",
    )
    staff_catalogue.add_child(instance=page)
    page.save_revision().publish()
    return CoursePage.objects.get(pk=page.pk)


@pytest.fixture
def modules(course):
    return [module_page(course, f"module-{n}", title=f"Module {n}") for n in (1, 2, 3)]
