"""Forwarding statements to other LRSs through the outbox, with retry and back-off.

`record()` writes an OutboxEntry per statement and matching target in its transaction and
calls `outbox_schedule` on commit. `outbox_send` (a django-tasks task, run by
`manage.py db_worker`) claims a batch of due entries, POSTs them as one JSON array to the
target's Statement Resource (xAPI 1.0.3 Part Three 2.1.2 "POST Statements"), and marks them
sent, or schedules the next attempt with exponential back-off (or later, when the target
asks with `Retry-After`). Statements keep their ids, so a batch sent twice (say, the
response was lost) is accepted once by the other LRS.

Entries go in the order they were written, and none overtakes an older one still waiting
for its retry, so a voiding statement never arrives before the statement it voids. When
the target refuses a batch (a 4xx that is about the statements, not about access or load),
its statements are sent one at a time: those refused are set aside as failed, with the
target's reason, for an admin to see and replay, and the others arrive.
"""

import base64
import contextlib
import hashlib
import html
import http.client
import json
import logging
import re
import socket
import ssl
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Min, OuterRef, Q, Subquery
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.html import strip_tags
from django_tasks import default_task_backend, task

from .identity import account_actor, actor_key
from .lrs.formats import statement_versioned as _versioned
from .lrs.multipart import multipart_response
from .lrs.signatures import without_signature
from .models import (
    MAX_BATCH_SIZE,
    UNENCRYPTED_ENDPOINT,
    ForwardingTarget,
    OutboxEntry,
    endpoint_unencrypted,
)
from .statements.profile import EXTENSIONS, ext, profile_iri

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 10
BACKOFF_MAX_SECONDS = 3600
# How long a claimed batch is ours before another worker may take it (a crashed worker).
LEASE = timedelta(minutes=5)
TIMEOUT_SECONDS = 30
# The 4xx answers about access, the address or load, which retrying can get past; any other
# 4xx refuses the statements themselves (400, 409 a different statement with the same id,
# 413, 422...), which retrying cannot fix.
RETRIED_4XX = {401, 403, 404, 407, 408, 425, 429}
# After this many tries in a row answered with a 5xx (and no Retry-After), or not answered
# in time, a batch is sent one statement at a time: a statement the target fails on every
# time, while it takes the others, is then set aside like a refused one instead of holding
# up all that follows.
STUCK_AFTER = 3
# The longest wait a target's Retry-After is followed for.
RETRY_AFTER_MAX = timedelta(days=1)


def backoff(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s, ... capped at an hour."""
    return timedelta(seconds=min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempts - 1)))


def outbox_schedule(*, target_id: int, run_after=None) -> None:
    """Ask a task worker to send this target's entries: now, everything waiting (statements
    were just recorded, or an admin replays), or at `run_after`, what is due then (a retry)."""
    if run_after is None:
        outbox_send.enqueue(target_id=target_id, fresh=True)
        return
    if not default_task_backend.supports_defer:
        return  # e.g. the immediate backend in tests: the next record() or replay sends.
    outbox_send.using(run_after=run_after).enqueue(target_id=target_id)


def _claim(target: ForwardingTarget, *, fresh: bool) -> list[OutboxEntry]:
    """Take the oldest entries that may go now, up to a batch, stopping before any entry
    that may not (being sent by another worker; or, unless `fresh`, waiting for its retry):
    nothing overtakes it. `fresh` is a send for statements just recorded: they go at once,
    and the entries waiting for a retry go first, as one more try (so after an outage what
    is recorded flows again as soon as the target answers), unless the target has failed
    STUCK_AFTER tries in a row: then the back-off holds."""
    now = timezone.now()
    if fresh and target.wait_until is not None and target.wait_until > now:
        # The target asked for time (Retry-After): what was just recorded waits with the rest.
        fresh = False
    if fresh:
        failing = (
            OutboxEntry.objects.filter(
                target=target, status=OutboxEntry.Status.PENDING, next_attempt_at__gt=now
            )
            .order_by("id")
            .values_list("attempts", flat=True)
            .first()
        )
        if failing is not None and failing >= STUCK_AFTER:
            # The target has failed try after try: not a blip but an outage. What was just
            # recorded waits for the next retry, spaced by the back-off, instead of every
            # statement a class records knocking (and waiting for its timeout) at once.
            fresh = False
    pending, sending = OutboxEntry.Status.PENDING, OutboxEntry.Status.SENDING
    in_flight = Q(status=sending, next_attempt_at__gt=now)
    may_go = Q(status=sending, next_attempt_at__lte=now)
    if fresh:
        may_go |= Q(status=pending)
        may_not = in_flight
    else:
        may_go |= Q(status=pending, next_attempt_at__lte=now)
        may_not = in_flight | Q(status=pending, next_attempt_at__gt=now)
    with transaction.atomic():
        # One claim of a target's entries at a time: a claim that met the rows another was
        # claiming (locked, not yet committed as being sent) would skip them and take the
        # next batch, overtaking it. After waiting here, it sees them being sent, and stops.
        list(ForwardingTarget.objects.select_for_update().filter(pk=target.pk).values_list("pk"))
        due = OutboxEntry.objects.filter(may_go, target=target)
        held = (
            OutboxEntry.objects.filter(may_not, target=target)
            .order_by("id")
            .values_list("id", "status", "next_attempt_at")
            .first()
        )
        if held is not None:
            due = due.filter(id__lt=held[0])
        due = due.order_by("id").select_for_update(skip_locked=True)
        # A target saved before MAX_BATCH_SIZE was the most still gets batches it can take.
        ids = list(due.values_list("id", flat=True)[: min(target.batch_size, MAX_BATCH_SIZE)])
        if not ids:
            if held is not None and held[1] == sending:
                # Another worker is sending; what waits behind it goes when its lease ends,
                # if that worker has not taken it along by then.
                transaction.on_commit(
                    lambda: outbox_schedule(target_id=target.pk, run_after=held[2])
                )
            return []
        OutboxEntry.objects.filter(id__in=ids).update(
            status=OutboxEntry.Status.SENDING, next_attempt_at=now + LEASE
        )
    return list(OutboxEntry.objects.filter(id__in=ids).select_related("statement").order_by("id"))


def _agents_mapped(statement: dict, mapping) -> dict:
    """`statement` with `mapping` applied to every Agent it names: its actor and object, its
    context's instructor, team, contextAgents and contextGroups, the members of its Groups,
    and the same inside a SubStatement object."""

    def agent(value):
        if not isinstance(value, dict):
            return value
        if value.get("objectType") != "Group":
            return mapping(value)
        if isinstance(value.get("member"), list):
            return {**value, "member": [agent(member) for member in value["member"]]}
        return value

    def context(ctx):
        if not isinstance(ctx, dict):
            return ctx
        ctx = {key: agent(ctx[key]) if key in ("instructor", "team") else ctx[key] for key in ctx}
        for key, inner in (("contextAgents", "agent"), ("contextGroups", "group")):
            if isinstance(ctx.get(key), list):
                ctx[key] = [
                    {**item, inner: agent(item[inner])}
                    if isinstance(item, dict) and inner in item
                    else item
                    for item in ctx[key]
                ]
        return ctx

    def mapped(data):
        data = {**data, "actor": agent(data.get("actor"))}
        obj = data.get("object")
        if isinstance(obj, dict) and obj.get("objectType") in ("Agent", "Group"):
            data["object"] = agent(obj)
        elif isinstance(obj, dict) and obj.get("objectType") == "SubStatement":
            data["object"] = mapped(obj)
        if "context" in data:
            data["context"] = context(data["context"])
        return data

    return mapped(statement)


def _pupil_key(agent) -> str | None:
    """The actor key of `agent` as a pupil's is looked up: an account of this site whose
    name is a UUID written another way (in capitals, without hyphens), or whose homePage
    is the site's address with a closing slash (the same IRI: RFC 3986 6.2.3), is the same
    learner's, so it is keyed as `account_actor` writes it, or a tool that writes it so
    would have the pupil's name it sends beside it forwarded."""
    key = actor_key(agent)
    prefix = f"account:{settings.SITE_URL}|"
    if key and key.startswith(f"account:{settings.SITE_URL}/|"):
        key = prefix + key[len(prefix) + 1 :]
    if key and key.startswith(prefix):
        try:
            return f"{prefix}{uuid.UUID(key[len(prefix) :])}"
        except ValueError:
            return key
    return key


def _agent_keys(statement: dict) -> set[str]:
    """The actor keys of every Agent `statement` names (see `_agents_mapped`), as
    `_pupil_key` writes them."""
    keys = set()

    def note(agent):
        keys.add(_pupil_key(agent))
        return agent

    _agents_mapped(statement, note)
    return keys - {None}


def _pupils_by_hashed_email(keys: set[str], school_id) -> dict[str, int]:
    """The school's pupils named by the SHA1 of their mailto IRI (`mbox_sha1sum`, xAPI
    1.0.3 Part Two 4.1.2.3), by actor key. The hash is their email by another name (anyone
    with a class list can work it out), so it must not leave the school any more than the
    email does. Read only when a statement uses one."""
    hashed = {key for key in keys if key.startswith("mbox_sha1sum:")}
    if not hashed or school_id is None:
        return {}
    from schools.models import User
    from schools.roles import AUTH_GROUP_NAMES, Role

    pupils = (
        User.objects.filter(school_id=school_id, groups__name=AUTH_GROUP_NAMES[Role.PUPIL])
        .exclude(email="")
        .values_list("pk", "email")
    )
    found = {}
    for pk, email in pupils:
        # Tools hash the address as they would write it: as stored, or in lower case.
        for written in {email, email.lower()}:
            digest = hashlib.sha1(f"mailto:{written}".encode(), usedforsecurity=False)
            key = f"mbox_sha1sum:{digest.hexdigest()}"
            if key in hashed:
                found[key] = pk
    return found


def _pupils_by_account_name(
    keys: set[str], school_id, *, field: str, names_it: Callable[[str], bool]
) -> dict[str, int]:
    """The school's pupils named by an account whose name is their `field` (compared
    without regard to case), by actor key, whatever the account's homePage (the MIS's, the
    tool's own or a sign-in service's, which we cannot know). Only account names for which
    `names_it` holds are looked up; no query when there are none."""
    names: dict[str, set[str]] = {}
    for key in keys:
        if key.startswith("account:"):
            _home, _bar, name = key[len("account:") :].partition("|")
            if names_it(name):
                names.setdefault(name.lower(), set()).add(key)
    if not names or school_id is None:
        return {}
    from django.db.models.functions import Lower

    from schools.models import User
    from schools.roles import AUTH_GROUP_NAMES, Role

    pupils = (
        User.objects.annotate(field_lower=Lower(field))
        .filter(
            school_id=school_id,
            groups__name=AUTH_GROUP_NAMES[Role.PUPIL],
            field_lower__in=list(names),
        )
        .values_list("pk", "field_lower")
    )
    return {key: pk for pk, value in pupils for key in names.get(value, ())}


def _is_uuid(name: str) -> bool:
    try:
        uuid.UUID(name)
    except ValueError:
        return False
    return True


def _pupils_by_mis_account(keys: set[str], school_id) -> dict[str, int]:
    """The school's pupils named by an account of a school's tool whose name is the MIS id
    the school gave them (an admission number). Such an account usually comes with the
    pupil's `name`, and the MIS id is itself something that identifies the child outside
    the school: neither may leave (DESIGN.md). The id is theirs however it is written
    whenever the roster import would find them by it (`mis_id_key`: its capitals, width or
    leading zeros, which a tool keeping admission numbers as numbers drops)."""
    from schools.roster import mis_id_key

    own = f"account:{settings.SITE_URL}|"
    names: dict[str, set[str]] = {}
    for key in keys:
        if key.startswith("account:"):
            _home, _bar, name = key[len("account:") :].partition("|")
            # A tool may write an MIS id under this site's homePage too; but the opaque ids
            # of every learner's own statements are not looked up (the school's ids are
            # read whenever any is).
            if name and not (key.startswith(own) and _is_uuid(name)):
                names.setdefault(mis_id_key(name), set()).add(key)
    if not names or school_id is None:
        return {}
    from schools.models import User
    from schools.roles import AUTH_GROUP_NAMES, Role
    from schools.selectors import mis_id_holders

    holders = mis_id_holders(school_id=school_id, keys=set(names))
    pupils = set(
        User.objects.filter(
            pk__in=[pk for held in holders.values() for _mis_id, pk in held],
            groups__name=AUTH_GROUP_NAMES[Role.PUPIL],
        ).values_list("pk", flat=True)
    )
    return {
        key: pk
        for mis_key, held in holders.items()
        for _mis_id, pk in held
        if pk in pupils
        for key in names[mis_key]
    }


def _pupils_by_account_email(keys: set[str], school_id) -> dict[str, int]:
    """The school's pupils named by an account whose name is their email address: a tool
    that signs pupils in with the school's Microsoft or Google accounts names them by their
    sign-in address (their UPN), under the sign-in service's homePage. It is their email by
    another property, which must not leave the school any more than `mbox` does (DESIGN.md:
    "never a name, email or UPN")."""
    return _pupils_by_account_name(
        keys, school_id, field="email", names_it=lambda name: "@" in name
    )


# xAPI 1.0.3 Part Two 4.1.4.1 "Interaction Activities": the responses of these interaction
# types are made of ids the activity defines (its choices, scale, source and target items),
# never of words a learner typed.
OPTION_RESPONSES = frozenset({"choice", "true-false", "sequencing", "matching", "likert"})


def _without_typed_text(statement: dict) -> dict:
    """`statement` without what a pupil may have typed: its `result.response`, unless the
    response is option ids (an interaction in OPTION_RESPONSES, or a statement the site
    built, whose responses are scenario choice ids), and the result and context extensions
    that could hold text, that is all but the profile's own and those whose value is a
    number or true/false, and its attachments (Part Two 2.4.11). "Pupils' free-text
    reflections ... never leave the school's records" (DESIGN.md): H5P content puts typed
    words in `response` (a fill-in's gaps, an essay), content or a school's tool may put
    them in an extension, and a tool may attach the pupil's work as a file (an essay, a
    certificate with their name on it), whose content nothing here can tell apart."""
    from .identity import is_own_activity
    from .services import default_authority

    ours = {ext(name) for name in EXTENSIONS}
    profile = profile_iri()

    def extensions_kept(extensions):
        return {
            key: value
            for key, value in extensions.items()
            if key in ours or isinstance(value, int | float)
        }

    # The site vouches for what it records, and for what a signed-in browser sends, but a
    # browser may send nothing about the site's own activities (`session_statements_check`):
    # a statement is the site's own only if both hold. A tool's credentials vouch for what
    # it sends, whatever categories it lists.
    by_site = statement.get("authority") == default_authority()

    def built_here(data):
        obj = data.get("object") if isinstance(data.get("object"), dict) else {}
        if not (by_site and is_own_activity(obj.get("id"))):
            return False
        context = data.get("context") if isinstance(data.get("context"), dict) else {}
        activities = context.get("contextActivities")
        categories = activities.get("category") if isinstance(activities, dict) else None
        return isinstance(categories, list) and any(
            isinstance(c, dict) and c.get("id") == profile for c in categories
        )

    def cleaned(data):
        data = dict(data)
        obj = data.get("object") if isinstance(data.get("object"), dict) else {}
        definition = obj.get("definition") if isinstance(obj.get("definition"), dict) else {}
        result = data.get("result")
        if isinstance(result, dict):
            result = dict(result)
            if "response" in result and not (
                definition.get("interactionType") in OPTION_RESPONSES or built_here(data)
            ):
                del result["response"]
            data["result"] = result
        for part in ("result", "context"):
            section = data.get(part)
            if isinstance(section, dict) and isinstance(section.get("extensions"), dict):
                kept = extensions_kept(section["extensions"])
                data[part] = {k: v for k, v in section.items() if k != "extensions"}
                if kept:
                    data[part]["extensions"] = kept
        data.pop("attachments", None)
        if obj.get("objectType") == "SubStatement":
            data["object"] = cleaned(obj)
        return data

    return cleaned(statement)


def _outgoing(entries: list[OutboxEntry], *, version: str) -> list[dict]:
    """What the target gets: each statement as it may leave the school's records
    (`statements_pupils_opaque`), carrying a version the target's xAPI `version` accepts."""
    # Versioned last: a pupil named only where the target's version has no place (a 2.0.0
    # contextAgent, for a 1.0.3 target) was still named, so their words stay here.
    return [
        _versioned(data, version)
        for data in statements_pupils_opaque([entry.statement for entry in entries])
    ]


def statements_pupils_opaque(statements: list) -> list[dict]:
    """These stored statements' data as each may be shown to anyone but the pupils they
    name: as stored, except that a pupil is named only by their opaque account (DESIGN.md),
    whatever a school's tool called them and wherever the statement names them (as its
    actor, its object, in its context or in a group), and that what a pupil typed stays in
    the school's records (`_without_typed_text`). What forwarding sends, and what another
    person's subject access export holds of them."""
    from schools.models import User
    from schools.roles import AUTH_GROUP_NAMES, Role

    from .services import _learners_by_key

    keys_by_school: dict = {}
    for statement in statements:
        keys_by_school.setdefault(statement.school_id, set()).update(_agent_keys(statement.data))
    pks_by_school = {
        school_id: {
            **_learners_by_key(keys, school_id),
            **_pupils_by_hashed_email(keys, school_id),
            **_pupils_by_mis_account(keys, school_id),
            **_pupils_by_account_email(keys, school_id),
        }
        for school_id, keys in keys_by_school.items()
    }
    pks = {pk for found in pks_by_school.values() for pk in found.values()}
    # Who each statement's actor is was settled when it was recorded: a pupil who has moved
    # to another school since is no longer found among the statement school's people.
    pks.update(statement.learner_id for statement in statements if statement.learner_id)
    pupils = {}
    if pks:
        pupil_group = AUTH_GROUP_NAMES[Role.PUPIL]
        pupils = User.objects.filter(pk__in=pks, groups__name=pupil_group).in_bulk()

    def pupils_renamed(statement):
        data = statement.data
        if not pupils:
            return data
        found = pks_by_school[statement.school_id]
        if statement.learner_id:
            found = {**found, _pupil_key(data.get("actor") or {}): statement.learner_id}
        named_pupils = []

        def mapping(agent):
            pupil = pupils.get(found.get(_pupil_key(agent)))
            if pupil is None:
                return agent
            named_pupils.append(pupil)
            return account_actor(pupil)

        renamed = _agents_mapped(data, mapping)
        if named_pupils:
            renamed = _without_typed_text(renamed)
        return data if renamed == data else without_signature(renamed)

    return [pupils_renamed(statement) for statement in statements]


def _files(entries: list[OutboxEntry], statements: list[dict]) -> list[tuple[str, str, bytes]]:
    """The stored files of the attachments these statements carry without a fileUrl, as
    (content type, SHA-2, bytes): Part Three 1.5.2 sends them as parts of the request."""
    from .models import AttachmentContent

    wanted: dict = {}
    for entry, statement in zip(entries, statements, strict=True):
        items = list(statement.get("attachments") or [])
        obj = statement.get("object") or {}
        if obj.get("objectType") == "SubStatement":
            items += obj.get("attachments") or []
        for item in items:
            if isinstance(item, dict) and not item.get("fileUrl") and item.get("sha2"):
                wanted.setdefault(entry.statement.school_id, set()).add(item["sha2"].lower())
    files = {}
    for school_id, hashes in wanted.items():
        for found in AttachmentContent.objects.filter(school_id=school_id, sha2__in=hashes):
            files[found.sha2] = (found.content_type, found.sha2, bytes(found.content))
    return list(files.values())


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Answer a redirect with its HTTPError instead of following it. urllib follows a 301,
    302 or 303 to a POST with a GET, carrying the Authorization header to wherever it
    points: the GET reads statements back and succeeds, and the batch would count as sent
    though nothing was stored. An endpoint that moved is for the admin to correct."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class _AnswerTooSlow(TimeoutError):
    """The target took longer than `_answer_within()` to answer in full."""


def _answer_within() -> float:
    """The most seconds one request to a target may take, its answer included. TIMEOUT_SECONDS
    bounds each wait for the next bytes, not the whole: a target (or a proxy before it)
    that sends its answer a little at a time could hold a batch past its LEASE, and another
    worker would send it again, out of order. A send may make two requests (`_post`), each
    within a third of the lease."""
    return LEASE.total_seconds() / 3


class _Deadline:
    """The sockets of one request, shut at its deadline if it is still going: a read or
    write waiting on them then ends at once. Kept from when each connects: urllib lets go
    of the connection's socket once the answer's headers are read, before its body."""

    def __init__(self):
        self.sockets = []
        self.passed = False

    def connection_class(self, http_class):
        def make(*args, **kwargs):
            connection = http_class(*args, **kwargs)
            connect = connection.connect

            def connected():
                connect()
                self.sockets.append(connection.sock)
                if self.passed:
                    self.reached()

            connection.connect = connected
            return connection

        return make

    def reached(self):
        self.passed = True
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _connection_class(request, http_class):
    deadline = getattr(request, "deadline", None)
    return deadline.connection_class(http_class) if deadline else http_class


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_connection_class(req, http.client.HTTPConnection), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(
            _connection_class(req, http.client.HTTPSConnection), req, context=self._context
        )


_opener = urllib.request.build_opener(_NoRedirects, _HTTPHandler, _HTTPSHandler)


def _post(target: ForwardingTarget, statements: list[dict], files=()) -> None:
    """POST a batch, with the files of its attachments (multipart/mixed) if it has any;
    raise urllib errors on failure."""
    answer_with_files = ""
    if files:
        body, content_type = multipart_response(statements, files)
        try:
            _send(target, body, content_type)
            return
        except urllib.error.HTTPError as exc:
            if not refused(exc):
                raise
            answer_with_files = _error_text(exc)
            if exc.code == 413:
                # Too large, which says nothing about reading only JSON: sent without their
                # files and taken, the files would be lost. A batch goes one at a time
                # instead (`_one_by_one`), each statement with its own files; a statement
                # too large alone is set aside with the 413, for an admin to see.
                raise
        # Refused: an LRS that reads only JSON requests (Ralph 5) takes the statements as
        # JSON, without their files; one that refuses the statements refuses them again.
    try:
        _send(target, json.dumps(statements).encode(), "application/json")
    except urllib.error.HTTPError as exc:
        # An LRS that reads multipart refuses the JSON for its missing files: its answer
        # to the statements with their files is the one that says what is wrong.
        exc.answer_with_files = answer_with_files
        raise


def _send(target: ForwardingTarget, body: bytes, content_type: str) -> None:
    if endpoint_unencrypted(target.endpoint):
        # Saved before such endpoints were refused: it waits, visibly, for an admin to
        # give it an https:// address, rather than send the password in the clear.
        raise ValueError(str(UNENCRYPTED_ENDPOINT))
    url = target.endpoint.rstrip("/") + "/statements"
    headers = {
        "Content-Type": content_type,
        "X-Experience-API-Version": target.version,
    }
    if target.username or target.password:
        token = base64.b64encode(f"{target.username}:{target.password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    request.deadline = deadline = _Deadline()
    timer = threading.Timer(_answer_within(), deadline.reached)
    timer.daemon = True
    timer.start()
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status, reply = response.status, response.read()
    except urllib.error.HTTPError as exc:
        # Its words for the admin are read now, within the deadline too.
        try:
            exc.answer = exc.read(ERROR_PAGE_READ)
        except Exception:  # the answer is only for the admin's eyes
            exc.answer = b""
        raise
    except Exception as exc:
        if deadline.passed:
            raise _AnswerTooSlow() from exc
        raise
    finally:
        timer.cancel()
    if status != 204 and not _statement_ids(reply):
        # xAPI 1.0.3 Part Three 2.1.2: an LRS answers POST Statements with the array of the
        # statements' ids. Anything else (a sign-in page in front of the LRS, an endpoint
        # set to a web site) stored nothing: the statements wait, and the admin sees why.
        raise ValueError(
            f"HTTP {status} without the statement ids an LRS answers: check the endpoint"
        )


def _statement_ids(reply: bytes) -> bool:
    """Is `reply` a JSON array of strings (the ids an LRS answers POST Statements with)?"""
    try:
        ids = json.loads(reply)
    except ValueError:
        return False
    return isinstance(ids, list) and all(isinstance(i, str) for i in ids)


def refused(exc: Exception) -> bool:
    """Did the target refuse the statements themselves (so retrying cannot help)?"""
    return (
        isinstance(exc, urllib.error.HTTPError)
        and 400 <= exc.code < 500
        and exc.code not in RETRIED_4XX
    )


def _server_error(exc: Exception) -> bool:
    """Did the target fail with a 5xx without asking for time, or take the request and
    not answer it within TIMEOUT_SECONDS? A statement the target hangs on every time holds
    up the queue as one it answers 500 for does. (A timeout while connecting, which urllib
    wraps in a URLError, is the target being unreachable: it says nothing about the
    statements.)"""
    if isinstance(exc, TimeoutError):
        return True
    return (
        isinstance(exc, urllib.error.HTTPError)
        and exc.code >= 500
        and retry_after(exc, timezone.now()) is None
    )


def _stuck(exc: Exception, entry: OutboxEntry) -> bool:
    """Has the target failed on this entry with a 5xx (not asking for time) or a timeout
    (see `_server_error`) often enough in a row that it may be the statement, not the
    target, that is the trouble? Tries that failed otherwise do not count: they say nothing
    about the statement."""
    return _server_error(exc) and entry.server_errors + 1 >= STUCK_AFTER


def _already_there(exc: Exception, entry: OutboxEntry) -> bool:
    """Did the target answer 409 for this statement, sent alone, after an earlier try of it
    that may have reached the target (taken, its answer lost, a 5xx or no answer)? xAPI 1.0.3
    Part Three 2.1.2: an LRS given a statement whose id it already has does not change it,
    "whether it responds with 409 Conflict or" a success, and some LRSs (ADL's reference LRS)
    answer 409 even for the very same statement: it has it, and no replay can do more. A 409
    to a first try, or after tries the target all refused (a 4xx stores nothing), is another
    statement with this id there, and stays a refusal for an admin to see."""
    return isinstance(exc, urllib.error.HTTPError) and exc.code == 409 and entry.may_have_arrived


def _may_have_arrived(exc: Exception) -> bool:
    """Could a try that failed with `exc` have been stored by the target? Not when it
    answered with a 4xx (RFC 9110 15.5: the request was refused), nor when no connection
    was made; any other failure (a 5xx, a lost or late answer) may come after the LRS
    stored it."""
    if isinstance(exc, urllib.error.HTTPError):
        return not 400 <= exc.code < 500
    return _unreached_text(exc) is None or isinstance(_reason(exc), TimeoutError)


def retry_after(exc: Exception, now: datetime) -> datetime | None:
    """When the target asked to be tried again (`Retry-After`: seconds or an HTTP date),
    at most RETRY_AFTER_MAX away; None when it did not say."""
    headers = getattr(exc, "headers", None)
    value = (headers.get("Retry-After") or "").strip() if headers else ""
    if value.isascii() and value.isdigit():
        # Capped before adding: a huge number of seconds is more than a timedelta holds.
        when = now + min(timedelta(seconds=min(int(value), 10**9)), RETRY_AFTER_MAX)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
    return min(when, now + RETRY_AFTER_MAX)


# What a refusal of the target's credentials (RFC 9110 15.5.2 and 15.5.4) means for the
# admin, who may see only the status: many LRSs answer with no more.
CREDENTIALS_REFUSED = {
    401: (
        "the other LRS did not accept the username and password saved for this target. "
        "Correct them on the target's edit page; the statements wait and are sent then."
    ),
    403: (
        "the other LRS does not let the username and password saved for this target send "
        "statements. Give that key permission to write statements on the other LRS, or "
        "save another on the target's edit page; the statements wait and are sent then."
    ),
}


# How much of a failure's answer is read for the admin: an error page's words can follow
# kilobytes of styles and scripts.
ERROR_PAGE_READ = 64 * 1024
_HIDDEN_PARTS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def _page_words(exc: urllib.error.HTTPError, body: str) -> str:
    """`body`, the target's answer, as the admin reads it: an HTML page (a proxy's or a web
    server's error page in front of the LRS) by its words, without its markup, styles and
    scripts, which would fill the space shown and cut the words off; any other as it came."""
    content_type = (exc.headers.get("Content-Type") or "") if exc.headers else ""
    if "html" not in content_type.lower() and not body.lstrip().startswith("<"):
        return body
    words = html.unescape(strip_tags(_HIDDEN_PARTS.sub(" ", body)))
    return " ".join(words.split())


def _reason(exc: Exception) -> Exception:
    """The failure under urllib's URLError wrapping, or `exc` itself."""
    return exc.reason if isinstance(exc, urllib.error.URLError) else exc


def _unreached_text(exc: Exception) -> str | None:
    """What the admin is told when the target could not be reached, or did not answer in
    time: what went wrong and what to put right, in words. None for another failure."""
    reason = _reason(exc)
    waits = "the statements wait and are sent then."
    if isinstance(reason, ssl.SSLCertVerificationError):
        why = getattr(reason, "verify_message", "") or str(reason)
        return (
            f"Could not connect securely: the other LRS's certificate was not accepted ({why}). "
            "It needs a certificate from a recognised authority, valid for the endpoint's "
            f"host name; {waits}"
        )
    if isinstance(reason, ssl.SSLError):
        return (
            "Could not connect securely: the secure (TLS) connection to the other LRS failed "
            f"({reason.strerror or reason}). Check that the endpoint's address and port are "
            f"its https:// ones; {waits}"
        )
    if isinstance(reason, socket.gaierror):
        return (
            "Could not connect: the endpoint's host name was not found "
            f"({reason.strerror or reason}). Check the endpoint; {waits}"
        )
    if isinstance(reason, ConnectionRefusedError):
        return (
            "Could not connect: the other LRS refused the connection. Check that it is "
            f"running and that the endpoint's address and port are right; {waits}"
        )
    if isinstance(reason, _AnswerTooSlow):
        return (
            "The other LRS sent its answer too slowly: it had not answered in full within "
            f"{_answer_within():.0f} seconds. The statements wait and are tried again."
        )
    if isinstance(reason, TimeoutError):
        return (
            f"The other LRS did not answer within {TIMEOUT_SECONDS} seconds; the statements "
            "wait and are tried again."
        )
    return None


def _error_text(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        try:
            answer = getattr(exc, "answer", None)
            answer = exc.read(ERROR_PAGE_READ) if answer is None else answer
            detail = answer.decode("utf-8", "replace")
        except Exception:  # the body is only for the admin's eyes
            detail = ""
        detail = _page_words(exc, detail)[:500]
        if 300 <= exc.code < 400:
            location = (exc.headers.get("Location") or "") if exc.headers else ""
            detail = f"redirected to {location}; correct the target's endpoint".strip()
        elif exc.code in CREDENTIALS_REFUSED:
            # Often a bare status: say in words what the admin can put right, and where.
            said = CREDENTIALS_REFUSED[exc.code]
            detail = f"{said} Its answer: {detail}" if detail.strip() else said
        text = f"HTTP {exc.code}: {detail}".strip()
        if getattr(exc, "answer_with_files", ""):
            text += f" (first try, with the attachments' files: {exc.answer_with_files})"
        return text
    return _unreached_text(exc) or f"{type(exc).__name__}: {exc}"


def _log_summary(exc: Exception) -> str:
    """What went wrong, for the server's log: the status, or the kind of failure. Never the
    target's reply, which may quote the statements back (names, emails, answers) and is kept
    for admins on the outbox screen instead."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    if isinstance(exc, urllib.error.URLError):
        return f"{type(exc).__name__}: {exc.reason}"[:200]
    return type(exc).__name__


def _failed(target: ForwardingTarget, entries: list[OutboxEntry], exc: Exception) -> None:
    """Record a failed send: refused entries are set aside (failed, shown to admins, sent
    again only by a replay); the others wait for their next attempt, which is scheduled."""
    message = _error_text(exc)
    now = timezone.now()
    attempts = max(e.attempts for e in entries) + 1
    next_at = now + backoff(attempts)
    # A refusal sets its statements aside and the queue goes on past them: a Retry-After
    # with it (a 413 may carry one) holds nothing back.
    asked = None if refused(exc) else retry_after(exc, now)
    if asked is not None:
        # Said in words: a bare "HTTP 429" reads as a retry in seconds, not a wait of hours.
        head = f"HTTP {exc.code}:"
        answer = message[len(head) :].strip() if message.startswith(head) else message
        message = (
            f"{head} the other LRS asked to be sent nothing until "
            f"{asked.astimezone(UTC):%d %b %Y %H:%M} UTC. The statements wait until then "
            "(“Replay now” sends them at once)."
        ) + (f" Its answer: {answer}" if answer else "")
        ForwardingTarget.objects.filter(pk=target.pk).update(wait_until=asked)
        target.wait_until = asked
        next_at = max(next_at, asked)
    OutboxEntry.objects.filter(id__in=[e.id for e in entries]).update(
        status=OutboxEntry.Status.FAILED if refused(exc) else OutboxEntry.Status.PENDING,
        attempts=attempts,
        server_errors=F("server_errors") + 1 if _server_error(exc) else 0,
        may_have_arrived=True if _may_have_arrived(exc) else F("may_have_arrived"),
        last_error=message,
        last_error_at=now,
        next_attempt_at=next_at,
    )
    logger.warning(
        "xAPI forwarding of %d statement(s) to %s failed: %s",
        len(entries),
        target,
        _log_summary(exc),
    )
    if not refused(exc):
        outbox_schedule(target_id=target.pk, run_after=next_at)


def _sent(entries: list[OutboxEntry]) -> None:
    OutboxEntry.objects.filter(id__in=[e.id for e in entries]).update(
        status=OutboxEntry.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        last_error_at=None,
        server_errors=0,
        may_have_arrived=True,
        attempts=F("attempts") + 1,
    )


def _lease_renewed(entries: list[OutboxEntry]) -> None:
    """Keep what this worker has still to send its own for another lease: sent one at a
    time, a batch can take longer than one lease (each request may wait for its timeout),
    and another worker would otherwise claim and send it too, out of order."""
    OutboxEntry.objects.filter(
        id__in=[e.id for e in entries], status=OutboxEntry.Status.SENDING
    ).update(next_attempt_at=timezone.now() + LEASE)


def _still_held(entries: list[OutboxEntry]) -> list[OutboxEntry]:
    """The entries still there to send: a learner erased since they were claimed took their
    statements (and these entries) with them, and what was erased is not sent on."""
    there = set(
        OutboxEntry.objects.filter(
            id__in=[e.id for e in entries], status=OutboxEntry.Status.SENDING
        ).values_list("id", flat=True)
    )
    return [e for e in entries if e.id in there]


def _one_by_one(target: ForwardingTarget, entries: list[OutboxEntry]) -> tuple[int, bool]:
    """The target refused a batch: send its statements one at a time, in order, so that
    only those it refuses are set aside and the others arrive."""
    sent = 0
    # A statement the target failed on (a 5xx) again and again, and the failure, kept until
    # the next statement shows whether the target takes statements at all.
    suspect: tuple[OutboxEntry, Exception] | None = None
    for index, (entry, statement) in enumerate(
        zip(entries, _outgoing(entries, version=target.version), strict=True)
    ):
        _lease_renewed(entries[index:])
        if not _still_held([entry]):
            continue
        try:
            _post(target, [statement], _files([entry], [statement]))
        except Exception as exc:  # any failure is recorded and retried
            if not _already_there(exc, entry):  # if it is, the target has it: sent, below
                if refused(exc):
                    _failed(target, [entry], exc)
                    continue
                if suspect is None and _stuck(exc, entry) and index + 1 < len(entries):
                    suspect = (entry, exc)
                    continue
                # The target itself fails: the rest wait (a suspect among them too).
                _failed(target, ([suspect[0]] if suspect else []) + entries[index:], exc)
                return sent, False
        if suspect is not None:
            # The target takes statements: it is the suspect it fails on. Set aside.
            _set_aside(suspect[0], suspect[1])
            suspect = None
        _sent([entry])
        sent += 1
    if suspect is not None:
        _failed(target, [suspect[0]], suspect[1])
    return sent, True


def _set_aside(entry: OutboxEntry, exc: Exception) -> None:
    """The target failed on this statement every time while it took the next one: keep it
    for an admin to look into and replay, as a refused statement is."""
    OutboxEntry.objects.filter(id=entry.id).update(
        status=OutboxEntry.Status.FAILED,
        attempts=entry.attempts + 1,
        server_errors=entry.server_errors + 1,
        may_have_arrived=True,
        last_error=_error_text(exc),
        last_error_at=timezone.now(),
    )
    logger.warning(
        "xAPI forwarding of a statement to %s set aside: %s", entry.target_id, _log_summary(exc)
    )


NO_LONGER_FOR_TARGET = (
    "Not sent: this statement is no longer for this target (its school or which statements "
    "it takes changed while the statement waited)."
)


def _still_for_target(target: ForwardingTarget, entries: list[OutboxEntry]) -> list[OutboxEntry]:
    """The entries whose statement the target still takes, as it is set now. An entry is
    written for the target as it was when the statement was recorded; one that waited (the
    target was down) while an administrator gave the target to another school, or made it
    "Staff only" or one course, would otherwise go to an LRS not meant to have it: one
    school's pupils' records to another's. Those are set aside as failed, saying why, and
    not sent (kept, not deleted: a try before the change may have reached the target, which
    erasing the learner lists)."""
    from .services import _outbox_rows

    by_school: dict = {}
    for entry in entries:
        by_school.setdefault(entry.statement.school_id, []).append(entry.statement)
    taken = set()
    for school_id, statements in by_school.items():
        made, _touched = _outbox_rows(statements, school_id, [target])
        taken.update(e.statement.pk for e in made if e.target.pk == target.pk)
    kept = [entry for entry in entries if entry.statement_id in taken]
    if len(kept) < len(entries):
        OutboxEntry.objects.filter(
            id__in=[entry.id for entry in entries if entry.statement_id not in taken]
        ).update(
            status=OutboxEntry.Status.FAILED,
            last_error=NO_LONGER_FOR_TARGET,
            last_error_at=timezone.now(),
        )
    return kept


VOIDED_AT_TARGET = (
    "Not sent: this statement was taken back (voided) while it waited for a replay, and the "
    "target already has the statement that voids it; sent now, it would arrive after it."
)


def _not_voided_at_target(
    target: ForwardingTarget, entries: list[OutboxEntry]
) -> list[OutboxEntry]:
    """The entries whose statement the target may still be sent. A statement set aside
    (refused, then replayed) lets the queue go on past it, so the statement voiding it can
    reach the target first. Sent after its voiding, it would break the promise that a
    voiding never arrives before what it voids, and an LRS that applies a voiding as it
    arrives (not as xAPI 1.0.3 Part Two 2.3.2 asks, whichever came first) would hold it as
    live. Voided, it need not arrive at all: it is kept aside, saying why."""
    from .services import VOIDED

    voided = {entry.statement.statement_id: entry for entry in entries if entry.statement.voided}
    if not voided:
        return entries
    at_target = set(
        OutboxEntry.objects.filter(
            target=target,
            status=OutboxEntry.Status.SENT,
            statement__verb_iri=VOIDED,
            statement__ref_statement_id__in=list(voided),
        ).values_list("statement__ref_statement_id", flat=True)
    )
    if not at_target:
        return entries
    OutboxEntry.objects.filter(id__in=[voided[sid].id for sid in at_target]).update(
        status=OutboxEntry.Status.FAILED,
        last_error=VOIDED_AT_TARGET,
        last_error_at=timezone.now(),
    )
    return [entry for entry in entries if entry.statement.statement_id not in at_target]


def batch_send(*, target: ForwardingTarget, fresh: bool = False) -> tuple[int, bool]:
    """Send one batch of due entries (see `_claim` for `fresh`). Returns (how many were
    sent, whether to go on)."""
    claimed = _claim(target, fresh=fresh)
    if not claimed:
        return 0, False
    entries = _still_held(_not_voided_at_target(target, _still_for_target(target, claimed)))
    if not entries:
        return 0, True  # the whole batch was set aside: the entries after it may go
    try:
        statements = _outgoing(entries, version=target.version)
        _post(target, statements, _files(entries, statements))
    except Exception as exc:  # any failure is recorded and retried
        if (refused(exc) or _stuck(exc, entries[0])) and len(entries) > 1:
            return _one_by_one(target, entries)
        if _already_there(exc, entries[0]):
            _sent(entries)
            return 1, True
        _failed(target, entries, exc)
        # A refused statement is set aside: the ones after it can still go.
        return 0, refused(exc)
    _sent(entries)
    return len(entries), True


@task()
def outbox_send(target_id: int, fresh: bool = False) -> int:
    """Send every due outbox entry of one target, batch by batch (see `_claim` for
    `fresh`). Returns how many."""
    total = 0
    go_on = True
    while go_on:
        # Read again for every batch: a backlog can take minutes to send, and an admin who
        # switches the target off, gives it to another school or saves its new password
        # meanwhile is followed from the next batch on.
        target = ForwardingTarget.objects.filter(pk=target_id, is_active=True).first()
        if target is None:
            break
        sent, go_on = batch_send(target=target, fresh=fresh)
        total += sent
    return total


def outbox_flush() -> int:
    """Send what is due for every active target now (the `xapi_forward` command)."""
    total = 0
    for target_id in ForwardingTarget.objects.filter(is_active=True).values_list("pk", flat=True):
        total += outbox_send.call(target_id=target_id)
    return total


def _voiding_at_target(target: ForwardingTarget, entries):
    """Those of `entries` (a queryset) whose statement was voided by a statement the target
    already has: `_not_voided_at_target` keeps them from being sent."""
    from .services import VOIDED

    voidings_sent = OutboxEntry.objects.filter(
        target=target, status=OutboxEntry.Status.SENT, statement__verb_iri=VOIDED
    ).values("statement__ref_statement_id")
    return entries.filter(statement__voided=True, statement__statement_id__in=voidings_sent)


def outbox_kept_aside(*, target: ForwardingTarget, reason: str) -> int:
    """How many of the target's set-aside statements a replay does not send for `reason`:
    VOIDED_AT_TARGET (see `_not_voided_at_target`) or NO_LONGER_FOR_TARGET (see
    `_still_for_target`)."""
    return OutboxEntry.objects.filter(
        target=target, status=OutboxEntry.Status.FAILED, last_error=reason
    ).count()


def outbox_half_sent_restart(*, target: ForwardingTarget) -> None:
    """Start the tries and the count of 5xx answers in a row again for the target's entries
    a worker is sending, as a replay or a saved target does for those waiting. A worker that
    died mid-send leaves them so, and they go with the next send once its lease is over: with
    the counts the old address or password ran up, they would back off for up to an hour at
    the first failure, and a single 5xx would set the first aside as a statement the target
    cannot take (`_stuck`). Their lease is kept: one still being sent is not sent twice."""
    OutboxEntry.objects.filter(target=target, status=OutboxEntry.Status.SENDING).update(
        attempts=Least(F("attempts"), 1), server_errors=0
    )


@transaction.atomic
def outbox_replay(*, target: ForwardingTarget, statuses=("failed", "pending")) -> int:
    """Make failed (and waiting) entries due now and send them: the admin's replay. Returns
    how many go. Those the send would set aside again at once stay set aside, saying why,
    and are not counted: voided by a statement the target already has, or set aside as no
    longer for the target and still not (its school or statements were not given back).
    Those a worker died sending go too once its lease is over, as any send would take them:
    the status page counts them as waiting."""
    now = timezone.now()
    half_sent = Q(status=OutboxEntry.Status.SENDING, next_attempt_at__lte=now)
    chosen = OutboxEntry.objects.filter(Q(status__in=list(statuses)) | half_sent, target=target)
    voided = list(_voiding_at_target(target, chosen).values_list("id", flat=True))
    if voided:
        OutboxEntry.objects.filter(id__in=voided).update(
            status=OutboxEntry.Status.FAILED,
            last_error=VOIDED_AT_TARGET,
            last_error_at=timezone.now(),
        )
    moved = list(
        chosen.filter(status=OutboxEntry.Status.FAILED, last_error=NO_LONGER_FOR_TARGET)
        .exclude(id__in=voided)
        .select_related("statement")
    )
    # `_still_for_target` leaves those still not for the target set aside, as a send would.
    taken = {entry.id for entry in _still_for_target(target, moved)} if moved else set()
    aside = voided + [entry.id for entry in moved if entry.id not in taken]
    count = chosen.exclude(id__in=aside).update(
        # The admin's try starts the count of 5xx answers in a row again, and the back-off:
        # failing once more, it is retried after the first step, not after the step its
        # earlier tries reached (up to an hour), and statements recorded next take it along
        # (`_claim`). Kept at one if it was tried, as erasure counts a tried entry's target
        # as holding a copy.
        status=OutboxEntry.Status.PENDING,
        next_attempt_at=timezone.now(),
        attempts=Least(F("attempts"), 1),
        server_errors=0,
    )
    outbox_half_sent_restart(target=target)
    # The admin asks for it now, whatever the target last asked for.
    ForwardingTarget.objects.filter(pk=target.pk).update(wait_until=None)
    transaction.on_commit(lambda: outbox_schedule(target_id=target.pk))
    return count


def outbox_summary():
    """Per target: queue depth, failures, oldest waiting entry and the last error."""
    last_error = (
        OutboxEntry.objects.filter(target=OuterRef("pk"))
        .exclude(last_error="")
        # Entries whose error predates `last_error_at` come last, newest retry first.
        .order_by(F("last_error_at").desc(nulls_last=True), "-next_attempt_at")
        .values("last_error")[:1]
    )
    targets = ForwardingTarget.objects.annotate(
        pending=Count("outbox", filter=Q(outbox__status__in=["pending", "sending"])),
        failed=Count("outbox", filter=Q(outbox__status="failed")),
        sent=Count("outbox", filter=Q(outbox__status="sent")),
        oldest=Min("outbox__created_at", filter=~Q(outbox__status="sent")),
        latest_error=Subquery(last_error),
    ).order_by("name")
    return [{"target": target, "last_error": target.latest_error or ""} for target in targets]


REFUSED_SHOWN = 50


def outbox_refused():
    """The latest statements a target refused (failed entries), newest first, with what
    the admin needs to find out why: the target, the statement's id, verb and object, when
    it was recorded and the target's answer. Never who it is about."""
    return (
        OutboxEntry.objects.filter(status=OutboxEntry.Status.FAILED)
        .select_related("target")
        .order_by("-id")
        .values(
            "target__name",
            "statement__statement_id",
            "statement__verb_iri",
            "statement__object_iri",
            "statement__stored",
            "last_error",
        )[:REFUSED_SHOWN]
    )
