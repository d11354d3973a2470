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


def course_index(home, *, title, slug, audience):
    """A catalogue of courses for `audience` under `home`."""
    index = CourseIndexPage(title=title, slug=slug, audience=audience)
    home.add_child(instance=index)
    return index


def course_page(catalogue, *, publish=True, **fields):
    """A course in `catalogue`, for the catalogue's audience unless `fields` name another.

    Published, it is fetched again as a request would find it; otherwise it is the draft
    just added."""
    fields.setdefault("audience", catalogue.audience)
    page = CoursePage(**fields)
    catalogue.add_child(instance=page)
    if not publish:
        return page
    page.save_revision().publish()
    return CoursePage.objects.get(pk=page.pk)


def pupils_course(catalogue, title, slug):
    """Another live pupils' course in `catalogue`, with the fields a course needs."""
    page = CoursePage(
        title=title,
        slug=slug,
        audience=Audience.PUPILS,
        summary=f"About {title}.",
        estimated_minutes=20,
        learning_outcomes="Say something kind",
    )
    catalogue.add_child(instance=page)
    return page


@pytest.fixture
def pupil_catalogue(home_page):
    return course_index(
        home_page, title="Courses for pupils", slug="pupils", audience=Audience.PUPILS
    )


@pytest.fixture
def staff_catalogue(home_page):
    return course_index(home_page, title="Courses for staff", slug="staff", audience=Audience.STAFF)


@pytest.fixture
def course(pupil_catalogue):
    return course_page(
        pupil_catalogue,
        title="Respect online",
        slug="respect-online",
        summary="Be kind online.",
        estimated_minutes=30,
        key_stage=KeyStage.KS3,
        learning_outcomes="Say what to do\nName who can help",
    )


@pytest.fixture
def staff_course(staff_catalogue):
    return course_page(
        staff_catalogue,
        title="Your reputation online",
        slug="reputation",
        summary="Privacy settings.",
        estimated_minutes=45,
        cpd_minutes=45,
        learning_outcomes="Check your settings",
    )


@pytest.fixture
def modules(course):
    return [module_page(course, f"module-{n}", title=f"Module {n}") for n in (1, 2, 3)]


@pytest.fixture
def lesson(course):
    """A pupils' module with text, a reflection, a checklist, a scenario and a quiz."""
    from tests.assessments.conftest import make_quiz
    from tests.scenarios.helpers import published_scenario

    scenario = published_scenario(title="The crest account", introduction="A friend shows you.")
    quiz = make_quiz(title="What would you do?")
    return module_page(
        course,
        "what-to-do",
        title="What to do if you see it",
        body=[
            ("text", "<p>Accounts that mock teachers hurt real people.</p>"),
            ("reflection", {"prompt": "How would the teacher feel?", "hint": ""}),
            (
                "checklist",
                {
                    "title": "Before you post",
                    "intro": "",
                    "platforms": [{"platform": "TikTok", "items": ["Is it kind?", "Is it true?"]}],
                },
            ),
            ("scenario", {"scenario": scenario, "required": True}),
            ("quiz", {"quiz": quiz, "required": True}),
        ],
    )
