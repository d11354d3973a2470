"""Fill the LRS tables fast, server-side (INSERT ... SELECT FROM generate_series), with
statements shaped like the product's: module and course activities, registrations, learners
as opaque accounts, and their context relations."""

import time

import psycopg

from .server import DATABASE_URL, SITE_URL

VERBS = [
    "http://adlnet.gov/expapi/verbs/experienced",
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/answered",
    "http://adlnet.gov/expapi/verbs/progressed",
    "http://adlnet.gov/expapi/verbs/passed",
]
LEARNERS = 300
MODULES = 400
COURSES = 40
REGISTRATIONS = 400


def _md5_uuid(text: str) -> str:
    import hashlib
    import uuid

    return str(uuid.UUID(hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()))


def module_iri(n: int) -> str:
    """The IRI of module number n, as the preload names it (md5-based UUIDs)."""
    return f"{SITE_URL}/xapi/activities/module/{_md5_uuid(f'm{n % MODULES}')}"


def course_iri(n: int) -> str:
    return f"{SITE_URL}/xapi/activities/course/{_md5_uuid(f'c{n % COURSES}')}"


def learner_agent(n: int) -> dict:
    return {
        "objectType": "Agent",
        "account": {"homePage": SITE_URL, "name": _md5_uuid(f"a{n % LEARNERS}")},
    }


def registration(n: int) -> str:
    """Registration number n as the preload stores it (an md5, not an RFC 4122 UUID)."""
    return _md5_uuid(f"r{n % REGISTRATIONS}")


def registration_for_posting(n: int) -> str:
    """A valid (RFC 4122, version 4) registration for statements the benchmark POSTs."""
    import uuid

    return str(uuid.UUID(_md5_uuid(f"r{n % REGISTRATIONS}"), version=4))


STATEMENTS_SQL = f"""
WITH inserted AS (
INSERT INTO xapi_statement (statement_id, school_id, learner_id, actor_key, verb_iri,
    object_type, object_iri, object_agent_key, ref_statement_id, registration, timestamp,
    stored, voided, version, data)
SELECT s.id, %(school)s, NULL, 'account:{SITE_URL}|' || s.actor, s.verb, 'Activity', s.obj,
    '', NULL, s.reg, s.at, s.at, false, '1.0.0',
    jsonb_build_object(
        'id', s.id,
        'actor', jsonb_build_object('objectType', 'Agent', 'account',
            jsonb_build_object('homePage', '{SITE_URL}', 'name', s.actor)),
        'verb', jsonb_build_object('id', s.verb, 'display',
            jsonb_build_object('en-GB', split_part(s.verb, '/', 6))),
        'object', jsonb_build_object('objectType', 'Activity', 'id', s.obj, 'definition',
            jsonb_build_object('type', 'http://adlnet.gov/expapi/activities/module',
                'name', jsonb_build_object('en-GB', 'Module ' || (s.g %% {MODULES})))),
        'context', jsonb_build_object(
            'registration', s.reg, 'language', 'en-GB',
            'contextActivities', jsonb_build_object(
                'parent', jsonb_build_array(
                    jsonb_build_object('objectType', 'Activity', 'id', s.course)),
                'grouping', jsonb_build_array(
                    jsonb_build_object('objectType', 'Activity', 'id', s.course)),
                'category', jsonb_build_array(jsonb_build_object('objectType', 'Activity',
                    'id', '{SITE_URL}/xapi/profile/')))),
        'result', jsonb_build_object('completion', true),
        'timestamp', to_char(s.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'stored', to_char(s.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'authority', jsonb_build_object('objectType', 'Agent', 'name', 'bench', 'account',
            jsonb_build_object('homePage', '{SITE_URL}/xapi/clients', 'name', 'bench')),
        'version', '1.0.0')
FROM (
    SELECT g,
        md5('s' || g)::uuid AS id,
        md5('a' || (g %% {LEARNERS}))::uuid::text AS actor,
        (ARRAY{VERBS!r})[1 + g %% {len(VERBS)}] AS verb,
        '{SITE_URL}/xapi/activities/module/' || md5('m' || (g %% {MODULES}))::uuid AS obj,
        '{SITE_URL}/xapi/activities/course/' || md5('c' || (g %% {COURSES}))::uuid AS course,
        md5('r' || (g %% {REGISTRATIONS}))::uuid AS reg,
        now() - interval '30 days' + (g * interval '1 millisecond') AS at
    FROM generate_series(%(start)s::bigint, %(end)s::bigint) AS g
) AS s
RETURNING id, school_id, stored, data #>> '{{context,contextActivities,grouping,0,id}}' AS course
)
-- The course (parent and grouping) and our profile (category), as record() relates them.
INSERT INTO xapi_statementrelation (statement_id, school_id, kind, key, stored)
SELECT inserted.id, inserted.school_id, 'activity', r.key, inserted.stored
FROM inserted CROSS JOIN LATERAL (VALUES (inserted.course), ('{SITE_URL}/xapi/profile/')) AS r(key)
"""  # noqa: S608 (constants only: no outside input)


def preload(*, school_id: int, start: int, end: int, chunk: int = 250_000) -> float:
    """Insert statements number start..end (inclusive) with their relations; return seconds.

    The secondary indexes are dropped for the load and built again afterwards (their exact
    definitions are read back from PostgreSQL first), which is how one bulk-loads a table.
    """
    began = time.perf_counter()
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes"
            " WHERE tablename IN ('xapi_statement', 'xapi_statementrelation')"
            " AND indexdef NOT LIKE 'CREATE UNIQUE%%'"
        ).fetchall()
        for name, _definition in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        for low in range(start, end + 1, chunk):
            high = min(end, low + chunk - 1)
            with conn.transaction():
                conn.execute(STATEMENTS_SQL, {"school": school_id, "start": low, "end": high})
            print(
                f"  preloaded {high:,} statements ({time.perf_counter() - began:.0f} s)",
                flush=True,
            )
        conn.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            conn.execute(definition)
        print(f"  rebuilt {len(indexes)} indexes ({time.perf_counter() - began:.0f} s)", flush=True)
        # Settle the database before measuring: vacuum and analyze the new rows and write
        # the preload's dirty pages out now, not in the middle of the next measurement.
        conn.execute("VACUUM ANALYZE xapi_statement")
        conn.execute("VACUUM ANALYZE xapi_statementrelation")
        conn.execute("CHECKPOINT")
    return time.perf_counter() - began
