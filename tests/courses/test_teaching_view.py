"""The teaching view: staff open pupils' lessons to prepare them or lead them with a class.
They see the content, the activities described rather than played, and nothing is recorded."""

from html import unescape

import pytest
from django.urls import reverse
from django.utils.html import escape

from courses.selectors import course_in_teaching_view, courses_to_teach
from records.models import Completion
from scenarios.models import ClassroomSession
from schools.roles import Role
from tests.factories import UserFactory
from xapi.models import Statement

pytestmark = pytest.mark.django_db


def test_staff_see_pupils_lessons_in_the_teaching_view(teacher, safeguarding_lead, course):
    assert course_in_teaching_view(user=teacher, course=course)
    assert course_in_teaching_view(user=safeguarding_lead, course=course)
    assert list(courses_to_teach(user=teacher)) == [course]


def test_pupils_editors_and_staff_courses_are_not_in_the_teaching_view(
    pupil, editor, teacher, course, staff_course
):
    assert not course_in_teaching_view(user=pupil, course=course)
    assert not course_in_teaching_view(user=editor, course=course)
    assert not course_in_teaching_view(user=teacher, course=staff_course)
    assert not courses_to_teach(user=pupil).exists()


def test_a_teacher_opens_a_pupils_lesson_and_nothing_is_recorded(client, teacher, course, lesson):
    client.force_login(teacher)
    response = client.get(course.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Teaching view" in html and "What to do if you see it" in html
    assert reverse("courses:course_start", args=[course.pk]) not in html
    assert "modules complete" not in html

    html = client.get(lesson.url).content.decode()
    assert "Teaching view" in html
    assert "Accounts that mock teachers hurt real people." in html
    assert "How would the teacher feel?" in html and "Is it kind?" in html
    # No form that would save anything for the teacher.
    assert 'method="post"' not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "I've read this" not in html
    # The scenario is described, with a way to run it with a class.
    scenario = lesson.body[3].value["scenario"]
    assert f"{reverse('scenarios:classroom_start')}?scenario={scenario.uuid}" in html
    assert "A friend shows you." in html
    # The quiz is described with its questions, not played.
    quiz = lesson.body[4].value["quiz"]
    for question in quiz.question_list():
        assert escape(question.prompt) in html
    assert "Start the quiz" not in html
    assert Statement.objects.filter(learner=teacher).count() == 0
    assert Completion.objects.filter(learner=teacher).count() == 0


def test_the_teaching_view_saves_nothing_even_when_posted_to(client, teacher, course, lesson):
    client.force_login(teacher)
    checklist = lesson.body[2]
    for url in (
        reverse("courses:module_read", args=[lesson.pk]),
        reverse("courses:course_start", args=[course.pk]),
        reverse("courses:checklist_save", args=[lesson.pk, checklist.id]),
        reverse("courses:reflection_save", args=[lesson.pk, lesson.body[1].id]),
    ):
        assert client.post(url, {"answer": "x", "item": ["a"]}).status_code == 404, url
    assert Statement.objects.filter(learner=teacher).count() == 0


def test_pupils_still_take_the_lesson(client, pupil, course, lesson):
    client.force_login(pupil)
    html = client.get(lesson.url).content.decode()
    assert "Teaching view" not in html
    assert reverse("courses:reflection_save", args=[lesson.pk, lesson.body[1].id]) in html
    assert Statement.objects.filter(learner=pupil).count() == 1  # experienced the module


def test_staff_without_a_school_or_a_staff_role_get_no_teaching_view(client, school, course):
    stranger = UserFactory(school=None, username="visitor", roles=[Role.STAFF])
    client.force_login(stranger)
    assert client.get(course.url).status_code == 404


def test_my_learning_lists_pupils_lessons_for_staff_only(client, teacher, pupil, course):
    client.force_login(teacher)
    html = client.get(reverse("courses:my_learning")).content.decode()
    assert "Pupils' lessons to teach" in html
    assert f'href="{course.url}"' in html
    client.force_login(pupil)
    html = client.get(reverse("courses:my_learning")).content.decode()
    assert "lessons to teach" not in html


def test_only_a_class_teacher_is_offered_classroom_mode(client, safeguarding_lead, lesson):
    # The safeguarding lead teaches no class: classroom mode would refuse them.
    client.force_login(safeguarding_lead)
    html = client.get(lesson.url).content.decode()
    assert "Teaching view" in html and "Try it yourself" in html
    assert reverse("scenarios:classroom_start") not in html
    assert client.get(reverse("scenarios:classroom_start")).status_code == 403


def test_a_class_that_finishes_the_lessons_scenario_is_led_back_to_the_lesson(
    client, teacher, klass, lesson
):
    scenario = lesson.body[3].value["scenario"]
    client.force_login(teacher)
    client.post(reverse("scenarios:classroom_start"), {"group": klass.pk, "scenario": scenario.pk})
    session = ClassroomSession.objects.get(group=klass)
    url = reverse("scenarios:classroom", args=[session.uuid])
    page = client.get(url).content.decode()
    assert "Back to the lesson" not in page  # not before the end
    client.post(url, {"node": "start", "step": 0, "turn": 0, "count-report": 20, "count-share": 3})
    client.post(
        url, {"node": "reported", "step": 1, "turn": 1, "count-tell": 15, "count-ignore": 5}
    )
    page = client.get(url).content.decode()
    assert "Ending: a good outcome" in page
    assert f'href="{lesson.url}">Back to the lesson: What to do if you see it</a>' in page
    assert "Teaching view" in client.get(lesson.url).content.decode()
    # And on to recording the lesson for the pupils who were there, that module ticked.
    record = reverse("courses:class_lesson", args=[lesson.course.pk])
    link = f"{record}?group={klass.pk}&amp;module={lesson.pk}"
    assert f'href="{link}">Record “What to do if you see it” for the pupils of 8R' in page


def test_a_colleague_finishes_a_run_whose_starter_has_left_and_is_led_back_to_the_lesson(
    client, teacher, klass, school, lesson
):
    """The way back to the lesson at the end is the viewer's: the teacher who started the
    run may have left the school (their account deleted) by the time a colleague ends it."""
    from schools.models import Membership

    scenario = lesson.body[3].value["scenario"]
    client.force_login(teacher)
    client.post(reverse("scenarios:classroom_start"), {"group": klass.pk, "scenario": scenario.pk})
    session = ClassroomSession.objects.get(group=klass)
    url = reverse("scenarios:classroom", args=[session.uuid])
    client.post(url, {"node": "start", "step": 0, "turn": 0, "count-report": 20, "count-share": 3})
    colleague = UserFactory(school=school, username="colleague", roles=[Role.STAFF])
    Membership.objects.create(group=klass, user=colleague, role=Membership.Role.TEACHER)
    teacher.delete()
    client.force_login(colleague)

    response = client.post(
        url, {"node": "reported", "step": 1, "turn": 1, "count-tell": 15, "count-ignore": 5}
    )
    assert response.status_code == 302
    page = client.get(url)

    assert page.status_code == 200
    assert "Ending: a good outcome" in page.text
    assert f'href="{lesson.url}">Back to the lesson: What to do if you see it</a>' in page.text


def test_the_teaching_view_tells_pupils_the_safeguarding_lead_can_open_their_reflection(
    client, teacher, lesson
):
    """A lesson projected to a class tells pupils who can read what they write: not their
    teachers, but the school's safeguarding lead can (DESIGN.md, reflections stay in the
    school's records), as the page they answer on says; not that only they can see it."""
    client.force_login(teacher)
    html = unescape(client.get(lesson.url).content.decode())
    assert "Teaching view" in html
    assert "Pupils can write an answer here that only they can see." not in html
    assert (
        "Their teachers can't see it. It is kept in the school's records, which the "
        "school's designated safeguarding lead can open."
    ) in html
