"""Who is calling the LRS (xAPI 1.0.3 Part Three 4 "Authentication").

Either an xAPI tool with HTTP Basic credentials an admin issued (an `LrsClient`, scoped to
one school, allowed to read and/or write), or a signed-in learner's browser session, in
which case the learner may only write statements about themselves (the server sets the
actor), never about Upstander's own activities (`session_statements_check`), and only read
their own statements and documents.
"""

import base64
import binascii
import uuid
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware

from ..identity import actor_for, actor_key, is_own_activity
from ..models import LrsClient, Statement
from .http import LrsError, LrsRequest

REALM = 'Basic realm="Upstander LRS"'


@dataclass
class Principal:
    """The caller: their school, what they may do, and (for sessions) who they are.

    `school_id` is all that writing statements needs; `school` is loaded only when a
    request uses it, so a statement POST does not read the school row."""

    school_id: int | None
    can_read: bool
    can_write: bool
    authority: dict
    user: object = None
    client: LrsClient | None = None

    @cached_property
    def school(self):
        if self.client is not None:
            return self.client.school
        return self.user.school if self.user is not None else None

    @property
    def learner_actor(self) -> dict | None:
        return actor_for(self.user) if self.user is not None else None

    @property
    def learner_key(self) -> str | None:
        actor = self.learner_actor
        return actor_key(actor) if actor else None

    def need(self, *, write: bool) -> None:
        if write and not self.can_write:
            raise LrsError(403, "these credentials may not write")
        if not write and not self.can_read:
            raise LrsError(403, "these credentials may not read")


def _basic(header: str) -> tuple[str, str] | None:
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if "\x00" in decoded:
        # No key or secret has one, and PostgreSQL cannot look a NUL up (it stores none in
        # text): such credentials are malformed, not a server error.
        return None
    key, sep, secret = decoded.partition(":")
    return (key, secret) if sep else None


def _csrf_ok(request) -> bool:
    # Browser content posts with the learner's cookie, so writes need Django's CSRF token
    # (the X-CSRFToken header), as any other form on the site does.
    check = CsrfViewMiddleware(lambda req: None)
    return check.process_view(request, None, (), {}) is None


def authenticate(lrs: LrsRequest, *, write: bool) -> Principal:
    """The caller of this request, or a 401 asking for Basic credentials."""
    header = lrs.header("authorization") or ""
    if header:
        credentials = _basic(header)
        if credentials is None:
            raise LrsError(
                401, "malformed Authorization header", headers={"WWW-Authenticate": REALM}
            )
        key, secret = credentials
        client = LrsClient.objects.filter(key=key, is_active=True).first()
        if client is None or not client.secret_matches(secret):
            raise LrsError(401, "unknown key or wrong secret", headers={"WWW-Authenticate": REALM})
        principal = Principal(
            school_id=client.school_id,
            can_read=client.can_read,
            can_write=client.can_write,
            authority=client.authority(),
            client=client,
        )
        principal.need(write=write)
        return principal
    request = lrs.django
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if write and request.method not in ("GET", "HEAD", "OPTIONS") and not _csrf_ok(request):
            raise LrsError(403, "missing or wrong CSRF token (send the X-CSRFToken header)")
        return Principal(
            school_id=user.school_id,
            can_read=True,
            can_write=True,
            user=user,
            authority={
                "objectType": "Agent",
                "name": "Upstander",
                "account": {"homePage": settings.SITE_URL, "name": "upstander"},
            },
        )
    raise LrsError(401, "authentication required", headers={"WWW-Authenticate": REALM})


def _about_own_activity(statement) -> bool:
    """Does this statement make or touch a record of one of Upstander's own activities (its
    object, parent or grouping; see `records.projection.touched_activity_iris`)?"""
    from records.projection import touched_activity_iris

    try:
        return any(is_own_activity(iri) for iri in touched_activity_iris(statement))
    except (AttributeError, TypeError):
        return False  # not a statement at all: record() refuses it, saying why


def session_statements_check(batch: list, principal: Principal) -> None:
    """What a signed-in learner's browser may send. Records are derived from statements, so
    a learner who could state that they completed a course would certify themselves: the
    statements about Upstander's own courses, modules and activities are Upstander's to
    record (the scenario player, the quiz, the H5P relay...), and a browser may not send
    them, nor void any statement but one of its own learner's about other content."""
    from records.projection import voided_statement_id

    if any(isinstance(s, dict) and _about_own_activity(s) for s in batch):
        raise LrsError(
            403,
            "statements about Upstander's own courses, modules and activities are recorded "
            "by Upstander itself",
        )
    voided = []
    for statement in batch:
        try:
            voided.append(uuid.UUID(str(voided_statement_id(statement))))
        except (AttributeError, TypeError, ValueError):
            continue  # not voiding, or not well formed: record() says what is wrong
    if not voided:
        return
    stored = Statement.objects.filter(school_id=principal.school_id, statement_id__in=voided)
    for learner_id, data in stored.values_list("learner_id", "data"):
        if learner_id != principal.user.pk or _about_own_activity(data):
            raise LrsError(
                403,
                "a browser may void only its learner's own statements about other content",
            )
