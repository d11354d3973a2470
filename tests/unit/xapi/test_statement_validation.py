"""The statement models: strict, and every error names the field (xAPI 1.0.3 Part Two)."""

import pytest

from xapi.statements.base import language_tag_valid
from xapi.statements.errors import StatementValidationError
from xapi.statements.validation import statement_validate, statements_validate

ACTOR = {"objectType": "Agent", "account": {"homePage": "http://testserver", "name": "abc"}}
VERB = {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-GB": "completed"}}
ACTIVITY = {"objectType": "Activity", "id": "http://testserver/xapi/activities/course/1"}


def statement(**changes):
    data = {"actor": ACTOR, "verb": VERB, "object": ACTIVITY}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not ...}


def paths_of(data, version="2.0.0"):
    with pytest.raises(StatementValidationError) as info:
        statement_validate(data, version=version)
    return info.value.paths


def test_minimal_statement_is_valid():
    assert statement_validate(statement()).verb.id == VERB["id"]


@pytest.mark.parametrize(
    "actor",
    [
        {"mbox": "mailto:a@example.org"},
        {"mbox_sha1sum": "a" * 40},
        {"openid": "http://openid.example.org/a"},
        {"account": {"homePage": "http://example.org", "name": "a"}},
        {"objectType": "Group", "member": [{"mbox": "mailto:a@example.org"}]},
        {"objectType": "Group", "mbox": "mailto:team@example.org"},
    ],
)
def test_each_inverse_functional_identifier_form_is_accepted(actor):
    """4.1.2.3: "An Agent MUST be identified by one (1) of the four types of IFIs"."""
    statement_validate(statement(actor=actor))


def test_agent_with_two_identifiers_is_rejected_naming_the_actor():
    """4.1.2.3: "Exactly One of mbox, mbox_sha1sum, openid, account is required"."""
    assert paths_of(statement(actor={"mbox": "mailto:a@b.org", "openid": "http://x.org/"})) == [
        "actor"
    ]


def test_agent_without_identifier_is_rejected():
    assert paths_of(statement(actor={"objectType": "Agent", "name": "Nobody"})) == ["actor"]


def test_group_member_that_is_a_group_is_rejected():
    """4.1.2.2: a Group's member list holds Agents only."""
    group = {"objectType": "Group", "member": [{"objectType": "Group", "member": []}]}
    assert paths_of(statement(actor=group))[0].startswith("actor.member[0]")


def test_anonymous_group_needs_members():
    assert paths_of(statement(actor={"objectType": "Group"})) == ["actor"]


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"verb": {"id": "not an iri"}}, "verb.id"),
        ({"verb": {"id": "http://x.org/v", "display": {"not a tag!": "x"}}}, "verb.display"),
        ({"object": {"id": "http://x.org/a", "extra": 1}}, "object.extra"),
        ({"surprise": True}, "surprise"),
        ({"id": "not-a-uuid"}, "id"),
        ({"timestamp": "yesterday"}, "timestamp"),
        ({"timestamp": "2024-01-01T00:00:00-00:00"}, "timestamp"),
        ({"timestamp": "2024-01-01T00:00:00-0000"}, "timestamp"),
        ({"timestamp": "2008-09-15T15:53:00.601-00"}, "timestamp"),
        ({"result": {"duration": "10 minutes"}}, "result.duration"),
        ({"result": {"score": {"scaled": 1.5}}}, "result.score"),
        ({"result": {"score": {"raw": 11, "min": 0, "max": 10}}}, "result.score"),
        ({"result": {"success": "yes"}}, "result.success"),
        ({"result": {"extensions": {"notaniri": 1}}}, "result.extensions"),
        ({"context": {"registration": "nope"}}, "context.registration"),
        (
            {"context": {"contextActivities": {"parent": [{"id": "x"}]}}},
            "context.contextActivities.parent[0].id",
        ),
        ({"object": {"objectType": "Thing", "id": "http://x.org"}}, "object"),
        ({"verb": None}, "verb"),
        ({"version": "0.95"}, ""),
    ],
)
def test_invalid_fields_are_rejected_with_their_path(changes, path):
    assert path in paths_of(statement(**changes))


def test_missing_required_property_is_named():
    data = statement()
    del data["verb"]
    assert paths_of(data) == ["verb"]


def test_null_values_are_rejected():
    """2.2 Formatting: properties that are present must have a value."""
    assert paths_of(statement(result={"success": None})) == ["result.success"]


def test_substatement_cannot_contain_substatement():
    """4.1.4.3: "A SubStatement MUST NOT contain a SubStatement of its own"."""
    sub = {
        "objectType": "SubStatement",
        "actor": ACTOR,
        "verb": VERB,
        "object": {"objectType": "SubStatement", "actor": ACTOR, "verb": VERB, "object": ACTIVITY},
    }
    assert paths_of(statement(object=sub)) == ["object.object"]


def test_substatement_may_not_have_an_id():
    sub = {
        "objectType": "SubStatement",
        "actor": ACTOR,
        "verb": VERB,
        "object": ACTIVITY,
        "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
    }
    assert paths_of(statement(object=sub)) == ["object.id"]


def test_revision_is_only_allowed_for_activity_objects():
    """4.1.6: revision "MUST only be used if the Statement's Object is an Activity"."""
    data = statement(
        object={"objectType": "Agent", "mbox": "mailto:a@b.org"}, context={"revision": "2"}
    )
    assert paths_of(data) == [""]


def test_voiding_statement_object_must_be_a_statement_ref():
    """2.3.2: a voiding statement's object MUST be a StatementRef."""
    assert paths_of(statement(verb={"id": "http://adlnet.gov/expapi/verbs/voided"})) == [""]


@pytest.mark.parametrize(
    ("definition", "ok"),
    [
        (
            {
                "interactionType": "choice",
                "choices": [{"id": "a"}, {"id": "b"}],
                "correctResponsesPattern": ["a"],
            },
            True,
        ),
        ({"interactionType": "matching", "source": [{"id": "a"}], "target": [{"id": "1"}]}, True),
        ({"interactionType": "likert", "scale": [{"id": "1"}]}, True),
        ({"interactionType": "true-false", "choices": [{"id": "a"}]}, False),
        ({"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]}, False),
        ({"interactionType": "essay"}, False),
        ({"choices": [{"id": "a"}]}, False),
    ],
)
def test_interaction_definitions_follow_their_type(definition, ok):
    data = statement(object={"id": "http://x.org/q", "definition": definition})
    if ok:
        statement_validate(data)
    else:
        assert paths_of(data)[0].startswith("object.definition")


def test_context_activities_accept_a_single_object():
    """4.1.6.2: each contextActivities value is an Activity or an array of them."""
    model = statement_validate(statement(context={"contextActivities": {"parent": ACTIVITY}}))
    assert model.context.contextActivities.parent[0].id == ACTIVITY["id"]


def test_context_agents_need_version_2():
    ctx = {"contextAgents": [{"objectType": "contextAgent", "agent": {"mbox": "mailto:a@b.org"}}]}
    statement_validate(statement(context=ctx), version="2.0.0")
    assert paths_of(statement(context=ctx), version="1.0.3") == ["context"]


@pytest.mark.parametrize(
    ("key", "item"),
    [
        ("contextAgents", {"objectType": "contextAgent", "agent": {"mbox": "mailto:a@b.org"}}),
        (
            "contextGroups",
            {
                "objectType": "contextGroup",
                "group": {"objectType": "Group", "member": [{"mbox": "mailto:a@b.org"}]},
            },
        ),
    ],
)
def test_relevant_types_when_given_are_not_empty(key, item):
    """2.0.0 4.2.2.6: relevantTypes is "a collection of 1 or more Relevant Type(s)" (the ADL
    conformance suite: "rejects statement if relevantTypes is empty")."""
    with_types = {**item, "relevantTypes": ["http://example.org/types/coach"]}
    statement_validate(statement(context={key: [with_types]}))
    assert paths_of(statement(context={key: [{**item, "relevantTypes": []}]})) == [
        f"context.{key}[0].relevantTypes"
    ]


def test_attachment_metadata_is_checked():
    attachment = {
        "usageType": "http://adlnet.gov/expapi/attachments/signature",
        "display": {"en-US": "Signature"},
        "contentType": "text/plain",
        "length": 3,
        "sha2": "b" * 64,
    }
    statement_validate(statement(attachments=[attachment]))
    assert paths_of(statement(attachments=[{**attachment, "sha2": "zz"}])) == [
        "attachments[0].sha2"
    ]


def test_batch_errors_start_with_the_statement_index():
    with pytest.raises(StatementValidationError) as info:
        statements_validate([statement(), statement(verb={"id": "bad"})])
    assert info.value.paths == ["[1].verb.id"]


def test_validation_error_is_a_value_error():
    assert issubclass(StatementValidationError, ValueError)


AGENT_B = {"objectType": "Agent", "account": {"homePage": "http://x.org", "name": "app"}}


@pytest.mark.parametrize(
    "authority",
    [
        {"objectType": "Group", "mbox": "mailto:g@example.org", "member": [ACTOR, AGENT_B]},
        {"objectType": "Group", "openid": "http://example.org/group"},
        {"objectType": "Group", "member": [ACTOR]},
        {"objectType": "Group", "member": [ACTOR, AGENT_B, {"mbox": "mailto:third@x.org"}]},
    ],
)
def test_an_authority_group_is_anonymous_with_two_agents(authority):
    """4.1.9: authority "MUST be an Agent, except in 3-legged OAuth, where it MUST be a Group
    with two Agents"."""
    assert "authority" in paths_of(statement(authority=authority))


@pytest.mark.parametrize("authority", [ACTOR, {"objectType": "Group", "member": [ACTOR, AGENT_B]}])
def test_an_agent_or_an_oauth_pair_is_a_valid_authority(authority):
    statement_validate(statement(authority=authority), version="2.0.0")


@pytest.mark.parametrize(
    "tag",
    [
        "en-GB",
        "cy",
        "es-419",
        "zh-Hant",
        "zh-cmn-Hans-CN",
        "sl-rozaj-biske",
        "de-CH-1901",
        "az-Arab-x-AZE-derbend",
        "en-US-x-twain",
        "x-whatever",
        "i-enochian",
        "sgn-BE-FR",
        "en-a-bbb-x-a-ccc",
    ],
)
def test_well_formed_language_tags_are_accepted(tag):
    """RFC 5646 2.1: language, script, region, variants, extensions, private use; and the
    grandfathered tags."""
    assert language_tag_valid(tag)
    statement_validate(statement(verb={**VERB, "display": {tag: "completed"}}))


@pytest.mark.parametrize(
    "tag",
    [
        "de-419-DE",  # two regions
        "a-DE",  # a one-letter language
        "ar-a-aaa-b-bbb-a-ccc",  # the extension singleton "a" twice
        "de-DE-1901-1901",  # a variant twice
        "en--GB",
        "en-",
        "english-language-tag",
    ],
)
def test_malformed_language_tags_are_refused(tag):
    """RFC 5646 2.2.9: a tag whose subtags are out of order, or repeat a variant or an
    extension, is not well-formed (XAPI-00013)."""
    assert not language_tag_valid(tag)
    assert paths_of(statement(verb={**VERB, "display": {tag: "completed"}})) == ["verb.display"]


def test_an_empty_language_map_is_refused():
    """4.2.7: a language map gives the text in at least one language."""
    assert paths_of(statement(verb={**VERB, "display": {}})) == ["verb.display"]
    activity = {**ACTIVITY, "definition": {"name": {}}}
    assert paths_of(statement(object=activity)) == ["object.definition.name"]


def test_empty_context_activities_are_refused():
    """4.1.6.2: contextActivities holds at least one of parent, grouping, category, other."""
    assert paths_of(statement(context={"contextActivities": {}})) == ["context.contextActivities"]
    statement_validate(statement(context={"contextActivities": {"other": []}}))


@pytest.mark.parametrize("content_type", ["should fail", "", "text", "/plain"])
def test_an_attachment_content_type_is_a_media_type(content_type):
    """4.1.11: contentType is an Internet Media Type (XAPI-00105)."""
    attachment = {
        "usageType": "http://example.com/attachment-usage/test",
        "display": {"en-US": "A test attachment"},
        "contentType": content_type,
        "length": 27,
        "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
        "fileUrl": "http://over.there.com/file.txt",
    }
    assert paths_of(statement(attachments=[attachment])) == ["attachments[0].contentType"]
    attachment["contentType"] = "text/plain; charset=ascii"
    statement_validate(statement(attachments=[attachment]))


def test_an_attachment_length_is_not_negative():
    """4.1.11: length is the attachment's size in octets."""
    attachment = {
        "usageType": "http://example.com/attachment-usage/test",
        "display": {"en-US": "A test attachment"},
        "contentType": "text/plain",
        "length": -1,
        "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
        "fileUrl": "http://over.there.com/file.txt",
    }
    assert paths_of(statement(attachments=[attachment])) == ["attachments[0].length"]


@pytest.mark.parametrize(
    "value",
    [
        "{c1dd5a3c-bb48-4b4f-9c2f-2a1a2d9d0c30}",
        "urn:uuid:c1dd5a3c-bb48-4b4f-9c2f-2a1a2d9d0c30",
        "c1dd5a3cbb484b4f9c2f2a1a2d9d0c30",
    ],
)
def test_uuids_are_in_their_standard_form(value):
    """4.5: "All UUID types are in standard String form"."""
    assert paths_of(statement(id=value)) == ["id"]
    assert paths_of(statement(context={"registration": value})) == ["context.registration"]
    model = statement_validate(statement(id="C1DD5A3C-BB48-4B4F-9C2F-2A1A2D9D0C30"))
    assert model.id == "c1dd5a3c-bb48-4b4f-9c2f-2a1a2d9d0c30"


def test_a_2_0_statement_needs_a_2_0_request():
    """1.0.3 Part Two 4.1.10: a 1.0 request's statements are version 1.0.x (XAPI-00101)."""
    assert paths_of(statement(version="2.0.0"), version="1.0.3") == ["version"]
    statement_validate(statement(version="2.0.0"), version="2.0.0")
    statement_validate(statement(version="1.0.3"), version="2.0.0")


@pytest.mark.parametrize("duration", ["P1W2D", "P1Y1W", "P1WT1H", "P2W1D"])
def test_weeks_combined_with_other_units_is_an_invalid_duration(duration):
    """2.0.0 Part Two 4.6: durations in the format of ISO 8601:2004(E) 4.4.3.2, which is
    PnnYnnMnnDTnnHnnMnnS or PnnW: weeks stand alone."""
    assert "result.duration" in paths_of(statement(result={"duration": duration}))


@pytest.mark.parametrize("duration", ["P1.5Y2M", "P0.5DT1H", "PT1.5H30M", "PT1.5M2.5S"])
def test_a_fraction_before_the_last_unit_is_an_invalid_duration(duration):
    """ISO 8601:2004(E) 4.4.3.2, the format 2.0.0 Part Two 4.6 (1.0.3 4.6) requires: "the
    lowest order components may have a decimal fraction", and only they: a year and a half
    and two months is P1Y8M, never P1.5Y2M."""
    assert "result.duration" in paths_of(statement(result={"duration": duration}))


@pytest.mark.parametrize(
    "duration", ["P1W", "P0.5W", "P1Y2M3DT4H5M6.7S", "PT0S", "P3D", "P1.5Y", "PT1H0.5M"]
)
def test_durations_in_either_iso_8601_format_are_valid(duration):
    statement_validate(statement(result={"duration": duration}), version="2.0.0")


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"verb": {**VERB, "id": VERB["id"] + "\n"}}, "verb.id"),
        ({"result": {"duration": "PT1S\n"}}, "result.duration"),
        ({"context": {"language": "en-GB\n"}}, "context.language"),
        ({"object": {**ACTIVITY, "id": ACTIVITY["id"] + "\n"}}, "object.id"),
    ],
)
def test_a_value_ending_in_a_newline_is_invalid(changes, path):
    """A trailing newline makes an IRI another IRI and a duration no ISO 8601 duration: a
    pattern's end must be the value's end (Python's $ also matches before a final newline)."""
    assert path in paths_of(statement(**changes))
