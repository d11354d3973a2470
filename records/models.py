"""Learning records derived from xAPI statements, and the school's plans for them.

`Completion` and `LearnerActivity` are written only by the projection (`projection.py`), which
reads statements as the xAPI service stores them; so the LRS and every dashboard always agree,
and `manage.py rebuild_records` can throw them away and build them again identically.

`Assignment`, `CourseRenewal`, `Certificate` and `ReminderSent` are the school's decisions and
the product's promises about those records: what must be completed by when, which completions
still count, which certificates were issued and which reminders were sent.
`DataProtectionEvent` is the school's log of subject access exports and erasures.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schools.roles import Role


class Completion(models.Model):
    """One learner completed (or passed) one activity, as one statement said.

    A learner who completes an activity again (a retried quiz, a renewed CPD course) gets a
    second row: the history is what certificates and renewals are built on.
    """

    # Indexed by (learner, activity_iri) in Meta, which begins with it.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="completions",
        db_index=False,
    )
    activity_iri = models.CharField(_("activity"), max_length=512)
    statement_id = models.UUIDField(_("statement"), unique=True)
    registration = models.UUIDField(_("registration"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"))
    success = models.BooleanField(_("success"), null=True, blank=True)
    score_scaled = models.FloatField(_("scaled score"), null=True, blank=True)

    class Meta:
        ordering = ["-completed_at"]
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        indexes = [
            models.Index(fields=["learner", "activity_iri"]),
            models.Index(fields=["activity_iri", "completed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.learner} completed {self.activity_iri}"


class LearnerActivity(models.Model):
    """A learner's summary for one activity: when they first and last touched it, and when
    they first and last completed it.

    One row per learner and activity however many statements there are, so dashboards read a
    table that grows with people times activities, never with statements. An activity is touched
    by a statement about it or by one that names it as parent or grouping in
    contextActivities (xAPI 1.0.3 §4.1.6.2), which is how a course is "in progress" before
    its first module is complete.
    """

    # Indexed by the unique (learner, activity_iri), which begins with it.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="activity_summaries",
        db_index=False,
    )
    activity_iri = models.CharField(_("activity"), max_length=512)
    first_seen_at = models.DateTimeField(_("first seen"))
    last_seen_at = models.DateTimeField(_("last seen"))
    first_completed_at = models.DateTimeField(_("first completed"), null=True, blank=True)
    last_completed_at = models.DateTimeField(_("last completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("learner activity")
        verbose_name_plural = _("learner activities")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "activity_iri"], name="learner_activity_unique"
            )
        ]
        indexes = [models.Index(fields=["activity_iri", "learner"])]

    def __str__(self) -> str:
        return f"{self.learner} on {self.activity_iri}"


class Assignment(models.Model):
    """A school asks a group (e.g. the staff team) or everyone with a role to complete a
    course by a date, and, for CPD that expires, to complete it again every so many months."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="assignments"
    )
    course = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    group = models.ForeignKey(
        "schools.Group",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="assignments",
        null=True,
        blank=True,
    )
    role = models.CharField(
        _("everyone with the role"), max_length=20, choices=Role.choices, blank=True
    )
    due_on = models.DateField(_("due date"))
    renewal_months = models.PositiveSmallIntegerField(
        _("renew every (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty if a completion never expires."),
    )
    new_starter_days = models.PositiveSmallIntegerField(
        _("days for people who join later"),
        default=30,
        validators=[MaxValueValidator(365)],
        help_text=_(
            "Someone who joins the group, or the school with the role, after the course is "
            "assigned has this many days from joining, or until the due date if that is later."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=(Q(group__isnull=False) & Q(role=""))
                | (Q(group__isnull=True) & ~Q(role="")),
                name="assignment_group_xor_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} for {self.audience_label}"

    @property
    def audience_label(self) -> str:
        if self.group_id:
            return str(self.group.name)
        return str(_("Everyone: %(role)s") % {"role": Role(self.role).label})


class CourseRenewal(models.Model):
    """An editor's mark that a course changed significantly and "requires renewal".

    Completions before `required_from` no longer count for assignments: everyone assigned is
    re-enrolled and has `complete_within_days` to take the course again.
    """

    course = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(
        _("what changed"),
        max_length=300,
        help_text=_("Shown to staff in the email telling them to take the course again."),
    )
    required_from = models.DateTimeField(_("completions before this no longer count"))
    complete_within_days = models.PositiveSmallIntegerField(
        _("days to complete it again"), default=30
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-required_from"]
        get_latest_by = "required_from"
        verbose_name = _("course renewal")
        verbose_name_plural = _("course renewals")

    def __str__(self) -> str:
        return f"{self.course}: {self.reason}"


def _certificate_code() -> str:
    # 12 characters from an alphabet without look-alikes (0/O, 1/I/L): easy to type from
    # paper, and 32**12 ≈ 10**18 makes guessing a valid one hopeless.
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class Certificate(models.Model):
    """A certificate for one course completion by a member of staff.

    Keyed by the completing statement's id (not the Completion row), so rebuilding records
    keeps every issued code; it is valid while that completion exists (a voided or erased
    statement invalidates it). The public verification page shows only whether a code is
    valid, the person's name, the course, the date it was completed and, for a course the
    school renews, when it expires (`selectors.certificate_expires_on`).
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    statement_id = models.UUIDField(_("completion statement"), unique=True)
    course = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    course_title = models.CharField(_("course"), max_length=255)
    completed_at = models.DateTimeField(_("completed at"))
    cpd_minutes = models.PositiveIntegerField(_("CPD minutes"), default=0)
    school_name = models.CharField(_("school"), max_length=200, blank=True)
    code = models.CharField(
        _("verification code"), max_length=14, unique=True, default=_certificate_code
    )
    # The day it expired, or was to expire, when its course was deleted: the assignments and
    # renewal marks that give the date go with the course (`certificates_keep_expiry`).
    expires_on_kept = models.DateField(_("expires on (course deleted)"), null=True, blank=True)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.code}: {self.course_title}"


class ReminderSent(models.Model):
    """One reminder email for one event, so the same event is never emailed twice.

    The event is the course (at the school), the kind of reminder and the date it is about
    (the due date or the expiry date): a new due date or a renewal is a new event. The note
    outlives the assignment it was sent under, so removing a course's assignment and
    assigning it again for the same date emails nobody the same reminder twice.
    """

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")
        EXPIRING = "expiring", _("Expiring soon")
        EXPIRED = "expired", _("Expired")
        # Sent by the safeguarding lead from the person's record page, at most once a day
        # (`about_date` is the day it was sent).
        FROM_LEAD = "from_lead", _("From the safeguarding lead")
        # The email saying a course changed and must be taken again (`about_date` is the day
        # it was marked), so a failed one is sent by the next reminders run and none twice.
        RENEWAL = "renewal", _("Course changed: take it again")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders_sent"
    )
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders_sent",
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, related_name="+"
    )
    course = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, null=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    about_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "assignment", "kind", "about_date"],
                name="reminder_once_per_event",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.learner} ({self.about_date})"


class ReminderSchedule(models.Model):
    """The single row that keeps the self-rescheduling reminders task to one chain: a run
    enqueues the next only if it wins the compare-and-set on `next_run_at`."""

    next_run_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reminder schedule")

    def __str__(self) -> str:
        return f"next reminders run at {self.next_run_at}"


class DataProtectionEvent(models.Model):
    """A subject access export or an erasure, kept so the school can show when its data
    protection duties were carried out, and by whom.

    It names nobody who was erased: it keeps their role, their classes or teams and the
    school's own MIS id for them (so the school can match it to the request it received), and
    a link to the person only while their account exists. Where statements about them had
    been forwarded to other stores, it keeps those stores' names and the identifier they know
    the person by, since erasing here cannot reach those copies: an opaque id, or for a member
    of staff of a school that identifies staff by email, their address (the one thing those
    stores can find the copies by).
    """

    class Kind(models.TextChoices):
        EXPORTED = "exported", _("Everything held downloaded (subject access)")
        ERASED = "erased", _("Erased, with their records")
        ERASED_RECORDS = "erased_records", _("Learning records erased, account kept")
        ERASED_AFTER_LEAVING = "erased_left", _("Erased: left longer ago than records are kept")

    class Via(models.TextChoices):
        DASHBOARD = "dashboard", _("on the safeguarding dashboard")
        ADMIN = "admin", _("in the admin's Users")
        COMMAND = "command", _("A command run on the server")
        RETENTION = "retention", _("The school's retention period")

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        related_name="data_protection_events",
        null=True,
        blank=True,
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(max_length=32, blank=True)
    groups = models.CharField(max_length=500, blank=True)
    mis_id = models.CharField(max_length=64, blank=True)
    # An erasure of someone whose statements had been forwarded: the other stores that hold
    # copies, and the identifier they know the person by, so the school can ask them later.
    copies_at = models.CharField(max_length=500, blank=True)
    identifier = models.CharField(max_length=255, blank=True)
    # How, and who did it (nobody for the retention period and commands run on the server;
    # emptied if they are erased in turn).
    via = models.CharField(max_length=10, choices=Via.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("data protection event")
        verbose_name_plural = _("data protection events")

    def __str__(self) -> str:
        return f"{self.kind} ({self.at:%Y-%m-%d})"
