"""Forwarding to a real external LRS (Ralph), including an outage in the middle."""

from collections import Counter

import pytest
from django.utils import timezone

from tests.xapi.helpers import target_saved, voiding_of
from xapi.forwarding import outbox_flush, outbox_replay
from xapi.models import ForwardingTarget, OutboxEntry
from xapi.services import record

pytestmark = [pytest.mark.ralph, pytest.mark.django_db]


@pytest.fixture
def ralph_target(ralph):
    return ForwardingTarget.objects.create(
        name="Ralph",
        endpoint=ralph.endpoint,
        username=ralph.username,
        password=ralph.password,
        version="1.0.3",
    )


def test_statements_arrive_in_ralph_and_read_back(
    ralph,
    ralph_target,
    school,
    pupil,
    make_statement,
    django_capture_on_commit_callbacks,
):
    statements = [make_statement(pupil) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=statements[:1], school=school)
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=statements[1:], school=school)
    received = {s["id"]: s for s in ralph.statements()}
    assert set(received) == {s["id"] for s in statements}
    sent = statements[0]
    assert received[sent["id"]]["actor"] == sent["actor"]
    assert received[sent["id"]]["object"]["id"] == sent["object"]["id"]


def test_ralph_outage_loses_nothing_and_duplicates_nothing(
    ralph,
    ralph_target,
    school,
    pupil,
    make_statement,
    django_capture_on_commit_callbacks,
):
    recorded = []

    def record_some(count):
        for _ in range(count):
            statement = make_statement(pupil)
            with django_capture_on_commit_callbacks(execute=True):
                record(statements=[statement], school=school)
            recorded.append(statement["id"])

    record_some(4)
    ralph.stop()
    # Ralph is down: these wait in the outbox (each new one tries them all, until Ralph has
    # failed STUCK_AFTER tries in a row; the last waits for the back-off retry untried).
    record_some(4)
    waiting = OutboxEntry.objects.filter(status="pending").order_by("id")
    assert waiting.count() == 4
    assert all(entry.attempts >= 1 and entry.last_error for entry in waiting[:3])
    # The back-off retry (what the task worker runs when it is due) finds Ralph down too.
    OutboxEntry.objects.filter(status="pending").update(next_attempt_at=timezone.now())
    assert outbox_flush() == 0

    ralph.start()
    # The next back-off retry finds Ralph back and sends what waited, in order.
    OutboxEntry.objects.filter(status="pending").update(next_attempt_at=timezone.now())
    assert outbox_flush() == 4
    record_some(2)  # new statements go at once again
    assert not OutboxEntry.objects.exclude(status="sent").exists()
    assert outbox_flush() == 0
    # A replay of everything (as if responses had been lost) is harmless: same ids.
    with django_capture_on_commit_callbacks(execute=True):
        outbox_replay(target=ralph_target, statuses=("sent",))

    counts = Counter(s["id"] for s in ralph.statements())
    assert set(counts) == set(recorded)
    assert set(counts.values()) == {1}
    assert set(OutboxEntry.objects.values_list("status", flat=True)) == {"sent"}


def test_a_target_that_redirects_is_not_taken_as_having_stored_the_statements(
    ralph, receiver, school, pupil, make_statement, django_capture_on_commit_callbacks
):
    """An endpoint typed with the wrong address (http:// where the LRS answers 301 to
    https://, an old host name) is redirected. A POST followed as a GET reads the LRS's
    statements back and succeeds without storing anything: the statements must wait for
    the admin to correct the endpoint, not count as sent, and the credentials must not be
    handed on to wherever the redirect points."""
    target = ForwardingTarget.objects.create(
        name="Moved",
        endpoint=receiver.endpoint,
        username=ralph.username,
        password=ralph.password,
    )
    receiver.statuses = [(301, {"Location": f"{ralph.endpoint}statements"})]
    statement = make_statement(pupil)
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[statement], school=school)

    entry = OutboxEntry.objects.get(target=target)
    assert entry.status == "pending"
    assert "301" in entry.last_error and ralph.endpoint in entry.last_error
    assert ralph.statements() == []
    # The admin corrects the endpoint: the statement arrives.
    target.endpoint = ralph.endpoint
    target.save()
    with django_capture_on_commit_callbacks(execute=True):
        outbox_replay(target=target)
    assert [s["id"] for s in ralph.statements()] == [statement["id"]]


def test_a_statement_with_an_attachment_reaches_an_lrs_that_reads_only_json(
    ralph, ralph_target, school, lrs, django_capture_on_commit_callbacks
):
    """Ralph refuses a multipart/mixed request: the statement goes to it as JSON, as it did
    before attachments' files were forwarded, rather than being set aside."""
    import hashlib

    from tests.xapi.test_lrs_statements import attachment_statement, multipart

    content = b"a photo of the poster the class made"
    sha2 = hashlib.sha256(content).hexdigest()
    body, content_type = multipart(attachment_statement(content), [(content, sha2)])
    with django_capture_on_commit_callbacks(execute=True):
        response = lrs.post("/xapi/statements", body, content_type=content_type)
    assert response.status_code == 200
    [statement_id] = response.json()
    assert OutboxEntry.objects.get().status == "sent"
    [held] = ralph.statements()
    assert held["id"] == statement_id
    assert held["attachments"][0]["sha2"] == sha2


def test_a_statement_with_context_agents_reaches_an_lrs_set_to_1_0_3(
    ralph, ralph_target, school, lrs_client_factory, django_capture_on_commit_callbacks
):
    """contextAgents and contextGroups are xAPI 2.0.0 (IEEE 9274.1.1 Part Two 4.2.2.6); 1.0.3
    has no such properties and "The LRS SHOULD* reject Statements containing additional
    properties" there (1.0.3 Part Two 2.2). A target set to 1.0.3 gets the statement
    without them, rather than refusing it and leaving it set aside for ever."""
    from tests.xapi.conftest import xapi_statement

    coach = {"objectType": "Agent", "mbox": "mailto:coach@example.org"}
    club = {"objectType": "Group", "mbox": "mailto:club@example.org"}
    statement = xapi_statement(
        context={
            "contextAgents": [{"objectType": "contextAgent", "agent": coach}],
            "contextGroups": [{"objectType": "contextGroup", "group": club}],
        }
    )
    tool = lrs_client_factory(school, version="2.0.0")
    with django_capture_on_commit_callbacks(execute=True):
        response = tool.post("/xapi/statements", [statement])
    assert response.status_code == 200
    [statement_id] = response.json()
    assert OutboxEntry.objects.get().status == "sent"
    [held] = ralph.statements()
    assert held["id"] == statement_id
    assert held["version"].startswith("1.0.")
    assert "contextAgents" not in held.get("context", {})
    assert "contextGroups" not in held.get("context", {})


@pytest.fixture
def sent_then_switched_off(
    ralph, ralph_target, school, pupil, make_statement, django_capture_on_commit_callbacks
):
    """A statement sent to Ralph, then its target switched off: returns the statement."""
    original = make_statement(pupil)
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[original], school=school)
    assert [s["id"] for s in ralph.statements()] == [original["id"]]
    ralph_target.is_active = False
    ralph_target.save()
    return original


def test_a_voiding_recorded_while_the_target_is_off_reaches_it_when_switched_on_again(
    ralph,
    ralph_target,
    sent_then_switched_off,
    admin_client,
    school,
    django_capture_on_commit_callbacks,
):
    """A statement taken back (voided: a lesson recorded by mistake) while a school has its
    LRS switched off must still reach that LRS once it is switched on again, or the LRS
    keeps the statement as live for good. Xapi 1.0.3 Part Two 2.3.2: the voiding statement is how
    another LRS learns of it; docs/xapi.md: it goes to every target the voided one went to."""
    original = sent_then_switched_off
    with django_capture_on_commit_callbacks(execute=True):
        [voiding_id] = record(statements=[voiding_of(original)], school=school)
    # Off means off: nothing is sent meanwhile.
    assert [s["id"] for s in ralph.statements()] == [original["id"]]

    target_saved(
        admin_client, ralph_target, django_capture_on_commit_callbacks, username=ralph.username
    )

    assert str(voiding_id) in {s["id"] for s in ralph.statements()}
    assert OutboxEntry.objects.get(statement__statement_id=voiding_id).status == "sent"


def test_a_target_switched_off_is_queued_no_new_statements_but_voidings(
    ralph,
    ralph_target,
    sent_then_switched_off,
    admin_client,
    school,
    pupil,
    make_statement,
    django_capture_on_commit_callbacks,
):
    """Switched off, a target takes nothing recorded meanwhile (it is off), except what
    takes back a statement it was sent; switched on, it gets only that."""
    original = sent_then_switched_off
    while_off = make_statement(pupil)
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[while_off], school=school)
        # A statement never sent to the target, voided: its voiding is not sent either.
        record(statements=[voiding_of(while_off)], school=school)
    assert (
        not OutboxEntry.objects.filter(target=ralph_target)
        .exclude(statement__statement_id=original["id"])
        .exists()
    )

    target_saved(
        admin_client, ralph_target, django_capture_on_commit_callbacks, username=ralph.username
    )

    assert [s["id"] for s in ralph.statements()] == [original["id"]]
