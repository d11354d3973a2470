"""The xAPI resources (xAPI 1.0.3 Part Three 2, and 2.0.0 where it differs). Thin: parse
and check parameters, authenticate, call services and selectors, shape the answer."""

import json
import re
import uuid
from contextlib import nullcontext
from datetime import datetime
from types import SimpleNamespace

from django.core import signing
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from ..identity import actor_key
from ..models import AttachmentContent
from ..selectors import (
    StatementFilter,
    activity_definition,
    activity_definitions,
    statement_get,
    statements_find,
)
from ..services import (
    IDENTIFIER_MAX,
    TOO_LONG,
    StatementWriteTooLate,
    document_delete,
    document_preconditions,
    document_save,
    documents_etag,
    documents_find,
    format_timestamp,
    learner_match,
    parse_timestamp,
    record,
)
from ..statements.agents import Actor
from ..statements.base import _UUID, _iri, _timestamp
from ..statements.errors import StatementConflictError
from ..statements.validation import errors_from
from .auth import Principal, authenticate, session_statements_check
from .formats import activity_iris, statement_format, statement_versioned
from .http import (
    DOCUMENT_METHODS,
    NUL_REASON,
    READ_METHODS,
    STATEMENT_METHODS,
    SUPPORTED_VERSIONS,
    LrsError,
    LrsRequest,
    consistent_through_now,
    error_response,
    lrs_view,
    not_allowed,
    nul_paths,
    refuse_nul,
    version_asked,
    version_check,
    with_lrs_headers,
)
from .multipart import attachments_match, attachments_read, multipart_response
from .signatures import signatures_check

PAGE_MAX = 100
GET_PARAMS = {
    "statementId",
    "voidedStatementId",
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
    "more",
}
SINGLE_PARAMS = {"statementId", "voidedStatementId", "format", "attachments"}
MORE_SALT = "xapi.statements.more"
_DIGITS = re.compile(r"[0-9]+")
# xapi.models.Document.content_type's max_length.
DOCUMENT_CONTENT_TYPE_MAX = 255
# The most a document's activity id, agent and document id may take together in UTF-8:
# PostgreSQL indexes at most 2,704 bytes of a row (xapi_document_unique holds all three, with
# room left here for the school, the kind and the registration).
DOCUMENT_KEY_BYTES_MAX = 2400


# Parameter parsing ---------------------------------------------------------------------


def _single(lrs: LrsRequest, name: str, *, required: bool = False) -> str | None:
    values = lrs.params.getlist(name)
    if len(values) > 1:
        raise LrsError(400, f"{name} is given more than once")
    if not values:
        if required:
            raise LrsError(400, f"the {name} parameter is required")
        return None
    return values[0]


def _iri_param(lrs, name, *, required=False) -> str | None:
    value = _single(lrs, name, required=required)
    if value is None:
        return None
    try:
        return _iri(value)
    except Exception:
        raise LrsError(400, f"{name} must be an IRI", [(name, "must be an IRI")]) from None


def _uuid_param(lrs, name, *, required=False) -> str | None:
    value = _single(lrs, name, required=required)
    if value is None:
        return None
    # 2.0.0 Part Two 4.5: the standard string form only, as a statement's id (uuid.UUID
    # would also read one braced, as a urn:uuid: or without hyphens).
    if not _UUID.match(value):
        raise LrsError(400, f"{name} must be a UUID", [(name, "must be a UUID")])
    return str(uuid.UUID(value))


def _bool_param(lrs, name) -> bool:
    value = _single(lrs, name)
    if value is None:
        return False
    if value.lower() not in ("true", "false"):
        raise LrsError(400, f"{name} must be true or false")
    return value.lower() == "true"


def _limit_param(lrs) -> int:
    """2.1.3 limit: a non-negative integer, 0 for the server's maximum. Only the digits 0-9:
    int() would also take spaces, underscores, a sign and the digits of other scripts."""
    value = _single(lrs, "limit")
    if value is None:
        return 0
    if value.startswith("-") and _DIGITS.fullmatch(value[1:]):
        raise LrsError(400, "limit must not be negative")
    if not _DIGITS.fullmatch(value):
        raise LrsError(400, "limit must be a whole number (the digits 0-9 only)")
    digits = value.lstrip("0") or "0"
    # Any number longer than this is more than a page anyway (and too long for int()).
    return int(digits) if len(digits) <= 9 else PAGE_MAX + 1


def _time_param(lrs, name) -> datetime | None:
    value = _single(lrs, name)
    if value is None:
        return None
    try:
        return parse_timestamp(_timestamp(value, lrs.version))
    except Exception:
        raise LrsError(400, f"{name} must be an ISO 8601 timestamp") from None


def _agent_param(lrs, name="agent", *, required=False) -> tuple[dict | None, str | None]:
    value = _single(lrs, name, required=required)
    if value is None:
        return None, None
    try:
        agent = json.loads(value)
    except (ValueError, RecursionError):
        # ValueError: not JSON, or a whole number too long for Python to read.
        raise LrsError(400, f"{name} must be a JSON Agent or Group") from None
    if nul_paths(agent):
        raise LrsError(400, f"the {name!r} parameter {NUL_REASON}")
    from pydantic import TypeAdapter, ValidationError

    try:
        TypeAdapter(Actor).validate_python(agent)
    except ValidationError as exc:
        fields = [(f"{name}.{p}" if p else name, m) for p, m in errors_from(exc)]
        raise LrsError(400, f"{name} is not a valid Agent or Group", fields) from None
    return agent, actor_key(agent)


def _only(lrs: LrsRequest, allowed: set[str]) -> None:
    unknown = set(lrs.params) - allowed
    if unknown:
        raise LrsError(400, f"unexpected parameters: {', '.join(sorted(unknown))}")


def _json_body(lrs: LrsRequest):
    if lrs.content_type and lrs.content_type != "application/json":
        raise LrsError(400, "statements must be sent as application/json or multipart/mixed")
    return lrs.json()


def _as_learner(principal: Principal, key: str | None) -> str | None:
    """A learner's session naming their own account in another spelling of its opaque id
    (in capitals, without hyphens: a UUID is theirs however it is spelt, as when statements
    are recorded) means the agent they are known by: their key, not a second one."""
    own = principal.learner_key if principal.user is not None else None
    if key is None or own is None or key == own or not own.startswith("account:"):
        return key
    learner_id, _email = learner_match(key, principal.school_id)
    return own if learner_id == principal.user.learner_id else key


def _own_agent(principal: Principal, key: str | None) -> str | None:
    """The key a resource is kept under for this agent: for a learner's session, only their
    own agent, in whichever spelling of their id."""
    key = _as_learner(principal, key)
    if principal.user is not None and key != principal.learner_key:
        raise LrsError(403, "a learner's session may only use their own agent")
    return key


# Statements ----------------------------------------------------------------------------


@lrs_view(consistent_through=True)
def statements(lrs: LrsRequest):
    if lrs.method == "GET":
        return _statements_get(lrs)
    if lrs.method in ("PUT", "POST"):
        return _statements_write(lrs)
    raise not_allowed(lrs.method, STATEMENT_METHODS)


def _statements_write(lrs: LrsRequest):
    principal = authenticate(lrs, write=True)
    attachments = None
    if lrs.content_type == "multipart/mixed":
        body, attachments = attachments_read(lrs.body, lrs.content_type_params.get("boundary"))
    else:
        body = _json_body(lrs)
    if b"\\u0000" in lrs.body:
        # JSON can only carry a NUL escaped (a raw one is refused as JSON), so a body without
        # the escape needs no walk.
        refuse_nul(body)
    if lrs.method == "PUT":
        _only(lrs, {"statementId"})
        statement_id = _uuid_param(lrs, "statementId", required=True)
        if not isinstance(body, dict):
            raise LrsError(400, "PUT takes one statement (a JSON object)")
        if "id" in body and str(body["id"]).lower() != statement_id:
            raise LrsError(400, "the statement's id differs from statementId", [("id", "differs")])
        body = {**body, "id": statement_id}
        batch = [body]
    else:
        _only(lrs, set())
        batch = body if isinstance(body, list) else [body]
    attachments_match(batch, attachments)
    signatures_check(batch, attachments, version=lrs.version)
    if principal.user is not None:
        # DESIGN.md: a browser-sent statement never chooses its own actor.
        batch = [
            {**s, "actor": principal.learner_actor} if isinstance(s, dict) else s for s in batch
        ]
        session_statements_check(batch, principal)
    from records.projection import voided_statement_id

    # Read before record() validates them: anything but objects is no voiding statement.
    voiding = [
        target
        for s in batch
        if isinstance(s, dict)
        and isinstance(s.get("verb"), dict)
        and isinstance(s.get("object"), dict)
        and (target := voided_statement_id(s))
    ]
    try:
        with transaction.atomic() if voiding else nullcontext():
            ids = record(
                statements=batch,
                school_id=principal.school_id,
                authority=principal.authority,
                version=lrs.version,
                attachments=attachments,
                # A session's statements are all about its learner (the actor was set above).
                learner=principal.user,
            )
            if voiding:
                # A course Upstander completed on the strength of a module completion voided
                # here is no longer complete (xAPI 1.0.3 §2.2.6).
                from courses.services import course_completions_recheck

                course_completions_recheck(
                    voided_statement_ids=voiding, school_id=principal.school_id
                )
    except StatementConflictError as exc:
        raise LrsError(409, str(exc)) from None
    except StatementWriteTooLate as exc:
        raise LrsError(503, str(exc), headers={"Retry-After": "1"}) from None
    if lrs.method == "PUT":
        return HttpResponse(status=204)
    return JsonResponse(ids, safe=False)


def _statements_get(lrs: LrsRequest):
    principal = authenticate(lrs, write=False)
    _only(lrs, GET_PARAMS)
    more = _single(lrs, "more")
    cursor = None
    if more is not None:
        try:
            state = signing.loads(more, salt=MORE_SALT, max_age=24 * 3600)
        except signing.BadSignature:
            raise LrsError(400, "the more token is not valid (or has expired)") from None
        lrs.params = lrs.params.copy()
        lrs.params.pop("more")
        if set(lrs.params) - {"format", "attachments"}:
            raise LrsError(400, "more is used on its own")
        for key, value in state["p"].items():
            lrs.params[key] = value
        cursor = (parse_timestamp(state["c"][0]), state["c"][1])
    fmt = _single(lrs, "format") or "exact"
    if fmt not in ("exact", "ids", "canonical"):
        raise LrsError(400, "format must be exact, ids or canonical")
    with_attachments = _bool_param(lrs, "attachments")
    accept_language = lrs.header("accept-language") or ""
    only = principal.learner_key if principal.user is not None else None

    statement_id = _uuid_param(lrs, "statementId")
    voided_id = _uuid_param(lrs, "voidedStatementId")
    if statement_id or voided_id:
        if statement_id and voided_id:
            raise LrsError(400, "give statementId or voidedStatementId, not both")
        _only(lrs, SINGLE_PARAMS)
        row = statement_get(
            school=principal.school,
            statement_id=statement_id or voided_id,
            voided=bool(voided_id),
            only_actor_key=only,
        )
        if row is None:
            raise LrsError(404, "no such statement")
        data = statement_versioned(row.data, lrs.version)
        definitions = _canonical_definitions(principal, [data], fmt)
        payload = statement_format(data, fmt, accept_language, definitions)
        response = _statements_response(payload, [data], with_attachments, principal)
        response["Last-Modified"] = http_date(row.stored.timestamp())
        return response

    _agent, key = _agent_param(lrs)
    key = _as_learner(principal, key)
    limit = _limit_param(lrs)
    limit = PAGE_MAX if limit == 0 else min(limit, PAGE_MAX)
    f = StatementFilter(
        school=principal.school,
        agent_key=key,
        verb=_iri_param(lrs, "verb"),
        activity=_iri_param(lrs, "activity"),
        registration=_uuid_param(lrs, "registration"),
        related_activities=_bool_param(lrs, "related_activities"),
        related_agents=_bool_param(lrs, "related_agents"),
        since=_time_param(lrs, "since"),
        until=_time_param(lrs, "until"),
        ascending=_bool_param(lrs, "ascending"),
        only_actor_key=only,
    )
    consistent = consistent_through_now()
    rows, has_more = statements_find(f, limit=limit, cursor=cursor)
    # A 1.0.x reader gets statements as 1.0.x has them (without 2.0.0's contextAgents).
    datas = [statement_versioned(r.data, lrs.version) for r in rows]
    definitions = _canonical_definitions(principal, datas, fmt)
    payload = {
        "statements": [statement_format(d, fmt, accept_language, definitions) for d in datas],
        "more": "",
    }
    if has_more:
        params = {k: lrs.params[k] for k in lrs.params if k not in ("format", "attachments")}
        token = signing.dumps(
            {"p": params, "c": [format_timestamp(rows[-1].stored), rows[-1].id]}, salt=MORE_SALT
        )
        extra = "".join(
            f"&{k}={lrs.params[k]}" for k in ("format", "attachments") if k in lrs.params
        )
        payload["more"] = f"{reverse('xapi:statements')}?more={token}{extra}"
    response = _statements_response(payload, datas, with_attachments, principal)
    response["X-Experience-API-Consistent-Through"] = consistent
    if rows:
        # 2.0.0 Part Three 4.1.6.1 GET: "the most recent (maximum) "stored" property of any
        # of the returned statement(s)", whichever order they are listed in.
        response["Last-Modified"] = http_date(max(r.stored for r in rows).timestamp())
    return response


def _canonical_definitions(principal: Principal, datas: list[dict], fmt: str) -> dict | None:
    """For the canonical format, the LRS's definition of each activity the statements
    mention (what the Activities resource answers), by activity id."""
    if fmt != "canonical":
        return None
    iris = [iri for data in datas for iri in activity_iris(data)]
    definitions = activity_definitions(school=principal.school, activity_iris=iris)
    if principal.user is not None:
        definitions = {iri: _without_answers(d) for iri, d in definitions.items()}
    return definitions


def _without_answers(definition: dict) -> dict:
    """An activity's definition as a learner's browser is given it: without a question's
    correctResponsesPattern (4.1.4.1), which would tell them which answer is right before
    they answer it, as soon as anyone in the school has."""
    return {key: value for key, value in definition.items() if key != "correctResponsesPattern"}


def _statements_response(payload, datas, with_attachments, principal) -> HttpResponse:
    if not with_attachments:
        return JsonResponse(payload, safe=False)
    wanted = {}
    for data in datas:
        for item in _attachment_items(data):
            wanted[item["sha2"].lower()] = item["contentType"]
    if principal.user is not None:
        brought = _brought_by(principal, datas)
        wanted = {sha2: t for sha2, t in wanted.items() if sha2 in brought}
    contents = AttachmentContent.objects.filter(school=principal.school, sha2__in=list(wanted))
    parts = [(c.content_type, c.sha2, bytes(c.content)) for c in contents]
    body, content_type = multipart_response(payload, parts)
    response = HttpResponse(body, content_type=content_type)
    # Each part keeps the contentType its tool gave, HTML included, and a browser may show
    # a multipart/mixed response part by part: never as a page of the site (as documents).
    response["Content-Disposition"] = "attachment"
    response["Content-Security-Policy"] = DOCUMENT_POLICY
    return response


def _attachment_items(data: dict) -> list[dict]:
    items = list(data.get("attachments") or [])
    if (data.get("object") or {}).get("objectType") == "SubStatement":
        items += data["object"].get("attachments") or []
    return [item for item in items if isinstance(item, dict) and "sha2" in item]


def _brought_by(principal: Principal, datas: list[dict]) -> set[str]:
    """The files (SHA-2) a learner's own statements brought. An attachment with a fileUrl
    may be sent without its part (Part Three 1.5.1), so naming a file by its SHA-2 proves
    nothing: a session that did so would be sent any file of its school, another pupil's
    included. Only an attachment without a fileUrl had to bring its part."""

    def brought(data: dict) -> set[str]:
        return {item["sha2"].lower() for item in _attachment_items(data) if "fileUrl" not in item}

    found = set().union(*(brought(data) for data in datas))
    if all(item["sha2"].lower() in found for data in datas for item in _attachment_items(data)):
        return found
    from ..models import Statement
    from ..services import CARRYING_ATTACHMENTS

    own = Statement.objects.filter(
        school_id=principal.school_id, actor_key=principal.learner_key
    ).filter(CARRYING_ATTACHMENTS)
    for data in own.values_list("data", flat=True).iterator(chunk_size=500):
        found |= brought(data)
    return found


# Documents -----------------------------------------------------------------------------


# A document keeps the Content-Type its tool gave, HTML included, and a browser can be sent
# to one with a form (the Alternate Request Syntax carries the credentials): it is never
# shown as a page of the site. Tools read the body whatever these say.
DOCUMENT_POLICY = "default-src 'none'; sandbox"


def _document_response(document) -> HttpResponse:
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["Content-Disposition"] = "attachment"
    response["Content-Security-Policy"] = DOCUMENT_POLICY
    response["ETag"] = f'"{document.etag}"'
    response["Last-Modified"] = http_date(document.updated.timestamp())
    return response


def _unless_current(lrs: LrsRequest, response: HttpResponse) -> HttpResponse:
    """A document's (or a list of ids') GET answer as its preconditions leave it, in the
    order RFC 9110 13.2.2 evaluates them: an If-Match naming no current version is a 412
    (13.1.1), as it is for PUT, POST and DELETE (Part Three 1.1); an If-None-Match naming the
    current one (compared weakly) is a 304 without the body (13.1.2): the tool has it."""
    etag = response["ETag"]
    current = SimpleNamespace(etag=etag.strip('"'))
    document_preconditions(
        current, if_match=lrs.header("if-match"), if_none_match=None, require=False
    )
    if_none_match = lrs.header("if-none-match")
    if if_none_match is not None:
        wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        if "*" in wanted or etag in wanted:
            not_modified = HttpResponseNotModified()
            for header in ("ETag", "Last-Modified"):
                if header in response:
                    not_modified[header] = response[header]
            return not_modified
    return response


def _documents_resource(
    lrs: LrsRequest, *, kind: str, key: dict, id_param: str, allowed: set, principal: Principal
):
    document_id = _single(lrs, id_param)
    if document_id == "":
        # An empty id names no document; saved under "", every tool whose id went missing
        # would share (and overwrite) one document.
        raise LrsError(400, f"the {id_param} parameter must not be empty")
    since = _time_param(lrs, "since")
    named = [
        (name, value)
        for name, value in (
            ("activityId", key.get("activity_iri")),
            ("agent", key.get("agent_key")),
            (id_param, document_id),
        )
        if value
    ]
    for name, value in named:
        if len(value) > IDENTIFIER_MAX:
            raise LrsError(400, f"the {name} parameter {TOO_LONG}")
    if sum(len(value.encode("utf-8")) for _name, value in named) > DOCUMENT_KEY_BYTES_MAX:
        # Each within its characters, but a character may take up to four bytes.
        raise LrsError(
            400,
            f"the {' and '.join(name for name, _value in named)} parameters together take "
            f"more than the {DOCUMENT_KEY_BYTES_MAX} bytes (in UTF-8) this LRS can store",
        )
    # `since` narrows a Multiple Document GET and is no parameter of PUT, POST or DELETE
    # (Part Three 2.3, 2.6, 2.7): a DELETE sent with it would otherwise clear every state,
    # not those saved since, so it is refused as any unknown parameter is (3.2). Nor of a
    # single document's GET (2.0.0 4.1.6.2: "If the stateId parameter is included, Not
    # Allowed"): the document would be sent whenever it was saved.
    listing = lrs.method == "GET" and document_id is None
    _only(lrs, allowed | {id_param} | ({"since"} if listing else set()))
    school = principal.school
    if document_id is None and kind == "state" and not key["registration"]:
        # 2.3 Multiple Document GET and DELETE: "all state data for this context (Activity +
        # Agent [+ registration if specified])": without one, every registration's too.
        key = {**key, "registration": None}
    if lrs.method == "GET":
        if document_id is None:
            found = list(
                documents_find(school=school, key=key, since=since).values_list(
                    "document_id", "updated", "registration", "etag"
                )
            )
            # A state id saved under several registrations is listed once.
            ids = list(dict.fromkeys(doc_id for doc_id, *_rest in found))
            response = JsonResponse(ids, safe=False)
            # 2.0.0 4.1.4: "An LRS responding to a GET request shall add an ETag"; the same
            # one a DELETE of every state here checks its If-Match against.
            response["ETag"] = '"{}"'.format(
                documents_etag(
                    (registration, doc_id, etag) for doc_id, _u, registration, etag in found
                )
            )
            if found:
                # 2.2 Last Modified: "when the most recently modified document was last
                # modified".
                newest = max(updated for _doc_id, updated, *_rest in found)
                response["Last-Modified"] = http_date(newest.timestamp())
            return _unless_current(lrs, response)
        document = documents_find(school=school, key=key).filter(document_id=document_id).first()
        if document is None:
            raise LrsError(404, "no such document")
        return _unless_current(lrs, _document_response(document))
    if lrs.method in ("PUT", "POST"):
        if document_id is None:
            raise LrsError(400, f"the {id_param} parameter is required")
        if len(lrs.content_type_full) > DOCUMENT_CONTENT_TYPE_MAX:
            raise LrsError(
                400, f"the Content-Type is longer than {DOCUMENT_CONTENT_TYPE_MAX} characters"
            )
        document = document_save(
            school=school,
            key=key,
            document_id=document_id,
            content=lrs.body,
            # "Documents can have any content type" (Part Three 1.5), parameters included: a
            # text document's charset says how to read it back.
            content_type=lrs.content_type_full or "application/octet-stream",
            merge=lrs.method == "POST",
            if_match=lrs.header("if-match"),
            if_none_match=lrs.header("if-none-match"),
            # 1.0.3 Part Three 1.1 leaves the State Resource out of "a PUT without If-Match or
            # If-None-Match to an existing document is 409"; 2.0.0 (IEEE 9274.1.1 4.1.4) puts
            # it in. Content written for 1.0.x, H5P's among it, saves state without ETags.
            require_precondition=kind != "state" or lrs.version.startswith("2."),
            # A learner's browser may not fill the database: its documents are capped.
            capped=principal.user is not None,
        )
        response = HttpResponse(status=204)
        response["ETag"] = f'"{document.etag}"'
        return response
    if lrs.method == "DELETE":
        if document_id is None and kind != "state":
            raise LrsError(400, f"the {id_param} parameter is required")
        document_delete(
            school=school,
            key=key,
            document_id=document_id,
            if_match=lrs.header("if-match"),
            if_none_match=lrs.header("if-none-match"),
        )
        return HttpResponse(status=204)
    raise not_allowed(lrs.method, DOCUMENT_METHODS)


@lrs_view
def state(lrs: LrsRequest):
    """Part Three 2.3 "State Resource": per activity, agent (and registration)."""
    principal = authenticate(lrs, write=lrs.method != "GET")
    activity = _iri_param(lrs, "activityId", required=True)
    agent, key = _agent_param(lrs, required=True)
    if agent.get("objectType") == "Group":
        # 2.3: "agent | Agent object (JSON)": the learner whose state it is, as on the Agent
        # Profile and Agents resources.
        raise LrsError(400, "the state resource takes an Agent, not a Group")
    key = _own_agent(principal, key)
    registration = _uuid_param(lrs, "registration")
    return _documents_resource(
        lrs,
        kind="state",
        key={
            "kind": "state",
            "activity_iri": activity,
            "agent_key": key,
            "registration": registration or "",
        },
        id_param="stateId",
        allowed={"activityId", "agent", "registration"},
        principal=principal,
    )


@lrs_view
def activity_profile(lrs: LrsRequest):
    """Part Three 2.5 "Activity Profile Resource"."""
    principal = authenticate(lrs, write=lrs.method != "GET")
    if principal.user is not None and lrs.method not in ("GET", "HEAD"):
        # One document for everyone who takes the activity: a learner's browser reads it.
        raise LrsError(403, "a browser session may read activity profiles, not change them")
    activity = _iri_param(lrs, "activityId", required=True)
    return _documents_resource(
        lrs,
        kind="activity_profile",
        key={"kind": "activity_profile", "activity_iri": activity},
        id_param="profileId",
        allowed={"activityId"},
        principal=principal,
    )


@lrs_view
def agent_profile(lrs: LrsRequest):
    """Part Three 2.6 "Agent Profile Resource"."""
    principal = authenticate(lrs, write=lrs.method != "GET")
    agent, key = _agent_param(lrs, required=True)
    if agent.get("objectType") == "Group":
        # "The "agent" parameter is an Agent Object and not a Group" (2.6): a tool storing
        # data against an Identified Group names it by its identifier in an Agent Object.
        raise LrsError(400, "the agent profile resource takes an Agent, not a Group")
    key = _own_agent(principal, key)
    return _documents_resource(
        lrs,
        kind="agent_profile",
        key={"kind": "agent_profile", "agent_key": key},
        id_param="profileId",
        allowed={"agent"},
        principal=principal,
    )


# Activities, agents, about -------------------------------------------------------------


@lrs_view
def activities(lrs: LrsRequest):
    """Part Three 2.5 "Activities Resource": the activity with its canonical definition."""
    if lrs.method != "GET":
        raise not_allowed(lrs.method, READ_METHODS)
    principal = authenticate(lrs, write=False)
    _only(lrs, {"activityId"})
    activity = _iri_param(lrs, "activityId", required=True)
    found = activity_definition(school=principal.school, activity_iri=activity)
    if found and principal.user is not None and "definition" in found:
        found = {**found, "definition": _without_answers(found["definition"])}
    # "If an LRS does not have a canonical definition of the Activity to return, the LRS
    # SHOULD* [2.0.0: shall] still return an Activity Object when queried" (Part Three 2.5).
    return JsonResponse(found or {"objectType": "Activity", "id": activity})


@lrs_view
def agents(lrs: LrsRequest):
    """Part Three 2.6 "Agents Resource": the Person object for an agent."""
    if lrs.method != "GET":
        raise not_allowed(lrs.method, READ_METHODS)
    principal = authenticate(lrs, write=False)
    _only(lrs, {"agent"})
    agent, key = _agent_param(lrs, required=True)
    if agent.get("objectType") == "Group":
        # 2.4: "It is not a Person Object, nor is it a Group": a request that names one is
        # malformed, whoever sends it (checked before whose agent it is, as on the State and
        # Agent Profile resources).
        raise LrsError(400, "the agents resource takes an Agent, not a Group")
    key = _own_agent(principal, key)
    person: dict = {"objectType": "Person"}
    for field in ("name", "mbox", "mbox_sha1sum", "openid", "account"):
        if field in agent:
            person[field] = [agent[field]]
    return JsonResponse(person)


def about(request):
    """Part Three 2.7 "About Resource": no authentication, no version header needed. A tool
    that sends one is answered in its version, as by every other resource (1.0.3 Part Three
    6.2: a 1.0.3 LRS "MUST set this header to "1.0.3"")."""
    version = version_asked(request)
    if request.method == "OPTIONS":
        return with_lrs_headers(HttpResponse(status=200), version)
    if request.method not in ("GET", "HEAD"):
        return error_response(not_allowed(request.method, READ_METHODS), version)
    response = JsonResponse({"version": SUPPORTED_VERSIONS, "extensions": {}})
    return with_lrs_headers(response, version)


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other path under the endpoint. "Every response from the LRS" carries the version
    header (Part Three 1.4; 2.0.0 4.1.7): a tool that asks for a resource the LRS has not is
    answered in JSON, with the CORS headers a tool in a browser needs to read it (and its
    preflight let through), not with a page of the site."""
    try:
        version = version_check(request.headers.get("X-Experience-API-Version", "").strip())
    except LrsError:
        version = "2.0.0"
    if request.method == "OPTIONS":
        return with_lrs_headers(HttpResponse(status=200), version)
    error = LrsError(
        404,
        "no such xAPI resource here: the resources are statements, activities, "
        "activities/state, activities/profile, agents, agents/profile and about",
    )
    return error_response(error, version)


def profile(request):
    """Our xAPI profile document (JSON-LD), at its stable IRI."""
    from ..statements.profile import profile_document

    response = JsonResponse(profile_document(), json_dumps_params={"indent": 2})
    response["Content-Type"] = "application/ld+json"
    response["Access-Control-Allow-Origin"] = "*"
    return response
