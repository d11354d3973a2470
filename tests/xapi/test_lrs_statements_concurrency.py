"""Statements sent at the same moment (a tool that sends in parallel): each request gets an
xAPI answer; none fails with a server error."""

import hashlib
import threading
import time
import uuid

import pytest
from django.db import connection

from tests.xapi.conftest import xapi_statement
from tests.xapi.test_lrs_statements import attachment_statement, multipart
from xapi.models import AttachmentContent, Statement

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent writers (PostgreSQL)",
    ),
]


def test_the_same_attachment_sent_in_requests_at_once_is_kept_once(lrs):
    """Part Three 1.5.2: attachments are identified by their SHA-2, and the LRS keeps one
    copy of each. A tool that sends statements in parallel with the same file (a course
    badge, a shared document) gets every statement stored, not a server error."""
    content = b"the same certificate"
    sha2 = hashlib.sha256(content).hexdigest()
    requests = [multipart(attachment_statement(content), [(content, sha2)]) for _ in range(4)]
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = []

    def run(body, content_type):
        from django.db import connections

        helper = lrs.on_a_connection_of_its_own()
        barrier.wait()
        try:
            response = helper.post("/xapi/statements", body, content_type=content_type)
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200, 200, 200, 200]
    assert Statement.objects.count() == 4
    assert AttachmentContent.objects.get().sha2 == sha2


def test_a_statement_being_written_is_not_missed_by_a_reader_polling_since_consistent_through(
    lrs, school
):
    """Part Three 2.1.3: X-Experience-API-Consistent-Through is a time before which every
    statement stored is in the answer, so a tool polls with since= that time. A statement
    whose write is still in flight (stored is stamped before its transaction commits) must
    come in that tool's next poll, not fall into the gap between the two."""
    from django.db import connections, transaction

    from xapi.services import record

    statement_id = str(uuid.uuid4())
    written, finish = threading.Event(), threading.Event()

    def write():
        try:
            with transaction.atomic():
                record(statements=[xapi_statement(id=statement_id)], school=school)
                written.set()
                finish.wait(10)
        finally:
            connections.close_all()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert written.wait(10)
        time.sleep(0.05)
        first = lrs.get("/xapi/statements")
    finally:
        finish.set()
        writer.join()
    consistent = first.headers["X-Experience-API-Consistent-Through"]
    second = lrs.get("/xapi/statements", {"since": consistent})

    seen = {s["id"] for s in first.json()["statements"] + second.json()["statements"]}
    assert statement_id in seen


def _send_while_held(*, hold, send, written, finish) -> None:
    """Run `hold` on one thread until it has written in its open transaction (`written`),
    then `send` on another, given five seconds to be answered before `hold` commits
    (`finish`): a `send` that does not wait for the transaction is answered before it."""
    holder = threading.Thread(target=hold)
    holder.start()
    sender = threading.Thread(target=send)
    try:
        assert written.wait(10)
        sender.start()
        sender.join(5)
    finally:
        finish.set()
        holder.join()
        sender.join()


def _assert_voided(lrs, statement_id) -> None:
    """Part Two 2.3.2: a voided statement is fetched only with voidedStatementId."""
    assert lrs.get("/xapi/statements", {"statementId": statement_id}).status_code == 404
    assert lrs.get("/xapi/statements", {"voidedStatementId": statement_id}).status_code == 200


def test_a_statement_voided_while_it_is_being_written_ends_up_voided(lrs, school):
    """Part Two 2.3.2: "an LRS MUST consider a Statement it contains voided if and only if
    the Statement is not itself a Voiding Statement and the LRS also contains a Voiding
    Statement referring to the first Statement". A tool that sends a statement and, on
    another connection, the statement voiding it (a teacher undoing a mark at once) must not
    leave the first one live because the two writes crossed."""
    from django.db import connections, transaction

    from xapi.services import record

    statement_id = str(uuid.uuid4())
    written, finish = threading.Event(), threading.Event()
    answers: list[int] = []

    def write():
        try:
            with transaction.atomic():
                record(statements=[xapi_statement(id=statement_id)], school=school)
                written.set()
                finish.wait(10)
        finally:
            connections.close_all()

    def void():
        helper = lrs.on_a_connection_of_its_own()
        try:
            voiding = xapi_statement(
                verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
                object={"objectType": "StatementRef", "id": statement_id},
            )
            answers.append(helper.post("/xapi/statements", voiding).status_code)
        finally:
            connections.close_all()

    # Without waiting for the write, the voiding is answered at once; it must wait.
    _send_while_held(hold=write, send=void, written=written, finish=finish)

    assert answers == [200]
    _assert_voided(lrs, statement_id)


def test_a_single_statement_sent_while_its_voiding_is_being_written_ends_up_voided(lrs, school):
    """Part Two 2.3.2: "an LRS MUST consider a Statement it contains voided if and only if
    the Statement is not itself a Voiding Statement and the LRS also contains a Voiding
    Statement referring to the first Statement". A tool that PUTs one statement (stored
    without a transaction of its own) while the statement voiding it, sent on another
    connection, is still being written must not leave the first one live."""
    from django.db import connections, transaction

    from xapi.services import record

    statement_id = str(uuid.uuid4())
    written, finish = threading.Event(), threading.Event()
    answers: list[int] = []

    def void():
        try:
            with transaction.atomic():
                voiding = xapi_statement(
                    verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
                    object={"objectType": "StatementRef", "id": statement_id},
                )
                record(statements=[voiding], school=school)
                written.set()
                finish.wait(10)
        finally:
            connections.close_all()

    def put():
        helper = lrs.on_a_connection_of_its_own()
        try:
            response = helper.put(f"/xapi/statements?statementId={statement_id}", xapi_statement())
            answers.append(response.status_code)
        finally:
            connections.close_all()

    # Without waiting for the voiding, the statement is stored live at once; it must wait.
    _send_while_held(hold=void, send=put, written=written, finish=finish)

    assert answers == [204]
    _assert_voided(lrs, statement_id)
