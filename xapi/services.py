"""Writing to the Learning Record Store: `record()` is the one path for every learning event.

DESIGN.md, "One path for every learning event": validate, store, project into records and
enqueue forwarding, in one transaction; forwarding is sent after commit.
"""

import hashlib
import json
import math
import re
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from types import SimpleNamespace

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from pydantic import ValidationError

from records.projection import (
    completions_project,
    projection_of,
    projection_params,
    projection_sql,
)

from .identity import actor_for, actor_key
from .models import (
    AttachmentContent,
    ForwardingTarget,
    OutboxEntry,
    Statement,
    StatementRelation,
)
from .recordsets import recordset
from .statements.arrays import context_activities_listed
from .statements.errors import StatementConflictError, StatementValidationError
from .statements.statement import Statement as StatementModel
from .statements.validation import statement_validate
from .targets import targets_active

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
COMPARE_IGNORED = {"stored", "authority", "version", "timestamp", "id"}


def default_authority() -> dict:
    """Who vouches for statements the product itself records (Part Two 4.1.9)."""
    return {
        "objectType": "Agent",
        "name": "Upstander",
        "account": {"homePage": settings.SITE_URL, "name": "upstander"},
    }


def format_timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def timestamp_utc(value: str) -> str:
    """A statement's timestamp in UTC, as xAPI 2.0.0 Part Two 4.2.7 requires ("An LRS shall
    convert Timestamps to UTC rather than rejecting Statements that send Timestamps not in
    UTC form"; 1.0.3 4.5: "SHOULD* return the Timestamp in UTC"). The instant and its
    precision (to the microsecond) are kept; one already in UTC ("Z") is kept as sent, unless
    it put a space (RFC 3339 5.6) between the date and the time."""
    if value.endswith("Z") and value[10:11] == "T":
        return value
    moment = parse_timestamp(value).astimezone(UTC)
    precision = "microseconds" if moment.microsecond % 1000 else "milliseconds"
    return moment.isoformat(timespec=precision).replace("+00:00", "Z")


def parse_timestamp(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("z", "Z"))
    if parsed.tzinfo is None:
        # 4.1.7: a timestamp without a zone is taken as UTC.
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def statement_comparable(model: StatementModel) -> dict:
    """The statement as the spec compares them (Part Two 2.3.1 "Statement Comparison
    Requirements"): ignoring what the LRS sets and how arrays were written, and the other
    exceptions to immutability: activity definitions, verb displays, attachments and the
    order of a Group's members."""
    return _immutable_part(model.model_dump(exclude=COMPARE_IGNORED, exclude_none=True))


def _members_sorted(actor: dict) -> dict:
    if not actor.get("member"):
        return actor
    members = sorted(actor["member"], key=lambda m: json.dumps(m, sort_keys=True))
    return {**actor, "member": members}


def _without_definition(activity: dict) -> dict:
    return {key: value for key, value in activity.items() if key != "definition"}


# The seconds of an ISO 8601 duration, with their fraction.
_DURATION_SECONDS = re.compile(r"(\d+)(?:\.(\d+))?S$")


def _duration_comparable(duration: str) -> str:
    """Part Two 4.6 (2.0.0 4.2.7) "Duration": "When comparing Durations, any precision beyond
    0.01 second precision SHOULD* NOT [2.0.0: shall not] be included in the comparison": the
    seconds cut (not rounded) to hundredths, written without trailing zeros."""

    def seconds(match: re.Match) -> str:
        fraction = (match.group(2) or "")[:2].rstrip("0")
        return f"{match.group(1)}.{fraction}S" if fraction else f"{match.group(1)}S"

    return _DURATION_SECONDS.sub(seconds, duration)


def _immutable_part(statement: dict) -> dict:
    """A statement (or SubStatement) dump without what Part Two 2.3.1 lists as not part of
    the immutable statement."""
    out = {key: value for key, value in statement.items() if key != "attachments"}
    if "duration" in (out.get("result") or {}):
        out["result"] = {
            **out["result"],
            "duration": _duration_comparable(out["result"]["duration"]),
        }
    out["actor"] = _members_sorted(out["actor"])
    out["verb"] = {key: value for key, value in out["verb"].items() if key != "display"}
    obj = out["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        out["object"] = _without_definition(obj)
    elif kind in ("Agent", "Group"):
        out["object"] = _members_sorted(obj)
    elif kind == "SubStatement":
        out["object"] = _immutable_part(obj)
    if "context" in out:
        context = dict(out["context"])
        if "contextActivities" in context:
            context["contextActivities"] = {
                key: [_without_definition(a) for a in activities]
                for key, activities in context["contextActivities"].items()
            }
        for key in ("instructor", "team"):
            if key in context:
                context[key] = _members_sorted(context[key])
        if "contextGroups" in context:
            context["contextGroups"] = [
                {**item, "group": _members_sorted(item["group"])}
                for item in context["contextGroups"]
            ]
        out["context"] = context
    return out


def _same_statement(stored: dict, incoming: StatementModel, version: str) -> bool:
    try:
        existing = StatementModel.model_validate(stored, context={"version": "2.0.0"})
    except ValidationError:
        # Stored before a check it fails was added (a duration such as P1.5Y2M): not the
        # same as a statement that passes it.
        return False
    if statement_comparable(existing) != statement_comparable(incoming):
        return False
    if incoming.timestamp and existing.timestamp:
        return parse_timestamp(incoming.timestamp) == parse_timestamp(existing.timestamp)
    return True


def _relations(statement: dict) -> list[tuple[str, str]]:
    """(kind, key) of every activity and agent the statement mentions beyond actor/object."""
    found: list[tuple[str, str]] = []

    def agent(value):
        if isinstance(value, dict):
            key = actor_key(value)
            if key:
                found.append(("agent", key))
            for member in value.get("member") or []:
                agent(member)

    def context(ctx):
        if not isinstance(ctx, dict):
            return
        for values in (ctx.get("contextActivities") or {}).values():
            for activity in values if isinstance(values, list) else [values]:
                found.append(("activity", activity["id"]))
        agent(ctx.get("instructor"))
        agent(ctx.get("team"))
        for item in ctx.get("contextAgents") or []:
            agent(item.get("agent"))
        for item in ctx.get("contextGroups") or []:
            agent(item.get("group"))

    context(statement.get("context"))
    agent(statement.get("authority"))
    # Part Three 2.1.3: related_* also look inside a SubStatement.
    obj = statement.get("object") or {}
    if obj.get("objectType") == "SubStatement":
        agent(obj.get("actor"))
        inner = obj.get("object") or {}
        if inner.get("objectType", "Activity") == "Activity":
            found.append(("activity", inner["id"]))
        elif inner.get("objectType") in ("Agent", "Group"):
            agent(inner)
        context(obj.get("context"))
    # Members of a Group that is the actor or object: related agents, and (Part Three 2.1.3
    # "agent") matched by the agent filter itself.
    groups = [statement.get("actor") or {}]
    if obj.get("objectType") == "Group":
        groups.append(obj)
    for group in groups:
        for member in group.get("member") or []:
            agent(member)
            key = actor_key(member) if isinstance(member, dict) else None
            if key:
                found.append(("member", key))
    return list(dict.fromkeys(found))


# The longest identifier (IRI or agent key) the statement, relation and record columns hold.
IDENTIFIER_MAX = 512
TOO_LONG = f"is longer than the {IDENTIFIER_MAX} characters this LRS can store"


def _too_long(statement: dict) -> list[tuple[str, str]]:
    """(path, message) for each identifier of the statement that its column cannot hold:
    PostgreSQL refuses the whole insert (a server error) rather than cut it short."""
    found = []
    obj = statement["object"]
    columns = [
        ("verb.id", statement["verb"]["id"]),
        ("actor", actor_key(statement["actor"]) or ""),
        ("object.id", obj["id"] if obj.get("objectType", "Activity") == "Activity" else ""),
        ("object", _object_columns(obj)["object_agent_key"]),
    ]
    for path, value in columns:
        if len(value) > IDENTIFIER_MAX:
            found.append((path, TOO_LONG))
    for kind, key in _relations(statement):
        if len(key) > IDENTIFIER_MAX:
            what = "an activity id" if kind == "activity" else "an agent"
            # A context activity or agent, or one inside a SubStatement object.
            where = "context" if "context" in statement else "object"
            found.append((where, f"{what} {TOO_LONG}"))
            break
    return found


def learner_match(key: str, school_id) -> tuple[uuid.UUID | None, str | None]:
    """What an actor key can match among this school's users: the opaque learner id of an
    account on this site (pupils, and staff by default), or the email of a staff member
    whose school chose `mbox` identity. Never someone of another school: a school's tool
    cannot put anything in the records of a learner it does not have."""
    if school_id is None:
        return None, None
    # The site's address with a closing slash is the same IRI (RFC 3986 6.2.3).
    for prefix in (f"account:{settings.SITE_URL}|", f"account:{settings.SITE_URL}/|"):
        if key.startswith(prefix):
            try:
                return uuid.UUID(key[len(prefix) :]), None
            except ValueError:
                return None, None
    if key.startswith("mbox:mailto:"):
        return None, key[len("mbox:mailto:") :]
    return None, None


def _learners_by_key(keys: set[str], school_id) -> dict[str, int]:
    """Resolve actor keys to our users' primary keys in one query (see `learner_match`).
    PostgreSQL does the same inside the statement insert (`_INSERT_SQL`)."""
    from schools.models import User

    learner_ids, emails = [], []
    # A tool may spell an id in capitals or without hyphens: each spelling is its learner's.
    keys_by_learner_id: dict[uuid.UUID, set[str]] = {}
    for key in keys:
        learner_id, email = learner_match(key, school_id)
        if learner_id is not None:
            learner_ids.append(learner_id)
            keys_by_learner_id.setdefault(learner_id, set()).add(key)
        if email is not None:
            emails.append(email)
    if not learner_ids and not emails:
        return {}
    condition = Q(learner_id__in=learner_ids) if learner_ids else Q(pk__in=[])
    if emails:
        # Actor keys are in lower case; an address saved through the admin may not be.
        condition |= Q(email_lower__in=emails)
    prefix = f"account:{settings.SITE_URL}|"
    found = {}
    users = User.objects.annotate(email_lower=Lower("email")).filter(condition, school_id=school_id)
    for pk, learner_id, email in users.values_list("pk", "learner_id", "email"):
        found[f"{prefix}{learner_id}"] = pk
        for key in keys_by_learner_id.get(learner_id, ()):
            found[key] = pk
        if email:
            found[f"mbox:mailto:{email.lower()}"] = pk
    return {key: pk for key, pk in found.items() if key in keys}


def _object_columns(obj: dict) -> dict:
    kind = obj.get("objectType", "Activity")
    columns = {"object_type": kind, "object_iri": "", "object_agent_key": ""}
    if kind == "Activity":
        columns["object_iri"] = obj["id"]
    elif kind in ("Agent", "Group"):
        columns["object_agent_key"] = actor_key(obj) or ""
    elif kind == "StatementRef":
        columns["ref_statement_id"] = uuid.UUID(obj["id"])
    return columns


def _mentioned(statement: dict) -> list[str]:
    """The ids a course-scoped forwarding target looks for: the object's and every context
    activity's."""
    found = []
    if (statement.get("object") or {}).get("id"):
        found.append(statement["object"]["id"])
    activities = ((statement.get("context") or {}).get("contextActivities")) or {}
    for values in activities.values():
        for activity in values if isinstance(values, list) else [values]:
            if activity.get("id"):
                found.append(activity["id"])
    return list(dict.fromkeys(found))


def _in_scope(target: ForwardingTarget, row, pupils: set[int]) -> bool:
    """Does the target take this statement by its scope ("Staff only": a learner who is not
    a pupil; "One course": the course's activity id is mentioned)?"""
    if target.scope == ForwardingTarget.Scope.STAFF:
        return row.learner_id is not None and row.learner_id not in pupils
    if target.scope == ForwardingTarget.Scope.COURSE:
        return target.course_iri in _mentioned(row.data)
    return True


def _outbox_rows(
    rows: list[Statement], school_id, active: list[ForwardingTarget]
) -> tuple[list[OutboxEntry], set[int]]:
    # Trust-wide targets (no school) and the statements' school's own.
    targets = [t for t in active if t.school_id is None or t.school_id == school_id]
    refs = {row.ref_statement_id for row in rows if row.ref_statement_id}
    # A statement about another (voiding it, Part Two 2.3.2) goes wherever that one went:
    # its object is the statement, not the course, and its actor may be a tool's. To a
    # target switched off too (it waits, or switched on again the target would keep that
    # statement as live). To one given to another school since, only a voiding: that LRS
    # has the statement all the same, and nothing else the school records is for it. Only
    # the school's own statements count (ids are unique across the LRS, so a tool can name
    # another school's): where those went is not ours.
    went = set()
    if refs:
        went = set(
            OutboxEntry.objects.filter(
                statement__school_id=school_id, statement__statement_id__in=refs
            ).values_list("target_id", "statement__statement_id")
        )
        listed = {t.pk for t in targets}
        targets += ForwardingTarget.objects.filter(
            pk__in={target_id for target_id, _sid in went} - listed
        ).order_by("pk")
    if not targets:
        return [], set()
    pupils: set[int] = set()
    if any(t.scope == ForwardingTarget.Scope.STAFF for t in targets):
        from schools.models import User
        from schools.roles import AUTH_GROUP_NAMES, Role

        learner_ids = {row.learner_id for row in rows if row.learner_id}
        pupils = set(
            User.groups.through.objects.filter(
                user_id__in=learner_ids, group__name=AUTH_GROUP_NAMES[Role.PUPIL]
            ).values_list("user_id", flat=True)
        )
    now = timezone.now()
    entries = []
    touched = set()
    for target in targets:
        for row in rows:
            ours = target.school_id is None or target.school_id == school_id
            follows = (target.pk, row.ref_statement_id) in went and (ours or row.verb_iri == VOIDED)
            if not follows and not (target.is_active and ours and _in_scope(target, row, pupils)):
                continue
            entries.append(OutboxEntry(target=target, statement=row, next_attempt_at=now))
            if target.is_active:
                touched.add(target.pk)
    return entries, touched


@dataclass(frozen=True)
class RecordGuard:
    """A write the statements depend on: they are stored only if it happens, and together
    with it (a scenario move: the attempt moves on from the step it was read at).

    `sql` is, for PostgreSQL, `WITH` items whose first is named `guard` and returns a row
    when the write happened (items after it may use `guard`); `params` are its parameters.
    `fallback` does the same write elsewhere (SQLite), inside record()'s transaction, and
    says whether it happened.
    """

    sql: str
    params: list
    fallback: Callable[[], bool]


class StatementWriteTooLate(Exception):
    """A write that took longer than XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS, so nothing is
    stored: the LRS may already have said that every statement stamped `stored` when it
    started is readable (X-Experience-API-Consistent-Through), and a tool polling with
    since= that time would never see it. The sender sends it again (same ids, same answer)."""


def _refuse_if_late(started) -> None:
    # A web server's request timeout cannot bound this: gunicorn's gthread workers never
    # kill a stuck request thread. Checked just before the transaction commits.
    if timezone.now() - started >= timedelta(
        seconds=settings.XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS
    ):
        raise StatementWriteTooLate(
            "storing the statements took too long, so none was stored: send them again"
        )


class GuardRejected(Exception):
    """The guard's write did not happen, so nothing was stored."""


def record(
    *,
    statements: list[dict],
    school=None,
    school_id: int | None = None,
    authority: dict | None = None,
    version: str = "1.0.0",
    attachments: dict[str, tuple[str, bytes]] | None = None,
    learner=None,
    savepoint: bool = True,
    guard: RecordGuard | None = None,
) -> list[str]:
    """Validate, store, project and enqueue forwarding of statements; return their ids.

    All or nothing: a StatementValidationError (naming the field) or StatementConflictError
    stores nothing. A statement whose id is already stored with the same content is
    accepted again without storing a copy (Part Three 2.1.2: idempotent by id).
    `version` is the request's xAPI version; `attachments` maps SHA-2 to (type, bytes) for
    attachments sent in a multipart request. `learner`, when the caller already has the user
    every statement is about, spares looking the actor up. The school is given as `school`
    or, when the caller has only its id, `school_id`. With a `guard`, the statements are
    stored only if the guard's write happens (else GuardRejected, nothing stored); the
    caller mints the statements' ids (the builders' fresh UUIDs).

    On PostgreSQL the statements, their relations, their records and their outbox rows are
    written by one SQL statement, which is atomic by itself. So when nothing else needs
    writing (no attachments, no voiding) and the batch cannot be half stored or voided while
    it is written (one statement without an id, or ids the caller minted under a guard),
    record() sends that statement alone, outside any transaction of its own: no BEGIN and
    COMMIT round trips. Otherwise, called inside the caller's
    transaction, it uses a savepoint, so a caller may catch its errors and carry on; a
    caller that lets every error end its own transaction passes `savepoint=False`.
    """
    alone = _one_statement_will_do(statements, attachments=attachments, guard=guard) and (
        not savepoint or not connection.in_atomic_block
    )
    with nullcontext() if alone else transaction.atomic(savepoint=savepoint):
        return _record(
            statements=statements,
            school=school,
            school_id=school_id,
            authority=authority,
            version=version,
            attachments=attachments,
            learner=learner,
            guard=guard,
        )


def _one_statement_will_do(statements, *, attachments, guard) -> bool:
    """Can record() store these with its single PostgreSQL statement and nothing else?"""
    if connection.vendor != "postgresql" or attachments:
        return False
    if not isinstance(statements, list) or not (len(statements) == 1 or guard is not None):
        return False
    if guard is None and any(isinstance(data, dict) and "id" in data for data in statements):
        # An id the client chose may be voided by a statement being written at this moment
        # on another connection: it takes `_statements_lock` in a transaction, and waits
        # for that write, so that it sees the voiding (Part Two 2.3.2). One whose id
        # record() mints (or the caller mints, under a guard) cannot be voided yet.
        return False
    # Voiding updates the voided statement and its records: more than one statement.
    return not any(
        isinstance(data, dict)
        and isinstance(data.get("verb"), dict)
        and data["verb"].get("id") == VOIDED
        for data in statements
    )


def _record(*, statements, school, school_id, authority, version, attachments, learner, guard):
    if school is not None:
        school_id = school.pk
    if not isinstance(statements, list) or not statements:
        raise StatementValidationError([("", "expected at least one statement")])
    many = len(statements) > 1
    models = []
    errors: list[tuple[str, str]] = []
    for index, data in enumerate(statements):
        try:
            models.append(statement_validate(data, version=version))
        except StatementValidationError as exc:
            errors += (exc.prefixed(f"[{index}]") if many else exc).errors
    if errors:
        raise StatementValidationError(errors)

    now = timezone.now()
    # Kept to the millisecond, so the column and the JSON say the same instant (the `more`
    # cursor relies on it).
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)
    stored = format_timestamp(now)
    authority = authority or default_authority()
    stored_version = "2.0.0" if version.startswith("2.") else "1.0.0"

    ids: list[str] = []
    seen: dict[str, int] = {}
    for index, model in enumerate(models):
        statement_id = model.id or str(uuid.uuid4())
        if statement_id in seen:
            # Part Three 2.1.2: a batch with two statements of the same id is rejected.
            raise StatementValidationError(
                [(f"[{index}].id", f"repeats the id of statement [{seen[statement_id]}]")]
            )
        seen[statement_id] = index
        ids.append(statement_id)

    fresh: list[tuple[str, dict, StatementModel]] = []
    for statement_id, data, model in zip(ids, statements, models, strict=True):
        # A shallow copy: only top-level keys are filled in, and a single context activity is
        # stored as an array of one, as the LRS must return it (Part Two 4.1.6.2).
        full = dict(context_activities_listed(data))
        full["id"] = statement_id
        if model.id and model.id != data.get("id"):
            full["id"] = model.id
        full.setdefault("timestamp", stored)
        full["timestamp"] = timestamp_utc(full["timestamp"])
        obj = full["object"]
        if obj.get("objectType") == "SubStatement" and "timestamp" in obj:
            full["object"] = {**obj, "timestamp": timestamp_utc(obj["timestamp"])}
        full["stored"] = stored
        # Part Two 4.1.9: the LRS sets authority from the credentials it authenticated.
        full["authority"] = authority
        full.setdefault("version", stored_version)
        fresh.append((statement_id, full, model))

    errors = [
        (f"[{index}].{path}" if many else path, message)
        for index, (_sid, full, _m) in enumerate(fresh)
        for path, message in _too_long(full)
    ]
    if errors:
        raise StatementValidationError(errors)

    if guard is None:
        _statements_lock(fresh)
    _voiding_check(fresh, school_id)
    # Ids the caller minted (a guard's) cannot have been voided before they were stored.
    voided_already = set() if guard is not None else _voided_before(fresh, school_id)
    if attachments:
        _attachments_store(fresh, school_id, attachments)

    known = None
    if learner is not None:
        keys = {actor_key(full["actor"]) or "" for _sid, full, _m in fresh}
        if keys == {actor_key(actor_for(learner))}:
            # The caller already loaded the one learner these statements are about (a
            # scenario step, a signed-in learner's browser content): no look-up needed.
            known = learner.pk
    rows = []
    # Model instances only where the ORM writes them (SQLite); PostgreSQL's insert reads the
    # columns from plain rows.
    row_class = _StatementRow if connection.vendor == "postgresql" else Statement
    for statement_id, full, _model in fresh:
        key = actor_key(full["actor"]) or ""
        registration = (full.get("context") or {}).get("registration")
        rows.append(
            row_class(
                statement_id=uuid.UUID(statement_id),
                school_id=school_id,
                learner_id=known,
                actor_key=key,
                verb_iri=full["verb"]["id"],
                registration=uuid.UUID(registration) if registration else None,
                timestamp=parse_timestamp(full["timestamp"]),
                stored=now,
                version=full["version"][:10],
                data=full,
                voided=statement_id in voided_already,
                **_object_columns(full["object"]),
            )
        )
    # Part Three 2.1.2: an id that is already stored is accepted again without a copy when
    # the content is the same, and is a conflict otherwise. The insert skips ids already
    # stored (so the common case, a new statement, needs no look-up first); only those it
    # skipped are read back and compared. It also finds the learners (unless known) and, on
    # PostgreSQL, projects the records and writes the outbox rows in the same statement.
    # Run alone on PostgreSQL, the insert commits by itself: refused now or never.
    _refuse_if_late(now)
    inserted, forwarded = _rows_insert(
        rows, school_id=school_id, stored=now, resolve=known is None, guard=guard
    )
    skipped = {row.statement_id: model for row, (_sid, _f, model) in zip(rows, fresh, strict=True)}
    for statement_id in inserted:
        skipped.pop(statement_id)
    if skipped:
        for stored_id, stored_school_id, data in Statement.objects.filter(
            statement_id__in=list(skipped)
        ).values_list("statement_id", "school_id", "data"):
            # Ids are unique across the LRS: one another school holds is not this school's
            # statement, however alike (accepting it would store nothing this school can
            # read), so it is a conflict, and says nothing of the other school's.
            if stored_school_id != school_id:
                raise StatementConflictError(str(stored_id), taken=True)
            if not _same_statement(data, skipped[stored_id], version):
                raise StatementConflictError(str(stored_id))
        rows = [row for row in rows if row.statement_id not in skipped]
    if not rows:
        return ids
    voided = [row.ref_statement_id for row in rows if row.verb_iri == VOIDED]
    if voided:
        Statement.objects.filter(school_id=school_id, statement_id__in=voided).update(voided=True)

    if connection.vendor != "postgresql":
        completions_project(
            statements=[row.data for row in rows if not row.voided],
            learners_by_key={row.actor_key: row.learner_id for row in rows if row.learner_id},
        )
        entries, forwarded = _outbox_rows(rows, school_id, targets_active())
        OutboxEntry.objects.bulk_create(entries)
    elif voided:
        # The insert projected everything else; voiding removes what the voided made.
        from records.projection import completions_void

        completions_void(statement_ids=voided)
    if connection.in_atomic_block:
        _refuse_if_late(now)
    if forwarded:
        from .forwarding import outbox_schedule

        for target_id in forwarded:
            transaction.on_commit(lambda t=target_id: outbox_schedule(target_id=t))
    return ids


# Column order of the PostgreSQL insert below, with each column's type for `unnest`.
_STATEMENT_COLUMNS = (
    ("statement_id", "uuid"),
    ("school_id", "bigint"),
    ("learner_id", "bigint"),
    ("actor_key", "text"),
    ("verb_iri", "text"),
    ("object_type", "text"),
    ("object_iri", "text"),
    ("object_agent_key", "text"),
    ("ref_statement_id", "uuid"),
    ("registration", "uuid"),
    ("timestamp", "timestamptz"),
    ("stored", "timestamptz"),
    ("voided", "boolean"),
    ("version", "text"),
    ("data", "jsonb"),
)
_COLUMN_NAMES = ", ".join(name for name, _type in _STATEMENT_COLUMNS)
_RECORDSET_COLUMNS = ", ".join(
    f"{name} {type_}" for name, type_ in (*_STATEMENT_COLUMNS, ("match_uuid", "uuid"))
)
# The learner of each statement: the one the caller gave, else the school's user whose
# opaque learner id the actor's account names, else (staff with `mbox` identity) the
# school's user with that email; NULL for anyone else. See `learner_match`.
_LEARNER_SQL = (
    "COALESCE(u.learner_id, "
    "(SELECT su.id FROM schools_user su WHERE su.learner_id = u.match_uuid "
    "AND su.school_id = u.school_id), "
    "(SELECT su.id FROM schools_user su WHERE u.match_email IS NOT NULL "
    "AND su.school_id = u.school_id AND lower(su.email) = u.match_email))"
)
_SELECT_COLUMNS = ", ".join(
    _LEARNER_SQL if name == "learner_id" else f"u.{name}" for name, _type in _STATEMENT_COLUMNS
)


@cache
def _insert_sql(guard_sql: str) -> str:
    """One statement for a whole batch, atomic by itself: the statements (skipping ids
    already stored, Part Three 2.1.2) with their learners, in input order (WITH ORDINALITY,
    so primary keys follow the batch, as the `more` cursor expects); the relations, records
    (`records.projection.projection_sql`) and outbox rows of those actually inserted. With a
    guard, nothing is inserted unless the guard's write happened. It answers one row per
    inserted statement, with the targets it queued for and whether the guard passed (one row
    of NULLs and that flag when nothing was inserted).

    The rows come as a few JSON parameters (`xapi.recordsets`): cheaper for psycopg to send
    than an array per column.
    """
    from django.contrib.auth.models import Group

    from schools.models import User

    projection = projection_sql()
    # `outbox` makes the same choice as _outbox_rows (SQLite): trust-wide targets and the
    # school's own, active ones by scope, and (switched off or not) wherever the school's
    # statement a StatementRef names went, a voiding even to a target given to another school
    # since.
    user_groups = User.groups.through._meta.db_table
    outbox = OutboxEntry._meta.db_table
    targets = ForwardingTarget._meta.db_table
    statements = Statement._meta.db_table
    sql = f"""
WITH {guard_sql + ", " if guard_sql else ""}new AS (
    INSERT INTO xapi_statement ({_COLUMN_NAMES})
    SELECT {_SELECT_COLUMNS}
    FROM ROWS FROM (jsonb_to_recordset(%s::jsonb) AS ({_RECORDSET_COLUMNS}, match_email text))
        WITH ORDINALITY AS u({_COLUMN_NAMES}, match_uuid, match_email, ord)
    {"WHERE EXISTS (SELECT 1 FROM guard)" if guard_sql else ""}
    ORDER BY ord
    ON CONFLICT (statement_id) DO NOTHING
    RETURNING id, statement_id, learner_id, ref_statement_id, verb_iri
), relations AS (
    INSERT INTO xapi_statementrelation (statement_id, school_id, kind, key, stored)
    SELECT new.id, %s::bigint, r.kind, r.key, %s::timestamptz
    FROM new JOIN jsonb_to_recordset(%s::jsonb) AS r(sid uuid, kind text, key text)
        ON r.sid = new.statement_id
), {projection}, outbox AS (
    INSERT INTO {outbox} (target_id, statement_id, status, attempts, server_errors,
        next_attempt_at, last_error, created_at)
    SELECT t.id, new.id, 'pending', 0, 0, %s::timestamptz, '', %s::timestamptz
    FROM new CROSS JOIN {targets} t
    WHERE ((t.school_id IS NULL OR t.school_id = %s::bigint) AND t.is_active AND (t.scope = 'all'
        OR (t.scope = 'staff' AND new.learner_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM {user_groups} ug JOIN {Group._meta.db_table} g ON g.id = ug.group_id
            WHERE ug.user_id = new.learner_id AND g.name = %s::text))
        OR (t.scope = 'course' AND EXISTS (
            SELECT 1 FROM jsonb_to_recordset(%s::jsonb) AS m(sid uuid, iri text)
            WHERE m.sid = new.statement_id AND m.iri = t.course_iri))))
        OR (new.ref_statement_id IS NOT NULL
            AND (t.school_id IS NULL OR t.school_id = %s::bigint OR new.verb_iri = %s::text)
            AND EXISTS (
            SELECT 1 FROM {outbox} o JOIN {statements} s ON s.id = o.statement_id
            WHERE o.target_id = t.id AND s.statement_id = new.ref_statement_id
            AND s.school_id IS NOT DISTINCT FROM %s::bigint))
    RETURNING target_id
)
SELECT new.id, new.statement_id, new.learner_id,
    (SELECT array_agg(DISTINCT o.target_id) FROM outbox o
        JOIN {targets} t ON t.id = o.target_id AND t.is_active),
    {"EXISTS (SELECT 1 FROM guard)" if guard_sql else "true"}
FROM (SELECT 1) AS one LEFT JOIN new ON true
"""  # noqa: S608 (only the models' own table and column names are interpolated)
    # PostgreSQL's own numbered placeholders, for psycopg's RawCursor: psycopg parses a
    # %s-style query of this length again on every call (it caches only short ones).
    pieces = sql.split("%s")
    return "".join(
        piece + (f"${number}" if number < len(pieces) else "")
        for number, piece in enumerate(pieces, start=1)
    )


def _rows_insert(
    rows: "list[Statement] | list[_StatementRow]", *, school_id, stored, resolve: bool, guard
):
    """Insert the statements whose id is not stored yet, and their relations; find their
    learners first if `resolve`. On PostgreSQL, also project their records and write their
    outbox rows (SQLite: the caller does). Returns the statement ids inserted (the others are
    left for the caller to compare) and the ids of the targets that got outbox rows. Each
    inserted row gets its primary key and learner_id. Raises GuardRejected, having stored
    nothing, if the guard's write did not happen."""
    if connection.vendor != "postgresql":
        # SQLite: look the ids and learners up first, then insert (cheap local queries).
        if guard is not None and not guard.fallback():
            raise GuardRejected
        if resolve:
            learners = _learners_by_key({row.actor_key for row in rows}, school_id)
            for row in rows:
                row.learner_id = learners.get(row.actor_key)
        have = set(
            Statement.objects.filter(
                statement_id__in=[row.statement_id for row in rows]
            ).values_list("statement_id", flat=True)
        )
        new = [row for row in rows if row.statement_id not in have]
        Statement.objects.bulk_create(new)
        StatementRelation.objects.bulk_create(
            [
                StatementRelation(
                    statement=row, school_id=school_id, kind=kind, key=key, stored=stored
                )
                for row in new
                for kind, key in _relations(row.data)
            ]
        )
        return {row.statement_id for row in new}, set()
    from config.db import pg_cursor
    from schools.roles import AUTH_GROUP_NAMES, Role

    relations = [
        (row.statement_id, kind, key) for row in rows for kind, key in _relations(row.data)
    ]
    mentions = [(row.statement_id, iri) for row in rows for iri in _mentioned(row.data)]
    names = [name for name, _type in _STATEMENT_COLUMNS]
    statements = [
        [getattr(row, name) for name in names]
        + list(learner_match(row.actor_key, school_id) if resolve else (None, None))
        for row in rows
    ]
    params = list(guard.params) if guard is not None else []
    params += [
        recordset([*names, "match_uuid", "match_email"], statements),
        school_id,
        stored,
        recordset(("sid", "kind", "key"), relations),
        *projection_params(projection_of(row.data for row in rows if not row.voided)),
        stored,
        stored,
        school_id,
        str(AUTH_GROUP_NAMES[Role.PUPIL]),
        recordset(("sid", "iri"), mentions),
        school_id,
        VOIDED,
        school_id,
    ]
    # psycopg's own cursor binds the parameters server-side (Django's binds them
    # client-side, escaping every JSON document in Python, which was most of the cost of
    # ingesting a batch), and keeps the statement prepared on the connection: planning this
    # statement cost more than running it. The settings make PostgreSQL plan it once
    # (plan_cache_mode, config/settings/base.py).
    cursor = pg_cursor(raw=True)
    cursor.execute(_insert_sql(guard.sql if guard else ""), params, prepare=True)
    returned = cursor.fetchall()
    _pk, _sid, _learner, forwarded, guard_passed = returned[0]
    if not guard_passed:
        raise GuardRejected
    by_id = {sid: (pk, learner_id) for pk, sid, learner_id, *_rest in returned if pk is not None}
    for row in rows:
        if row.statement_id in by_id:
            row.pk, row.learner_id = by_id[row.statement_id]
    return set(by_id), set(forwarded or ())


@dataclass(slots=True, kw_only=True)
class _StatementRow:
    """A statement's columns for PostgreSQL's insert (`_STATEMENT_COLUMNS`), with the
    model's defaults; `pk` is set once it is inserted."""

    statement_id: uuid.UUID
    school_id: int | None
    learner_id: int | None
    actor_key: str
    verb_iri: str
    registration: uuid.UUID | None
    timestamp: datetime
    stored: datetime
    version: str
    data: dict
    object_type: str = "Activity"
    object_iri: str = ""
    object_agent_key: str = ""
    ref_statement_id: uuid.UUID | None = None
    voided: bool = False
    pk: int | None = None


def _statements_lock(fresh) -> None:
    """On PostgreSQL, lock (until the transaction ends) every statement id this batch
    stores or voids, in one order, so that a statement and the one voiding it, or two
    statements about the same target, sent at the same moment on two connections are
    written one after the other: each then reads what the other committed (Part Two 2.3.2:
    a statement is voided whenever a voiding statement refers to it, whichever came first).
    A single statement stored without a transaction of its own (`record()`'s one-statement
    path) holds no lock: it is never a voiding statement, and its id is new (minted by
    record() or, under a guard, by the caller), so nothing can be voiding it."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    keys = {sid.lower() for sid, _full, _m in fresh}
    keys |= {
        str(full["object"]["id"]).lower()
        for _sid, full, _m in fresh
        if full["verb"]["id"] == VOIDED
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(%s::text[]) k",
            [sorted(keys)],
        )


def _voided_before(fresh, school_id) -> set[str]:
    """The ids of these statements that a voiding statement already stored targets: they are
    stored voided, and make no records. Part Two 2.3.2: "an LRS MUST consider a Statement it
    contains voided if and only if the Statement is not itself a Voiding Statement and the
    LRS also contains a Voiding Statement referring to the first Statement", whichever
    arrived first (a tool's queue may send them out of order)."""
    ids = [sid for sid, full, _m in fresh if full["verb"]["id"] != VOIDED]
    voiding = Statement.objects.filter(
        school_id=school_id, verb_iri=VOIDED, ref_statement_id__in=ids
    ).values_list("ref_statement_id", flat=True)
    return {str(target) for target in voiding}


def _voiding_check(fresh, school_id) -> None:
    """Part Two 2.3.2 "Voided": a voiding statement cannot target a voiding statement."""
    # The target's id as the statement ids of the batch are kept (lower case, validated):
    # a UUID written in capitals names the same statement.
    targets = {
        str(uuid.UUID(full["object"]["id"])): index
        for index, (_sid, full, _model) in enumerate(fresh)
        if full["verb"]["id"] == VOIDED
    }
    if not targets:
        return
    voiding = Statement.objects.filter(
        school_id=school_id, statement_id__in=list(targets), verb_iri=VOIDED
    ).values_list("statement_id", flat=True)
    in_batch = {sid for sid, full, _m in fresh if full["verb"]["id"] == VOIDED}
    for target in [str(v) for v in voiding] + [t for t in targets if t in in_batch]:
        raise StatementValidationError(
            [("object.id", f"statement {target} is a voiding statement and cannot be voided")]
        )


def _attachments_store(fresh, school_id, attachments: dict[str, tuple[str, bytes]]) -> None:
    # A SHA-2 is hexadecimal, so its case does not matter; the parts are keyed in lower case
    # (`multipart.attachments_read`), and so are the files kept.
    wanted = {
        att["sha2"].lower()
        for _sid, full, _m in fresh
        for att in (full.get("attachments") or [])
        if "fileUrl" not in att or att["sha2"].lower() in attachments
    }
    have = set(
        AttachmentContent.objects.filter(school_id=school_id, sha2__in=wanted).values_list(
            "sha2", flat=True
        )
    )
    AttachmentContent.objects.bulk_create(
        [
            AttachmentContent(
                school_id=school_id,
                sha2=sha2,
                content_type=attachments[sha2][0],
                content=attachments[sha2][1],
            )
            for sha2 in wanted - have
            if sha2 in attachments
        ],
        # Another request may be storing the same file at this moment: its copy is as good.
        ignore_conflicts=True,
    )


# Statements that may carry attachments: the statement's own, or a SubStatement's.
CARRYING_ATTACHMENTS = Q(data__has_key="attachments") | Q(data__object__has_key="attachments")


def _attachment_hashes(data: dict, *, brought: bool = False) -> set[str]:
    """The SHA-2 of each attachment the statement declares; with `brought`, only of those
    without a fileUrl, whose file had to come with the statement (Part Three 1.5.1)."""
    items = list(data.get("attachments") or [])
    obj = data.get("object") or {}
    if obj.get("objectType") == "SubStatement":
        items += obj.get("attachments") or []
    return {
        item["sha2"].lower()
        for item in items
        if isinstance(item, dict)
        and isinstance(item.get("sha2"), str)
        and not (brought and "fileUrl" in item)
    }


def attachments_carried(statements) -> dict[int | None, set[str]]:
    """The attachment files (SHA-2 per school id) that these statements carry: call before
    deleting them, and give the result to `attachments_release` after."""
    found: dict[int | None, set[str]] = {}
    for school_id, data in statements.filter(CARRYING_ATTACHMENTS).values_list("school_id", "data"):
        if hashes := _attachment_hashes(data):
            found.setdefault(school_id, set()).update(hashes)
    return found


def attachments_release(carried: dict[int | None, set[str]]) -> None:
    """Delete the files of `carried` that no statement still stored carries. The LRS keeps
    each file once however many statements carry it (Part Three 1.5.2), apart from them, so
    deleting statements (erasure, retention) would otherwise leave what a person sent, such
    as a photo of their work, behind for ever. A statement that names a file by its SHA-2
    with only a fileUrl keeps none: anyone who knows a pupil's file's hash can write one,
    and it would keep the pupil's file after the pupil is erased."""
    for school_id, hashes in carried.items():
        still = Statement.objects.filter(school_id=school_id).filter(CARRYING_ATTACHMENTS)
        for data in still.values_list("data", flat=True).iterator(chunk_size=500):
            hashes = hashes - _attachment_hashes(data, brought=True)
            if not hashes:
                break
        if hashes:
            AttachmentContent.objects.filter(school_id=school_id, sha2__in=hashes).delete()


# Documents: the State, Activity Profile and Agent Profile resources (Part Three 2.3-2.6).


def _document_key(*, kind, activity_iri="", agent_key="", registration="") -> dict:
    """`registration=None` (listing or deleting several states) means any registration."""
    return {
        "kind": kind,
        "activity_iri": activity_iri or "",
        "agent_key": agent_key or "",
        "registration": None if registration is None else registration or "",
    }


def _documents(school, key):
    from .models import Document

    qs = Document.objects.filter(**{k: v for k, v in key.items() if v is not None})
    return qs.filter(school=school) if school is not None else qs.filter(school__isnull=True)


def document_preconditions(existing, *, if_match, if_none_match, require: bool) -> None:
    """Part Three 1.1 "Concurrency": If-Match / If-None-Match, quoted SHA-1 ETags."""
    from .lrs.http import LrsError

    current = f'"{existing.etag}"' if existing is not None else None
    if if_match is not None:
        wanted = [tag.strip() for tag in if_match.split(",")]
        if current is None or (current not in wanted and "*" not in wanted):
            raise LrsError(412, "If-Match does not match the current document")
    if if_none_match is not None:
        # RFC 7232 3.2 (RFC 2616 14.26 as revised): If-None-Match compares weakly, so W/"x"
        # names the document whose ETag is "x" (a compressing proxy weakens the ETags it
        # passes on). If-Match compares strongly (3.1): a weak tag there matches nothing.
        wanted = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        if current is not None and ("*" in wanted or current in wanted):
            raise LrsError(412, "If-None-Match: the document already exists")
    if require and existing is not None and if_match is None and if_none_match is None:
        raise LrsError(
            409, "the document exists: send If-Match with its ETag (or If-None-Match: *)"
        )


@transaction.atomic
def document_save(
    *,
    school,
    key: dict,
    document_id: str,
    content: bytes,
    content_type: str,
    merge: bool,
    if_match: str | None = None,
    if_none_match: str | None = None,
    require_precondition: bool = False,
    capped: bool = False,
):
    """PUT (replace) or POST (merge JSON objects) one document; return it.

    `capped` (a learner's browser writing): the learner's documents may not grow past
    XAPI_LEARNER_DOCUMENTS_MAX documents or XAPI_LEARNER_DOCUMENT_BYTES_MAX bytes."""
    key = _document_key(**key)
    if capped:
        _learner_documents_lock(school, key["agent_key"])
    for attempt in range(2):
        existing = (
            _documents(school, key).filter(document_id=document_id).select_for_update().first()
        )
        try:
            # A savepoint: a request that created the same new document at the same moment
            # (two tabs saving a state) wins the unique constraint, and this one then goes
            # again against the document it made, as if it had come second, which it did.
            with transaction.atomic():
                return _document_write(
                    existing,
                    school=school,
                    key=key,
                    document_id=document_id,
                    content=content,
                    content_type=content_type,
                    merge=merge,
                    if_match=if_match,
                    if_none_match=if_none_match,
                    require_precondition=require_precondition,
                    capped=capped,
                )
        except IntegrityError:
            if existing is not None or attempt:
                raise


def _not_json(constant: str):
    raise ValueError(f"{constant} is not a JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is too large a number")
    return number


def _document_json(content: bytes):
    """A JSON document read as RFC 8259 has it: Python's parser also takes NaN and Infinity,
    and turns a number too large for a double into one, which a merge would then write back
    as no JSON parser outside Python reads (2.3 JSON Procedure: such a document is a 400)."""
    return json.loads(content.decode("utf-8"), parse_constant=_not_json, parse_float=_finite)


def _document_write(
    existing,
    *,
    school,
    key,
    document_id,
    content,
    content_type,
    merge,
    if_match,
    if_none_match,
    require_precondition,
    capped=False,
):
    """Check the preconditions against `existing` (None: there is no such document yet),
    then replace, merge into or create the document."""
    import json

    from .lrs.http import LrsError
    from .models import Document

    document_preconditions(
        existing,
        if_match=if_match,
        if_none_match=if_none_match,
        require=require_precondition and not merge,
    )
    is_json = content_type.startswith("application/json")
    if merge:
        # Part Three 2.3 "JSON Procedure with Requirements": merging needs JSON objects on
        # both sides; anything else is a 400.
        if not is_json:
            raise LrsError(400, "POST merges JSON documents: send application/json")
        try:
            incoming = _document_json(content)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise LrsError(400, "the document is not valid JSON") from None
        if not isinstance(incoming, dict):
            raise LrsError(400, "POST merges JSON objects; the document is not an object")
        if existing is not None:
            if not existing.content_type.startswith("application/json"):
                raise LrsError(400, "the stored document is not JSON, so it cannot be merged")
            try:
                stored = _document_json(bytes(existing.content))
            except (UnicodeDecodeError, ValueError, RecursionError):
                stored = None
            if not isinstance(stored, dict):
                raise LrsError(400, "the stored document is not a JSON object")
            stored.update(incoming)
            content = json.dumps(stored).encode()
    if capped:
        _learner_documents_check(existing, school=school, key=key, content=content)
    now = timezone.now()
    etag = Document.etag_for(content)
    if existing is None:
        return Document.objects.create(
            school=school,
            document_id=document_id,
            content=content,
            content_type=content_type or "application/octet-stream",
            etag=etag,
            updated=now,
            **key,
        )
    existing.content = content
    existing.content_type = content_type or existing.content_type
    existing.etag = etag
    existing.updated = now
    existing.save()
    return existing


def _learner_documents_lock(school, agent_key: str) -> None:
    """On PostgreSQL, lock (until the transaction ends) the learner's documents as a whole,
    so that two of their tabs saving at the same moment count and add up the documents one
    after the other: otherwise each counts before the other has written, and both pass the
    caps. SQLite writes one transaction at a time already."""
    if connection.vendor != "postgresql":
        return
    school_id = school.pk if school is not None else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"documents:{school_id}:{agent_key}"],
        )


def _learner_documents_check(existing, *, school, key, content: bytes) -> None:
    """Refuse a learner's browser a document that takes the learner's documents past the
    caps: how many (403, as anything else this client may not do) or how large together
    (413, Part Three 3.2: larger than the LRS allows)."""
    from django.db.models import Sum
    from django.db.models.functions import Length

    from .lrs.http import LrsError

    others = _documents(school, {"agent_key": key["agent_key"]})
    if existing is not None:
        others = others.exclude(pk=existing.pk)
    if existing is None and others.count() >= settings.XAPI_LEARNER_DOCUMENTS_MAX:
        raise LrsError(
            403,
            f"this learner already has {settings.XAPI_LEARNER_DOCUMENTS_MAX} documents, "
            "as many as the LRS keeps for one learner: delete one first",
        )
    used = others.aggregate(total=Sum(Length("content")))["total"] or 0
    if used + len(content) > settings.XAPI_LEARNER_DOCUMENT_BYTES_MAX:
        raise LrsError(
            413,
            f"this learner's documents would take more than the "
            f"{settings.XAPI_LEARNER_DOCUMENT_BYTES_MAX} bytes the LRS keeps for one learner",
        )


def documents_etag(documents) -> str:
    """The ETag of a list of document ids (Part Three 1.1; 2.0.0 4.1.4 "An LRS responding to
    a GET request shall add an ETag"): the SHA-1 of each listed document's registration, id
    and ETag, so it changes when any of them is saved, added or deleted. `documents`:
    (registration, document_id, etag) triples."""
    listed = json.dumps(sorted(documents)).encode()
    return hashlib.sha1(listed, usedforsecurity=False).hexdigest()


@transaction.atomic
def document_delete(
    *,
    school,
    key: dict,
    document_id: str | None,
    if_match: str | None = None,
    if_none_match: str | None = None,
    since=None,
) -> int:
    """Delete one document, or (State only, no stateId) all that match."""
    key = _document_key(**key)
    qs = _documents(school, key)
    if document_id is not None:
        existing = qs.filter(document_id=document_id).select_for_update().first()
        if if_match is not None or if_none_match is not None:
            # RFC 2616 14.24 and 14.26, which Part Three 3.1 follows: a failed precondition
            # is a 412 and the document stays.
            document_preconditions(
                existing, if_match=if_match, if_none_match=if_none_match, require=False
            )
        qs = qs.filter(document_id=document_id)
    elif if_match is not None or if_none_match is not None:
        # Every state of the context at once (Part Three 2.3): the headers are checked against
        # the ETag its list of ids is given, and a failed precondition deletes none of them.
        listed = qs.select_for_update().values_list("registration", "document_id", "etag")
        current = SimpleNamespace(etag=documents_etag(list(listed)))
        document_preconditions(
            current, if_match=if_match, if_none_match=if_none_match, require=False
        )
    return qs.delete()[0]


def documents_find(*, school, key: dict, since=None):
    qs = _documents(school, _document_key(**key))
    if since is not None:
        qs = qs.filter(updated__gt=since)
    return qs
