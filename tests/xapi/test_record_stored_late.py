"""A statement's `stored` is stamped when its write starts; the LRS says every statement
stored before now less XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS is readable already. A write
that stalls past that margin (a request thread gunicorn's gthread workers never kill) must
not commit a statement older than a consistent-through already given out."""

import contextlib
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.xapi.conftest import xapi_statement
from xapi.lrs.http import consistent_through_now
from xapi.models import Statement
from xapi.services import StatementWriteTooLate, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def stalled_write(monkeypatch, settings):
    """Every statement write stalls past the margin; while it stalls, another request
    gives out a consistent-through (kept in the list returned)."""
    import xapi.services

    clock = {"now": timezone.now()}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    given_out = []
    insert = xapi.services._rows_insert

    def stalled_insert(*args, **kwargs):
        clock["now"] += timedelta(seconds=settings.XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS + 30)
        given_out.append(consistent_through_now())
        return insert(*args, **kwargs)

    monkeypatch.setattr(xapi.services, "_rows_insert", stalled_insert)
    return given_out


def _stored_since(consistent_through: str):
    promised = datetime.fromisoformat(consistent_through.replace("Z", "+00:00"))
    return all(stored >= promised for stored in Statement.objects.values_list("stored", flat=True))


def test_a_write_stalled_past_the_margin_commits_no_statement_older_than_consistent_through(
    school, pupil, make_statement, stalled_write
):
    """xAPI 1.0.3 Part Three 2.1.3: X-Experience-API-Consistent-Through is the time before
    which every statement the LRS stores is in its answers."""
    with contextlib.suppress(StatementWriteTooLate):  # refused is one right answer
        record(statements=[make_statement(pupil)], school=school)
    [consistent_through] = stalled_write
    assert _stored_since(consistent_through)


def test_a_statement_sent_to_the_lrs_whose_write_stalled_is_refused_to_send_again(
    lrs, stalled_write
):
    """Part Three 2.1.2: a statement sent again with the same id and content is accepted,
    so a tool told 503 sends it again and loses nothing."""
    response = lrs.post("/xapi/statements", xapi_statement())
    assert response.status_code == 503
    assert "send them again" in response.json()["error"]
    assert not Statement.objects.exists()


def test_a_tool_in_a_browser_of_another_origin_can_read_when_to_send_again(lrs, stalled_write):
    """The 503's Retry-After says when to send the statements again (RFC 9110 10.2.3). Content
    launched with the LRS's endpoint and credentials often runs on an origin of its own, and
    a browser lets its script read only the response headers CORS exposes (Fetch, "CORS-
    exposed header-name list"): Retry-After is not one the browser exposes by itself."""
    response = lrs.post("/xapi/statements", xapi_statement())

    assert response.status_code == 503
    assert response["Retry-After"]
    exposed = {
        name.strip().lower() for name in response["Access-Control-Expose-Headers"].split(",")
    }
    assert "retry-after" in exposed
