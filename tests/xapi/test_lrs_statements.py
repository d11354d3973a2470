"""The Statement Resource (xAPI 1.0.3 Part Three 2.1; 2.0.0 Part Three 2.1). Each test's
docstring quotes the requirement it checks."""

import hashlib
import json
import uuid
from urllib.parse import urlencode

import pytest

from tests.xapi.conftest import xapi_statement
from xapi.models import Statement

pytestmark = pytest.mark.django_db

URL = "/xapi/statements"


def test_post_single_statement_returns_its_id(lrs):
    """2.1.2 POST: "The LRS MUST ... return 200 OK with an array of Statement ids"."""
    response = lrs.post(URL, xapi_statement())
    assert response.status_code == 200
    [statement_id] = response.json()
    assert Statement.objects.filter(statement_id=statement_id).exists()


def test_post_array_returns_ids_in_order(lrs):
    ids = [str(uuid.uuid4()) for _ in range(3)]
    response = lrs.post(URL, [xapi_statement(id=i) for i in ids])
    assert response.json() == ids


def test_put_stores_with_the_given_id_and_answers_204(lrs):
    """2.1.1 PUT: "The LRS MUST ... return 204 No Content" after storing."""
    statement_id = str(uuid.uuid4())
    response = lrs.put(f"{URL}?statementId={statement_id}", xapi_statement())
    assert response.status_code == 204
    assert lrs.get(URL, {"statementId": statement_id}).json()["id"] == statement_id


def test_put_without_statement_id_is_400(lrs):
    """2.1.1: statementId is required for PUT."""
    assert lrs.put(URL, xapi_statement()).status_code == 400


def test_put_with_a_different_id_in_the_body_is_400(lrs):
    statement = xapi_statement(id=str(uuid.uuid4()))
    assert lrs.put(f"{URL}?statementId={uuid.uuid4()}", statement).status_code == 400


def test_same_id_same_content_is_accepted_and_different_content_is_409(lrs):
    """2.1.1: "If the LRS receives a Statement with an id it already has a Statement for...
    the LRS SHOULD* NOT modify the Statement ... and SHOULD return 409 Conflict" when the
    contents differ; identical statements are not a conflict."""
    statement_id = str(uuid.uuid4())
    statement = xapi_statement(id=statement_id)
    assert lrs.put(f"{URL}?statementId={statement_id}", statement).status_code == 204
    assert lrs.put(f"{URL}?statementId={statement_id}", statement).status_code == 204
    assert lrs.post(URL, statement).status_code == 200
    changed = xapi_statement(id=statement_id, verb={"id": "http://example.org/other"})
    assert lrs.post(URL, changed).status_code == 409
    assert Statement.objects.count() == 1


def test_the_same_statement_sent_again_with_what_is_not_part_of_it_changed_is_accepted(lrs):
    """Part Two 2.3.1 "Statement Comparison Requirements": "Differences which could have been
    caused by exceptions to Statement immutability MUST be ignored": activity definitions,
    verb displays, attachments and the order of a Group's members are not part of the
    statement. The statement first stored is kept."""
    statement_id = str(uuid.uuid4())
    members = [{"mbox": "mailto:a@example.org"}, {"mbox": "mailto:b@example.org"}]
    first = xapi_statement(
        id=statement_id,
        actor={"objectType": "Group", "member": members},
        context={
            "contextActivities": {
                "parent": [{"id": "http://example.org/p", "definition": {"name": {"en": "P"}}}]
            }
        },
    )
    assert lrs.post(URL, first).status_code == 200
    again = {
        **first,
        "actor": {"objectType": "Group", "member": members[::-1]},
        "verb": {"id": first["verb"]["id"], "display": {"de": "erlebt"}},
        "object": {**first["object"], "definition": {"name": {"en-US": "One, renamed"}}},
        "context": {"contextActivities": {"parent": [{"id": "http://example.org/p"}]}},
    }
    assert lrs.post(URL, again).status_code == 200
    assert lrs.put(f"{URL}?statementId={statement_id}", again).status_code == 204
    stored = lrs.get(URL, {"statementId": statement_id}).json()
    assert stored["verb"] == first["verb"]
    assert stored["actor"]["member"] == members
    assert lrs.post(URL, {**again, "object": {"id": "http://example.org/x"}}).status_code == 409


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_a_statement_sent_again_with_its_duration_to_the_hundredth_is_the_same(lrs, version):
    """Part Two 4.6 (2.0.0 4.2.7) "Duration": "When comparing Durations [2.0.0: When making a
    comparison ... of Statements in regard to a Duration], any precision beyond 0.01 second
    precision SHOULD* NOT [shall not] be included in the comparison". A tool that sends a
    statement again with its duration cut to hundredths sends the same statement: it is
    accepted, not refused as a conflict."""
    lrs.version = version
    statement_id = str(uuid.uuid4())
    first = xapi_statement(id=statement_id, result={"duration": "PT1M30.1249S"})
    assert lrs.post(URL, first).status_code == 200
    again = {**first, "result": {"duration": "PT1M30.12S"}}
    assert lrs.post(URL, again).status_code == 200
    assert lrs.put(f"{URL}?statementId={statement_id}", again).status_code == 204
    later = {**first, "result": {"duration": "PT1M30.13S"}}
    assert lrs.post(URL, later).status_code == 409


def test_a_statement_stored_with_a_duration_now_refused_is_a_conflict_not_an_error(lrs):
    """A duration with a fraction before its last unit (P1.5Y2M) is refused now, but one
    stored before may still be there: a statement sent with its id is compared with it and
    answered 409, as any other content under that id is, not with a server error."""
    statement_id = str(uuid.uuid4())
    assert lrs.post(URL, xapi_statement(id=statement_id)).status_code == 200
    row = Statement.objects.get()
    row.data = {**row.data, "result": {"duration": "P1.5Y2M"}}
    row.save()

    assert lrs.post(URL, xapi_statement(result={"duration": "P1.5Y2M"})).status_code == 400
    again = xapi_statement(id=statement_id, result={"duration": "P1Y8M"})
    assert lrs.post(URL, again).status_code == 409


def test_batch_with_repeated_id_is_400(lrs):
    """2.1.2: "If the LRS receives a batch of Statements containing two or more Statements
    with the same id, it SHALL reject the batch and return 400 Bad Request"."""
    statement = xapi_statement(id=str(uuid.uuid4()))
    assert lrs.post(URL, [statement, statement]).status_code == 400


def test_invalid_statement_is_400_naming_the_field_and_stores_nothing(lrs):
    """Part Two 2.2: "The LRS MUST reject Statements ... that are not valid" (400)."""
    response = lrs.post(URL, [xapi_statement(), xapi_statement(verb={"id": "nope"})])
    assert response.status_code == 400
    assert response.json()["fields"] == [
        {"path": "[1].verb.id", "message": response.json()["fields"][0]["message"]}
    ]
    assert not Statement.objects.exists()


def test_a_nul_character_anywhere_in_a_batch_is_400_naming_where_and_stores_nothing(lrs):
    """PostgreSQL cannot keep U+0000 in text or jsonb: the batch is refused with the path of
    each string that has one, rather than failing as it is saved."""
    lrs.client.raise_request_exception = False
    response = lrs.post(
        URL,
        [
            xapi_statement(),
            xapi_statement(result={"response": "a\u0000b", "extensions": {"x\u0000": 1}}),
        ],
    )
    assert response.status_code == 400
    assert [f["path"] for f in response.json()["fields"]] == [
        "[1].result.response",
        "[1].result.extensions.x\x00",
    ]
    assert "NUL character" in response.json()["error"]
    # Unescaped, it is not JSON at all.
    raw = json.dumps(xapi_statement(result={"response": "here"})).replace("here", "\x00")
    assert lrs.post(URL, raw).status_code == 400
    assert not Statement.objects.exists()


def test_a_nul_character_in_a_query_parameter_is_400(lrs):
    lrs.client.raise_request_exception = False
    for params in (
        {"verb": "http://example.org/v\x00"},
        {"activity": "http://example.org/a\x00"},
        {"agent": '{"mbox": "mailto:a\\u0000@example.org"}'},
    ):
        response = lrs.get(URL, params)
        assert response.status_code == 400, params
        assert "NUL character" in response.json()["error"]


def test_malformed_json_is_400(lrs):
    assert lrs.post(URL, "{not json").status_code == 400


def test_lrs_sets_stored_authority_and_version(lrs):
    """Part Two 4.1.8-4.1.10: the LRS sets stored and authority, and version when absent."""
    [statement_id] = lrs.post(URL, xapi_statement(authority={"mbox": "mailto:x@x.org"})).json()
    data = lrs.get(URL, {"statementId": statement_id}).json()
    assert data["stored"]
    assert data["authority"]["name"] == "Tool"
    assert data["version"] == "1.0.0"


def test_get_by_id_and_unknown_id(lrs):
    """2.1.3: a single statement by statementId; 404 when there is none."""
    [statement_id] = lrs.post(URL, xapi_statement()).json()
    assert lrs.get(URL, {"statementId": statement_id}).status_code == 200
    assert lrs.get(URL, {"statementId": str(uuid.uuid4())}).status_code == 404


def test_get_by_id_with_other_filters_is_400(lrs):
    """2.1.3: statementId "MUST NOT" be combined with parameters other than attachments and
    format."""
    response = lrs.get(URL, {"statementId": str(uuid.uuid4()), "verb": "http://x.org/v"})
    assert response.status_code == 400


def test_unknown_parameter_is_400(lrs):
    assert lrs.get(URL, {"colour": "blue"}).status_code == 400


def void(lrs, target_id):
    return lrs.post(
        URL,
        xapi_statement(
            verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
            object={"objectType": "StatementRef", "id": target_id},
        ),
    )


def test_voided_statement_is_only_returned_by_voided_statement_id(lrs):
    """2.1.4 "Voided Statements": "The LRS MUST not return any Statement which has been
    voided, unless that Statement has been requested by voidedStatementId"."""
    [target] = lrs.post(URL, xapi_statement()).json()
    assert void(lrs, target).status_code == 200
    assert lrs.get(URL, {"statementId": target}).status_code == 404
    assert lrs.get(URL, {"voidedStatementId": target}).json()["id"] == target
    ids = [s["id"] for s in lrs.get(URL).json()["statements"]]
    assert target not in ids


def test_a_statement_whose_voiding_statement_arrived_first_is_voided(lrs, pupil, make_statement):
    """Part Two 2.3.2: "an LRS MUST consider a Statement it contains voided if and only if
    the Statement is not itself a Voiding Statement and the LRS also contains a Voiding
    Statement referring to the first Statement", whichever arrived first (a tool's queue may
    send them out of order). The voided completion reaches nobody's records."""
    from records.models import Completion

    completed = make_statement(pupil)
    assert void(lrs, completed["id"]).status_code == 200
    assert lrs.post(URL, completed).status_code == 200
    assert lrs.get(URL, {"statementId": completed["id"]}).status_code == 404
    assert lrs.get(URL, {"voidedStatementId": completed["id"]}).status_code == 200
    assert completed["id"] not in {s["id"] for s in lrs.get(URL).json()["statements"]}
    assert not Completion.objects.exists()


def test_voided_statement_id_of_a_live_statement_is_404(lrs):
    [target] = lrs.post(URL, xapi_statement()).json()
    assert lrs.get(URL, {"voidedStatementId": target}).status_code == 404


def test_voiding_a_voiding_statement_is_400(lrs):
    """Part Two 2.3.2: "A Voiding Statement cannot Target another Voiding Statement"."""
    [target] = lrs.post(URL, xapi_statement()).json()
    [voiding] = void(lrs, target).json()
    assert void(lrs, voiding).status_code == 400


@pytest.mark.parametrize("case", [str.lower, str.upper], ids=["lower case", "upper case"])
def test_a_batch_voiding_a_voiding_statement_of_the_same_batch_is_400(lrs, case):
    """Part Two 2.3.2: "A Voiding Statement cannot Target another Voiding Statement", and
    Part Three 3.2: "The LRS MUST reject a batch of statements if any Statement within that
    batch is rejected". A UUID is the same whichever case its hexadecimal digits are
    written in (RFC 4122 3), so naming the voiding statement in capitals changes nothing:
    the batch is refused and the voiding statement is not voided."""
    target, first = str(uuid.uuid4()), str(uuid.uuid4())
    voided = {"id": "http://adlnet.gov/expapi/verbs/voided"}
    batch = [
        xapi_statement(id=target),
        xapi_statement(id=first, verb=voided, object={"objectType": "StatementRef", "id": target}),
        xapi_statement(verb=voided, object={"objectType": "StatementRef", "id": case(first)}),
    ]
    response = lrs.post(URL, batch)
    assert response.status_code == 400
    assert "voiding statement" in response.json()["error"]
    assert not Statement.objects.exists()


def test_statements_referring_to_matches_are_returned(lrs):
    """2.1.3 "Filter Conditions for StatementRefs": statements targeting a matching
    statement are returned with it."""
    [target] = lrs.post(URL, xapi_statement()).json()
    [ref] = lrs.post(
        URL,
        xapi_statement(
            verb={"id": "http://example.org/commented"},
            object={"objectType": "StatementRef", "id": target},
        ),
    ).json()
    found = lrs.get(URL, {"activity": "http://example.org/activities/one"}).json()
    assert {s["id"] for s in found["statements"]} == {target, ref}


def _referring_to(lrs, target, statement_id=None):
    statement = xapi_statement(
        verb={"id": "http://example.org/commented"},
        object={"objectType": "StatementRef", "id": target},
    )
    if statement_id:
        statement["id"] = statement_id
    [ref] = lrs.post(URL, statement).json()
    return ref


def test_references_are_followed_recursively(lrs):
    """2.1.3: "This rule applies recursively, so that 'Statement a' is a match when a
    targets b which targets c and the filter conditions described above match for
    'Statement c'"; a statement referring to one that does not match is not returned."""
    [c] = lrs.post(URL, xapi_statement()).json()
    b = _referring_to(lrs, c)
    a = _referring_to(lrs, b)
    before_a = _referring_to(lrs, a)
    [elsewhere] = lrs.post(URL, xapi_statement(object={"id": "http://example.org/x"})).json()
    _referring_to(lrs, elsewhere)
    found = lrs.get(URL, {"activity": "http://example.org/activities/one"}).json()
    assert [s["id"] for s in found["statements"]] == [before_a, a, b, c]
    # Paged one at a time, each statement once, newest first.
    ids, params = [], {"activity": "http://example.org/activities/one", "limit": 1}
    page = lrs.get(URL, params).json()
    while True:
        ids += [s["id"] for s in page["statements"]]
        if not page["more"]:
            break
        page = lrs.get(page["more"]).json()
    assert ids == [before_a, a, b, c]


def test_a_loop_of_references_ends(lrs):
    """Two statements may target each other (the second stored first); following them ends,
    and neither matches a filter the pair does not meet."""
    first_id, second_id = str(uuid.uuid4()), str(uuid.uuid4())
    _referring_to(lrs, second_id, statement_id=first_id)
    _referring_to(lrs, first_id, statement_id=second_id)
    found = lrs.get(URL, {"activity": "http://example.org/activities/one"}).json()
    assert found["statements"] == []
    found = lrs.get(URL, {"verb": "http://example.org/commented"}).json()
    assert {s["id"] for s in found["statements"]} == {first_id, second_id}


def test_a_chain_through_a_voided_statement_still_matches(lrs):
    """Part Three 2.1.4: a voided statement is not returned, but the filter rules for
    StatementRefs are unaffected: a statement reached through it is."""
    [c] = lrs.post(URL, xapi_statement()).json()
    b = _referring_to(lrs, c)
    a = _referring_to(lrs, b)
    [voiding] = void(lrs, b).json()
    found = lrs.get(URL, {"activity": "http://example.org/activities/one"}).json()
    assert {s["id"] for s in found["statements"]} == {c, a, voiding}


@pytest.fixture
def stored(lrs):
    """Statements varying by actor, verb, object, registration and context."""
    reg = str(uuid.uuid4())
    other_actor = {"objectType": "Agent", "account": {"homePage": "http://x.org", "name": "z"}}
    statements = {
        "plain": xapi_statement(),
        "verb": xapi_statement(verb={"id": "http://example.org/verbs/other"}),
        "actor": xapi_statement(actor=other_actor),
        "object_agent": xapi_statement(
            actor=other_actor, object={"objectType": "Agent", "mbox": "mailto:learner@example.org"}
        ),
        "registration": xapi_statement(context={"registration": reg}),
        "context_activity": xapi_statement(
            object={"id": "http://example.org/activities/two"},
            context={
                "contextActivities": {"parent": {"id": "http://example.org/activities/one"}},
                "instructor": {"mbox": "mailto:teacher@example.org"},
            },
        ),
    }
    ids = {}
    for name, statement in statements.items():
        [ids[name]] = lrs.post(URL, statement).json()
    ids["registration_uuid"] = reg
    return ids


def found(lrs, **params):
    response = lrs.get(URL, params)
    assert response.status_code == 200, response.content
    return {s["id"] for s in response.json()["statements"]}


def test_filter_by_verb(lrs, stored):
    """2.1.3 verb: "Filter, only return Statements matching the specified Verb id"."""
    assert found(lrs, verb="http://example.org/verbs/other") == {stored["verb"]}


def test_filter_by_agent_matches_actor_or_object(lrs, stored):
    """2.1.3 agent: "only return Statements for which the specified Agent or Group is the
    Actor or Object of the Statement"."""
    agent = '{"mbox": "mailto:learner@example.org"}'
    result = found(lrs, agent=agent)
    assert stored["object_agent"] in result
    assert stored["actor"] not in result
    assert stored["plain"] in result


def test_filter_by_agent_matches_a_group_with_the_agent_as_a_member(lrs):
    """2.1.3 agent: "For the purposes of this filter, Groups that have members which match
    the specified Agent based on their Inverse Functional Identifier ... are considered a
    match", as actor or as object."""
    members = [{"mbox": "mailto:learner@example.org"}, {"mbox": "mailto:friend@example.org"}]
    team = {"objectType": "Group", "name": "Team", "member": members}
    other = {"objectType": "Agent", "mbox": "mailto:other@example.org"}
    [as_actor] = lrs.post(URL, xapi_statement(actor=team)).json()
    [as_object] = lrs.post(URL, xapi_statement(actor=other, object=team)).json()
    lrs.post(URL, xapi_statement(actor=other))
    agent = '{"mbox": "mailto:learner@example.org"}'
    assert found(lrs, agent=agent) == {as_actor, as_object}
    assert found(lrs, agent=agent, related_agents="true") == {as_actor, as_object}


def test_related_agents_include_context_agents(lrs, stored):
    """2.1.3 related_agents: "Apply the Agent filter broadly. Include Statements for which
    ... the Agent ... is the ... Instructor"."""
    agent = '{"mbox": "mailto:teacher@example.org"}'
    assert found(lrs, agent=agent) == set()
    assert found(lrs, agent=agent, related_agents="true") == {stored["context_activity"]}


def test_filter_by_activity_and_related_activities(lrs, stored):
    """2.1.3 activity / related_activities: the Object only, or also context activities."""
    activity = "http://example.org/activities/one"
    narrow = found(lrs, activity=activity)
    broad = found(lrs, activity=activity, related_activities="true")
    assert stored["context_activity"] not in narrow
    assert stored["context_activity"] in broad
    assert narrow < broad


def test_filter_by_registration(lrs, stored):
    assert found(lrs, registration=stored["registration_uuid"]) == {stored["registration"]}


def test_since_and_until_use_stored(lrs, stored):
    """2.1.3 since/until: "only Statements stored since/at or before the specified
    Timestamp"."""
    all_rows = list(Statement.objects.order_by("stored"))
    first = all_rows[0]
    later = found(lrs, since=first.data["stored"])
    assert first.data["id"] not in later
    assert found(lrs, until=first.data["stored"]) >= {first.data["id"]}


def test_ascending_and_limit_and_more_page_through_everything(lrs, stored):
    """2.1.3 limit/ascending, and the more IRL: "the LRS MUST include a more property ...
    if the result set is incomplete"."""
    seen = []
    response = lrs.get(URL, {"limit": 2, "ascending": "true"})
    while True:
        body = response.json()
        seen += [s["id"] for s in body["statements"]]
        assert len(body["statements"]) <= 2
        if not body["more"]:
            break
        response = lrs.get(body["more"])
        assert response.status_code == 200
    stored_order = [
        str(s)
        for s in Statement.objects.order_by("stored", "id").values_list("statement_id", flat=True)
    ]
    assert seen == stored_order


def test_consistent_through_header_on_every_statements_response(lrs, stored, client):
    """2.1.3: "The LRS MUST include the header X-Experience-API-Consistent-Through ... on all
    responses to Statements requests", whatever the status."""
    from django.utils.dateparse import parse_datetime

    responses = [
        lrs.get(URL),
        lrs.get(URL, {"statementId": stored["plain"]}),
        lrs.get(URL, {"statementId": str(uuid.uuid4())}),
        lrs.get(URL, {"surprise": "1"}),
        lrs.post(URL, xapi_statement()),
        lrs.put(f"{URL}?statementId={uuid.uuid4()}", xapi_statement()),
        client.get(URL, **{**lrs.headers(), "HTTP_X_EXPERIENCE_API_VERSION": ""}),
    ]
    assert [r.status_code for r in responses] == [200, 200, 404, 400, 200, 204, 400]
    for response in responses:
        assert parse_datetime(response.headers["X-Experience-API-Consistent-Through"])


def test_format_ids_strips_to_identifiers(lrs, stored):
    """2.1.3 format=ids: "Only include minimum information necessary in Agent, Activity,
    Verb and Group Objects to identify them"."""
    data = lrs.get(URL, {"statementId": stored["plain"], "format": "ids"}).json()
    assert data["verb"] == {"id": "http://adlnet.gov/expapi/verbs/experienced"}
    assert data["object"] == {"objectType": "Activity", "id": "http://example.org/activities/one"}
    assert data["actor"] == {"objectType": "Agent", "mbox": "mailto:learner@example.org"}


def test_format_canonical_picks_one_language(lrs, stored):
    """2.1.3 format=canonical: "Activity Objects ... and Verb display ... return only one
    language, chosen by Accept-Language"."""
    data = lrs.get(
        URL, {"statementId": stored["plain"], "format": "canonical"}, HTTP_ACCEPT_LANGUAGE="fr"
    ).json()
    assert data["object"]["definition"]["name"] == {"fr": "Un"}
    assert len(data["verb"]["display"]) == 1


@pytest.mark.parametrize("version", ["1.0", "1.0.0", "1.0.3", "1.0.4", "1.0.12", "2.0.0"])
def test_supported_versions_are_accepted_and_echoed(lrs, version):
    """Part Three 1.4: requests with 1.0.x (or 2.0.0) are accepted; the response carries
    X-Experience-API-Version. 1.0.3 6.2: the LRS "MUST reject requests with version header
    prior to version 1.0.0" and "of 1.1.0 or greater": a later 1.0 patch is neither."""
    lrs.version = version
    response = lrs.post(URL, xapi_statement())
    assert response.status_code == 200
    assert response.headers["X-Experience-API-Version"] == (
        "2.0.0" if version.startswith("2") else "1.0.3"
    )


@pytest.mark.parametrize("version", [None, "0.95", "1.1.0", "1.0.x", "1.0.", "3.0.0"])
def test_missing_or_unsupported_version_is_400(lrs, version):
    """Part Three 1.4: "the LRS MUST reject requests ... without the header" or with a
    version it does not support."""
    lrs.version = version
    assert lrs.post(URL, xapi_statement()).status_code == 400


def test_context_agents_are_accepted_in_version_2_only(lrs):
    statement = xapi_statement(
        context={
            "contextAgents": [
                {"objectType": "contextAgent", "agent": {"mbox": "mailto:t@example.org"}}
            ]
        }
    )
    assert lrs.post(URL, statement).status_code == 400
    lrs.version = "2.0.0"
    assert lrs.post(URL, statement).status_code == 200


@pytest.mark.parametrize("single", [True, False])
def test_a_1_0_reader_gets_a_2_0_statement_without_what_1_0_has_no_place_for(lrs, single):
    """2.0.0 Part Two 4.2.2.6 added contextAgents and contextGroups; a 1.0.3 client "SHOULD*
    reject Statements containing additional properties" (1.0.3 Part Two 2.2), and
    TinCanPython, a 1.0.3 client, cannot read them. So a reader asking in 1.0.x gets the
    statement as a 1.0.3 forwarding target does: version 1.0.0, without them."""
    from tincan import Statement as TinCanStatement

    agent = {"objectType": "contextAgent", "agent": {"mbox": "mailto:t@example.org"}}
    group = {
        "objectType": "contextGroup",
        "group": {"objectType": "Group", "member": [{"mbox": "mailto:m@example.org"}]},
    }
    statement = xapi_statement(
        id=str(uuid.uuid4()),
        context={"contextAgents": [agent], "contextGroups": [group], "language": "en-GB"},
    )
    lrs.version = "2.0.0"
    assert lrs.post(URL, statement).status_code == 200
    lrs.version = "1.0.3"
    if single:
        read = lrs.get(URL, {"statementId": statement["id"]}).json()
    else:
        read = lrs.get(URL).json()["statements"][0]
    assert read["id"] == statement["id"]
    assert read["context"] == {"language": "en-GB"}
    assert read["version"].startswith("1.0.")
    TinCanStatement.from_json(json.dumps(read))
    lrs.version = "2.0.0"
    kept = lrs.get(URL, {"statementId": statement["id"]}).json()
    assert kept["context"]["contextAgents"] == [agent]
    assert kept["version"] == "2.0.0"


def test_context_agents_with_empty_relevant_types_are_400(lrs):
    """2.0.0: relevantTypes is "a collection of 1 or more Relevant Type(s)"."""
    lrs.version = "2.0.0"
    agent = {"objectType": "contextAgent", "agent": {"mbox": "mailto:t@example.org"}}
    statement = xapi_statement(context={"contextAgents": [{**agent, "relevantTypes": []}]})
    response = lrs.post(URL, statement)
    assert response.status_code == 400
    assert response.json()["fields"][0]["path"] == "context.contextAgents[0].relevantTypes"
    assert not Statement.objects.exists()


def test_head_answers_like_get_without_a_body(lrs, client, stored):
    """Part Three 1.1: "The LRS MUST respond to any HEAD request as it would have responded
    to an otherwise identical GET request except ... no message-body"."""
    response = client.head(URL, **lrs.headers())
    assert response.status_code == 200
    assert response.content == b""


def test_alternate_request_syntax(lrs, client):
    """Part Three 1.3 "Alternate Request Syntax": POST with method=PUT and the headers and
    content as form fields."""
    import json
    from urllib.parse import urlencode

    statement_id = str(uuid.uuid4())
    form = urlencode(
        {
            "statementId": statement_id,
            "content": json.dumps(xapi_statement()),
            "Authorization": lrs.auth,
            "X-Experience-API-Version": "1.0.3",
            "Content-Type": "application/json",
        }
    )
    response = client.post(
        f"{URL}?method=PUT", form, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 204
    assert Statement.objects.filter(statement_id=statement_id).exists()


def test_alternate_request_syntax_without_a_form_is_400(lrs, client):
    """Part Three 1.3: the alternate syntax sends its content as form fields; a request that
    does not is refused with 400 (3.2 lists the codes an LRS answers; 415 is not one)."""
    response = client.post(f"{URL}?method=PUT", b"", content_type="", **lrs.headers())
    assert response.status_code == 400
    assert "application/x-www-form-urlencoded" in response.json()["error"]


def test_alternate_request_syntax_with_a_form_that_is_not_utf_8_is_400(lrs, client):
    """Part Three 1.2 (2.0.0 4.1.2) "Encoding": "All strings MUST be encoded and
    interpreted as UTF-8"; a form that is not is a 400, not a server error."""
    response = client.post(
        f"{URL}?method=GET",
        b"limit=1&note=caf\xe9",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "UTF-8" in response.json()["error"]


def test_cors_preflight_and_headers(lrs, client):
    response = client.options(URL, HTTP_ORIGIN="https://content.example.org")
    assert response.status_code == 200
    assert "X-Experience-API-Version" in response.headers["Access-Control-Allow-Headers"]
    assert lrs.get(URL).headers["Access-Control-Allow-Origin"] == "*"


def test_about_needs_no_credentials_and_lists_versions(client):
    """Part Three 2.7: the About resource returns the versions the LRS supports."""
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert {"1.0.3", "2.0.0"} <= set(response.json()["version"])


@pytest.mark.parametrize(
    "asked, answered",
    [("1.0.3", "1.0.3"), ("1.0.0", "1.0.3"), ("2.0.0", "2.0.0"), (None, "2.0.0"), ("9", "2.0.0")],
)
def test_about_answers_in_the_version_the_tool_asked_for(client, asked, answered):
    """1.0.3 Part Three 6.2: "The LRS MUST include the "X-Experience-API-Version" header in
    every response" and a 1.0.3 LRS "MUST set this header to "1.0.3"". About needs no
    header; a tool that sends one is answered in its version, as by the other resources."""
    headers = {"HTTP_X_EXPERIENCE_API_VERSION": asked} if asked else {}
    response = client.get("/xapi/about", **headers)
    assert response.status_code == 200
    assert response["X-Experience-API-Version"] == answered


@pytest.mark.parametrize("path", ["/xapi/statements/", "/xapi/statement", "/xapi/activities/"])
def test_a_path_that_is_no_xapi_resource_is_a_404_the_tool_can_read(lrs, path):
    """Part Three 1.4 (2.0.0 4.1.7): "every response from the LRS includes" the
    X-Experience-API-Version header. A tool that asks for a resource the LRS has not (a
    slash too many, a letter too few) is answered in JSON saying so, with the version and
    the CORS headers a tool in a browser needs to read it, not with a page of the site."""
    response = lrs.get(path)
    assert response.status_code == 404
    assert response["X-Experience-API-Version"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "statements" in response.json()["error"]


def test_the_profile_document_is_still_found_without_its_trailing_slash(client):
    response = client.get("/xapi/profile")
    assert response.status_code == 301
    assert response["Location"] == "/xapi/profile/"


def multipart(statement, parts, boundary="xapi-boundary"):
    """A multipart/mixed body: the statement, then each part, (content, sha2) for a
    text/plain one or (content, sha2, content type)."""
    chunks = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        __import__("json").dumps(statement).encode(),
        b"\r\n",
    ]
    for content, declared, *given in parts:
        part_type = given[0] if given else "text/plain"
        head = (
            f"--{boundary}\r\nContent-Type: {part_type}\r\n"
            f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {declared}\r\n\r\n"
        )
        chunks += [
            head.encode(),
            content,
            b"\r\n",
        ]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/mixed; boundary={boundary}"


def attachment_statement(content: bytes):
    return xapi_statement(
        attachments=[
            {
                "usageType": "http://id.tincanapi.com/attachment/supporting_media",
                "display": {"en-GB": "Note"},
                "contentType": "text/plain",
                "length": len(content),
                "sha2": hashlib.sha256(content).hexdigest(),
            }
        ]
    )


def test_an_attachment_without_its_file_or_a_file_url_is_400(lrs):
    """Part Three 1.5.1: a JSON request's attachments each give a fileUrl; one without is
    sent with its file as a part of a multipart/mixed request. Nothing is stored."""
    statement = attachment_statement(b"signed")
    response = lrs.post(URL, statement)
    assert response.status_code == 400
    assert "multipart/mixed" in response.json()["error"]
    assert not Statement.objects.exists()
    statement["attachments"][0]["fileUrl"] = "https://example.org/files/note.txt"
    assert lrs.post(URL, statement).status_code == 200


def test_a_single_context_activity_is_returned_as_an_array(lrs):
    """Part Two 4.1.6.2: "the LRS MUST return single Activity Objects as an Array of length
    one containing the same Activity" (XAPI-00096), in every format."""
    parent = {"objectType": "Activity", "id": "http://example.org/activities/parent"}
    [statement_id] = lrs.post(
        URL, xapi_statement(context={"contextActivities": {"parent": parent}})
    ).json()
    for fmt in ("exact", "canonical", "ids"):
        got = lrs.get(URL, {"statementId": statement_id, "format": fmt}).json()
        assert got["context"]["contextActivities"]["parent"] == [parent]
    listed = lrs.get(URL, {"activity": parent["id"], "related_activities": "true"}).json()
    assert listed["statements"][0]["context"]["contextActivities"]["parent"] == [parent]
    # Sent again as it was first written, it is the same statement, not a conflict.
    again = xapi_statement(id=statement_id, context={"contextActivities": {"parent": parent}})
    assert lrs.post(URL, again).status_code == 200


def test_attachment_round_trip_with_sha2(lrs):
    """Part Three 1.5.2: attachments in multipart/mixed, each part identified by its SHA-2;
    GET with attachments=true returns them in a multipart response."""
    content = b"a signed note"
    body, ctype = multipart(
        attachment_statement(content), [(content, hashlib.sha256(content).hexdigest())]
    )
    response = lrs.post(URL, body, content_type=ctype)
    assert response.status_code == 200, response.content
    [statement_id] = response.json()
    got = lrs.get(URL, {"statementId": statement_id, "attachments": "true"})
    assert got.headers["Content-Type"].startswith("multipart/mixed")
    assert content in got.content


def test_an_attachment_holding_its_boundary_inside_a_line_is_kept_whole(lrs):
    """RFC 2046 5.1.1: a part ends only at a delimiter line, CRLF then "--" and the
    boundary; the same text inside a line of the file is part of the file. (Part Three
    1.5.2 sends attachments in multipart/mixed, which follows RFC 2046.)"""
    boundary = "xapi-boundary"
    content = b"quoted from the request: --xapi-boundary and the rest of the note"
    sha2 = hashlib.sha256(content).hexdigest()
    body, ctype = multipart(attachment_statement(content), [(content, sha2)], boundary)
    response = lrs.post(URL, body, content_type=ctype)
    assert response.status_code == 200, response.content
    [statement_id] = response.json()
    got = lrs.get(URL, {"statementId": statement_id, "attachments": "true"})
    assert content in got.content


def test_an_attachment_whose_sha2_is_in_upper_case_is_kept(lrs):
    """Part Two 2.4.11: "sha2" is the attachment's SHA-2 in hexadecimal, whatever the case of
    its digits; a tool that writes them in upper case gets its file back as any other."""
    content = b"a note in capitals"
    sha2 = hashlib.sha256(content).hexdigest().upper()
    statement = attachment_statement(content)
    statement["attachments"][0]["sha2"] = sha2
    body, ctype = multipart(statement, [(content, sha2)])
    response = lrs.post(URL, body, content_type=ctype)
    assert response.status_code == 200, response.content
    [statement_id] = response.json()
    got = lrs.get(URL, {"statementId": statement_id, "attachments": "true"})
    assert content in got.content


def test_attachments_sent_back_are_never_shown_as_a_page_of_the_site(lrs, client):
    """Part Three 1.5.2: an attachment keeps the contentType its tool gave, HTML included,
    and GET with attachments=true returns it as a part of a multipart/mixed response, which
    a browser sent there with a form (the Alternate Request Syntax, 1.3, carries the
    credentials and version as its fields) may show part by part at the site's own address.
    As for a stored document, the browser is told to save it and not to run or follow
    anything in it; a tool still reads the parts as sent."""
    page = (
        b'<meta http-equiv="refresh" content="0;url=https://elsewhere.example/">'
        b"<form action=/accounts/login/><input name=password></form>"
    )
    statement = attachment_statement(page)
    statement["attachments"][0]["contentType"] = "text/html"
    body, ctype = multipart(statement, [(page, hashlib.sha256(page).hexdigest(), "text/html")])
    response = lrs.post(URL, body, content_type=ctype)
    assert response.status_code == 200, response.content
    [statement_id] = response.json()
    form = urlencode(
        {
            "statementId": statement_id,
            "attachments": "true",
            "Authorization": lrs.auth,
            "X-Experience-API-Version": "1.0.3",
        }
    )
    got = client.post(URL + "?method=GET", form, content_type="application/x-www-form-urlencoded")
    assert got.status_code == 200
    assert got["Content-Type"].startswith("multipart/mixed")
    assert page in got.content
    assert got["Content-Disposition"].startswith("attachment")
    policy = got["Content-Security-Policy"]
    assert "sandbox" in policy
    assert "default-src 'none'" in policy


def test_attachment_with_wrong_hash_or_missing_part_is_400(lrs):
    """Part Three 1.5.2: "The LRS MUST reject ... if the SHA-2 ... does not match" and a
    statement whose attachment has neither a part nor a fileUrl."""
    content = b"a signed note"
    body, ctype = multipart(
        attachment_statement(content), [(b"tampered", hashlib.sha256(content).hexdigest())]
    )
    assert lrs.post(URL, body, content_type=ctype).status_code == 400
    body, ctype = multipart(attachment_statement(content), [])
    assert lrs.post(URL, body, content_type=ctype).status_code == 400
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    "timestamp", ["2026-06-01T10:00:00.000z", "2026-06-01T10:00:00z", "2026-06-01T10:00z"]
)
def test_a_timestamp_with_a_lower_case_z_is_stored(lrs, timestamp):
    """RFC 3339 5.6 (the timestamps xAPI 2.0.0 Part Two 4.5 asks for): "the 'T' and 'Z'
    characters in this syntax may alternatively be lower case"."""
    response = lrs.post(URL, xapi_statement(timestamp=timestamp))
    assert response.status_code == 200
    [statement_id] = response.json()
    assert Statement.objects.get(statement_id=statement_id).timestamp.isoformat() == (
        "2026-06-01T10:00:00+00:00"
    )


@pytest.mark.parametrize("version", ["2.0", "2.0.1", "2.0.9"])
def test_any_2_0_patch_version_is_accepted_and_answered_as_2_0_0(lrs, version):
    """2.0.0 Part Three 4.1.7 "Versioning": the LRS "shall reject requests with a version
    header of 2.1.0 or greater" and "shall set this header to the latest patch version": a
    tool on a later 2.0 patch speaks the same API and is answered as 2.0.0."""
    lrs.version = version
    response = lrs.post(URL, xapi_statement())
    assert response.status_code == 200, response.content
    assert response.headers["X-Experience-API-Version"] == "2.0.0"


@pytest.mark.parametrize("version", ["2.1.0", "2.0.x", "2.0."])
def test_a_2_x_version_from_2_1_0_is_400(lrs, version):
    """2.0.0 Part Three 4.1.7: "reject requests with a version header of 2.1.0 or greater"."""
    lrs.version = version
    assert lrs.post(URL, xapi_statement()).status_code == 400


def test_format_canonical_gives_the_lrs_canonical_activity_definition(lrs):
    """2.1.3 format=canonical: "return Activity Objects ... populated with the canonical
    definition of the Activity Objects ... as determined by the LRS, after applying the
    Language Filtering Requirements": the definition the Activities resource gives (the
    latest), not the one an older statement happened to carry, for the object and the
    context activities alike."""
    course = "http://example.org/activities/course"
    first = xapi_statement(
        object={"objectType": "Activity", "id": "http://example.org/activities/one"},
        context={"contextActivities": {"parent": [{"id": course}]}},
    )
    [first_id] = lrs.post(URL, first).json()
    renamed = {"name": {"en-GB": "One, renamed", "fr": "Un, renommé"}}
    lrs.post(
        URL,
        xapi_statement(object={"id": "http://example.org/activities/one", "definition": renamed}),
    )
    lrs.post(
        URL, xapi_statement(object={"id": course, "definition": {"name": {"en-GB": "Course"}}})
    )

    got = lrs.get(
        URL, {"statementId": first_id, "format": "canonical"}, HTTP_ACCEPT_LANGUAGE="fr"
    ).json()
    assert got["object"]["definition"] == {"name": {"fr": "Un, renommé"}}
    assert got["context"]["contextActivities"]["parent"][0]["definition"] == {
        "name": {"en-GB": "Course"}
    }
    listed = lrs.get(
        URL, {"format": "canonical", "ascending": "true"}, HTTP_ACCEPT_LANGUAGE="en-GB"
    ).json()["statements"]
    assert listed[0]["object"]["definition"] == {"name": {"en-GB": "One, renamed"}}
    # The exact format still gives the statement as it was received.
    exact = lrs.get(URL, {"statementId": first_id}).json()
    assert "definition" not in exact["object"]


def test_format_canonical_reads_the_definitions_of_a_page_in_a_fixed_number_of_queries(lrs):
    """2.1.3 format=canonical: a page of statements about many activities is answered with
    the definitions of all of them read together, not one query per activity (a tool reading
    a school's statements in canonical format asks for up to 100 at a time)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def page_queries(count):
        for index in range(count):
            iri = f"http://example.org/activities/{uuid.uuid4()}"
            lrs.post(
                URL,
                xapi_statement(
                    object={"id": iri, "definition": {"name": {"en": f"Activity {index}"}}}
                ),
            )
        with CaptureQueriesContext(connection) as queries:
            response = lrs.get(URL, {"format": "canonical", "limit": "100"})
        assert response.status_code == 200
        assert all("definition" in s["object"] for s in response.json()["statements"])
        return len(queries)

    few = page_queries(2)
    many = page_queries(12)
    assert many == few


def test_format_canonical_does_not_pick_a_language_the_client_refuses_with_q_0(lrs):
    """2.1.3 format=canonical picks one language of each map "by the Accept-Language header";
    RFC 9110 12.5.4: a quality of 0 means "not acceptable". A client that refuses English
    gets the map's other language, not the English it refused."""
    statement = xapi_statement(
        object={
            "id": f"http://example.org/activities/{uuid.uuid4()}",
            "definition": {"name": {"en-GB": "One", "fr": "Un"}},
        }
    )
    [statement_id] = lrs.post(URL, statement).json()
    for header in ("en-GB;q=0", "en;q=0, de", "de, en-GB;q=0.0"):
        got = lrs.get(
            URL,
            {"statementId": statement_id, "format": "canonical"},
            HTTP_ACCEPT_LANGUAGE=header,
        ).json()
        assert got["object"]["definition"]["name"] == {"fr": "Un"}, header


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
@pytest.mark.parametrize(
    "sent, returned",
    [
        ("2026-06-01T10:00:00.125+01:00", "2026-06-01T09:00:00.125Z"),
        ("2026-06-01T00:30:00-05:00", "2026-06-01T05:30:00.000Z"),
        ("2026-06-01T10:00:00", "2026-06-01T10:00:00.000Z"),
    ],
)
def test_a_timestamp_sent_with_an_offset_is_returned_in_utc(lrs, version, sent, returned):
    """2.0.0 Part Two 4.2.7 "Timestamps": "An LRS shall convert Timestamps to UTC rather than
    rejecting Statements that send Timestamps not in UTC form" (1.0.3 Part Two 4.5: "The
    LRS SHOULD* return the Timestamp in UTC timezone"); one without a zone is UTC already
    (4.1.7). A tool reading the statements back gets every timestamp in UTC, so they sort
    and compare; sending the statement again is still the same statement."""
    lrs.version = version
    statement = xapi_statement(id=str(uuid.uuid4()), timestamp=sent)
    assert lrs.post(URL, statement).status_code == 200
    got = lrs.get(URL, {"statementId": statement["id"]}).json()
    assert got["timestamp"] == returned
    assert lrs.get(URL, {"limit": 1}).json()["statements"][0]["timestamp"] == returned
    assert lrs.post(URL, statement).status_code == 200


@pytest.mark.parametrize("ascending", ["false", "true"])
def test_a_list_of_statements_says_when_the_newest_of_them_was_stored(lrs, ascending):
    """2.0.0 Part Three 4.1.6.1 GET: "The LRS shall include, in the "Last-Modified" header,
    the most recent (maximum) "stored" property of any of the returned statement(s)"."""
    from datetime import timedelta

    from django.utils.http import parse_http_date

    ids = [lrs.post(URL, xapi_statement()).json()[0] for _ in range(2)]
    # A second apart, so the header (whole seconds) tells the two apart.
    older = Statement.objects.get(statement_id=ids[0])
    Statement.objects.filter(pk=older.pk).update(stored=older.stored - timedelta(seconds=5))
    newest = Statement.objects.get(statement_id=ids[1]).stored
    lrs.version = "2.0.0"
    response = lrs.get(URL, {"ascending": ascending})
    assert response.status_code == 200
    assert len(response.json()["statements"]) == 2
    assert parse_http_date(response.headers["Last-Modified"]) == int(newest.timestamp())
    assert "Last-Modified" not in lrs.get(URL, {"verb": "http://example.org/none"}).headers


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_a_statement_that_gives_a_property_twice_is_400_and_stores_nothing(lrs, version):
    """2.0.0 Part Two 4.2.1: "An LRS shall reject a Statement that uses a property more than
    once". A JSON parser keeps one of the two values without a word, so which one the
    statement meant is a guess (here: which verb, and whose statement)."""
    lrs.version = version
    statement = json.dumps(xapi_statement())
    twice = statement.replace(
        '"verb": {', '"verb": {"id": "http://adlnet.gov/expapi/verbs/passed"}, "verb": {', 1
    )
    nested = statement.replace(
        '"mbox": "mailto:learner@example.org"',
        '"mbox": "mailto:learner@example.org", "mbox": "mailto:other@example.org"',
        1,
    )
    for body in (twice, nested, f"[{statement}, {twice}]"):
        response = lrs.post(URL, body)
        assert response.status_code == 400, body
        assert "more than once" in response.json()["error"]
    boundary = "b0undary"
    multipart = (
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{twice}\r\n--{boundary}--\r\n"
    )
    response = lrs.post(URL, multipart, content_type=f'multipart/mixed; boundary="{boundary}"')
    assert response.status_code == 400
    assert not Statement.objects.exists()


LONG_IRI = "http://example.org/" + "a" * 600


@pytest.mark.parametrize(
    "changes, path",
    [
        ({"verb": {"id": LONG_IRI}}, "verb.id"),
        ({"object": {"id": LONG_IRI}}, "object.id"),
        ({"actor": {"mbox": "mailto:" + "a" * 600 + "@example.org"}}, "actor"),
        (
            {"context": {"contextActivities": {"parent": [{"id": LONG_IRI}]}}},
            "context",
        ),
        (
            {
                "actor": {
                    "objectType": "Group",
                    "member": [{"mbox": f"mailto:pupil{n}@example.org"} for n in range(30)],
                }
            },
            "actor",
        ),
    ],
)
def test_an_identifier_longer_than_the_lrs_stores_is_400_not_a_server_error(lrs, changes, path):
    """Part Three 3.2 (2.0.0 4.1.5): the LRS answers with "the error code most appropriate
    to the error condition", and PostgreSQL cannot store an identifier longer than its
    column (512 characters): a 400 that says so, not a 500, and nothing stored."""
    response = lrs.post(URL, [xapi_statement(), xapi_statement(**changes)])
    assert response.status_code == 400
    assert response.json()["fields"][0]["path"].startswith(f"[1].{path}")
    assert "512" in response.json()["error"]
    assert not Statement.objects.exists()


def test_an_attachment_part_whose_content_type_is_too_long_to_keep_is_400(lrs):
    """Part Three 3.2 (2.0.0 4.1.5): "the error code most appropriate to the error
    condition". The LRS keeps each file with its part's Content-Type, at most 255
    characters (the column's length): a longer one is a 400 saying so, not a server error,
    and nothing is stored."""
    content = b"a note"
    long_type = "text/plain; note=" + "a" * 300
    statement = attachment_statement(content)
    statement["attachments"][0]["contentType"] = long_type
    body, ctype = multipart(statement, [(content, hashlib.sha256(content).hexdigest())])
    body = body.replace(b"Content-Type: text/plain\r\n", f"Content-Type: {long_type}\r\n".encode())
    response = lrs.post(URL, body, content_type=ctype)
    assert response.status_code == 400
    assert "255" in response.json()["error"]
    assert not Statement.objects.exists()


@pytest.mark.parametrize("timestamp", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_timestamp_outside_the_years_utc_can_hold_is_400_not_a_server_error(lrs, timestamp):
    """2.0.0 Part Two 4.2.7: the LRS converts timestamps to UTC; one whose UTC instant falls
    before the year 1 or after 9999 cannot be, so it is refused as a statement's timestamp
    and as the since and until filters (Part Three 3.2: "the error code most appropriate")."""
    response = lrs.post(URL, xapi_statement(timestamp=timestamp))
    assert response.status_code == 400
    assert response.json()["fields"][0]["path"] == "timestamp"
    for name in ("since", "until"):
        assert lrs.get(URL, {name: timestamp}).status_code == 400
    assert not Statement.objects.exists()


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_a_number_json_cannot_carry_is_400_not_a_server_error(lrs, number):
    """Part Three 3.2 (2.0.0 4.1.5): "invalid arguments" include "malformed JSON (RFC
    8259)", which has no NaN or Infinity, and a number too large for a double is one no
    reader can take back: a 400, not a server error when the statement is saved."""
    body = json.dumps(xapi_statement(result={"score": {"raw": 12345}})).replace("12345", number)
    response = lrs.post(URL, body)
    assert response.status_code == 400
    assert not Statement.objects.exists()


def test_a_whole_number_too_long_to_read_is_400_not_a_server_error(lrs):
    """Part Three 3.2 (2.0.0 4.1.5): "invalid arguments" include malformed JSON. Python
    reads no whole number of more than 4,300 digits, so a statement or an agent parameter
    carrying one is a 400 saying so, not a server error; nothing is stored."""
    long_number = "9" * 5000
    body = json.dumps(xapi_statement(result={"score": {"raw": 12345}})).replace(
        "12345", long_number
    )
    response = lrs.post(URL, body)
    assert response.status_code == 400
    assert "digits" in response.json()["error"]
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert not Statement.objects.exists()
    agent = '{"mbox": "mailto:learner@example.org", "name": ' + long_number + "}"
    response = lrs.get(URL, {"agent": agent})
    assert response.status_code == 400
    assert lrs.get("/xapi/agents", {"agent": agent}).status_code == 400


SUB_STATEMENT = {
    "objectType": "SubStatement",
    "actor": {"mbox": "mailto:learner@example.org"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
    "object": {"id": "http://example.org/activities/one"},
}


@pytest.mark.parametrize("attachments", [5, True, 1.5])
@pytest.mark.parametrize("where", ["statement", "substatement"])
def test_attachments_that_are_not_an_array_are_400_not_a_server_error(lrs, attachments, where):
    """Part Two 4.1.11 (2.0.0 4.2.2.11): "attachments" is an "Array of attachment objects";
    a statement whose attachments are a number or true/false is refused with a 400 naming
    the property, as any other wrong type is, not a server error; nothing is stored."""
    if where == "statement":
        statement = xapi_statement(attachments=attachments)
    else:
        statement = xapi_statement(object={**SUB_STATEMENT, "attachments": attachments})
    response = lrs.post(URL, statement)
    assert response.status_code == 400
    assert "attachments" in response.json()["error"]
    response = lrs.put(f"{URL}?statementId={uuid.uuid4()}", statement)
    assert response.status_code == 400
    assert not Statement.objects.exists()


def test_json_nested_deeper_than_can_be_read_is_400_not_a_server_error(lrs):
    """Part Three 3.2 (2.0.0 4.1.5): "invalid arguments" include malformed JSON, and a
    body or agent parameter nested too deeply to read (a hundred thousand arrays) is a 400
    saying so, not a server error."""
    deep = "[" * 100_000 + "]" * 100_000
    response = lrs.post(URL, '{"actor": ' + deep + "}")
    assert response.status_code == 400
    assert "nested" in response.json()["error"]
    response = lrs.get(URL, {"agent": deep})
    assert response.status_code == 400
    boundary = "b0undary"
    multipart = (
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{deep}\r\n--{boundary}--\r\n"
    )
    response = lrs.post(URL, multipart, content_type=f"multipart/mixed; boundary={boundary}")
    assert response.status_code == 400


STATE_URL = "/xapi/activities/state?" + urlencode(
    {
        "activityId": "http://example.org/activities/one",
        "agent": json.dumps({"mbox": "mailto:learner@example.org"}),
        "stateId": "big",
    }
)


@pytest.mark.parametrize(("method", "path"), [("post", URL), ("put", STATE_URL)])
def test_a_body_larger_than_the_lrs_takes_is_a_413_the_tool_can_read(lrs, settings, method, path):
    """Part Three 3.2: "413 Request Entity Too Large - Indicates that the LRS has rejected
    the Statement or Document because its size (or the size of one of its Attachments) is
    larger than the maximum allowed by the LRS". Said as the LRS's other errors are (JSON,
    with the version and CORS headers), so a tool in a browser can read why, and does not
    send it again and again."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps(xapi_statement(result={"response": "x" * 2048}))
    response = getattr(lrs, method)(path, body)
    assert response.status_code == 413
    assert "1024" in response.json()["error"]
    assert "X-Experience-API-Version" in response
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_2_0_timestamp_with_a_space_for_the_t_is_stored_and_returned_in_utc(lrs):
    """2.0.0 Part Two 4.5: timestamps are RFC 3339 date-times, and RFC 3339 5.6 lets the
    date and the time be "separated by (say) a space character" (the ADL 2.0 conformance
    suite sends "2008-09-15 15:53:00.601+00:00" and expects 200). A tool that writes its
    timestamps that way had every statement refused; they are kept, and returned in UTC
    with the 'T' (4.2.7), in a SubStatement too."""
    lrs.version = "2.0.0"
    statement = xapi_statement(id=str(uuid.uuid4()), timestamp="2008-09-15 15:53:00.601+01:00")
    response = lrs.post(URL, statement)
    assert response.status_code == 200, response.content
    got = lrs.get(URL, {"statementId": statement["id"]}).json()
    assert got["timestamp"] == "2008-09-15T14:53:00.601Z"
    in_utc = xapi_statement(id=str(uuid.uuid4()), timestamp="2008-09-15 15:53:00.601Z")
    assert lrs.post(URL, in_utc).status_code == 200
    got = lrs.get(URL, {"statementId": in_utc["id"]}).json()
    assert got["timestamp"] == "2008-09-15T15:53:00.601Z"
    inner = xapi_statement(timestamp="2008-09-15 15:53:00+00:00")
    outer = xapi_statement(id=str(uuid.uuid4()), object={"objectType": "SubStatement", **inner})
    assert lrs.post(URL, outer).status_code == 200
    got = lrs.get(URL, {"statementId": outer["id"]}).json()
    assert got["object"]["timestamp"] == "2008-09-15T15:53:00.000Z"
    assert lrs.get(URL, {"since": "2008-09-15 15:53:00+00:00"}).status_code == 200


def test_a_1_0_3_timestamp_with_a_space_for_the_t_is_still_400(lrs):
    """1.0.3 Part Two 4.5: "A Timestamp MUST be formatted according to ISO 8601", whose
    extended format puts a 'T' between the date and the time."""
    statement = xapi_statement(timestamp="2008-09-15 15:53:00.601+00:00")
    assert lrs.post(URL, statement).status_code == 400


@pytest.mark.parametrize("where", ["form", "header"])
def test_the_alternate_request_syntax_is_400_under_2_0(lrs, client, where):
    """xAPI 2.0.0 (IEEE 9274.1.1) has no alternate request syntax: the ADL 2.0 test suite
    expects a 4xx for a well-formed `POST ?method=PUT` saying X-Experience-API-Version
    2.0.0, in the form or as a header. Nothing is stored."""
    from urllib.parse import urlencode

    statement_id = str(uuid.uuid4())
    fields = {
        "statementId": statement_id,
        "content": json.dumps(xapi_statement()),
        "Authorization": lrs.auth,
        "Content-Type": "application/json",
    }
    extra = {}
    if where == "form":
        fields["X-Experience-API-Version"] = "2.0.0"
    else:
        extra["HTTP_X_EXPERIENCE_API_VERSION"] = "2.0.0"
    response = client.post(
        f"{URL}?method=PUT",
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
        **extra,
    )
    assert response.status_code == 400, response.content
    assert "alternate request syntax" in response.json()["error"]
    assert not Statement.objects.filter(statement_id=statement_id).exists()


def _one_part(statement: dict, content: bytes, headers: str) -> tuple[bytes, str]:
    boundary = "xapi-boundary"
    body = (
        (
            f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{json.dumps(statement)}\r\n"
            f"--{boundary}\r\n{headers}Content-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {hashlib.sha256(content).hexdigest()}\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/mixed; boundary={boundary}"


@pytest.mark.parametrize(
    "headers",
    ["Content-Type: image/png\r\n", "Content-Type: text/plain\r\nContent-Length: 99\r\n"],
)
def test_an_attachment_part_that_contradicts_its_declaration_is_400(lrs, headers):
    """Part Three 1.5.2 "Requirements for Attachment Statement Batches": where a part's
    header has a matching property in the Attachment Object (Content-Type and contentType,
    Content-Length and length) and both are given, "the values of these parameters and
    properties MUST match". A note declared as text/plain but sent as a PNG was stored and
    handed back as a PNG under a statement saying text; now nothing is stored."""
    content = b"A note about the lesson."
    body, ctype = _one_part(attachment_statement(content), content, headers)
    response = lrs.post(URL, body, content_type=ctype)
    assert response.status_code == 400, response.content
    assert "attachments" in response.json()["error"]
    assert not Statement.objects.exists()


def test_an_attachment_part_whose_headers_agree_with_its_declaration_is_stored(lrs):
    """The same comparison ignores case and the media type's parameters, which the part and
    the declaration may write differently."""
    content = b"A note about the lesson."
    body, ctype = _one_part(
        attachment_statement(content),
        content,
        f"Content-Type: Text/Plain; charset=utf-8\r\nContent-Length: {len(content)}\r\n",
    )
    assert lrs.post(URL, body, content_type=ctype).status_code == 200


def test_a_learner_cannot_fetch_another_pupils_attachment_by_naming_its_sha2(
    lrs, client, school, pupil
):
    """Part Three 1.5.2: attachments=true sends the files of the statements returned. A
    learner's session reads only its own statements, so a statement it writes declaring
    another pupil's file by its SHA-2 with only a fileUrl (no part: it never had the file)
    does not bring that pupil's file back."""
    from tests.factories import PupilFactory
    from xapi.identity import actor_for

    other = PupilFactory(school=school)
    content = b"what another pupil wrote about what happened to them"
    statement = attachment_statement(content)
    statement["actor"] = actor_for(other)
    body, ctype = multipart(statement, [(content, hashlib.sha256(content).hexdigest())])
    assert lrs.post(URL, body, content_type=ctype).status_code == 200

    client.force_login(pupil)
    probe = attachment_statement(content)
    probe["attachments"][0]["fileUrl"] = "https://example.org/anything"
    headers = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
    response = client.post(URL, json.dumps(probe), content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    [statement_id] = response.json()
    got = client.get(URL, {"statementId": statement_id, "attachments": "true"}, **headers)
    assert got.status_code == 200
    assert content not in got.content
    listed = client.get(URL, {"attachments": "true"}, **headers)
    assert listed.status_code == 200
    assert content not in listed.content


def test_a_learner_gets_back_the_attachment_their_own_statement_brought(client, pupil):
    """The file a learner's statement sent as a part comes back with attachments=true, also
    on a later statement of theirs that refers to it only by its fileUrl."""
    content = b"my own note"
    sha2 = hashlib.sha256(content).hexdigest()
    client.force_login(pupil)
    headers = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
    body, ctype = multipart(attachment_statement(content), [(content, sha2)])
    assert client.post(URL, body, content_type=ctype, **headers).status_code == 200
    again = attachment_statement(content)
    again["attachments"][0]["fileUrl"] = "https://example.org/note.txt"
    response = client.post(URL, json.dumps(again), content_type="application/json", **headers)
    [statement_id] = response.json()
    got = client.get(URL, {"statementId": statement_id, "attachments": "true"}, **headers)
    assert content in got.content


@pytest.mark.parametrize("follow_with_the_alternate_syntax", [False, True])
def test_more_paging_from_a_query_sent_with_the_alternate_request_syntax(
    lrs, client, follow_with_the_alternate_syntax
):
    """Part Three 1.3 and 2.1.3: a query sent as form fields (POST ?method=GET) pages with
    `more` like any other, keeping its filter, whichever syntax follows the link."""
    from urllib.parse import parse_qsl, urlsplit

    verb = "http://adlnet.gov/expapi/verbs/attempted"
    other = {"id": verb, "display": {"en-GB": "attempted"}}
    sent = [lrs.post(URL, xapi_statement(verb=other)).json()[0] for _ in range(3)]
    lrs.post(URL, xapi_statement())  # not attempted: outside the filter
    form = {
        "verb": verb,
        "limit": "1",
        "format": "ids",
        "Authorization": lrs.auth,
        "X-Experience-API-Version": "1.0.3",
    }
    response = client.post(
        URL + "?method=GET", urlencode(form), content_type="application/x-www-form-urlencoded"
    )
    read = []
    while True:
        assert response.status_code == 200, response.content
        page = response.json()
        read += [statement["id"] for statement in page["statements"]]
        if not page["more"]:
            break
        link = urlsplit(page["more"])
        assert link.path == URL
        if follow_with_the_alternate_syntax:
            fields = dict(parse_qsl(link.query))
            fields |= {"Authorization": lrs.auth, "X-Experience-API-Version": "1.0.3"}
            response = client.post(
                URL + "?method=GET",
                urlencode(fields),
                content_type="application/x-www-form-urlencoded",
            )
        else:
            response = lrs.get(page["more"])
    assert sorted(read) == sorted(sent)


@pytest.mark.parametrize(
    "body",
    [
        b"--xapi-boundary--\r\n--xapi-boundary\r\n--xapi-boundary",
        b"preamble\r\n--xapi-boundary--\r\n--xapi-boundary--\r\n",
    ],
)
def test_a_multipart_body_that_closes_before_its_first_part_is_400(lrs, body):
    """Part Three 1.5.2: the first part of a multipart/mixed request is the statements, as
    application/json. A body whose closing delimiter comes before any part has none: it is a
    400 saying so (Part Three 3.2), not a server error."""
    response = lrs.post(URL, body, content_type="multipart/mixed; boundary=xapi-boundary")
    assert response.status_code == 400, response.content
    assert "no parts" in response.json()["error"]
    assert not Statement.objects.exists()


def test_an_attachment_part_with_a_nul_character_in_its_content_type_is_400(lrs):
    """Part Three 3.2: a request the LRS cannot take is a 400 with a reason. Each file is kept
    with its part's Content-Type; one with a NUL character in its parameters (its media type
    still matching the attachment's contentType) could not be stored on PostgreSQL (no NUL in
    text), a server error. Nothing is stored."""
    lrs.client.raise_request_exception = False
    content = b"A note about the lesson."
    body, ctype = _one_part(
        attachment_statement(content), content, "Content-Type: text/plain; charset=\x00\r\n"
    )
    response = lrs.post(URL, body, content_type=ctype)
    assert response.status_code == 400, response.content
    assert "Content-Type" in response.json()["error"]
    assert not Statement.objects.exists()


def test_an_account_whose_home_page_has_a_vertical_bar_is_400(lrs):
    """Part Two 4.1.2.4: an Account's homePage is an IRL, and RFC 3987 has no unescaped "|"
    in an IRI. Agents are the same only when their identifiers are (4.1.2.3), but the LRS
    keys an account by its homePage and name joined with a "|": these two accounts were one
    agent, so a query for either returned both's statements, and each read and overwrote
    the other's state. The one whose homePage cannot be an IRI is refused."""
    barred = {"account": {"homePage": "http://example.org|a", "name": "b"}}
    other = {"account": {"homePage": "http://example.org", "name": "a|b"}}
    response = lrs.post(URL, xapi_statement(actor=barred))
    assert response.status_code == 400, response.content
    assert "homePage" in response.json()["error"]
    [other_id] = lrs.post(URL, xapi_statement(actor=other)).json()
    assert lrs.get(URL, {"agent": json.dumps(barred)}).status_code == 400
    found = lrs.get(URL, {"agent": json.dumps(other)}).json()["statements"]
    assert [s["id"] for s in found] == [other_id]
    state = {"activityId": "http://example.org/activities/one", "stateId": "progress"}
    put = lrs.put(
        "/xapi/activities/state?" + urlencode({**state, "agent": json.dumps(barred)}), {"a": 1}
    )
    assert put.status_code == 400
    got = lrs.get("/xapi/activities/state", {**state, "agent": json.dumps(other)})
    assert got.status_code == 404
