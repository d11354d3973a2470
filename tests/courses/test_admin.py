"""Editors (the "Editors" group, permissions from roles_sync) build courses in the admin."""

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.models import Audience, CourseIndexPage, CoursePage, HomePage, ModulePage, Topic
from schools.roles import Role, roles_sync
from tests.courses.conftest import course_index, course_page
from tests.factories import UserFactory


def publish_course_form(course, audience):
    """The course edit form as an editor posts it to publish the course for `audience`."""
    return nested_form_data(
        {
            "title": course.title,
            "slug": course.slug,
            "audience": audience,
            "summary": "s",
            "intro": rich_text(""),
            "estimated_minutes": 45,
            "cpd_minutes": "",
            "key_stage": "",
            "learning_outcomes": "o",
            "content_warning": "",
            "action-publish": "publish",
        }
    )


def source(**extra):
    return {"organisation": "NAHT", "title": "Essential guide", "date": "Not dated", **extra}


def list_block(items):
    """Form data for a ListBlock: Wagtail 8 posts a count and one entry per item."""
    data = {"count": len(items)}
    for index, item in enumerate(items):
        data[str(index)] = {"value": item, "order": index, "deleted": "", "id": ""}
    return data


VIDEO_URL = "https://www.youtube.com/watch?v=upstander-demo"


def cache_video_embed():
    """Store the embed Wagtail would fetch from YouTube, so the test needs no network."""
    from wagtail.embeds.embeds import get_embed_hash
    from wagtail.embeds.models import Embed

    Embed.objects.get_or_create(
        hash=get_embed_hash(VIDEO_URL),
        defaults={
            "url": VIDEO_URL,
            "type": "video",
            "html": '<iframe title="A short film" src="about:blank"></iframe>',
            "title": "A short film",
        },
    )


def every_block_body(*, quiz, scenario, h5p_activity, image):
    return streamfield(
        [
            ("text", rich_text("<p>Welcome to the module.</p>")),
            ("image", {"image": image.pk, "alt_text": "A privacy menu", "caption": ""}),
            (
                "video",
                {
                    "title": "A short film",
                    "video": VIDEO_URL,
                    "transcript": rich_text("<p>Narrator: hello.</p>"),
                },
            ),
            (
                "case_study",
                {
                    "title": "A real case",
                    "summary": "What happened.",
                    "body": rich_text("<p>The story.</p>"),
                    "sources": list_block([source()]),
                },
            ),
            ("callout", {"heading": "Get help", "text": rich_text(""), "signposting": "staff"}),
            (
                "checklist",
                {
                    "title": "Check your settings",
                    "intro": rich_text(""),
                    "platforms": list_block(
                        [{"platform": "Instagram", "items": list_block(["Private account"])}]
                    ),
                },
            ),
            ("reflection", {"prompt": "How would you feel?", "hint": ""}),
            ("scenario", {"scenario": scenario.pk, "required": "on"}),
            ("quiz", {"quiz": quiz.pk, "required": "on"}),
            ("h5p", {"activity": h5p_activity.pk, "required": ""}),
        ]
    )


def _pupil_course(home):
    """A pupils' course (with nothing in it yet) in a pupils' catalogue under `home`."""
    index = course_index(home, title="Pupils", slug="pupils", audience=Audience.PUPILS)
    return course_page(
        index,
        publish=False,
        title="C",
        slug="c",
        summary="s",
        estimated_minutes=5,
        learning_outcomes="o",
    )


@pytest.mark.django_db
class TestEditorsBuildCourses(WagtailPageTestCase):
    def setUp(self):
        roles_sync()
        self.editor = UserFactory(school=None, username="ed", roles=[Role.EDITOR])
        self.client.force_login(self.editor, backend="schools.backends.AnyCaseUsernameBackend")
        self.home = HomePage.objects.first()

    def test_page_tree_rules(self):
        self.assertAllowedSubpageTypes(HomePage, {CourseIndexPage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})
        self.assertAllowedSubpageTypes(CoursePage, {ModulePage})
        self.assertAllowedSubpageTypes(ModulePage, set())
        self.assertAllowedParentPageTypes(ModulePage, {CoursePage})
        self.assertCanNotCreateAt(HomePage, ModulePage)
        self.assertCanNotCreateAt(CourseIndexPage, ModulePage)

    def test_editor_creates_a_catalogue_course_and_module_with_every_block(self):
        from wagtail.images.models import Image
        from wagtail.images.tests.utils import get_test_image_file

        from assessments.models import Quiz
        from h5p.models import H5PActivity
        from scenarios.models import Scenario

        self.assertCanCreate(
            self.home,
            CourseIndexPage,
            nested_form_data(
                {
                    "title": "Courses for staff",
                    "slug": "staff",
                    "audience": Audience.STAFF,
                    "intro": rich_text("<p>For staff.</p>"),
                }
            ),
        )
        index = CourseIndexPage.objects.get(slug="staff")
        topic = Topic.objects.get(slug="privacy-settings")
        course_data = nested_form_data(
            {
                "title": "Privacy settings",
                "slug": "privacy-settings",
                "audience": Audience.STAFF,
                "summary": "Lock down your accounts.",
                "intro": rich_text("<p>Intro.</p>"),
                "estimated_minutes": 30,
                "cpd_minutes": 30,
                "key_stage": "",
                "learning_outcomes": "Check your settings",
                "content_warning": "",
            }
        )
        # nested_form_data would number list items; a multiple-choice field posts them as one.
        course_data["topics"] = [topic.pk]
        self.assertCanCreate(index, CoursePage, course_data)
        course = CoursePage.objects.get(slug="privacy-settings")
        assert list(course.topics.all()) == [topic]
        quiz = Quiz.objects.create(title="Quiz")
        scenario = Scenario.objects.create(title="Scenario")
        h5p_activity = H5PActivity.objects.create(title="H5P")
        cache_video_embed()
        image = Image.objects.create(title="Settings screen", file=get_test_image_file())
        self.assertCanCreate(
            course,
            ModulePage,
            nested_form_data(
                {
                    "title": "Your settings",
                    "slug": "your-settings",
                    "summary": "Check them.",
                    "estimated_minutes": 10,
                    "content_warning": "",
                    "body": every_block_body(
                        quiz=quiz, scenario=scenario, h5p_activity=h5p_activity, image=image
                    ),
                }
            ),
        )
        module = ModulePage.objects.get(slug="your-settings")
        assert [c.block_type for c in module.body] == [
            "text",
            "image",
            "video",
            "case_study",
            "callout",
            "checklist",
            "reflection",
            "scenario",
            "quiz",
            "h5p",
        ]
        # The scenario and the quiz are required; the H5P block was left optional.
        assert len(module.required_activity_iris()) == 2

    def test_a_case_study_without_sources_is_refused_in_the_editor(self):
        course = _pupil_course(self.home)
        data = nested_form_data(
            {
                "title": "M",
                "slug": "m",
                "summary": "s",
                "estimated_minutes": 5,
                "content_warning": "",
                "body": streamfield(
                    [
                        (
                            "case_study",
                            {
                                "title": "T",
                                "summary": "S",
                                "body": rich_text("<p>B</p>"),
                                "sources": list_block([]),
                            },
                        )
                    ]
                ),
            }
        )
        with pytest.raises(AssertionError):
            self.assertCanCreate(course, ModulePage, data)
        assert not ModulePage.objects.filter(slug="m").exists()

    def test_editor_can_edit_a_course_page(self):
        course = _pupil_course(self.home)
        url = f"/admin/pages/{course.pk}/edit/"
        assert self.client.get(url).status_code == 200
        # Wagtail's assertPageIsEditable signs in with the first auth backend (django-axes'
        # standalone one, which cannot); so post the edit form as the editor directly.
        data = nested_form_data(
            {
                "title": "Renamed",
                "slug": "c",
                "audience": Audience.PUPILS,
                "summary": "s",
                "intro": rich_text(""),
                "estimated_minutes": 5,
                "cpd_minutes": "",
                "key_stage": "ks4",
                "learning_outcomes": "o",
                "content_warning": "Careful",
                "action-publish": "publish",
            }
        )
        response = self.client.post(url, data)
        assert response.status_code == 302, response.content[:500]
        course.refresh_from_db()
        assert (course.title, course.key_stage, course.content_warning) == (
            "Renamed",
            "ks4",
            "Careful",
        )

    def test_cpd_minutes_on_a_pupil_course_are_refused_in_the_editor(self):
        index = course_index(self.home, title="Pupils", slug="pupils", audience=Audience.PUPILS)
        data = nested_form_data(
            {
                "title": "P",
                "slug": "p",
                "audience": Audience.PUPILS,
                "summary": "s",
                "intro": rich_text(""),
                "estimated_minutes": 5,
                "cpd_minutes": 30,
                "key_stage": "",
                "learning_outcomes": "o",
                "content_warning": "",
            }
        )
        with pytest.raises(AssertionError):
            self.assertCanCreate(index, CoursePage, data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    list(ModulePage._meta.get_field("body").stream_block.child_blocks),
)
def test_editors_see_a_preview_of_every_block(client, editor, name):
    """The block picker's preview renders each block's preview_value with its template."""
    roles_sync()
    client.force_login(editor, backend="schools.backends.AnyCaseUsernameBackend")
    block = ModulePage._meta.get_field("body").stream_block.child_blocks[name]
    response = client.get("/admin/block-preview/", {"id": block.definition_prefix})
    assert response.status_code == 200
    assert b"Traceback" not in response.content


@pytest.mark.django_db
def test_editor_adds_an_image_with_alt_text(client, editor, home_page):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    from tests.courses.conftest import module_page

    image = Image.objects.create(title="Settings screen", file=get_test_image_file())
    course = _pupil_course(home_page)
    module = module_page(
        course,
        "pictured",
        body=[("image", {"image": image, "alt_text": "A phone's privacy menu", "caption": "Hi"})],
    )
    html = module.body[0].render()
    assert 'alt="A phone&#x27;s privacy menu"' in html or 'alt="A phone\'s privacy menu"' in html
    assert "<figcaption" in html


@pytest.mark.django_db
def test_editor_previews_a_new_module_before_saving_it(client, editor, home_page):
    roles_sync()
    client.force_login(editor, backend="schools.backends.AnyCaseUsernameBackend")
    course = _pupil_course(home_page)
    url = f"/admin/pages/add/courses/modulepage/{course.pk}/preview/"
    data = nested_form_data(
        {
            "title": "Draft module",
            "slug": "draft-module",
            "summary": "s",
            "estimated_minutes": 5,
            "content_warning": "Mind how you go",
            "body": streamfield([("text", rich_text("<p>Draft words.</p>"))]),
        }
    )
    assert client.post(url, data).json()["is_valid"]
    response = client.get(url)
    assert response.status_code == 200
    assert b"Draft words." in response.content
    assert b"Mind how you go" in response.content
    assert not ModulePage.objects.filter(slug="draft-module").exists()


@pytest.mark.django_db
def test_editor_previews_a_new_course_before_saving_it(client, editor, home_page):
    roles_sync()
    client.force_login(editor, backend="schools.backends.AnyCaseUsernameBackend")
    index = CourseIndexPage(title="Staff", slug="staff", audience=Audience.STAFF)
    home_page.add_child(instance=index)
    url = f"/admin/pages/add/courses/coursepage/{index.pk}/preview/"
    data = nested_form_data(
        {
            "title": "Draft course",
            "slug": "draft-course",
            "audience": Audience.STAFF,
            "summary": "A summary",
            "intro": rich_text(""),
            "estimated_minutes": 5,
            "cpd_minutes": 5,
            "key_stage": "",
            "learning_outcomes": "An outcome",
            "content_warning": "",
        }
    )
    assert client.post(url, data).json()["is_valid"]
    response = client.get(url)
    assert response.status_code == 200
    assert b"An outcome" in response.content


def _module_form(body, *, title="Lesson", slug="lesson"):
    """A new module's add form as posted, with these (block type, value) pairs as its body."""
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "s",
            "estimated_minutes": 5,
            "content_warning": "",
            "body": streamfield(body),
        }
    )


def _module_with(scenario, *, required: bool, slug="lesson"):
    return _module_form(
        [
            ("text", rich_text("<p>Read this.</p>")),
            ("scenario", {"scenario": scenario.pk, "required": "on" if required else ""}),
        ],
        slug=slug,
    )


def test_a_module_requiring_a_draft_scenario_can_be_saved_but_not_published(client, editor, course):
    from django.urls import reverse

    from scenarios.models import Scenario

    draft = Scenario.objects.create(title="The crest account", live=False)
    client.force_login(editor)
    add = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
    response = client.post(add, {**_module_with(draft, required=True), "action-publish": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "This module cannot be published while it requires an activity" in html
    # Beside the block (the second in the body), with what to do.
    error = response.context["form"].errors.as_data()["body"][0]
    beside = error.block_errors[1].block_errors["scenario"]
    assert beside.messages == [
        "“The crest account” is not published yet, so learners could not complete this "
        "module. Publish it first, or untick “Required”."
    ]
    assert not ModulePage.objects.filter(slug="lesson").exists()
    # A draft is fine: the editor can publish the scenario first.
    response = client.post(add, _module_with(draft, required=True))
    assert response.status_code == 302
    module = ModulePage.objects.get(slug="lesson")
    assert not module.live
    # Not required, it does not stop learners completing the module.
    response = client.post(
        add, {**_module_with(draft, required=False, slug="optional"), "action-publish": "1"}
    )
    assert response.status_code == 302 and ModulePage.objects.get(slug="optional").live
    # Once the scenario is published, so can the module be.
    draft.live = True
    draft.save()
    edit = reverse("wagtailadmin_pages:edit", args=[module.pk])
    response = client.post(edit, {**_module_with(draft, required=True), "action-publish": "1"})
    assert response.status_code == 302
    assert ModulePage.objects.get(slug="lesson").live


def test_deleting_a_course_learners_used_warns_what_goes_with_it(
    admin_client, school, teacher, staff_course
):
    from datetime import date

    from courses.models import Reflection
    from courses.services import course_registration
    from records.services import assignment_create
    from schools.roles import Role
    from tests.courses.conftest import module_page

    module = module_page(staff_course, "reflect", title="Reflect")
    course_registration(learner=teacher, course=staff_course)
    assignment_create(
        school=school, course_page_id=staff_course.pk, role=Role.STAFF, due_on=date(2030, 1, 1)
    )
    Reflection.objects.create(learner=teacher, module=module, block_id="b", text="Mine")
    page = admin_client.get(reverse("wagtailadmin_pages:delete", args=[staff_course.pk])).text
    assert (
        "Learners have used this. Deleting it also deletes the progress of 1 person who "
        "started it; 1 assignment (and its reminders); 1 reflection a learner wrote." in page
    )
    assert "To withdraw it and keep all of this, unpublish it instead." in page
    page = admin_client.get(reverse("wagtailadmin_pages:delete", args=[module.pk])).text
    assert "Deleting it also deletes 1 reflection a learner wrote." in page


def test_deleting_a_course_list_whose_courses_learners_used_warns_what_goes_with_it(
    admin_client, school, teacher, staff_catalogue, staff_course
):
    """Deleting a course list (or the home page above it) deletes every course in it, with
    their learners' progress, assignments and reflections: its confirmation said nothing of
    them, where deleting one of those courses warned of all of it."""
    from datetime import date

    from courses.models import Reflection
    from courses.services import course_registration
    from records.services import assignment_create
    from schools.roles import Role
    from tests.courses.conftest import module_page

    module = module_page(staff_course, "reflect", title="Reflect")
    course_registration(learner=teacher, course=staff_course)
    assignment_create(
        school=school, course_page_id=staff_course.pk, role=Role.STAFF, due_on=date(2030, 1, 1)
    )
    Reflection.objects.create(learner=teacher, module=module, block_id="b", text="Mine")
    warning = (
        "Learners have used this. Deleting it also deletes the progress of 1 person who "
        "started it; 1 assignment (and its reminders); 1 reflection a learner wrote."
    )
    for page in (staff_catalogue, staff_catalogue.get_parent()):
        text = admin_client.get(reverse("wagtailadmin_pages:delete", args=[page.pk])).text
        assert warning in text
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete"))
    text = admin_client.get(f"{url}?id={staff_catalogue.pk}").text
    assert f"“Courses for staff”: {warning}" in text


def test_deleting_a_course_nobody_used_says_nothing_more(admin_client, staff_course):
    page = admin_client.get(reverse("wagtailadmin_pages:delete", args=[staff_course.pk])).text
    assert "Learners have used this" not in page


def _draft_module_requiring_a_draft_scenario(client, editor, course):
    from scenarios.models import Scenario

    draft = Scenario.objects.create(title="The crest account", live=False)
    client.force_login(editor)
    add = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
    assert client.post(add, _module_with(draft, required=True)).status_code == 302
    return ModulePage.objects.get(slug="lesson")


@pytest.mark.parametrize("selected", ["module", "course and its drafts"])
def test_publishing_pages_together_refuses_a_module_the_editor_would_refuse(
    client, editor, course, selected
):
    """The page explorer's bulk "Publish" (of the module, or of its course with the drafts
    below it) publishes each page's latest draft without its edit form: it must refuse what
    the form refuses, a module requiring an activity learners cannot open."""
    from scenarios.models import Scenario

    roles_sync()
    module = _draft_module_requiring_a_draft_scenario(client, editor, course)
    page = module if selected == "module" else course
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    url += f"?id={page.pk}&next=/admin/pages/{course.pk}/"
    response = client.post(url, {"include_descendants": "on"}, follow=True)
    assert response.status_code == 200
    module.refresh_from_db()
    assert not module.live
    assert (
        "Nothing was published. “Lesson”: “The crest account” is not published yet, so "
        "learners could not complete this module. Publish it first, or untick “Required”."
    ) in response.text
    # Once the scenario is published, so can the module be.
    Scenario.objects.filter(title="The crest account").update(live=True)
    client.post(url, {"include_descendants": "on"})
    module.refresh_from_db()
    assert module.live


@pytest.mark.parametrize("left_out", ["summary", "alt_text"])
def test_publishing_pages_together_refuses_a_draft_with_something_missing(
    client, editor, course, left_out
):
    """A draft may be saved with a required field, or a block's, left empty; its Publish
    button then says what to fill in. Published together with other pages, a module without
    its summary was a server error, and a picture without its alternative text went live."""
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    roles_sync()
    image = Image.objects.create(title="Settings screen", file=get_test_image_file())
    client.force_login(editor)
    add = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
    data = nested_form_data(
        {
            "title": "Lesson",
            "slug": "lesson",
            "summary": "About the lesson",
            "estimated_minutes": 5,
            "content_warning": "",
            "body": streamfield(
                [("image", {"image": image.pk, "alt_text": "A privacy menu", "caption": ""})]
            ),
        }
    )
    data["body-0-value-alt_text" if left_out == "alt_text" else left_out] = ""
    assert client.post(add, data).status_code == 302
    module = ModulePage.objects.get(slug="lesson")
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    url += f"?id={module.pk}&next=/admin/pages/{course.pk}/"
    response = client.post(url, {"include_descendants": ""}, follow=True)
    assert response.status_code == 200
    module.refresh_from_db()
    assert not module.live
    assert (
        "Nothing was published. “Lesson”: Something is missing. Open it and publish it there "
        "to see what to fix."
    ) in response.text


def test_a_module_requiring_a_draft_scenario_cannot_go_to_moderators_or_be_approved(
    client, admin_client, editor, course
):
    """Wagtail's "Moderators approval" workflow is on every page: a module submitted to it
    is published when a moderator approves, without the check the Publish button makes. So
    submitting it is refused as publishing is, and so is approving it in the editor."""
    from scenarios.models import Scenario

    roles_sync()
    draft = Scenario.objects.create(title="The crest account", live=False)
    client.force_login(editor)
    add = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
    response = client.post(add, {**_module_with(draft, required=True), "action-submit": "1"})
    assert response.status_code == 200
    assert "This module cannot be published while it requires an activity" in response.text
    assert not ModulePage.objects.filter(slug="lesson").exists()

    # Submitted while the scenario was published, which was then unpublished.
    Scenario.objects.filter(pk=draft.pk).update(live=True)
    response = client.post(add, {**_module_with(draft, required=True), "action-submit": "1"})
    assert response.status_code == 302
    module = ModulePage.objects.get(slug="lesson")
    assert module.current_workflow_state is not None
    Scenario.objects.filter(pk=draft.pk).update(live=False)
    edit = reverse("wagtailadmin_pages:edit", args=[module.pk])
    response = admin_client.post(
        edit,
        {
            **_module_with(draft, required=True),
            "action-workflow-action": "1",
            "workflow-action-name": "approve",
        },
    )
    assert response.status_code == 200
    assert "This module cannot be published while it requires an activity" in response.text
    module.refresh_from_db()
    assert not module.live


@pytest.mark.django_db
def test_editor_previews_a_new_module_with_activities_before_saving_it(client, editor, course):
    """The preview beside the editor of a module not yet saved: its scenario's player has
    no play-throughs in a module that does not exist yet (it was a server error)."""
    from h5p.models import H5PActivity
    from tests.assessments.conftest import make_quiz
    from tests.scenarios.helpers import published_scenario

    roles_sync()
    client.force_login(editor)
    scenario = published_scenario(title="The crest account")
    url = f"/admin/pages/add/courses/modulepage/{course.pk}/preview/"
    data = nested_form_data(
        {
            "title": "Draft module",
            "slug": "draft-module",
            "summary": "s",
            "estimated_minutes": 5,
            "content_warning": "",
            "body": streamfield(
                [
                    ("reflection", {"prompt": "How would you feel?", "hint": ""}),
                    (
                        "checklist",
                        {
                            "title": "Check your settings",
                            "intro": rich_text(""),
                            "platforms": list_block(
                                [{"platform": "Instagram", "items": list_block(["Private"])}]
                            ),
                        },
                    ),
                    ("scenario", {"scenario": scenario.pk, "required": "on"}),
                    ("quiz", {"quiz": make_quiz(title="What now?").pk, "required": "on"}),
                    ("h5p", {"activity": H5PActivity.objects.create(title="H5P").pk}),
                ]
            ),
        }
    )
    assert client.post(url, data).json()["is_valid"]
    response = client.get(url)
    assert response.status_code == 200
    assert "The crest account" in response.text
    assert "What now?" in response.text
    assert not ModulePage.objects.filter(slug="draft-module").exists()


@pytest.mark.parametrize("copied", ["module", "course", "catalogue"])
def test_courses_and_modules_are_copied_never_aliased(
    client, editor, course, lesson, pupil_catalogue, copied
):
    """Wagtail's Copy offers "Alias" (keep the new pages updated): an alias keeps every field
    of its page, the activity id that names a course or module in learners' records too,
    and a second page with it cannot be saved (it was a server error). So it is not offered:
    the copy is a course or module of its own."""
    roles_sync()
    client.force_login(editor)
    page, parent = {
        "module": (lesson, course),
        "course": (course, pupil_catalogue),
        "catalogue": (pupil_catalogue, pupil_catalogue.get_parent()),
    }[copied]
    url = reverse("wagtailadmin_pages:copy", args=[page.pk])
    assert 'name="alias"' not in client.get(url).text
    data = {
        "new_title": "Copied",
        "new_slug": "copied",
        "new_parent_page": parent.pk,
        "copy_subpages": "on",
        "alias": "on",
    }
    assert client.post(url, data).status_code == 302
    copy = Page.objects.get(slug="copied")
    assert copy.alias_of is None
    copied_lesson = ModulePage.objects.exclude(pk=lesson.pk).get()
    assert copied_lesson.activity_uuid != lesson.activity_uuid


def test_publishing_pages_together_leaves_a_page_locked_by_another_editor_alone(
    client, editor, lesson, course
):
    """An editor locks a module while they work on it: nobody else can publish it from its
    editor, and nobody else publishes their unfinished draft by publishing pages together."""
    roles_sync()
    colleague = UserFactory(school=None, username="editor2", roles=[Role.EDITOR])
    module = ModulePage.objects.get(pk=lesson.pk)
    module.title = "Half-written"
    module.save_revision(user=editor)
    module.locked, module.locked_by, module.locked_at = True, editor, timezone.now()
    module.save(update_fields=["locked", "locked_by", "locked_at"])
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    url += f"?id={module.pk}&next=/admin/pages/{course.pk}/"

    client.force_login(colleague)
    response = client.post(url, {"include_descendants": ""}, follow=True)
    module.refresh_from_db()
    assert module.title == "What to do if you see it"
    assert module.has_unpublished_changes
    assert "Nothing was published. “Half-written” is locked by another editor." in response.text

    client.force_login(editor)
    client.post(url, {"include_descendants": ""})
    module.refresh_from_db()
    assert module.title == "Half-written"


def test_a_staff_scenario_is_refused_in_a_pupils_module(client, editor, course, staff_course):
    """A scenario written for staff (CPD: abuse aimed at staff) is never played by pupils: its
    Start button 404s for them, so in a pupils' lesson it would show staff material and leave
    the module impossible to complete. The editor is told beside the block."""
    from scenarios.models import Scenario
    from tests.scenarios.helpers import published_scenario

    staff_only = published_scenario(title="A post about you", audience=Scenario.Audience.STAFF)
    client.force_login(editor)
    add = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
    for action in ({"action-publish": "1"}, {}):
        response = client.post(add, {**_module_with(staff_only, required=True), **action})
        assert response.status_code == 200
        error = response.context["form"].errors.as_data()["body"][0]
        beside = error.block_errors[1].block_errors["scenario"]
        assert "written for staff" in beside.messages[0]
    assert not ModulePage.objects.filter(slug="lesson").exists()
    # In a staff course it is what the scenario is for.
    add = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", staff_course.pk])
    response = client.post(add, {**_module_with(staff_only, required=True), "action-publish": "1"})
    assert response.status_code == 302
    assert ModulePage.objects.get(slug="lesson").live


def test_a_course_whose_modules_use_a_staff_scenario_cannot_be_made_for_pupils(
    client, editor, staff_course
):
    """Turning a staff course into a pupils' course would leave its modules requiring a
    scenario pupils are never let play. The editor is told which scenario stands in the way."""
    from scenarios.models import Scenario
    from tests.courses.conftest import module_page
    from tests.scenarios.helpers import published_scenario

    staff_only = published_scenario(title="A post about you", audience=Scenario.Audience.STAFF)
    module_page(staff_course, "targeted", body=[("scenario", {"scenario": staff_only})])
    client.force_login(editor)
    data = publish_course_form(staff_course, Audience.PUPILS)
    response = client.post(f"/admin/pages/{staff_course.pk}/edit/", data)
    assert response.status_code == 200
    (message,) = response.context["form"].errors["audience"]
    assert "A post about you" in message
    staff_course.refresh_from_db()
    assert staff_course.audience == Audience.STAFF


@pytest.mark.parametrize(
    ("course_fixture", "signposting"), [("course", "staff"), ("staff_course", "pupils")]
)
def test_a_callout_signposting_the_other_audience_is_refused(
    request, client, editor, course_fixture, signposting
):
    """Pupils told to ring the Professionals Online Safety Helpline, or staff told to ring
    Childline, are sent to a service that is not for them: the editor is told beside the
    callout."""
    course = request.getfixturevalue(course_fixture)
    client.force_login(editor)
    add = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
    data = nested_form_data(
        {
            "title": "Lesson",
            "slug": "lesson",
            "summary": "s",
            "estimated_minutes": 5,
            "content_warning": "",
            "body": streamfield(
                [
                    (
                        "callout",
                        {
                            "heading": "Need help?",
                            "text": rich_text(""),
                            "signposting": signposting,
                        },
                    )
                ]
            ),
            "action-publish": "1",
        }
    )
    response = client.post(add, data)
    assert response.status_code == 200
    error = response.context["form"].errors.as_data()["body"][0]
    assert "signposting" in error.block_errors[0].block_errors
    assert not ModulePage.objects.filter(slug="lesson").exists()


@pytest.mark.parametrize(
    "block",
    [
        ("callout", {"heading": "Need help?", "text": "", "signposting": "pupils"}),
        ("teacher_notes", {"heading": "Ground rules", "text": "<p>No names.</p>"}),
    ],
    ids=["childline-signposting", "teacher-notes"],
)
def test_a_pupils_course_whose_modules_are_for_pupils_cannot_be_made_for_staff(
    client, editor, course, block
):
    """The module form refuses pupils' contacts (Childline) and notes for the teacher in a
    staff course; turning the whole course into a staff course would leave them there, the
    contacts shown to staff and the notes shown to nobody. The editor is told which module."""
    from tests.courses.conftest import module_page

    module_page(course, "help", title="Getting help", body=[block])
    client.force_login(editor)
    data = publish_course_form(course, Audience.STAFF)
    response = client.post(f"/admin/pages/{course.pk}/edit/", data)
    assert response.status_code == 200
    (message,) = response.context["form"].errors["audience"]
    assert "Getting help" in message
    course.refresh_from_db()
    assert course.audience == Audience.PUPILS


def test_publishing_pages_together_refuses_a_module_with_a_staff_scenario_for_pupils(
    client, editor, course
):
    """A draft module of a pupils' course used a scenario for pupils, since republished as
    for staff (nothing live used it), or was saved before the editor refused it. Published
    together with other pages, it went live with a scenario pupils are never let play."""
    from scenarios.models import Scenario
    from tests.scenarios.helpers import published_scenario

    roles_sync()
    scenario = published_scenario(title="A post about you")
    client.force_login(editor)
    add = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
    assert client.post(add, _module_with(scenario, required=True)).status_code == 302
    module = ModulePage.objects.get(slug="lesson")
    Scenario.objects.filter(pk=scenario.pk).update(audience=Scenario.Audience.STAFF)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    url += f"?id={module.pk}&next=/admin/pages/{course.pk}/"
    response = client.post(url, {"include_descendants": ""}, follow=True)
    module.refresh_from_db()
    assert not module.live
    assert (
        "Nothing was published. “Lesson”: “A post about you” is written for staff, so pupils "
        "cannot play it."
    ) in response.text


@pytest.mark.parametrize("moved", ["staff scenario", "teacher notes"])
def test_a_module_cannot_be_moved_into_a_course_whose_learners_it_is_not_for(
    client, editor, course, staff_course, moved
):
    """Moving a module to another course in the page explorer skips its edit form: a staff
    scenario landed in a pupils' lesson (which pupils are refused), and notes for the
    teacher in a staff course (where nobody sees them)."""
    from scenarios.models import Scenario
    from tests.courses.conftest import module_page
    from tests.scenarios.helpers import published_scenario

    roles_sync()
    if moved == "staff scenario":
        staff_only = published_scenario(title="A post about you", audience=Scenario.Audience.STAFF)
        body = [("scenario", {"scenario": staff_only})]
        module = module_page(staff_course, "targeted", body=body)
        source, destination, said = staff_course, course, "“A post about you” is written for staff"
    else:
        notes = {"text": "<p>Pause here and ask the class.</p>"}
        module = module_page(course, "targeted", body=[("teacher_notes", notes)])
        source, destination, said = course, staff_course, "Notes for the teacher are shown only"
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:move_confirm", args=[module.pk, destination.pk])
    response = client.post(url, follow=True)
    assert response.status_code == 200
    module.refresh_from_db()
    assert module.get_parent().pk == source.pk
    assert "“Targeted” was not moved." in response.text and said in response.text


def test_a_module_requiring_an_unpublished_scenario_is_not_approved_from_the_dashboard(
    client, admin_client, editor, course
):
    """The dashboard's "Approve" (Wagtail's workflow action, without the edit form) publishes
    the submitted revision: it is refused, as approving in the editor is, when the module
    now requires an activity learners cannot open."""
    from scenarios.models import Scenario

    roles_sync()
    scenario = Scenario.objects.create(title="The crest account", live=True)
    client.force_login(editor)
    add = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
    response = client.post(add, {**_module_with(scenario, required=True), "action-submit": "1"})
    assert response.status_code == 302
    module = ModulePage.objects.get(slug="lesson")
    task_state = module.current_workflow_state.current_task_state
    Scenario.objects.filter(pk=scenario.pk).update(live=False)

    url = reverse("wagtailadmin_pages:workflow_action", args=[module.pk, "approve", task_state.pk])
    response = admin_client.post(url, follow=True)
    assert response.status_code == 200
    assert "“Lesson” was not approved, so it is not published." in response.text
    assert "“The crest account” is not published yet" in response.text
    module.refresh_from_db()
    assert not module.live
    assert module.current_workflow_state is not None  # still awaiting a moderator

    # Published again, the same approval goes through.
    Scenario.objects.filter(pk=scenario.pk).update(live=True)
    admin_client.post(url)
    module.refresh_from_db()
    assert module.live


def test_a_course_made_for_pupils_is_not_approved_from_the_dashboard_once_a_module_is_for_staff(
    client, admin_client, editor, staff_course
):
    """A staff course submitted for approval as a pupils' course, whose module was published
    meanwhile with a scenario for staff (fine in a staff course): the dashboard's "Approve"
    published it without the check its edit form makes, and pupils were given a lesson with a
    scenario they are never let play. It is refused as publishing it in the editor is."""
    from scenarios.models import Scenario
    from tests.courses.conftest import module_page
    from tests.scenarios.helpers import published_scenario

    roles_sync()
    client.force_login(editor)
    data = nested_form_data(
        {
            "title": staff_course.title,
            "slug": staff_course.slug,
            "audience": Audience.PUPILS,
            "summary": "s",
            "intro": rich_text(""),
            "estimated_minutes": 45,
            "cpd_minutes": "",
            "key_stage": "",
            "learning_outcomes": "o",
            "content_warning": "",
            "action-submit": "1",
        }
    )
    response = client.post(f"/admin/pages/{staff_course.pk}/edit/", data)
    assert response.status_code == 302
    staff_course.refresh_from_db()
    task_state = staff_course.current_workflow_state.current_task_state
    staff_only = published_scenario(title="A post about you", audience=Scenario.Audience.STAFF)
    module_page(staff_course, "targeted", body=[("scenario", {"scenario": staff_only})])

    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[staff_course.pk, "approve", task_state.pk]
    )
    response = admin_client.post(url, follow=True)
    assert response.status_code == 200
    staff_course.refresh_from_db()
    assert staff_course.audience == Audience.STAFF
    assert "“Your reputation online” was not approved, so it is not published." in response.text
    assert "scenarios written for staff (“A post about you”)" in response.text


def test_a_module_cannot_be_copied_into_a_course_whose_learners_it_is_not_for(
    client, editor, course, staff_course
):
    """Copying a module in the page explorer skips its edit form, as moving it does: a module
    with a staff scenario copied into a pupils' course, with "Publish copies" ticked, went
    live as a pupils' lesson requiring a scenario pupils are never let play."""
    from scenarios.models import Scenario
    from tests.courses.conftest import module_page
    from tests.scenarios.helpers import published_scenario

    roles_sync()
    staff_only = published_scenario(title="A post about you", audience=Scenario.Audience.STAFF)
    module = module_page(staff_course, "targeted", body=[("scenario", {"scenario": staff_only})])
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:copy", args=[module.pk])
    data = {
        "new_title": "Targeted",
        "new_slug": "targeted",
        "new_parent_page": course.pk,
        "publish_copies": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert not ModulePage.objects.child_of(course).exists()
    assert "“A post about you” is written for staff" in response.text
    # Into another staff course it is what the scenario is for.
    response = client.post(url, {**data, "new_parent_page": staff_course.pk, "new_slug": "again"})
    assert response.status_code == 302
    assert ModulePage.objects.child_of(staff_course).live().count() == 2


def test_a_copied_module_s_checklist_is_an_activity_of_its_own(client, editor, course, pupil):
    """A checklist's xAPI activity id is made from its block's id, which Wagtail's Copy keeps:
    a pupil who ticked every item of the copy's checklist was recorded as completing the
    original module's checklist too (one activity id for both, in the LRS and in their
    completions). The copy's checklists now have ids of their own, in its draft as well."""
    from courses import services
    from records.models import Completion
    from tests.courses.conftest import module_page
    from tests.courses.test_services import checklist_ids
    from xapi.identity import activity_iri

    roles_sync()
    body = [
        (
            "checklist",
            {
                "title": "Check your settings",
                "intro": "",
                "platforms": [{"platform": "Instagram", "items": ["Private account"]}],
            },
        )
    ]
    original = module_page(course, "settings", title="Settings", body=body)
    original_block_id, _items = checklist_ids(original)
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:copy", args=[original.pk])
    data = {
        "new_title": "Settings again",
        "new_slug": "settings-again",
        "new_parent_page": course.pk,
        "publish_copies": "on",
    }
    assert client.post(url, data).status_code == 302
    copy = ModulePage.objects.get(slug="settings-again")
    block_id, items = checklist_ids(copy)
    assert block_id != original_block_id
    draft_block_id, _items = checklist_ids(copy.get_latest_revision_as_object())
    assert draft_block_id == block_id

    services.checklist_tick(learner=pupil, module=copy, block_id=block_id, ticked=items)
    assert Completion.objects.filter(
        learner=pupil, activity_iri=activity_iri("checklist", block_id)
    ).exists()
    assert not Completion.objects.filter(
        learner=pupil, activity_iri=activity_iri("checklist", original_block_id)
    ).exists()


def test_a_module_requiring_an_unpublished_activity_is_not_copied_live(client, editor, course):
    """Copying a live module with "Publish copies" ticked publishes the copy without its
    edit form: a module whose required scenario had been unpublished since went live, and
    pupils then completed it just by saying they had read it. Its Publish button refuses
    that, and so does the copy now (it may still be copied as a draft)."""
    from tests.courses.conftest import module_page
    from tests.scenarios.helpers import published_scenario

    roles_sync()
    scenario = published_scenario(title="A post about you")
    module = module_page(
        course, "targeted", body=[("scenario", {"scenario": scenario, "required": True})]
    )
    scenario.unpublish()
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:copy", args=[module.pk])
    data = {
        "new_title": "Targeted again",
        "new_slug": "targeted-again",
        "new_parent_page": course.pk,
        "publish_copies": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert not ModulePage.objects.filter(slug="targeted-again").exists()
    assert "“A post about you” is not published yet" in response.text
    # Without "Publish copies" the copy is a draft to finish in its editor.
    data.pop("publish_copies")
    assert client.post(url, data).status_code == 302
    assert not ModulePage.objects.get(slug="targeted-again").live


def test_a_course_whose_module_requires_an_unpublished_activity_is_not_copied_live(
    client, editor, course
):
    """A course copied with its modules and "Publish copies" publishes each live module's
    copy: one requiring an unpublished quiz or scenario is refused as its own copy is."""
    from tests.courses.conftest import module_page
    from tests.scenarios.helpers import published_scenario

    roles_sync()
    scenario = published_scenario(title="A post about you")
    module_page(course, "targeted", body=[("scenario", {"scenario": scenario, "required": True})])
    scenario.unpublish()
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:copy", args=[course.pk])
    data = {
        "new_title": "Course again",
        "new_slug": "course-again",
        "new_parent_page": course.get_parent().pk,
        "copy_subpages": "on",
        "publish_copies": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert not CoursePage.objects.filter(slug="course-again").exists()
    assert "“A post about you” is not published yet" in response.text


@pytest.mark.parametrize("kind", ["scenario", "quiz"])
def test_unpublishing_an_activity_a_live_module_requires_says_what_learners_meet(
    client, editor, course, kind
):
    """Unpublishing a scenario or quiz that live modules require was confirmed with
    nothing said of them: learners then meet "not available" in those modules and complete
    them without it, just by saying they have read them. The confirmation now names them."""
    from tests.assessments.conftest import make_quiz
    from tests.courses.conftest import module_page
    from tests.scenarios.helpers import published_scenario

    roles_sync()
    activity = published_scenario(title="A post about you") if kind == "scenario" else make_quiz()
    module_page(
        course,
        "targeted",
        title="What happened next",
        body=[(kind, {kind: activity, "required": True})],
    )
    client.force_login(editor)
    app = "scenarios" if kind == "scenario" else "assessments"
    url = reverse(f"wagtailsnippets_{app}_{kind}:unpublish", args=[activity.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Live modules require this: “What happened next”." in response.text
    assert "by saying they have read them" in response.text


@pytest.mark.parametrize("kind", ["scenario", "quiz"])
def test_unpublishing_an_activity_says_a_module_requiring_others_completes_when_they_are_done(
    client, editor, pupil, course, kind
):
    """docs/authoring.md: a learner completes a module when they have finished every required
    activity on it, and one with no required activity by saying they have read it. The
    confirmation told the editor that learners complete every module requiring the activity
    "by saying they have read them", but a module that also requires another activity has no
    "I've read this": learners complete it by finishing that one (on opening it, if they
    already have). The confirmation now says which modules complete which way."""
    from courses.selectors import module_context
    from h5p.models import H5PActivity
    from tests.assessments.conftest import make_quiz
    from tests.courses.conftest import module_page
    from tests.courses.test_services import complete_activity
    from tests.scenarios.helpers import published_scenario
    from xapi.identity import activity_iri

    roles_sync()
    activity = published_scenario(title="A post about you") if kind == "scenario" else make_quiz()
    other = H5PActivity.objects.create(title="Drag the words")
    module_page(
        course,
        "on-its-own",
        title="What happened next",
        body=[(kind, {kind: activity, "required": True})],
    )
    both = module_page(
        course,
        "with-another",
        title="Who to tell",
        body=[(kind, {kind: activity, "required": True}), ("h5p", {"activity": other})],
    )
    client.force_login(editor)
    app = "scenarios" if kind == "scenario" else "assessments"
    url = reverse(f"wagtailsnippets_{app}_{kind}:unpublish", args=[activity.pk])
    text = client.get(url).text
    assert "Live modules require this: “What happened next” and “Who to tell”." in text
    assert (
        "complete “What happened next” without it, by saying they have read it, and "
        "“Who to tell” once they have finished the rest of what it requires."
    ) in text

    # What the pupil meets once it is unpublished: "Who to tell" is complete when the H5P is.
    activity.unpublish()
    both = type(both).objects.get(pk=both.pk)
    complete_activity(pupil, activity_iri("h5p", other.uuid))
    client.force_login(pupil)
    assert client.get(both.url).context["module_complete"] is True
    assert not module_context(learner=pupil, module=both)["can_confirm_read"]


def test_unpublishing_a_scenario_tells_the_editor_that_learners_part_way_can_finish_it(
    client, editor, pupil, course
):
    """DESIGN.md: "An attempt pins the revision it started on, so edits never break a learner
    half-way." A learner part-way through an unpublished scenario still sees where they are
    and can reach an ending; only starting it is refused. The confirmation said learners were
    told it is not available: it now says what those part-way through meet."""
    from scenarios.models import ScenarioAttempt
    from tests.courses.conftest import module_page
    from tests.scenarios.helpers import published_scenario

    roles_sync()
    scenario = published_scenario(title="A post about you")
    module = module_page(
        course,
        "targeted",
        title="What happened next",
        body=[("scenario", {"scenario": scenario, "required": True})],
    )
    client.force_login(pupil)
    client.post(reverse("scenarios:start", args=[scenario.uuid]), {"module": module.pk})
    attempt = ScenarioAttempt.objects.get(learner=pupil)
    choose = reverse("scenarios:choose", args=[attempt.uuid])
    client.post(choose, {"node": "start", "step": 0, "choice": "share"})

    client.force_login(editor)
    url = reverse("wagtailsnippets_scenarios_scenario:unpublish", args=[scenario.pk])
    text = client.get(url).text
    assert "learners who have not started it are told there that it is not available" in text
    assert "Learners part-way through it can still finish it" in text
    scenario.unpublish()

    client.force_login(pupil)
    page = client.get(module.url).text
    assert "You chose:" in page and "This scenario is not available yet." not in page
    client.post(choose, {"node": "shared", "step": 1, "choice": "oops"})
    attempt.refresh_from_db()
    assert attempt.outcome and attempt.finished_at


def test_deleting_courses_learners_used_in_bulk_warns_what_goes_with_them(
    admin_client, school, teacher, staff_course
):
    """The page explorer's "Delete" for several pages at once asked only "Are you sure?":
    the progress, assignments and reflections deleted with a course went without a word."""
    from courses.models import Reflection
    from courses.services import course_registration
    from tests.courses.conftest import module_page

    module = module_page(staff_course, "reflect", title="Reflect")
    course_registration(learner=teacher, course=staff_course)
    Reflection.objects.create(learner=teacher, module=module, block_id="b", text="Mine")
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete"))
    page = admin_client.get(f"{url}?id={staff_course.pk}").text
    assert "Learners have used this. Deleting it also deletes the progress of 1 person" in page
    assert "To withdraw it and keep all of this, unpublish it instead." in page
    assert page.count("Learners have used this") == 1
    admin_client.post(f"{url}?id={staff_course.pk}")
    assert not CoursePage.objects.filter(pk=staff_course.pk).exists()


@pytest.mark.parametrize(
    ("assigned_to", "refused"), [(Role.STAFF, True), (Role.SAFEGUARDING_LEAD, False)]
)
def test_a_course_cannot_be_moved_to_an_audience_its_assignments_could_not_take(
    client, editor, school, staff_course, assigned_to, refused
):
    """A school assigned the course to all its staff: made for safeguarding leads only, the
    teachers could never open it and would be chased for it for ever. The editor is told
    which schools assigned it to whom; an audience every assignment still fits is kept."""
    from datetime import date, timedelta

    from records.services import assignment_create

    assignment_create(
        school=school,
        course_page_id=staff_course.pk,
        role=assigned_to,
        due_on=date.today() + timedelta(days=30),
    )
    client.force_login(editor)
    data = publish_course_form(staff_course, Audience.SAFEGUARDING_LEADS)
    response = client.post(f"/admin/pages/{staff_course.pk}/edit/", data)
    staff_course.refresh_from_db()
    if refused:
        assert response.status_code == 200
        (message,) = response.context["form"].errors["audience"]
        assert school.name in message
        assert staff_course.audience == Audience.STAFF
    else:
        assert response.status_code == 302
        assert staff_course.audience == Audience.SAFEGUARDING_LEADS


def _republished_after_deleting(chosen, *, client, course, data, chooser):
    """Publish a new module from `data`, delete what its `chooser` field chose, then publish
    the module again as its edit form posts it back: the blocks keep their ids and the
    chooser is empty. A draft is saved first, as the editor's autosave does, which keeps the
    chooser empty. Returns the response to publishing."""
    add = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
    response = client.post(add, {**data, "action-publish": "1"})
    assert response.status_code == 302
    module = ModulePage.objects.get(slug=data["slug"])
    block_ids = [child.id for child in module.body]
    chosen.delete()

    data = {**data, chooser: ""}
    for index, block_id in enumerate(block_ids):
        data[f"body-{index}-id"] = block_id
    edit = reverse("wagtailadmin_pages:edit", args=[module.pk])
    assert client.post(edit, data).status_code == 302
    return client.post(edit, {**data, "action-publish": "1"})


def test_publishing_a_module_whose_scenario_was_deleted_says_so_beside_the_block(
    client, editor, course
):
    """The chooser of a deleted scenario comes back empty; the editor is told why, not only
    that the field is required."""
    from scenarios.models import Scenario

    scenario = Scenario.objects.create(title="The crest account", live=True)
    client.force_login(editor)

    response = _republished_after_deleting(
        scenario,
        client=client,
        course=course,
        data=_module_with(scenario, required=True),
        chooser="body-1-value-scenario",
    )

    assert response.status_code == 200
    error = response.context["form"].errors.as_data()["body"][0]
    beside = error.block_errors[1].block_errors["scenario"]
    assert beside.messages == [
        "The scenario chosen here has been deleted. Choose another, or delete this block."
    ]


def _module_with_image(image, *, slug="pictured"):
    return _module_form(
        [("image", {"image": image.pk, "alt_text": "A privacy menu", "caption": "Hi"})],
        title="Pictured",
        slug=slug,
    )


def test_publishing_a_module_whose_image_was_deleted_says_so_beside_the_block(
    client, editor, course
):
    """An image deleted from the image library comes back as an empty chooser; the editor is
    told it was deleted, not only that the field is required."""
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="Settings screen", file=get_test_image_file())
    client.force_login(editor)

    response = _republished_after_deleting(
        image,
        client=client,
        course=course,
        data=_module_with_image(image),
        chooser="body-0-value-image",
    )

    assert response.status_code == 200
    error = response.context["form"].errors.as_data()["body"][0]
    beside = error.block_errors[0].block_errors["image"]
    assert beside.messages == [
        "The image chosen here has been deleted from the image library. Choose another, "
        "or delete this block."
    ]


def test_a_case_study_without_a_source_may_be_saved_as_a_draft_but_not_published(
    client, editor, course
):
    """A draft may be unfinished (docs/authoring.md, "Preview, drafts and publishing"); the
    missing source is said when the module is published."""
    client.force_login(editor)
    add = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
    data = _module_form(
        [
            (
                "case_study",
                {
                    "title": "A real case",
                    "summary": "What happened.",
                    "body": rich_text("<p>The story.</p>"),
                    "sources": list_block([]),
                },
            )
        ]
    )
    assert client.post(add, data).status_code == 302
    module = ModulePage.objects.get(slug="lesson")
    assert not module.live

    edit = reverse("wagtailadmin_pages:edit", args=[module.pk])
    response = client.post(edit, {**data, "action-publish": "1"})

    assert response.status_code == 200
    assert "Add at least one source." in response.content.decode()
    module.refresh_from_db()
    assert not module.live


@pytest.mark.parametrize(
    ("platforms", "message"),
    [
        ([], "Add at least one platform."),
        (
            [{"platform": "Instagram", "items": list_block([])}],
            "Add at least one setting to check.",
        ),
    ],
)
def test_publishing_a_checklist_with_nothing_to_check_says_so_in_plain_words(
    client, editor, course, platforms, message
):
    """Not Wagtail's "The minimum number of items is 1", which names neither."""
    client.force_login(editor)
    add = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
    data = {
        **_module_form(
            [
                (
                    "checklist",
                    {
                        "title": "Check your settings",
                        "intro": rich_text(""),
                        "platforms": list_block(platforms),
                    },
                )
            ]
        ),
        "action-publish": "1",
    }

    response = client.post(add, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ModulePage.objects.filter(slug="lesson").exists()
