"""Project stored xAPI statements into learning records.

Called by `xapi.services.record()` inside its transaction (DESIGN.md: one path for every
learning event), and by `manage.py rebuild_records`. Idempotent: projecting a statement twice
changes nothing (completions are keyed by statement id; summaries keep minimum and maximum
times), and the order statements arrive in does not matter.

A statement counts as a completion of its object when its verb is `completed` or `passed`, or
its result says `completion: true` (as H5P content does on its root activity). `failed`
never completes anything. A `voided` statement (xAPI 1.0.3 §2.2.6 "Voided") takes back
what its target made: its completion and the times it touched its activities.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from django.db import connection, transaction
from django.db.models import Max, Min, Q

from xapi.identity import actor_key
from xapi.recordsets import recordset

from .models import Completion, LearnerActivity

VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_PASSED = "http://adlnet.gov/expapi/verbs/passed"
VERB_FAILED = "http://adlnet.gov/expapi/verbs/failed"
VERB_VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def is_completion(statement: dict) -> bool:
    """Does this statement say its actor completed its object? Pure."""
    verb = statement.get("verb", {}).get("id")
    if verb in (VERB_FAILED, VERB_VOIDED):
        return False
    if statement.get("object", {}).get("objectType", "Activity") != "Activity":
        return False
    if verb in (VERB_COMPLETED, VERB_PASSED):
        return True
    return (statement.get("result") or {}).get("completion") is True


def voided_statement_id(statement: dict) -> str | None:
    """The id a voiding statement voids (xAPI 1.0.3 §2.2.6), or None. Pure."""
    if statement.get("verb", {}).get("id") != VERB_VOIDED:
        return None
    target = statement.get("object", {})
    if target.get("objectType") != "StatementRef":
        return None
    return target.get("id")


def touched_activity_iris(statement: dict) -> list[str]:
    """The activities a statement is about: its object and, from contextActivities
    (xAPI 1.0.3 §4.1.6.2), its parents and groupings (the module and the course). Pure."""
    iris: list[str] = []
    target = statement.get("object", {})
    if target.get("objectType", "Activity") == "Activity" and target.get("id"):
        iris.append(target["id"])
    context_activities = (statement.get("context") or {}).get("contextActivities") or {}
    for key in ("parent", "grouping"):
        value = context_activities.get(key) or []
        # 0.95-style single objects are still sent by some content; accept both forms.
        for activity in value if isinstance(value, list) else [value]:
            iri = activity.get("id") if isinstance(activity, dict) else None
            if iri and iri not in iris:
                iris.append(iri)
    return iris


def _when(statement: dict) -> datetime:
    """When the statement happened: its timestamp, but never after the LRS stored it. A
    device or tool whose clock runs fast would otherwise date a completion in the future
    (counting it as done after a renewal required later, or on a certificate)."""
    timestamp = _parsed(statement.get("timestamp"))
    stored = _parsed(statement.get("stored"))
    if timestamp is None and stored is None:
        raise ValueError("statement has neither timestamp nor stored")
    if timestamp is None or (stored is not None and stored < timestamp):
        return stored
    return timestamp


def _parsed(value) -> datetime | None:
    # Read as the LRS validated it: RFC 3339 allows a lower-case "z", which Django's
    # parse_datetime does not know.
    parsed = datetime.fromisoformat(value.replace("z", "Z")) if isinstance(value, str) else value
    if parsed is not None and parsed.tzinfo is None:
        # xAPI 1.0.3 Part Two 4.1.7: a timestamp without a zone is in UTC (as the LRS reads
        # it for its own columns), not in the site's time zone.
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _earliest(a, b):
    return b if a is None or (b is not None and b < a) else a


def _latest(a, b):
    return b if a is None or (b is not None and b > a) else a


@dataclass(frozen=True)
class Projection:
    """What a batch of statements does to records, before knowing their learners. Pure.

    `touches`: (statement id, activity IRI, when seen, when completed or None) for every
    activity a statement is about; `completions`: (statement id, activity IRI, registration,
    when, success, scaled score) for every completing statement; `voided`: the ids of the
    statements that voiding statements void.
    """

    touches: list[tuple[uuid.UUID, str, datetime, datetime | None]] = field(default_factory=list)
    completions: list[tuple] = field(default_factory=list)
    voided: list[uuid.UUID] = field(default_factory=list)


def projection_of(statements: Iterable[dict]) -> Projection:
    """The records these statements make, keyed by statement id (see `Projection`). Pure."""
    projection = Projection()
    for statement in statements:
        voided_id = voided_statement_id(statement)
        if voided_id:
            projection.voided.append(uuid.UUID(str(voided_id)))
            continue
        statement_id = uuid.UUID(str(statement["id"]))
        when = _when(statement)
        completes = is_completion(statement)
        object_iri = statement.get("object", {}).get("id")
        for iri in touched_activity_iris(statement):
            finished = when if completes and iri == object_iri else None
            projection.touches.append((statement_id, iri, when, finished))
        if completes:
            result = statement.get("result") or {}
            registration = (statement.get("context") or {}).get("registration")
            projection.completions.append(
                (
                    statement_id,
                    object_iri,
                    uuid.UUID(registration) if registration else None,
                    when,
                    result.get("success"),
                    (result.get("score") or {}).get("scaled"),
                )
            )
    return projection


def completions_project(*, statements: Iterable[dict], learners_by_key: dict) -> int:
    """Project statements whose actor is a known learner into Completion and LearnerActivity.

    `learners_by_key` maps an actor key (see `xapi.identity.actor_key`) to a user or a user's
    primary key; the caller resolves actors because it knows the school's identity settings.
    Returns the number of statements that were completions (whether or not already
    projected). On PostgreSQL, `record()` does the same inside its insert (`projection_sql`).
    """
    statements = list(statements)
    learner_of: dict[uuid.UUID, int] = {}
    for statement in statements:
        learner = learners_by_key.get(actor_key(statement.get("actor", {})))
        if learner is not None and not voided_statement_id(statement):
            learner_of[uuid.UUID(str(statement["id"]))] = getattr(learner, "pk", learner)
    projection = projection_of(statements)
    # (learner_id, iri) -> [first_seen, last_seen, first_completed, last_completed]
    summaries: dict[tuple[int, str], list] = {}
    for statement_id, iri, seen, finished in projection.touches:
        if statement_id not in learner_of:
            continue
        entry = summaries.setdefault((learner_of[statement_id], iri), [None, None, None, None])
        entry[0] = _earliest(entry[0], seen)
        entry[1] = _latest(entry[1], seen)
        entry[2] = _earliest(entry[2], finished)
        entry[3] = _latest(entry[3], finished)
    completions = [
        Completion(
            learner_id=learner_of[statement_id],
            activity_iri=iri,
            statement_id=statement_id,
            registration=registration,
            completed_at=when,
            success=success,
            score_scaled=score,
        )
        for statement_id, iri, registration, when, success, score in projection.completions
        if statement_id in learner_of
    ]
    count = len(completions)
    # Every completion touches its object, so there are summaries whenever there are
    # completions; on PostgreSQL they are written in one statement (one round trip).
    if completions and not (connection.vendor == "postgresql" and count <= 500):
        Completion.objects.bulk_create(completions, ignore_conflicts=True)
        completions = []
    if summaries:
        _summaries_merge(summaries, completions)
    if projection.voided:
        completions_void(statement_ids=projection.voided)
    return count


@cache
def projection_sql(new: str = "new") -> str:
    """PostgreSQL: `WITH` items that write a projection (its `projection_params`) for the
    statements a data-modifying CTE named `new` (columns `statement_id`, `learner_id`)
    inserted, so that `record()` stores statements and their records in one statement.
    Statements without a learner, or not inserted (already stored), project nothing, as in
    `completions_project`. The text is the same for every batch."""
    completion_table = Completion._meta.db_table
    summary_table = LearnerActivity._meta.db_table

    def widen(func: str, column: str) -> str:
        return (
            f"{column} = {func}(COALESCE({summary_table}.{column}, excluded.{column}), "
            f"COALESCE(excluded.{column}, {summary_table}.{column}))"
        )

    sql = f"""
projected_completions AS (
    INSERT INTO {completion_table} ({", ".join(_COMPLETION_COLUMNS)})
    SELECT n.learner_id, c.iri, c.sid, c.registration, c.completed_at, c.success, c.score
    FROM {new} n JOIN jsonb_to_recordset(%s::jsonb) AS c(sid uuid, iri text,
        registration uuid, completed_at timestamptz, success boolean, score float8)
        ON c.sid = n.statement_id
    WHERE n.learner_id IS NOT NULL
    ON CONFLICT (statement_id) DO NOTHING
), projected_summaries AS (
    INSERT INTO {summary_table} (learner_id, activity_iri, first_seen_at, last_seen_at,
        first_completed_at, last_completed_at)
    SELECT n.learner_id, t.iri, min(t.seen), max(t.seen), min(t.finished), max(t.finished)
    FROM {new} n JOIN jsonb_to_recordset(%s::jsonb)
        AS t(sid uuid, iri text, seen timestamptz, finished timestamptz) ON t.sid = n.statement_id
    WHERE n.learner_id IS NOT NULL
    GROUP BY n.learner_id, t.iri
    ON CONFLICT (learner_id, activity_iri) DO UPDATE SET
        {widen("LEAST", "first_seen_at")}, {widen("GREATEST", "last_seen_at")},
        {widen("LEAST", "first_completed_at")}, {widen("GREATEST", "last_completed_at")}
)"""  # noqa: S608 (only the models' own table and column names are interpolated)
    return sql


def projection_params(projection: Projection) -> list[str]:
    """The parameters of `projection_sql` for `projection`: JSON recordsets
    (`xapi.recordsets`)."""
    return [
        recordset(
            ("sid", "iri", "registration", "completed_at", "success", "score"),
            projection.completions,
        ),
        recordset(("sid", "iri", "seen", "finished"), projection.touches),
    ]


_COMPLETION_COLUMNS = (
    "learner_id",
    "activity_iri",
    "statement_id",
    "registration",
    "completed_at",
    "success",
    "score_scaled",
)


def _completions_cte(completions: list[Completion]) -> tuple[str, list]:
    """`WITH` clause inserting these completions (skipping statement ids already projected),
    to run in the same PostgreSQL statement as a summary upsert: one round trip for both."""
    adapt = connection.ops.adapt_datetimefield_value
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(completions))
    params: list = []
    for c in completions:
        params += [
            c.learner_id,
            c.activity_iri,
            c.statement_id,
            c.registration,
            adapt(c.completed_at),
            c.success,
            c.score_scaled,
        ]
    table = Completion._meta.db_table
    sql = (
        f"WITH new_completions AS (INSERT INTO {table} ({', '.join(_COMPLETION_COLUMNS)}) "  # noqa: S608
        f"VALUES {values} ON CONFLICT (statement_id) DO NOTHING) "
    )
    return sql, params


def _summaries_merge(
    summaries: dict[tuple[int, str], list], completions: list[Completion] | None = None
) -> None:
    """Fold this batch's times into LearnerActivity rows, keeping minimum and maximum, and
    (PostgreSQL) insert `completions` in the same statement as the first rows.

    One atomic upsert per few hundred rows (INSERT ... ON CONFLICT DO UPDATE, on SQLite and
    PostgreSQL alike): concurrent requests for the same learner can never lose a time, and
    no row is read into Python first.
    """
    table = LearnerActivity._meta.db_table
    least, greatest = ("LEAST", "GREATEST") if connection.vendor == "postgresql" else ("MIN", "MAX")

    def widen(func: str, column: str) -> str:
        # COALESCE on both sides: NULL means "never", and must not win or lose the comparison.
        return (
            f"{column} = {func}(COALESCE({table}.{column}, excluded.{column}), "
            f"COALESCE(excluded.{column}, {table}.{column}))"
        )

    adapt = connection.ops.adapt_datetimefield_value
    items = list(summaries.items())
    with connection.cursor() as cursor:
        for start in range(0, len(items), 500):
            chunk = items[start : start + 500]
            params: list = []
            for (learner_id, iri), times in chunk:
                params += [learner_id, iri, *(adapt(t) for t in times)]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
            prefix = ""
            if start == 0 and completions:
                prefix, completion_params = _completions_cte(completions)
                params = completion_params + params
            cursor.execute(
                f"{prefix}INSERT INTO {table} (learner_id, activity_iri, "  # noqa: S608
                f"first_seen_at, last_seen_at, first_completed_at, last_completed_at) "
                f"VALUES {values} "
                f"ON CONFLICT (learner_id, activity_iri) DO UPDATE SET "
                f"{widen(least, 'first_seen_at')}, {widen(greatest, 'last_seen_at')}, "
                f"{widen(least, 'first_completed_at')}, {widen(greatest, 'last_completed_at')}",
                params,
            )


def completions_void(*, statement_ids: list[uuid.UUID]) -> None:
    """Take back what these statements made: their completions, and the times they touched
    their activities. The summaries they fed are worked out again from the statements that
    stand, so a learner whose only statement about a course was voided is no longer "in
    progress" on it, as if the voided statement had never arrived (xAPI 1.0.3 §2.2.6: a
    voided statement never counts again).

    Only statements the LRS marked voided count: it marks those of the voiding statement's
    own school, so a statement id sent by another school's tool removes nothing."""
    from xapi.models import Statement

    voided = Statement.objects.filter(statement_id__in=statement_ids, voided=True)
    pairs = {
        (learner_id, iri)
        for learner_id, data in voided.filter(learner__isnull=False).values_list(
            "learner_id", "data"
        )
        for iri in touched_activity_iris(data)
    }
    completions = Completion.objects.filter(statement_id__in=voided.values("statement_id"))
    pairs |= set(completions.values_list("learner_id", "activity_iri"))
    if not pairs:
        return
    # A lesson removed from a year group voids hundreds at once: the times left are read and
    # written for a few hundred learners at a time, not with queries for each.
    learner_ids = sorted({learner_id for learner_id, _iri in pairs})
    iris = sorted({iri for _learner_id, iri in pairs})
    with transaction.atomic(savepoint=False):
        completions.delete()
        for start in range(0, len(learner_ids), 500):
            _summaries_recount(learner_ids[start : start + 500], iris=iris, pairs=pairs)


def _summaries_recount(
    learner_ids: list[int], *, iris: list[str], pairs: set[tuple[int, str]]
) -> None:
    """Work out again the summaries of `pairs` (of these learners) from the statements and
    completions that stand; a summary nothing stands for any more goes. The summaries are
    locked first: a statement recorded meanwhile on another connection waits to widen them
    until these are written, or was committed before and is counted here."""
    summaries = [
        summary
        for summary in LearnerActivity.objects.filter(
            learner_id__in=learner_ids, activity_iri__in=iris
        )
        .select_for_update()
        .only("pk", "learner_id", "activity_iri")
        if (summary.learner_id, summary.activity_iri) in pairs
    ]
    if not summaries:
        return
    seen = _seen_by_standing_statements(learner_ids=learner_ids, iris=iris, pairs=pairs)
    remaining = {
        (row["learner_id"], row["activity_iri"]): (row["first"], row["last"])
        for row in Completion.objects.filter(learner_id__in=learner_ids, activity_iri__in=iris)
        .order_by()
        .values("learner_id", "activity_iri")
        .annotate(first=Min("completed_at"), last=Max("completed_at"))
    }
    kept, gone = [], []
    for summary in summaries:
        key = (summary.learner_id, summary.activity_iri)
        completed = remaining.get(key, (None, None))
        # A completion is always seen by its own statement; the fallback keeps one whose
        # statement the LRS no longer links to its learner.
        first_seen, last_seen = seen.get(key) or completed
        if first_seen is None:
            gone.append(summary.pk)
            continue
        summary.first_seen_at, summary.last_seen_at = first_seen, last_seen
        summary.first_completed_at, summary.last_completed_at = completed
        kept.append(summary)
    if gone:
        LearnerActivity.objects.filter(pk__in=gone).delete()
    LearnerActivity.objects.bulk_update(
        kept,
        ["first_seen_at", "last_seen_at", "first_completed_at", "last_completed_at"],
        batch_size=500,
    )


def _seen_by_standing_statements(
    *, learner_ids: list[int], iris: list[str], pairs: set[tuple[int, str]]
) -> dict[tuple[int, str], tuple[datetime, datetime]]:
    """(first, last) time each (learner, activity) of `pairs` was touched by a statement
    that stands (not voided), as the projection counts touches: its object, or a parent or
    grouping in its context. One query."""
    from xapi.models import Statement, StatementRelation

    in_context = StatementRelation.objects.filter(
        kind=StatementRelation.Kind.ACTIVITY,
        key__in=iris,
        statement__learner_id__in=learner_ids,
    ).values("statement_id")
    standing = Statement.objects.filter(learner_id__in=learner_ids, voided=False).filter(
        Q(object_iri__in=iris) | Q(pk__in=in_context)
    )
    seen: dict[tuple[int, str], tuple[datetime, datetime]] = {}
    for learner_id, data in standing.values_list("learner_id", "data"):
        for _statement_id, iri, when, _finished in projection_of([data]).touches:
            key = (learner_id, iri)
            if key in pairs:
                first, last = seen.get(key, (None, None))
                seen[key] = (_earliest(first, when), _latest(last, when))
    return seen
