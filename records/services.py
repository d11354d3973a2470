"""Writes to records: assignments, renewals, certificates, reminders, rebuilds and the data
protection duties (retention, erasure, subject access). Views and commands call these."""

import base64
import hashlib
import json
import logging
import smtplib
import uuid
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.mail import BadHeaderError, EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, Lower
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.models import School, User
from schools.services import mail_failure_summary

from .catalogue import course_info, courses_catalogue
from .models import (
    Assignment,
    Certificate,
    Completion,
    CourseRenewal,
    DataProtectionEvent,
    LearnerActivity,
    ReminderSent,
)
from .projection import VERB_VOIDED, completions_project, completions_void
from .states import add_months, reminder_for

logger = logging.getLogger(__name__)


# --- Assignments -------------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    school: School,
    course_page_id: int,
    due_on: date,
    group=None,
    role: str = "",
    renewal_months: int | None = None,
    new_starter_days: int = 30,
    created_by=None,
) -> Assignment:
    """Assign a course to a group of the school or to everyone with a role."""
    if (group is None) == (not role):
        raise ValueError("Assign to exactly one of a group or a role.")
    if group is not None and group.school_id != school.pk:
        raise ValueError("The group belongs to another school.")
    if course_info(course_page_id) is None:
        raise ValueError("No live course with that id.")
    return Assignment.objects.create(
        school=school,
        course_id=course_page_id,
        group=group,
        role=role,
        due_on=due_on,
        renewal_months=renewal_months or None,
        new_starter_days=new_starter_days,
        created_by=created_by,
    )


def assignment_change(
    *,
    assignment: Assignment,
    due_on: date,
    renewal_months: int | None = None,
    new_starter_days: int = 30,
) -> Assignment:
    """Change when an assigned course is due and its renewal. The reminders already sent
    stay: a new due date is a new event, so people are reminded of it, once."""
    assignment.due_on = due_on
    assignment.renewal_months = renewal_months or None
    assignment.new_starter_days = new_starter_days
    assignment.save(update_fields=["due_on", "renewal_months", "new_starter_days"])
    return assignment


@transaction.atomic
def assignment_delete(*, assignment: Assignment) -> None:
    """Remove an assignment. The notes of the reminders sent under it stay, by course: the
    course may still be assigned to the same people another way (their team's and their
    role's), or be assigned again, and nobody is emailed the same reminder twice; their page
    still shows it."""
    assignment.delete()


@transaction.atomic
def course_renewal_require(
    *,
    course_page_id: int,
    reason: str,
    complete_within_days: int = 30,
    created_by=None,
    latest_seen: int | None = None,
) -> CourseRenewal | None:
    """Mark a course as "requires renewal": earlier completions stop counting and everyone
    assigned who had completed it is told to take it again (by the task worker, after
    commit: every school's staff is too long a list to email while the editor waits).

    `latest_seen` is the course's latest renewal (its id, 0 for none) when the editor's form
    was shown. A later one means the same form was sent again (a double click, the back
    button): nothing more is done, and None is returned, so staff are not emailed twice."""
    if latest_seen is not None:
        # The course's page row is the lock: two sendings at once take turns (PostgreSQL).
        from .selectors import course_renewal_latest_id

        page = apps.get_model("wagtailcore", "Page")
        list(page.objects.select_for_update().filter(pk=course_page_id).values_list("pk"))
        if course_renewal_latest_id(course_page_id=course_page_id) > latest_seen:
            return None
    renewal = CourseRenewal.objects.create(
        course_id=course_page_id,
        reason=reason,
        required_from=timezone.now(),
        complete_within_days=complete_within_days,
        created_by=created_by,
    )
    from .tasks import renewal_notify_run

    transaction.on_commit(lambda: renewal_notify_run.enqueue(renewal_id=renewal.pk))
    return renewal


def renewal_notify(*, renewal_id: int, connection=None) -> int:
    """Email the assigned staff who had completed a course that now requires renewal (not
    pupils: they are never emailed) and have not yet been told, nor taken it again since.

    Each is emailed once, noted as a ReminderSent (kind "renewal", about the day the course
    was marked: a later renewal is news, even when it leaves the due date as it was) in
    the same transaction as the email is handed over, like a reminder: one that fails is sent
    by the next reminders run (`reminders_send`), and running this twice emails nobody twice.
    Only the course's latest renewal is sent (a later one supersedes it and has its own
    email). When the mail server cannot be reached, the run stops there. The emails share
    `connection` to the mail server, or one of their own."""
    if connection is None:
        with mail_connection() as connection:
            return renewal_notify(renewal_id=renewal_id, connection=connection)
    renewal = CourseRenewal.objects.filter(pk=renewal_id).first()
    if renewal is None:
        return 0
    latest = CourseRenewal.objects.filter(course_id=renewal.course_id).latest()
    if latest.pk != renewal.pk:
        return 0
    course = course_info(renewal.course_id)
    if course is None:
        return 0
    school_ids = Assignment.objects.filter(course_id=renewal.course_id).values_list(
        "school_id", flat=True
    )
    from .selectors import school_standings
    from .states import State

    sent = 0
    marked_on = timezone.localdate(renewal.required_from)
    completed_before = set(
        LearnerActivity.objects.filter(
            activity_iri=course.iri, first_completed_at__lt=renewal.required_from
        ).values_list("learner_id", flat=True)
    )
    for school in School.objects.filter(pk__in=set(school_ids)):
        _courses, items = school_standings(school=school)
        learners = {
            i.learner_id: i
            for i in items
            if i.course.page_id == course.page_id
            and i.learner_id in completed_before
            # Not one who has taken it again since (nor is overdue: reminders say so).
            and i.state in (State.NOT_STARTED, State.IN_PROGRESS)
        }
        already = set(
            ReminderSent.objects.filter(
                learner_id__in=list(learners),
                kind=ReminderSent.Kind.RENEWAL,
                about_date=marked_on,
                sent_at__gte=renewal.required_from,
            ).values_list("learner_id", "assignment_id")
        )
        # Never pupils, even one with an address on file (as for reminders).
        for user in (
            User.objects.filter(pk__in=list(learners), is_active=True)
            .exclude(email="")
            .exclude(groups__name="Pupils")
        ):
            item = learners[user.pk]
            if (user.pk, item.assignment_id) in already:
                continue
            try:
                if _email_once(
                    user=user,
                    assignment_id=item.assignment_id,
                    kind=ReminderSent.Kind.RENEWAL,
                    about=marked_on,
                    subject=_("Please take “%(course)s” again") % {"course": course.title},
                    template="records/email/renewal.txt",
                    context={"course": course, "renewal": renewal, "due_on": item.due_on},
                    connection=connection,
                    # A second renewal the same day has its own reason and due date.
                    since=renewal.required_from,
                ):
                    sent += 1
            except MailServerUnreachable:
                logger.error("Renewal emails stopped after %s sent: no mail server", sent)
                return sent
            except ReminderRefused:
                # One refused address must not stop everyone else being told.
                continue
    return sent


def renewals_notify_unsent(*, today: date, connection) -> int:
    """Send the renewal emails that could not be sent before, for each course's latest
    renewal still within its days to complete the course again."""
    sent = 0
    latest: dict[int, CourseRenewal] = {}
    for renewal in CourseRenewal.objects.order_by("required_from", "pk"):
        latest[renewal.course_id] = renewal
    for renewal in latest.values():
        window_ends = timezone.localdate(renewal.required_from) + timedelta(
            days=renewal.complete_within_days
        )
        if window_ends >= today:
            sent += renewal_notify(renewal_id=renewal.pk, connection=connection)
    return sent


# --- Certificates ---------------------------------------------------------------------------


@transaction.atomic
def certificate_issue(*, learner: User, statement_id: uuid.UUID) -> Certificate:
    """The certificate for one of the learner's completions of a staff course, issued the
    first time it is asked for and the same one ever after."""
    existing = Certificate.objects.filter(statement_id=statement_id, learner=learner).first()
    if existing is not None:
        return existing
    completion = Completion.objects.get(learner=learner, statement_id=statement_id)
    courses = {
        c.iri: c
        for c in courses_catalogue(audiences=("staff", "safeguarding_leads"), withdrawn=True)
    }
    course = courses.get(completion.activity_iri)
    if course is None:
        raise ValueError("Certificates are for completed staff courses.")
    from .selectors import cpd_minutes_when_completed

    # The school whose record the completion is in, not where the person is now: someone
    # who moved since was not trained at their new school.
    school_name = (
        _statement_model()
        .objects.filter(statement_id=statement_id)
        .values_list("school__name", flat=True)
        .first()
    )
    if school_name is None:
        school_name = learner.school.name if learner.school_id else ""
    try:
        with transaction.atomic():
            return Certificate.objects.create(
                learner=learner,
                statement_id=statement_id,
                course_id=course.page_id,
                course_title=course.title,
                completed_at=completion.completed_at,
                cpd_minutes=cpd_minutes_when_completed(
                    completions=[completion], courses={course.iri: course}
                )[completion.statement_id],
                school_name=school_name,
            )
    except IntegrityError:
        # Issued meanwhile by another request for the same completion (a double click).
        return Certificate.objects.get(statement_id=statement_id, learner=learner)


def certificates_keep_expiry(*, course_page_id: int) -> int:
    """Before a course is deleted: keep on each of its certificates the day it expires, or
    expired, as the check page gives it now. The assignments and renewal marks that give
    the date are deleted with the course, and a certificate for training that has run out
    must not check out as current from then on. Returns how many were given a date."""
    from .selectors import certificate_expires_on

    kept = 0
    for certificate in Certificate.objects.filter(course_id=course_page_id).select_related(
        "learner"
    ):
        expires_on = certificate_expires_on(certificate=certificate)
        if expires_on is not None:
            Certificate.objects.filter(pk=certificate.pk).update(expires_on_kept=expires_on)
            kept += 1
    return kept


def certificate_verify(*, code: str) -> Certificate | None:
    """The certificate with this code if it is valid: issued, and its completion still
    stands (not voided, not erased)."""
    # The code is its twelve letters and digits, whatever was written between its groups:
    # hyphens, the en dashes a word processor turns them into, spaces of any kind, or none.
    kept = "".join(char for char in code.upper() if char.isascii() and char.isalnum())
    normalised = f"{kept[:4]}-{kept[4:8]}-{kept[8:]}" if len(kept) == 12 else kept
    certificate = Certificate.objects.select_related("learner").filter(code=normalised).first()
    if certificate is None:
        return None
    if not Completion.objects.filter(statement_id=certificate.statement_id).exists():
        return None
    return certificate


# --- Reminders -------------------------------------------------------------------------------

REMINDER_SUBJECTS = {
    ReminderSent.Kind.DUE_SOON: "“%(course)s” is due on %(date)s",
    ReminderSent.Kind.OVERDUE: "“%(course)s” is overdue",
    ReminderSent.Kind.EXPIRING: "Your “%(course)s” completion expires on %(date)s",
    ReminderSent.Kind.EXPIRED: "Your “%(course)s” completion has expired",
    ReminderSent.Kind.FROM_LEAD: "A reminder from your %(title)s: “%(course)s”",
}


def reminders_send(*, today: date | None = None) -> int:
    """Email staff whose assignments are due soon, overdue, expiring or expired.

    Each (learner, assignment, kind, date) is sent at most once: the ReminderSent row is
    written in the same transaction as the email is handed to the mail backend, so a failed
    send is retried next run and a sent one is never repeated. When the mail server cannot
    be reached the run stops there (each try would wait as long again): the next run sends
    the rest.
    """

    today = today or timezone.localdate()
    with mail_connection() as connection:
        return _reminders_send(today=today, connection=connection)


def _reminders_send(*, today: date, connection) -> int:
    from .selectors import school_standings

    # First the "take it again" emails that failed when a course was marked for renewal.
    sent = renewals_notify_unsent(today=today, connection=connection)
    for school in School.objects.filter(assignments__isnull=False).distinct():
        _courses, items = school_standings(school=school, today=today)
        due = [(i, reminder_for(i.standing, today=today)) for i in items]
        due = [(i, r) for i, r in due if r is not None]
        if not due:
            continue
        # By course, not assignment: a course assigned twice (a team and a role) is reminded
        # under whichever is due first, which a changed due date can swap.
        already = set(
            ReminderSent.objects.filter(
                school=school,
                learner_id__in={i.learner_id for i, _r in due},
            ).values_list("learner_id", "course_id", "kind", "about_date")
        )
        people = {
            u.pk: u
            for u in User.objects.filter(pk__in={i.learner_id for i, _r in due}, is_active=True)
            .exclude(email="")
            .exclude(groups__name="Pupils")
        }
        # Everything due for one person goes in one email (two certificates expiring on the
        # same day are one message naming both, not two a moment apart).
        by_person: dict[int, list] = {}
        for item, (kind, about) in due:
            user = people.get(item.learner_id)
            if user is None or (user.pk, item.course.page_id, kind, about) in already:
                continue
            by_person.setdefault(user.pk, []).append((item, kind, about))
        # A completion from before this day is no longer held (the retention purge): an
        # overdue reminder about an earlier due date must not say it was never done.
        records_from = add_months(today, -school.retention_months)
        for pk, reminders in by_person.items():
            try:
                sent += _reminders_send_together(
                    user=people[pk],
                    reminders=reminders,
                    records_from=records_from,
                    records_months=school.retention_months,
                    connection=connection,
                )
            except MailServerUnreachable:
                logger.error("Reminders stopped after %s sent: no mail server to send with", sent)
                return sent
            except ReminderRefused:  # that one address: the others are still sent
                continue
    return sent


class ReminderRefused(Exception):
    """A reminder the safeguarding lead asked for that cannot be sent; the message says why."""


class MailServerUnreachable(ReminderRefused):
    """The mail server could not be reached or takes no mail at all, so trying the next
    person would only wait as long again. Not raised for one address it refuses."""


class AddressRefused(ReminderRefused):
    """The mail server refused the person's address: trying again will not help."""


def reminder_from_lead(*, learner: User, assignment_id: int, lead: User) -> None:
    """Email `learner` a reminder about one of their assignments now, asked for by the
    safeguarding lead chasing them: at most once a day for each course, never to pupils,
    people without an email address or who have left, and not for a course they have done
    (one whose completion expires soon may be chased, to renew it).
    Raises ReminderRefused with the reason."""
    from schools.roles import Role, roles_of

    from .selectors import assignments_for_learner
    from .states import State

    if Role.PUPIL in roles_of(learner):
        raise ReminderRefused(_("Pupils are not emailed reminders."))
    if not learner.is_active:
        raise ReminderRefused(_("They have left the school, so they are not emailed."))
    if not learner.email:
        raise ReminderRefused(_("They have no email address in Upstander."))
    item = next(
        (i for i in assignments_for_learner(learner) if i.assignment_id == assignment_id), None
    )
    if item is None:
        raise ReminderRefused(_("That course is no longer assigned to them."))
    if item.state == State.COMPLETED:
        raise ReminderRefused(_("They have completed that course."))
    _reminder_from_lead_send(learner=learner, item=item, lead=lead)


def reminders_from_lead(*, chases, lead: User) -> tuple[int, int]:
    """Email everyone on the lead's chase list (`selectors.chase_list().to_email`, already
    checked there) a reminder about their course: one email for each person, naming every
    course they are chased about. Returns how many reminders (courses) were sent and how
    many could not be (sent by someone else a moment before, or the mail server refused;
    once it cannot be reached, nobody after is tried: the page would outlast the waits)."""
    by_learner: dict[int, list] = {}
    for chase in chases:
        by_learner.setdefault(chase.learner.pk, []).append(chase)
    people = list(by_learner.values())
    sent = failed = 0
    with mail_connection() as connection:  # one for them all: each costs a handshake
        for number, theirs in enumerate(people):
            try:
                carried = _reminders_from_lead_send(
                    learner=theirs[0].learner,
                    items=[chase.item for chase in theirs],
                    lead=lead,
                    connection=connection,
                )
            except MailServerUnreachable:
                failed += sum(len(rest) for rest in people[number:])
                break
            except ReminderRefused:
                failed += len(theirs)
            else:
                sent += carried
                failed += len(theirs) - carried
    return sent, failed


def _reminder_from_lead_send(*, learner: User, item, lead: User, connection=None) -> None:
    _reminders_from_lead_send(learner=learner, items=[item], lead=lead, connection=connection)


def _reminders_from_lead_send(*, learner: User, items: list, lead: User, connection=None) -> int:
    """Email `learner` the lead's reminder about these assignments, in one email. Returns
    how many it carried; raises ReminderRefused, with the reason, when it carried none."""
    from schools.roles import Role, roles_of

    today = timezone.localdate()
    # "Your Designated Safeguarding Lead" only when they are: not a site administrator.
    is_their_lead = (
        learner.school_id is not None
        and lead.school_id == learner.school_id
        and Role.SAFEGUARDING_LEAD in roles_of(lead)
    )
    sent = _reminders_send_together(
        user=learner,
        reminders=[(item, ReminderSent.Kind.FROM_LEAD, today) for item in items],
        lead_name=lead.get_full_name() or lead.username,
        lead_title=learner.school.safeguarding_lead_title if is_their_lead else "",
        reply_to=lead.email,  # it asks in their name: an answer goes to them
        connection=connection,
    )
    if not sent:
        if all(
            _reminded_about_course(
                user=learner,
                assignment_id=item.assignment_id,
                kind=ReminderSent.Kind.FROM_LEAD,
                about=today,
            )
            for item in items
        ):
            raise ReminderRefused(_("They were already emailed about that course today."))
        raise ReminderRefused(_("The email could not be sent. Please try again later."))
    return sent


def _reminder_send_one(
    *,
    user,
    item,
    kind: str,
    about: date,
    lead_name: str = "",
    lead_title: str = "",
    reply_to: str = "",
    connection=None,
    extra: dict | None = None,
) -> bool:
    """`lead_name` and `lead_title` (the role's name where the person works, in Wales the
    Designated Safeguarding Person) are who asked for a reminder from the lead; the title
    is empty when whoever asked is not the person's lead."""
    return _email_once(
        user=user,
        assignment_id=item.assignment_id,
        kind=kind,
        about=about,
        subject=_reminder_subject(
            kind=kind, item=item, about=about, lead_name=lead_name, lead_title=lead_title
        ),
        template="records/email/reminder.txt",
        context={
            "item": item,
            "kind": kind,
            "about": about,
            "lead_name": lead_name,
            "lead_title": lead_title,
            **(extra or {}),
        },
        reply_to=reply_to,
        connection=connection,
    )


def _reminder_subject(*, kind: str, item, about: date, lead_name: str, lead_title: str) -> str:
    subject = REMINDER_SUBJECTS[kind]
    if kind == ReminderSent.Kind.FROM_LEAD and not lead_title:
        subject = "A reminder from %(name)s: “%(course)s”"
    return _(subject) % {
        "course": item.course.title,
        "date": about.strftime("%-d %B %Y"),
        "title": lead_title,
        "name": lead_name,
    }


def _reminders_send_together(
    *,
    user,
    reminders: list,
    records_from: date | None = None,
    records_months: int | None = None,
    lead_name: str = "",
    lead_title: str = "",
    reply_to: str = "",
    connection=None,
) -> int:
    """Email `user` the reminders (item, kind, date) due for them in one message, each
    noted as a ReminderSent in the same transaction as the email is handed over (those
    noted meanwhile by another run are left out); `lead_name`, `lead_title` and `reply_to`
    as for `_reminder_send_one`, when the lead asked for them. Returns how many reminders
    it carried; raises ReminderRefused as `_email_once` does. `records_from` is the first
    day the school still holds records of (`records_months` before today)."""
    kept = {"records_from": records_from, "records_months": records_months}
    if len(reminders) == 1:
        item, kind, about = reminders[0]
        sent = _reminder_send_one(
            user=user,
            item=item,
            kind=kind,
            about=about,
            lead_name=lead_name,
            lead_title=lead_title,
            reply_to=reply_to,
            connection=connection,
            extra=kept,
        )
        return int(sent)
    reminders = sorted(reminders, key=lambda r: (r[2], r[0].course.title))
    try:
        with transaction.atomic():
            fresh = []
            for item, kind, about in reminders:
                if _reminded_about_course(
                    user=user, assignment_id=item.assignment_id, kind=kind, about=about
                ):
                    continue
                _row, created = ReminderSent.objects.get_or_create(
                    learner=user,
                    assignment_id=item.assignment_id,
                    kind=kind,
                    about_date=about,
                    defaults=_reminder_about(item.assignment_id),
                )
                if created:
                    fresh.append({"item": item, "kind": kind, "about": about})
            if not fresh:
                return 0
            lead = {"lead_name": lead_name, "lead_title": lead_title}
            if len(fresh) == 1:
                # Only one left to say: the usual email for it (its row is already noted).
                only = fresh[0]
                subject = _reminder_subject(**only, **lead)
                template, context = "records/email/reminder.txt", {**only, **kept, **lead}
            else:
                courses = ", ".join(f"“{r['item'].course.title}”" for r in fresh)
                if lead_name and lead_title:
                    subject = _("A reminder from your %(title)s: %(courses)s") % {
                        "title": lead_title,
                        "courses": courses,
                    }
                elif lead_name:
                    subject = _("A reminder from %(name)s: %(courses)s") % {
                        "name": lead_name,
                        "courses": courses,
                    }
                else:
                    subject = _("Reminders about %(count)s courses: %(courses)s") % {
                        "count": len(fresh),
                        "courses": courses,
                    }
                template = "records/email/reminders.txt"
                context = {"reminders": fresh, **kept, **lead}
            _send(
                user=user,
                subject=subject,
                template=template,
                context=context,
                reply_to=reply_to,
                connection=connection,
            )
    except Exception as error:
        _email_failed(error, user=user, kind=reminders[0][1])
        return 0
    return len(fresh)


def _email_once(
    *,
    user,
    assignment_id: int,
    kind: str,
    about: date,
    subject: str,
    template: str,
    context,
    reply_to: str = "",
    connection=None,
    since: datetime | None = None,
) -> bool:
    """Email `user` unless this (assignment, kind, date) was already emailed to them (at or
    after `since`, when given: one sent before it was about something else that day): the
    ReminderSent row is written in the same transaction as the email is handed over. Returns
    whether it was sent; raises ReminderRefused (AddressRefused, MailServerUnreachable) when
    it could not be (the row rolled back, so the next run tries again)."""
    try:
        with transaction.atomic():
            if _reminded_about_course(
                user=user, assignment_id=assignment_id, kind=kind, about=about, since=since
            ):
                return False
            row, created = ReminderSent.objects.get_or_create(
                learner=user,
                assignment_id=assignment_id,
                kind=kind,
                about_date=about,
                defaults=_reminder_about(assignment_id),
            )
            # An earlier email of the day: this one takes its row, unless another run
            # has just done so.
            if not created and (
                since is None
                or not ReminderSent.objects.filter(pk=row.pk, sent_at__lt=since).update(
                    sent_at=timezone.now()
                )
            ):
                return False
            _send(
                user=user,
                subject=subject,
                template=template,
                context=context,
                reply_to=reply_to,
                connection=connection,
            )
    except Exception as error:
        _email_failed(error, user=user, kind=kind)
        return False
    return True


def _reminded_about_course(
    *, user, assignment_id: int, kind: str, about: date, since: datetime | None = None
) -> bool:
    """Was `user` already emailed this (kind, date) about the assignment's course at its
    school, under it or another assignment of the same course there (their team's and their
    role's), at or after `since` when given? One sent by a school they were at before does
    not count: the course at this school is another event (`ReminderSent`)."""
    assignment = Assignment.objects.filter(pk=assignment_id)
    sent = ReminderSent.objects.filter(
        learner=user,
        course_id__in=assignment.values("course_id"),
        school_id__in=assignment.values("school_id"),
        kind=kind,
        about_date=about,
    )
    if since is not None:
        sent = sent.filter(sent_at__gte=since)
    return sent.exists()


def _reminder_about(assignment_id: int) -> dict:
    """The course and school a reminder under the assignment is about, noted with it so the
    note outlives the assignment."""
    return (
        Assignment.objects.filter(pk=assignment_id).values("course_id", "school_id").first() or {}
    )


def _email_failed(error: Exception, *, user, kind: str) -> None:
    """Log an email that could not be sent (its ReminderSent rows rolled back, so the next
    run tries again) and raise ReminderRefused (AddressRefused, MailServerUnreachable) when
    the caller should know why; return for any other failure."""
    # One bad address must not stop everyone else's emails. Django's refusing a header that
    # holds a line break is a ValueError too, but says nothing about the address.
    unreadable_address = isinstance(error, ValueError) and not isinstance(error, BadHeaderError)
    if isinstance(error, OSError) or unreadable_address:
        # The mail server's or the socket's, or Django's refusing an address it cannot read
        # ('Invalid address "..."'): their text may name the address, so only what kind of
        # failure and the reply code are logged, with who by their id.
        logger.error("Email (%s) to user %s failed: %s", kind, user.pk, mail_failure_summary(error))
    else:
        logger.exception("Email (%s) to user %s failed", kind, user.pk)
    if isinstance(error, BadHeaderError):
        # Something in the email itself that trying again will not put right.
        raise ReminderRefused(
            _(
                "The email could not be written (a line break where the email's headers "
                "cannot have one). Please tell whoever runs Upstander."
            )
        ) from error
    if unreadable_address:
        # An address saved before it was checked: no mail server is asked, and trying
        # again will not help until it is put right.
        raise AddressRefused(
            _(
                "Their email address in Upstander, %(email)s, is not one an email can be "
                "sent to. Check that it is right."
            )
            % {"email": user.email}
        ) from error
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        raise AddressRefused(
            _(
                "The mail server would not take their email address, %(email)s. Check "
                "that it is right."
            )
            % {"email": user.email}
        ) from error
    if isinstance(error, smtplib.SMTPDataError):
        # The server took the address but answered no to this one message (a full
        # mailbox, a message put off for now): it is working, so the others are still
        # sent, and this one is tried again on the next run.
        if 500 <= error.smtp_code < 600:
            raise AddressRefused(
                _("The mail server would not deliver the email to %(email)s.")
                % {"email": user.email}
            ) from error
        raise ReminderRefused(_("The email could not be sent. Please try again later.")) from error
    if isinstance(error, OSError):
        # Not this address: the server (refused, timed out, hung up, would not sign in).
        raise MailServerUnreachable(
            _("The email could not be sent. Please try again later.")
        ) from error


@contextmanager
def mail_connection():
    """One connection to the mail server for a batch of emails, opened by the first that is
    sent (so that failing to reach the server fails that email, as any other failure does)
    and closed at the end."""
    connection = get_connection(fail_silently=False)
    try:
        yield connection
    finally:
        try:
            connection.close()
        except Exception:  # the emails are sent or not by now: a failed goodbye changes nothing
            logger.warning("Closing the connection to the mail server failed")


def _send(
    *, user, subject: str, template: str, context: dict, reply_to: str = "", connection=None
) -> None:
    body = render_to_string(template, {"user": user, "site_url": settings.SITE_URL, **context})
    if connection is not None:
        connection.open()  # kept open for the next email (no-op when it already is)
    EmailMessage(
        # A course title or a name may hold a line break (the admin takes one pasted in),
        # which a header may not: Django would refuse the whole email.
        " ".join(subject.split()),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        reply_to=[reply_to] if reply_to else None,
        connection=connection,
    ).send(fail_silently=False)


# --- Rebuild, retention, erasure and subject access -------------------------------------------


def _statement_model():
    return apps.get_model("xapi", "Statement")


def _learner_actor_keys(learner: User) -> set[str]:
    """Every identifier the LRS knows the person by: their opaque account, their email, and
    any email they had before (staff named by `mbox` who changed address): the LRS matched
    their statements under it to their account, and may keep documents (H5P progress)
    under it too."""
    return _learners_actor_keys([learner])


def _learners_actor_keys(learners: list[User]) -> set[str]:
    """`_learner_actor_keys` for several people together: one query, however many."""
    keys = set()
    for learner in learners:
        keys.add(f"account:{settings.SITE_URL}|{learner.learner_id}")
        if learner.email:
            keys.add(f"mbox:mailto:{learner.email.lower()}")
    keys.update(
        _statement_model()
        .objects.filter(learner__in=learners, actor_key__startswith="mbox:")
        .exclude(actor_key__in=keys)
        .values_list("actor_key", flat=True)
        .distinct()
    )
    return keys


def _keys_held_by_others(*, learners: list[User], keys: set[str]) -> dict[str, set[int]]:
    """For each email among `keys`, the schools where it is another person's account's: the
    LRS matches an address to the school's own user (`xapi.services.learner_match`), so a
    member of staff with accounts at two schools under one address is two people to it, and
    what one school keeps under the address is not the other account's."""
    prefix = "mbox:mailto:"
    addresses = {key[len(prefix) :] for key in keys if key.startswith(prefix)}
    held: dict[str, set[int]] = {}
    if not addresses:
        return held
    others = (
        User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=addresses, school__isnull=False)
        .exclude(pk__in=[learner.pk for learner in learners])
    )
    for school_id, address in others.values_list("school_id", "email_lower"):
        held.setdefault(f"{prefix}{address}", set()).add(school_id)
    return held


def _under_keys(field: str, keys: set[str], held: dict[str, set[int]]) -> Q:
    """Rows whose `field` is one of these people's `keys`, bar those kept under an address at
    a school where it is someone else's (`_keys_held_by_others`)."""
    condition = Q(**{f"{field}__in": keys})
    for key, schools in held.items():
        condition &= ~Q(**{field: key, "school_id__in": schools})
    return condition


def _keys_tools_use(learners: list[User]) -> dict[int, set[str]]:
    """By school, the other identifiers under which a school's tool recorded statements
    about these people there (or kept their progress), which the LRS does not link to their
    account: an account named
    by their MIS id or sign-in address (under any homePage, the site's own included), or the
    SHA1 of their email, and their own opaque account written another way (its id in
    capitals or without hyphens, the site's address with a closing slash). They are
    recognised as forwarding recognises pupils (`xapi.forwarding`), staff likewise where no
    pupil is known by them, and only at the person's own school, where the MIS id or address
    is theirs. A fixed number of queries, however many people."""
    from schools.roster import mis_id_key
    from xapi.forwarding import (
        _pupil_key,
        _pupils_by_account_email,
        _pupils_by_hashed_email,
        _pupils_by_mis_account,
    )

    names: dict[int, set[str]] = {}
    # Each one's opaque account as `account_actor` writes it, with the school they are at.
    accounts: dict[str, int] = {}
    # The SHA1 of each one's email, as a tool hashes it (as stored, or in lower case).
    hashed: dict[int, set[str]] = {}
    for learner in learners:
        if learner.school_id:
            found = names.setdefault(learner.school_id, set())
            found.update(value.lower() for value in (learner.mis_id, learner.email) if value)
            if learner.mis_id:  # as forwarding knows them by it, whatever its leading zeros
                found.add(mis_id_key(learner.mis_id))
            accounts[f"account:{settings.SITE_URL}|{learner.learner_id}"] = learner.school_id
            for written in {learner.email, learner.email.lower()} - {""}:
                digest = hashlib.sha1(f"mailto:{written}".encode(), usedforsecurity=False)
                hashed.setdefault(learner.school_id, set()).add(
                    f"mbox_sha1sum:{digest.hexdigest()}"
                )
    if not names:
        return {}
    # Any account, the site's own address included: a tool may write the MIS id or sign-in
    # address under it, and forwarding knows the pupil by that whatever the homePage.
    maybe = Q(key__startswith="mbox_sha1sum:") | Q(key__startswith="account:")
    Relation = apps.get_model("xapi", "StatementRelation")
    stored = _statement_model().objects.filter(school_id__in=names).order_by()
    candidates = (
        stored.annotate(key=F("actor_key"))
        .filter(maybe)
        .values_list("school_id", "key")
        .union(
            stored.annotate(key=F("object_agent_key"))
            .filter(maybe)
            .values_list("school_id", "key"),
            Relation.objects.filter(maybe, school_id__in=names, kind="agent")
            .order_by()
            .values_list("school_id", "key"),
            # A tool may keep their progress (state documents) under the same account.
            apps.get_model("xapi", "Document")
            .objects.filter(school_id__in=names)
            .annotate(key=F("agent_key"))
            .filter(maybe)
            .order_by()
            .values_list("school_id", "key"),
        )
    )
    by_school: dict[int, set[str]] = {}
    keys: dict[int, set[str]] = {}
    for school_id, key in candidates:
        home, _bar, name = key.removeprefix("account:").partition("|")
        if key.startswith("account:"):
            # The LRS links these to the account only where it is the actor, and not even
            # then under the site's address with a closing slash: forwarding knows them all.
            written = _pupil_key({"account": {"homePage": home, "name": name}})
            if written != key and accounts.get(written) == school_id:
                keys.setdefault(school_id, set()).add(key)
                continue
        # Only account names that are one of these pupils' MIS ids or addresses are looked up.
        if (
            key.startswith("mbox_sha1sum:")
            or name.lower() in names[school_id]
            or mis_id_key(name) in names[school_id]
        ):
            by_school.setdefault(school_id, set()).add(key)
    pks = {learner.pk for learner in learners}
    for school_id, found in by_school.items():
        pupils: dict[str, int] = {}
        for recognise in (
            _pupils_by_hashed_email,
            _pupils_by_mis_account,
            _pupils_by_account_email,
        ):
            pupils.update(recognise(found, school_id))
        theirs = {key for key, pk in pupils.items() if pk in pks}
        # Forwarding names staff as they are, so it looks only for pupils; but a tool knows
        # its staff by the same identifiers, and what it recorded under theirs is theirs
        # (an account named by their MIS id or address is one already, by `names`).
        theirs.update(
            key
            for key in found - pupils.keys()
            if key.startswith("account:") or key in hashed.get(school_id, ())
        )
        if theirs:
            keys.setdefault(school_id, set()).update(theirs)
    return keys


def _under_keys_tools_use(field: str, keys: dict[int, set[str]]) -> Q:
    """Rows whose `field` is one of these keys at the school the keys are the pupils' at
    (`_keys_tools_use`); none when there are none."""
    if not keys:
        return Q(pk__in=[])
    return Q(
        *(
            Q(**{f"{field}__in": found, "school_id": school_id})
            for school_id, found in keys.items()
        ),
        _connector=Q.OR,
    )


def records_rebuild(*, learner_ids: list[int] | None = None, chunk_size: int = 2000) -> int:
    """Throw away derived records (all, or some learners') and project every stored
    statement again in the order the LRS stored it, exactly as `record()` did: voided
    statements and the statements that voided them included, so the result is identical.
    Actors resolve to the learner the LRS matched when it stored each statement. Returns
    the number of statements read."""
    Statement = _statement_model()
    with transaction.atomic():
        completions = Completion.objects.all()
        summaries = LearnerActivity.objects.all()
        statements = Statement.objects.all()
        if learner_ids is not None:
            completions = completions.filter(learner_id__in=learner_ids)
            summaries = summaries.filter(learner_id__in=learner_ids)
            statements = statements.filter(learner_id__in=learner_ids)
        completions.delete()
        summaries.delete()
        read = 0
        last_pk = 0
        while True:
            batch = list(
                statements.filter(pk__gt=last_pk)
                .order_by("pk")
                .values_list(
                    "pk", "data", "actor_key", "learner_id", "statement_id", "voided", "school_id"
                )[:chunk_size]
            )
            if not batch:
                break
            last_pk = batch[-1][0]
            # What the LRS marks voided stays voided whoever voided it and whenever: the
            # voiding statement may be another person's (so not among a learner's
            # statements), or in another chunk. One voided before it arrived was stored
            # without making any record (xapi.services._voided_before), so it makes none.
            voided = {row[4]: (row[0], row[6]) for row in batch if row[5]}
            voided_first = {
                target
                for target, pk, school_id in Statement.objects.filter(
                    verb_iri=VERB_VOIDED, ref_statement_id__in=list(voided)
                ).values_list("ref_statement_id", "pk", "school_id")
                if pk < voided[target][0] and school_id == voided[target][1]
            }
            batch = [row for row in batch if row[4] not in voided_first]
            users = User.objects.in_bulk({row[3] for row in batch if row[3]})
            learners = {row[2]: users[row[3]] for row in batch if row[3] in users}
            completions_project(statements=[row[1] for row in batch], learners_by_key=learners)
            if voided:
                completions_void(statement_ids=list(voided))
            read += len(batch) + len(voided_first)
    return read


def _retention_cutoff(*, school: School | None, older_than_months: int | None, now: datetime):
    # Midnight at the school (Europe/London), not in UTC: in summer a UTC midnight would cut
    # the first hour off the day kept, and a run just after midnight would count from the
    # day before.
    kept = school.retention_months if school else settings.RETENTION_MONTHS_WITHOUT_SCHOOL
    months = max(kept, older_than_months or 0)
    day = add_months(timezone.localdate(now), -months)
    return timezone.make_aware(datetime.combine(day, time.min))


PURGE_CHUNK = 2000  # statements deleted together by `records_purge`
NO_SCHOOL = "(no school)"  # how `records_purge` names what belongs to no school


def records_purge(
    *, older_than_months: int | None = None, now: datetime | None = None, dry_run: bool = False
) -> dict[str, int]:
    """Delete statements and records older than each school's retention period.

    `older_than_months` can only lengthen what is kept, never shorten a school's own
    setting: the cut-off for each school is the longer of the two. Each person's latest
    completion of a course the school assigns with a renewal period stays, however old, so
    it can show as expired. Derived records of the
    learners touched are rebuilt from what remains, so they never outlive their statements.
    What belongs to no school (the people who sign in without one, such as editors, and
    statements from LRS clients of the whole site) is kept for
    `settings.RETENTION_MONTHS_WITHOUT_SCHOOL`, and counted under `NO_SCHOOL`.
    Returns counts per school name.
    """
    from xapi.services import attachments_carried, attachments_release

    now = now or timezone.now()
    Statement = _statement_model()
    result: dict[str, int] = {}
    for school in [*School.objects.all(), None]:
        cutoff = _retention_cutoff(school=school, older_than_months=older_than_months, now=now)
        with transaction.atomic():
            # The timestamp is the sender's (a device's clock may be years out): a statement
            # stored before the cut-off is old too, whatever it says.
            old = Statement.objects.filter(
                Q(timestamp__lt=cutoff) | Q(stored__lt=cutoff), school=school
            )
            kept = _latest_renewable_completions(school=school, cutoff=cutoff)
            if kept:
                old = old.exclude(statement_id__in=kept)
            learner_ids = set(
                old.exclude(learner__isnull=True).values_list("learner_id", flat=True)
            )
            learner_ids |= set(
                Completion.objects.filter(
                    learner__school=school, completed_at__lt=cutoff
                ).values_list("learner_id", flat=True)
            )
            count = old.count()
            if not dry_run:
                carried = attachments_carried(old)
                # A chunk at a time: deleting loads each statement, JSON and all, and a school
                # that shortens its retention period may have years of them to go at once.
                while chunk := list(old.values_list("pk", "statement_id")[:PURGE_CHUNK]):
                    Statement.objects.filter(pk__in=[pk for pk, _id in chunk]).delete()
                    # Whatever school the person is at now (they may have moved): a
                    # certificate goes with the statement it was issued for.
                    Certificate.objects.filter(
                        statement_id__in=[sid for _pk, sid in chunk]
                    ).delete()
                attachments_release(carried)
                # A certificate whose statement is gone already. Not one whose statement
                # another school keeps (the person moved since): it goes with that.
                Certificate.objects.filter(learner__school=school, completed_at__lt=cutoff).exclude(
                    statement_id__in=kept
                ).exclude(
                    Exists(Statement.objects.filter(statement_id=OuterRef("statement_id")))
                ).delete()
                _attempts_purge(school=school, cutoff=cutoff)
                _saved_work_purge(school=school, cutoff=cutoff)
                _sign_ins_purge(school=school, cutoff=cutoff)
                if learner_ids:
                    records_rebuild(learner_ids=sorted(learner_ids))
                if school is not None:  # (assignments are always a school's)
                    _reminders_sent_purge(school=school, cutoff=cutoff, today=now)
                else:  # notes naming no school, of people at none now
                    ReminderSent.objects.filter(
                        school__isnull=True, learner__school__isnull=True, sent_at__lt=cutoff
                    ).delete()
            result[school.name if school else NO_SCHOOL] = count
    if not dry_run:
        task_results_purge(now=now)
        # A sign-in that ended (expired) names the account until its row is cleared.
        import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return result


def task_results_purge(*, now: datetime | None = None) -> int:
    """Delete the tasks in the database's task queue that finished, or failed, more than
    `settings.TASK_RESULTS_KEEP_DAYS` ago: their arguments stay with them, and an email's
    are the address, the person's name and what it said (a password reset link). So too
    those that started running that long ago: a worker that died mid-task (a crash, a
    restart) leaves its task marked running, and no worker takes up a running task again,
    so it would stay for ever. Tasks waiting to run stay however old. Returns how many
    went."""
    if not apps.is_installed("django_tasks_db"):
        return 0
    from django_tasks_db.models import DBTaskResult

    cutoff = (now or timezone.now()) - timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
    finished = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff)
    abandoned = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
    deleted, _counts = (finished | abandoned).delete()
    return deleted


def _latest_renewable_completions(*, school: School | None, cutoff: datetime) -> list:
    """The statement ids of each person's latest completion of a course the school assigns
    with a renewal period, where it is older than the cut-off. The purge keeps them: without
    it a completion that ran out shows as never done ("Overdue" on a due date long past)
    rather than "Expired", and the "expired" email is never sent."""
    if school is None:
        return []
    page_ids = set(
        Assignment.objects.filter(school=school, renewal_months__isnull=False).values_list(
            "course_id", flat=True
        )
    )
    if not page_ids:
        return []
    iris = [course.iri for course in courses_catalogue(page_ids=page_ids, withdrawn=True)]
    latest: dict[tuple[int, str], tuple[datetime, uuid.UUID]] = {}
    for learner_id, iri, completed_at, statement_id in Completion.objects.filter(
        learner__school=school, activity_iri__in=iris
    ).values_list("learner_id", "activity_iri", "completed_at", "statement_id"):
        key = (learner_id, iri)
        if key not in latest or completed_at > latest[key][0]:
            latest[key] = (completed_at, statement_id)
    return [statement_id for at, statement_id in latest.values() if at < cutoff]


def leavers_purge(
    *, older_than_months: int | None = None, now: datetime | None = None, dry_run: bool = False
) -> dict[str, int]:
    """Erase the people who left each school longer ago than it keeps records (the same
    cut-off as `records_purge`), accounts and all, as `learner_erase` does; so too those at
    no school (under `NO_SCHOOL`). Returns how many were erased (or, with `dry_run`, would
    be) per school name."""
    now = now or timezone.now()
    result: dict[str, int] = {}
    erased: list[int] = []
    try:
        for school in [*School.objects.all(), None]:
            cutoff = _retention_cutoff(school=school, older_than_months=older_than_months, now=now)
            leavers = list(
                User.objects.filter(
                    school=school, is_active=False, is_superuser=False, left_on__lt=cutoff.date()
                ).order_by("username")
            )
            if not dry_run:
                for start in range(0, len(leavers), LEAVERS_ERASE_CHUNK):
                    chunk = leavers[start : start + LEAVERS_ERASE_CHUNK]
                    _leavers_erase(leavers=chunk)
                    erased.extend(person.pk for person in chunk)
            result[school.name if school else NO_SCHOOL] = len(leavers)
    finally:
        # Finding someone's sessions means reading every stored one: once for the lot.
        sessions_end(user_pks=erased)
    return result


LEAVERS_ERASE_CHUNK = 200  # leavers `leavers_purge` erases together


@transaction.atomic
def _leavers_erase(*, leavers: list[User]) -> None:
    """Erase these leavers as `learner_erase` erases one, accounts and all, for them all
    together: erasing one person takes some seventy queries (the account alone sets off
    Django's cascade over every table that refers to people), so a year's leavers one by
    one took thousands. One transaction, so nobody is left with records erased but an
    account kept. Their sessions are ended by the caller."""
    data_protection_log_many(
        people=leavers,
        kind=DataProtectionEvent.Kind.ERASED_AFTER_LEAVING,
        via=DataProtectionEvent.Via.RETENTION,
    )
    _records_erase(learners=leavers)
    User.objects.filter(pk__in=[person.pk for person in leavers]).delete()


def _reminders_sent_purge(*, school: School, cutoff: datetime, today: datetime) -> None:
    """Delete the notes of reminders sent before `cutoff`, except those of a reminder still
    due (a course overdue for longer than the school keeps records): without its note it
    would be sent again. Run after the records are rebuilt, on the standings they give."""
    from .selectors import school_standings

    # With them, the notes that name no school (sent under an assignment removed before
    # migration 0010 could name its school): by the person's school now, the best guess
    # left. Naming no course, they never stop a reminder being sent, so nothing keeps them.
    old = ReminderSent.objects.filter(
        Q(school=school) | Q(school__isnull=True, learner__school=school), sent_at__lt=cutoff
    )
    if not old.exists():
        return
    day = timezone.localdate(today)
    _courses, items = school_standings(school=school, today=day)
    # By course, as reminders are sent: a course assigned twice (a team and a role) may have
    # been reminded under the assignment that is no longer the one due first.
    still_due = set()
    for item in items:
        reminder = reminder_for(item.standing, today=day)
        if reminder is not None:
            still_due.add((item.learner_id, item.course.page_id, *reminder))
    stale = [
        pk
        for pk, *key in old.values_list("pk", "learner_id", "course_id", "kind", "about_date")
        if tuple(key) not in still_due
    ]
    for start in range(0, len(stale), PURGE_CHUNK):
        ReminderSent.objects.filter(pk__in=stale[start : start + PURGE_CHUNK]).delete()


def _attempts_purge(*, school: School, cutoff: datetime) -> None:
    """Delete the scenario play-throughs and quiz attempts made at the school last touched
    before the cut-off, with the moves made in them, and the lessons led with its classes
    before it (their statements went with the rest). Classroom vote totals name nobody and
    stay, no longer linked to the teacher who led the run. An attempt still under way counts
    from its last move (or its start)."""
    models = _attempt_models()
    if apps.is_installed("courses"):
        apps.get_model("courses", "ClassLesson").objects.filter(
            group__school=school, taught_on__lt=cutoff.date()
        ).delete()
    if apps.is_installed("scenarios"):
        apps.get_model("scenarios", "ClassroomSession").objects.filter(
            group__school=school, teacher__isnull=False
        ).annotate(last_at=Coalesce("finished_at", "started_at")).filter(last_at__lt=cutoff).update(
            teacher=None
        )
    # By the school the attempt was made at, as its statements are, not the one the learner
    # is at now: someone who moved keeps nothing longer than the school they left allows.
    if "scenario_moves" in models:
        models["scenario_moves"].objects.filter(
            _made_at(school, via="attempt__"), created_at__lt=cutoff
        ).delete()
        models["scenario_attempts"].objects.filter(_made_at(school)).annotate(
            last_at=Coalesce("finished_at", "node_entered_at", "started_at")
        ).filter(last_at__lt=cutoff).delete()
    if "quiz_attempts" in models:
        models["quiz_attempts"].objects.filter(_made_at(school)).annotate(
            last_at=Coalesce("submitted_at", "started_at")
        ).filter(last_at__lt=cutoff).delete()


def _made_at(school: School | None, *, via: str = "") -> Q:
    """The rows (reached through `via`, such as "attempt__") made at the school, as their
    `school` notes; a row that notes none goes by the school its learner is at now."""
    unnoted = Q(**{f"{via}school__isnull": True})
    if school is None:
        return unnoted & Q(**{f"{via}learner__school__isnull": True})
    return Q(**{f"{via}school": school}) | (unnoted & Q(**{f"{via}learner__school": school}))


def _saved_work_purge(*, school: School, cutoff: datetime) -> None:
    """Delete what learners wrote or ticked at the school (reflections, checklist ticks: by
    the school they were at when they last changed it, whichever they are at now) and what
    its learners left part-way through (state and agent profiles kept by the LRS, such as
    H5P's) last changed before the cut-off, and their attempts at courses that ended (the
    next attempt started) before it; the current attempt is where they are now, and stays.
    Activity profiles describe content, not people, and stay."""
    if apps.is_installed("courses"):
        for name in ("Reflection", "ChecklistProgress"):
            apps.get_model("courses", name).objects.filter(
                _made_at(school), updated_at__lt=cutoff
            ).delete()
        Enrolment = apps.get_model("courses", "Enrolment")
        superseded = Enrolment.objects.filter(
            learner=OuterRef("learner"),
            course=OuterRef("course"),
            attempt__gt=OuterRef("attempt"),
            started_at__lt=cutoff,
        )
        Enrolment.objects.filter(_made_at(school), started_at__lt=cutoff).filter(
            Exists(superseded)
        ).delete()
    apps.get_model("xapi", "Document").objects.filter(school=school, updated__lt=cutoff).exclude(
        agent_key=""
    ).delete()


def _sign_ins_purge(*, school: School | None, cutoff: datetime) -> None:
    """Delete what the sign-in protection (django-axes) logged of the school's people signing
    in (username, address, browser) before the cut-off. It counts usernames in lower case.
    With no school: of the people at none, and of usernames that are nobody's (someone who
    typed their email or name instead)."""
    if not apps.is_installed("axes"):
        return
    if school is not None:
        theirs = Q(
            username__in=User.objects.filter(school=school).values(lowered=Lower("username"))
        )
    else:
        at_schools = User.objects.filter(school__isnull=False).values(lowered=Lower("username"))
        theirs = ~Q(username__in=at_schools) | Q(username__isnull=True)
    for name in ("AccessLog", "AccessFailureLog"):
        apps.get_model("axes", name).objects.filter(theirs, attempt_time__lt=cutoff).delete()


def _attempt_models() -> dict:
    """The per-learner attempt tables of the activity apps that are installed."""
    found = {}
    for label, app, name in (
        ("scenario_attempts", "scenarios", "ScenarioAttempt"),
        ("scenario_moves", "scenarios", "ScenarioChoiceRecord"),
        ("quiz_attempts", "assessments", "Attempt"),
    ):
        try:
            found[label] = apps.get_model(app, name)
        except LookupError:
            continue
    return found


def data_protection_log(
    *, person: User, kind: str, by: User | None = None, via: str = DataProtectionEvent.Via.COMMAND
) -> None:
    """Note an export or an erasure in the school's data protection log, describing the
    person without naming them (role, classes or teams, the school's MIS id for them): the
    entry outlives an erasure. `via` says how (`DataProtectionEvent.Via`) and `by` who, if
    someone signed in did it. An erasure of someone whose statements were
    forwarded also keeps where the copies are and the identifier those stores know them by."""
    data_protection_log_many(people=[person], kind=kind, by=by, via=via)


def data_protection_log_many(
    *,
    people: list[User],
    kind: str,
    by: User | None = None,
    via: str = DataProtectionEvent.Via.COMMAND,
) -> None:
    """`data_protection_log` for several people at once (leavers erased together): their
    roles, groups and the stores holding copies are read for them all together."""
    from django.contrib.auth.models import Group as AuthGroup

    from schools.models import Membership
    from schools.roles import ROLE_BY_GROUP_NAME, Role
    from xapi.selectors import identifier_at_targets, targets_holding_copies_of

    holding = {}
    if kind != DataProtectionEvent.Kind.EXPORTED:
        holding = targets_holding_copies_of(learners=people)
    roles: dict[int, set[str]] = {}
    for user_id, name in AuthGroup.user_set.through.objects.filter(user__in=people).values_list(
        "user_id", "group__name"
    ):
        if name in ROLE_BY_GROUP_NAME:
            roles.setdefault(user_id, set()).add(ROLE_BY_GROUP_NAME[name])
    groups: dict[int, list[str]] = {}
    for user_id, name in Membership.objects.filter(user__in=people).values_list(
        "user_id", "group__name"
    ):
        groups.setdefault(user_id, []).append(name)
    events = []
    for person in people:
        copies_at, identifier = "", ""
        if targets := holding.get(person.pk):
            copies_at = ", ".join(target.name for target in targets)[:500]
            identifier = identifier_at_targets(learner=person)[:255]
        theirs = roles.get(person.pk, set())
        events.append(
            DataProtectionEvent(
                school_id=person.school_id,
                kind=kind,
                person=person,
                role=", ".join(str(role.label) for role in Role if role in theirs),
                groups=", ".join(sorted(groups.get(person.pk, [])))[:500],
                mis_id=person.mis_id,
                copies_at=copies_at,
                identifier=identifier,
                via=via,
                by=by,
            )
        )
    DataProtectionEvent.objects.bulk_create(events)


@transaction.atomic
def learner_erase(
    *,
    learner: User,
    delete_account: bool = True,
    by: User | None = None,
    via: str = DataProtectionEvent.Via.COMMAND,
    kind: str | None = None,
    sign_out: bool = True,
) -> None:
    """Erase a learner: their statements in the LRS (with everything hanging off them), their
    state and profile documents, every record derived from them, their scenario and quiz
    attempts, their reflections, checklist ticks and enrolments, the log of their sign-ins
    and their sessions (signing them out), and by default their account. The school's data
    protection log notes it (`kind`, by default erased with or without the account), how
    (`via`) and who did it (`by`). A caller erasing many people at once passes
    `sign_out=False` and ends all their sessions in one `sessions_end` afterwards."""
    if kind is None:
        kind = (
            DataProtectionEvent.Kind.ERASED
            if delete_account
            else DataProtectionEvent.Kind.ERASED_RECORDS
        )
    data_protection_log(person=learner, kind=kind, by=by, via=via)
    _records_erase(learners=[learner])
    if sign_out:
        sessions_end(user_pks=[learner.pk])
    if delete_account:
        learner.delete()


@transaction.atomic
def learners_erase(
    *,
    learners: list[User],
    by: User | None = None,
    via: str = DataProtectionEvent.Via.COMMAND,
    kind: str = DataProtectionEvent.Kind.ERASED_RECORDS,
) -> None:
    """Erase several people's records as `learner_erase` erases one's, with an entry each in
    their school's data protection log, for them all together (the people ticked in the
    admin's Users and deleted at once): one by one, each took some seventy queries. Their
    accounts stay, and so do their sessions: the caller deletes the one and ends the other
    (`sessions_end`)."""
    data_protection_log_many(people=learners, kind=kind, by=by, via=via)
    _records_erase(learners=learners)


def _records_erase(*, learners: list[User]) -> None:
    """What `learner_erase` erases of these people, bar its log entry and their accounts:
    for them all together, so erasing many (the leavers of a year) takes the same queries
    as erasing one."""
    from xapi.services import attachments_carried, attachments_release

    keys = _learners_actor_keys(learners)
    tool_keys = _keys_tools_use(learners)
    statements = _statements_about(learners=learners, keys=keys, tool_keys=tool_keys)
    # Those naming them as the object or in context may be other learners' statements:
    # those learners' records are then rebuilt from the statements that stand, as a
    # rebuild would have them (docs/records.md).
    others = set(
        statements.exclude(learner__isnull=True)
        .exclude(learner__in=learners)
        .values_list("learner_id", flat=True)
        .distinct()
    )
    carried = attachments_carried(statements)
    # Another's certificate goes with the statement it was issued for, as in the purge.
    issued_for = list(
        statements.exclude(learner__in=learners).values_list("statement_id", flat=True)
    )
    statements.delete()
    attachments_release(carried)
    for start in range(0, len(issued_for), PURGE_CHUNK):
        Certificate.objects.filter(
            statement_id__in=issued_for[start : start + PURGE_CHUNK]
        ).delete()
    if others:
        records_rebuild(learner_ids=sorted(others))
    apps.get_model("xapi", "Document").objects.filter(
        _under_keys("agent_key", keys, _keys_held_by_others(learners=learners, keys=keys))
        | _under_keys_tools_use("agent_key", tool_keys)
    ).delete()
    Certificate.objects.filter(learner__in=learners).delete()
    ReminderSent.objects.filter(learner__in=learners).delete()
    Completion.objects.filter(learner__in=learners).delete()
    LearnerActivity.objects.filter(learner__in=learners).delete()
    # Deleting the account would cascade to these; with --keep-account they must go anyway.
    for label, model in _attempt_models().items():
        if label != "scenario_moves":
            model.objects.filter(learner__in=learners).delete()
    _admin_history_unname(person_pks=[learner.pk for learner in learners])
    if apps.is_installed("courses"):
        for name in ("Reflection", "ChecklistProgress", "Enrolment"):
            apps.get_model("courses", name).objects.filter(learner__in=learners).delete()
    _sign_ins_erase(usernames=[learner.username for learner in learners])
    _emails_queued_erase(
        emails=[learner.email for learner in learners],
        person_pks=[learner.pk for learner in learners],
    )


def admin_history_unname(*, person_pk: int) -> None:
    """Take a person's name out of the Wagtail admin's history of changes to their account
    (Reports -> Site history), which notes each under it, and to their group memberships,
    noted as "<name> in <group>": the entries stay, so what was done and by whom is still
    there, but no longer say who it was done to. Call it while the memberships still
    exist."""
    _admin_history_unname(person_pks=[person_pk])


def _admin_history_unname(*, person_pks: list[int]) -> None:
    """`admin_history_unname` for several people together."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry

    from schools.models import Membership

    ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User),
        object_id__in=[str(pk) for pk in person_pks],
    ).update(label=_("An erased person"))
    memberships = Membership.objects.filter(user_id__in=person_pks).values_list("pk", flat=True)
    if memberships := [str(pk) for pk in memberships]:
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Membership), object_id__in=memberships
        ).update(label=_("An erased person's group membership"))


def _sign_ins_erase(*, usernames: list[str]) -> None:
    """What the sign-in protection (django-axes) logged about these people: each sign-in and
    failed attempt, with their username, address and browser."""
    if not apps.is_installed("axes") or not usernames:
        return
    theirs = Q()
    for username in usernames:
        theirs |= Q(username__iexact=username)
    for name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
        apps.get_model("axes", name).objects.filter(theirs).delete()


EMAILS_LOOKED_UP_CHUNK = 50  # addresses `_emails_queued_erase` looks for in one query


def _emails_queued_erase(*, emails: list[str], person_pks: list[int]) -> None:
    """The emails to these people that the database's task queue keeps, sent or waiting (a
    password reset: their address, name, username and the link): `schools.tasks.email_send`
    holds each in its arguments, with the person's account when it is about one (so an
    email to an address they no longer have goes too)."""
    if not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    from schools.tasks import email_send

    results = DBTaskResult.objects
    theirs = list(
        results.filter(
            task_path=email_send.module_path, args_kwargs__kwargs__person__in=person_pks
        ).values_list("pk", flat=True)
    )
    for start in range(0, len(theirs), PURGE_CHUNK):
        results.filter(pk__in=theirs[start : start + PURGE_CHUNK]).delete()
    emails = [email for email in emails if email]
    addresses = {email.lower() for email in emails}
    # The database picks the rows whose recipients' text holds an address (as SQLite keeps
    # it, with letters beyond ASCII escaped, or as PostgreSQL gives it back), so a bulk
    # erasure does not read every email in the queue; Python then keeps the rows sent to
    # exactly one of those addresses, in any case.
    theirs = []
    # A few dozen addresses a query: SQLite refuses a condition nested much deeper.
    for start in range(0, len(emails), EMAILS_LOOKED_UP_CHUNK):
        holds = Q()
        for email in emails[start : start + EMAILS_LOOKED_UP_CHUNK]:
            address = email.lower()
            for text in {email, address, json.dumps(email)[1:-1], json.dumps(address)[1:-1]}:
                holds |= Q(args_kwargs__kwargs__to__icontains=text)
        for pk, arguments in (
            results.filter(holds, task_path=email_send.module_path)
            .values_list("pk", "args_kwargs")
            .iterator(chunk_size=2000)
        ):
            kwargs = arguments.get("kwargs") or {}
            # An email about another account at the same address is that account's to keep.
            if kwargs.get("person") is not None and kwargs["person"] not in person_pks:
                continue
            recipients = {str(to).lower() for to in kwargs.get("to") or ()}
            if addresses & recipients:
                theirs.append(pk)
    for start in range(0, len(theirs), PURGE_CHUNK):
        results.filter(pk__in=theirs[start : start + PURGE_CHUNK]).delete()


SESSIONS_DELETE_CHUNK = 500  # session keys deleted by one query in `sessions_end`


def sessions_end(*, user_pks) -> None:
    """Sign these people out on every device: a session stored in the database names their
    account, and would otherwise stay there until it expired and was cleared. Its data is
    signed and encoded, so the only way to find theirs is to read every session: one pass,
    however many people. Sessions kept elsewhere (a cache, a cookie) cannot be listed, and
    lapse on their own."""
    pks = {str(pk) for pk in user_pks}
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not pks or not hasattr(store, "get_model_class"):
        return
    sessions = store.get_model_class().objects.all()
    theirs = [
        session.session_key
        for session in sessions.only("session_key", "session_data").iterator(chunk_size=2000)
        if session.get_decoded().get(SESSION_KEY) in pks
    ]
    for start in range(0, len(theirs), SESSIONS_DELETE_CHUNK):
        sessions.filter(session_key__in=theirs[start : start + SESSIONS_DELETE_CHUNK]).delete()


def _statements_about(
    *, learners: list[User], keys: set[str], tool_keys: dict[int, set[str]] | None = None
):
    """Every statement held about these people: theirs, and those naming them as the object
    or in context (as instructor or team member), under their account or email or under an
    identifier a school's tool knows a pupil by (`_keys_tools_use`). Not what a school keeps
    under an address that is another of its people's (`_keys_held_by_others`)."""
    held = _keys_held_by_others(learners=learners, keys=keys)
    tools = _keys_tools_use(learners) if tool_keys is None else tool_keys
    Relation = apps.get_model("xapi", "StatementRelation")
    mentioned = Relation.objects.filter(
        _under_keys("key", keys, held) | _under_keys_tools_use("key", tools), kind="agent"
    ).values("statement_id")
    return _statement_model().objects.filter(
        Q(learner__in=learners)
        | _under_keys("actor_key", keys, held)
        | _under_keys("object_agent_key", keys, held)
        | _under_keys_tools_use("actor_key", tools)
        | _under_keys_tools_use("object_agent_key", tools)
        | Q(pk__in=mentioned)
    )


def learner_export(
    *, learner: User, by: User | None = None, via: str = DataProtectionEvent.Via.COMMAND
) -> dict:
    """Everything Upstander holds about a learner, for a subject access request; the school's
    data protection log notes that it was taken, how (`via`) and by whom (`by`)."""
    from .selectors import assignments_for_learner, person_completions

    data_protection_log(person=learner, kind=DataProtectionEvent.Kind.EXPORTED, by=by, via=via)

    keys = _learner_actor_keys(learner)
    held = _keys_held_by_others(learners=[learner], keys=keys)
    tool_keys = _keys_tools_use([learner])
    # What erasure would delete.
    statements = _statements_about(learners=[learner], keys=keys, tool_keys=tool_keys)
    shown, files_left_out = _statements_shown(
        statements, learner=learner, keys=keys, held=held, tool_keys=tool_keys
    )
    export = {
        "exported_at": timezone.now().isoformat(),
        "person": {
            "username": learner.username,
            "first_name": learner.first_name,
            "last_name": learner.last_name,
            "email": learner.email,
            "school": learner.school.name if learner.school_id else None,
            "learner_id": str(learner.learner_id),
            "mis_id": learner.mis_id,
            "active": learner.is_active,
            "left_on": _jsonable(learner.left_on),
            "account_created_at": _jsonable(learner.date_joined),
            "last_sign_in_at": _jsonable(learner.last_login),
            # Set when they moved to this school or came back after leaving.
            "school_joined_at": _jsonable(learner.school_joined_at),
            "made_inactive_by_hand": learner.inactive_by_hand,
            "password_reset_emailed_at": _jsonable(learner.password_reset_emailed_at),
            "roles": sorted(str(r) for r in learner.roles),
            "admin_access": learner.is_staff,
            "site_administrator": learner.is_superuser,
            "admin_preferences": _admin_preferences_export(person=learner),
            "groups": [
                {
                    "name": m.group.name,
                    "kind": m.group.kind,
                    "role": m.role,
                    "joined_at": m.joined_at.isoformat(),
                }
                for m in learner.memberships.select_related("group")
            ],
        },
        "assignments": [
            {
                "course": a.course.title,
                "due_on": a.due_on.isoformat(),
                "state": str(a.state),
                "expires_on": a.standing.expires_on.isoformat() if a.standing.expires_on else None,
            }
            for a in assignments_for_learner(learner)
        ],
        "completions": [
            {
                "activity": line.activity_title,
                "activity_iri": line.completion.activity_iri,
                "completed_at": line.completion.completed_at.isoformat(),
                "statement_id": str(line.completion.statement_id),
            }
            for line in person_completions(learner=learner)
        ],
        "certificates": [
            {
                "course": c.course_title,
                "completed_at": c.completed_at.isoformat(),
                "cpd_minutes": c.cpd_minutes,
                "code": c.code,
            }
            for c in Certificate.objects.filter(learner=learner)
        ],
        "reminders_sent": [
            {
                # What it was about: the course's title (none for a note older than the
                # course it was about was noted with it).
                "course": r.course.title if r.course_id else None,
                "kind": r.kind,
                "about": r.about_date.isoformat(),
                "sent_at": r.sent_at.isoformat(),
            }
            for r in ReminderSent.objects.filter(learner=learner)
            .select_related("course")
            .order_by("sent_at", "pk")
        ],
        # Each entry as the school's log keeps it: when, how and by whom (nobody for a
        # command or the retention period, nor once they are erased in turn).
        "data_protection_log": [
            {
                "kind": event.kind,
                "via": event.via,
                "by": (event.by.get_full_name() or event.by.username) if event.by_id else None,
                "at": event.at.isoformat(),
            }
            for event in DataProtectionEvent.objects.filter(person=learner)
            .select_related("by")
            .order_by("at", "pk")
        ],
        "statements": list(shown.values()),
    }
    for label, model_name, fields in (
        ("reflections", "Reflection", ("block_id", "text", "updated_at")),
        ("checklists", "ChecklistProgress", ("block_id", "ticked", "updated_at")),
        ("enrolments", "Enrolment", ("attempt", "registration", "started_at")),
    ):
        try:
            model = apps.get_model("courses", model_name)
        except LookupError:
            continue
        export[label] = [
            {k: _jsonable(v) for k, v in row.items()}
            for row in model.objects.filter(learner=learner).values(*fields)
        ]
    export.update(_attempts_export(learner=learner))
    export.update(_staff_work_export(person=learner))
    export.update(_sign_ins_export(username=learner.username))
    # The files of the statements as they are shown: not a pupil's, left out of them.
    export["attachments"] = _attachments_export(statements.exclude(pk__in=files_left_out))
    export["documents"] = _documents_export(keys, held=held, tool_keys=tool_keys)
    export["admin_avatar"] = _avatar_export(person=learner)
    try:
        lessons = apps.get_model("courses", "ClassLesson")
    except LookupError:
        lessons = None
    if lessons is not None:  # lessons they led with a class and recorded (counts, no pupils)
        export["lessons_recorded"] = [
            {
                "course": lesson.course.title,
                "group": lesson.group.name,
                "taught_on": lesson.taught_on.isoformat(),
                "pupils_there": lesson.pupil_count,
                "recorded_at": lesson.recorded_at.isoformat(),
            }
            for lesson in lessons.objects.filter(recorded_by=learner).select_related(
                "course", "group"
            )
        ]
    try:
        sessions = apps.get_model("scenarios", "ClassroomSession")
    except LookupError:
        sessions = None
    if sessions is not None:  # scenarios they ran with a class (vote totals, no pupils)
        export["classroom_sessions"] = [
            {
                "scenario": session.scenario.title,
                "group": session.group.name,
                "started_at": session.started_at.isoformat(),
                "finished_at": _jsonable(session.finished_at),
            }
            for session in sessions.objects.filter(teacher=learner)
            .select_related("scenario", "group")
            .order_by("started_at", "pk")
        ]
    return export


def _statements_shown(
    statements, *, learner: User, keys: set[str], held, tool_keys: dict[int, set[str]]
) -> tuple[dict, list]:
    """The statements held about the person as their export shows them, by pk in the order
    stored: their own whole, and other people's as they may leave the school's records
    (`statements_pupils_opaque`: a pupil only by their opaque account, without what a pupil
    typed or the files they sent), since those are the pupils' data, not theirs. With the
    pks of the statements whose files are left out."""
    from xapi.forwarding import statements_pupils_opaque

    rows = list(statements.distinct().order_by("stored", "pk"))
    own = set(
        statements.filter(
            Q(learner=learner)
            | _under_keys("actor_key", keys, held)
            | _under_keys_tools_use("actor_key", tool_keys)
        ).values_list("pk", flat=True)
    )
    others = [row for row in rows if row.pk not in own]
    shown = dict(zip((row.pk for row in others), statements_pupils_opaque(others), strict=True))
    files_left_out = [
        row.pk for row in others if "attachments" in row.data and "attachments" not in shown[row.pk]
    ]
    return {row.pk: shown.get(row.pk, row.data) for row in rows}, files_left_out


def learner_export_json(export: dict) -> str:
    """A `learner_export` as the JSON text handed to the person: names and what they typed
    as written ("Łucja", not "\\u0141ucja"), so it is readable (UK GDPR Art. 12)."""
    text = json.dumps(export, indent=2, default=str, ensure_ascii=False)
    # Half an emoji (a typed answer cut off at a length limit) cannot be written as UTF-8:
    # it is written as the escape JSON has for it, as it was before.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _attempts_export(*, learner: User) -> dict:
    """The learner's scenario play-throughs (with every choice they made) and quiz attempts
    (with their answers and marks), for a subject access request."""
    models = _attempt_models()
    result: dict[str, list] = {}
    if "scenario_attempts" in models:
        attempts = (
            models["scenario_attempts"]
            .objects.filter(learner=learner)
            .select_related("scenario")
            .prefetch_related("moves")
            .order_by("started_at", "pk")
        )
        result["scenario_attempts"] = [
            {
                "scenario": a.scenario.title,
                "attempt": str(a.uuid),
                "registration": _jsonable(a.registration),
                "started_at": _jsonable(a.started_at),
                "finished_at": _jsonable(a.finished_at),
                "outcome": a.outcome,
                "ending": a.ending_node,
                "state": a.state,
                "choices": [
                    {
                        "node": m.node_id,
                        "choice": m.choice_id,
                        "label": m.choice_label,
                        "made_at": _jsonable(m.created_at),
                    }
                    for m in sorted(a.moves.all(), key=lambda m: m.step)
                ],
            }
            for a in attempts
        ]
    if "quiz_attempts" in models:
        attempts = (
            models["quiz_attempts"]
            .objects.filter(learner=learner)
            .select_related("quiz")
            .order_by("started_at", "pk")
        )
        result["quiz_attempts"] = [
            {
                "quiz": a.quiz.title,
                "attempt": str(a.uuid),
                "number": a.number,
                "registration": _jsonable(a.registration),
                "state": a.state,
                "started_at": _jsonable(a.started_at),
                "submitted_at": _jsonable(a.submitted_at),
                "answers": _quiz_answers_in_words(a),
                "credits": a.credits,
                "score_raw": a.score_raw,
                "score_max": a.score_max,
                "passed": a.passed,
            }
            for a in attempts
        ]
    return result


def _quiz_answers_in_words(attempt) -> list[dict]:
    """Each question the person answered in a quiz attempt, with what they answered in the
    words the quiz showed them (not its option ids, which mean nothing to them) and whether
    it was right."""
    from assessments.review import review
    from assessments.scoring import Kind

    answered = []
    for item in review(attempt.question_list(), attempt.answers):
        rows = item.rows
        if item.question.kind in (Kind.SINGLE_CHOICE, Kind.TRUE_FALSE):
            answer = next((row.text for row in rows if row.chosen), None)
        elif item.question.kind == Kind.MULTIPLE_RESPONSE:
            answer = [row.text for row in rows if row.chosen]
        elif item.question.kind == Kind.ORDERING:
            answer = [row.given for row in rows]
        else:  # matching: each prompt with the answer they paired it with
            answer = {row.text: row.given for row in rows}
        answered.append(
            {"question": item.question.prompt, "answer": answer, "correct": item.correct}
        )
    return answered


def _attachments_export(statements) -> list[dict]:
    """The files sent with these statements (kept apart from them, named by their SHA-2 in
    each statement's `attachments`), base64-encoded."""
    from xapi.services import attachments_carried

    AttachmentContent = apps.get_model("xapi", "AttachmentContent")
    rows = []
    for school_id, hashes in attachments_carried(statements).items():
        files = AttachmentContent.objects.filter(school_id=school_id, sha2__in=hashes)
        for sha2, content_type, content in files.order_by("sha2").values_list(
            "sha2", "content_type", "content"
        ):
            rows.append(
                {
                    "sha2": sha2,
                    "content_type": content_type,
                    "content_base64": base64.b64encode(bytes(content)).decode("ascii"),
                }
            )
    return rows


def _sign_ins_export(*, username: str) -> dict:
    """What the sign-in protection (django-axes) logged about the person, as `_sign_ins_erase`
    deletes it: each sign-in and failed attempt, when, from what address and browser."""
    if not apps.is_installed("axes"):
        return {}
    # The log keeps usernames in lower case (schools/backends.py): where another account's
    # username differs from this one only in capitals, its entries could be either person's,
    # and a subject access request must not hand over someone else's.
    if User.objects.filter(username__iexact=username).exclude(username=username).exists():
        return {
            "sign_ins": [],
            "failed_sign_ins": [],
            "sign_ins_left_out": (
                "Another account's username is this one in other capitals, and the sign-in "
                "log does not tell capitals apart: its entries could be either person's, so "
                "none are given here."
            ),
        }
    result = {}
    for label, name in (("sign_ins", "AccessLog"), ("failed_sign_ins", "AccessFailureLog")):
        model = apps.get_model("axes", name)
        rows = model.objects.filter(username__iexact=username).order_by("attempt_time", "pk")
        result[label] = [
            {
                "at": row.attempt_time.isoformat(),
                "ip_address": row.ip_address,
                "browser": row.user_agent,
                **({"signed_out_at": _jsonable(row.logout_time)} if name == "AccessLog" else {}),
            }
            for row in rows
        ]
    return result


def _staff_work_export(*, person: User) -> dict:
    """What Upstander keeps of a member of staff's own doings, with their name on it: the
    courses they assigned, the renewals they required, the comments they wrote on pages in
    the admin, the H5P packages they uploaded and the data protection requests they carried
    out (what and when; whom for is someone
    else's data and stays out)."""
    result = {
        "assignments_set": [
            {
                "course": a.course.title,
                "for": a.audience_label,
                "due_on": a.due_on.isoformat(),
                "created_at": a.created_at.isoformat(),
            }
            for a in Assignment.objects.filter(created_by=person)
            .select_related("course", "group")
            .order_by("created_at", "pk")
        ],
        "renewals_required": [
            {
                "course": r.course.title,
                "reason": r.reason,
                "required_from": r.required_from.isoformat(),
            }
            for r in CourseRenewal.objects.filter(created_by=person)
            .select_related("course")
            .order_by("required_from", "pk")
        ],
        "data_protection_requests_carried_out": [
            {"kind": kind, "via": via, "at": at.isoformat()}
            for kind, via, at in DataProtectionEvent.objects.filter(by=person)
            .order_by("at", "pk")
            .values_list("kind", "via", "at")
        ],
    }
    # What they wrote in the admin's comments on pages, in their own words.
    Comment = apps.get_model("wagtailcore", "Comment")
    result["page_comments"] = [
        {"page": title, "text": text, "created_at": at.isoformat()}
        for title, text, at in Comment.objects.filter(user=person)
        .order_by("created_at", "pk")
        .values_list("page__title", "text", "created_at")
    ]
    result["page_comment_replies"] = [
        {"page": title, "text": text, "created_at": at.isoformat()}
        for title, text, at in apps.get_model("wagtailcore", "CommentReply")
        .objects.filter(user=person)
        .order_by("created_at", "pk")
        .values_list("comment__page__title", "text", "created_at")
    ]
    if apps.is_installed("h5p"):
        result["h5p_uploaded"] = [
            {"title": title, "uploaded_at": _jsonable(at)}
            for title, at in apps.get_model("h5p", "H5PActivity")
            .objects.filter(uploaded_by=person)
            .order_by("uploaded_at", "pk")
            .values_list("title", "uploaded_at")
        ]
    return result


def _admin_preferences_export(*, person: User) -> dict | None:
    """What the person chose in the admin (Account -> Preferences and Notifications), kept
    about them in Wagtail's user profile; None if they never saved any."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.objects.filter(user=person).first()
    if profile is None:
        return None
    return {
        "language": profile.preferred_language,
        "time_zone": profile.current_time_zone,
        "theme": profile.theme,
        "contrast": profile.contrast,
        "density": profile.density,
        "keyboard_shortcuts": profile.keyboard_shortcuts,
        "notify_submitted": profile.submitted_notifications,
        "notify_approved": profile.approved_notifications,
        "notify_rejected": profile.rejected_notifications,
        "notify_comments": profile.updated_comments_notifications,
    }


def _avatar_export(*, person: User) -> dict | None:
    """The photo the person uploaded as their avatar in the admin (Account -> Profile), as
    erasing them deletes it: base64-encoded, or None if they uploaded none."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.objects.filter(user=person).first()
    if profile is None or not profile.avatar:
        return None
    try:
        with profile.avatar.open("rb") as photo:
            content = base64.b64encode(photo.read()).decode("ascii")
    except OSError:  # the row names a file no longer in the media folder
        content = None
    return {"file_name": profile.avatar.name.rsplit("/", 1)[-1], "content_base64": content}


def _documents_export(
    keys: set[str], *, held: dict[str, set[int]], tool_keys: dict[int, set[str]]
) -> list[dict]:
    """The LRS documents kept about the person (what H5P content saved part-way through, agent
    profiles, what a school's tool saved under its own account for a pupil: `tool_keys`),
    readable: JSON as JSON, other text as text, anything else base64. Not those kept under
    an address where it is another person's (`held`)."""
    Document = apps.get_model("xapi", "Document")
    rows = []
    documents = Document.objects.filter(
        _under_keys("agent_key", keys, held) | _under_keys_tools_use("agent_key", tool_keys)
    )
    for doc in documents.order_by("updated", "pk"):
        encoding, content = _document_content(doc)
        rows.append(
            {
                "kind": doc.kind,
                "activity": doc.activity_iri,
                "registration": doc.registration,
                "document_id": doc.document_id,
                "content_type": doc.content_type,
                "updated": doc.updated.isoformat(),
                "encoding": encoding,
                "content": content,
            }
        )
    return rows


def _document_content(doc) -> tuple[str, object]:
    raw = bytes(doc.content)
    try:
        text = raw.decode()
    except UnicodeDecodeError:
        return "base64", base64.b64encode(raw).decode("ascii")
    if doc.content_type.startswith("application/json"):
        try:
            return "json", json.loads(text)
        except ValueError:
            pass
    return "text", text


def _jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
