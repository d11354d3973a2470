"""What the built-in Learning Record Store keeps, and what it owes other LRSs.

Statements are immutable rows (only the `voided` flag changes, as xAPI 1.0.3 Part Two 2.3.2
"Voided" says). The fields the Statement Resource can filter on are indexed columns next to
the full statement JSON, so every filtered GET is an index lookup (Part Three 2.1.3).
"""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Statement(models.Model):
    """One stored xAPI statement, with its filterable fields as indexed columns.

    `data` is the statement as stored (with `id`, `timestamp`, `stored`, `authority` and
    `version` filled in); `learner` is set when the actor is one of our learners.
    """

    statement_id = models.UUIDField(_("statement id"), unique=True)
    # No single-column indexes on these two: the indexes in Meta begin with them, and every
    # index is written on every insert.
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="xapi_statements",
        db_index=False,
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="xapi_statements",
        db_index=False,
    )
    actor_key = models.CharField(_("actor"), max_length=512)
    verb_iri = models.CharField(_("verb"), max_length=512)
    object_type = models.CharField(_("object type"), max_length=20, default="Activity")
    # The activity id when the object is an Activity, else "".
    object_iri = models.CharField(_("object activity"), max_length=512, blank=True)
    # The agent key when the object is an Agent or identified Group, else "".
    object_agent_key = models.CharField(_("object agent"), max_length=512, blank=True)
    # The target when the object is a StatementRef (voiding or otherwise).
    ref_statement_id = models.UUIDField(null=True, blank=True)
    registration = models.UUIDField(_("registration"), null=True, blank=True)
    timestamp = models.DateTimeField(_("timestamp"))
    stored = models.DateTimeField(_("stored"))
    voided = models.BooleanField(_("voided"), default=False)
    version = models.CharField(max_length=10, default="1.0.0")
    data = models.JSONField()

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["-stored", "-id"]
        indexes = [
            models.Index(fields=["school", "stored", "id"], name="xapi_st_school_stored"),
            models.Index(fields=["school", "verb_iri", "stored"], name="xapi_st_verb"),
            models.Index(fields=["school", "object_iri", "stored"], name="xapi_st_object"),
            models.Index(fields=["school", "actor_key", "stored"], name="xapi_st_actor"),
            # Partial: most statements are about an activity, with no object agent and no
            # statement reference, and need not be written into these two.
            models.Index(
                fields=["school", "object_agent_key", "stored"],
                name="xapi_st_object_agent",
                condition=~Q(object_agent_key=""),
            ),
            models.Index(fields=["school", "registration", "stored"], name="xapi_st_reg"),
            models.Index(
                fields=["ref_statement_id"],
                name="xapi_st_ref",
                condition=Q(ref_statement_id__isnull=False),
            ),
            models.Index(fields=["learner", "stored"], name="xapi_st_learner"),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


class StatementRelation(models.Model):
    """An activity or agent a statement mentions outside its actor and object (context
    activities, instructor, team, authority, sub-statement parts): what the
    `related_activities` and `related_agents` filters search (Part Three 2.1.3). A member of
    a Group that is the actor or object is also a `member`: the `agent` filter matches it
    even without `related_agents`."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("Activity")
        AGENT = "agent", _("Agent")
        MEMBER = "member", _("Member of the actor or object")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="relations")
    # Indexed by xapi_rel_key, which begins with it.
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, db_index=False
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=512)
    stored = models.DateTimeField()

    class Meta:
        verbose_name = _("statement relation")
        verbose_name_plural = _("statement relations")
        indexes = [models.Index(fields=["school", "kind", "key", "stored"], name="xapi_rel_key")]

    def __str__(self) -> str:
        return f"{self.statement_id} {self.kind} {self.key}"


class AttachmentContent(models.Model):
    """The bytes of an attachment sent with a statement, addressed by their SHA-2
    (Part Three 1.5.2 "Attachments"): the same file sent twice is kept once."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, null=True)
    sha2 = models.CharField(max_length=128)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.UniqueConstraint(fields=["school", "sha2"], name="xapi_attachment_unique")
        ]

    def __str__(self) -> str:
        return self.sha2


class Document(models.Model):
    """A document in the State, Activity Profile or Agent Profile resource
    (Part Three 2.3-2.6): opaque bytes keyed as that resource says, with an ETag."""

    class Kind(models.TextChoices):
        STATE = "state", _("State")
        ACTIVITY_PROFILE = "activity_profile", _("Activity profile")
        AGENT_PROFILE = "agent_profile", _("Agent profile")

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, null=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    activity_iri = models.CharField(max_length=512, blank=True)
    agent_key = models.CharField(max_length=512, blank=True)
    registration = models.CharField(max_length=36, blank=True)
    document_id = models.CharField(max_length=512)
    content = models.BinaryField()
    content_type = models.CharField(max_length=255)
    etag = models.CharField(max_length=64)
    updated = models.DateTimeField()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "school",
                    "kind",
                    "activity_iri",
                    "agent_key",
                    "registration",
                    "document_id",
                ],
                name="xapi_document_unique",
                nulls_distinct=False,
            )
        ]
        indexes = [
            models.Index(
                fields=["school", "kind", "activity_iri", "agent_key", "updated"],
                name="xapi_document_lookup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.document_id}"

    @staticmethod
    def etag_for(content: bytes) -> str:
        # Part Three 1.1 "Concurrency": ETags are the SHA-1 of the document, quoted on the wire.
        return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def _secret_hash(secret: str) -> str:
    # The secret is 32 random bytes, so a fast hash is as strong as a slow one here and
    # keeps every authenticated request cheap.
    return hashlib.sha256(secret.encode()).hexdigest()


class LrsClient(models.Model):
    """HTTP Basic credentials for one xAPI tool, issued by an admin, scoped to one school.

    Only a hash of the secret is stored; the admin sees the secret once, when it is issued.
    """

    name = models.CharField(_("name"), max_length=200)
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="lrs_clients",
    )
    key = models.CharField(_("key (username)"), max_length=64, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    can_read = models.BooleanField(_("may read statements and documents"), default=True)
    can_write = models.BooleanField(_("may write statements and documents"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("LRS client")
        verbose_name_plural = _("LRS clients")
        ordering = ["school", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        # Neither would refuse every request the client makes: it could not use the LRS.
        if not self.can_read and not self.can_write:
            raise ValidationError(
                {
                    "can_read": _(
                        "Tick reading, writing or both: a client that may do neither cannot "
                        "use the LRS."
                    )
                }
            )

    def issue_secret(self) -> str:
        """Give this client a new key and secret; return the secret (shown once)."""
        if not self.key:
            self.key = secrets.token_hex(12)
        secret = secrets.token_urlsafe(32)
        self.secret_hash = _secret_hash(secret)
        return secret

    def secret_matches(self, secret: str) -> bool:
        return secrets.compare_digest(self.secret_hash, _secret_hash(secret))

    def authority(self) -> dict:
        """The statement `authority` for what this client sends (Part Two 4.1.9)."""
        return {
            "objectType": "Agent",
            "name": self.name,
            "account": {"homePage": f"{settings.SITE_URL}/xapi/clients", "name": self.key},
        }


# The most statements a forwarding request takes. A batch is claimed and marked with one
# query parameter a statement, and SQLite refuses a query with more than 999 parameters in
# builds before 3.32 (Django's own `max_query_params`), 32766 since: a target set to more
# would fail every send once that many waited.
MAX_BATCH_SIZE = 500


class ForwardingTarget(models.Model):
    """Another LRS (a school's or trust's) that receives copies of our statements."""

    class Scope(models.TextChoices):
        ALL = "all", _("All statements")
        STAFF = "staff", _("Staff only")
        COURSE = "course", _("One course")

    class Version(models.TextChoices):
        V1 = "1.0.3", "1.0.3"
        V2 = "2.0.0", "2.0.0"

    name = models.CharField(_("name"), max_length=200)
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="forwarding_targets",
        help_text=_("Leave empty to forward every school's statements (a trust-wide LRS)."),
    )
    endpoint = models.URLField(
        _("endpoint"), help_text=_("The LRS's xAPI base URL, e.g. https://lrs.example.org/xAPI/")
    )
    username = models.CharField(_("username (key)"), max_length=255, blank=True)
    # Stored because we must send it: this is the other LRS's secret, not one of ours.
    password = models.CharField(_("password (secret)"), max_length=255, blank=True)
    version = models.CharField(
        _("xAPI version"), max_length=10, choices=Version.choices, default=Version.V1
    )
    scope = models.CharField(
        _("which statements"), max_length=10, choices=Scope.choices, default=Scope.ALL
    )
    course_iri = models.CharField(
        _("course activity id"),
        max_length=512,
        blank=True,
        help_text=_("For 'one course': the course's activity id (its xAPI IRI)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # At least one: a target that takes none from its queue would never be sent anything.
    # At most MAX_BATCH_SIZE: a batch is claimed with a query parameter a statement.
    batch_size = models.PositiveIntegerField(
        _("statements per request"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_BATCH_SIZE)],
    )
    # When the target was last changed.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Until when the target asked not to be sent anything (Retry-After): statements recorded
    # meanwhile wait behind those it refused for now, instead of each knocking again.
    wait_until = models.DateTimeField(_("asked to wait until"), null=True, blank=True)

    class Meta:
        verbose_name = _("forwarding target")
        verbose_name_plural = _("forwarding targets")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if endpoint_unencrypted(self.endpoint):
            raise ValidationError({"endpoint": UNENCRYPTED_ENDPOINT})
        # "One course" forwards the statements that mention its activity id: with none, no
        # statement ever matches and the target is silently sent nothing.
        self.course_iri = self.course_iri.strip()
        if self.scope == self.Scope.COURSE and not self.course_iri:
            raise ValidationError(
                {"course_iri": _("Give the course's activity id: “one course” needs it.")}
            )


LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
UNENCRYPTED_ENDPOINT = _(
    "Use an https:// address: statements about pupils and this target's password must not "
    "cross the internet unencrypted (http:// is taken only for an LRS on this machine)."
)


def endpoint_unencrypted(url: str) -> bool:
    """Would statements and the Basic-auth password go to `url` in the clear over a
    network? http:// is kept for an LRS on this very machine (localhost), where nothing
    crosses a network: a Ralph run beside the site, and the tests' own LRS."""
    from urllib.parse import urlsplit

    parts = urlsplit(url or "")
    return parts.scheme.lower() == "http" and (parts.hostname or "") not in LOOPBACK_HOSTS


class OutboxEntry(models.Model):
    """One statement still owed to (or already sent to) one forwarding target.

    Written in the same transaction as the statement, so nothing recorded is ever missed;
    sent in batches by `forwarding.outbox_send`, retried with exponential back-off.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (needs replay)")

    target = models.ForeignKey(ForwardingTarget, on_delete=models.CASCADE, related_name="outbox")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="outbox")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # The tries in a row the target answered with a 5xx (without Retry-After) or did not
    # answer within its timeout: what sets a statement the target cannot take aside
    # (`forwarding.STUCK_AFTER`). Any other outcome starts the count again, so failures of
    # another kind (a bad password, the target being unreachable) never make a blip of 5xx
    # look like a statement the target cannot take.
    server_errors = models.PositiveIntegerField(default=0)
    # Whether a try may have reached the target and been stored: one it took, or whose answer
    # was lost, a 5xx (a gateway's, say) or none at all. A 4xx answer is a refusal that
    # stored nothing. A 409 to a later try is then the target holding it (`_already_there`);
    # if every try was refused, it is another statement with its id there. A database default
    # too: on PostgreSQL `record()` writes entries in SQL of its own.
    may_have_arrived = models.BooleanField(default=False, db_default=False)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    # When `last_error` was written: the status page shows a target's newest error by it. The
    # next attempt time cannot say, being minutes ahead for an entry set aside mid-send and
    # up to an hour ahead for one backing off.
    last_error_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outbox entry")
        verbose_name_plural = _("outbox entries")
        constraints = [
            models.UniqueConstraint(fields=["target", "statement"], name="xapi_outbox_unique")
        ]
        indexes = [
            models.Index(fields=["target", "status", "next_attempt_at"], name="xapi_outbox_due")
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} -> {self.target_id} ({self.status})"
