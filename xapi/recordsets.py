"""Rows sent to PostgreSQL as one JSON parameter, read back with `jsonb_to_recordset`.

`record()`'s insert takes every row of a batch (statements, relations, records, outbox
matches) in a handful of parameters instead of one array per column: psycopg spends less
time dumping one JSON text than dozens of typed arrays.
"""

import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime


def _plain(value):
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def recordset(names: Sequence[str], rows: Iterable[Sequence]) -> str:
    """JSON for `jsonb_to_recordset(%s::jsonb) AS x(name type, ...)`: one object per row,
    UUIDs and datetimes as text (PostgreSQL casts them back by the declared types)."""
    return json.dumps(
        [{name: _plain(value) for name, value in zip(names, row, strict=True)} for row in rows],
        separators=(",", ":"),
    )
