"""What learners see and do through the site: My learning, course and module pages."""

from html import unescape

import pytest
from django.urls import reverse

from courses.blocks import ChecklistBlock
from courses.models import Audience, ChecklistProgress, Reflection
from records.models import Completion
from tests.courses.conftest import course_index, course_page, module_page
from xapi.models import Statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def dsl_course(home_page):
    leads = course_index(
        home_page, title="Leads", slug="leads", audience=Audience.SAFEGUARDING_LEADS
    )
    return course_page(
        leads,
        title="Responding to abuse",
        slug="responding",
        summary="For leads.",
        estimated_minutes=50,
        learning_outcomes="Respond",
    )


def test_my_learning_shows_pupils_only_pupil_courses(client, pupil, course, staff_course):
    client.force_login(pupil)
    response = client.get(reverse("courses:my_learning"))
    assert response.status_code == 200
    assert [p.course.pk for p in response.context["courses"]] == [course.pk]
    assert b"Respect online" in response.content
    assert b"Your reputation online" not in response.content


def test_my_learning_shows_staff_staff_courses(client, teacher, course, staff_course, dsl_course):
    client.force_login(teacher)
    response = client.get(reverse("courses:my_learning"))
    assert [p.course.pk for p in response.context["courses"]] == [staff_course.pk]


def test_safeguarding_leads_also_see_the_course_for_leads(
    client, safeguarding_lead, course, staff_course, dsl_course
):
    client.force_login(safeguarding_lead)
    response = client.get(reverse("courses:my_learning"))
    assert {p.course.pk for p in response.context["courses"]} == {staff_course.pk, dsl_course.pk}


def test_my_learning_needs_sign_in(client):
    response = client.get(reverse("courses:my_learning"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_course_page_shows_modules_and_progress(client, pupil, course, modules):
    client.force_login(pupil)
    response = client.get(course.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "0 of 3 modules complete" in html
    assert html.index("Module 1") < html.index("Module 2") < html.index("Module 3")
    assert 'value="0"' in html


def test_pupil_cannot_open_a_staff_course(client, pupil, staff_course):
    client.force_login(pupil)
    assert client.get(staff_course.url).status_code == 404


def test_the_modules_of_an_unpublished_course_are_closed_to_learners(
    client, pupil, teacher, editor, course, modules
):
    # Unpublishing a course in the admin leaves its modules published unless asked.
    course.unpublish()
    client.force_login(pupil)
    assert client.get(modules[0].url).status_code == 404
    response = client.post(reverse("courses:module_read", args=[modules[0].pk]))
    assert response.status_code == 404
    assert not Completion.objects.filter(learner=pupil).exists()
    client.force_login(teacher)
    assert client.get(modules[0].url).status_code == 404
    client.force_login(editor)  # still checking their work
    assert client.get(modules[0].url).status_code == 200


def test_course_page_needs_sign_in(client, course):
    response = client.get(course.url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_starting_a_course_goes_to_the_first_module(client, pupil, course, modules):
    client.force_login(pupil)
    response = client.post(reverse("courses:course_start", args=[course.pk]))
    assert response.status_code == 302
    assert response["Location"] == modules[0].url


def test_start_is_refused_for_a_course_not_open_to_the_learner(client, pupil, staff_course):
    client.force_login(pupil)
    response = client.post(reverse("courses:course_start", args=[staff_course.pk]))
    assert response.status_code == 404


def test_opening_a_module_records_experienced_and_shows_previous_and_next(
    client, pupil, course, modules
):
    client.force_login(pupil)
    response = client.get(modules[1].url)
    assert response.status_code == 200
    assert response.context["previous_module"].pk == modules[0].pk
    assert response.context["next_module"].pk == modules[2].pk
    assert b"Module 2 of 3" in response.content
    assert Statement.objects.filter(
        learner=pupil, object_iri=modules[1].activity_iri, verb_iri__endswith="experienced"
    ).exists()


def test_ive_read_this_completes_the_module_and_moves_the_progress_bar(
    client, pupil, course, modules
):
    client.force_login(pupil)
    assert b"I've read this" in client.get(modules[0].url).content
    response = client.post(reverse("courses:module_read", args=[modules[0].pk]))
    assert response.status_code == 302
    assert Completion.objects.filter(learner=pupil, activity_iri=modules[0].activity_iri).exists()
    html = client.get(course.url).content.decode()
    assert "1 of 3 modules complete" in html
    module_html = client.get(modules[0].url).content.decode()
    assert "You have completed this module" in module_html


def test_progress_survives_signing_out_and_in_again(client, pupil, course, modules):
    client.force_login(pupil)
    client.post(reverse("courses:module_read", args=[modules[0].pk]))
    client.post(reverse("logout"))
    client.force_login(pupil)
    assert "1 of 3 modules complete" in client.get(course.url).content.decode()


def test_module_with_an_activity_has_no_read_button_and_does_not_crash_without_its_template(
    client, pupil, course
):
    from assessments.models import Quiz

    quiz = Quiz.objects.create(title="The quiz")
    module = module_page(course, "quiz-module", body=[("quiz", {"quiz": quiz, "required": True})])
    client.force_login(pupil)
    response = client.get(module.url)
    assert response.status_code == 200
    assert b"I've read this" not in response.content
    assert b"Finish the activity on this page" in response.content
    response = client.post(reverse("courses:module_read", args=[module.pk]))
    assert response.status_code == 302
    assert not Completion.objects.filter(learner=pupil, activity_iri=module.activity_iri).exists()


def test_content_warning_is_shown_before_the_module_body(client, pupil, course):
    module = module_page(course, "warned", body=[("text", "<p>The body.</p>")])
    module.content_warning = "This talks about abuse."
    module.save_revision().publish()
    client.force_login(pupil)
    html = client.get(module.url).content.decode()
    assert html.index("This talks about abuse.") < html.index("The body.")


@pytest.fixture
def checklist_module(course):
    return module_page(
        course,
        "checklist",
        body=[
            (
                "checklist",
                {
                    "title": "Check your settings",
                    "intro": "",
                    "platforms": [{"platform": "Instagram", "items": ["Private", "Tags"]}],
                },
            )
        ],
    )


def test_checklist_ticks_save_without_javascript_and_show_next_time(
    client, pupil, checklist_module
):
    child = checklist_module.body[0]
    items = ChecklistBlock.item_ids(child.value)
    client.force_login(pupil)
    url = reverse("courses:checklist_save", args=[checklist_module.pk, child.id])
    response = client.post(url, {"item": [items[1]]})
    assert response.status_code == 302
    html = client.get(checklist_module.url).content.decode()
    assert f'value="{items[1]}" id="item-{items[1]}" checked' in html
    assert f'value="{items[0]}" id="item-{items[0]}">' in html


def test_checklist_save_answers_json_for_the_script(client, pupil, checklist_module):
    child = checklist_module.body[0]
    items = ChecklistBlock.item_ids(child.value)
    client.force_login(pupil)
    url = reverse("courses:checklist_save", args=[checklist_module.pk, child.id])
    response = client.post(url, {"item": items}, HTTP_ACCEPT="application/json")
    assert response.json() == {"ticked": items}
    assert ChecklistProgress.objects.get(learner=pupil).ticked == items
    gone = client.post(url, {"item": [items[0]]}, HTTP_ACCEPT="application/json")
    assert gone.json() == {"ticked": [items[0]]}
    bad = client.post(
        reverse("courses:checklist_save", args=[checklist_module.pk, "not-a-block"]),
        {"item": items},
        HTTP_ACCEPT="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]


def test_reflection_is_saved_and_shown_only_to_its_author(client, pupil, course):
    from schools.roles import Role
    from tests.factories import UserFactory

    module = module_page(course, "reflect", body=[("reflection", {"prompt": "How?", "hint": ""})])
    block_id = module.body[0].id
    client.force_login(pupil)
    url = reverse("courses:reflection_save", args=[module.pk, block_id])
    client.post(url, {"answer": "My private thought"})
    assert Reflection.objects.get(learner=pupil).text == "My private thought"
    assert "My private thought" in client.get(module.url).content.decode()
    other = UserFactory(school=pupil.school, roles=[Role.PUPIL])
    client.force_login(other)
    assert "My private thought" not in client.get(module.url).content.decode()


def test_an_answer_to_a_reflection_no_longer_in_the_module_is_refused_out_loud(
    client, pupil, course
):
    module = module_page(course, "reflect", body=[("reflection", {"prompt": "How?", "hint": ""})])
    old_id = module.body[0].id
    # An editor replaces the prompt while the pupil is writing their answer.
    module.body = [("reflection", {"prompt": "How would they feel?", "hint": ""})]
    module.save_revision().publish()
    client.force_login(pupil)
    url = reverse("courses:reflection_save", args=[module.pk, old_id])
    response = client.post(url, {"answer": "My private thought"}, follow=True)
    assert not Reflection.objects.exists()
    assert "That part of the module no longer exists. Reload the page." in (
        response.content.decode()
    )


def test_posting_to_a_staff_module_as_a_pupil_is_refused(client, pupil, staff_course):
    module = module_page(staff_course, "staff-module")
    client.force_login(pupil)
    response = client.post(reverse("courses:module_read", args=[module.pk]))
    assert response.status_code == 404
    assert not Completion.objects.exists()


def test_actions_need_post(client, pupil, course, modules):
    client.force_login(pupil)
    assert client.get(reverse("courses:module_read", args=[modules[0].pk])).status_code == 405


def test_finishing_a_staff_course_points_to_the_certificate_in_my_cpd(
    client, teacher, staff_course
):
    only = module_page(staff_course, "only-module", title="The only module")
    client.force_login(teacher)
    before = client.get(staff_course.url).content.decode()
    assert reverse("records:my_cpd") not in before.split('id="main"')[-1].split("</main>")[0]

    response = client.post(reverse("courses:module_read", args=[only.pk]), follow=True)

    html = response.content.decode()
    assert "You have completed this course" in html
    assert "Your certificate is in your CPD record" in html
    main = html.split('id="main"')[-1].split("</main>")[0]
    assert f'href="{reverse("records:my_cpd")}"' in main
    course_html = client.get(staff_course.url).content.decode()
    assert "Your certificate is in your CPD record" in course_html


def test_finishing_a_pupils_course_says_nothing_about_cpd(client, pupil, course):
    only = module_page(course, "only-lesson", title="The only lesson")
    client.force_login(pupil)
    response = client.post(reverse("courses:module_read", args=[only.pk]), follow=True)
    html = response.content.decode()
    assert "You have completed this course" in html
    assert "CPD record" not in html


def test_clearing_a_reflection_says_no_answer_is_kept_rather_than_saved(
    client, teacher, staff_course
):
    module = module_page(
        staff_course, "reflect", body=[("reflection", {"prompt": "Who is first?", "hint": ""})]
    )
    client.force_login(teacher)
    url = reverse("courses:reflection_save", args=[module.pk, module.body[0].id])
    client.post(url, {"answer": "My line manager, Ms Private-Plan"}, follow=True)

    response = client.post(url, {"answer": "  "}, follow=True)

    html = response.content.decode()
    assert "The box is empty, so no answer is kept." in html
    assert "Your answer is saved." not in html
    assert "Ms Private-Plan" not in html


def test_a_module_page_title_names_its_course_too(client, pupil, course, modules):
    # Two courses may each have an "Introduction": the browser tab and history tell them apart.
    client.force_login(pupil)
    html = client.get(modules[0].url).content.decode()
    assert "<title>Module 1 \u2013 Respect online · Upstander</title>" in html


@pytest.mark.parametrize("where", ["course", "my_learning"])
def test_a_course_completed_before_a_module_was_added_shows_a_full_bar_beside_complete(
    client, pupil, course, modules, where
):
    """The course stays complete when an editor adds a module afterwards (only "Requires
    renewal" asks everyone to go through it again): its bar says so too, and the modules
    done are given beside it, rather than "Complete" next to a bar two thirds full."""
    from courses.services import module_read_confirm

    for module in modules:
        module_read_confirm(learner=pupil, module=module)
    module_page(course, "added-later")
    client.force_login(pupil)
    url = course.url if where == "course" else reverse("courses:my_learning")
    html = " ".join(client.get(url).content.decode().split())
    assert 'value="100"' in html
    assert "Complete (3 of 4 modules)" in html


def test_the_home_page_title_says_what_the_site_is_without_naming_it_twice(client, home_page):
    # WCAG 2.4.2: the title is the first thing a screen reader says and what a tab or a
    # bookmark shows. The home page is called "Upstander", as the site is, so its title
    # gives the site's purpose before the site's name rather than "Upstander · Upstander".
    html = client.get(home_page.url).content.decode()
    assert "<title>Online-safety training for schools · Upstander</title>" in html
    # An SEO title set by an editor is used as it is, before the site's name.
    home_page.seo_title = "Upstander at Oakfield Trust"
    home_page.save_revision().publish()
    html = client.get(home_page.url).content.decode()
    assert "<title>Upstander at Oakfield Trust · Upstander</title>" in html


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ("x" * 5001, "Your answer is too long"),
        ("a\x00b", "has a character in it that cannot be saved"),
    ],
)
def test_a_refused_reflection_answer_box_is_marked_invalid_and_linked_to_why(
    client, pupil, course, answer, says
):
    """The reason was shown beside the box, but a screen reader on the box heard neither
    that it was refused nor why (WCAG 3.3.1)."""
    import re

    module = module_page(course, "reflect", body=[("reflection", {"prompt": "How?", "hint": ""})])
    block_id = module.body[0].id
    client.force_login(pupil)
    url = reverse("courses:reflection_save", args=[module.pk, block_id])
    html = client.post(url, {"answer": answer}, follow=True).content.decode()
    (box,) = re.findall(r"<textarea[^>]*>", html)
    assert 'aria-invalid="true"' in box
    described_by = re.search(r'aria-describedby="([^"]*)"', box).group(1).split()
    assert f"answer-{block_id}-hint" in described_by
    (error_id,) = [i for i in described_by if i != f"answer-{block_id}-hint"]
    error = re.search(rf'<[^>]*id="{error_id}"[^>]*>(.*?)</', html, re.S).group(1)
    assert says in error


def test_a_saved_reflection_answer_box_is_not_marked_invalid(client, pupil, course):
    import re

    module = module_page(course, "reflect", body=[("reflection", {"prompt": "How?", "hint": ""})])
    block_id = module.body[0].id
    client.force_login(pupil)
    url = reverse("courses:reflection_save", args=[module.pk, block_id])
    html = client.post(url, {"answer": "Fine"}, follow=True).content.decode()
    assert "Your answer is saved" in html
    assert "Only you can see it" not in html  # the safeguarding lead can, in an export
    (box,) = re.findall(r"<textarea[^>]*>", html)
    assert "aria-invalid" not in box
    assert f'aria-describedby="answer-{block_id}-hint"' in box


@pytest.mark.parametrize("unpublished", ["course", "module"])
def test_a_reflection_sent_after_its_lesson_was_unpublished_says_why_and_where_to_go(
    client, pupil, course, unpublished
):
    """The pupil writes an answer while an editor takes the lesson off the site: they are
    told the lesson is no longer available and led on (to the course while it is still
    open, else their home page), not shown a bare "Page not found"."""
    module = module_page(course, "reflect", body=[("reflection", {"prompt": "How?", "hint": ""})])
    url = reverse("courses:reflection_save", args=[module.pk, module.body[0].id])
    (course if unpublished == "course" else module).unpublish()
    client.force_login(pupil)
    response = client.post(url, {"answer": "My private thought"})
    text = response.content.decode()
    assert response.status_code == 404
    assert "This lesson is no longer available" in text
    assert "Your answer was not saved" in text
    assert "Page not found" not in text
    expected = course.url if unpublished == "module" else reverse("home")
    assert f'href="{expected}"' in text
    assert not Reflection.objects.exists()


def test_ticks_sent_by_script_after_the_lesson_was_unpublished_say_why(
    client, pupil, checklist_module
):
    """The checklist's script shows the reason it is given: the lesson is gone."""
    child = checklist_module.body[0]
    url = reverse("courses:checklist_save", args=[checklist_module.pk, child.id])
    checklist_module.unpublish()
    client.force_login(pupil)
    item = ChecklistBlock.item_ids(child.value)[0]
    response = client.post(url, {"item": [item]}, HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    assert "no longer available" in response.json()["error"]


def test_ticks_made_on_a_page_opened_before_an_editor_took_an_item_off_are_saved(
    client, teacher, staff_course
):
    """A member of staff has the CPD checklist open while an editor takes one of its items
    off. Their new ticks still come with the old item's: the ticks for the items still on the
    checklist are saved (and they are told about the one taken off), not all refused."""
    module = module_page(
        staff_course,
        "settings",
        body=[
            (
                "checklist",
                {
                    "title": "Check your settings",
                    "intro": "",
                    "platforms": [{"platform": "Instagram", "items": ["Private", "Tags", "Map"]}],
                },
            )
        ],
    )
    child = module.body[0]
    items = ChecklistBlock.item_ids(child.value)
    client.force_login(teacher)
    url = reverse("courses:checklist_save", args=[module.pk, child.id])
    client.post(url, {"item": [items[0]]})
    body = module.body.raw_data
    platform = body[0]["value"]["platforms"][0]["value"]
    platform["items"] = [i for i in platform["items"] if i["id"] != items[1]]
    module.body = list(body)
    module.save_revision().publish()

    response = client.post(url, {"item": items}, follow=True)  # the old page: all three
    progress = ChecklistProgress.objects.get(learner=teacher, block_id=child.id)
    assert progress.ticked == [items[0], items[2]]
    html = response.content.decode()
    assert "was taken off the checklist" in html
    assert f'value="{items[2]}" id="item-{items[2]}" checked' in html

    answer = client.post(url, {"item": items}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 200
    assert answer.json()["ticked"] == [items[0], items[2]]
    assert "was taken off the checklist" in answer.json()["notice"]


def test_a_staff_reflection_speaks_to_a_member_of_staff_not_to_a_pupil(
    client, teacher, staff_course
):
    """Staff doing CPD have no teachers: the hint and the saved message say their
    colleagues cannot see the answer, and the lead can, as pupils are told of teachers."""
    module = module_page(
        staff_course, "reflect", body=[("reflection", {"prompt": "How?", "hint": ""})]
    )
    block_id = module.body[0].id
    client.force_login(teacher)
    page = client.get(module.url).content.decode()
    assert "Your colleagues can't see your answer." in page
    assert "Your teachers can't see your answer." not in page
    response = client.post(
        reverse("courses:reflection_save", args=[module.pk, block_id]),
        {"answer": "Check my old posts"},
        follow=True,
    )
    html = unescape(response.content.decode())
    assert "Your answer is saved. Your colleagues can't see it." in html
    assert "Your answer is saved. Your teachers can't see it." not in html


def test_a_pupils_reflection_still_says_their_teachers_cannot_see_it(client, pupil, course):
    module = module_page(course, "reflect", body=[("reflection", {"prompt": "How?", "hint": ""})])
    client.force_login(pupil)
    response = client.post(
        reverse("courses:reflection_save", args=[module.pk, module.body[0].id]),
        {"answer": "Tell someone"},
        follow=True,
    )
    html = unescape(response.content.decode())
    assert "Your teachers can't see your answer." in html
    assert "Your answer is saved. Your teachers can't see it." in html
