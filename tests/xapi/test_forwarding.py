"""Forwarding through the outbox: sent after commit, retried with back-off, never dropped."""

import json
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tests.xapi.helpers import pending_retried_now, set_aside_then_voided, voiding_of
from xapi.forwarding import backoff, outbox_flush, outbox_replay, outbox_summary
from xapi.models import ForwardingTarget, OutboxEntry
from xapi.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(receiver, school):
    return ForwardingTarget.objects.create(
        name="Trust LRS",
        endpoint=receiver.endpoint,
        username="key",
        password="secret",
        version="2.0.0",
    )


@pytest.fixture
def forwarded(lrs, receiver, django_capture_on_commit_callbacks):
    """Send statements to our LRS as a school's tool does (they must be taken), and return
    the statements the target then received in its first request."""

    def send(statements):
        with django_capture_on_commit_callbacks(execute=True):
            assert lrs.post("/xapi/statements", statements).status_code == 200
        return receiver.requests[0]["body"]

    return send


@pytest.fixture
def statements_naming():
    """Statements a school's tool might send naming one agent (a pupil, under whatever
    identifier the tool knows them by), one statement for each place asked for, in order:
    "actor", "object", "instructor" (in the context), "context" (as the instructor and a
    member of the context's team), "sub_statement" (its actor) and "group" (a member of a
    group that is the actor, beside a teacher, who is `statements_naming.teacher`)."""
    teacher = {"objectType": "Agent", "mbox": "mailto:teacher@school.invalid"}
    verb = {"id": "http://adlnet.gov/expapi/verbs/experienced"}
    book = {"objectType": "Activity", "id": "http://example.org/book"}
    places = {
        "actor": lambda agent: {"actor": agent, "verb": verb, "object": book},
        "object": lambda agent: {"actor": teacher, "verb": verb, "object": agent},
        "instructor": lambda agent: {
            "actor": teacher,
            "verb": verb,
            "object": book,
            "context": {"instructor": agent},
        },
        "context": lambda agent: {
            "actor": teacher,
            "verb": verb,
            "object": book,
            "context": {
                "instructor": agent,
                "team": {"objectType": "Group", "name": "8R", "member": [agent]},
            },
        },
        "sub_statement": lambda agent: {
            "actor": teacher,
            "verb": verb,
            "object": {"objectType": "SubStatement", "actor": agent, "verb": verb, "object": book},
        },
        "group": lambda agent: {
            "actor": {"objectType": "Group", "name": "Pair", "member": [agent, teacher]},
            "verb": verb,
            "object": book,
        },
    }

    def build(agent, *where):
        return [places[place](agent) for place in where]

    build.teacher = teacher
    return build


def test_statements_are_sent_after_commit_as_a_batch(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    statements = [make_statement(pupil) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=statements, school=school)
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert [s["id"] for s in request["body"]] == [s["id"] for s in statements]
    assert request["headers"]["x-experience-api-version"] == "2.0.0"
    assert request["headers"]["authorization"].startswith("Basic ")
    assert set(OutboxEntry.objects.values_list("status", flat=True)) == {"sent"}


def test_failure_keeps_the_entries_and_backs_off(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [503]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    entry = OutboxEntry.objects.get()
    assert entry.status == "pending"
    assert entry.attempts == 1
    assert "503" in entry.last_error
    assert entry.next_attempt_at > timezone.now() + timedelta(seconds=5)
    # Not due yet: nothing is sent.
    assert outbox_flush() == 0
    OutboxEntry.objects.update(next_attempt_at=timezone.now())
    assert outbox_flush() == 1
    entry.refresh_from_db()
    assert entry.status == "sent"
    assert [len(r["body"]) for r in receiver.requests] == [1, 1]


def test_refused_statements_are_marked_failed_and_can_be_replayed(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [400]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    assert OutboxEntry.objects.get().status == "failed"
    [row] = outbox_summary()
    assert row["target"].failed == 1
    assert "400" in row["last_error"]
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_replay(target=target) == 1
    assert OutboxEntry.objects.get().status == "sent"


def test_unreachable_target_keeps_everything_pending(
    school, pupil, make_statement, django_capture_on_commit_callbacks
):
    ForwardingTarget.objects.create(name="Down", endpoint="http://127.0.0.1:9/xapi/")
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil) for _ in range(2)], school=school)
    assert list(OutboxEntry.objects.values_list("status", "attempts")) == [
        ("pending", 1),
        ("pending", 1),
    ]


def test_backoff_doubles_and_is_capped():
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [10, 20, 40]
    assert backoff(30).total_seconds() == 3600


def _sent_ids(receiver) -> list[str]:
    return [s["id"] for request in receiver.requests for s in request["body"]]


def test_a_refused_statement_is_set_aside_and_the_rest_of_its_batch_arrives(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    """422 (Ralph's answer to a statement it cannot take) refuses the batch; each statement
    is then sent alone, and only the refused one waits for an admin."""
    statements = [make_statement(pupil) for _ in range(3)]
    receiver.statuses = [422, 200, (422, {}), 200]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=statements, school=school)
    ids = [s["id"] for s in statements]
    assert [len(r["body"]) for r in receiver.requests] == [3, 1, 1, 1]
    assert _sent_ids(receiver)[3:] == ids
    status = dict(OutboxEntry.objects.values_list("statement__statement_id", "status"))
    assert [status[uuid.UUID(i)] for i in ids] == ["sent", "failed", "sent"]
    failed = OutboxEntry.objects.get(status="failed")
    assert failed.last_error.startswith("HTTP 422")
    # What comes after is not held up by it.
    later = make_statement(pupil)
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[later], school=school)
    assert _sent_ids(receiver)[-1] == later["id"]


def test_a_target_failing_part_way_through_the_one_by_one_keeps_the_rest_waiting(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [409, 200, 503]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil) for _ in range(3)], school=school)
    assert list(OutboxEntry.objects.order_by("id").values_list("status", flat=True)) == [
        "sent",
        "pending",
        "pending",
    ]


def test_after_a_refusal_the_rest_of_the_queue_is_sent(
    school, pupil, make_statement, receiver, django_capture_on_commit_callbacks
):
    """A replay whose first batch is refused goes on with the next batches."""
    target = ForwardingTarget.objects.create(name="Trust", endpoint=receiver.endpoint, batch_size=1)
    receiver.statuses = [503]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil) for _ in range(4)], school=school)
    assert OutboxEntry.objects.filter(status="pending").count() == 4
    receiver.statuses = [400]
    with django_capture_on_commit_callbacks(execute=True):
        outbox_replay(target=target)
    statuses = list(OutboxEntry.objects.order_by("id").values_list("status", flat=True))
    assert statuses == ["failed", "sent", "sent", "sent"]


def test_retry_after_is_followed(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [(429, {"Retry-After": "600"})]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    entry = OutboxEntry.objects.get()
    assert entry.status == "pending" and "429" in entry.last_error
    assert entry.next_attempt_at >= timezone.now() + timedelta(seconds=590)


def test_retry_after_as_a_date_and_its_limits():
    import urllib.error
    from email.message import Message

    from xapi.forwarding import retry_after

    now = timezone.now().replace(microsecond=0)

    def asked(value):
        headers = Message()
        headers["Retry-After"] = value
        return retry_after(urllib.error.HTTPError("u", 503, "busy", headers, None), now)

    assert asked("Wed, 21 Oct 2099 07:28:00 GMT") == now + timedelta(days=1)
    in_an_hour = now + timedelta(hours=1)
    assert asked(in_an_hour.strftime("%a, %d %b %Y %H:%M:%S GMT")) == in_an_hour
    assert asked("soon") is None
    assert retry_after(OSError("down"), now) is None


def test_a_voiding_statement_never_arrives_before_the_statement_it_voids(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    original = make_statement(pupil)
    receiver.statuses = [503]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[original], school=school)
    voiding = voiding_of(original)
    with django_capture_on_commit_callbacks(execute=False):  # as if its send were still to come
        [voiding_id] = record(statements=[voiding], school=school)
    # A retry run finds the voiding statement due, but not the original: nothing goes.
    assert outbox_flush() == 0
    OutboxEntry.objects.update(next_attempt_at=timezone.now())
    assert outbox_flush() == 2
    assert _sent_ids(receiver)[1:] == [original["id"], str(voiding_id)]


def test_statements_just_recorded_take_the_waiting_ones_along_first(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    """After an outage, what is recorded goes at once, behind what waited for a retry."""
    first, second = make_statement(pupil), make_statement(pupil)
    receiver.statuses = [503]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[first], school=school)
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[second], school=school)
    assert [s["id"] for s in receiver.requests[1]["body"]] == [first["id"], second["id"]]
    assert set(OutboxEntry.objects.values_list("status", flat=True)) == {"sent"}


def test_a_tools_statement_naming_a_pupil_by_email_is_forwarded_with_their_opaque_id(
    school, pupil, target, forwarded
):
    """DESIGN.md: no name or email of a pupil leaves their school's records."""
    from xapi.identity import actor_for
    from xapi.models import Statement

    pupil.email = "jane.pupil@school.invalid"
    pupil.save()
    statement = {
        "actor": {"objectType": "Agent", "name": "Jane Pupil", "mbox": f"mailto:{pupil.email}"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en": "read"}},
        "object": {"objectType": "Activity", "id": "http://example.org/book"},
    }
    [sent] = forwarded([statement])
    assert sent["actor"] == actor_for(pupil)
    assert "jane.pupil" not in json.dumps(sent) and "Jane Pupil" not in json.dumps(sent)
    assert Statement.objects.get().data["actor"]["name"] == "Jane Pupil"  # kept as sent here


def test_a_tools_statement_naming_a_pupil_by_hashed_email_is_forwarded_with_their_opaque_id(
    school, pupil, target, forwarded
):
    """DESIGN.md: a pupil leaves the school's records only as their opaque account. The
    SHA1 of "mailto:" and their address (xAPI 1.0.3 Part Two 4.1.2.3, mbox_sha1sum) is
    their email by another name: anyone holding a class list can hash it back to them."""
    import hashlib

    from xapi.identity import actor_for

    pupil.email = "jane.pupil@school.invalid"
    pupil.save()
    hashed = hashlib.sha1(f"mailto:{pupil.email}".encode()).hexdigest()  # noqa: S324
    statement = {
        "actor": {"objectType": "Agent", "mbox_sha1sum": hashed},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"objectType": "Activity", "id": "http://example.org/book"},
    }
    [sent] = forwarded([statement])
    assert sent["actor"] == actor_for(pupil)
    assert hashed not in json.dumps(sent)


def test_a_pupil_who_moved_school_since_is_still_forwarded_by_their_opaque_id_only(
    school, pupil, target, receiver, lrs, django_capture_on_commit_callbacks
):
    """A statement refused and replayed later (or one that waited out an outage) goes out
    after its pupil may have moved to another school of the trust: it still names them by
    their opaque id, not by the email address the school's tool used."""
    from tests.factories import SchoolFactory
    from xapi.identity import actor_for

    pupil.email = "jane.pupil@school.invalid"
    pupil.save()
    statement = {
        "actor": {"objectType": "Agent", "mbox": f"mailto:{pupil.email}"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"objectType": "Activity", "id": "http://example.org/book"},
    }
    receiver.statuses = [400]
    with django_capture_on_commit_callbacks(execute=True):
        assert lrs.post("/xapi/statements", [statement]).status_code == 200
    assert OutboxEntry.objects.get().status == "failed"
    pupil.school = SchoolFactory(name="Other Academy")
    pupil.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_replay(target=target) == 1
    [sent] = receiver.requests[-1]["body"]
    assert sent["actor"] == actor_for(pupil)
    assert "jane.pupil" not in json.dumps(sent)


def test_a_pupil_named_anywhere_in_a_statement_is_forwarded_by_their_opaque_id_only(
    school, pupil, target, statements_naming, forwarded
):
    """As the object, in the context, in a group or a SubStatement: no pupil's name leaves."""
    from xapi.identity import actor_for

    named = {**actor_for(pupil), "name": "Jane Pupil"}
    statements = statements_naming(named, "object", "context", "sub_statement", "group")
    sent = forwarded(statements)
    assert len(sent) == 4
    assert "Jane Pupil" not in json.dumps(sent)
    assert sent[0]["object"] == actor_for(pupil)
    assert sent[1]["context"]["team"]["member"] == [actor_for(pupil)]


def test_nothing_overtakes_a_batch_another_worker_is_sending(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        record(statements=[make_statement(pupil)], school=school)
    OutboxEntry.objects.update(status="sending", next_attempt_at=timezone.now() + timedelta(60))
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    assert receiver.requests == []
    # The lease of the worker that died ends: both go, in order.
    OutboxEntry.objects.update(next_attempt_at=timezone.now())
    assert outbox_flush() == 2
    assert len(receiver.requests) == 1


def test_a_refusal_is_logged_without_what_the_other_lrs_said_back(
    school, pupil, make_statement, target, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    """An LRS that refuses a statement often quotes it back (actor, answers, free text), at
    whatever length it likes. Admins read that on the outbox screen; the server's log, kept
    and shipped elsewhere, gets only what went wrong: the status and how many statements."""
    import io
    import logging
    import urllib.error

    from xapi import forwarding

    echoed = (
        b'{"error": "invalid statement", "statement": {"actor": {"mbox": '
        b'"mailto:jo.bloggs.refused@school.example"}, "result": {"response": "'
        + b"x" * 5000
        + b'"}}}'
    )

    def refuse(target, statements, files=()):
        raise urllib.error.HTTPError(target.endpoint, 400, "Bad Request", {}, io.BytesIO(echoed))

    monkeypatch.setattr(forwarding, "_post", refuse)
    with (
        caplog.at_level(logging.WARNING, logger="xapi.forwarding"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        record(statements=[make_statement(pupil)], school=school)

    entry = OutboxEntry.objects.get()
    assert entry.status == "failed"
    assert "jo.bloggs.refused@school.example" in entry.last_error  # the admin still sees it
    logged = [r.getMessage() for r in caplog.records if r.name == "xapi.forwarding"]
    assert logged
    assert all("jo.bloggs.refused@school.example" not in line for line in logged)
    assert all(len(line) < 300 for line in logged)
    assert any("HTTP 400" in line for line in logged)


@pytest.mark.parametrize("change", ["school", "scope"])
def test_statements_waiting_for_a_target_no_longer_meant_for_it_are_not_sent(
    school, pupil, make_statement, receiver, django_capture_on_commit_callbacks, change
):
    """A school's LRS was down, so its pupils' statements waited; an administrator then
    gave the target to another school of the trust, or made it "Staff only". What waited
    went there all the same: one school's pupils' records to another school's LRS, or
    pupils' records to one meant for staff. They are no longer sent to it."""
    from tests.factories import SchoolFactory

    target = ForwardingTarget.objects.create(
        name="School LRS", endpoint=receiver.endpoint, school=school, version="2.0.0"
    )
    receiver.statuses = [503]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil) for _ in range(2)], school=school)
    assert OutboxEntry.objects.filter(target=target, status="pending").count() == 2
    if change == "school":
        target.school = SchoolFactory(name="Another school")
    else:
        target.scope = ForwardingTarget.Scope.STAFF
    target.save()
    with django_capture_on_commit_callbacks(execute=True):
        outbox_replay(target=target)
    assert outbox_flush() == 0
    assert len(receiver.requests) == 1  # the first try, while it was the school's
    # Set aside, saying why, for the administrator to see.
    entries = OutboxEntry.objects.filter(target=target)
    assert set(entries.values_list("status", flat=True)) == {"failed"}
    assert all("no longer for this target" in e.last_error for e in entries)


def test_statements_recorded_while_the_target_asked_to_wait_do_not_knock_before_then(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    """RFC 6585 4: a 429's Retry-After says how long to wait before another request. A class
    keeps recording statements meanwhile: they queue behind the waiting ones, and nothing is
    sent to the target until the time it gave (or an admin's replay)."""
    receiver.statuses = [(429, {"Retry-After": "600"})]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            record(statements=[make_statement(pupil)], school=school)
    assert len(receiver.requests) == 1
    assert OutboxEntry.objects.filter(status="pending").count() == 4
    # When the time comes, everything goes in order.
    OutboxEntry.objects.update(next_attempt_at=timezone.now())
    ForwardingTarget.objects.update(wait_until=timezone.now())
    assert outbox_flush() == 4
    assert len(receiver.requests) == 2


def test_an_admins_replay_sends_at_once_even_while_the_target_asked_to_wait(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [(429, {"Retry-After": "600"})]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_replay(target=target) == 1
    assert OutboxEntry.objects.get().status == "sent"


def test_a_statement_with_an_attachment_is_forwarded_with_its_file(
    school, target, receiver, lrs, django_capture_on_commit_callbacks
):
    """Part Three 1.5.2: an attachment with no fileUrl travels as a part of a multipart/mixed
    request; an LRS refuses it sent as bare JSON (as Upstander's own LRS does), so it would
    never arrive. The file goes with it, identified by its SHA-2."""
    import hashlib

    from tests.xapi.test_lrs_statements import attachment_statement, multipart

    content = b"a photo of the poster the class made"
    sha2 = hashlib.sha256(content).hexdigest()
    body, content_type = multipart(attachment_statement(content), [(content, sha2)])

    with django_capture_on_commit_callbacks(execute=True):
        assert lrs.post("/xapi/statements", body, content_type=content_type).status_code == 200
    [request] = receiver.requests
    assert request["headers"]["content-type"].startswith("multipart/mixed")
    assert request["parts"] == {sha2: ("text/plain", content)}
    assert request["body"][0]["attachments"][0]["sha2"] == sha2
    assert OutboxEntry.objects.get().status == "sent"


def test_a_signature_naming_a_pupil_is_not_forwarded_with_their_renamed_copy(
    school, pupil, target, receiver, lrs, django_capture_on_commit_callbacks
):
    """A signed statement's signature (Part Two 2.6) holds the statement as the tool wrote
    it: naming the pupil by email, it would carry their email out, and it no longer matches
    the copy that names them by their opaque id. The copy goes without it."""
    import hashlib

    from cryptography.hazmat.primitives.asymmetric import rsa

    from tests.xapi.test_lrs_signatures import jws
    from tests.xapi.test_lrs_statements import multipart
    from xapi.identity import actor_for
    from xapi.lrs.signatures import SIGNATURE_USAGE

    pupil.email = "sam.signed@school.invalid"
    pupil.save()
    statement = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": f"mailto:{pupil.email}"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en": "read"}},
        "object": {"objectType": "Activity", "id": "http://example.org/book"},
    }
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signature = jws(statement, key)
    sha2 = hashlib.sha256(signature).hexdigest()
    signed = {
        **statement,
        "attachments": [
            {
                "usageType": SIGNATURE_USAGE,
                "display": {"en-GB": "Signature"},
                "contentType": "application/octet-stream",
                "length": len(signature),
                "sha2": sha2,
            }
        ],
    }
    body, content_type = multipart(signed, [(signature, sha2, "application/octet-stream")])
    with django_capture_on_commit_callbacks(execute=True):
        response = lrs.post("/xapi/statements", body, content_type=content_type)
    assert response.status_code == 200, response.content
    [request] = receiver.requests
    assert b"sam.signed" not in request["raw"]
    [sent] = request["body"]
    assert sent["actor"] == actor_for(pupil)
    assert "attachments" not in sent


def test_a_long_one_by_one_send_keeps_its_entries_from_a_second_worker(
    school, pupil, make_statement, target, monkeypatch, django_capture_on_commit_callbacks
):
    """Statements sent one at a time can take longer than the lease (each request may wait
    for its timeout): the worker renews it as it goes, so no other worker claims (and sends
    again, out of order) what it has still to send."""
    import urllib.error

    from xapi import forwarding

    with django_capture_on_commit_callbacks(execute=False):
        record(statements=[make_statement(pupil) for _ in range(6)], school=school)
    clock = {"now": timezone.now()}
    monkeypatch.setattr(forwarding.timezone, "now", lambda: clock["now"])
    claimed_by_second_worker = []

    def slow_post(target, statements, files=()):
        # Each request takes as long as its timeout allows, twice over (multipart, then JSON).
        clock["now"] += timedelta(seconds=2 * forwarding.TIMEOUT_SECONDS)
        if len(statements) > 1:
            raise urllib.error.HTTPError("url", 422, "refused", {}, None)
        claimed_by_second_worker.extend(forwarding._claim(target, fresh=False))

    monkeypatch.setattr(forwarding, "_post", slow_post)
    assert forwarding.batch_send(target=target) == (6, True)
    assert claimed_by_second_worker == []
    assert set(OutboxEntry.objects.values_list("status", flat=True)) == {"sent"}


def test_a_target_saved_taking_no_statements_per_request_is_repaired_and_sends(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    """Before the form refused it, a target could be saved taking 0 statements per request:
    its statements waited for ever. The migration gives it the default, and they go."""
    import importlib

    from django.apps import apps

    ForwardingTarget.objects.filter(pk=target.pk).update(batch_size=0)
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    assert receiver.requests == []
    migration = importlib.import_module(
        "xapi.migrations.0008_forwardingtarget_batch_size_zero_to_default"
    )
    migration.batch_size_zero_to_default(apps, None)
    target.refresh_from_db()
    assert target.batch_size == 100
    assert outbox_flush() == 1
    assert len(receiver.requests) == 1


def test_a_pupil_erased_while_a_worker_holds_their_statements_is_not_sent_after(
    school, pupil, make_statement, target, receiver, monkeypatch, django_capture_on_commit_callbacks
):
    """A worker claims a batch; the pupil is erased before it sends: what was erased is not
    sent to the other LRS afterwards, and the log names the target, which may hold copies."""
    from records.models import DataProtectionEvent
    from records.services import learner_erase
    from xapi import forwarding

    with django_capture_on_commit_callbacks(execute=False):
        record(statements=[make_statement(pupil)], school=school)
    claim = forwarding._claim

    def claim_then_erase(target, *, fresh):
        claimed = claim(target, fresh=fresh)
        if claimed:
            learner_erase(learner=pupil)
        return claimed

    monkeypatch.setattr(forwarding, "_claim", claim_then_erase)
    assert outbox_flush() == 0
    assert receiver.requests == []
    assert DataProtectionEvent.objects.get().copies_at == target.name


def test_a_retry_after_of_too_many_seconds_waits_the_longest_not_crashes():
    """A target answering "Retry-After: 99999...9" seconds (or a digit such as "²") stopped
    the forwarding with an error, instead of waiting the longest it waits."""
    import urllib.error
    from email.message import Message

    from xapi.forwarding import RETRY_AFTER_MAX, retry_after

    now = timezone.now().replace(microsecond=0)

    def asked(value):
        headers = Message()
        headers["Retry-After"] = value
        return retry_after(urllib.error.HTTPError("u", 503, "busy", headers, None), now)

    assert asked("9" * 30) == now + RETRY_AFTER_MAX
    assert asked("\u00b2") is None


@pytest.mark.parametrize("scope", [ForwardingTarget.Scope.COURSE, ForwardingTarget.Scope.STAFF])
def test_a_statement_taking_back_one_a_target_was_sent_is_sent_to_it_too(
    scope,
    school,
    teacher,
    make_statement,
    course_activity,
    receiver,
    lrs,
    django_capture_on_commit_callbacks,
):
    """A target for one course, or for staff only, was sent a completion but never the
    statement voiding it (Upstander removing a class lesson recorded by mistake, or a
    school's tool taking one back): the trust's LRS went on counting a completion that had
    been taken back. Xapi 1.0.3 Part Two 2.3.2: the voiding statement is how another LRS
    learns of it; its object is the statement, not the course, and its actor may be the
    tool's, not the member of staff's."""
    from xapi.statements.builders import statement_voided

    ForwardingTarget.objects.create(
        name="Course LRS",
        endpoint=receiver.endpoint,
        scope=scope,
        course_iri=course_activity.iri if scope == ForwardingTarget.Scope.COURSE else "",
    )
    completed = make_statement(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[completed], school=school)
    voiding = statement_voided(
        actor={"objectType": "Agent", "mbox": "mailto:tool-admin@example.org"},
        statement_id=completed["id"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert lrs.post("/xapi/statements", [voiding]).status_code == 200
    sent = _sent_ids(receiver)
    assert sent == [completed["id"], voiding["id"]]


def test_a_pupil_whose_email_was_saved_in_capitals_is_forwarded_with_their_opaque_id(
    school, pupil, target, forwarded
):
    """DESIGN.md: no email of a pupil leaves their school's records. An address typed into
    the admin as "Jane.Pupil@School.invalid" is the same mailbox a tool writes in lower case
    (the domain is case-insensitive, and mail systems treat the local part so too)."""
    from xapi.identity import actor_for

    pupil.email = "Jane.Pupil@School.invalid"
    pupil.save()
    statement = {
        "actor": {"objectType": "Agent", "mbox": "mailto:jane.pupil@school.invalid"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"objectType": "Activity", "id": "http://example.org/book"},
    }
    [sent] = forwarded([statement])
    assert sent["actor"] == actor_for(pupil)
    assert "jane.pupil@" not in json.dumps(sent).lower()


def test_a_statement_recorded_under_2_0_0_reaches_a_1_0_3_target_as_a_1_0_statement(
    school, receiver, lrs_client_factory, django_capture_on_commit_callbacks
):
    """A target set to 1.0.3 is promised 1.0.3: there "An LRS MUST reject all Statements
    with a version specified that does not start with 1.0." (xAPI 1.0.3 Part Two 2.4.10),
    so a statement a tool sent under 2.0.0 cannot keep "version": "2.0.0" on its way."""
    from tests.xapi.conftest import xapi_statement

    ForwardingTarget.objects.create(
        name="Older LRS", endpoint=receiver.endpoint, username="key", version="1.0.3"
    )
    tool = lrs_client_factory(school, version="2.0.0")
    with django_capture_on_commit_callbacks(execute=True):
        assert tool.post("/xapi/statements", [xapi_statement()]).status_code == 200
    [sent] = receiver.requests[0]["body"]
    assert receiver.requests[0]["headers"]["x-experience-api-version"] == "1.0.3"
    assert sent["version"].startswith("1.0.")


def test_a_1_0_3_copy_leaves_out_context_agents_in_a_sub_statement_and_the_signature():
    """The 1.0.3 copy has no contextAgents or contextGroups anywhere, a SubStatement's
    context included (1.0.3 Part Two 2.4.9 gives it the statement's Context), and the
    signature, which covered them and so no longer matches (Part Two 2.6), is left out;
    a 2.0.0 target gets the statement as stored."""
    from xapi.forwarding import _versioned
    from xapi.lrs.signatures import SIGNATURE_USAGE

    coach = {"objectType": "Agent", "mbox": "mailto:coach@example.org"}
    agents = [{"objectType": "contextAgent", "agent": coach}]
    signature = {
        "usageType": SIGNATURE_USAGE,
        "display": {"en": "signature"},
        "contentType": "application/octet-stream",
        "length": 10,
        "sha2": "a" * 64,
    }
    statement = {
        "version": "2.0.0",
        "actor": coach,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/planned"},
        "object": {
            "objectType": "SubStatement",
            "actor": coach,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
            "object": {"id": "http://example.org/activities/one"},
            "context": {"contextAgents": agents, "language": "en-GB"},
        },
        "context": {"contextAgents": agents},
        "attachments": [signature],
    }
    sent = _versioned(statement, "1.0.3")
    assert sent["version"] == "1.0.0"
    assert "context" not in sent
    assert sent["object"]["context"] == {"language": "en-GB"}
    assert "attachments" not in sent
    assert _versioned(statement, "2.0.0") == statement


def test_a_pupil_named_by_a_tools_own_account_for_their_mis_id_is_forwarded_by_opaque_id(
    school, pupil, target, statements_naming, forwarded
):
    """DESIGN.md: a pupil leaves the school's records only as their opaque account. A
    school's tool may name a pupil by an account of its own (xAPI 1.0.3 Part Two 4.1.2.3,
    `account`) whose name is the MIS id the school gave them, with their name beside it:
    wherever the statement names them, neither their name nor the MIS id is forwarded."""
    from xapi.identity import actor_for

    pupil.mis_id = "ADM20931"
    pupil.save()
    named = {
        "objectType": "Agent",
        "name": "Jane Pupil",
        "account": {"homePage": "https://mis.school.invalid", "name": "adm20931"},
    }
    teacher = statements_naming.teacher
    statements = statements_naming(named, "actor", "object", "context", "sub_statement", "group")
    sent = forwarded(statements)
    assert sent[0]["actor"] == actor_for(pupil)
    assert sent[1]["object"] == actor_for(pupil)
    assert sent[2]["context"]["instructor"] == actor_for(pupil)
    assert sent[2]["context"]["team"]["member"] == [actor_for(pupil)]
    assert sent[3]["object"]["actor"] == actor_for(pupil)
    assert sent[4]["actor"]["member"] == [actor_for(pupil), teacher]
    assert "Jane Pupil" not in json.dumps(sent)
    assert "adm20931" not in json.dumps(sent).lower()


@pytest.mark.parametrize(
    ("stored", "written"),
    [
        # A tool that keeps admission numbers as numbers drops their leading zeros, as
        # Excel does: the roster import finds the pupil whatever they are.
        pytest.param("001234", "1234", id="leading-zeros"),
        pytest.param("\u00c4100", "\u00e4100", id="capitals-beyond-a-to-z"),
        pytest.param("A100", "\uff21\uff11\uff10\uff10", id="full-width"),
    ],
)
def test_a_pupil_named_by_their_mis_id_written_another_way_is_forwarded_by_opaque_id(
    school, pupil, target, statements_naming, forwarded, stored, written
):
    """DESIGN.md: a pupil leaves the school's records only as their opaque account. The
    MIS id a tool names them by is theirs whenever the roster import would find them by it
    (schools.roster.mis_id_key): otherwise their name beside it is forwarded."""
    from xapi.identity import actor_for

    pupil.mis_id = stored
    pupil.save()
    named = {
        "objectType": "Agent",
        "name": "Jane Pupil",
        "account": {"homePage": "https://mis.school.invalid", "name": written},
    }
    sent = forwarded(statements_naming(named, "actor", "group"))
    assert sent[0]["actor"] == actor_for(pupil)
    assert sent[1]["actor"]["member"][0] == actor_for(pupil)


@pytest.mark.parametrize(
    ("fault", "error"),
    [("failing_ids", "HTTP 500"), ("hanging_ids", "The other LRS did not answer within")],
    ids=["answers 500", "never answers"],
)
def test_a_statement_the_target_always_fails_on_is_set_aside_and_the_rest_arrive(
    fault,
    error,
    school,
    pupil,
    make_statement,
    target,
    receiver,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """A statement that makes the other LRS answer 500, or hang, every time it is sent
    (while it takes every other statement) waits a few tries, then is set aside for an
    admin, as a refused one is, instead of keeping everything recorded after it from the
    target. A timeout used to start the count of failures in a row again, so a statement
    the target hung on was never set aside and held up everything after it for ever."""
    from xapi import forwarding

    monkeypatch.setattr(forwarding, "TIMEOUT_SECONDS", 0.5)  # how long a hang takes here
    statements = [make_statement(pupil) for _ in range(3)]
    setattr(receiver, fault, {statements[0]["id"]})
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=statements, school=school)
    for _ in range(5):
        pending_retried_now(django_capture_on_commit_callbacks)
    ids = [uuid.UUID(s["id"]) for s in statements]
    status = dict(OutboxEntry.objects.values_list("statement__statement_id", "status"))
    assert [status[i] for i in ids] == ["failed", "sent", "sent"]
    assert OutboxEntry.objects.get(status="failed").last_error.startswith(error)


def test_statements_recorded_during_a_long_outage_wait_for_the_retry_not_knock_each_time(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    """Once the target has failed a few tries in a row, each statement recorded (a class
    of thirty at work) no longer sends at once, past the back-off: they wait for the
    next retry, which takes them along."""
    first = make_statement(pupil)
    receiver.failing_ids = {first["id"]}
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[first], school=school)
    for _ in range(2):
        OutboxEntry.objects.update(next_attempt_at=timezone.now())
        outbox_flush()
    assert OutboxEntry.objects.get().attempts == 3
    knocks = len(receiver.requests)
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil) for _ in range(3)], school=school)
    assert len(receiver.requests) == knocks
    assert set(OutboxEntry.objects.values_list("status", flat=True)) == {"pending"}


def test_a_target_saved_with_an_http_endpoint_elsewhere_is_not_sent_the_password(
    school, pupil, make_statement, django_capture_on_commit_callbacks
):
    """A target saved before http endpoints were refused waits, saying why, instead of
    sending its password and pupils' statements unencrypted."""
    ForwardingTarget.objects.create(
        name="Old LRS", endpoint="http://lrs.invalid/xapi/", username="key", password="secret"
    )
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    entry = OutboxEntry.objects.get()
    assert entry.status == "pending"
    assert "https" in entry.last_error


def test_a_2xx_answer_that_is_not_statement_ids_does_not_count_as_stored(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    """xAPI 1.0.3 Part Three 2.1.2: an LRS answers POST Statements with 200 and the array
    of the statements' ids. A web page answering 200 (a login page in front of the LRS,
    an endpoint set to a site's home page) has stored nothing: the statements wait."""
    receiver.reply_body = b"<html><body>Please sign in</body></html>"
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    entry = OutboxEntry.objects.get()
    assert entry.status == "pending"
    assert entry.last_error


def test_a_pupil_named_by_our_account_in_capitals_is_forwarded_without_their_name(
    school, pupil, target, statements_naming, forwarded
):
    """DESIGN.md: a pupil leaves the school's records only as their opaque account. A
    school's tool may write the opaque id it was given in capitals (a UUID is the same UUID
    in either case, and the LRS files the statement under the pupil) with the pupil's name
    beside it: the name is not forwarded, wherever the statement names them."""
    from xapi.identity import actor_for

    shouted = {
        "objectType": "Agent",
        "name": "Jane Pupil",
        "account": {"homePage": settings.SITE_URL, "name": str(pupil.learner_id).upper()},
    }
    statements = statements_naming(shouted, "actor", "object", "instructor")
    sent = forwarded(statements)
    assert sent[0]["actor"] == actor_for(pupil)
    assert sent[1]["object"] == actor_for(pupil)
    assert sent[2]["context"]["instructor"] == actor_for(pupil)
    assert "Jane Pupil" not in json.dumps(sent)


def test_a_pupil_named_by_a_tools_account_for_their_email_is_forwarded_by_opaque_id(
    school, pupil, target, statements_naming, forwarded
):
    """DESIGN.md: a pupil appears in statements by their opaque account, "never a name,
    email or UPN". A school's tool that signs pupils in with the school's Microsoft or
    Google accounts names them by an account whose name is their sign-in address (their
    UPN, usually their email): it is their email by another property, and neither it nor
    the name beside it is forwarded."""
    from xapi.identity import actor_for

    pupil.email = "jane.pupil@school.invalid"
    pupil.save()
    named = {
        "objectType": "Agent",
        "name": "Jane Pupil",
        "account": {
            "homePage": "https://login.microsoftonline.com",
            "name": "Jane.Pupil@school.invalid",
        },
    }
    statements = statements_naming(named, "actor", "object")
    sent = forwarded(statements)
    assert sent[0]["actor"] == actor_for(pupil)
    assert sent[1]["object"] == actor_for(pupil)
    assert "Jane Pupil" not in json.dumps(sent)
    assert "jane.pupil@" not in json.dumps(sent).lower()


def test_a_pupil_named_by_our_account_with_a_slash_after_the_site_is_forwarded_without_name(
    school, pupil, target, statements_naming, forwarded
):
    """A tool given the site's address as the homePage of pupils' accounts may write it
    with a closing slash: "http://host" and "http://host/" are the same IRI (RFC 3986
    6.2.3, an empty path is "/"). The pupil is still named by their opaque account only,
    without the name the tool put beside it."""
    from xapi.identity import actor_for

    slashed = {
        "objectType": "Agent",
        "name": "Jane Pupil",
        "account": {"homePage": f"{settings.SITE_URL}/", "name": str(pupil.learner_id)},
    }
    statements = statements_naming(slashed, "actor", "object")
    sent = forwarded(statements)
    assert sent[0]["actor"] == actor_for(pupil)
    assert sent[1]["object"] == actor_for(pupil)
    assert "Jane Pupil" not in json.dumps(sent)


def test_a_statement_is_not_set_aside_for_5xx_answers_that_were_not_three_in_a_row(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    """Only a statement the target answered with a 5xx three times in a row is sent alone
    and set aside (docs/xapi.md): tries that failed otherwise (the target's password had
    expired, 401) do not count, so a gateway blip of two 502s right after the admin saved
    the new password leaves every statement waiting, in order, to arrive on the next try."""
    statements = [make_statement(pupil) for _ in range(2)]
    receiver.statuses = [401]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=statements, school=school)
    receiver.statuses = [401, 502, 502]
    for _ in range(3):
        pending_retried_now(django_capture_on_commit_callbacks)
    assert not OutboxEntry.objects.filter(status="failed").exists()
    pending_retried_now(django_capture_on_commit_callbacks)
    assert set(OutboxEntry.objects.values_list("status", flat=True)) == {"sent"}
    assert _sent_ids(receiver)[-2:] == [s["id"] for s in statements]


def test_a_set_aside_statement_voided_since_is_not_replayed_after_its_voiding(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    """A statement the target refused is set aside, so the queue goes on past it: the
    statement taking it back (voiding it) can reach the target first. Replayed then, it
    would arrive after its voiding, and an LRS that applies a voiding when it arrives would
    hold it as live. It is left out of the replay instead, saying why."""
    original = make_statement(pupil)
    voiding_id = set_aside_then_voided(
        original,
        school=school,
        receiver=receiver,
        capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert _sent_ids(receiver) == [original["id"], str(voiding_id)]
    with django_capture_on_commit_callbacks(execute=True):
        outbox_replay(target=target)
    assert _sent_ids(receiver) == [original["id"], str(voiding_id)]
    entry = OutboxEntry.objects.get(statement__statement_id=original["id"])
    assert entry.status == "failed"
    assert "voided" in entry.last_error


def test_an_admins_replay_starts_the_back_off_again(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    """A replay is the admin's fresh try: if the target fails it once more (a blip), the
    statement is tried again after the first back-off step, not after the step its tries
    before the replay had reached (up to an hour), and statements recorded next take it
    along rather than wait behind it as behind an outage."""
    receiver.statuses = [503] * 5
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    for _ in range(4):
        OutboxEntry.objects.update(next_attempt_at=timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            outbox_flush()
    assert OutboxEntry.objects.get().attempts == 5
    receiver.statuses = [502]
    with django_capture_on_commit_callbacks(execute=True):
        outbox_replay(target=target)
    entry = OutboxEntry.objects.get()
    assert entry.status == "pending" and "502" in entry.last_error
    assert entry.attempts >= 1  # it was tried: erasure counts the target as holding a copy
    assert entry.next_attempt_at <= timezone.now() + backoff(2)
    # The next statement recorded takes it along at once.
    later = make_statement(pupil)
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[later], school=school)
    assert set(OutboxEntry.objects.values_list("status", flat=True)) == {"sent"}


def test_a_refusal_with_retry_after_does_not_hold_back_the_statements_after_it(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    """A statement the target refuses (a 413, here with `Retry-After`) is set aside at
    once, not tried again, and the queue goes on past it (docs/xapi.md). The Retry-After
    of that refusal still made the target "asked to wait" for up to a day: a blip on the
    next statement then kept every statement recorded after it waiting for the retry,
    instead of taking the waiting one along as soon as the target answers again."""
    refused_one, blipped, later = (make_statement(pupil) for _ in range(3))
    receiver.statuses = [(413, {"Retry-After": "3600"})]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[refused_one], school=school)
    assert OutboxEntry.objects.get().status == "failed"
    receiver.statuses = [503]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[blipped], school=school)
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[later], school=school)
    status = dict(OutboxEntry.objects.values_list("statement__statement_id", "status"))
    assert [status[uuid.UUID(s["id"])] for s in (refused_one, blipped, later)] == [
        "failed",
        "sent",
        "sent",
    ]
    assert _sent_ids(receiver)[-2:] == [blipped["id"], later["id"]]


@pytest.mark.parametrize("count", [1, 2])
def test_a_statement_the_target_already_has_from_a_lost_answer_counts_as_sent(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks, count
):
    """xAPI 1.0.3 Part Three 2.1.2: an LRS given a statement whose id it already has "MUST
    NOT" change it, "whether it responds with 409 Conflict or" a success, and some answer
    409 whatever the content (ADL's reference LRS does). A try the target stored but whose
    answer was lost (here a 502 from its gateway) is sent again, and answered 409: the
    statements were set aside as refused, listed for an admin whose replay got 409 again,
    though the target has them."""
    statements = [make_statement(pupil) for _ in range(count)]
    receiver.statuses = [502]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=statements, school=school)
    assert set(OutboxEntry.objects.values_list("status", flat=True)) == {"pending"}
    receiver.statuses = [409] * (count + 1)
    OutboxEntry.objects.update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        outbox_flush()
    assert set(OutboxEntry.objects.values_list("status", flat=True)) == {"sent"}
    assert outbox_summary()[0]["target"].failed == 0


def test_a_409_to_a_statement_never_sent_before_is_still_a_refusal(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    """Sent for the first time, a statement the target answers 409 for is not one it had
    from us: another statement has its id there, and the admin is shown the answer."""
    receiver.statuses = [409]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    entry = OutboxEntry.objects.get()
    assert entry.status == "failed"
    assert entry.last_error.startswith("HTTP 409")


@pytest.mark.parametrize("count", [1, 2])
def test_a_409_after_the_target_refused_every_earlier_try_is_still_a_refusal(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks, count
):
    """A target that answered 400 refused the statement: it stored nothing (xAPI 1.0.3 Part
    Three 2.1.2). A 409 to the admin's replay is then another statement with its id there,
    not ours arriving earlier: the statement must stay set aside, with the 409, not count
    as sent though the target never took it."""
    statements = [make_statement(pupil) for _ in range(count)]
    receiver.statuses = [400] * (count + 1)
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=statements, school=school)
    assert set(OutboxEntry.objects.values_list("status", flat=True)) == {"failed"}
    receiver.statuses = [409] * (count + 1)
    with django_capture_on_commit_callbacks(execute=True):
        outbox_replay(target=target)
    entries = OutboxEntry.objects.all()
    assert {(entry.status, entry.last_error[:8]) for entry in entries} == {("failed", "HTTP 409")}
    assert outbox_summary()[0]["target"].failed == count


def test_a_409_after_a_lost_answer_counts_as_sent_though_a_later_try_was_refused(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    """A try whose answer was lost (a 502 from the target's gateway) may have reached it;
    a refusal after it does not undo that, so a 409 to the replay is the target holding it."""
    receiver.statuses = [502, 400]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    OutboxEntry.objects.update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        outbox_flush()
    assert OutboxEntry.objects.get().status == "failed"
    receiver.statuses = [409]
    with django_capture_on_commit_callbacks(execute=True):
        outbox_replay(target=target)
    assert OutboxEntry.objects.get().status == "sent"


def test_files_of_a_batch_too_large_for_the_target_arrive_one_statement_at_a_time(
    school, target, receiver, lrs, django_capture_on_commit_callbacks
):
    """A target (or the web server before it) answers 413 to a request too large for it. The
    batch was sent again as JSON, without its files, and counted as sent when the target took
    that: every file in the batch was lost, though each statement with its own file fits.
    Too large is not "reads only JSON": the statements go one at a time, each with its file."""
    import hashlib

    from tests.xapi.test_lrs_statements import attachment_statement, multipart

    contents = [b"the first certificate", b"the second certificate"]
    hashes = [hashlib.sha256(content).hexdigest() for content in contents]
    body, content_type = multipart(
        [attachment_statement(content) for content in contents],
        list(zip(contents, hashes, strict=True)),
    )
    receiver.statuses = [413]
    with django_capture_on_commit_callbacks(execute=True):
        assert lrs.post("/xapi/statements", body, content_type=content_type).status_code == 200
    assert set(OutboxEntry.objects.values_list("status", flat=True)) == {"sent"}
    delivered = {}
    for request in receiver.requests[1:]:
        delivered.update(request["parts"])
    assert set(delivered) == set(hashes)


def test_a_statement_too_large_for_the_target_with_its_file_is_set_aside_not_sent_without_it(
    school, target, receiver, lrs, django_capture_on_commit_callbacks
):
    """A statement whose file alone is more than the target (or the web server before it)
    takes is answered 413 even sent on its own. It went again as JSON without its file and
    counted as sent when the target took that: the file was lost and no admin was told.
    Too large is a refusal (docs/xapi.md): it is set aside with the target's answer, for an
    admin to raise the target's limit and replay."""
    import hashlib

    from tests.xapi.test_lrs_statements import attachment_statement, multipart

    content = b"a certificate scanned at a size the target will not take"
    sha2 = hashlib.sha256(content).hexdigest()
    body, content_type = multipart(attachment_statement(content), [(content, sha2)])
    receiver.statuses = [413]
    with django_capture_on_commit_callbacks(execute=True):
        assert lrs.post("/xapi/statements", body, content_type=content_type).status_code == 200
    entry = OutboxEntry.objects.get()
    assert entry.status == "failed"
    assert entry.last_error.startswith("HTTP 413")
    assert all(request["parts"] for request in receiver.requests)


def test_the_answer_to_a_statement_sent_with_its_file_is_shown_when_the_json_try_is_refused_too(
    school, target, receiver, lrs, django_capture_on_commit_callbacks
):
    """A target that refuses a statement sent with its file (multipart/mixed) is sent it
    again as JSON without the file, in case it reads only JSON. An LRS that reads multipart
    refuses that too, for the missing file (Part Three 1.5.2), and only that answer was kept:
    the admin was shown "the file is missing", not why the statement was refused (here a
    422). Both answers are shown."""
    import hashlib

    from tests.xapi.test_lrs_statements import attachment_statement, multipart

    content = b"a note the target finds fault with"
    sha2 = hashlib.sha256(content).hexdigest()
    body, content_type = multipart(attachment_statement(content), [(content, sha2)])
    receiver.statuses = [422, 400]
    with django_capture_on_commit_callbacks(execute=True):
        assert lrs.post("/xapi/statements", body, content_type=content_type).status_code == 200
    entry = OutboxEntry.objects.get()
    assert entry.status == "failed"
    assert "HTTP 400" in entry.last_error
    assert "HTTP 422" in entry.last_error


def test_a_target_set_to_more_statements_per_request_than_sqlite_takes_parameters_is_sent_to(
    school, pupil, make_statement, receiver
):
    """SQLite refuses a query with more parameters than its build allows: 999 before 3.32
    (as Django assumes, and as older distributions still ship it), 32766 since. A target
    saved with more statements per request than that claimed its batch with one parameter
    a statement, and on a backlog that long every send failed with "too many SQL
    variables": nothing more reached the target and no admin was told why. A request takes
    at most MAX_BATCH_SIZE statements, whatever was saved."""
    import sqlite3

    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's limit on query parameters")
    target = ForwardingTarget.objects.create(
        name="Trust", endpoint=receiver.endpoint, batch_size=5000
    )
    # Recorded without their send: they wait, as they would after an outage.
    record(statements=[make_statement(pupil) for _ in range(1000)], school=school)
    connection.ensure_connection()
    limit = sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER
    was = connection.connection.setlimit(limit, 999)
    try:
        assert outbox_flush() == 1000
    finally:
        connection.connection.setlimit(limit, was)
    assert set(OutboxEntry.objects.filter(target=target).values_list("status", flat=True)) == {
        "sent"
    }


@pytest.mark.parametrize("switched_off", [True, False])
def test_a_voiding_reaches_a_target_given_to_another_school_since_it_was_sent_the_statement(
    school, pupil, make_statement, receiver, django_capture_on_commit_callbacks, switched_off
):
    """A school's LRS was sent a pupil's completion; an administrator then switched the
    target off (or not) and gave it to another school of the trust, and the school took
    the completion back. docs/xapi.md: a voiding goes to every target the statement it
    names went to, or that LRS keeps the statement as live for good (xAPI 1.0.3 Part Two
    2.3.2: the voiding statement is how another LRS learns of it). It went nowhere."""
    from tests.factories import SchoolFactory

    target = ForwardingTarget.objects.create(
        name="School LRS", endpoint=receiver.endpoint, school=school, version="2.0.0"
    )
    completed = make_statement(pupil)
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[completed], school=school)
    target.school = SchoolFactory(name="Another school")
    target.is_active = not switched_off
    target.save()
    with django_capture_on_commit_callbacks(execute=True):
        [voiding_id] = record(statements=[voiding_of(completed)], school=school)
    if switched_off:
        ForwardingTarget.objects.update(is_active=True)
        with django_capture_on_commit_callbacks(execute=True):
            outbox_replay(target=target)

    sent = _sent_ids(receiver)
    assert sent == [completed["id"], str(voiding_id)]
    assert OutboxEntry.objects.get(statement__statement_id=voiding_id).status == "sent"


def _statement_about(statement, *, actor, verb):
    """A statement by `actor` (an ADL verb) about `statement`, naming it in a StatementRef
    (xAPI 1.0.3 section 2.4.4.3)."""
    from xapi.identity import actor_for

    return {
        "actor": actor_for(actor),
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"objectType": "StatementRef", "id": statement["id"]},
    }


def test_only_a_voiding_follows_a_statement_to_a_target_given_to_another_school(
    school, teacher, make_statement, receiver, lrs, django_capture_on_commit_callbacks
):
    """A target given to another school gets what takes back a statement it has, and
    nothing else its old school records: a statement merely about one it was sent (a
    comment on it) is the old school's news, not the new one's."""
    from tests.factories import SchoolFactory

    target = ForwardingTarget.objects.create(
        name="School LRS", endpoint=receiver.endpoint, school=school
    )
    completed = make_statement(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[completed], school=school)
    target.school = SchoolFactory(name="Another school")
    target.save()
    about = _statement_about(completed, actor=teacher, verb="commented")
    with django_capture_on_commit_callbacks(execute=True):
        assert lrs.post("/xapi/statements", [about]).status_code == 200
    sent = _sent_ids(receiver)
    assert sent == [completed["id"]]


def test_a_statement_naming_another_schools_statement_goes_nowhere_that_one_went(
    school, teacher, make_statement, receiver, lrs, django_capture_on_commit_callbacks
):
    """Statement ids are unique across the LRS, so a school's tool can name another
    school's statement in a StatementRef. What it sends must not reach the other school's
    LRS for that: one school's records to another's."""
    from tests.factories import SchoolFactory, UserFactory

    other_school = SchoolFactory(name="Another school")
    ForwardingTarget.objects.create(
        name="Other school's LRS", endpoint=receiver.endpoint, school=other_school
    )
    theirs = make_statement(UserFactory(school=other_school, username="other1"))
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[theirs], school=other_school)
    ours = _statement_about(theirs, actor=teacher, verb="experienced")
    with django_capture_on_commit_callbacks(execute=True):
        assert lrs.post("/xapi/statements", [ours]).status_code == 200
    sent = _sent_ids(receiver)
    assert sent == [theirs["id"]]
