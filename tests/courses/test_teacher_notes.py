"""Notes for the teacher: guidance on a pupils' lesson for the member of staff leading it.
Staff see them in the teaching view and editors in preview; a pupil's page never carries
them. The disclosure reminder names the school's own safeguarding lead."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.models import ModulePage
from schools.models import School
from schools.roles import Role
from tests.courses.conftest import module_page
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOTES = {
    "heading": "Ground rules for the class",
    "minutes": 5,
    "text": "<p>Agree that nobody names a real member of staff.</p>",
    "disclosure": True,
}


@pytest.fixture
def noted_lesson(course):
    return module_page(
        course,
        "noted",
        title="What happened",
        body=[
            ("teacher_notes", NOTES),
            ("text", "<p>Accounts that mock teachers hurt real people.</p>"),
            ("teacher_notes", {**NOTES, "heading": "Discussion", "minutes": None}),
        ],
    )


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_a_pupil_never_gets_the_notes_in_their_page(client, pupil, noted_lesson):
    client.force_login(pupil)
    html = _main(client.get(noted_lesson.url).content.decode())
    assert "Accounts that mock teachers hurt real people." in html
    assert "Ground rules for the class" not in html
    assert "Agree that nobody names a real member of staff." not in html
    assert "For the teacher: pupils do not see this" not in html
    # No empty box left where the notes were.
    assert "module-block--teacher_notes" not in html
    assert html.count('class="module-block ') == 1


def test_a_teacher_sees_them_with_the_time_and_who_to_tell(
    client, teacher, safeguarding_lead, noted_lesson
):
    client.force_login(teacher)
    html = _main(client.get(noted_lesson.url).content.decode())
    assert "Teaching view" in html
    assert html.count("For the teacher: pupils do not see this") == 2
    assert "Ground rules for the class" in html and "About 5 minutes" in html
    assert "Agree that nobody names a real member of staff." in html
    assert html.count("teacher-notes__time") == 1  # the second note gives no time
    assert "If a pupil tells you something worrying" in html
    assert "Tell the Designated Safeguarding Lead the same day" in html
    assert f"At Test Academy that is {safeguarding_lead.get_full_name()}." in html


def test_the_reminder_uses_the_schools_title_and_names_every_current_lead(
    client, school, teacher, safeguarding_lead, noted_lesson
):
    school.nation = School.Nation.WALES
    school.save()
    second = UserFactory(
        school=school, first_name="Zoe", last_name="Zephaniah", roles=[Role.SAFEGUARDING_LEAD]
    )
    UserFactory(
        school=school,
        first_name="Lee",
        last_name="Left",
        roles=[Role.SAFEGUARDING_LEAD],
        is_active=False,
    )
    UserFactory(first_name="Otto", last_name="Other", roles=[Role.SAFEGUARDING_LEAD])
    client.force_login(teacher)
    html = _main(client.get(noted_lesson.url).content.decode())
    assert "Tell the Designated Safeguarding Person the same day" in html
    names = f"{safeguarding_lead.get_full_name()} and {second.get_full_name()}"
    assert f"At Test Academy that is {names}; tell any of them." in html
    assert "Lee Left" not in html and "Otto Other" not in html


def test_a_school_with_no_lead_on_upstander_is_told_to_ask(client, teacher, noted_lesson):
    client.force_login(teacher)
    html = client.get(noted_lesson.url).content.decode()
    assert "Nobody at your school holds this role on Upstander yet" in html


def test_a_teacher_hides_the_notes_to_project_the_lesson(client, teacher, course, noted_lesson):
    following = module_page(
        course, "after", title="Afterwards", body=[("teacher_notes", {**NOTES, "heading": "Next"})]
    )
    client.force_login(teacher)
    html = _main(client.get(noted_lesson.url).content.decode())
    hide = f'href="{noted_lesson.url}?notes=hidden"'
    assert hide in html and "Hide the notes for the teacher, to project this page" in html

    html = _main(client.get(noted_lesson.url, {"notes": "hidden"}).content.decode())
    assert "Accounts that mock teachers hurt real people." in html
    assert "Ground rules for the class" not in html
    assert "For the teacher: pupils do not see this" not in html
    assert "module-block--teacher_notes" not in html
    assert "the notes for the teacher are hidden" in html
    assert f'href="{noted_lesson.url}">Show the notes for the teacher</a>' in html
    # Moving on through the lesson keeps them hidden.
    assert f'href="{following.url}?notes=hidden" rel="next"' in html
    html = _main(client.get(following.url, {"notes": "hidden"}).content.decode())
    assert "For the teacher: pupils do not see this" not in html
    assert f'href="{noted_lesson.url}?notes=hidden" rel="prev"' in html


def test_the_course_page_gives_the_teacher_the_lessons_plan_and_pupils_nothing(
    client, teacher, pupil, course, noted_lesson
):
    client.force_login(teacher)
    html = _main(client.get(course.url).content.decode())
    assert "Notes for the teacher:" in html
    assert "<li>Ground rules for the class <span" in html and "(about 5 minutes)" in html
    assert "<li>Discussion</li>" in html  # no time given
    client.force_login(pupil)
    html = _main(client.get(course.url).content.decode())
    assert "What happened" in html
    assert "Notes for the teacher" not in html and "Ground rules for the class" not in html


def test_a_module_without_notes_offers_nothing_to_hide(client, teacher, lesson):
    client.force_login(teacher)
    html = client.get(lesson.url).content.decode()
    assert "Teaching view" in html
    assert "Hide the notes for the teacher" not in html


def _module_form(body) -> dict:
    return nested_form_data(
        {
            "title": "Talking about it",
            "slug": "talking-about-it",
            "summary": "A lesson.",
            "estimated_minutes": 10,
            "content_warning": "",
            "body": streamfield(body),
        }
    )


FORM_NOTES = (
    "teacher_notes",
    {
        "heading": "Ground rules for the class",
        "minutes": "5",
        "text": rich_text("<p>Agree that nobody names a real member of staff.</p>"),
        "disclosure": "on",
    },
)


def test_an_editor_adds_notes_to_a_pupils_lesson_and_sees_them_in_preview(client, editor, course):
    client.force_login(editor)
    data = _module_form([("text", rich_text("<p>Read this.</p>")), FORM_NOTES])
    data["action-publish"] = "action-publish"
    url = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
    assert client.post(url, data).status_code == 302
    module = ModulePage.objects.get(slug="talking-about-it")
    assert module.live
    assert [c.block_type for c in module.body] == ["text", "teacher_notes"]
    assert module.body[1].value["minutes"] == 5 and module.body[1].value["disclosure"]

    preview = reverse("wagtailadmin_pages:preview_on_edit", args=[module.pk])
    assert client.post(preview, _module_form([FORM_NOTES])).json()["is_valid"]
    html = client.get(preview).content.decode()
    assert "Ground rules for the class" in html
    assert "For the teacher: pupils do not see this" in html
    # An editor belongs to no school: the reminder names the role, in both its titles.
    assert "the school's designated safeguarding lead (in Wales" in html


def test_notes_in_a_staff_course_are_refused_with_the_reason(client, editor, staff_course):
    client.force_login(editor)
    data = _module_form([("text", rich_text("<p>Read this.</p>")), FORM_NOTES])
    url = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", staff_course.pk])
    response = client.post(url, data)  # even as a draft
    assert response.status_code == 200
    assert "Notes for the teacher are shown only to staff leading a pupils" in (
        response.content.decode()
    )
    assert "This module is in a course for staff, so nobody would see them" in (
        response.content.decode()
    )
    assert not ModulePage.objects.filter(slug="talking-about-it").exists()


def test_publishing_shows_every_problem_of_the_body_at_once(client, editor, staff_course):
    from scenarios.models import Scenario

    draft = Scenario.objects.create(title="Lock it down", live=False)
    client.force_login(editor)
    data = _module_form([FORM_NOTES, ("scenario", {"scenario": draft.pk, "required": "on"})])
    data["action-publish"] = "action-publish"
    url = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", staff_course.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    # Each beside its own block, not one and then, once fixed, the other.
    error = response.context["form"].errors.as_data()["body"][0]
    assert "This module is in a course for staff" in error.block_errors[0].messages[0]
    beside = error.block_errors[1].block_errors["scenario"]
    assert "“Lock it down” is not published yet" in beside.messages[0]
    assert "cannot be published while it requires an activity" in response.content.decode()
    assert not ModulePage.objects.filter(slug="talking-about-it").exists()
