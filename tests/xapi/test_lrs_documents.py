"""State, Activity Profile and Agent Profile resources, Activities, Agents (xAPI 1.0.3 Part
Three 2.3-2.6), with ETag concurrency (Part Three 1.1)."""

import json
import random
import uuid
from urllib.parse import urlencode

import pytest

from tests.xapi.conftest import xapi_statement

pytestmark = pytest.mark.django_db

AGENT = json.dumps({"mbox": "mailto:learner@example.org"})
ACTIVITY = "http://example.org/activities/one"


def state_url(state_id=None, **extra):
    params = {"activityId": ACTIVITY, "agent": AGENT, **extra}
    if state_id:
        params["stateId"] = state_id
    return "/xapi/activities/state?" + urlencode(params)


# The three document resources asked for their list of ids (no stateId or profileId).
each_listing_of_document_ids = pytest.mark.parametrize(
    "listing",
    [
        "/xapi/activities/state?" + urlencode({"activityId": ACTIVITY, "agent": AGENT}),
        "/xapi/activities/profile?" + urlencode({"activityId": ACTIVITY}),
        "/xapi/agents/profile?" + urlencode({"agent": AGENT}),
    ],
    ids=["state", "activity profile", "agent profile"],
)


def test_state_put_get_delete(lrs):
    """2.3 State Resource: PUT stores, GET returns the document with its ETag, DELETE
    removes it."""
    assert lrs.put(state_url("bookmark"), b"page-3", content_type="text/plain").status_code == 204
    got = lrs.get(state_url("bookmark"))
    assert got.content == b"page-3"
    assert got.headers["ETag"].startswith('"')
    assert lrs.delete(state_url("bookmark")).status_code == 204
    assert lrs.get(state_url("bookmark")).status_code == 404


def test_state_is_kept_per_registration(lrs):
    reg = "a3b0b5a5-2d0e-4c3b-9d7e-1c1a1f1d1e10"
    lrs.put(state_url("s", registration=reg), {"a": 1})
    assert lrs.get(state_url("s")).status_code == 404
    assert lrs.get(state_url("s", registration=reg)).json() == {"a": 1}


def test_state_ids_and_delete_all(lrs):
    """2.3: GET without stateId lists the ids; DELETE without stateId removes them all."""
    lrs.put(state_url("one"), {"x": 1})
    lrs.put(state_url("two"), {"x": 2})
    assert sorted(lrs.get(state_url()).json()) == ["one", "two"]
    assert lrs.delete(state_url()).status_code == 204
    assert lrs.get(state_url()).json() == []


def test_state_ids_and_delete_all_without_a_registration_cover_every_registration(lrs):
    """2.3 State Resource, Multiple Document GET and DELETE: "Fetches State ids of all state
    data for this context (Activity + Agent [ + registration if specified])" and "Deletes all
    state data for this context (Activity + Agent [+ registration if specified])". A tool
    that clears a learner's progress in an activity (to start again) clears what it saved
    under each registration (an attempt) too, and sees every id it saved."""
    reg = "a3b0b5a5-2d0e-4c3b-9d7e-1c1a1f1d1e10"
    lrs.put(state_url("bookmark", registration=reg), {"page": 3})
    lrs.put(state_url("bookmark", registration=str(uuid.uuid4())), {"page": 1})
    lrs.put(state_url("preferences"), {"captions": True})
    assert sorted(lrs.get(state_url()).json()) == ["bookmark", "preferences"]
    assert lrs.get(state_url(registration=reg)).json() == ["bookmark"]
    assert lrs.delete(state_url()).status_code == 204
    assert lrs.get(state_url("bookmark", registration=reg)).status_code == 404
    assert lrs.get(state_url()).json() == []


def test_state_delete_all_with_a_registration_keeps_the_others(lrs):
    reg = "a3b0b5a5-2d0e-4c3b-9d7e-1c1a1f1d1e10"
    lrs.put(state_url("bookmark", registration=reg), {"page": 3})
    lrs.put(state_url("preferences"), {"captions": True})
    assert lrs.delete(state_url(registration=reg)).status_code == 204
    assert lrs.get(state_url()).json() == ["preferences"]


def test_post_merges_json_objects(lrs):
    """2.3 "JSON Procedure with Requirements": POST merges the top-level properties."""
    lrs.post(state_url("s"), {"a": 1, "b": 1})
    lrs.post(state_url("s"), {"b": 2, "c": 3})
    assert lrs.get(state_url("s")).json() == {"a": 1, "b": 2, "c": 3}


def test_post_merge_of_non_json_is_400(lrs):
    lrs.put(state_url("s"), b"plain", content_type="text/plain")
    assert lrs.post(state_url("s"), {"a": 1}).status_code == 400
    assert lrs.post(state_url("t"), b"[1, 2]").status_code == 400


def test_state_needs_activity_and_a_valid_agent(lrs):
    assert lrs.get("/xapi/activities/state?" + urlencode({"agent": AGENT})).status_code == 400
    bad = "/xapi/activities/state?" + urlencode({"activityId": ACTIVITY, "agent": "{}"})
    assert lrs.get(bad).status_code == 400


def test_a_nul_character_in_a_document_id_is_400_and_nothing_is_kept(lrs):
    lrs.client.raise_request_exception = False
    response = lrs.put(state_url("s\x00"), {"a": 1})
    assert response.status_code == 400
    assert "stateId" in response.json()["error"]
    assert lrs.get(state_url()).json() == []


def profile_url(profile_id="prefs"):
    return "/xapi/activities/profile?" + urlencode(
        {"activityId": ACTIVITY, "profileId": profile_id}
    )


def test_profile_concurrency_with_etags(lrs):
    """1.1 Concurrency: If-None-Match: * creates only when absent; a PUT to an existing
    document without If-Match or If-None-Match is 409; a stale If-Match is 412."""
    assert lrs.put(profile_url(), {"v": 1}, HTTP_IF_NONE_MATCH="*").status_code == 204
    assert lrs.put(profile_url(), {"v": 2}, HTTP_IF_NONE_MATCH="*").status_code == 412
    assert lrs.put(profile_url(), {"v": 2}).status_code == 409
    etag = lrs.get(profile_url()).headers["ETag"]
    assert lrs.put(profile_url(), {"v": 2}, HTTP_IF_MATCH=etag).status_code == 204
    assert lrs.put(profile_url(), {"v": 3}, HTTP_IF_MATCH=etag).status_code == 412
    assert lrs.get(profile_url()).json() == {"v": 2}


def test_a_2_0_0_state_put_over_a_saved_state_needs_its_etag(school, lrs_client_factory):
    """xAPI 2.0.0 (IEEE 9274.1.1) 4.1.4 Concurrency covers the State Resource too: "If a PUT
    request is received without either header for a resource that already exists, the LRS
    shall return HTTP status 409 Conflict ... shall not make a modification to the
    resource." So a learner's second device cannot silently overwrite the progress the
    first one saved."""
    tool = lrs_client_factory(school, version="2.0.0")
    first = tool.put(state_url("progress"), {"page": 3})
    assert first.status_code == 204
    assert tool.put(state_url("progress"), {"page": 1}).status_code == 409
    assert tool.get(state_url("progress")).json() == {"page": 3}
    assert (
        tool.put(state_url("progress"), {"page": 4}, HTTP_IF_MATCH=first["ETag"]).status_code == 204
    )
    assert tool.put(state_url("progress"), {"page": 5}, HTTP_IF_NONE_MATCH="*").status_code == 412
    # Merging (POST) needs no precondition, as for the profiles.
    assert tool.post(state_url("progress"), {"done": True}).status_code == 204
    assert tool.get(state_url("progress")).json() == {"page": 4, "done": True}


def test_a_1_0_3_state_put_still_replaces_a_saved_state_without_an_etag(lrs):
    """1.0.3 Part Three 1.1 leaves the State Resource out of its concurrency rules: content
    written for 1.0.x (H5P and SCORM wrappers among it) saves state without ETags."""
    assert lrs.put(state_url("progress"), {"page": 3}).status_code == 204
    assert lrs.put(state_url("progress"), {"page": 1}).status_code == 204
    assert lrs.get(state_url("progress")).json() == {"page": 1}


def test_agent_profile_round_trip(lrs):
    url = "/xapi/agents/profile?" + urlencode({"agent": AGENT, "profileId": "p"})
    assert lrs.put(url, {"theme": "dark"}, HTTP_IF_NONE_MATCH="*").status_code == 204
    assert lrs.get(url).json() == {"theme": "dark"}
    listing = "/xapi/agents/profile?" + urlencode({"agent": AGENT})
    assert lrs.get(listing).json() == ["p"]


@pytest.mark.parametrize(
    "url",
    [
        state_url("bookmark"),
        "/xapi/activities/profile?" + urlencode({"activityId": ACTIVITY, "profileId": "bookmark"}),
        "/xapi/agents/profile?" + urlencode({"agent": AGENT, "profileId": "bookmark"}),
    ],
    ids=["state", "activity profile", "agent profile"],
)
def test_since_with_a_document_id_is_400(lrs, url):
    """`since` narrows a list of ids and is no parameter of a single document's GET: 2.0.0
    (IEEE 9274.1.1) 4.1.6.2, single document GET: "since ... Do not use for single document
    GET request ... If the stateId parameter is included, Not Allowed"; the profile resources'
    single document GET (4.1.6.5, 4.1.6.6) and 1.0.3 Part Three 2.3, 2.6, 2.7 list no since
    there, and a parameter not recognised in its context is a 400 (1.0.3 3.2). A tool that
    meant to ask "has this document changed since?" is told so, not sent it regardless."""
    assert lrs.put(url, {"page": 3}, HTTP_IF_NONE_MATCH="*").status_code == 204
    response = lrs.get(url + "&" + urlencode({"since": "2012-06-01T19:09:13.245Z"}))
    assert response.status_code == 400
    assert "since" in response.json()["error"]
    assert lrs.get(url).json() == {"page": 3}


@each_listing_of_document_ids
def test_a_list_of_document_ids_says_when_the_newest_was_last_modified(lrs, listing):
    """2.2 Last Modified: "When returning multiple documents, the LRS SHOULD* include a
    Last-Modified header indicating when the most recently modified document was last
    modified"."""
    from django.utils.http import parse_http_date

    from xapi.models import Document

    assert "Last-Modified" not in lrs.get(listing).headers  # none yet: nothing to date
    separator = "&" if "?" in listing else "?"
    for name in ("older", "newer"):
        url = f"{listing}{separator}{'stateId' if 'state' in listing else 'profileId'}={name}"
        assert lrs.put(url, {"doc": name}, HTTP_IF_NONE_MATCH="*").status_code == 204
    newest = Document.objects.get(document_id="newer").updated
    response = lrs.get(listing)
    assert sorted(response.json()) == ["newer", "older"]
    assert parse_http_date(response.headers["Last-Modified"]) == int(newest.timestamp())


def test_activities_resource_returns_the_definition(lrs):
    """2.5 Activities Resource: the Activity Object with its canonical definition."""
    lrs.post("/xapi/statements", xapi_statement())
    got = lrs.get("/xapi/activities?" + urlencode({"activityId": ACTIVITY}))
    assert got.json()["definition"]["name"]["en-US"] == "One"


def test_a_corrected_name_replaces_the_old_one_whatever_the_case_of_its_language_tag(lrs):
    """2.5 Activities Resource and 4.2.7 Language Maps: keys are RFC 5646 language tags,
    which are case-insensitive (RFC 5646 2.1.1), so "en-us" is the language "en-US" named.
    A tool that corrects an activity's name under the tag spelled another way corrects it:
    the canonical definition does not keep the old text beside the new."""
    lrs.post("/xapi/statements", xapi_statement())
    corrected = xapi_statement(
        object={
            "objectType": "Activity",
            "id": ACTIVITY,
            "definition": {"name": {"en-us": "One, corrected"}},
        }
    )
    assert lrs.post("/xapi/statements", corrected).status_code == 200
    got = lrs.get("/xapi/activities?" + urlencode({"activityId": ACTIVITY}))
    assert got.json()["definition"]["name"] == {"en-us": "One, corrected", "fr": "Un"}


def test_activities_resource_returns_an_activity_it_knows_nothing_about(lrs):
    """2.5 Activities Resource: "If an LRS does not have a canonical definition of the
    Activity to return, the LRS SHOULD* still return an Activity Object when queried" (xAPI
    2.0.0: "shall"; the ADL conformance suite checks it)."""
    unknown = "/xapi/activities?" + urlencode({"activityId": "http://example.org/none"})
    response = lrs.get(unknown)
    assert response.status_code == 200
    assert response.json() == {"objectType": "Activity", "id": "http://example.org/none"}


def test_agents_resource_returns_a_person(lrs):
    """2.6 Agents Resource: "Return a special, Person Object for a specified Agent"."""
    person = lrs.get("/xapi/agents?" + urlencode({"agent": AGENT})).json()
    assert person == {"objectType": "Person", "mbox": ["mailto:learner@example.org"]}


@pytest.mark.parametrize(
    "group",
    [
        {"objectType": "Group", "mbox": "mailto:team@example.org"},
        {"objectType": "Group", "member": [{"mbox": "mailto:learner@example.org"}]},
    ],
    ids=["identified", "anonymous"],
)
def test_the_agent_profile_resource_refuses_a_group_as_its_agent(lrs, group):
    """1.0.3 Part Three 2.6 Agent Profile Resource: "The "agent" parameter is an Agent Object
    and not a Group. Learning Record Providers wishing to store data against an Identified
    Group can use the Identified Group's identifier within an Agent Object." A tool that
    sends a Group is told so (400), and nothing is stored under it."""
    from xapi.models import Document

    url = "/xapi/agents/profile?" + urlencode({"agent": json.dumps(group), "profileId": "p"})
    response = lrs.put(url, {"theme": "dark"}, HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 400
    assert "Group" in response.json()["error"]
    assert not Document.objects.exists()
    listing = "/xapi/agents/profile?" + urlencode({"agent": json.dumps(group)})
    assert lrs.get(listing).status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        state_url("note"),
        "/xapi/activities/profile?" + urlencode({"activityId": ACTIVITY, "profileId": "note"}),
        "/xapi/agents/profile?" + urlencode({"agent": AGENT, "profileId": "note"}),
    ],
    ids=["state", "activity profile", "agent profile"],
)
def test_a_document_comes_back_with_its_content_type_parameters(lrs, url):
    """Part Three 1.5 Content Types: "Documents can have any content type", and a media
    type's parameters are part of it (RFC 7231 3.1.1.1): a tool that saved a note in Latin-1
    reads it back labelled Latin-1, not as bare text/plain that it would then decode as
    something else ("cafÃ©")."""
    note = "café".encode("latin-1")
    content_type = "text/plain; charset=iso-8859-1"
    response = lrs.put(url, note, content_type=content_type, HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 204
    got = lrs.get(url)
    assert got.content == note
    assert got.headers["Content-Type"] == content_type
    assert got.content.decode(got.charset) == "café"


def test_a_json_document_sent_with_a_charset_can_still_be_merged(lrs):
    """2.2 JSON Procedure: a document stored as application/json (here with its charset) is
    merged by a POST of another JSON object."""
    url = state_url("progress")
    assert lrs.put(url, {"a": 1}, content_type="application/json; charset=utf-8").status_code == 204
    assert lrs.post(url, {"b": 2}).status_code == 204
    assert lrs.get(url).json() == {"a": 1, "b": 2}


def test_a_document_whose_content_type_is_too_long_to_keep_is_400(lrs):
    """Part Three 3.2 Error Codes: a document the LRS cannot keep as sent is refused with a
    reason (400), not a server error when its Content-Type does not fit (PostgreSQL)."""
    from xapi.models import Document

    content_type = "text/plain; comment=" + "x" * 300
    response = lrs.put(state_url("note"), b"hello", content_type=content_type)
    assert response.status_code == 400
    assert "Content-Type" in response.json()["error"]
    assert not Document.objects.exists()


def test_delete_with_if_none_match_naming_the_document_leaves_it_alone(lrs):
    """Part Three 3.1 Concurrency handles the headers "as described in RFC2616", whose 14.26
    If-None-Match says: if "*" is given and any current entity exists, or a listed entity
    tag matches, "the server MUST NOT perform the requested method" and, for methods other
    than GET and HEAD, "MUST respond with a status of 412". A tool that deletes a profile
    only if it has not got the current version (If-None-Match) keeps what it did not see."""
    assert lrs.put(profile_url(), {"v": 1}, HTTP_IF_NONE_MATCH="*").status_code == 204
    etag = lrs.get(profile_url()).headers["ETag"]
    assert lrs.delete(profile_url(), HTTP_IF_NONE_MATCH="*").status_code == 412
    assert lrs.delete(profile_url(), HTTP_IF_NONE_MATCH=etag).status_code == 412
    assert lrs.get(profile_url()).json() == {"v": 1}
    other = '"' + "0" * 40 + '"'
    assert lrs.delete(profile_url(), HTTP_IF_NONE_MATCH=other).status_code == 204
    assert lrs.get(profile_url()).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"activityId": "http://example.org/" + "a" * 600, "agent": AGENT, "stateId": "s"},
        {"activityId": ACTIVITY, "agent": AGENT, "stateId": "s" * 600},
        {
            "activityId": ACTIVITY,
            "agent": json.dumps({"mbox": "mailto:" + "a" * 600 + "@example.org"}),
            "stateId": "s",
        },
    ],
)
def test_a_document_named_longer_than_the_lrs_stores_is_400_not_a_server_error(lrs, params):
    """Part Three 3.2: "the error code most appropriate to the error condition": an
    activity, agent or document id longer than its column (512 characters) is a 400."""
    response = lrs.put("/xapi/activities/state?" + urlencode(params), {"a": 1})
    assert response.status_code == 400
    assert "512" in response.json()["error"]


def test_a_document_posted_for_merging_nested_too_deeply_to_read_is_400(lrs):
    """2.3 JSON Procedure: "If ... either document cannot be parsed as a JSON Object, the LRS
    MUST respond with HTTP status code 400 Bad Request", however it fails to parse."""
    deep = '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = lrs.post(state_url("deep"), deep)
    assert response.status_code == 400
    assert lrs.get(state_url("deep")).status_code == 404
    # A JSON document stored as sent (PUT takes any content) cannot be merged into either.
    assert lrs.put(state_url("deep"), deep).status_code == 204
    assert lrs.post(state_url("deep"), {"b": 1}).status_code == 400


def test_a_stored_document_is_never_shown_as_a_page_of_the_site(lrs, client):
    """Documents keep the Content-Type their tool gave (Part Three 1.5), so one holding HTML
    would be shown as a page of the site's own address by a browser sent there with a form
    (the Alternate Request Syntax, 1.3, carries the credentials and version as its fields,
    and tools' credentials are often written into the content they publish): a page that
    sends the visitor on to another site, or asks for their password. A browser is told to
    save it, and not to run or follow anything in it; the tool still reads it as stored."""
    page = (
        b'<meta http-equiv="refresh" content="0;url=https://elsewhere.example/">'
        b"<form action=/accounts/login/><input name=password></form>"
    )
    assert lrs.put(state_url("page"), page, content_type="text/html").status_code == 204
    form = urlencode(
        {
            "activityId": ACTIVITY,
            "agent": AGENT,
            "stateId": "page",
            "Authorization": lrs.auth,
            "X-Experience-API-Version": "1.0.3",
        }
    )
    response = client.post(
        "/xapi/activities/state?method=GET",
        form,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.content == page
    assert response["Content-Disposition"].startswith("attachment")
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy
    assert "default-src 'none'" in policy


@pytest.mark.parametrize("method", ["delete", "put", "post"])
def test_since_on_anything_but_a_get_is_400_and_the_states_are_kept(lrs, method):
    """2.0.0 Part Three 4.1.6.2 (1.0.3 Part Three 2.3): `since` is a parameter of the
    Multiple Document GET only, and 4.1.5 (1.0.3 3.2): "The LRS shall reject with 400 Bad
    Request status any requests that use any parameters which the LRS does not recognize in
    their intended context". A tool that means to clear only the states saved since a
    moment must not have every state of the learner in the activity deleted instead."""
    lrs.put(state_url("bookmark"), {"page": 3})
    lrs.put(state_url("preferences"), {"captions": True})
    since = {"since": "2999-01-01T00:00:00Z"}
    if method == "delete":
        response = lrs.delete(state_url(**since))
    else:
        response = getattr(lrs, method)(state_url("bookmark", **since), {"page": 9})
    assert response.status_code == 400
    assert "since" in response.json()["error"]
    assert sorted(lrs.get(state_url()).json()) == ["bookmark", "preferences"]
    assert lrs.get(state_url("bookmark")).json() == {"page": 3}


@each_listing_of_document_ids
def test_a_list_of_document_ids_has_an_etag_that_changes_with_its_documents(lrs, listing):
    """2.0.0 Part Three 4.1.4 Concurrency: "An LRS responding to a GET request shall add an
    ETag HTTP header to the response", quoted as a document's is; it changes when a listed
    document does, so a tool can tell the documents changed since it last looked."""
    id_param = "stateId" if "state" in listing else "profileId"
    url = f"{listing}&{id_param}=bookmark"
    assert lrs.put(url, {"page": 1}, HTTP_IF_NONE_MATCH="*").status_code == 204
    first = lrs.get(listing)
    assert first.json() == ["bookmark"]
    etag = first.headers["ETag"]
    assert len(etag) == 42 and etag.startswith('"') and etag.endswith('"')
    assert lrs.get(listing).headers["ETag"] == etag
    document_etag = lrs.get(url)["ETag"]
    assert lrs.put(url, {"page": 2}, HTTP_IF_MATCH=document_etag).status_code == 204
    assert lrs.get(listing).headers["ETag"] != etag


def test_delete_all_states_with_a_stale_if_match_is_412_and_keeps_them(lrs):
    """2.0.0 Part Three 4.1.4 (1.0.3 Part Three 3.1): "An LRS responding to a PUT, POST, or
    DELETE request shall handle the "If-Match" header as described in RFC2616" and, if the
    precondition fails, "shall return HTTP status 412 Precondition Failed" and "shall not make
    a modification to the resource". A tool that clears a learner's states only if they are
    still the ones it listed keeps what another device saved since."""
    lrs.put(state_url("bookmark"), {"page": 3})
    listed = lrs.get(state_url()).headers["ETag"]
    lrs.put(state_url("preferences"), {"captions": True})  # another device, meanwhile

    assert lrs.delete(state_url(), HTTP_IF_MATCH=listed).status_code == 412
    assert sorted(lrs.get(state_url()).json()) == ["bookmark", "preferences"]
    assert lrs.delete(state_url(), HTTP_IF_NONE_MATCH="*").status_code == 412

    current = lrs.get(state_url()).headers["ETag"]
    assert lrs.delete(state_url(), HTTP_IF_MATCH=current).status_code == 204
    assert lrs.get(state_url()).json() == []


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_document_posted_for_merging_with_a_number_json_has_not_is_400(lrs, number):
    """2.3 JSON Procedure: "If ... either document cannot be parsed as a JSON Object, the LRS
    MUST respond with HTTP status code 400 Bad Request". NaN and Infinity are not JSON (RFC
    8259 6), nor is a number too large for a double once read: merged into the learner's
    state, they would be written back as NaN or Infinity, which the tools that read the
    state (a browser's JSON.parse among them) cannot read at all."""
    assert lrs.put(state_url("progress"), {"page": 3}).status_code == 204
    body = '{"score": ' + number + "}"
    response = lrs.post(state_url("progress"), body)
    assert response.status_code == 400
    assert lrs.get(state_url("progress")).json() == {"page": 3}
    assert lrs.post(state_url("new"), body).status_code == 400
    assert lrs.get(state_url("new")).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        state_url() + "&stateId=",
        "/xapi/activities/profile?" + urlencode({"activityId": ACTIVITY, "profileId": ""}),
        "/xapi/agents/profile?" + urlencode({"agent": AGENT, "profileId": ""}),
    ],
    ids=["state", "activity profile", "agent profile"],
)
def test_an_empty_document_id_is_400_and_nothing_is_kept(lrs, url):
    """Part Three 2.3, 2.6, 2.7: stateId and profileId are the document's id, "required" to
    save one. An empty one names no document: a tool whose id went missing is told so (400),
    rather than saving under "" a document every other empty id would then overwrite and
    that the list of ids shows as a blank."""
    from xapi.models import Document

    for method in ("put", "post"):
        response = getattr(lrs, method)(url, {"page": 3}, HTTP_IF_NONE_MATCH="*")
        assert response.status_code == 400
        assert "empty" in response.json()["error"]
    assert not Document.objects.exists()
    assert lrs.get(url).status_code == 400
    assert lrs.delete(url).status_code == 400


@pytest.mark.parametrize(
    "group",
    [
        {"objectType": "Group", "mbox": "mailto:team@example.org"},
        {"objectType": "Group", "member": [{"mbox": "mailto:learner@example.org"}]},
    ],
    ids=["identified", "anonymous"],
)
def test_the_state_resource_refuses_a_group_as_its_agent(lrs, group):
    """1.0.3 Part Three 2.3 State Resource (2.0.0 4.1.6.2): the "agent" parameter is an
    "Agent Object (JSON)", the learner whose state it is, as on the Agent Profile Resource
    and the Agents Resource. A tool that sends a Group is told so (400), and nothing is
    stored under it."""
    from xapi.models import Document

    params = {"activityId": ACTIVITY, "agent": json.dumps(group)}
    url = "/xapi/activities/state?" + urlencode({**params, "stateId": "bookmark"})
    response = lrs.put(url, {"page": 3}, HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 400
    assert "Group" in response.json()["error"]
    assert not Document.objects.exists()
    assert lrs.get("/xapi/activities/state?" + urlencode(params)).status_code == 400


@each_listing_of_document_ids
def test_if_none_match_naming_the_document_by_its_weak_etag_is_412(lrs, listing):
    """1.0.3 Part Three 1.1 / 2.0.0 4.1.4 handle If-None-Match "as described in RFC 2616",
    now RFC 7232 3.2: "A recipient MUST use the weak comparison function when comparing
    entity-tags for If-None-Match", so W/"x" names the document whose ETag is "x". A proxy
    that compresses responses sends ETags weakened; a tool that only creates a document it
    has not seen must not overwrite (or delete) the one it has."""
    id_param = "stateId" if "state" in listing else "profileId"
    url = f"{listing}&{id_param}=bookmark"
    assert lrs.put(url, {"page": 1}, HTTP_IF_NONE_MATCH="*").status_code == 204
    weak = "W/" + lrs.get(url)["ETag"]
    assert lrs.put(url, {"page": 2}, HTTP_IF_NONE_MATCH=weak).status_code == 412
    assert lrs.post(url, {"page": 2}, HTTP_IF_NONE_MATCH=f'"other", {weak}').status_code == 412
    assert lrs.delete(url, HTTP_IF_NONE_MATCH=weak).status_code == 412
    assert lrs.get(url).json() == {"page": 1}


@pytest.mark.parametrize("content_type", ["text/plain\x00", "text/plain; charset=utf-8\x00"])
def test_a_document_sent_with_a_nul_character_in_its_content_type_is_400(lrs, content_type):
    """Part Three 3.2: a request the LRS cannot take is a 400 with a reason. A document is
    kept with the Content-Type its tool gave (Part Three 1.5), and the Alternate Request
    Syntax (1.3) sends it as a form field, which may hold any character: one with a NUL
    character could not be stored on PostgreSQL (no NUL in text), a server error. Nothing is
    kept."""
    lrs.client.raise_request_exception = False
    form = urlencode(
        {
            "activityId": ACTIVITY,
            "agent": AGENT,
            "stateId": "note",
            "Authorization": lrs.auth,
            "X-Experience-API-Version": "1.0.3",
            "Content-Type": content_type,
            "content": "A note",
        }
    )
    response = lrs.client.post(
        "/xapi/activities/state?method=PUT",
        form,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400, response.content
    assert "Content-Type" in response.json()["error"]
    assert lrs.get(state_url()).json() == []


def _long_in_utf8(length: int, seed: int) -> str:
    """`length` CJK characters (three bytes each in UTF-8), in no repeating order."""
    rng = random.Random(seed)
    return "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(length))


@pytest.mark.parametrize(
    "url",
    [
        "/xapi/activities/state?"
        + urlencode(
            {
                "activityId": "http://example.org/" + _long_in_utf8(300, 1),
                "agent": json.dumps(
                    {"account": {"homePage": "http://example.org/", "name": _long_in_utf8(300, 2)}}
                ),
                "stateId": _long_in_utf8(500, 3),
            }
        ),
        "/xapi/activities/profile?"
        + urlencode(
            {
                "activityId": "http://example.org/" + _long_in_utf8(480, 1),
                "profileId": _long_in_utf8(500, 3),
            }
        ),
    ],
    ids=["state", "activity profile"],
)
def test_a_document_whose_ids_together_are_too_long_to_index_is_400(lrs, url):
    """Part Three 3.2: a request the LRS cannot take is a 400 with a reason. Each id is within
    its 512 characters, but in UTF-8 they take more bytes together than PostgreSQL can index
    in the key a document is found by: the save failed with a server error. Nothing is
    kept."""
    lrs.client.raise_request_exception = False
    response = lrs.put(url, {"a": 1})
    assert response.status_code == 400, response.content
    assert "bytes" in response.json()["error"]
    listing = url.rpartition("&")[0]
    assert lrs.get(listing).json() == []
