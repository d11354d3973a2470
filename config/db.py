"""PostgreSQL cursors for the few hot-path statements that bypass the ORM.

`scenarios.rows` and `xapi.services.record()` send prepared statements through psycopg's own
cursors (server-side parameters; the statement is planned once per connection). Each
database connection keeps one such cursor of each kind and reuses it: making a cursor, and
reaching the connection through Django's per-thread proxy each time, cost more than a short
prepared statement takes to run. Django's connections belong to one thread each, and so do
these cursors.
"""

from weakref import WeakKeyDictionary

from django.db import DEFAULT_DB_ALIAS, connections

# psycopg connection -> {cursor class: cursor}. Forgotten with the connection.
_cursors: WeakKeyDictionary = WeakKeyDictionary()


def pg_cursor(*, raw: bool = False):
    """This thread's psycopg cursor on the default database (connecting if needed):
    `psycopg.RawCursor` (`$1` placeholders) if `raw`, else `psycopg.Cursor` (`%s`)."""
    import psycopg

    wrapper = connections[DEFAULT_DB_ALIAS]
    wrapper.ensure_connection()
    pg = wrapper.connection
    kind = psycopg.RawCursor if raw else psycopg.Cursor
    mine = _cursors.get(pg)
    if mine is None:
        mine = _cursors[pg] = {}
    cursor = mine.get(kind)
    if cursor is None or cursor.closed:
        cursor = mine[kind] = kind(pg)
    return cursor
