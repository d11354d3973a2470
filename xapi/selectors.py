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

from django.db.models import Q

from .models import Statement, StatementRelation

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


def _related(school, kind: str, key: str):
    return _school(StatementRelation.objects.filter(kind=kind, key=key), school).values(
        "statement_id"
    )


def _alternatives(f: StatementFilter) -> list[list[Q]]:
    """The filter as AND of groups, each group an OR of indexed conditions."""
    groups: list[list[Q]] = []
    if f.verb:
        groups.append([Q(verb_iri=f.verb)])
    if f.registration:
        groups.append([Q(registration=f.registration)])
    if f.only_actor_key:
        groups.append([Q(actor_key=f.only_actor_key)])
    if f.activity:
        group = [Q(object_iri=f.activity)]
        if f.related_activities:
            group.append(Q(pk__in=_related(f.school, "activity", f.activity)))
        groups.append(group)
    if f.agent_key:
        group = [Q(actor_key=f.agent_key), Q(object_agent_key=f.agent_key)]
        if f.related_agents:
            group.append(Q(pk__in=_related(f.school, "agent", f.agent_key)))
        groups.append(group)
    return groups


def _window(qs, f: StatementFilter, cursor):
    if f.since:
        qs = qs.filter(stored__gt=f.since)
    if f.until:
        qs = qs.filter(stored__lte=f.until)
    if cursor:
        stored, pk = cursor
        if f.ascending:
            qs = qs.filter(Q(stored__gt=stored) | Q(stored=stored, id__gt=pk))
        else:
            qs = qs.filter(Q(stored__lt=stored) | Q(stored=stored, id__lt=pk))
    order = ("stored", "id") if f.ascending else ("-stored", "-id")
    return qs.order_by(*order)


def statements_find(f: StatementFilter, *, limit: int, cursor=None) -> tuple[list, bool]:
    """A page of statements matching the filter (voided ones left out), and whether there
    are more. `cursor` is the (stored, id) of the last statement of the previous page."""
    base = _school(Statement.objects.all(), f.school).only(*FIELDS)
    groups = _alternatives(f)
    combos = [Q()] if not groups else [_and(combo) for combo in itertools.product(*groups)]
    querysets = [_window(base.filter(q, voided=False), f, cursor) for q in combos]
    if groups and not f.only_actor_key:
        # Part Three 2.1.3 "Filter Conditions for StatementRefs": statements that refer to a
        # matching statement are returned too (one level deep), whatever their own fields.
        matching = _school(Statement.objects.all(), f.school).filter(
            _or([_and(combo) for combo in itertools.product(*groups)])
        )
        refs = base.filter(
            voided=False,
            ref_statement_id__isnull=False,
            ref_statement_id__in=matching.values("statement_id"),
        )
        querysets.append(_window(refs, f, cursor))
    pages = [list(qs[: limit + 1]) for qs in querysets]
    if len(pages) == 1:
        rows = pages[0]
    else:
        key = (
            (lambda r: (r.stored, r.id))
            if f.ascending
            else (lambda r: (-r.stored.timestamp(), -r.id))
        )
        rows, seen = [], set()
        for row in heapq.merge(*pages, key=key):
            if row.id not in seen:
                seen.add(row.id)
                rows.append(row)
            if len(rows) > limit:
                break
    return rows[:limit], len(rows) > limit


def _and(qs: tuple[Q, ...]) -> Q:
    out = Q()
    for q in qs:
        out &= q
    return out


def _or(qs: list[Q]) -> Q:
    out = qs[0]
    for q in qs[1:]:
        out |= q
    return out


def activity_definition(*, school, activity_iri: str) -> dict | None:
    """The Activity with its latest definition as statements gave it (Part Three 2.5)."""
    qs = _school(Statement.objects.filter(object_iri=activity_iri), school)
    definition: dict = {}
    found = False
    for data in qs.order_by("-stored", "-id").values_list("data", flat=True)[:20]:
        found = True
        for key, value in ((data.get("object") or {}).get("definition") or {}).items():
            if isinstance(value, dict) and isinstance(definition.get(key), dict):
                definition[key] = {**value, **definition[key]}
            else:
                definition.setdefault(key, value)
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
