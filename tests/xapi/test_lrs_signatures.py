"""Signed statements (xAPI 1.0.3 Part Two 2.6): "The LRS MUST reject requests to store
Statements that contain malformed signatures, with 400 Bad Request"."""

import base64
import datetime
import hashlib
import json
import uuid

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from tests.xapi.conftest import xapi_statement
from tests.xapi.test_lrs_statements import multipart
from xapi.lrs.signatures import SIGNATURE_USAGE
from xapi.models import Statement

pytestmark = pytest.mark.django_db

URL = "/xapi/statements"
HASH_OF = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def certificate(key) -> str:
    """A self-signed certificate for `key`, base64 DER as a JWS x5c entry."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Upstander test signer")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws(payload: dict, key, *, alg="RS256", x5c=None) -> bytes:
    header = {"alg": alg}
    if x5c:
        header["x5c"] = [x5c]
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), HASH_OF[alg]())
    return f"{signing_input}.{b64url(signature)}".encode()


def signed_request(statement: dict, token: bytes, *, content_type="application/octet-stream"):
    sha2 = hashlib.sha256(token).hexdigest()
    sent = {
        **statement,
        "attachments": [
            {
                "usageType": SIGNATURE_USAGE,
                "display": {"en-GB": "Signature"},
                "contentType": content_type,
                "length": len(token),
                "sha2": sha2,
            }
        ],
    }
    return multipart(sent, [(token, sha2, content_type)])


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_a_well_signed_statement_is_stored(lrs, key, alg):
    """2.6: RS256, RS384 or RS512; the payload is the statement before the signature was
    attached; with an x5c certificate, the signature verifies against it."""
    statement = xapi_statement()
    body, ctype = signed_request(statement, jws(statement, key, alg=alg, x5c=certificate(key)))
    response = lrs.post(URL, body, content_type=ctype)
    assert response.status_code == 200, response.content
    assert Statement.objects.count() == 1


def test_without_a_certificate_the_payload_is_still_checked(lrs, key):
    statement = xapi_statement()
    body, ctype = signed_request(statement, jws(statement, key))
    assert lrs.post(URL, body, content_type=ctype).status_code == 200
    other = xapi_statement(verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    body, ctype = signed_request(other, jws(statement, key))
    response = lrs.post(URL, body, content_type=ctype)
    assert response.status_code == 400
    assert "not the statement that was sent" in response.json()["error"]


def test_a_signed_statement_sent_with_another_timestamp_is_400(lrs, key):
    """2.6: the payload is "the complete Statement before the signature was added", and a
    statement that differs from it has a malformed signature. The timestamp is set by the
    LRS only when the statement has none: a signed statement whose time was changed after
    signing (a completion dated a week earlier) is refused; the same instant written in
    another zone is the same statement."""
    statement = xapi_statement(timestamp="2026-06-01T10:00:00.000Z")
    token = jws(statement, key, x5c=certificate(key))
    earlier = {**statement, "timestamp": "2026-05-25T10:00:00.000Z"}
    body, ctype = signed_request(earlier, token)
    response = lrs.post(URL, body, content_type=ctype)
    assert response.status_code == 400
    assert "not the statement that was sent" in response.json()["error"]
    assert not Statement.objects.exists()
    same = {**statement, "timestamp": "2026-06-01T11:00:00+01:00"}
    body, ctype = signed_request(same, token)
    assert lrs.post(URL, body, content_type=ctype).status_code == 200


def test_a_signed_statement_sent_under_another_id_is_400(lrs, key):
    """2.6 and 2.3.1 "Statement Comparison Requirements": only differences that LRS
    processing could have caused are ignored, and an LRS assigns an id only to a statement
    sent without one. A signature made for one statement id does not vouch for a statement
    stored under another; a payload without an id matches any id, and the same UUID in
    upper case is the same id."""
    signed_id = "1c5a9c6e-7a1f-4d0b-9a0e-2f6f3c1b8d01"
    statement = xapi_statement(id=signed_id)
    token = jws(statement, key, x5c=certificate(key))
    other = {**statement, "id": "5d0e4b8a-3c2f-4e6a-8b1d-7a9c0f2e4b63"}
    body, ctype = signed_request(other, token)
    response = lrs.post(URL, body, content_type=ctype)
    assert response.status_code == 400
    assert "not the statement that was sent" in response.json()["error"]
    assert not Statement.objects.exists()
    body, ctype = signed_request({**statement, "id": signed_id.upper()}, token)
    assert lrs.post(URL, body, content_type=ctype).status_code == 200
    unsigned_id = xapi_statement()
    body, ctype = signed_request({**unsigned_id, "id": str(uuid.uuid4())}, jws(unsigned_id, key))
    assert lrs.post(URL, body, content_type=ctype).status_code == 200


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (b"not a signature", "compact serialization"),
        (b"a.b.c", "not base64url"),
        ("{0}.{0}.{0}".format(b64url(b"abc")).encode(), "not JSON"),
        ("{}.{}.{}".format(*[b64url(b"{}")] * 3).encode(), "RS256, RS384 or RS512"),
        # Python reads no whole number of more than 4,300 digits, nor JSON nested this deep.
        ("{0}.{0}.{0}".format(b64url(b"9" * 5000)).encode(), "not JSON"),
        ("{0}.{0}.{0}".format(b64url(b"[" * 100_000)).encode(), "not JSON"),
    ],
)
def test_a_signature_that_is_not_a_jws_is_400(lrs, token, reason):
    body, ctype = signed_request(xapi_statement(), token)
    response = lrs.post(URL, body, content_type=ctype)
    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert not Statement.objects.exists()


def test_another_algorithm_is_400(lrs, key):
    statement = xapi_statement()
    header = b64url(json.dumps({"alg": "HS256"}).encode())
    token = f"{header}.{b64url(json.dumps(statement).encode())}.{b64url(b'mac')}".encode()
    body, ctype = signed_request(statement, token)
    assert lrs.post(URL, body, content_type=ctype).status_code == 400


def test_a_signature_that_does_not_verify_against_its_certificate_is_400(lrs, key):
    statement = xapi_statement()
    someone_else = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    body, ctype = signed_request(statement, jws(statement, key, x5c=certificate(someone_else)))
    response = lrs.post(URL, body, content_type=ctype)
    assert response.status_code == 400
    assert "does not verify" in response.json()["error"]


def test_a_signature_not_sent_as_octet_stream_is_400(lrs, key):
    statement = xapi_statement()
    body, ctype = signed_request(statement, jws(statement, key), content_type="text/plain")
    response = lrs.post(URL, body, content_type=ctype)
    assert response.status_code == 400
    assert "application/octet-stream" in response.json()["error"]
