"""Reads of the Learning Record Store (xAPI 1.0.3 Part Three 2.1.3 "GET Statements").

Every filter is an indexed column (or the indexed relations table), and a query with
alternatives ("actor OR object", "object OR related activity") runs one ordered, limited
index scan per alternative and merges them, so a filtered page costs the same at a million
statements as at ten thousand.
"""

import heapq
import itertools
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber

from .models import ForwardingTarget, OutboxEntry, Statement, StatementRelation

FIELDS = ("id", "statement_id", "stored", "data", "voided")


@dataclass
class StatementFilter:
    """The filter parameters of GET Statements, already parsed and checked."""

    school: object
    agent_key: str | None = None
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: datetime | None = None
    until: datetime | None = None
    ascending: bool = False
    only_actor_key: str | None = None  # a learner's session sees only their own statements


def _school(qs, school):
    return qs.filter(school=school) if school is not None else qs.filter(school__isnull=True)


def statement_get(*, school, statement_id, voided: bool, only_actor_key=None) -> Statement | None:
    """One statement by id: a voided one only when asked for it (Part Three 2.1.3)."""
    qs = _school(Statement.objects.all(), school).filter(statement_id=statement_id, voided=voided)
    if only_actor_key:
        qs = qs.filter(actor_key=only_actor_key)
    return qs.first()


@dataclass(frozen=True)
class _Related:
    """A condition met through the relations table (context activities, other agents)."""

    kind: str
    key: str


def _alternatives(f: StatementFilter) -> list[list[dict | _Related]]:
    """The filter as AND of groups, each an OR of conditions: column lookups (a dict) or
    a relation (`_Related`)."""
    groups: list[list[dict | _Related]] = []
    if f.verb:
        groups.append([{"verb_iri": f.verb}])
    if f.registration:
        groups.append([{"registration": f.registration}])
    if f.only_actor_key:
        groups.append([{"actor_key": f.only_actor_key}])
    if f.activity:
        group: list = [{"object_iri": f.activity}]
        if f.related_activities:
            group.append(_Related("activity", f.activity))
        groups.append(group)
    if f.agent_key:
        # Part Three 2.1.3 "agent": "Groups that have members which match the specified Agent
        # ... are considered a match".
        group = [
            {"actor_key": f.agent_key},
            {"object_agent_key": f.agent_key},
            _Related("member", f.agent_key),
        ]
        if f.related_agents:
            group.append(_Related("agent", f.agent_key))
        groups.append(group)
    return groups


def _window(qs, f: StatementFilter, cursor, *, pk: str = "id"):
    if f.since:
        qs = qs.filter(stored__gt=f.since)
    if f.until:
        qs = qs.filter(stored__lte=f.until)
    if cursor:
        stored, last = cursor
        if f.ascending:
            qs = qs.filter(Q(stored__gt=stored) | Q(stored=stored, **{f"{pk}__gt": last}))
        else:
            qs = qs.filter(Q(stored__lt=stored) | Q(stored=stored, **{f"{pk}__lt": last}))
    order = ("stored", pk) if f.ascending else ("-stored", f"-{pk}")
    return qs.order_by(*order)


def _page(f: StatementFilter, combo, base, limit: int, cursor) -> list[Statement]:
    """One ordered, limited index scan for one combination of conditions."""
    columns = {}
    related = []
    for condition in combo:
        if isinstance(condition, _Related):
            related.append(condition)
        else:
            columns.update(condition)
    if not related:
        return list(_window(base.filter(voided=False, **columns), f, cursor)[: limit + 1])
    # Walk the relations index in `stored` order (a relation row carries its statement's
    # stored time), joining each to its statement: the cost follows the page size, not the
    # number of matching statements.
    first, *others = related
    qs = _school(StatementRelation.objects.all(), f.school).filter(
        kind=first.kind,
        key=first.key,
        statement__voided=False,
        **{f"statement__{k}": v for k, v in columns.items()},
    )
    for other in others:
        qs = qs.filter(
            Exists(
                StatementRelation.objects.filter(
                    statement_id=OuterRef("statement_id"), kind=other.kind, key=other.key
                )
            )
        )
    ids = list(
        _window(qs, f, cursor, pk="statement_id").values_list("statement_id", flat=True)[
            : limit + 1
        ]
    )
    return list(base.filter(pk__in=ids))


def _matches(combo) -> Q:
    """The combination as a condition on one statement (for the StatementRef lookup)."""
    q = Q()
    for condition in combo:
        if isinstance(condition, _Related):
            q &= Q(
                Exists(
                    StatementRelation.objects.filter(
                        statement_id=OuterRef("pk"), kind=condition.kind, key=condition.key
                    )
                )
            )
        else:
            q &= Q(**condition)
    return q


def statements_find(f: StatementFilter, *, limit: int, cursor=None) -> tuple[list, bool]:
    """A page of statements matching the filter (voided ones left out), and whether there
    are more. `cursor` is the (stored, id) of the last statement of the previous page."""
    base = _school(Statement.objects.all(), f.school).only(*FIELDS)
    groups = _alternatives(f)
    combos = list(itertools.product(*groups)) if groups else [()]
    pages = [_page(f, combo, base, limit, cursor) for combo in combos]
    # A learner's session without filters of its own already has all its statements.
    if groups and not (f.only_actor_key and len(groups) == 1):
        referring = _referring_to_matches(f, combos)
        if referring:
            refs = base.filter(voided=False, statement_id__in=referring)
            if f.only_actor_key:
                # A learner's session reads only its own statements, referring ones included
                # (each combination already asks the same of the statement referred to).
                refs = refs.filter(actor_key=f.only_actor_key)
            pages.append(list(_window(refs, f, cursor)[: limit + 1]))
    key = (
        (lambda r: (r.stored, r.id)) if f.ascending else (lambda r: (-r.stored.timestamp(), -r.id))
    )
    rows, seen = [], set()
    for row in heapq.merge(*[sorted(p, key=key) for p in pages], key=key):
        if row.id not in seen:
            seen.add(row.id)
            rows.append(row)
        if len(rows) > limit:
            break
    return rows[:limit], len(rows) > limit


# Ids per query when following references on, well inside every database's parameter limit.
_REF_BATCH = 500


def _referring_to_matches(f: StatementFilter, combos) -> set:
    """Part Three 2.1.3 "Filter Conditions for StatementRefs": a statement whose object is a
    StatementRef meets the filter when the statement it targets does, and "this rule applies
    recursively" (a targets b, which targets c, which matches). The ids of every such
    statement, voided ones included (the caller leaves those out of the page, but a chain may
    pass through one). Found from the (few) referring statements: first those whose target
    matches, checked by the targets' unique index, then, level by level, those that target
    one already found, until a level finds nothing new (a loop of references ends too)."""
    in_school = _school(Statement.objects.all(), f.school)
    targets = in_school.filter(
        _or([_matches(combo) for combo in combos]), statement_id=OuterRef("ref_statement_id")
    )
    found = set(
        in_school.filter(ref_statement_id__isnull=False)
        .filter(Exists(targets))
        .values_list("statement_id", flat=True)
    )
    level = found
    while level:
        batch, level = list(level), set()
        for start in range(0, len(batch), _REF_BATCH):
            level.update(
                in_school.filter(
                    ref_statement_id__in=batch[start : start + _REF_BATCH]
                ).values_list("statement_id", flat=True)
            )
        level -= found
        found |= level
    return found


def _or(qs: list[Q]) -> Q:
    out = qs[0]
    for q in qs[1:]:
        out |= q
    return out


DEFINITION_STATEMENTS = 20
DEFINITION_ORDER = ("-stored", "-id")


def _latest_about(school, activity_iri: str):
    """The latest statements whose object is the activity, newest first."""
    qs = _school(Statement.objects.filter(object_iri=activity_iri), school)
    return qs.order_by(*DEFINITION_ORDER)[:DEFINITION_STATEMENTS]


def _latest_mentioning(school, activity_iris) -> dict[str, list[tuple]]:
    """For each activity, (stored, id, data) of the latest statements that name it other
    than as their object (a context activity, or inside a SubStatement object: the relations
    table's "activity" rows), newest first. Two queries however many activities."""
    latest = (
        _school(StatementRelation.objects.filter(kind="activity", key__in=activity_iris), school)
        .annotate(
            latest=Window(RowNumber(), partition_by=F("key"), order_by=("-stored", "-statement_id"))
        )
        .filter(latest__lte=DEFINITION_STATEMENTS)
        .values_list("key", "statement_id")
    )
    keys_by_statement: dict[int, list[str]] = {}
    for key, statement_id in latest:
        keys_by_statement.setdefault(statement_id, []).append(key)
    found: dict[str, list[tuple]] = {}
    rows = Statement.objects.filter(pk__in=list(keys_by_statement)).values_list(
        "stored", "id", "data"
    )
    for row in rows:
        for key in keys_by_statement[row[1]]:
            found.setdefault(key, []).append(row)
    return found


def _newest_first(*rows: list[tuple]) -> list[dict]:
    """The data of (stored, id, data) rows from several queries, newest first, each once."""
    merged = sorted(
        {row[1]: row for batch in rows for row in batch}.values(),
        reverse=True,
        key=lambda row: (row[0], row[1]),
    )
    return [data for _stored, _id, data in merged[:DEFINITION_STATEMENTS]]


def _definitions_given(data: dict, activity_iri: str) -> list[dict]:
    """The definitions a statement gives the activity: as its object, as a context activity,
    and the same inside a SubStatement object (Part Two 2.4.4.1: any Activity Object)."""
    found = []
    for statement in (data, data.get("object") or {}):
        obj = statement.get("object") or {}
        if obj.get("objectType", "Activity") == "Activity" and obj.get("id") == activity_iri:
            found.append(obj.get("definition") or {})
        context = statement.get("context") or {}
        for activities in (context.get("contextActivities") or {}).values():
            for activity in activities if isinstance(activities, list) else [activities]:
                if isinstance(activity, dict) and activity.get("id") == activity_iri:
                    found.append(activity.get("definition") or {})
        if (data.get("object") or {}).get("objectType") != "SubStatement":
            break
    return found


# The language maps of an Activity Definition (Part Two 2.4.4.1); extensions are keyed by
# IRIs, which are not case-insensitive.
_LANGUAGE_MAPS = ("name", "description")


def _definition_merged(datas, activity_iri: str) -> dict:
    """An activity's definition as the latest of these statements (newest first) gave it."""
    definition: dict = {}
    given = (found for data in datas for found in _definitions_given(data, activity_iri))
    for given_definition in given:
        for key, value in given_definition.items():
            if key in _LANGUAGE_MAPS and isinstance(value, dict) and key in definition:
                # RFC 5646 2.1.1: language tags are case-insensitive, so a newer "en-us"
                # replaces an older "en-US" rather than standing beside it.
                newer = {tag.lower() for tag in definition[key]}
                older = {t: text for t, text in value.items() if t.lower() not in newer}
                definition[key] = {**older, **definition[key]}
            elif isinstance(value, dict) and isinstance(definition.get(key), dict):
                definition[key] = {**value, **definition[key]}
            else:
                definition.setdefault(key, value)
    return definition


def _latest_definition(*, school, activity_iri: str) -> tuple[bool, dict]:
    """Whether a statement has the activity as its object, and the activity's definition as
    the latest statements naming it (as their object, in context or in a SubStatement) gave
    it."""
    about = list(_latest_about(school, activity_iri).values_list("stored", "id", "data"))
    mentioning = _latest_mentioning(school, [activity_iri]).get(activity_iri, [])
    datas = _newest_first(about, mentioning)
    return bool(about), _definition_merged(datas, activity_iri)


def activity_definitions(*, school, activity_iris) -> dict[str, dict]:
    """The canonical definition of each of these activities that has one (the one the
    Activities resource gives), for GET Statements' canonical format (Part Three 2.1.3).
    One query for a whole page: the latest statements about each activity, each activity's
    read by its own ordered, limited index scan where the database allows it."""
    iris = list(dict.fromkeys(activity_iris))
    if not iris:
        return {}
    fields = ("object_iri", "stored", "id", "data")
    if connection.features.supports_slicing_ordering_in_compound:
        branches = [_latest_about(school, iri).values_list(*fields) for iri in iris]
        rows = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    else:
        rows = (
            _school(Statement.objects.filter(object_iri__in=iris), school)
            .annotate(
                latest=Window(RowNumber(), partition_by=F("object_iri"), order_by=DEFINITION_ORDER)
            )
            .filter(latest__lte=DEFINITION_STATEMENTS)
            .order_by("object_iri", *DEFINITION_ORDER)
            .values_list(*fields)
        )
    found: dict[str, list[tuple]] = {}
    for iri, *row in rows:
        found.setdefault(iri, []).append(tuple(row))
    # An activity named in context (a lesson's course) has its definition there.
    mentioning = _latest_mentioning(school, iris)
    definitions = {}
    for iri in iris:
        datas = _newest_first(found.get(iri, []), mentioning.get(iri, []))
        definition = _definition_merged(datas, iri)
        if definition:
            definitions[iri] = definition
    return definitions


def activity_definition(*, school, activity_iri: str) -> dict | None:
    """The Activity with its latest definition as statements gave it (Part Three 2.5)."""
    found, definition = _latest_definition(school=school, activity_iri=activity_iri)
    if not found:
        found = _school(
            StatementRelation.objects.filter(kind="activity", key=activity_iri), school
        ).exists()
    if not found:
        return None
    activity = {"objectType": "Activity", "id": activity_iri}
    if definition:
        activity["definition"] = definition
    return activity


def _held_by_targets():
    # The outbox entries counted as sent (`targets_holding_copies`), from a target or a
    # statement.
    return Q(outbox__status__in=[OutboxEntry.Status.SENT, OutboxEntry.Status.SENDING]) | Q(
        outbox__attempts__gt=0
    )


def identifier_at_targets(*, learner) -> str:
    """The identifier the copies other LRSs hold of `learner`'s statements carry, as an
    Agent names them: their opaque account name, or (a member of staff of a school naming
    staff by email) their `mbox`. What the statements were sent under, which may not be how
    they would be named now (an address changed since, or the school's choice did); several
    are listed together. How they are named now if nothing was sent."""
    from schools.roles import Role, roles_of

    from .identity import actor_for

    if Role.PUPIL in roles_of(learner):
        keys = []  # forwarding always names a pupil by their opaque account (`_outgoing`)
    else:
        keys = (
            Statement.objects.filter(_held_by_targets(), learner=learner)
            .values_list("actor_key", flat=True)
            .distinct()
        )
    found = sorted(
        {
            key.split("|", 1)[1] if key.startswith("account:") else key.split(":", 1)[1]
            for key in keys
        }
    )
    if found:
        return ", ".join(found)
    actor = actor_for(learner)
    return actor["account"]["name"] if "account" in actor else actor["mbox"]


def targets_holding_copies_of(*, learners) -> dict[int, list[ForwardingTarget]]:
    """`targets_holding_copies` for several learners at once (by learner id; those whose
    statements went nowhere are left out): two queries, however many learners."""
    pairs = set(
        OutboxEntry.objects.filter(
            Q(status__in=[OutboxEntry.Status.SENT, OutboxEntry.Status.SENDING]) | Q(attempts__gt=0),
            statement__learner__in=learners,
        )
        .values_list("statement__learner_id", "target_id")
        .distinct()
    )
    targets = ForwardingTarget.objects.in_bulk({target_id for _learner, target_id in pairs})
    found: dict[int, list[ForwardingTarget]] = {}
    for learner_id, target_id in pairs:
        found.setdefault(learner_id, []).append(targets[target_id])
    return {pk: sorted(held, key=lambda target: target.name) for pk, held in found.items()}


def targets_holding_copies(*, learner) -> list[ForwardingTarget]:
    """The forwarding targets (other LRSs) that may hold statements by `learner`: copies that
    erasing the learner here cannot reach. By name. Every target a statement was sent to
    counts, whatever came back: one sent, being sent, or tried before (an answer that timed
    out may follow a statement that arrived; a 409 means the target holds one by that id)."""
    return list(
        ForwardingTarget.objects.filter(_held_by_targets(), outbox__statement__learner=learner)
        .distinct()
        .order_by("name")
    )
