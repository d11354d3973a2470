"""multipart/mixed requests and responses with attachments (xAPI 1.0.3 Part Three 1.5.2
"Attachments" and 2.1.2 "POST Statements")."""

import hashlib
import json
import secrets

from .http import NUL_REASON, LrsError, statements_json

# xapi.models.AttachmentContent.content_type's max_length: each file is kept with its type.
CONTENT_TYPE_MAX = 255
HASHES = {56: hashlib.sha224, 64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}


def _headers(raw: bytes) -> dict:
    headers = {}
    for line in raw.decode("utf-8", "replace").split("\r\n"):
        if ":" in line:
            name, _sep, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    return headers


def parts_split(body: bytes, boundary: str) -> list[tuple[dict, bytes]]:
    """Split a multipart body into (headers, content) pairs.

    RFC 2046 5.1.1: a delimiter is a line of its own, CRLF then "--" and the boundary (the
    first may open the body), followed by "--" to close or by optional white space and CRLF.
    The boundary's text anywhere else, inside a line of a file, is part of that file."""
    if not boundary:
        raise LrsError(400, "multipart/mixed needs a boundary")
    delimiter = b"\r\n--" + boundary.encode()
    # The CRLF before a delimiter belongs to it, so the first one, opening the body, has one.
    chunks = (b"\r\n" + body).split(delimiter)
    # Where the boundary began a line but went on with other text, that was no delimiter
    # (a sender should not write one there, RFC 2046 5.1.1): it stays in its part.
    joined = chunks[:1]
    for chunk in chunks[1:]:
        if chunk.startswith(b"--") or chunk.lstrip(b" \t").startswith(b"\r\n"):
            joined.append(chunk)
        else:
            joined[-1] += delimiter + chunk
    if len(joined) < 3:
        raise LrsError(400, "the multipart body has no parts")
    parts = []
    for chunk in joined[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.lstrip(b" \t").removeprefix(b"\r\n")
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            raise LrsError(400, "a multipart part has no header block")
        parts.append((_headers(head), content))
    if not parts:
        # The closing delimiter came first: there is no statements part to read.
        raise LrsError(400, "the multipart body has no parts")
    return parts


def attachments_read(body: bytes, boundary: str) -> tuple[object, dict[str, tuple[str, bytes]]]:
    """The statements (first part) and the attachment parts by SHA-2, checked."""
    parts = parts_split(body, boundary)
    head, first = parts[0]
    if not head.get("content-type", "").lower().startswith("application/json"):
        raise LrsError(400, "the first part must be the statements as application/json")
    try:
        statements = statements_json(first.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LrsError(400, f"the statements part is not valid JSON: {exc}") from None
    attachments: dict[str, tuple[str, bytes]] = {}
    # What each part's own headers say of it, by SHA-2: (Content-Type, Content-Length).
    said: dict[str, tuple[str | None, str | None]] = {}
    for index, (headers, content) in enumerate(parts[1:], start=1):
        declared = headers.get("x-experience-api-hash", "").lower()
        if not declared:
            raise LrsError(400, f"part {index} has no X-Experience-API-Hash header")
        if headers.get("content-transfer-encoding", "binary").lower() != "binary":
            raise LrsError(400, f"part {index} must use Content-Transfer-Encoding: binary")
        algorithm = HASHES.get(len(declared))
        if algorithm is None or algorithm(content).hexdigest() != declared:
            raise LrsError(400, f"part {index}: the content does not match its SHA-2 hash")
        content_type = headers.get("content-type", "application/octet-stream")
        if "\x00" in content_type:
            # The file is kept with it, and PostgreSQL stores no NUL in text.
            raise LrsError(400, f"part {index}: the Content-Type {NUL_REASON}")
        if len(content_type) > CONTENT_TYPE_MAX:
            raise LrsError(
                400, f"part {index}: the Content-Type is longer than {CONTENT_TYPE_MAX} characters"
            )
        attachments[declared] = (content_type, content)
        said[declared] = (headers.get("content-type"), headers.get("content-length"))
    _declarations_check(statements, said)
    return statements, attachments


def _media_type(value) -> str:
    return str(value).partition(";")[0].strip().lower()


def _declarations_check(statements, said: dict[str, tuple[str | None, str | None]]) -> None:
    """Part Three 1.5.2 "Requirements for Attachment Statement Batches": where a part's
    header has a corresponding property in the Attachment Object and both are given, "the
    values of these parameters and properties MUST match": Content-Type and contentType (the
    media types; parameters such as a charset may be written differently), Content-Length
    and length. Otherwise the statement would describe a file it does not carry."""
    batch = statements if isinstance(statements, list) else [statements]
    for index, statement in enumerate(batch):
        for item in _declared(statement):
            sha2 = str(item.get("sha2", "")).lower()
            if sha2 not in said:
                continue
            content_type, length = said[sha2]
            declared_type = item.get("contentType")
            if (
                content_type is not None
                and isinstance(declared_type, str)
                and _media_type(content_type) != _media_type(declared_type)
            ):
                raise LrsError(
                    400,
                    f"[{index}].attachments: the part for sha2 {sha2} is {content_type}, "
                    f"but the attachment's contentType is {declared_type}",
                )
            declared_length = item.get("length")
            if (
                length is not None
                and isinstance(declared_length, int)
                and length.strip() != str(declared_length)
            ):
                raise LrsError(
                    400,
                    f"[{index}].attachments: the part for sha2 {sha2} is {length.strip()} "
                    f"bytes long, but the attachment's length is {declared_length}",
                )


def _declared(statement) -> list[dict]:
    """The Attachment Objects of a statement (as sent, not yet checked), a SubStatement's
    included."""
    if not isinstance(statement, dict):
        return []
    items = statement.get("attachments")
    items = list(items) if isinstance(items, list) else []
    obj = statement.get("object")
    if isinstance(obj, dict) and obj.get("objectType") == "SubStatement":
        inner = obj.get("attachments")
        items += inner if isinstance(inner, list) else []
    return [item for item in items if isinstance(item, dict)]


def attachments_match(statements: list[dict], attachments: dict | None) -> None:
    """Every attachment without a fileUrl has a part, and every part is declared.
    `attachments` is None for a request that was not multipart/mixed, so had no parts."""
    declared = set()
    for index, statement in enumerate(statements):
        if not isinstance(statement, dict):
            continue
        # Only the Attachment Objects: attachments that are not an array of objects are left
        # for validation to refuse with a reason.
        for item in _declared(statement):
            sha2 = str(item.get("sha2", "")).lower()
            declared.add(sha2)
            if "fileUrl" in item:
                continue
            if attachments is None:
                # Part Three 1.5.1: without a fileUrl, the file travels in a multipart/mixed
                # request as a part.
                raise LrsError(
                    400,
                    f"[{index}].attachments: an attachment without a fileUrl is sent with its "
                    "file, as a multipart/mixed request",
                )
            if sha2 not in attachments:
                raise LrsError(400, f"[{index}].attachments: no part was sent for sha2 {sha2}")
    extra = set(attachments or {}) - declared
    if extra:
        raise LrsError(400, f"parts sent that no statement declares: {', '.join(sorted(extra))}")


def multipart_response(payload: dict | list, attachments: list) -> tuple[bytes, str]:
    """A multipart/mixed body: the JSON first, then each attachment (type, sha2, bytes)."""
    boundary = secrets.token_hex(16)
    out = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        json.dumps(payload).encode(),
        b"\r\n",
    ]
    for content_type, sha2, content in attachments:
        out += [
            f"--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary"
            f"\r\nX-Experience-API-Hash: {sha2}\r\n\r\n".encode(),
            bytes(content),
            b"\r\n",
        ]
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f'multipart/mixed; boundary="{boundary}"'
