"""A teacher records a pupils' lesson they led with a class: each pupil who was there has
the modules as completed (statements like any other, naming the lesson and not the teacher),
and the class's PSHE record lists the lesson."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from courses.models import ClassLesson
from records.models import Completion
from schools.models import Group, Membership
from schools.roles import Role
from tests.courses.conftest import pupils_course
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    PupilFactory,
    SchoolFactory,
    UserFactory,
)
from xapi.models import Statement
from xapi.statements.profile import ext

pytestmark = pytest.mark.django_db


@pytest.fixture
def classmate(school, klass):
    pupil = PupilFactory(school=school, first_name="Ella", last_name="Wright")
    MembershipFactory(group=klass, user=pupil)
    return pupil


def _url(course, group=None):
    url = reverse("courses:class_lesson", args=[course.pk])
    return f"{url}?group={group.pk}" if group else url


def _lesson_form(group, modules, pupils, *, taught_on=None, **more) -> dict:
    """What the lesson form posts: `group` was taught `modules` on `taught_on` (today unless
    given; a date, or the text a teacher typed) and `pupils` were there."""
    taught_on = taught_on or timezone.localdate()
    return {
        "group": group.pk,
        "modules": [m.pk for m in modules],
        "taught_on": taught_on if isinstance(taught_on, str) else taught_on.isoformat(),
        "pupils": [p.pk for p in pupils],
        **more,
    }


def _weekly_lessons(count, *, teacher, klass, course, module):
    """`count` lessons of `module` the teacher recorded with the class, one a week back
    from today's, each with one pupil there."""
    today = timezone.localdate()
    for weeks in range(count):
        lesson = ClassLesson.objects.create(
            group=klass,
            course=course,
            taught_on=today - timedelta(weeks=weeks),
            pupil_count=1,
            recorded_by=teacher,
        )
        lesson.modules.set([module])


def _completed(pupil) -> set[str]:
    return set(Completion.objects.filter(learner=pupil).values_list("activity_iri", flat=True))


def test_a_teacher_records_a_lesson_for_the_pupils_who_were_there(
    client, teacher, pupil, classmate, klass, course, modules, safeguarding_lead
):
    pupil.first_name, pupil.last_name = "Zofia", "Kowalska"  # to look for in the statements
    pupil.save()
    client.force_login(teacher)
    # One class taught: the form comes straight up, everyone ticked.
    html = client.get(_url(course)).content.decode()
    assert "The lesson with 8R" in html
    assert html.count('name="pupils"') == 2 and html.count("checked") >= 2
    taught_on = timezone.localdate() - timedelta(days=2)
    response = client.post(
        _url(course),
        _lesson_form(klass, modules[:2], [pupil], taught_on=taught_on),  # Ella was absent
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("records:pshe_class", args=[klass.pk])
    assert _completed(pupil) == {modules[0].activity_iri, modules[1].activity_iri}
    assert _completed(classmate) == set()
    lesson = ClassLesson.objects.get()
    assert (lesson.group, lesson.course, lesson.pupil_count, lesson.recorded_by) == (
        klass,
        course,
        1,
        teacher,
    )
    assert {m.pk for m in lesson.modules.all()} == {modules[0].pk, modules[1].pk}
    # The statements name the lesson, and neither the teacher nor the pupil by name.
    body = Statement.objects.filter(object_iri=modules[0].activity_iri, learner=pupil).get().data
    assert body["context"]["extensions"] == {ext("class-lesson"): str(lesson.uuid)}
    assert "instructor" not in body["context"]
    text = str(body)
    assert teacher.email not in text and "Kowalska" not in text and "Zofia" not in text
    assert body["timestamp"].startswith(taught_on.isoformat())
    # The class's PSHE record says so.
    page = client.get(response["Location"]).content.decode()
    assert "The lesson is recorded: 1 pupil of 8R took “Respect online” with you." in page
    assert "Lessons taught to 8R" in page and "Module 1; Module 2" in page
    # The pupil's own PSHE record says where they did them.
    client.force_login(pupil)
    mine = " ".join(client.get(reverse("records:my_pshe")).content.decode().split())
    when = f"in class, {taught_on.day} {taught_on:%B %Y}"
    assert (
        f'Module 1</a>: <span class="state state--completed">Done</span> <span class="muted">{when}'
        in mine
    )
    assert mine.count(when) == 2 and 'Module 3</a>: <span class="state state--none">' in mine
    # So does the lead's page for the pupil, with the day rather than a time of day.
    client.force_login(safeguarding_lead)
    person = client.get(reverse("records:person", args=[pupil.pk])).content.decode()
    assert person.count(f"{taught_on.day} {taught_on:%b %Y}, in class") == 2


def test_recording_every_module_completes_the_course_and_nothing_twice(
    client, teacher, pupil, klass, course, modules
):
    from courses.services import module_read_confirm

    module_read_confirm(learner=pupil, module=modules[0])  # taken alone beforehand
    before = Statement.objects.count()
    client.force_login(teacher)
    data = _lesson_form(klass, modules, [pupil])
    assert client.post(_url(course), data).status_code == 302
    assert _completed(pupil) == {m.activity_iri for m in modules} | {course.activity_iri}
    # Modules 2 and 3, then the course: the module done alone keeps its own statement.
    assert Statement.objects.count() == before + 3
    client.force_login(pupil)  # the module taken alone is not "in class"
    mine = client.get(reverse("records:my_pshe")).content.decode()
    assert mine.count("Done") == 3 and mine.count("in class, ") == 2
    client.force_login(teacher)
    # Recording the same lesson again (a new form) says it is there already, and adds nothing.
    response = client.post(_url(course), data)
    assert response.status_code == 200
    assert "8R already has a lesson with these modules recorded on" in response.content.decode()
    assert Statement.objects.count() == before + 3
    assert ClassLesson.objects.count() == 1


def test_the_same_form_sent_twice_records_one_lesson(
    client, teacher, pupil, classmate, klass, course, modules
):
    client.force_login(teacher)
    html = client.get(_url(course)).content.decode()
    token = re.search(r'name="lesson" value="([0-9a-f-]{36})"', html).group(1)
    data = _lesson_form(klass, modules[:1], [pupil], lesson=token)
    assert client.post(_url(course), data).status_code == 302
    # A double click, or the back button and Send again, even with the pupils changed.
    response = client.post(_url(course), {**data, "pupils": [pupil.pk, classmate.pk]}, follow=True)
    assert "This lesson was already recorded: the form was sent twice." in response.content.decode()
    lesson = ClassLesson.objects.get()
    assert str(lesson.uuid) == token and lesson.pupil_count == 1
    assert _completed(pupil) == {modules[0].activity_iri} and _completed(classmate) == set()
    assert Statement.objects.filter(object_iri=modules[0].activity_iri).count() == 1
    # The form now lists it, and a pupil who was missed is recorded with a new form.
    html = client.get(_url(course)).content.decode()
    assert "Already recorded with 8R" in html and "Module 1 (1 pupil)" in html
    assert token not in html
    data.pop("lesson")
    assert client.post(_url(course), {**data, "pupils": [classmate.pk]}).status_code == 302
    assert _completed(classmate) == {modules[0].activity_iri}
    assert ClassLesson.objects.count() == 2


def test_a_lesson_form_of_another_class_records_nothing(
    teacher, pupil, school, klass, course, modules
):
    from courses.services import CourseActionError, class_lesson_record

    other = GroupFactory(school=school, name="8S")
    Membership.objects.create(group=other, user=teacher, role=Membership.Role.TEACHER)
    theirs = PupilFactory(school=school)
    MembershipFactory(group=other, user=theirs)
    first, recorded = class_lesson_record(
        teacher=teacher,
        group=other,
        course=course,
        modules=[modules[0]],
        pupils=[theirs],
        taught_on=timezone.localdate(),
    )
    assert recorded
    with pytest.raises(CourseActionError, match="This form was already used"):
        class_lesson_record(
            teacher=teacher,
            group=klass,
            course=course,
            modules=[modules[0]],
            pupils=[pupil],
            taught_on=timezone.localdate(),
            lesson_uuid=first.uuid,
        )
    assert ClassLesson.objects.get() == first and _completed(pupil) == set()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"modules": []}, "Choose the modules you taught."),
        ({"pupils": []}, "Tick the pupils who were there."),
        ({"taught_on": (date.today() + timedelta(days=1)).isoformat()}, "cannot be in the future"),
        ({"taught_on": "2020-01-01"}, "up to a year after"),
        ({"taught_on": "yesterday"}, "Enter a real date as day/month/year"),
        ({"pupils": ["999999"]}, "A pupil you ticked is no longer in the class."),
        ({"modules": ["999999"]}, "A module you ticked is no longer part of the course."),
        ({"lesson": "not-an-id"}, "<li>This form could not be read. Open it again and resend."),
    ],
)
def test_a_bad_lesson_record_says_why_and_records_nothing(
    client, teacher, pupil, klass, course, modules, change, message
):
    client.force_login(teacher)
    data = {**_lesson_form(klass, modules[:1], [pupil]), **change}
    response = client.post(_url(course), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "<title>Error: Record a lesson with a class" in response.content.decode()
    assert not ClassLesson.objects.exists() and not Completion.objects.exists()


def test_a_pupil_of_another_class_cannot_be_ticked(
    client, school, teacher, klass, pupil, course, modules
):
    other = GroupFactory(school=school, name="9Z")
    stranger = PupilFactory(school=school)
    MembershipFactory(group=other, user=stranger)
    client.force_login(teacher)
    data = _lesson_form(klass, modules[:1], [stranger])
    response = client.post(_url(course), data)
    assert response.status_code == 200
    assert "A pupil you ticked is no longer in the class." in response.content.decode()
    assert not Completion.objects.filter(learner=stranger).exists()


def test_the_classes_to_choose_from_are_in_year_order(client, school, teacher, klass, course):
    for name in ("10A", "7B"):
        group = GroupFactory(school=school, name=name, kind=Group.Kind.CLASS)
        Membership.objects.create(group=group, user=teacher, role=Membership.Role.TEACHER)
    client.force_login(teacher)
    response = client.get(_url(course))
    assert [g.name for g in response.context["groups"]] == ["7B", "8R", "10A"]


def test_only_the_groups_a_teacher_teaches_can_be_chosen(
    client, school, teacher, klass, pupil, course, modules
):
    mine = GroupFactory(school=school, name="Year 8", kind="year_group")
    Membership.objects.create(group=mine, user=teacher, role=Membership.Role.TEACHER)
    not_mine = GroupFactory(school=school, name="Mr Kowalczyk's tutor group")
    client.force_login(teacher)
    html = client.get(_url(course)).content.decode()  # two groups: choose first
    assert "Which class?" in html and "8R" in html and "Year 8" in html and "Kowalczyk" not in html
    html = client.get(_url(course, not_mine)).content.decode()
    assert "That is not one of your groups." in html
    response = client.post(_url(course), _lesson_form(not_mine, modules[:1], [pupil]))
    assert response.status_code == 200 and not ClassLesson.objects.exists()
    assert "The lesson with 8R" in client.get(_url(course, klass)).content.decode()


def test_who_may_record_a_lesson(client, school, pupil, teacher, course, staff_course, modules):
    url = _url(course)
    assert client.get(url).status_code == 302  # signed out: sign in first
    client.force_login(pupil)
    assert client.get(url).status_code == 404  # pupils take the lesson themselves
    client.force_login(teacher)
    assert client.get(_url(staff_course)).status_code == 404  # only pupils' lessons
    no_class = UserFactory(school=school, roles=[Role.STAFF])
    client.force_login(no_class)
    response = client.get(url)
    assert response.status_code == 403
    assert "Lessons are recorded by the teachers of a class." in response.content.decode()


def test_the_teaching_view_and_the_pshe_record_offer_it_to_the_classs_teacher(
    client, school, teacher, klass, course, modules
):
    client.force_login(teacher)
    html = client.get(course.url).content.decode()
    assert "Taught this lesson to a class?" in html
    assert f'href="{_url(course)}"' in html
    html = client.get(reverse("records:pshe_class", args=[klass.pk])).content.decode()
    assert f'href="{_url(course, klass)}"' in html
    assert "No lesson led with the class has been recorded." in html
    # Staff who teach no class are not offered it.
    other = UserFactory(school=school, roles=[Role.STAFF])
    client.force_login(other)
    assert "Taught this lesson to a class?" not in client.get(course.url).content.decode()


def _record_lesson(client, teacher, klass, course, modules, pupils):
    client.force_login(teacher)
    assert client.post(_url(course), _lesson_form(klass, modules, pupils)).status_code == 302
    return ClassLesson.objects.latest("recorded_at")


def test_a_year_group_lesson_shows_in_the_record_of_each_class_whose_pupils_were_there(
    client, school, teacher, pupil, classmate, klass, course, modules, safeguarding_lead
):
    year = GroupFactory(school=school, name="Year 8", kind="year_group")
    other_class = GroupFactory(school=school, name="8S")
    absent_class = GroupFactory(school=school, name="8T")
    elsewhere = PupilFactory(school=school, first_name="Zofia", last_name="Kowalska")
    absent = PupilFactory(school=school)
    for member, group in ((pupil, year), (classmate, year), (elsewhere, year), (absent, year)):
        MembershipFactory(group=group, user=member)
    MembershipFactory(group=other_class, user=elsewhere)
    MembershipFactory(group=absent_class, user=absent)
    Membership.objects.create(group=year, user=teacher, role=Membership.Role.TEACHER)
    _record_lesson(client, teacher, year, course, modules[:2], [pupil, classmate, elsewhere])
    _record_lesson(client, teacher, klass, course, modules[2:], [pupil])

    client.force_login(safeguarding_lead)
    page = client.get(reverse("records:pshe_class", args=[klass.pk])).content.decode()
    shared = page.split("Lessons with other groups that 8R", 1)[1]
    assert "<td>Year 8</td>" in shared and "Module 1; Module 2" in shared
    assert "<td>2 of 8R (3 in all)</td>" in shared and "Module 3" not in shared
    page = client.get(reverse("records:pshe_class", args=[other_class.pk])).content.decode()
    assert "<td>1 of 8S (3 in all)</td>" in page
    # 8T's pupil was not there. The year group's record lists the lesson as its own, and
    # the one led with 8R as shared.
    page = client.get(reverse("records:pshe_class", args=[absent_class.pk])).content.decode()
    assert "Lessons with other groups" not in page
    page = client.get(reverse("records:pshe_class", args=[year.pk])).content.decode()
    own, shared = page.split("Lessons with other groups that Year 8", 1)
    assert "Module 1; Module 2" in own and "Module 1; Module 2" not in shared
    assert (
        "Module 3" in shared
        and "<td>8R</td>" in shared
        and "<td>1 of Year 8 (1 in all)</td>" in shared
    )


def test_a_lesson_recorded_by_mistake_is_taken_back_and_what_pupils_did_alone_stays(
    client, teacher, pupil, classmate, klass, course, modules
):
    from courses.services import module_read_confirm
    from records.services import records_rebuild

    module_read_confirm(learner=pupil, module=modules[0])  # on their own, before
    lesson = _record_lesson(client, teacher, klass, course, modules, [pupil, classmate])
    everything = {m.activity_iri for m in modules} | {course.activity_iri}
    assert _completed(pupil) == everything and _completed(classmate) == everything
    page = client.get(reverse("records:pshe_class", args=[klass.pk])).content.decode()
    assert 'Remove<span class="visually-hidden"> the lesson of' in page

    response = client.post(reverse("courses:class_lesson_delete", args=[lesson.pk]))
    assert response.status_code == 302
    # To the top of the class's record, where the message saying what changed takes focus.
    assert response["Location"] == reverse("records:pshe_class", args=[klass.pk])
    assert _completed(pupil) == {modules[0].activity_iri}
    assert _completed(classmate) == set()
    assert not ClassLesson.objects.exists()
    # The statements stay in the LRS, voided by their own actor and naming the lesson.
    assert Statement.objects.filter(statement_id__in=lesson.statement_ids, voided=True).count() == 7
    voiding = Statement.objects.filter(verb_iri="http://adlnet.gov/expapi/verbs/voided")
    assert voiding.count() == 7
    assert {s.data["context"]["extensions"][ext("class-lesson")] for s in voiding} == {
        str(lesson.uuid)
    }
    page = client.get(response["Location"]).content.decode()
    assert "The lesson was removed: what it recorded is no longer in 2 pupils" in page
    # Rebuilding the records from the statements gives the same.
    records_rebuild()
    assert _completed(pupil) == {modules[0].activity_iri} and _completed(classmate) == set()


def test_removing_a_lesson_takes_back_a_course_finished_with_its_modules(
    client, teacher, pupil, classmate, klass, course, modules
):
    from courses.services import module_read_confirm
    from records.services import records_rebuild

    module_read_confirm(learner=classmate, module=modules[2])  # before the lesson: stays
    lesson = _record_lesson(client, teacher, klass, course, modules[:2], [pupil, classmate])
    module_read_confirm(learner=pupil, module=modules[2])  # after it, finishing the course
    assert course.activity_iri in _completed(pupil) and course.activity_iri in _completed(classmate)
    client.post(reverse("courses:class_lesson_delete", args=[lesson.pk]))
    assert _completed(pupil) == {modules[2].activity_iri}
    assert _completed(classmate) == {modules[2].activity_iri}
    finished = Statement.objects.get(learner=pupil, object_iri=course.activity_iri)
    assert finished.voided and str(finished.statement_id) not in lesson.statement_ids
    records_rebuild()
    assert _completed(pupil) == {modules[2].activity_iri}


def test_only_the_teacher_who_recorded_it_or_the_lead_can_remove_a_lesson(
    client, school, teacher, safeguarding_lead, pupil, klass, course, modules
):
    lesson = _record_lesson(client, teacher, klass, course, modules[:1], [pupil])
    colleague = UserFactory(school=school, roles=[Role.STAFF])
    Membership.objects.create(group=klass, user=colleague, role=Membership.Role.TEACHER)
    client.force_login(colleague)
    page = client.get(reverse("records:pshe_class", args=[klass.pk])).content.decode()
    assert "Lessons taught to 8R" in page and "the lesson of" not in page
    response = client.post(reverse("courses:class_lesson_delete", args=[lesson.pk]), follow=True)
    assert "Only the teacher who recorded a lesson, while they teach the class, or the" in (
        response.content.decode()
    )
    assert ClassLesson.objects.filter(pk=lesson.pk).exists()
    assert _completed(pupil) == {modules[0].activity_iri}
    # Another school's lead does not even find it.
    outsider = UserFactory(school=SchoolFactory(), roles=[Role.SAFEGUARDING_LEAD])
    client.force_login(outsider)
    assert client.post(reverse("courses:class_lesson_delete", args=[lesson.pk])).status_code == 404
    # The school's lead may.
    client.force_login(safeguarding_lead)
    client.post(reverse("courses:class_lesson_delete", args=[lesson.pk]))
    assert not ClassLesson.objects.exists() and _completed(pupil) == set()


def test_the_teachers_export_lists_their_lessons_and_erasing_them_keeps_the_pupils_records(
    client, teacher, safeguarding_lead, pupil, klass, course, modules
):
    from records.services import learner_erase, learner_export

    _record_lesson(client, teacher, klass, course, modules[:1], [pupil])
    [lesson] = learner_export(learner=teacher)["lessons_recorded"]
    assert (lesson["course"], lesson["group"], lesson["pupils_there"]) == (
        "Respect online",
        "8R",
        1,
    )
    learner_erase(learner=teacher)
    assert _completed(pupil) == {modules[0].activity_iri}
    client.force_login(safeguarding_lead)
    page = client.get(reverse("records:pshe_class", args=[klass.pk])).content.decode()
    assert "Someone who has since been removed" in page


def test_a_modules_teaching_view_and_my_groups_lead_to_recording_it(
    client, teacher, pupil, klass, course, modules
):
    client.force_login(teacher)
    html = client.get(modules[1].url).content.decode()
    link = f"{_url(course)}?module={modules[1].pk}"
    assert "Led this module with a class?" in html and f'href="{link}"' in html
    html = client.get(link).content.decode()
    assert f'value="{modules[1].pk}" id="id_modules_1" checked' in html
    assert f'value="{modules[0].pk}" id="id_modules_0" checked' not in html
    html = client.get(reverse("schools:my_groups")).content.decode()
    pick = f"{reverse('courses:class_lesson_pick')}?group={klass.pk}"
    assert f'href="{pick}">Record a lesson you led with 8R' in html
    # The school has one pupils' course: straight to its form for the class.
    response = client.get(pick)
    assert response.status_code == 302 and response["Location"] == _url(course, klass)


def test_with_several_pupils_courses_the_teacher_picks_the_lesson(
    client, teacher, klass, course, pupil_catalogue
):
    other = pupils_course(pupil_catalogue, "Kind words", "kind-words")
    client.force_login(teacher)
    pick = reverse("courses:class_lesson_pick")
    html = client.get(f"{pick}?group={klass.pk}").content.decode()
    assert "Which lesson did you lead with 8R?" in html
    assert f'href="{_url(course, klass)}">Respect online' in html
    assert f'href="{_url(other, klass)}">Kind words' in html
    # A group they do not teach (or junk) is not offered; the form then asks which class.
    html = client.get(f"{pick}?group=999999x").content.decode()
    assert "Which lesson did you lead?" in html and f'href="{_url(other)}">' in html


def test_only_teachers_of_a_class_are_offered_recording(client, pupil, safeguarding_lead):
    for user in (pupil, safeguarding_lead):  # the lead teaches no class here
        client.force_login(user)
        assert client.get(reverse("courses:class_lesson_pick")).status_code == 403


def test_recording_for_a_bigger_class_takes_no_more_queries(
    school, teacher, pupil, klass, course, modules
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courses.services import class_lesson_record

    def record(group, pupils):
        with CaptureQueriesContext(connection) as queries:
            class_lesson_record(
                teacher=teacher,
                group=group,
                course=course,
                modules=modules[:2],
                pupils=pupils,
                taught_on=timezone.localdate(),
            )
        return len(queries)

    def new_class(name, size):
        group = GroupFactory(school=school, name=name)
        Membership.objects.create(group=group, user=teacher, role=Membership.Role.TEACHER)
        pupils = [PupilFactory(school=school) for _ in range(size)]
        for member in pupils:
            MembershipFactory(group=group, user=member)
        return group, pupils

    small, large = new_class("8S", 2), new_class("8T", 12)
    assert record(*small) == record(*large)
    assert Completion.objects.filter(activity_iri=modules[1].activity_iri).count() == 14


def test_a_lesson_after_the_course_requires_renewal_starts_a_new_attempt(
    teacher, pupil, klass, course, modules
):
    from courses.models import Enrolment
    from courses.services import class_lesson_record, course_registration, module_read_confirm
    from records.services import course_renewal_require

    module_read_confirm(learner=pupil, module=modules[0])
    before = course_registration(learner=pupil, course=course)
    course_renewal_require(course_page_id=course.pk, reason="New settings")
    class_lesson_record(
        teacher=teacher,
        group=klass,
        course=course,
        modules=modules[:1],
        pupils=[pupil],
        taught_on=timezone.localdate(),
    )
    # Taken again in class: a new attempt, whose registration the statement carries.
    attempt = Enrolment.objects.filter(learner=pupil, course=course).order_by("attempt").last()
    assert attempt.attempt == 2 and attempt.registration != before
    lesson_statement = Statement.objects.filter(
        learner=pupil, object_iri=modules[0].activity_iri
    ).latest("stored")
    assert lesson_statement.data["context"]["registration"] == str(attempt.registration)


def _renewing(pupil, *, school, klass, course, modules, restart=True):
    """The pupil completed the course over a year ago under a yearly renewal, and has
    started it again ("Go through it again"), unless not `restart`."""
    from courses.services import course_launch, module_read_confirm
    from records.services import assignment_create
    from tests.courses.test_renewal import _age_completions

    assignment_create(
        school=school,
        course_page_id=course.pk,
        group=klass,
        due_on=date(2030, 1, 1),
        renewal_months=12,
    )
    for module in modules:
        module_read_confirm(learner=pupil, module=module)
    _age_completions(pupil, 400)
    if restart:
        course_launch(learner=pupil, course=course)


def test_a_lesson_counts_for_a_pupil_renewing_a_completion_that_expired(
    teacher, pupil, classmate, school, klass, course, modules
):
    from courses.selectors import course_progress
    from courses.services import class_lesson_record
    from records.selectors import assignments_for_learner

    _renewing(pupil, school=school, klass=klass, course=course, modules=modules)
    assert course_progress(learner=pupil, course=course).completed_count == 0

    class_lesson_record(
        teacher=teacher,
        group=klass,
        course=course,
        modules=modules,
        pupils=[pupil, classmate],
        taught_on=timezone.localdate(),
    )

    assert course_progress(learner=pupil, course=course).complete
    [item] = assignments_for_learner(pupil)
    assert item.state.label == "Completed"
    assert course_progress(learner=classmate, course=course).complete


def test_a_lesson_renews_a_completion_that_expired_without_the_pupil_starting_again(
    teacher, pupil, classmate, school, klass, course, modules
):
    """The class takes the course again with their teacher, as they would alone with "Go
    through it again": a pupil whose completion expired has it renewed, not found done."""
    from courses.services import class_lesson_record
    from records.selectors import assignments_for_learner

    _renewing(pupil, school=school, klass=klass, course=course, modules=modules, restart=False)
    [item] = assignments_for_learner(pupil)
    assert item.state.label == "Expired"

    lesson, _created = class_lesson_record(
        teacher=teacher,
        group=klass,
        course=course,
        modules=modules,
        pupils=[pupil, classmate],
        taught_on=timezone.localdate() - timedelta(days=1),
    )

    [item] = assignments_for_learner(pupil)
    assert item.state.label == "Completed"
    assert (
        Statement.objects.filter(statement_id__in=lesson.statement_ids, learner=pupil).count()
        == len(modules) + 1
    )


def test_removing_a_lesson_unfinishes_a_renewal_the_pupil_then_finished_alone(
    teacher, pupil, school, klass, course, modules
):
    """The renewal counts only what the pupil completed since starting again: without the
    lesson's modules it is not finished, whatever they did the year before."""
    from courses.selectors import course_progress
    from courses.services import class_lesson_record, class_lesson_remove, module_read_confirm
    from records.selectors import assignments_for_learner

    _renewing(pupil, school=school, klass=klass, course=course, modules=modules)
    lesson, _created = class_lesson_record(
        teacher=teacher,
        group=klass,
        course=course,
        modules=modules[:-1],
        pupils=[pupil],
        taught_on=timezone.localdate(),
    )
    module_read_confirm(learner=pupil, module=modules[-1])
    assert course_progress(learner=pupil, course=course).complete

    class_lesson_remove(lesson=lesson, by=teacher)
    assert not course_progress(learner=pupil, course=course).complete
    [item] = assignments_for_learner(pupil)
    assert item.state.label != "Completed"


def test_a_teacher_who_also_edits_courses_records_a_lesson_with_their_class(
    client, teacher, pupil, klass, course, modules
):
    from schools.roles import role_assign

    role_assign(user=teacher, role=Role.EDITOR)  # the PSHE lead who builds the lessons
    client.force_login(teacher)
    pick = f"{reverse('courses:class_lesson_pick')}?group={klass.pk}"
    response = client.get(pick)
    assert response.status_code == 302 and response["Location"] == _url(course, klass)
    assert "The lesson with 8R" in client.get(_url(course, klass)).content.decode()
    _record_lesson(client, teacher, klass, course, modules[:1], [pupil])
    assert _completed(pupil) == {modules[0].activity_iri}


def test_a_staff_team_is_not_offered_for_recording_a_lesson(
    client, school, teacher, safeguarding_lead, pupil, klass, course, modules
):
    """A staff team has no pupils: a teacher who also leads one goes straight to their class,
    and a lead who leads only a staff team is not sent to a form with nobody to tick."""
    team = GroupFactory(school=school, name="Pastoral team", kind=Group.Kind.STAFF_TEAM)
    for user in (teacher, safeguarding_lead):
        Membership.objects.create(group=team, user=user, role=Membership.Role.TEACHER)
    client.force_login(teacher)
    html = client.get(_url(course)).content.decode()
    assert "The lesson with 8R" in html and "Pastoral team" not in html
    response = client.get(f"{reverse('courses:class_lesson_pick')}?group={team.pk}")
    assert response["Location"] == _url(course)
    client.force_login(safeguarding_lead)
    for page in (course, modules[0]):
        html = client.get(page.url).content.decode()
        assert "Teaching view" in html and _url(course) not in html
    assert client.get(_url(course)).status_code == 403
    assert client.get(reverse("courses:class_lesson_pick")).status_code == 403


def test_the_error_summary_links_to_the_first_box_of_each_list_to_tick(
    client, teacher, pupil, klass, course, modules
):
    """GOV.UK's error summary pattern: each error links to the field to fix; for a list of
    checkboxes, its first box (a link to "#" goes nowhere)."""
    client.force_login(teacher)
    data = {"group": klass.pk, "taught_on": timezone.localdate().isoformat()}
    html = client.post(_url(course), data).content.decode()
    assert 'href="#id_modules_0">Modules you taught: Choose the modules you taught.' in html
    assert 'href="#id_pupils_0">Pupils who were there: Tick the pupils who were there.' in html
    assert 'id="id_modules_0"' in html and 'id="id_pupils_0"' in html
    assert 'href="#"' not in html


def test_pupils_with_the_same_name_are_told_apart_by_their_username(
    client, school, teacher, pupil, classmate, klass, course, modules
):
    """Two Ella Wrights in a class: the teacher must know which one to untick."""
    namesake = PupilFactory(
        school=school, first_name="Ella", last_name="Wright", username="ewright2"
    )
    MembershipFactory(group=klass, user=namesake)
    pupil.first_name, pupil.last_name = "Zofia", "Kowalska"
    pupil.save()
    client.force_login(teacher)
    html = client.get(_url(course)).content.decode()
    assert f">Ella Wright ({classmate.username})</label>" in html
    assert ">Ella Wright (ewright2)</label>" in html
    assert ">Zofia Kowalska</label>" in html  # other names stay as they are


def test_choosing_another_class_keeps_the_module_the_teacher_came_from(
    client, school, teacher, klass, pupil, course, modules
):
    """From a module's "Record it for the pupils who were there", with the wrong class
    chosen first: the other class's form still has that module ticked."""
    other = GroupFactory(school=school, name="Year 8", kind="year_group")
    Membership.objects.create(group=other, user=teacher, role=Membership.Role.TEACHER)
    MembershipFactory(group=other, user=pupil)
    client.force_login(teacher)
    html = client.get(f"{_url(course, klass)}&module={modules[1].pk}").content.decode()
    another = f"{_url(course)}?module={modules[1].pk}"
    assert f'href="{another}">Choose another class' in html
    html = client.get(another).content.decode()
    assert f'name="module" value="{modules[1].pk}"' in html
    html = client.get(f"{another}&group={other.pk}").content.decode()
    assert "The lesson with Year 8" in html
    assert f'value="{modules[1].pk}" id="id_modules_1" checked' in html


def test_a_lesson_that_changes_no_record_says_so(
    client, teacher, pupil, classmate, klass, course, modules
):
    """Taught as revision after every pupil ticked did the modules on their own: they have
    them already, so the teacher is not told they now have them."""
    from courses.services import module_read_confirm

    for learner in (pupil, classmate):
        module_read_confirm(learner=learner, module=modules[0])
    client.force_login(teacher)
    response = client.post(
        _url(course), _lesson_form(klass, modules[:1], [pupil, classmate]), follow=True
    )
    page = " ".join(response.content.decode().split())
    assert "The lesson is listed, but the 2 pupils you ticked had already completed" in page
    assert "took “Respect online” with you" not in page
    assert ClassLesson.objects.count() == 1


def test_a_lesson_date_typed_with_a_two_digit_year_is_this_century(
    client, teacher, pupil, klass, course, modules
):
    # Typed by hand (no date picker) as a school office does: not the year 26.
    client.force_login(teacher)
    taught_on = timezone.localdate() - timedelta(days=2)
    response = client.post(
        _url(course),
        _lesson_form(klass, modules[:1], [pupil], taught_on=taught_on.strftime("%d/%m/%y")),
    )
    assert response.status_code == 302
    assert ClassLesson.objects.get().taught_on == taught_on


def test_a_lesson_taught_before_the_course_required_renewal_is_refused_with_the_reason(
    client, teacher, pupil, klass, course, modules
):
    """A lesson from before the course changed would count for nothing: the teacher is told
    why, rather than that it was recorded."""
    from courses.selectors import course_progress
    from records.services import course_renewal_require

    course_renewal_require(course_page_id=course.pk, reason="New settings")
    client.force_login(teacher)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        _url(course), _lesson_form(klass, modules[:1], [pupil], taught_on=yesterday)
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "no longer counts" in html
    assert date_format(timezone.localdate(), "j F Y") in html
    assert not ClassLesson.objects.exists() and not Statement.objects.exists()
    assert course_progress(learner=pupil, course=course).completed_count == 0


def test_a_lesson_taught_on_the_day_the_course_required_renewal_counts(
    teacher, pupil, klass, course, modules
):
    """The day the course changed, the lesson may have been after the change: it counts."""
    from courses.selectors import course_progress
    from courses.services import class_lesson_record
    from records.models import CourseRenewal
    from records.services import course_renewal_require

    yesterday = timezone.localdate() - timedelta(days=1)
    course_renewal_require(course_page_id=course.pk, reason="New settings")
    # Marked at a quarter past three yesterday afternoon.
    CourseRenewal.objects.update(
        required_from=timezone.make_aware(datetime.combine(yesterday, time(15, 15)))
    )

    class_lesson_record(
        teacher=teacher,
        group=klass,
        course=course,
        modules=modules[:1],
        pupils=[pupil],
        taught_on=yesterday,
    )

    assert course_progress(learner=pupil, course=course).completed_count == 1


def test_a_lesson_before_a_pupil_started_their_renewal_again_still_renews_it(
    client, teacher, pupil, classmate, school, klass, course, modules
):
    """A pupil whose completion expired pressed "Go through it again" today; the lesson their
    class had with the teacher yesterday, recorded today, is what renewed it."""
    from courses.selectors import course_progress
    from records.selectors import assignments_for_learner

    _renewing(pupil, school=school, klass=klass, course=course, modules=modules)
    client.force_login(teacher)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        _url(course), _lesson_form(klass, modules, [pupil, classmate], taught_on=yesterday)
    )

    assert response.status_code == 302
    assert course_progress(learner=pupil, course=course).complete
    [item] = assignments_for_learner(pupil)
    assert item.state.label == "Completed"


def test_every_lesson_taught_to_a_class_can_be_seen_however_many_there_are(
    client, teacher, klass, course, modules
):
    """A class taught PSHE every week has more than a page of lessons in a couple of years:
    the older ones are on further pages, reached from the list, not cut off."""
    today = timezone.localdate()
    _weekly_lessons(51, teacher=teacher, klass=klass, course=course, module=modules[0])
    oldest = (today - timedelta(weeks=50)).strftime("%-d %b %Y")
    client.force_login(teacher)
    url = reverse("records:pshe_class", args=[klass.pk])
    first = client.get(url).content.decode()
    taught = first.split('id="lessons-taught"', 1)[1]
    assert taught.count('<th scope="row">Respect online: Module 1</th>') == 50
    next_page = re.search(r'href="([^"]*)" rel="next"', taught)
    assert next_page is not None
    second = client.get(url + next_page.group(1).replace("&amp;", "&")).content.decode()
    taught = second.split('id="lessons-taught"', 1)[1]
    assert taught.count('<th scope="row">Respect online: Module 1</th>') == 1
    assert f"<td>{oldest}</td>" in taught


def test_remove_asks_first_and_only_a_post_takes_the_lesson_back(
    client, teacher, pupil, classmate, klass, course, modules
):
    """Remove on the class's record takes a whole class's lesson out of every pupil's record:
    it opens a page that says what will change, and only its button (a POST) does it."""
    lesson = _record_lesson(client, teacher, klass, course, modules[:2], [pupil, classmate])
    url = reverse("courses:class_lesson_delete", args=[lesson.pk])
    page = client.get(reverse("records:pshe_class", args=[klass.pk])).content.decode()
    assert f'href="{url}"' in page

    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Remove the lesson with 8R" in html
    assert "2 pupils" in html and "Module 1; Module 2" in html
    assert re.search(rf'<form method="post" action="{re.escape(url)}"', html)
    assert f'href="{reverse("records:pshe_class", args=[klass.pk])}#lessons-taught"' in html
    assert ClassLesson.objects.filter(pk=lesson.pk).exists()
    assert _completed(pupil) == {modules[0].activity_iri, modules[1].activity_iri}

    client.post(url)
    assert not ClassLesson.objects.filter(pk=lesson.pk).exists()
    assert _completed(pupil) == set()


def test_the_remove_page_is_not_offered_to_a_teacher_who_may_not_remove_the_lesson(
    client, school, teacher, pupil, klass, course, modules
):
    lesson = _record_lesson(client, teacher, klass, course, modules[:1], [pupil])
    colleague = UserFactory(school=school, roles=[Role.STAFF])
    Membership.objects.create(group=klass, user=colleague, role=Membership.Role.TEACHER)
    client.force_login(colleague)
    response = client.get(reverse("courses:class_lesson_delete", args=[lesson.pk]))
    assert response.status_code == 403
    client.force_login(UserFactory(school=SchoolFactory(), roles=[Role.SAFEGUARDING_LEAD]))
    assert client.get(reverse("courses:class_lesson_delete", args=[lesson.pk])).status_code == 404


def test_the_form_lists_the_latest_lessons_and_leads_to_the_rest(
    client, teacher, pupil, klass, course, modules
):
    """The form lists the ten latest lessons already recorded with the class; a teacher
    checking whether an older one was recorded is led to the class's full list."""
    today = timezone.localdate()
    _weekly_lessons(11, teacher=teacher, klass=klass, course=course, module=modules[0])
    client.force_login(teacher)
    html = client.get(_url(course)).content.decode()
    recorded = html.split('id="already-recorded"', 1)[1].split("</section>", 1)[0]
    assert recorded.count("<li>") == 10
    full_list = f'href="{reverse("records:pshe_class", args=[klass.pk])}#lessons-taught"'
    assert full_list in recorded

    ClassLesson.objects.filter(taught_on__lt=today - timedelta(weeks=9)).delete()
    html = client.get(_url(course)).content.decode()
    recorded = html.split('id="already-recorded"', 1)[1].split("</section>", 1)[0]
    assert recorded.count("<li>") == 10 and full_list not in recorded


def test_the_page_title_names_the_lesson_and_the_class(
    client, teacher, pupil, klass, course, modules
):
    """WCAG 2.4.2: the title is what a screen reader says first and what a tab, the history
    and the browser's window list show. Every course's and every class's form was called
    "Record a lesson with a class"; it now names the course, and the class once chosen."""
    client.force_login(teacher)
    other = GroupFactory(school=klass.school, name="9B", kind=Group.Kind.CLASS)
    Membership.objects.create(group=other, user=teacher, role=Membership.Role.TEACHER)
    html = client.get(_url(course)).content.decode()
    assert "<title>Record a lesson with a class \u2013 Respect online · Upstander</title>" in html
    html = client.get(_url(course, klass)).content.decode()
    title = "Record a lesson with a class: 8R \u2013 Respect online · Upstander"
    assert f"<title>{title}</title>" in html


def test_removing_a_class_lesson_keeps_what_a_year_group_lesson_gave_the_same_pupils(
    client, school, teacher, pupil, classmate, klass, course, modules
):
    """A pupil of 8R and of Year 8 takes the lesson with 8R, then the same modules with
    Year 8. The 8R lesson was recorded for the wrong day and removed: the Year 8 lesson they
    were at still counts for them, as it does for a Year 8 pupil of another class."""
    from courses.services import class_lesson_remove

    year = GroupFactory(school=school, name="Year 8", kind="year_group")
    elsewhere = PupilFactory(school=school)
    for member in (pupil, classmate, elsewhere):
        MembershipFactory(group=year, user=member)
    Membership.objects.create(group=year, user=teacher, role=Membership.Role.TEACHER)
    everything = {m.activity_iri for m in modules} | {course.activity_iri}
    with_8r = _record_lesson(client, teacher, klass, course, modules, [pupil, classmate])
    _record_lesson(client, teacher, year, course, modules, [pupil, classmate, elsewhere])
    assert _completed(pupil) == everything and _completed(elsewhere) == everything

    class_lesson_remove(lesson=with_8r, by=teacher)
    assert _completed(pupil) == everything
    assert _completed(classmate) == everything
    assert _completed(elsewhere) == everything


def test_a_lesson_taught_again_to_the_class_keeps_the_modules_when_the_first_is_removed(
    client, teacher, pupil, classmate, klass, course, modules
):
    """8R had the lesson on Monday (recorded on the wrong day, as it turns out) and again,
    as revision, today. The second lesson recorded nothing for the pupils who had it from
    the first: removing the first then took the modules from pupils who were at both."""
    from courses.services import class_lesson_remove

    first = _record_lesson(client, teacher, klass, course, modules[:1], [pupil, classmate])
    first.taught_on -= timedelta(days=3)
    first.save()
    response = client.post(
        _url(course), _lesson_form(klass, modules[:1], [pupil, classmate]), follow=True
    )
    page = " ".join(response.content.decode().split())

    class_lesson_remove(lesson=first, by=teacher)
    assert _completed(pupil) == {modules[0].activity_iri}
    assert _completed(classmate) == {modules[0].activity_iri}
    # The teacher is still told of the other lesson, in case it was recorded twice.
    on = date_format(first.taught_on, "j F Y")
    assert f"8R already has a lesson with these modules recorded on {on}" in page


def test_a_year_group_lesson_after_a_class_lesson_of_a_changed_course_counts_for_its_pupils(
    client, school, teacher, pupil, classmate, klass, course, modules
):
    """Both pupils did module 1 on their own before the course changed ("requires renewal"),
    then with 8R, then with Year 8. The form told the teacher they "had already completed"
    it, so nothing changed, when what counts now came only from 8R's lesson; removing that
    lesson then left them without it, though they were at Year 8's."""
    from courses.selectors import course_progress
    from courses.services import class_lesson_remove, module_read_confirm
    from records.services import course_renewal_require

    year = GroupFactory(school=school, name="Year 8", kind="year_group")
    for member in (pupil, classmate):
        MembershipFactory(group=year, user=member)
        module_read_confirm(learner=member, module=modules[0])
    Membership.objects.create(group=year, user=teacher, role=Membership.Role.TEACHER)
    course_renewal_require(course_page_id=course.pk, reason="New settings")
    with_8r = _record_lesson(client, teacher, klass, course, modules[:1], [pupil, classmate])
    form = " ".join(client.get(_url(course, year)).content.decode().split())
    assert "A module they have from another lesson (with another group, or on another" in form
    response = client.post(
        _url(course), _lesson_form(year, modules[:1], [pupil, classmate]), follow=True
    )
    page = " ".join(response.content.decode().split())
    assert "had already completed" not in page
    assert "The lesson is recorded: 2 pupils of Year 8 took" in page

    class_lesson_remove(lesson=with_8r, by=teacher)
    assert course_progress(learner=pupil, course=course).completed_count == 1
    assert course_progress(learner=classmate, course=course).completed_count == 1


def test_a_teacher_taken_off_the_class_can_no_longer_remove_the_lesson_they_recorded(
    client, teacher, safeguarding_lead, pupil, klass, course, modules
):
    """Once a teacher no longer teaches a class they no longer see its record, so they cannot
    take its lessons out of its pupils' records either: that is for its teachers and lead."""
    lesson = _record_lesson(client, teacher, klass, course, modules[:1], [pupil])
    Membership.objects.filter(group=klass, user=teacher).delete()
    url = reverse("courses:class_lesson_delete", args=[lesson.pk])
    assert client.get(reverse("records:pshe_class", args=[klass.pk])).status_code == 404
    assert client.get(url).status_code == 403
    response = client.post(url, follow=True)
    assert "Only the teacher who recorded a lesson, while they teach the class" in (
        response.content.decode()
    )
    assert ClassLesson.objects.filter(pk=lesson.pk).exists()
    assert _completed(pupil) == {modules[0].activity_iri}
    # The school's lead still may.
    client.force_login(safeguarding_lead)
    client.post(url)
    assert not ClassLesson.objects.exists() and _completed(pupil) == set()


def test_a_lesson_leaves_out_a_module_private_to_groups_a_pupil_is_not_in(
    client, teacher, pupil, classmate, klass, course, modules
):
    """A module private to a group (its "Privacy" in the admin) is not part of the course
    for a pupil outside that group: taking it alone they could not, and the course finishes
    for them without it. A lesson does the same for them, and still gives it to the
    classmate who is in the group."""
    from django.contrib.auth.models import Group as AuthGroup
    from wagtail.models import PageViewRestriction

    pilot = AuthGroup.objects.create(name="Year 9 pilot")
    classmate.groups.add(pilot)
    restriction = PageViewRestriction.objects.create(
        page=modules[2], restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([pilot])
    client.force_login(teacher)
    data = _lesson_form(klass, modules, [pupil, classmate])
    assert client.post(_url(course), data).status_code == 302
    assert _completed(pupil) == {
        modules[0].activity_iri,
        modules[1].activity_iri,
        course.activity_iri,
    }
    assert _completed(classmate) == {m.activity_iri for m in modules} | {course.activity_iri}


def test_each_remove_link_names_its_own_lesson_when_two_share_a_day(
    client, teacher, pupil, classmate, klass, course, modules
):
    """Two lessons recorded on the same day had the same link, "Remove the lesson of" the
    day, twice: a screen reader's list of links could not tell which lesson each removes
    (WCAG 2.4.4). Each names the lesson's modules too, and when it was recorded (the same
    modules recorded again, for a pupil who was missed, differ only in that)."""
    _record_lesson(client, teacher, klass, course, modules[:1], [pupil])
    _record_lesson(client, teacher, klass, course, modules[1:2], [pupil])
    # The same modules again, for a pupil who was missed, recorded a while after.
    again = _record_lesson(client, teacher, klass, course, modules[1:2], [classmate])
    ClassLesson.objects.filter(pk=again.pk).update(
        recorded_at=again.recorded_at + timedelta(minutes=20)
    )
    page = client.get(reverse("records:pshe_class", args=[klass.pk])).content.decode()

    names = [
        re.sub(r"<[^>]+>|\s+", " ", name).strip()
        for name in re.findall(r'<a href="/[^"]*/delete/"[^>]*>(.*?)</a>', page, flags=re.S)
    ]

    assert len(names) == 3
    assert len(set(names)) == 3, names


def test_a_pupil_who_left_the_class_while_the_form_was_open_is_said_plainly_and_ticks_stay(
    client, teacher, pupil, classmate, klass, course, modules
):
    """The roster is imported while a teacher has the lesson form open, and a pupil they
    ticked has moved class. The problem is said in words the teacher knows (not "Select a
    valid choice. 1234 is not one of the available choices.", a database id), and the other
    pupils and modules stay ticked, so they only need to send it again."""
    client.force_login(teacher)
    data = _lesson_form(klass, modules[:1], [pupil, classmate])
    Membership.objects.filter(group=klass, user=pupil).delete()
    html = client.post(_url(course), data).content.decode()
    problem = "A pupil you ticked is no longer in the class."
    assert f'href="#id_pupils_0">Pupils who were there: {problem}' in html
    assert "is not one of the available choices" not in html
    (box,) = re.findall(rf'<input[^>]*name="pupils" value="{classmate.pk}"[^>]*>', html)
    assert "checked" in box
    assert not ClassLesson.objects.exists()
