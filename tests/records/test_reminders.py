"""Reminder emails: due soon, overdue, expiring; each event emailed once only."""

from datetime import date, timedelta

import pytest
from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from records.models import ReminderSent
from records.services import assignment_create, reminders_send
from schools.roles import Role
from tests.records.conftest import assign_to_team
from tests.records.statements import completed

pytestmark = pytest.mark.django_db


def test_overdue_staff_get_one_email_with_a_link_to_the_course(
    school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox
):
    safeguarding_lead.email = ""
    safeguarding_lead.save()
    assign_to_team(staff_team, staff_course, due_on=date.today() - timedelta(days=3))
    assert reminders_send() == 1
    [mail] = mailoutbox
    assert mail.to == [teacher.email]
    assert "overdue" in mail.subject
    assert f"http://testserver{staff_course.url}" in mail.body


def test_someone_now_at_another_school_is_not_reminded_of_a_course_of_their_old_team(
    school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox
):
    """Moved to another school with their place in the old school's staff team left behind
    (a move made outside the admin and the roster import, which take them out of it): the
    old school no longer counts them, so it does not email them either."""
    from tests.factories import SchoolFactory

    safeguarding_lead.email = ""
    safeguarding_lead.save()
    assign_to_team(staff_team, staff_course, due_on=date.today() - timedelta(days=3))
    teacher.school = SchoolFactory(name="Elsewhere")
    teacher.save()
    assert reminders_send() == 0
    assert mailoutbox == []


def test_the_same_event_is_never_emailed_twice(
    school, staff_team, staff_course, teacher, mailoutbox
):
    assign_to_team(staff_team, staff_course, due_on=date.today() + timedelta(days=2))
    reminders_send()
    reminders_send()
    call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len([m for m in mailoutbox if teacher.email in m.to]) == 1
    assert ReminderSent.objects.get(learner=teacher).kind == "due_soon"


def test_a_new_event_for_the_same_assignment_is_a_new_email(
    school, staff_team, staff_course, teacher, mailoutbox
):
    assign_to_team(staff_team, staff_course, due_on=date.today() + timedelta(days=2))
    today = timezone.localdate()
    reminders_send(today=today)
    reminders_send(today=today + timedelta(days=5))  # now overdue
    kinds = sorted(ReminderSent.objects.filter(learner=teacher).values_list("kind", flat=True))
    assert kinds == ["due_soon", "overdue"]


def test_expiring_completion_is_reminded(school, staff_team, staff_course, teacher, mailoutbox):
    assign_to_team(staff_team, staff_course, due_on=date(2025, 1, 1), renewal_months=12)
    completed(teacher, staff_course.activity_iri, days_ago=350)
    reminders_send()
    assert ReminderSent.objects.get(learner=teacher).kind == "expiring"
    [mail] = [m for m in mailoutbox if m.to == [teacher.email]]
    assert "expires" in mail.subject


def test_pupils_and_people_with_nothing_due_get_no_email(
    school, klass, pupil, staff_course, teacher, mailoutbox
):
    assignment_create(
        school=school,
        course_page_id=staff_course.pk,
        role=Role.PUPIL,
        due_on=date.today() - timedelta(days=1),
    )
    assignment_create(
        school=school,
        course_page_id=staff_course.pk,
        role=Role.STAFF,
        due_on=date.today() + timedelta(days=60),
    )
    assert reminders_send() == 0
    assert mailoutbox == []


def test_a_failed_send_is_retried_next_run(
    school, staff_team, staff_course, teacher, mailoutbox, monkeypatch
):
    assign_to_team(staff_team, staff_course, due_on=date.today() - timedelta(days=1))
    import records.services as services

    def broken(**kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(services, "_send", broken)
    assert reminders_send() == 0
    assert not ReminderSent.objects.exists()
    monkeypatch.undo()
    assert reminders_send() >= 1


# --- What the safeguarding lead sees of reminders --------------------------------------------


def _overdue_for_staff(school, staff_team, staff_course):
    return assign_to_team(staff_team, staff_course, due_on=date.today() - timedelta(days=3))


def _chase_form(client, **query) -> dict[str, list[str]]:
    """The hidden fields of the chase page's Email form, as the browser would send them."""
    import re

    page = client.get(reverse("records:chase"), query).content.decode()
    if 'id="to-email"' not in page or "<form" not in page[page.index('id="to-email"') :]:
        return {}
    form = page[page.index('id="to-email"') :].split("</form>")[0]
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form):
        fields.setdefault(name, []).append(value)
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def test_a_person_page_shows_the_last_reminder_emailed_for_each_course(
    client, school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox
):
    _overdue_for_staff(school, staff_team, staff_course)
    client.force_login(safeguarding_lead)
    page = reverse("records:person", args=[teacher.pk])
    html = client.get(page).content.decode()
    assert "Last reminder emailed" in html
    sent_on = timezone.localdate().strftime("%-d %b %Y")
    assert f"Overdue, {sent_on}" not in html
    reminders_send()
    html = client.get(page).content.decode()
    assert f"<td>Overdue, {sent_on}" in html
    assert "no email address" not in html


def test_a_person_page_says_when_someone_cannot_be_emailed(
    client, school, klass, staff_team, staff_course, pupil_course, pupil, teacher, safeguarding_lead
):
    _overdue_for_staff(school, staff_team, staff_course)
    assignment_create(
        school=school, course_page_id=pupil_course.pk, group=klass, due_on=date.today()
    )
    teacher.email = ""
    teacher.save()
    reminders_send()
    client.force_login(safeguarding_lead)
    html = client.get(reverse("records:person", args=[teacher.pk])).content.decode()
    assert "They have no email address in Upstander, so they get no reminder emails" in html
    assert "Overdue, " not in html
    # Pupils are never emailed: no reminders column, and the page says so.
    html = client.get(reverse("records:person", args=[pupil.pk])).content.decode()
    assert "Last reminder emailed" not in html
    assert "Pupils are not emailed reminders" in html


def test_the_assignments_page_says_when_staff_are_reminded(
    client, school, staff_team, staff_course, safeguarding_lead
):
    _overdue_for_staff(school, staff_team, staff_course)
    client.force_login(safeguarding_lead)
    html = client.get(reverse("records:assignments")).content.decode()
    assert "7 days before a course is due" in html
    assert "30 days before their completion expires" in html


# --- The lead chasing someone now -------------------------------------------------------------


def _remind(client, person, assignment):
    return client.post(
        reverse("records:person_remind", args=[person.pk]),
        {"assignment": assignment.pk},
        follow=True,
    )


def test_the_lead_emails_a_reminder_now_at_most_once_a_day(
    client, school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox
):
    safeguarding_lead.first_name, safeguarding_lead.last_name = "Dana", "Lead"
    safeguarding_lead.save()
    assignment = _overdue_for_staff(school, staff_team, staff_course)
    client.force_login(safeguarding_lead)
    page = reverse("records:person", args=[teacher.pk])
    assert "Email a reminder now" in client.get(page).content.decode()

    response = _remind(client, teacher, assignment)
    assert f"{teacher.get_full_name()} was emailed a reminder." in response.content.decode()
    [mail] = [m for m in mailoutbox if m.to == [teacher.email]]
    assert mail.subject == (
        f"A reminder from your Designated Safeguarding Lead: “{staff_course.title}”"
    )
    due = (date.today() - timedelta(days=3)).strftime("%-d %B %Y")
    assert (
        f"Dana Lead, your Designated Safeguarding Lead, asks you to complete "
        f"“{staff_course.title}”. It was due on {due}."
    ) in mail.body
    assert f"http://testserver{staff_course.url}" in mail.body
    # The page shows it, and offers no second one today.
    html = client.get(page).content.decode()
    assert f"From the safeguarding lead, {timezone.localdate().strftime('%-d %b %Y')}" in html
    assert "Email a reminder now" not in html
    again = _remind(client, teacher, assignment).content.decode()
    assert "They were already emailed about that course today." in again
    assert len([m for m in mailoutbox if m.to == [teacher.email]]) == 1
    # The automatic overdue reminder is its own event: still sent, once.
    reminders_send()
    assert sorted(ReminderSent.objects.filter(learner=teacher).values_list("kind", flat=True)) == [
        "from_lead",
        "overdue",
    ]
    # The lead's own reminder of today still counts, after the automatic one.
    assert "Email a reminder now" not in client.get(page).content.decode()


def test_a_reminder_the_lead_cannot_send_says_why(
    client, school, klass, staff_team, staff_course, pupil, teacher, safeguarding_lead, mailoutbox
):
    assignment = _overdue_for_staff(school, staff_team, staff_course)
    client.force_login(safeguarding_lead)
    cases = []
    pupils_course = assignment_create(
        school=school, course_page_id=staff_course.pk, group=klass, due_on=date.today()
    )
    cases.append((pupil, pupils_course, "Pupils are not emailed reminders."))
    teacher.email = ""
    teacher.save()
    cases.append((teacher, assignment, "They have no email address in Upstander."))
    for person, assigned, reason in cases:
        html = _remind(client, person, assigned).content.decode()
        assert reason in html
    teacher.email = "teacher1@school.invalid"
    teacher.save()
    # Done already: nothing to chase (and no button).
    completed(teacher, staff_course.activity_iri, days_ago=1)
    assert "They have completed that course." in _remind(client, teacher, assignment).text
    page = client.get(reverse("records:person", args=[teacher.pk])).content.decode()
    assert "Email a reminder now" not in page
    # Someone else's assignment id, or none.
    assert (
        "no longer assigned"
        in client.post(
            reverse("records:person_remind", args=[teacher.pk]), {"assignment": "x"}, follow=True
        ).text
    )
    assert mailoutbox == []


def test_only_the_lead_may_send_one(client, school, staff_team, staff_course, teacher, pupil):
    assignment = _overdue_for_staff(school, staff_team, staff_course)
    client.force_login(pupil)
    response = client.post(
        reverse("records:person_remind", args=[teacher.pk]), {"assignment": assignment.pk}
    )
    assert response.status_code == 403
    assert not ReminderSent.objects.exists()


# --- Chasing everyone overdue at once ---------------------------------------------------------


def test_the_lead_chases_everyone_overdue_once_a_day_and_sees_who_cannot_be(
    client,
    school,
    klass,
    staff_team,
    staff_course,
    pupil_course,
    pupil,
    teacher,
    safeguarding_lead,
    mailoutbox,
):
    from schools.models import Membership
    from tests.factories import UserFactory

    no_address = UserFactory(
        school=school, username="nomail", first_name="Nia", last_name="Noemail", roles=[Role.STAFF]
    )
    no_address.email = ""
    no_address.save()
    Membership.objects.create(group=staff_team, user=no_address)
    _overdue_for_staff(school, staff_team, staff_course)
    assignment_create(
        school=school,
        course_page_id=pupil_course.pk,
        group=klass,
        due_on=date.today() - timedelta(days=2),
    )
    # Names no other person here could share by chance, for the checks that they are absent.
    pupil.first_name, pupil.last_name = "Peregrine", "Quillfeather-Oduya"
    pupil.save()
    safeguarding_lead.first_name, safeguarding_lead.last_name = "Lowenna", "Tremayne-Achebe"
    safeguarding_lead.save()
    client.force_login(safeguarding_lead)
    dashboard = client.get(reverse("records:dashboard")).content.decode()
    assert reverse("records:chase") in dashboard

    page = client.get(reverse("records:chase")).content.decode()
    to_email = page[page.index('id="to-email"') : page.index('id="not-emailed"')]
    assert teacher.get_full_name() in to_email and "Email 1 reminder" in to_email
    not_emailed = page[page.index('id="not-emailed"') :]
    assert "Nia Noemail" in not_emailed and "No email address in Upstander" in not_emailed
    # The lead is on the staff team too, and overdue, but not emailed by themselves.
    assert safeguarding_lead.get_full_name() not in to_email
    assert "This is you" in not_emailed
    assert "1 pupil has a course overdue or expired" in page
    assert pupil.get_full_name() not in page

    done = client.post(reverse("records:chase"), _chase_form(client), follow=True).content.decode()
    assert "1 reminder was emailed." in done
    assert [m.to for m in mailoutbox] == [[teacher.email]]
    assert "Nobody to email now." in done
    assert done.count("Already emailed about it today") == 1
    # Again the same day: nothing more is sent.
    again = client.post(reverse("records:chase"), _chase_form(client), follow=True).content.decode()
    assert "There was nobody left to email today." in again
    assert len(mailoutbox) == 1


def test_the_chase_page_counts_pupils_not_their_courses(
    client, school, klass, pupil_course, pupil, safeguarding_lead, home_page
):
    """One pupil behind on two courses is one pupil: "2 pupils' courses are overdue" told the
    lead twice as many pupils as there were."""
    from tests.records.conftest import _course

    other_course = _course(home_page, audience="pupils", title="Phones at night")
    for course in (pupil_course, other_course):
        assignment_create(
            school=school,
            course_page_id=course.pk,
            group=klass,
            due_on=date.today() - timedelta(days=2),
        )
    client.force_login(safeguarding_lead)
    page = client.get(reverse("records:chase")).content.decode()
    assert "Pupils are never emailed: 1 pupil has a course overdue or expired." in page


def test_only_the_lead_may_chase(client, school, staff_team, staff_course, teacher, mailoutbox):
    _overdue_for_staff(school, staff_team, staff_course)
    client.force_login(teacher)
    assert client.get(reverse("records:chase")).status_code == 403
    assert client.post(reverse("records:chase")).status_code == 403
    assert mailoutbox == []


def test_the_lead_is_not_offered_a_reminder_to_themselves(
    client, school, staff_team, staff_course, safeguarding_lead
):
    from schools.models import Membership

    Membership.objects.get_or_create(group=staff_team, user=safeguarding_lead)
    _overdue_for_staff(school, staff_team, staff_course)
    client.force_login(safeguarding_lead)
    html = client.get(reverse("records:person", args=[safeguarding_lead.pk])).content.decode()
    assert "Overdue" in html and "Email a reminder now" not in html


def test_sending_reminders_reads_each_school_once_not_once_per_person(
    school, staff_team, staff_course, mailoutbox
):
    """The email names the school's safeguarding lead's title (Wales: Designated Safeguarding
    Person): it is read with the people, not once more for each of them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from schools.models import Membership
    from tests.factories import UserFactory

    assign_to_team(staff_team, staff_course, due_on=date.today() - timedelta(days=3))

    staff_team.memberships.all().delete()

    def school_reads_when_emailing(n) -> int:
        for _ in range(n):
            person = UserFactory(school=school, roles=[Role.STAFF])
            person.email = f"{person.username}@school.invalid"
            person.save()
            Membership.objects.create(group=staff_team, user=person)
        with CaptureQueriesContext(connection) as queries:
            assert reminders_send() == n
        return sum('FROM "schools_school"' in q["sql"] for q in queries.captured_queries)

    few = school_reads_when_emailing(2)
    assert school_reads_when_emailing(8) == few


def test_the_leads_chase_reads_the_school_once_not_once_per_person(
    client, school, staff_team, staff_course, safeguarding_lead, mailoutbox
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from schools.models import Membership
    from tests.factories import UserFactory

    assign_to_team(staff_team, staff_course, due_on=date.today() - timedelta(days=3))
    staff_team.memberships.all().delete()
    client.force_login(safeguarding_lead)

    def school_reads_when_chasing(n) -> int:
        ReminderSent.objects.all().delete()  # once a day: chase them all again
        for _ in range(n):
            person = UserFactory(school=school, roles=[Role.STAFF])
            person.email = f"{person.username}@school.invalid"
            person.save()
            Membership.objects.create(group=staff_team, user=person)
        mailoutbox.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.post(reverse("records:chase"), _chase_form(client)).status_code == 302
        assert len(mailoutbox) == ReminderSent.objects.count() > 0
        return sum('FROM "schools_school"' in q["sql"] for q in queries.captured_queries)

    few = school_reads_when_chasing(2)
    assert school_reads_when_chasing(8) == few


class UnreachableMailServer(BaseEmailBackend):
    """An email backend whose server cannot be reached: each try waits, then fails."""

    tries = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        UnreachableMailServer.tries += 1
        raise TimeoutError("timed out")


def _three_overdue_staff(school, staff_team, staff_course):
    from schools.models import Membership
    from tests.factories import UserFactory

    staff_team.memberships.all().delete()
    for number in range(3):
        person = UserFactory(school=school, username=f"overdue{number}", roles=[Role.STAFF])
        person.email = f"overdue{number}@school.invalid"
        person.save()
        Membership.objects.create(group=staff_team, user=person)
    _overdue_for_staff(school, staff_team, staff_course)


def test_when_the_mail_server_cannot_be_reached_the_lead_is_not_kept_waiting_for_each_person(
    client, school, staff_team, staff_course, safeguarding_lead, settings, mailoutbox
):
    """Each try waits for the mail server (EMAIL_TIMEOUT): trying everyone on a long list in
    turn would outlast the page. One failure to reach it is enough to say none were sent."""
    _three_overdue_staff(school, staff_team, staff_course)
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableMailServer"
    UnreachableMailServer.tries = 0
    client.force_login(safeguarding_lead)
    done = client.post(reverse("records:chase"), _chase_form(client), follow=True).content.decode()
    assert UnreachableMailServer.tries == 1
    assert "3 could not be sent" in done
    assert "Email 3 reminders" in done
    assert not ReminderSent.objects.exists()


def test_a_reminders_run_stops_when_the_mail_server_cannot_be_reached_and_the_next_sends_all(
    school, staff_team, staff_course, settings, mailoutbox
):
    _three_overdue_staff(school, staff_team, staff_course)
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableMailServer"
    UnreachableMailServer.tries = 0
    assert reminders_send() == 0
    assert UnreachableMailServer.tries == 1
    assert not ReminderSent.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders_send() == 3


def test_an_address_the_mail_server_refuses_does_not_stop_the_others(
    school, staff_team, staff_course, monkeypatch, mailoutbox
):
    import smtplib

    import records.services as services

    _three_overdue_staff(school, staff_team, staff_course)
    send = services._send

    def refusing_one(*, user, **kwargs):
        if user.username == "overdue0":
            raise smtplib.SMTPRecipientsRefused({user.email: (550, b"No such user")})
        send(user=user, **kwargs)

    monkeypatch.setattr(services, "_send", refusing_one)
    assert reminders_send() == 2
    assert sorted(m.to[0] for m in mailoutbox) == [
        "overdue1@school.invalid",
        "overdue2@school.invalid",
    ]


class RefusingTeachersAddress(BaseEmailBackend):
    """An email backend whose server refuses the teacher's address."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPRecipientsRefused({"teacher1@school.invalid": (550, b"No such user")})


def test_a_reminder_to_an_address_the_mail_server_refuses_says_so_not_try_again_later(
    client, school, staff_team, staff_course, teacher, safeguarding_lead, settings
):
    """Trying again later would fail the same way: the lead needs to check the address."""
    assignment = _overdue_for_staff(school, staff_team, staff_course)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingTeachersAddress"
    client.force_login(safeguarding_lead)
    html = _remind(client, teacher, assignment).content.decode()
    assert (
        "The mail server would not take their email address, teacher1@school.invalid. "
        "Check that it is right."
    ) in html
    assert "Please try again later" not in html
    assert not ReminderSent.objects.exists()


def test_an_administrator_chasing_one_school_never_emails_another_chosen_meanwhile(
    client, school, staff_team, staff_course, teacher, mailoutbox
):
    """A site administrator (of no school) opened the chase list of one school, chose another
    in a second tab, then pressed Email on the first: the other school's staff were emailed."""
    import re

    from tests.factories import GroupFactory, SchoolFactory, UserFactory

    _overdue_for_staff(school, staff_team, staff_course)
    other = SchoolFactory(name="Another School")
    their_team = GroupFactory(school=other, name="Their staff", kind="staff_team")
    theirs = UserFactory(school=other, username="theirs", email="theirs@school.invalid")
    their_team.memberships.create(user=theirs)
    _overdue_for_staff(other, their_team, staff_course)
    admin = UserFactory(school=None, username="root", roles=[], is_superuser=True)
    client.force_login(admin)
    fields = _chase_form(client, school=school.pk)
    client.get(reverse("records:dashboard"), {"school": other.pk})  # the second tab
    client.post(reverse("records:chase"), fields)
    sent = [address for mail in mailoutbox for address in mail.to]
    assert teacher.email in sent and theirs.email not in sent
    # The same for an assignment's Change page, shown for the first school.
    from records.models import Assignment

    assignment = Assignment.objects.get(school=school)
    change = reverse("records:assignment_change", args=[assignment.pk])
    page = client.get(change).content.decode()
    form = page[page.index('<form method="post" novalidate') :].split("</form>")[0]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    client.get(reverse("records:dashboard"), {"school": other.pk})
    due = date.today() + timedelta(days=9)
    fields.update(due_on=due.isoformat(), new_starter_days=30)
    fields.pop("csrfmiddlewaretoken", None)
    assert client.post(change, fields).status_code == 302
    assignment.refresh_from_db()
    assert assignment.due_on == due


@pytest.mark.parametrize("code", [552, 451])
def test_one_email_the_mail_server_will_not_take_does_not_stop_everyone_elses_reminders(
    school, staff_team, staff_course, monkeypatch, mailoutbox, code
):
    """A full mailbox (552) or a message put off for now (451) is answered for that one email
    by a mail server that is working: stopping the run there held back everyone after that
    person, every day, for as long as their mailbox stayed full."""
    import smtplib

    import records.services as services

    _three_overdue_staff(school, staff_team, staff_course)
    send = services._send

    def one_not_taken(*, user, **kwargs):
        if user.username == "overdue0":
            raise smtplib.SMTPDataError(code, b"Mailbox full or message deferred")
        send(user=user, **kwargs)

    monkeypatch.setattr(services, "_send", one_not_taken)
    assert reminders_send() == 2
    assert sorted(m.to[0] for m in mailoutbox) == [
        "overdue1@school.invalid",
        "overdue2@school.invalid",
    ]
    assert not ReminderSent.objects.filter(learner__username="overdue0").exists()


class FullMailbox(BaseEmailBackend):
    """An email backend whose server takes the teacher's address but not the message: their
    mailbox is full."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPDataError(552, b"5.2.2 Mailbox full")


def test_a_reminder_the_mail_server_would_not_deliver_says_so_not_try_again_later(
    client, school, staff_team, staff_course, teacher, safeguarding_lead, settings
):
    assignment = _overdue_for_staff(school, staff_team, staff_course)
    settings.EMAIL_BACKEND = f"{__name__}.FullMailbox"
    client.force_login(safeguarding_lead)
    html = _remind(client, teacher, assignment).content.decode()
    assert "The mail server would not deliver the email to teacher1@school.invalid." in html
    assert "Please try again later" not in html
    assert not ReminderSent.objects.exists()


def test_a_reply_to_the_leads_reminder_goes_to_the_lead_not_the_no_reply_address(
    client, school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox
):
    """The email asks in the lead's name; staff answering it ("done", "I'm on leave") wrote
    to the site's no-reply address, and the lead never knew."""
    assignment = _overdue_for_staff(school, staff_team, staff_course)
    client.force_login(safeguarding_lead)
    _remind(client, teacher, assignment)
    [mail] = [m for m in mailoutbox if m.to == [teacher.email]]
    assert mail.reply_to == [safeguarding_lead.email]

    mailoutbox.clear()
    reminders_send()  # the automatic ones are from Upstander: no one to reply to
    [automatic] = [m for m in mailoutbox if m.to == [teacher.email]]
    assert automatic.reply_to == []


def test_a_reminder_from_a_site_administrator_does_not_call_them_the_persons_lead(
    client, school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox
):
    """The email named whoever pressed the button as the person's Designated Safeguarding
    Lead: an administrator of the whole site is not, and staff would answer the wrong one."""
    from tests.factories import UserFactory

    assignment = _overdue_for_staff(school, staff_team, staff_course)
    admin = UserFactory(
        school=None,
        username="root",
        first_name="Sam",
        last_name="Admin",
        email="sam@trust.invalid",
        roles=[],
        is_superuser=True,
    )
    client.force_login(admin)
    assert "was emailed a reminder" in _remind(client, teacher, assignment).content.decode()
    [mail] = [m for m in mailoutbox if m.to == [teacher.email]]
    assert mail.subject == f"A reminder from Sam Admin: “{staff_course.title}”"
    assert f"Sam Admin asks you to complete “{staff_course.title}”." in mail.body
    assert "Designated Safeguarding Lead" not in mail.subject + mail.body


class CountingConnections(locmem.EmailBackend):
    """The test mail backend, counting the connections opened to the mail server. As
    Django's SMTP backend does, sending opens a connection unless one is open already, and
    closes what it opened."""

    opened = 0

    def open(self):
        if getattr(self, "is_open", False):
            return False
        self.is_open = True
        CountingConnections.opened += 1
        return True

    def close(self):
        self.is_open = False

    def send_messages(self, messages):
        opened_here = self.open()
        try:
            return super().send_messages(messages)
        finally:
            if opened_here:
                self.close()


def test_the_leads_chase_sends_its_emails_over_one_connection_to_the_mail_server(
    client, school, staff_team, staff_course, safeguarding_lead, settings, mailoutbox
):
    """Each connection to the mail server costs a handshake (and TLS, and signing in): one
    per person on a long chase list outlasts the page."""
    _three_overdue_staff(school, staff_team, staff_course)
    settings.EMAIL_BACKEND = f"{__name__}.CountingConnections"
    CountingConnections.opened = 0
    client.force_login(safeguarding_lead)
    done = client.post(reverse("records:chase"), _chase_form(client), follow=True).content.decode()
    assert "3 reminders were emailed." in done
    assert len(mailoutbox) == 3
    assert CountingConnections.opened == 1


def test_a_reminders_run_sends_its_emails_over_one_connection_to_the_mail_server(
    school, staff_team, staff_course, settings, mailoutbox
):
    _three_overdue_staff(school, staff_team, staff_course)
    settings.EMAIL_BACKEND = f"{__name__}.CountingConnections"
    CountingConnections.opened = 0
    assert reminders_send() == 3
    assert CountingConnections.opened == 1


def test_a_refused_reminder_is_logged_without_the_persons_email_address(
    client, school, staff_team, staff_course, teacher, safeguarding_lead, settings, caplog
):
    """The mail server's refusal names the address; the log says who by their id only (logs
    are kept, copied and read by people who may not see staff's details)."""
    import logging

    assignment = _overdue_for_staff(school, staff_team, staff_course)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingTeachersAddress"
    client.force_login(safeguarding_lead)
    with caplog.at_level(logging.INFO):
        _remind(client, teacher, assignment)
        reminders_send()
    failures = [r.getMessage() for r in caplog.records if r.name == "records.services"]
    assert "teacher1@school.invalid" not in caplog.text
    teachers = [m for m in failures if f"to user {teacher.pk} " in m]
    assert len(teachers) == 2  # the lead's reminder, and the reminders run's
    assert all("550" in m for m in teachers)


def test_a_course_overdue_for_longer_than_the_school_keeps_records_is_not_reminded_again(
    school, staff_team, staff_course, teacher, mailoutbox
):
    """The retention purge deleted the note that the overdue reminder was sent, a year ago:
    the next run sent it again, and again every time the purge caught up with it."""
    from records.services import records_purge

    school.retention_months = 12
    school.save()
    assign_to_team(staff_team, staff_course, due_on=date.today() - timedelta(days=500))
    reminders_send()
    assert [m.to for m in mailoutbox].count([teacher.email]) == 1
    # It was sent the day after the course was due.
    ReminderSent.objects.update(sent_at=timezone.now() - timedelta(days=499))
    records_purge()
    reminders_send()
    assert [m.to for m in mailoutbox].count([teacher.email]) == 1


def test_two_courses_expiring_the_same_day_are_one_email_listing_both(
    school, staff_team, staff_course, home_page, teacher, safeguarding_lead, mailoutbox
):
    """A member of staff whose two certificates expire on the same day got two emails a
    moment apart; they get one that names both courses, and both are noted as reminded."""
    from tests.records.conftest import _course

    safeguarding_lead.email = ""
    safeguarding_lead.save()
    second = _course(home_page, audience="staff", title="Reporting a fake account")
    for course in (staff_course, second):
        assign_to_team(staff_team, course, due_on=date(2025, 1, 1), renewal_months=12)
        completed(teacher, course.activity_iri, days_ago=350)
    assert reminders_send() == 2
    [mail] = mailoutbox
    assert mail.to == [teacher.email]
    for course in (staff_course, second):
        assert f"“{course.title}”" in mail.body
        assert f"http://testserver{course.url}" in mail.body
    assert "2 courses" in mail.subject
    assert sorted(ReminderSent.objects.filter(learner=teacher).values_list("kind", flat=True)) == [
        "expiring",
        "expiring",
    ]
    assert reminders_send() == 0
    assert len(mailoutbox) == 1


def test_a_completion_the_retention_purge_removed_is_not_reminded_as_never_done(
    school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox
):
    """A member of staff completed a course on time, longer ago than the school keeps
    records: once the purge removed it, the reminders run told them the course "is not yet
    complete". It now says Upstander no longer holds their completion, and why."""
    from records.services import records_purge

    safeguarding_lead.email = ""
    safeguarding_lead.save()
    school.retention_months = 12
    school.save()
    assign_to_team(staff_team, staff_course, due_on=date.today() - timedelta(days=500))
    completed(teacher, staff_course.activity_iri, days_ago=520)
    assert reminders_send() == 0
    records_purge()
    assert reminders_send() == 1
    [mail] = mailoutbox
    assert "not yet complete" not in mail.body
    assert "keeps learning records for 12 months" in mail.body


def _expiring_under_the_team_and_the_role(school, staff_team, staff_course, teacher):
    """The teacher's completion, 350 days old, of a course renewed every year and assigned
    to them twice: to their team and to everyone with their role (the one returned)."""
    assign_to_team(staff_team, staff_course, due_on=date(2025, 1, 1), renewal_months=12)
    everyone = assignment_create(
        school=school,
        course_page_id=staff_course.pk,
        role=Role.STAFF,
        due_on=date(2025, 3, 1),
        renewal_months=12,
    )
    completed(teacher, staff_course.activity_iri, days_ago=350)
    return everyone


def test_a_reminder_is_not_sent_again_when_the_other_assignment_of_the_course_becomes_due_first(
    school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox
):
    """A course assigned to a member of staff twice (their team, and everyone with their
    role): the lead moving the second one's due date before the first's made the next run
    email the same "expires on" reminder again."""
    from records.services import assignment_change

    safeguarding_lead.email = ""
    safeguarding_lead.save()
    everyone = _expiring_under_the_team_and_the_role(school, staff_team, staff_course, teacher)
    assert reminders_send() == 1
    assignment_change(assignment=everyone, due_on=date(2024, 9, 1), renewal_months=12)
    assert reminders_send() == 0
    assert len(mailoutbox) == 1


def test_the_leads_chase_emails_someone_overdue_on_two_courses_once_naming_both(
    client, school, staff_team, staff_course, home_page, teacher, safeguarding_lead, mailoutbox
):
    """The chase page's "Email reminders" sent a member of staff overdue on two courses two
    emails from the lead at once; they get one that asks for both, and the page counts
    both reminders."""
    from tests.records.conftest import _course

    second = _course(home_page, audience="staff", title="Reporting a fake account")
    for course in (staff_course, second):
        assign_to_team(staff_team, course, due_on=date.today() - timedelta(days=3))
    client.force_login(safeguarding_lead)
    done = client.post(reverse("records:chase"), _chase_form(client), follow=True).content.decode()
    assert "2 reminders were emailed." in done
    [mail] = mailoutbox
    assert mail.to == [teacher.email]
    assert mail.reply_to == [safeguarding_lead.email]
    for course in (staff_course, second):
        assert f"“{course.title}”" in mail.body
        assert f"http://testserver{course.url}" in mail.body
    assert ReminderSent.objects.filter(learner=teacher, kind="from_lead").count() == 2
    again = client.post(reverse("records:chase"), _chase_form(client), follow=True).content.decode()
    assert "There was nobody left to email today." in again
    assert len(mailoutbox) == 1


def test_a_person_page_shows_the_reminder_about_a_course_assigned_to_them_twice(
    client, school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox
):
    """The course is assigned to the teacher's team and to everyone with their role. Once
    the role's due date was moved before the team's, their page said no reminder had been
    emailed about the course (the one sent came under the other assignment)."""
    from records.services import assignment_change

    everyone = _expiring_under_the_team_and_the_role(school, staff_team, staff_course, teacher)
    reminders_send()
    assignment_change(assignment=everyone, due_on=date(2024, 9, 1), renewal_months=12)
    client.force_login(safeguarding_lead)
    html = client.get(reverse("records:person", args=[teacher.pk])).content.decode()
    sent_on = timezone.localdate().strftime("%-d %b %Y")
    assert f"<td>Expiring soon, {sent_on}" in html


def test_the_retention_purge_keeps_the_note_of_an_overdue_reminder_under_either_assignment(
    school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox
):
    """A course assigned to a member of staff twice (their team, and everyone with their
    role), overdue for longer than the school keeps records: the reminder was sent under the
    team's assignment, then the team's due date moved, so the role's is now the one due.
    The purge must keep the note, or the same "overdue" email goes out again."""
    from records.services import assignment_change, records_purge

    school.retention_months = 12
    school.save()
    safeguarding_lead.email = ""
    safeguarding_lead.save()
    long_ago = date.today() - timedelta(days=500)
    team = assign_to_team(staff_team, staff_course, due_on=long_ago)
    assignment_create(
        school=school, course_page_id=staff_course.pk, role=Role.STAFF, due_on=long_ago
    )
    assert reminders_send() == 1
    ReminderSent.objects.update(sent_at=timezone.now() - timedelta(days=400))
    assignment_change(assignment=team, due_on=date.today() - timedelta(days=100))
    assert reminders_send() == 0

    records_purge()
    assert reminders_send() == 0
    assert len(mailoutbox) == 1


def test_the_retention_purge_keeps_the_latest_completion_of_a_course_that_must_be_renewed(
    school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox
):
    """A school keeps records for 12 months and its staff renew a course every year: the
    purge deleted each completion as it expired, so the member of staff showed "Overdue" on
    a due date long past instead of "Expired", and the "expired" email never went. Their
    latest completion of a course that must be renewed is kept, and it shows as expired."""
    from records.selectors import school_standings
    from records.services import records_purge
    from records.states import State
    from tests.records.statements import COMPLETED, statement
    from xapi.services import record

    safeguarding_lead.email = ""
    safeguarding_lead.save()
    school.retention_months = 12
    school.save()
    assign_to_team(
        staff_team, staff_course, due_on=date.today() - timedelta(days=800), renewal_months=12
    )
    for days_ago in (790, 400):  # on time, then renewed; the renewal ran out a month ago
        done = statement(
            teacher,
            COMPLETED,
            staff_course.activity_iri,
            when=timezone.now() - timedelta(days=days_ago),
        )
        done.pop("stored")
        record(statements=[done], school=school)

    records_purge()

    _courses, items = school_standings(school=school)
    [standing] = [item.standing for item in items if item.learner_id == teacher.pk]
    assert standing.state == State.EXPIRED
    assert standing.completed_on == timezone.localdate() - timedelta(days=400)
    assert reminders_send() == 1
    [mail] = mailoutbox
    assert "has expired" in mail.subject


def test_removing_one_of_two_assignments_of_a_course_does_not_email_the_same_reminder_again(
    client, school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox
):
    """A course assigned to a member of staff twice (their team, and everyone with their
    role) by the same date: the lead tidying up by removing the team's assignment, under
    which the "overdue" email had gone, made the next run send the same email again, and
    their page said none had been sent."""
    from records.services import assignment_delete

    safeguarding_lead.email = ""
    safeguarding_lead.save()
    due = date.today() - timedelta(days=3)
    team = assign_to_team(staff_team, staff_course, due_on=due)
    assignment_create(school=school, course_page_id=staff_course.pk, role=Role.STAFF, due_on=due)
    assert reminders_send() == 1
    assignment_delete(assignment=team)
    assert reminders_send() == 0
    assert len(mailoutbox) == 1
    client.force_login(safeguarding_lead)
    html = client.get(reverse("records:person", args=[teacher.pk])).content.decode()
    sent_on = timezone.localdate().strftime("%-d %b %Y")
    assert f"<td>Overdue, {sent_on}" in html


def test_removing_a_courses_only_assignment_and_assigning_it_again_does_not_repeat_a_reminder(
    client, school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox
):
    """The lead removes the only assignment of a course (to assign it to a role instead, or
    by mistake) and assigns it again for the same date: the "overdue" email already sent
    about that date was sent again the next morning, as removing the assignment had thrown
    away the note of it."""
    from records.services import assignment_delete

    safeguarding_lead.email = ""
    safeguarding_lead.save()
    due = date.today() - timedelta(days=3)
    team = assign_to_team(staff_team, staff_course, due_on=due)
    assert reminders_send() == 1
    assignment_delete(assignment=team)
    assignment_create(school=school, course_page_id=staff_course.pk, role=Role.STAFF, due_on=due)
    assert reminders_send() == 0
    assert len(mailoutbox) == 1
    client.force_login(safeguarding_lead)
    html = client.get(reverse("records:person", args=[teacher.pk])).content.decode()
    sent_on = timezone.localdate().strftime("%-d %b %Y")
    assert f"<td>Overdue, {sent_on}" in html


def test_someone_who_moves_school_is_reminded_there_of_a_course_due_the_same_day(
    school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox
):
    """Two schools of a trust give the same course the same due date. A member of staff
    reminded at the first who moves to the second is reminded by the second too: its note
    of the reminder is its own (a reminder is about the course at the school)."""
    from schools.models import Group, Membership
    from tests.factories import SchoolFactory

    safeguarding_lead.email = ""
    safeguarding_lead.save()
    due = timezone.localdate() + timedelta(days=2)
    assign_to_team(staff_team, staff_course, due_on=due)
    assert reminders_send() == 1

    elsewhere = SchoolFactory(name="Elsewhere")
    Membership.objects.filter(user=teacher).delete()
    teacher.school = elsewhere
    teacher.save()
    team = Group.objects.create(school=elsewhere, name="Staff", kind=Group.Kind.STAFF_TEAM)
    Membership.objects.create(group=team, user=teacher)
    assign_to_team(team, staff_course, due_on=due)
    assert reminders_send() == 1
    assert [m.to for m in mailoutbox] == [[teacher.email], [teacher.email]]
    assert ReminderSent.objects.get(learner=teacher, school=elsewhere).about_date == due


def _moved_to_a_school_with_the_same_course_overdue(teacher, staff_course):
    """Move `teacher` to another school whose staff team has the same course overdue, and
    give that school a safeguarding lead; returns the new lead and the new assignment."""
    from schools.models import Group, Membership
    from tests.factories import SchoolFactory, StaffFactory

    elsewhere = SchoolFactory(name="Elsewhere")
    Membership.objects.filter(user=teacher).delete()
    teacher.school = elsewhere
    teacher.save()
    team = Group.objects.create(school=elsewhere, name="Staff", kind=Group.Kind.STAFF_TEAM)
    Membership.objects.create(group=team, user=teacher)
    assignment = assign_to_team(team, staff_course, due_on=date.today() - timedelta(days=3))
    new_lead = StaffFactory(school=elsewhere, roles=[Role.STAFF, Role.SAFEGUARDING_LEAD])
    return new_lead, assignment


def test_a_person_page_at_their_new_school_shows_no_reminder_their_old_school_sent(
    client, school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox
):
    """The old school emailed them an overdue reminder, then they moved: the new school's
    lead saw the old school's reminder as the last one emailed about the course, as though
    the new school had sent it."""
    safeguarding_lead.email = ""
    safeguarding_lead.save()
    _overdue_for_staff(school, staff_team, staff_course)
    assert reminders_send() == 1
    new_lead, _assignment = _moved_to_a_school_with_the_same_course_overdue(teacher, staff_course)
    client.force_login(new_lead)
    html = client.get(reverse("records:person", args=[teacher.pk])).content.decode()
    sent_on = timezone.localdate().strftime("%-d %b %Y")
    assert f"<td>Overdue, {sent_on}" not in html
    assert reverse("records:person_remind", args=[teacher.pk]) in html
    # The new school's own reminder shows.
    assert reminders_send() == 1
    html = client.get(reverse("records:person", args=[teacher.pk])).content.decode()
    assert f"<td>Overdue, {sent_on}" in html


def test_the_new_schools_lead_may_chase_someone_their_old_schools_lead_chased_today(
    client, school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox
):
    """Chased by the old school's lead in the morning and moved in the afternoon: the new
    school's lead was offered no "Email a reminder now" and their chase list said the person
    was already emailed about it today, though the new school had not emailed them."""
    old = _overdue_for_staff(school, staff_team, staff_course)
    client.force_login(safeguarding_lead)
    _remind(client, teacher, old)
    assert len(mailoutbox) == 1
    new_lead, _assignment = _moved_to_a_school_with_the_same_course_overdue(teacher, staff_course)
    client.force_login(new_lead)
    html = client.get(reverse("records:person", args=[teacher.pk])).content.decode()
    assert "Email a reminder now" in html
    page = client.get(reverse("records:chase")).content.decode()
    assert "Email 1 reminder" in page
    done = client.post(reverse("records:chase"), _chase_form(client), follow=True).content.decode()
    assert "1 reminder was emailed." in done
    assert [m.to for m in mailoutbox] == [[teacher.email], [teacher.email]]
    # Once a day at the new school too.
    assert (
        "Email a reminder now"
        not in client.get(reverse("records:person", args=[teacher.pk])).content.decode()
    )


class CheckingAddresses(locmem.EmailBackend):
    """The in-memory backend, reading each address as Django's SMTP backend does before it
    sends (`sanitize_address`), which refuses one that is not an address."""

    def send_messages(self, messages):
        from django.core.mail.message import sanitize_address

        for message in messages:
            for address in message.recipients():
                sanitize_address(address, message.encoding or "utf-8")
        return super().send_messages(messages)


def test_an_address_that_is_not_one_is_logged_without_it_and_does_not_stop_the_others(
    school, staff_team, staff_course, mailoutbox, caplog, settings
):
    """An address kept before it was checked ("name@@school", a trailing comma) cannot be
    written into an email, which Django says with the address in the error: the run goes
    on to the others and the log names the person by their id only."""
    import logging

    from django.contrib.auth import get_user_model

    settings.EMAIL_BACKEND = f"{__name__}.CheckingAddresses"
    _three_overdue_staff(school, staff_team, staff_course)
    get_user_model().objects.filter(username="overdue0").update(email="overdue0@@school.invalid")
    with caplog.at_level(logging.INFO):
        assert reminders_send() == 2
    assert "overdue0@@school.invalid" not in caplog.text
    assert not ReminderSent.objects.filter(learner__username="overdue0").exists()


def test_a_reminder_to_an_address_that_is_not_one_says_so_not_try_again_later(
    client, school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.CheckingAddresses"
    assignment = _overdue_for_staff(school, staff_team, staff_course)
    teacher.email = "teacher1@school.invalid,"
    teacher.save()
    client.force_login(safeguarding_lead)
    html = _remind(client, teacher, assignment).content.decode()
    assert "Please try again later" not in html
    assert "Check that it is right" in html
    assert mailoutbox == []


def test_the_retention_purge_deletes_old_notes_of_reminders_whose_assignment_went_unnamed(
    school, teacher
):
    """A reminder sent under an assignment removed before its note named the course and the
    school (migration 0010 fills them in from the assignment, which was gone) is the
    person's data too: it goes when the school's records of that time go."""
    from records.services import records_purge

    school.retention_months = 12
    school.save()
    note = ReminderSent.objects.create(
        learner=teacher, assignment=None, kind="overdue", about_date=date(2024, 1, 1)
    )
    ReminderSent.objects.filter(pk=note.pk).update(
        sent_at=timezone.now() - timedelta(days=800), school=None, course=None
    )
    records_purge()
    assert not ReminderSent.objects.filter(pk=note.pk).exists()


def test_a_course_title_with_a_line_break_is_emailed_with_its_subject_on_one_line(
    client, school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox
):
    """The admin takes a title pasted with a line break, which no email header may hold:
    the reminder goes, its subject on one line, rather than blaming the person's address."""
    staff_course.title = "Protecting\r\nyour reputation"
    staff_course.save()
    assignment = _overdue_for_staff(school, staff_team, staff_course)
    client.force_login(safeguarding_lead)
    html = _remind(client, teacher, assignment).content.decode()
    assert "is not one an email can be sent to" not in html
    [mail] = [m for m in mailoutbox if m.to == [teacher.email]]
    assert "“Protecting your reputation”" in mail.subject
    assert mail.message()["Subject"]  # the header can be written


def test_daily_reminders_about_a_course_title_with_a_line_break_are_sent(
    school, staff_team, staff_course, mailoutbox
):
    staff_course.title = "Protecting\nyour reputation"
    staff_course.save()
    _three_overdue_staff(school, staff_team, staff_course)
    assert reminders_send() == 3
    assert all("\n" not in mail.message()["Subject"] for mail in mailoutbox)


class RefusingAHeader(BaseEmailBackend):
    """A backend whose email cannot be written: a header with a line break in it, which
    Django refuses with BadHeaderError (a ValueError, as an unreadable address is)."""

    def send_messages(self, messages):
        from django.core.mail import BadHeaderError

        raise BadHeaderError("Header values can't contain newlines")


def test_an_email_that_cannot_be_written_does_not_blame_the_persons_address(
    client, school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingAHeader"
    assignment = _overdue_for_staff(school, staff_team, staff_course)
    client.force_login(safeguarding_lead)
    html = _remind(client, teacher, assignment).content.decode()
    assert "is not one an email can be sent to" not in html
    assert "The email could not be written" in html
    assert not ReminderSent.objects.filter(learner=teacher).exists()


def test_the_leads_chase_emails_only_whom_the_page_showed_when_they_pressed_email(
    client, school, staff_team, staff_course, teacher, safeguarding_lead, mailoutbox
):
    """The lead confirms the list on the page. Someone whose training fell overdue between
    the page being shown and the button being pressed (a course assigned meanwhile, or the
    date turning) is not on it, and is not emailed until the lead has seen them listed."""
    from schools.models import Group, Membership
    from tests.factories import UserFactory

    _overdue_for_staff(school, staff_team, staff_course)
    client.force_login(safeguarding_lead)
    fields = _chase_form(client)

    newcomer = UserFactory(school=school, username="newcomer", roles=[Role.STAFF])
    newcomer.email = "newcomer@school.invalid"
    newcomer.save()
    other_team = Group.objects.create(school=school, name="Site team", kind=staff_team.kind)
    Membership.objects.create(group=other_team, user=newcomer)
    _overdue_for_staff(school, other_team, staff_course)

    done = client.post(reverse("records:chase"), fields, follow=True).content.decode()
    assert "1 reminder was emailed." in done
    assert [m.to for m in mailoutbox] == [[teacher.email]]
    # The newcomer is listed now, for the lead to send to next.
    assert _chase_form(client).get("chase") == [f"{newcomer.pk}:{staff_course.pk}"]


def test_the_chase_page_says_someone_is_overdue_since_the_day_after_their_due_date(
    client, school, staff_team, staff_course, teacher, safeguarding_lead
):
    """Due yesterday: they have been overdue since today, the first day the course was not
    done by its due date, as someone whose completion expired yesterday has been expired
    since yesterday (an expiry date is the first day it no longer counts). The "Since"
    column gave the due date, a day on which they were not yet overdue."""
    import re

    due_on = date.today() - timedelta(days=1)
    assign_to_team(staff_team, staff_course, due_on=due_on)
    client.force_login(safeguarding_lead)
    page = client.get(reverse("records:chase")).content.decode()
    to_email = page[page.index('id="to-email"') : page.index('id="not-emailed"')]
    row = next(r for r in to_email.split("<tr>") if teacher.get_full_name() in r)
    cells = re.findall(r"<td>(.*?)</td>", row, flags=re.S)
    assert "Overdue" in cells[1]
    assert cells[2] == f"{date.today():%-d %b %Y}"
