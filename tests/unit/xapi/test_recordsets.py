"""JSON recordsets for PostgreSQL's jsonb_to_recordset (no database needed)."""

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from xapi.recordsets import recordset

# Non-ASCII text: an en dash and curly quotes.
TEXT = "Caf\u00e9 \u2013 \u201cquoted\u201d"


def test_each_row_becomes_an_object_with_uuids_and_datetimes_as_text():
    sid = uuid.uuid4()
    stored = datetime(2026, 12, 1, 11, 8, 3, 123000, tzinfo=UTC)
    local = datetime(2026, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=1)))

    rows = json.loads(
        recordset(
            ("sid", "stored", "local", "learner", "data"),
            [
                (sid, stored, local, None, {"name": {"en-GB": TEXT}, "n": [1, 2.5]}),
                (sid, stored, local, 7, {}),
            ],
        )
    )

    first = rows[0]
    # ISO 8601 text that reads back as the same instants.
    assert datetime.fromisoformat(first.pop("stored")) == stored
    assert datetime.fromisoformat(first.pop("local")) == local
    assert first == {
        "sid": str(sid),
        "learner": None,
        "data": {"name": {"en-GB": TEXT}, "n": [1, 2.5]},
    }
    assert rows[1]["learner"] == 7


def test_no_rows_is_an_empty_array():
    assert json.loads(recordset(("a",), [])) == []


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        recordset(("a", "b"), [(1,)])
