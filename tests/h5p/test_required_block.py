"""A required H5P block completes its module only when the content says a learner finished
it (docs/h5p.md). Content that never says so (an accordion, an image) would hold the module
back for ever, so a module requiring it is not published."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.models import ModulePage
from h5p.services import h5p_activity_create
from schools.roles import roles_sync
from tests.h5p.conftest import module_with_h5p, upload_of
from tests.unit.h5p.packages import tiny_package

pytestmark = pytest.mark.django_db


def _module_form(activity, *, required: bool, slug: str) -> dict:
    return nested_form_data(
        {
            "title": "Lesson",
            "slug": slug,
            "summary": "s",
            "estimated_minutes": 5,
            "content_warning": "",
            "body": streamfield(
                [
                    ("text", rich_text("<p>Read this.</p>")),
                    ("h5p", {"activity": activity.pk, "required": "on" if required else ""}),
                ]
            ),
        }
    )


@pytest.fixture
def course(home_page):
    # A module with another (optional) activity gives the course the tests add modules to.
    roles_sync()
    placeholder = h5p_activity_create(
        upload=upload_of(tiny_package(**{"content/content.json": '{"text": "Other"}'}))
    )[0]
    return module_with_h5p(home_page, placeholder).get_parent().specific


def test_a_module_requiring_h5p_content_that_never_says_it_was_finished_is_not_published(
    client, editor, course
):
    """The tiny package's script shows a line of text and sends no statement at all: as with
    an accordion or an image, no learner could ever finish it."""
    activity = h5p_activity_create(upload=upload_of(tiny_package()))[0]
    client.force_login(editor)
    add = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
    data = _module_form(activity, required=True, slug="lesson")
    response = client.post(add, {**data, "action-publish": "1"})
    assert response.status_code == 200
    assert "requires an activity that learners could never complete" in response.text
    error = response.context["form"].errors.as_data()["body"][0]
    beside = error.block_errors[1].block_errors["activity"]
    assert beside.messages == [
        "“Tiny activity” is H5P content (H5P.Tiny 1.0) that never says when a learner has "
        "finished it, so learners could not complete this module. Untick “Required”, or "
        "choose an activity with questions to answer."
    ]
    assert not ModulePage.objects.filter(slug="lesson").exists()
    # A draft may be saved; and, not required, it may be published.
    assert client.post(add, data).status_code == 302
    optional = _module_form(activity, required=False, slug="optional")
    assert client.post(add, {**optional, "action-publish": "1"}).status_code == 302
    assert ModulePage.objects.get(slug="optional").live


def test_a_module_requiring_a_question_that_says_when_it_was_answered_is_published(
    client, editor, course, true_false_path
):
    with open(true_false_path, "rb") as upload:
        activity = h5p_activity_create(upload=upload)[0]
    client.force_login(editor)
    add = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
    data = _module_form(activity, required=True, slug="lesson")
    response = client.post(add, {**data, "action-publish": "1"})
    assert response.status_code == 302
    assert ModulePage.objects.get(slug="lesson").live


@pytest.mark.parametrize(
    "script",
    [
        "this.triggerXAPIScored(1, 1, 'answered');",
        "self.triggerXAPICompleted(score, max);",
        "var e = this.createXAPIEventTemplate('answered'); e.setScoredResult(1, 1, this);",
        # EventDispatcher.triggerXAPI(verb, extra): the score may come in `extra`.
        'that.triggerXAPI( "completed", {result: {score: {raw: 1, max: 1}}});',
        "this.triggerXAPI(`answered`, extra);",
    ],
)
def test_each_way_h5p_content_can_say_it_was_finished_is_recognised(script):
    from h5p.selectors import reports_finishing

    activity = h5p_activity_create(
        upload=upload_of(tiny_package(**{"H5P.Tiny-1.0/tiny.js": script}))
    )[0]
    assert reports_finishing(activity)


def test_content_saying_only_that_it_was_seen_is_not_taken_for_finishing():
    from h5p.selectors import reports_finishing

    script = "this.triggerXAPI('interacted'); this.triggerXAPI('experienced');"
    activity = h5p_activity_create(
        upload=upload_of(tiny_package(**{"H5P.Tiny-1.0/tiny.js": script}))
    )[0]
    assert not reports_finishing(activity)
