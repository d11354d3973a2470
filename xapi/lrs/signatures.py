"""Signed statements (xAPI 1.0.3 Part Two 2.6; 2.0.0 Part Two 2.6): a statement may carry a
JSON Web Signature of itself as an attachment. "The LRS MUST reject requests to store
Statements that contain malformed signatures, with 400 Bad Request": the signature must be
a JWS (compact serialization) with an RS256, RS384 or RS512 algorithm, sent as
application/octet-stream, whose payload is the statement as it was before the signature was
added; when its header carries an X.509 certificate (`x5c`), the signature must verify
against it. A signature given only by `fileUrl` cannot be checked and is stored as sent.
"""

import base64
import binascii
import json

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ..services import parse_timestamp, statement_comparable
from ..statements.errors import StatementValidationError
from ..statements.validation import statement_validate
from .http import LrsError

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
_HASHES = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}


class _Malformed(Exception):
    pass


def _b64url(segment: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise _Malformed("a part of the JWS is not base64url") from None


def _json(raw: bytes, what: str):
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        # ValueError: not JSON, or a whole number too long for Python to read; RecursionError:
        # nested too deeply to read.
        raise _Malformed(f"the JWS {what} is not JSON") from None


def without_signature(statement: dict) -> dict:
    """The statement as it was before its signature was attached (Part Two 2.6): its other
    attachments are kept."""
    kept = [
        item
        for item in statement.get("attachments") or []
        if not (isinstance(item, dict) and item.get("usageType") == SIGNATURE_USAGE)
    ]
    out = {key: value for key, value in statement.items() if key != "attachments"}
    if kept:
        out["attachments"] = kept
    return out


def _verify(header: dict, signing_input: bytes, signature: bytes, algorithm) -> None:
    chain = header.get("x5c")
    if chain is None:
        return
    if not isinstance(chain, list) or not chain or not isinstance(chain[0], str):
        raise _Malformed("the JWS header's x5c is not a list of certificates")
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0], validate=True))
    except (binascii.Error, ValueError):
        raise _Malformed("the JWS header's x5c certificate cannot be read") from None
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise _Malformed("the JWS header's x5c certificate does not hold an RSA key")
    try:
        key.verify(signature, signing_input, padding.PKCS1v15(), algorithm())
    except InvalidSignature:
        raise _Malformed("the signature does not verify against its x5c certificate") from None


def _check(statement: dict, jws: bytes, version: str) -> None:
    try:
        text = jws.decode("ascii").strip()
    except UnicodeDecodeError:
        raise _Malformed("it is not a JWS in compact serialization") from None
    segments = text.split(".")
    if len(segments) != 3 or not all(segments):
        raise _Malformed("it is not a JWS in compact serialization")
    header = _json(_b64url(segments[0]), "header")
    if not isinstance(header, dict):
        raise _Malformed("the JWS header is not a JSON object")
    algorithm = _HASHES.get(header.get("alg"))
    if algorithm is None:
        raise _Malformed("the JWS algorithm must be RS256, RS384 or RS512")
    payload = _json(_b64url(segments[1]), "payload")
    signature = _b64url(segments[2])
    _verify(header, f"{segments[0]}.{segments[1]}".encode("ascii"), signature, algorithm)
    try:
        original = statement_validate(payload, version=version)
        received = statement_validate(without_signature(statement), version=version)
    except StatementValidationError:
        raise _Malformed("the JWS payload is not a valid statement") from None
    if statement_comparable(original) != statement_comparable(received):
        raise _Malformed("the JWS payload is not the statement that was sent")
    # The comparison leaves out the id, which the LRS assigns only when a statement has none
    # (Part Two 2.4.1): an id the signer gave is part of what was signed.
    if original.id is not None and (
        received.id is None or original.id.lower() != received.id.lower()
    ):
        raise _Malformed("the JWS payload is not the statement that was sent")
    # The comparison leaves out the timestamp, which the LRS sets when a statement has none;
    # one the signer gave is part of what was signed (the same instant, in any zone).
    if original.timestamp is not None and (
        received.timestamp is None
        or parse_timestamp(original.timestamp) != parse_timestamp(received.timestamp)
    ):
        raise _Malformed("the JWS payload is not the statement that was sent")


def signatures_check(statements: list, attachments: dict | None, *, version: str) -> None:
    """Refuse (400) any statement in the batch whose signature attachment is malformed.
    `attachments` are the request's parts by SHA-2 (None for a JSON request)."""
    for index, statement in enumerate(statements):
        if not isinstance(statement, dict):
            continue
        items = statement.get("attachments")
        # Attachments that are not an array are left for validation to refuse with a reason.
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict) or item.get("usageType") != SIGNATURE_USAGE:
                continue
            where = f"[{index}].attachments: the signature"
            if item.get("contentType") != "application/octet-stream":
                raise LrsError(400, f"{where} must have the contentType application/octet-stream")
            part = (attachments or {}).get(str(item.get("sha2", "")).lower())
            if part is None:
                continue  # given by fileUrl only: not fetched
            try:
                _check(statement, part[1], version)
            except _Malformed as exc:
                raise LrsError(400, f"{where} is malformed: {exc}") from None
