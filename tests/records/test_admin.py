"""Editors mark a course as requiring renewal from the Wagtail admin."""

import re
from datetime import date, timedelta

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from records.models import CourseRenewal
from records.projection import completions_project
from records.selectors import assignments_for_learner
from records.services import assignment_create
from records.states import State
from tests.records.statements import COMPLETED, keys, statement

pytestmark = pytest.mark.django_db


def _completed_before_renewal(school, group, course, *people):
    """`course` assigned to `group` and completed by each of `people` three days ago."""
    assignment_create(school=school, course_page_id=course.pk, group=group, due_on=date.today())
    for person in people:
        completions_project(
            statements=[
                statement(
                    person, COMPLETED, course.activity_iri, when=timezone.now() - timedelta(days=3)
                )
            ],
            learners_by_key=keys(person),
        )


def _mark_for_renewal(client, editor, course, on_commit, *, reason="New privacy settings"):
    """`editor` marks `course` as needing renewal within 21 days; what waits for the commit
    (the emails' task) runs."""
    client.force_login(editor)
    url = reverse("records_course_renewal", args=[course.pk])
    with on_commit(execute=True):
        return client.post(url, {"reason": reason, "complete_within_days": 21})


def test_editor_marks_a_course_and_assigned_staff_are_re_enrolled(
    client,
    editor,
    school,
    staff_team,
    staff_course,
    teacher,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    _completed_before_renewal(school, staff_team, staff_course, teacher)
    client.force_login(editor)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[staff_course.pk]))
    url = reverse("records_course_renewal", args=[staff_course.pk])
    assert url in edit.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "New privacy settings", "complete_within_days": 21})
    assert response.status_code == 302
    assert CourseRenewal.objects.get().reason == "New privacy settings"
    [item] = assignments_for_learner(teacher)
    assert item.state == State.NOT_STARTED
    assert [m.to for m in mailoutbox] == [[teacher.email]]


def test_the_form_sent_twice_marks_the_course_and_emails_staff_once(
    client,
    editor,
    school,
    staff_team,
    staff_course,
    teacher,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """A double click on "Require renewal", or the back button and sending it again, emailed
    every assigned member of staff twice and listed the renewal twice."""
    _completed_before_renewal(school, staff_team, staff_course, teacher)
    client.force_login(editor)
    url = reverse("records_course_renewal", args=[staff_course.pk])
    form = client.get(url).content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    hidden.pop("csrfmiddlewaretoken", None)
    data = {**hidden, "reason": "New privacy settings", "complete_within_days": 21}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, data)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, data, follow=True)
    assert first.status_code == 302
    assert CourseRenewal.objects.count() == 1
    assert [m.to for m in mailoutbox] == [[teacher.email]]
    assert "marked as requiring renewal after this form was opened" in again.content.decode()


def test_staff_cannot_mark_a_course(client, teacher, staff_course):
    client.force_login(teacher)
    response = client.post(
        reverse("records_course_renewal", args=[staff_course.pk]),
        {"reason": "x", "complete_within_days": 5},
    )
    assert response.status_code in (302, 403)
    assert not CourseRenewal.objects.exists()


def test_empty_reason_is_refused(client, editor, staff_course):
    client.force_login(editor)
    response = client.post(
        reverse("records_course_renewal", args=[staff_course.pk]),
        {"reason": "", "complete_within_days": 5},
    )
    assert response.status_code == 200
    assert not CourseRenewal.objects.exists()


class RefusingOneAddress(BaseEmailBackend):
    """An email backend whose server refuses mail to one address and delivers the rest."""

    refused = "teacher1@school.invalid"

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        from django.core import mail

        for message in messages:
            if self.refused in message.to:
                raise smtplib.SMTPRecipientsRefused({self.refused: (550, b"No such user")})
            mail.outbox.append(message)
        return len(messages)


def test_an_address_the_mail_server_refuses_does_not_stop_the_others_being_told(
    client,
    editor,
    school,
    staff_team,
    staff_course,
    teacher,
    settings,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from schools.models import Membership
    from schools.roles import Role
    from tests.factories import UserFactory

    colleague = UserFactory(
        school=school, username="colleague", email="colleague@school.invalid", roles=[Role.STAFF]
    )
    Membership.objects.create(group=staff_team, user=colleague)
    _completed_before_renewal(school, staff_team, staff_course, teacher, colleague)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingOneAddress"
    response = _mark_for_renewal(client, editor, staff_course, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert CourseRenewal.objects.get().reason == "New privacy settings"
    assert [m.to for m in mailoutbox] == [[colleague.email]]


def test_pupils_are_never_emailed_when_their_course_requires_renewal(
    client,
    editor,
    school,
    klass,
    pupil,
    pupil_course,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """Pupils are not emailed (reminders skip them too), even one with an address on file."""
    pupil.email = "pupil1@pupils.school.invalid"
    pupil.save()
    _completed_before_renewal(school, klass, pupil_course, pupil)
    response = _mark_for_renewal(
        client, editor, pupil_course, django_capture_on_commit_callbacks, reason="New lesson plan"
    )
    assert response.status_code == 302
    [item] = assignments_for_learner(pupil)
    assert item.state == State.NOT_STARTED
    assert mailoutbox == []


def test_the_renewal_emails_are_sent_by_the_task_worker_not_while_the_editor_waits(
    client,
    editor,
    school,
    staff_team,
    staff_course,
    teacher,
    settings,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """Every school's assigned staff are emailed: in the editor's request, a long list (or a
    slow mail server) would outlast the page and leave the rest never told."""
    from django_tasks import default_task_backend

    _completed_before_renewal(school, staff_team, staff_course, teacher)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    response = _mark_for_renewal(client, editor, staff_course, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert mailoutbox == []
    [queued] = [r for r in default_task_backend.results if r.task.name == "renewal_notify_run"]
    assert queued.kwargs == {"renewal_id": CourseRenewal.objects.get().pk}
    assert queued.task.call(**queued.kwargs) == 1
    assert [m.to for m in mailoutbox] == [[teacher.email]]


class UnreachableMailServer(BaseEmailBackend):
    """An email backend whose server cannot be reached: each try waits, then fails."""

    tries = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        UnreachableMailServer.tries += 1
        raise TimeoutError("timed out")


def test_a_renewal_email_the_mail_server_was_down_for_is_sent_by_the_next_reminders_run(
    client,
    editor,
    safeguarding_lead,
    school,
    staff_team,
    staff_course,
    teacher,
    settings,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """The email saying what changed was only logged when it failed, so staff were never
    told; now it is noted as sent, like a reminder, and the next reminders run sends the ones
    that failed (once: neither that run nor a second run of the task sends it again)."""
    from records.models import ReminderSent
    from records.services import reminders_send
    from records.tasks import renewal_notify_run

    _completed_before_renewal(school, staff_team, staff_course, teacher)
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableMailServer"
    _mark_for_renewal(client, editor, staff_course, django_capture_on_commit_callbacks)
    assert mailoutbox == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reminders_send()
    reminders_send()
    [mail] = [m for m in mailoutbox if m.to == [teacher.email]]
    assert "New privacy settings" in mail.body
    renewal_notify_run.call(renewal_id=CourseRenewal.objects.get().pk)
    assert [m for m in mailoutbox if m.to == [teacher.email]] == [mail]
    [sent] = ReminderSent.objects.filter(learner=teacher)
    assert sent.kind == "renewal"
    assert sent.about_date == timezone.localdate()
    # The lead sees it on the person's page, as for a reminder.
    client.force_login(safeguarding_lead)
    page = client.get(reverse("records:person", args=[teacher.pk])).content.decode()
    day = timezone.localdate().strftime("%-d %b %Y")
    assert f"Course changed: take it again, {day}" in page


def test_a_renewal_run_stops_when_the_mail_server_cannot_be_reached(
    school, staff_team, staff_course, teacher, settings, mailoutbox
):
    """Each try waits for the mail server (EMAIL_TIMEOUT): a renewal of a course every
    school has assigned would keep the task worker busy for hours trying each person."""
    from records.services import course_renewal_require, renewal_notify
    from schools.models import Membership
    from schools.roles import Role
    from tests.factories import UserFactory

    people = [teacher]
    for number in range(3):
        person = UserFactory(
            school=school,
            username=f"colleague{number}",
            email=f"colleague{number}@school.invalid",
            roles=[Role.STAFF],
        )
        Membership.objects.create(group=staff_team, user=person)
        people.append(person)
    _completed_before_renewal(school, staff_team, staff_course, *people)
    renewal = course_renewal_require(course_page_id=staff_course.pk, reason="New guidance")
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableMailServer"
    UnreachableMailServer.tries = 0
    assert renewal_notify(renewal_id=renewal.pk) == 0
    assert UnreachableMailServer.tries == 1


def test_each_renewal_of_a_course_is_emailed_once_even_when_the_due_date_stays(
    school, staff_team, staff_course, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    """A second change to the course is news to everyone who had completed it, whether or
    not they took it again after the first, though a far-off due date does not move."""
    from records.models import ReminderSent
    from records.services import assignment_create, course_renewal_require, reminders_send

    assignment_create(
        school=school,
        course_page_id=staff_course.pk,
        group=staff_team,
        due_on=date.today() + timedelta(days=200),
    )
    completions_project(
        statements=[
            statement(
                teacher,
                COMPLETED,
                staff_course.activity_iri,
                when=timezone.now() - timedelta(days=3),
            )
        ],
        learners_by_key=keys(teacher),
    )
    with django_capture_on_commit_callbacks(execute=True):  # two days ago
        first = course_renewal_require(course_page_id=staff_course.pk, reason="New guidance")
        CourseRenewal.objects.filter(pk=first.pk).update(
            required_from=timezone.now() - timedelta(days=2)
        )
    with django_capture_on_commit_callbacks(execute=True):
        course_renewal_require(course_page_id=staff_course.pk, reason="New privacy settings")
    reminders_send()

    bodies = [m.body for m in mailoutbox if m.to == [teacher.email]]
    assert len(bodies) == 2
    assert "New guidance" in bodies[0] and "New privacy settings" in bodies[1]
    assert ReminderSent.objects.filter(learner=teacher, kind="renewal").count() == 2


def test_a_second_renewal_of_a_course_the_same_day_is_emailed_with_its_reason_and_due_date(
    school, staff_team, staff_course, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    """An editor who marks a course, then marks it again the same day (a better reason, more
    days to take it again), has staff told both times: the second email is the one that
    holds, and without it staff work to the first reason and the earlier due date."""
    from records.services import course_renewal_require, reminders_send

    _completed_before_renewal(school, staff_team, staff_course, teacher)
    with django_capture_on_commit_callbacks(execute=True):
        course_renewal_require(
            course_page_id=staff_course.pk, reason="Wrong words", complete_within_days=7
        )
    with django_capture_on_commit_callbacks(execute=True):
        course_renewal_require(
            course_page_id=staff_course.pk, reason="New privacy settings", complete_within_days=30
        )
    reminders_send()  # and a later run sends neither again

    bodies = [m.body for m in mailoutbox if m.to == [teacher.email]]
    assert len(bodies) == 2
    assert "Wrong words" in bodies[0] and "New privacy settings" in bodies[1]
    due = (timezone.localdate() + timedelta(days=30)).strftime("%-d %B %Y")
    assert f"Please complete it by {due}." in bodies[1]
