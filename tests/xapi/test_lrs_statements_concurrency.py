"""Statements sent at the same moment (a tool that sends in parallel): each request gets an
xAPI answer; none fails with a server error."""

import hashlib
import threading

import pytest
from django.db import connection
from django.test import Client

from tests.xapi.conftest import LrsClientHelper
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

        helper = LrsClientHelper(Client(raise_request_exception=False), "", "", lrs.version)
        helper.auth = lrs.auth
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
