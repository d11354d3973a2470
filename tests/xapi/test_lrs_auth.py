"""Who may use the LRS: per-client Basic credentials scoped to a school and to read/write,
or a learner's own session (xAPI 1.0.3 Part Three 4 "Authentication")."""

import base64
import json
import uuid
from urllib.parse import urlencode

import pytest

from tests.factories import SchoolFactory
from tests.xapi.conftest import xapi_statement
from xapi.identity import actor_for
from xapi.models import LrsClient, Statement

pytestmark = pytest.mark.django_db

URL = "/xapi/statements"


def test_no_credentials_is_401_with_a_challenge(client):
    response = client.get(URL, HTTP_X_EXPERIENCE_API_VERSION="1.0.3")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_wrong_secret_is_401(lrs):
    lrs.auth = lrs.auth[:-4] + "AAAA"
    assert lrs.get(URL).status_code == 401


@pytest.mark.parametrize("credentials", [b"to\x00ol:secret", b"tool:sec\x00ret"])
def test_credentials_with_a_nul_character_are_401(client, credentials):
    """Part Three 4: credentials the LRS does not know are refused with 401 and a challenge.
    A key with a NUL character in it was looked up as it was, which PostgreSQL cannot do (it
    stores no NUL in text): a server error instead."""
    response = client.get(
        URL,
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(credentials).decode(),
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )
    assert response.status_code == 401, response.content
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_only_a_hash_of_the_secret_is_stored(school):
    credentials = LrsClient(name="Tool", school=school)
    secret = credentials.issue_secret()
    credentials.save()
    credentials.refresh_from_db()
    assert secret not in credentials.secret_hash
    assert credentials.secret_matches(secret)
    assert not credentials.secret_matches(secret + "x")


def test_read_only_credentials_cannot_write(school, lrs_client_factory):
    reader = lrs_client_factory(school, can_write=False)
    assert reader.post(URL, xapi_statement()).status_code == 403
    assert reader.get(URL).status_code == 200


def test_write_only_credentials_cannot_read(school, lrs_client_factory):
    writer = lrs_client_factory(school, can_read=False)
    assert writer.post(URL, xapi_statement()).status_code == 200
    assert writer.get(URL).status_code == 403


def test_each_school_sees_only_its_own_statements(school, lrs, lrs_client_factory):
    other = lrs_client_factory(SchoolFactory())
    [statement_id] = lrs.post(URL, xapi_statement()).json()
    assert other.get(URL, {"statementId": statement_id}).status_code == 404
    assert other.get(URL).json()["statements"] == []
    assert Statement.objects.get().school == school


def test_session_statements_get_the_learners_actor(client, school, pupil):
    """DESIGN.md: "A browser-sent statement never chooses its own actor"."""
    client.force_login(pupil)
    statement = xapi_statement(actor={"mbox": "mailto:someone-else@example.org"})
    response = client.post(
        URL,
        json.dumps(statement),
        content_type="application/json",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )
    assert response.status_code == 200
    row = Statement.objects.get()
    assert row.data["actor"] == actor_for(pupil)
    assert row.learner == pupil
    assert row.school == school


def test_session_writes_need_the_csrf_token(school, pupil):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(pupil)
    response = browser.post(
        URL,
        json.dumps(xapi_statement()),
        content_type="application/json",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )
    assert response.status_code == 403
    browser.get("/xapi/about")  # any page; then take the token from the cookie jar
    from django.middleware.csrf import _get_new_csrf_string

    token = _get_new_csrf_string()
    browser.cookies["csrftoken"] = token
    response = browser.post(
        URL,
        json.dumps(xapi_statement()),
        content_type="application/json",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200


def test_session_reads_only_the_learners_own_statements(client, school, pupil, lrs):
    lrs.post(URL, xapi_statement())  # someone else's, via a tool
    client.force_login(pupil)
    client.post(
        URL,
        json.dumps(xapi_statement()),
        content_type="application/json",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )
    got = client.get(URL, HTTP_X_EXPERIENCE_API_VERSION="1.0.3").json()["statements"]
    assert [s["actor"] for s in got] == [actor_for(pupil)]


def test_session_cannot_use_someone_elses_state(client, pupil):
    client.force_login(pupil)
    params = {
        "activityId": "http://example.org/a",
        "stateId": "s",
        "agent": json.dumps({"mbox": "mailto:other@example.org"}),
    }
    response = client.get(
        "/xapi/activities/state?" + urlencode(params), HTTP_X_EXPERIENCE_API_VERSION="1.0.3"
    )
    assert response.status_code == 403
    params["agent"] = json.dumps(actor_for(pupil))
    response = client.put(
        "/xapi/activities/state?" + urlencode(params),
        b"{}",
        content_type="application/json",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )
    assert response.status_code == 204


# --- One school's tool and one learner's browser stay within what is theirs ---------------

V = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def _void(statement_id) -> dict:
    return xapi_statement(
        verb={"id": VOIDED, "display": {"en-US": "voided"}},
        object={"objectType": "StatementRef", "id": str(statement_id)},
    )


def _session_post(client, statement):
    return client.post(URL, json.dumps(statement), content_type="application/json", **V)


def test_a_tool_cannot_put_anything_in_another_schools_pupils_records(
    school, pupil, lrs_client_factory, make_statement
):
    """The pupil's opaque id names them in every school's statements; only their own
    school's tools reach their records."""
    from records.models import Completion, LearnerActivity

    other_school = lrs_client_factory(SchoolFactory())
    assert other_school.post(URL, make_statement(pupil)).status_code == 200
    assert Statement.objects.get().learner is None
    assert not Completion.objects.exists() and not LearnerActivity.objects.exists()


def test_a_tool_reaches_its_own_schools_pupils_records(school, pupil, lrs, make_statement):
    from records.models import Completion

    assert lrs.post(URL, make_statement(pupil)).status_code == 200
    assert Statement.objects.get().learner == pupil
    assert Completion.objects.get().learner == pupil


def test_a_tool_cannot_void_another_schools_statement(
    school, pupil, lrs, lrs_client_factory, make_statement
):
    from records.models import Completion

    [statement_id] = lrs.post(URL, make_statement(pupil)).json()
    other_school = lrs_client_factory(SchoolFactory())
    assert other_school.post(URL, _void(statement_id)).status_code == 200
    assert Completion.objects.filter(statement_id=statement_id).exists()
    assert not Statement.objects.get(statement_id=statement_id).voided
    # Its own school's tool can.
    assert lrs.post(URL, _void(statement_id)).status_code == 200
    assert not Completion.objects.filter(statement_id=statement_id).exists()


def test_a_browser_cannot_record_upstanders_own_activities(
    client, school, pupil, make_statement, course_activity
):
    """A learner cannot state they completed a course (a staff member would certify
    themselves): Upstander records its own activities."""
    from records.models import Completion, LearnerActivity

    client.force_login(pupil)
    response = _session_post(client, make_statement(pupil))
    assert response.status_code == 403
    assert "recorded by Upstander itself" in response.json()["error"]
    about_a_course = xapi_statement(
        context={"contextActivities": {"grouping": [{"id": course_activity.iri}]}}
    )
    assert _session_post(client, about_a_course).status_code == 403
    assert _session_post(client, [xapi_statement(), make_statement(pupil)]).status_code == 403
    assert not Statement.objects.exists()
    assert not Completion.objects.exists() and not LearnerActivity.objects.exists()
    assert _session_post(client, xapi_statement()).status_code == 200


def test_a_browser_voids_only_its_learners_own_statements_about_other_content(
    client, school, pupil, lrs, make_statement
):
    from records.models import Completion
    from schools.roles import Role
    from tests.factories import UserFactory

    classmate = UserFactory(school=school, roles=[Role.PUPIL])
    [classmates] = lrs.post(URL, make_statement(classmate)).json()
    [own_course] = lrs.post(URL, make_statement(pupil)).json()
    client.force_login(pupil)
    [own_other] = _session_post(client, xapi_statement()).json()
    for target in (classmates, own_course):
        response = _session_post(client, _void(target))
        assert response.status_code == 403, target
        assert "void only its learner's own statements" in response.json()["error"]
    assert Completion.objects.count() == 2
    assert not Statement.objects.filter(voided=True).exists()
    assert _session_post(client, _void(own_other)).status_code == 200
    assert Statement.objects.get(statement_id=own_other).voided


def test_a_browser_reads_activity_profiles_but_cannot_change_them(client, pupil, lrs):
    url = "/xapi/activities/profile?" + urlencode(
        {"activityId": "http://example.org/tool", "profileId": "config"}
    )
    assert lrs.put(url, {"tool": "settings"}).status_code == 204
    client.force_login(pupil)
    assert client.get(url, **V).json() == {"tool": "settings"}
    response = client.delete(url, **V)
    assert response.status_code == 403
    assert "may read activity profiles, not change them" in response.json()["error"]
    assert client.put(url, b"{}", content_type="application/json", **V).status_code == 403
    assert client.post(url, b"{}", content_type="application/json", **V).status_code == 403
    assert lrs.get(url).json() == {"tool": "settings"}


def test_a_statement_id_another_school_holds_is_a_conflict_even_with_the_same_content(
    school, lrs, lrs_client_factory
):
    """Part Three 2.1.1/2.1.2: a statement whose id the LRS already has is accepted again
    only as the same statement. Ids are unique across the LRS, so an id another school's
    tool used is not this school's: it is a 409, never a 200 for a statement this school
    cannot then read, and the other school's statement is left as it was."""
    statement_id = str(uuid.uuid4())
    statement = xapi_statement(id=statement_id)
    assert lrs.post(URL, statement).status_code == 200
    other = lrs_client_factory(SchoolFactory())

    same = other.post(URL, statement)
    changed = other.put(
        f"{URL}?statementId={statement_id}", xapi_statement(verb={"id": "http://example.org/v"})
    )

    assert (same.status_code, changed.status_code) == (409, 409)
    assert other.get(URL, {"statementId": statement_id}).status_code == 404
    assert Statement.objects.get().school == school
    assert lrs.get(URL, {"statementId": statement_id}).json()["verb"] == statement["verb"]


def _own_document_url(pupil, resource, document_id, activity="http://example.org/a"):
    params = {"agent": json.dumps(actor_for(pupil))}
    if resource == "state":
        params |= {"activityId": activity, "stateId": document_id}
        return "/xapi/activities/state?" + urlencode(params)
    return "/xapi/agents/profile?" + urlencode(params | {"profileId": document_id})


def test_a_browser_keeps_only_so_many_documents_for_its_learner(client, pupil, lrs, settings):
    """A pupil's session could otherwise fill the database with documents, a few megabytes
    at a time: what the learner's browser saves is capped, by number of documents (403) and
    by their size together (413). A document already saved may still be saved again, and
    tools with credentials an administrator issued are not capped."""
    settings.XAPI_LEARNER_DOCUMENTS_MAX = 2
    settings.XAPI_LEARNER_DOCUMENT_BYTES_MAX = 100
    client.force_login(pupil)

    def put(url, body):
        return client.put(url, body, content_type="application/json", **V)

    assert put(_own_document_url(pupil, "state", "one"), b'{"a": 1}').status_code == 204
    assert put(_own_document_url(pupil, "agent", "two"), b'{"b": 2}').status_code == 204
    response = put(_own_document_url(pupil, "state", "three", "http://example.org/b"), b"{}")
    assert response.status_code == 403
    assert "documents" in response.json()["error"]
    assert put(_own_document_url(pupil, "state", "one"), b'{"a": 3}').status_code == 204

    big = json.dumps({"x": "y" * 90}).encode()
    response = put(_own_document_url(pupil, "state", "one"), big)
    assert response.status_code == 413
    assert "bytes" in response.json()["error"]
    response = client.post(
        _own_document_url(pupil, "state", "one"), big, content_type="application/json", **V
    )
    assert response.status_code == 413
    assert client.get(_own_document_url(pupil, "state", "one"), **V).json() == {"a": 3}

    for number in range(3):
        url = _own_document_url(pupil, "state", f"tool-{number}", "http://example.org/c")
        assert lrs.put(url, {"n": "y" * 90}).status_code == 204


def test_a_browser_reads_no_correct_answers_in_canonical_statements(client, school, pupil, lrs):
    """The Activities resource keeps a question's correctResponsesPattern from a learner's
    browser; GET Statements with format=canonical fills in the same canonical definition
    (Part Three 2.1.3), so it keeps it from them too. Otherwise a pupil names the question
    in a statement of their own (as a category, which they may send) and reads the answer a
    classmate's statement gave before answering it themselves."""
    from schools.roles import Role
    from tests.factories import UserFactory
    from xapi.identity import activity_iri

    question = activity_iri("question", uuid.uuid4())
    classmate = UserFactory(school=school, roles=[Role.PUPIL])
    answered = xapi_statement(
        actor=actor_for(classmate),
        verb={"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-GB": "answered"}},
        object={
            "id": question,
            "definition": {
                "name": {"en-GB": "Who can see a public post?"},
                "interactionType": "choice",
                "correctResponsesPattern": ["anyone"],
                "choices": [{"id": "anyone"}, {"id": "friends"}],
            },
        },
    )
    assert lrs.post(URL, answered).status_code == 200
    client.force_login(pupil)
    naming_it = xapi_statement(
        context={"contextActivities": {"category": [{"id": question}]}},
    )
    assert _session_post(client, naming_it).status_code == 200

    got = client.get(URL, {"format": "canonical"}, **V).json()["statements"]

    [category] = got[0]["context"]["contextActivities"]["category"]
    assert category["definition"]["name"] == {"en-GB": "Who can see a public post?"}
    assert "correctResponsesPattern" not in category["definition"]


def test_a_browser_filtering_its_statements_also_gets_its_own_that_refer_to_matching_ones(
    client, school, pupil, lrs
):
    """Part Three 2.1.3 "Filter Conditions for StatementRefs": a statement whose object is a
    StatementRef meets the filter when the statement it targets does. A learner's browser
    asking for its statements about an activity had none of those: the statement voiding
    one of them, say. It gets its own such statements, and still none of anyone else's."""
    activity = "http://example.org/activities/one"
    client.force_login(pupil)
    [own] = _session_post(client, xapi_statement()).json()
    [voiding] = _session_post(client, _void(own)).json()
    [referring] = _session_post(
        client, xapi_statement(object={"objectType": "StatementRef", "id": own})
    ).json()
    lrs.post(URL, xapi_statement(object={"objectType": "StatementRef", "id": own}))
    found = client.get(URL, {"activity": activity}, **V).json()["statements"]
    assert sorted(s["id"] for s in found) == sorted([voiding, referring])


@pytest.mark.parametrize(
    "spelling", [str.upper, lambda name: name.replace("-", "")], ids=["capitals", "no hyphens"]
)
def test_a_learners_browser_may_name_its_own_account_in_another_spelling(client, pupil, spelling):
    """The opaque id is a UUID, read as the same learner however a tool spells it (as when
    statements are recorded): the learner's own browser naming itself in capitals reaches
    its own state, the same document as in the usual spelling, not a refusal."""
    client.force_login(pupil)
    agent = actor_for(pupil)
    shouted = {**agent, "account": {**agent["account"], "name": spelling(str(pupil.learner_id))}}
    params = {"activityId": "http://example.org/a", "stateId": "bookmark"}
    url = "/xapi/activities/state?" + urlencode({**params, "agent": json.dumps(shouted)})
    response = client.put(url, b'{"page": 3}', content_type="application/json", **V)
    assert response.status_code == 204
    usual = "/xapi/activities/state?" + urlencode({**params, "agent": json.dumps(agent)})
    assert client.get(usual, **V).json() == {"page": 3}
    profile = "/xapi/agents/profile?" + urlencode({"agent": json.dumps(shouted)})
    assert client.get(profile, **V).status_code == 200
    named = urlencode({"agent": json.dumps(shouted)})
    assert client.get("/xapi/agents?" + named, **V).status_code == 200
    # Its statements, filtered by the agent so spelt, are its own.
    assert _session_post(client, xapi_statement()).status_code == 200
    got = client.get(f"{URL}?{named}", **V).json()["statements"]
    assert [s["actor"] for s in got] == [agent]


@pytest.mark.parametrize("resource", ["agents", "agents/profile", "activities/state"])
def test_a_learners_browser_naming_a_group_as_the_agent_is_told_it_is_no_agent(
    client, pupil, resource
):
    """1.0.3 Part Three 2.4 Agents Resource: "The "agent" parameter is a normal Agent Object
    with a single identifier and no arrays. It is not a Person Object, nor is it a Group"
    (and so on the Agent Profile and State Resources). A learner's browser sending a Group,
    even one of which the learner is the only member, is told what is wrong with the request
    (400), as a tool is, not that the agent is someone else's (403)."""
    client.force_login(pupil)
    group = {"objectType": "Group", "member": [actor_for(pupil)]}
    params = {"agent": json.dumps(group)}
    if resource == "activities/state":
        params["activityId"] = "http://example.org/a"
    response = client.get(f"/xapi/{resource}?" + urlencode(params), **V)
    assert response.status_code == 400
    assert "Group" in response.json()["error"]
