"""What the admin reads when a target could not be reached or failed: words, not a Python
exception's repr or the markup of an error page."""

import socket
import ssl
import urllib.error

import pytest

from xapi import forwarding
from xapi.models import ForwardingTarget, OutboxEntry
from xapi.services import record

CERTIFICATE = ssl.SSLCertVerificationError(
    1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate"
)
CERTIFICATE.verify_message = "self-signed certificate"


@pytest.mark.parametrize(
    ("failure", "said"),
    [
        (
            urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")),
            "Could not connect: the other LRS refused the connection. Check that it is "
            "running and that the endpoint's address and port are right; the statements "
            "wait and are sent then.",
        ),
        (
            urllib.error.URLError(socket.gaierror(-2, "Name or service not known")),
            "Could not connect: the endpoint's host name was not found (Name or service not "
            "known). Check the endpoint; the statements wait and are sent then.",
        ),
        (
            urllib.error.URLError(CERTIFICATE),
            "Could not connect securely: the other LRS's certificate was not accepted "
            "(self-signed certificate). It needs a certificate from a recognised authority, "
            "valid for the endpoint's host name; the statements wait and are sent then.",
        ),
        (
            urllib.error.URLError(ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version")),
            "Could not connect securely: the secure (TLS) connection to the other LRS failed "
            "([SSL: WRONG_VERSION_NUMBER] wrong version). Check that the endpoint's address "
            "and port are its https:// ones; the statements wait and are sent then.",
        ),
        (
            TimeoutError("The read operation timed out"),
            "The other LRS did not answer within 30 seconds; the statements wait and are "
            "tried again.",
        ),
    ],
    ids=["refused", "unknown-host", "certificate", "tls", "timeout"],
)
def test_a_target_that_cannot_be_reached_is_said_why_in_words(
    school, pupil, make_statement, monkeypatch, django_capture_on_commit_callbacks, failure, said
):
    """The status page showed "URLError: <urlopen error [Errno 111] Connection refused>":
    Python's repr of the failure, which tells a school's admin neither what went wrong nor
    what to put right."""
    ForwardingTarget.objects.create(name="Trust LRS", endpoint="https://lrs.example.org/xapi/")

    def fail(*args, **kwargs):
        raise failure

    monkeypatch.setattr(forwarding._opener, "open", fail)
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    entry = OutboxEntry.objects.get()
    assert (entry.status, entry.last_error) == ("pending", said)
