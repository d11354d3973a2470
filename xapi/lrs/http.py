"""What every LRS request and response shares (xAPI 1.0.3 Part Three 1.x and 2.0.0 Part
Three 1.x): the version header, the alternate request syntax, CORS, HEAD and JSON errors."""

import json
import math
import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial, wraps
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils import timezone

from ..statements.errors import StatementValidationError

SUPPORTED_VERSIONS = ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"]
# Any patch of a supported minor version: 1.0.x, and 2.0.x (IEEE 9274.1.1 Part Three 4.1.7).
ANY_SUPPORTED_PATCH = re.compile(r"[12]\.0\.[0-9]+")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "HEAD, GET, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": (
        "Content-Type, Content-Length, Authorization, X-Experience-API-Version, If-Match, "
        "If-None-Match, X-Requested-With, X-CSRFToken"
    ),
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, Cache-Control, Content-Type, Content-Length, WWW-Authenticate, "
        "Allow, Retry-After, X-Experience-API-Version, X-Experience-API-Consistent-Through"
    ),
    "Access-Control-Max-Age": "86400",
}
# Part Three 1.3 "Alternate Request Syntax": these come as form fields rather than headers.
ALT_HEADER_FIELDS = {
    "authorization": "HTTP_AUTHORIZATION",
    "x-experience-api-version": "HTTP_X_EXPERIENCE_API_VERSION",
    "content-type": "CONTENT_TYPE",
    "content-length": "CONTENT_LENGTH",
    "if-match": "HTTP_IF_MATCH",
    "if-none-match": "HTTP_IF_NONE_MATCH",
}


class LrsError(Exception):
    """An error answered with a status and a reason (and the fields at fault, if any)."""

    def __init__(
        self,
        status: int,
        message: str,
        fields: list[tuple[str, str]] | None = None,
        headers: dict | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or []
        self.headers = headers or {}


# What each kind of resource takes: a 405 names them (see `not_allowed`).
STATEMENT_METHODS = ("GET", "HEAD", "PUT", "POST", "OPTIONS")
DOCUMENT_METHODS = ("GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS")
READ_METHODS = ("GET", "HEAD", "OPTIONS")


def not_allowed(method: str, allowed: tuple[str, ...]) -> LrsError:
    """A 405 for `method`. RFC 9110 15.5.6 (which xAPI's HTTP follows): "The origin server
    MUST generate an Allow header field in a 405 response containing a list of the target
    resource's currently supported methods"."""
    methods = ", ".join(allowed)
    return LrsError(405, f"{method} is not allowed here; use {methods}", headers={"Allow": methods})


@dataclass
class LrsRequest:
    """A request after the alternate syntax is undone: the method, the parameters, the body
    and the headers the resource needs, whichever way they were sent."""

    method: str
    params: QueryDict
    body: bytes
    content_type: str
    content_type_params: dict
    version: str
    headers: dict = field(default_factory=dict)
    django: HttpRequest | None = None
    # The whole Content-Type (the media type in lower case, its parameters as sent): what a
    # document is stored and returned with.
    content_type_full: str = ""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self):
        try:
            return statements_json(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise LrsError(400, f"the body is not valid JSON: {exc}") from None


def _object_once(pairs: list[tuple[str, object]]) -> dict:
    found = dict(pairs)
    if len(found) < len(pairs):
        seen = set()
        for key, _value in pairs:
            if key in seen:
                raise LrsError(400, f"the property {key!r} is given more than once in an object")
            seen.add(key)
    return found


def _not_json(constant: str):
    raise LrsError(400, f"the body is not valid JSON: {constant} is not a JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise LrsError(400, f"the body is not valid JSON: {text} is too large a number")
    return number


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        # Python reads no whole number longer than sys.get_int_max_str_digits() (4,300).
        raise LrsError(
            400, f"the body is not valid JSON: a number of {len(text)} digits is too long"
        ) from None


def statements_json(text: str):
    """Statements parsed from JSON. 2.0.0 Part Two 4.2.1: "An LRS shall reject a Statement
    that uses a property more than once": a parser would keep one of the values silently.
    Python's parser also takes NaN and Infinity, which RFC 8259 JSON has not, and turns a
    number too large for a double into one: neither can be stored or sent on as JSON."""
    try:
        return json.loads(
            text,
            object_pairs_hook=_object_once,
            parse_constant=_not_json,
            parse_float=_finite,
            parse_int=_whole,
        )
    except RecursionError:
        raise LrsError(400, TOO_DEEP) from None


TOO_DEEP = "the JSON is nested too deeply to read"
NUL_REASON = "contains a NUL character (U+0000), which this LRS cannot store or search for"


def nul_paths(data, path: str = "") -> list[str]:
    """The paths of every string (or object key) in parsed JSON that contains a NUL
    character. PostgreSQL can store none in text or jsonb, so such a statement is refused with
    a reason rather than failing when it is saved."""
    found: list[str] = []
    if isinstance(data, str):
        if "\x00" in data:
            found.append(path or "(the body)")
    elif isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                found.append(where)
            found += nul_paths(value, where)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += nul_paths(value, f"{path}[{index}]")
    return found


def refuse_nul(data) -> None:
    paths = nul_paths(data)
    if paths:
        raise LrsError(400, f"{paths[0]} {NUL_REASON}", [(p, NUL_REASON) for p in paths])


def _content_type(value: str) -> tuple[str, dict]:
    parts = [p.strip() for p in (value or "").split(";")]
    params = {}
    for part in parts[1:]:
        if "=" in part:
            key, _sep, val = part.partition("=")
            params[key.strip().lower()] = val.strip().strip('"')
    return parts[0].lower(), params


def _content_type_full(value: str) -> str:
    media_type, _sep, parameters = (value or "").partition(";")
    parameters = parameters.strip()
    return media_type.strip().lower() + (f"; {parameters}" if parameters else "")


def lrs_request(request: HttpRequest) -> LrsRequest:
    """Read a request, undoing the alternate request syntax (Part Three 1.3) if used."""
    meta = request.META
    headers = {
        "authorization": meta.get("HTTP_AUTHORIZATION", ""),
        "x-experience-api-version": meta.get("HTTP_X_EXPERIENCE_API_VERSION", ""),
        "if-match": meta.get("HTTP_IF_MATCH"),
        "if-none-match": meta.get("HTTP_IF_NONE_MATCH"),
        "accept-language": meta.get("HTTP_ACCEPT_LANGUAGE", ""),
    }
    method = request.method.upper()
    try:
        params = request.GET.copy()
    except TooManyFieldsSent:
        # Django's own refusal is an HTML page without the LRS's headers (as for too large
        # a body below).
        raise LrsError(
            400,
            f"the query string has more than the {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} "
            "fields this LRS takes",
        ) from None
    try:
        body = request.body
    except RequestDataTooBig:
        # Django's own refusal is an HTML page without the LRS's headers, which a tool in a
        # browser cannot read (CORS) and may send again for ever.
        raise LrsError(
            413,
            f"the request is larger than the {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes "
            "this LRS takes",
        ) from None
    content_type = meta.get("CONTENT_TYPE", "")
    if method == "POST" and "method" in request.GET:
        # "The LRS MUST support the alternate request syntax": POST with ?method=X and the
        # headers, parameters and content as form fields.
        alt = request.GET["method"].upper()
        if alt not in ("GET", "PUT", "POST", "DELETE", "HEAD"):
            raise LrsError(400, "method must be GET, PUT, POST or DELETE")
        if set(request.GET) != {"method"}:
            raise LrsError(
                400, "with the alternate request syntax, the only query parameter is method"
            )
        ctype, _p = _content_type(content_type)
        if ctype != "application/x-www-form-urlencoded":
            # Part Three 3.2: content that does not match its type is a 400.
            raise LrsError(
                400, "the alternate request syntax needs application/x-www-form-urlencoded"
            )
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            # Part Three 1.2 "Encoding": all strings are UTF-8.
            raise LrsError(400, "the alternate request syntax's form must be UTF-8") from None
        form = QueryDict(mutable=True)
        for key, value in parse_qsl(text, keep_blank_values=True):
            form.appendlist(key, value)
        params = QueryDict(mutable=True)
        content = b""
        content_type = ""
        for key in form:
            value = form[key]
            lowered = key.lower()
            if lowered == "content":
                content = value.encode("utf-8")
            elif lowered == "content-type":
                content_type = value
            elif lowered in ALT_HEADER_FIELDS:
                headers[lowered] = value
            else:
                params.setlist(key, form.getlist(key))
        if headers["x-experience-api-version"].strip().startswith("2."):
            # xAPI 2.0.0 (IEEE 9274.1.1) dropped the alternate request syntax, and the ADL
            # 2.0 test suite expects such a request to be refused.
            raise LrsError(
                400, "xAPI 2.0 has no alternate request syntax: send the method and headers"
            )
        method, body = alt, content
    for key in params:
        if "\x00" in key or any("\x00" in value for value in params.getlist(key)):
            raise LrsError(400, f"the {key!r} parameter {NUL_REASON}")
    # The alternate request syntax sends the headers as form fields, which may hold any
    # character: a document is kept with its Content-Type, which PostgreSQL could not store.
    if "\x00" in content_type:
        raise LrsError(400, f"the Content-Type {NUL_REASON}")
    for name, value in headers.items():
        if value and "\x00" in value:
            raise LrsError(400, f"the {name} header {NUL_REASON}")
    ctype, ctype_params = _content_type(content_type)
    return LrsRequest(
        method=method,
        params=params,
        body=body,
        content_type=ctype,
        content_type_params=ctype_params,
        content_type_full=_content_type_full(content_type),
        version=headers["x-experience-api-version"].strip(),
        headers=headers,
        django=request,
    )


def version_check(version: str) -> str:
    """Part Three 1.4 "Versioning": refuse a missing or unsupported version; answer with the
    latest patch of the version asked for."""
    if not version:
        raise LrsError(400, "the X-Experience-API-Version header is required")
    if version in ("1.0", "2.0"):
        version += ".0"
    # 1.0.3 6.2 rejects only versions before 1.0.0 and from 1.1.0, and 2.0.0 4.1.7 only those
    # from 2.1.0: a later patch (1.0.4, 2.0.1) is the same API, so it is accepted and
    # answered with the latest patch this LRS speaks (1.0.3 or 2.0.0).
    if version not in SUPPORTED_VERSIONS and not ANY_SUPPORTED_PATCH.fullmatch(version):
        raise LrsError(
            400,
            f"xAPI version {version} is not supported; use one of {', '.join(SUPPORTED_VERSIONS)}",
        )
    return "2.0.0" if version.startswith("2.") else "1.0.3"


def with_lrs_headers(response: HttpResponse, version: str) -> HttpResponse:
    response["X-Experience-API-Version"] = version
    for key, value in CORS_HEADERS.items():
        response[key] = value
    return response


def error_response(exc: LrsError, version: str) -> HttpResponse:
    payload: dict = {"error": exc.message}
    if exc.fields:
        payload["fields"] = [{"path": p, "message": m} for p, m in exc.fields]
    response = JsonResponse(payload, status=exc.status)
    for key, value in exc.headers.items():
        response[key] = value
    return with_lrs_headers(response, version)


def lrs_view(view=None, *, consistent_through: bool = False):
    """Wrap a resource: OPTIONS preflight, version check, errors as JSON, HEAD as GET.

    `consistent_through`: the Statement Resource "MUST include the
    X-Experience-API-Consistent-Through header" on every response, errors included (Part
    Three 2.1.3); a response without its own gets the one for the time the request arrived
    (`consistent_through_now`)."""
    if view is None:
        return partial(lrs_view, consistent_through=consistent_through)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        arrived = consistent_through_now() if consistent_through else None
        response = _answer(view, request, *args, **kwargs)
        if arrived and "X-Experience-API-Consistent-Through" not in response:
            response["X-Experience-API-Consistent-Through"] = arrived
        return response

    wrapper.csrf_exempt = True
    return wrapper


def version_asked(request: HttpRequest) -> str:
    """The version to answer in before the request is read (a refusal of too many fields or
    too large a body; the About resource, which needs no header): the one the tool's header
    asks for, as every other answer is, or the latest when it asks for none this LRS
    speaks."""
    try:
        return version_check(request.META.get("HTTP_X_EXPERIENCE_API_VERSION", "").strip())
    except LrsError:
        return "2.0.0"


def _answer(view, request, *args, **kwargs) -> HttpResponse:
    version = version_asked(request)
    if request.method == "OPTIONS":
        return with_lrs_headers(HttpResponse(status=200), version)
    try:
        lrs = lrs_request(request)
        version = version_check(lrs.version)
        lrs.version = version
        head = lrs.method == "HEAD"
        if head:
            lrs.method = "GET"
        response = view(lrs, *args, **kwargs)
        if head:
            # Part Three 1.1: HEAD answers as GET would, without a body.
            length = len(response.content) if not response.streaming else None
            response.content = b""
            if length is not None:
                response["Content-Length"] = str(length)
    except StatementValidationError as exc:
        return error_response(LrsError(400, str(exc), exc.errors), version)
    except LrsError as exc:
        return error_response(exc, version)
    return with_lrs_headers(response, version)


def consistent_through_now() -> str:
    """A time before which every statement stored is readable now. A statement's `stored`
    is stamped when its write starts and it is readable once its transaction commits, so a
    write in flight may commit with a `stored` a little before now: a tool polling with
    since= the answer's time would never see it. So the time given is now less the longest
    a write can take (settings.XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS); a tool reads those
    last seconds again, and tells the statements it already has by their ids."""
    margin = timedelta(seconds=settings.XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS)
    return _iso(timezone.now() - margin)


def _iso(moment) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
