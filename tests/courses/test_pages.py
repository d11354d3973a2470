"""The page tree, page fields and xAPI identity of courses and modules."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from courses.models import CourseIndexPage, CoursePage, HomePage, ModulePage
from tests.courses.conftest import module_page
from xapi.identity import activity_iri

pytestmark = pytest.mark.django_db


def test_page_tree_only_allows_catalogue_course_module_nesting():
    assert HomePage.allowed_subpage_models() == [CourseIndexPage]
    assert CourseIndexPage.allowed_parent_page_models() == [HomePage]
    assert CourseIndexPage.allowed_subpage_models() == [CoursePage]
    assert CoursePage.allowed_parent_page_models() == [CourseIndexPage]
    assert CoursePage.allowed_subpage_models() == [ModulePage]
    assert ModulePage.allowed_parent_page_models() == [CoursePage]
    assert ModulePage.allowed_subpage_models() == []


def test_course_and_module_iris_come_from_their_stable_uuid(course, modules):
    assert course.xapi_activity().iri == activity_iri("course", course.activity_uuid)
    assert course.xapi_activity().type == "http://adlnet.gov/expapi/activities/course"
    assert course.xapi_activity().name == "Respect online"
    module = modules[0]
    assert module.xapi_activity().iri == activity_iri("module", module.activity_uuid)
    assert module.xapi_activity().type == "http://adlnet.gov/expapi/activities/module"


def test_renaming_a_module_keeps_its_activity_iri(modules):
    module = modules[0]
    before = module.xapi_activity().iri
    module.title = "A new name"
    module.slug = "a-new-name"
    module.save_revision().publish()
    module.refresh_from_db()
    assert module.xapi_activity().iri == before


def test_copying_a_course_gives_the_copy_a_new_activity_uuid(course, modules):
    copy = course.copy(
        recursive=True, update_attrs={"slug": "respect-online-copy", "title": "Copy"}
    )
    assert copy.activity_uuid != course.activity_uuid
    copied_modules = ModulePage.objects.child_of(copy)
    assert copied_modules.count() == 3
    originals = {m.activity_uuid for m in modules}
    assert not originals & {m.activity_uuid for m in copied_modules}
    assert all(isinstance(m.activity_uuid, uuid.UUID) for m in copied_modules)


def test_course_modules_are_listed_in_editor_order(course, modules):
    assert [m.title for m in course.modules()] == ["Module 1", "Module 2", "Module 3"]
    modules[2].move(modules[0], pos="left")
    assert [m.title for m in course.modules()] == ["Module 3", "Module 1", "Module 2"]


def test_unpublished_modules_are_not_listed(course, modules):
    modules[1].unpublish()
    assert [m.title for m in course.modules()] == ["Module 1", "Module 3"]


def test_cpd_minutes_are_refused_on_a_pupil_course(course):
    course.cpd_minutes = 30
    with pytest.raises(ValidationError) as info:
        course.full_clean()
    assert "cpd_minutes" in info.value.message_dict


def test_key_stage_is_refused_on_a_staff_course(staff_course):
    staff_course.key_stage = "ks3"
    with pytest.raises(ValidationError) as info:
        staff_course.full_clean()
    assert "key_stage" in info.value.message_dict


def test_learning_outcomes_are_one_per_line(course):
    course.learning_outcomes = "First\n\n  Second  \n"
    assert course.outcome_list() == ["First", "Second"]


def test_module_knows_its_course(course, modules):
    assert modules[0].course.pk == course.pk


def test_module_without_activities_requires_nothing(modules):
    assert modules[0].required_activity_iris() == []


def test_required_quiz_block_is_a_required_activity(course):
    from assessments.models import Quiz

    quiz = Quiz.objects.create(title="Check your understanding")
    module = module_page(
        course,
        "with-quiz",
        body=[
            ("text", "<p>Read.</p>"),
            ("quiz", {"quiz": quiz, "required": True}),
        ],
    )
    assert module.required_activity_iris() == [activity_iri("quiz", quiz.uuid)]


def test_optional_activity_is_not_required(course):
    from assessments.models import Quiz

    quiz = Quiz.objects.create(title="Optional practice")
    module = module_page(course, "optional", body=[("quiz", {"quiz": quiz, "required": False})])
    assert module.required_activity_iris() == []


def test_fields_editors_fill_in_carry_help_text():
    for model, names in [
        (CourseIndexPage, ["audience", "intro"]),
        (
            CoursePage,
            [
                "audience",
                "summary",
                "topics",
                "estimated_minutes",
                "cpd_minutes",
                "key_stage",
                "learning_outcomes",
                "content_warning",
            ],
        ),
        (ModulePage, ["summary", "estimated_minutes", "content_warning", "body"]),
    ]:
        for name in names:
            assert model._meta.get_field(name).help_text, f"{model.__name__}.{name}"


def test_migrations_seed_the_three_topics():
    from courses.models import Topic

    assert set(Topic.objects.values_list("slug", flat=True)) >= {
        "privacy-settings",
        "phone-use",
        "reporting",
    }


def test_catalogue_redirects_learners_to_my_learning(client, pupil, pupil_catalogue):
    client.force_login(pupil)
    response = client.get(pupil_catalogue.url)
    assert response.status_code == 302
    assert response["Location"] == "/learning/"


@pytest.mark.django_db
def test_a_learner_is_told_a_picture_deleted_from_a_live_module_is_not_available(
    client, pupil, course
):
    """An empty frame with a caption about nothing would leave the learner guessing."""
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="Settings screen", file=get_test_image_file())
    module = module_page(
        course,
        "pictured",
        body=[("image", {"image": image, "alt_text": "A phone's privacy menu", "caption": "Hi"})],
    )
    image.delete()
    client.force_login(pupil)

    html = client.get(module.url).content.decode()

    assert "This picture is not available." in html
