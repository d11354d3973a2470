"""What a pupil typed stays in the school's own LRS: forwarded copies leave it out.

DESIGN.md: "Pupils' free-text reflections are optional and never leave the school's
records." H5P content sends what a pupil typed in `result.response` (H5P.Blanks 1.14 joins
the words typed in its gaps with "[,]" as a `fill-in` response; an essay is `long-fill-in`)
and content may put text in result or context extensions, which the relay passes on. The
forwarding tests post to a real HTTP server (the `receiver` fixture).
"""

import json
import uuid

import pytest

from h5p.services import h5p_activity_create
from tests.h5p.conftest import module_with_h5p, upload_of
from tests.unit.h5p.packages import tiny_package
from xapi.identity import activity_iri, actor_for
from xapi.models import ForwardingTarget, Statement
from xapi.services import record

pytestmark = pytest.mark.django_db

TYPED = "my brother Sam Jones at 12 Oak Road"
TYPED_NOTE = "I told nobody because they said they'd share it"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
ANSWERED = {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}}


@pytest.fixture
def target(receiver, school):
    return ForwardingTarget.objects.create(
        name="Trust LRS", endpoint=receiver.endpoint, username="key", password="secret"
    )


@pytest.fixture
def h5p_module(settings, tmp_path, home_page):
    settings.H5P_ROOT = tmp_path / "h5p"
    settings.H5P_CONTENT_ORIGIN = "http://127.0.0.1:8001"
    activity = h5p_activity_create(upload=upload_of(tiny_package()))[0]
    return activity, module_with_h5p(home_page, activity)


def blanks_statement(iri: str) -> dict:
    """An answered statement shaped as H5P.Blanks 1.14 sends it (js/blanks.js in the
    lumi-xss-svg sample): a fill-in interaction whose response is the typed words."""
    return {
        "actor": {"name": "Someone", "mbox": "mailto:someone@example.com"},
        "verb": ANSWERED,
        "object": {
            "id": iri,
            "objectType": "Activity",
            "definition": {
                "name": {"en-US": "Fill in the missing words"},
                "description": {"en-US": "Who did you tell? __________"},
                "type": INTERACTION,
                "interactionType": "fill-in",
                "correctResponsesPattern": ["{case_matters=false}a trusted adult"],
            },
        },
        "result": {
            "score": {"min": 0, "max": 1, "raw": 0, "scaled": 0},
            "completion": True,
            "success": False,
            "response": TYPED,
            "extensions": {"https://h5p.org/x-api/typed-note": TYPED_NOTE},
        },
        "context": {
            "contextActivities": {
                "category": [{"id": "http://h5p.org/libraries/H5P.Blanks-1.14"}],
            },
            "extensions": {
                "https://h5p.org/x-api/h5p-reporting-version": "1.1.0",
                "http://h5p.org/x-api/h5p-local-content-id": 1,
            },
        },
    }


def interaction_statement(user, *, kind: str, response: str) -> dict:
    """An answered statement from a school's own xAPI tool about one interaction."""
    return {
        "id": str(uuid.uuid4()),
        "actor": actor_for(user),
        "verb": ANSWERED,
        "object": {
            "objectType": "Activity",
            "id": f"https://tool.example.org/questions/{uuid.uuid4()}",
            "definition": {"type": INTERACTION, "interactionType": kind},
        },
        "result": {"response": response},
    }


def forwarded(receiver) -> list[dict]:
    return [statement for request in receiver.requests for statement in request["body"]]


def test_words_a_pupil_typed_into_h5p_content_reach_only_the_schools_own_lrs(
    client, pupil, h5p_module, target, receiver, django_capture_on_commit_callbacks
):
    activity, module = h5p_module
    client.force_login(pupil)
    iri = activity_iri("h5p", activity.uuid)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            f"/h5p/{activity.uuid}/statements/",
            data=json.dumps({"module": module.pk, "statement": blanks_statement(iri)}),
            content_type="application/json",
        )
    assert answer.status_code == 200, answer.content

    # The answer, and the module and course it completes.
    [sent] = [s for s in forwarded(receiver) if s["object"]["id"] == iri]
    assert sent["actor"] == actor_for(pupil)
    assert "response" not in sent["result"]
    assert "extensions" not in sent["result"]
    assert TYPED not in json.dumps(sent)
    assert TYPED_NOTE not in json.dumps(sent)
    # What identifies no one still goes: the score, and H5P's number and version.
    assert sent["result"]["score"]["raw"] == 0
    assert sent["context"]["extensions"] == {"http://h5p.org/x-api/h5p-local-content-id": 1}
    # The school's own record keeps everything the pupil sent.
    kept = Statement.objects.get(statement_id=sent["id"]).data
    assert kept["result"]["response"] == TYPED
    assert kept["result"]["extensions"] == {"https://h5p.org/x-api/typed-note": TYPED_NOTE}


@pytest.mark.parametrize("kind", ["fill-in", "long-fill-in", "other", "performance", None])
def test_a_pupils_typed_response_from_a_schools_tool_is_not_forwarded(
    school, pupil, target, receiver, django_capture_on_commit_callbacks, kind
):
    statement = interaction_statement(pupil, kind=kind, response=TYPED)
    if kind is None:
        del statement["object"]["definition"]["interactionType"]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[statement], school=school)
    [sent] = forwarded(receiver)
    assert sent["id"] == statement["id"]
    assert TYPED not in json.dumps(sent)
    assert Statement.objects.get(statement_id=statement["id"]).data["result"]["response"] == TYPED


@pytest.mark.parametrize(
    ("kind", "response"),
    [
        ("choice", "option-2[,]option-4"),
        ("true-false", "false"),
        ("sequencing", "c[,]a[,]b"),
        ("matching", "ben[.]3[,]chris[.]2"),
        ("likert", "likert_3"),
    ],
)
def test_a_pupils_choice_of_options_is_still_forwarded(
    school, pupil, target, receiver, django_capture_on_commit_callbacks, kind, response
):
    """The option ids a pupil picked identify no one and are what analytics counts."""
    statement = interaction_statement(pupil, kind=kind, response=response)
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[statement], school=school)
    [sent] = forwarded(receiver)
    assert sent["result"]["response"] == response


def test_a_pupils_scenario_choice_is_forwarded_with_its_choice_and_path(
    school, pupil, target, receiver, django_capture_on_commit_callbacks
):
    from xapi.statements.builders import Activity, scenario_choice_made
    from xapi.statements.profile import type_scenario

    scenario = Activity(
        iri=activity_iri("scenario", uuid.uuid4()), type=type_scenario(), name="Group chat"
    )
    statement = scenario_choice_made(
        actor=actor_for(pupil),
        scenario=scenario,
        node_id="start",
        choice_id="tell",
        choice_label="Tell a trusted adult",
        path=["start:tell"],
        seconds_on_node=4,
        score=1,
        module=None,
        course=None,
        registration=None,
    )
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[statement], school=school)
    [sent] = forwarded(receiver)
    assert sent["result"] == statement["result"]


def test_a_staff_members_statement_is_forwarded_as_recorded(
    school, teacher, target, receiver, django_capture_on_commit_callbacks
):
    """Staff are adults doing CPD, named as the school chooses (DESIGN.md): the promise
    about typed text is the pupils'."""
    statement = interaction_statement(teacher, kind="long-fill-in", response=TYPED)
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[statement], school=school)
    [sent] = forwarded(receiver)
    assert sent["result"]["response"] == TYPED


def test_words_in_a_statement_naming_a_pupil_among_its_context_agents_stay_here_for_a_1_0_3_lrs(
    school, teacher, pupil, receiver, django_capture_on_commit_callbacks
):
    """A teacher's tool may name the pupil a note is about only in contextAgents (xAPI
    2.0.0). A target set to 1.0.3 gets the statement without its contextAgents, but it
    still named a pupil, so what was typed stays here as for any such statement."""
    ForwardingTarget.objects.create(
        name="Older LRS", endpoint=receiver.endpoint, username="key", version="1.0.3"
    )
    statement = interaction_statement(teacher, kind="long-fill-in", response=TYPED)
    statement["context"] = {
        "contextAgents": [{"objectType": "contextAgent", "agent": actor_for(pupil)}]
    }
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[statement], school=school, version="2.0.0")
    [sent] = forwarded(receiver)
    assert sent["id"] == statement["id"]
    assert "contextAgents" not in json.dumps(sent)
    assert TYPED not in json.dumps(sent)


@pytest.mark.parametrize("kind", ["staff", "pupil"])
def test_a_file_attached_to_a_pupils_statement_stays_here(
    kind, school, pupil, teacher, target, receiver, lrs, django_capture_on_commit_callbacks
):
    """A school's tool may attach a pupil's work to a statement about them (an essay, a
    reflection as a text file, a certificate with their name on it; Part Two 2.4.11). What
    the pupil wrote stays in the school's records like the words they type: the copy of a
    statement naming a pupil goes without its attachments. A member of staff's goes with
    its file, as recorded."""
    import hashlib

    from tests.xapi.test_lrs_statements import multipart

    content = f"My reflection, by a pupil of 8R. {TYPED}. {TYPED_NOTE}.".encode()
    sha2 = hashlib.sha256(content).hexdigest()
    statement = interaction_statement(
        pupil if kind == "pupil" else teacher, kind="other", response=""
    )
    del statement["result"]
    statement["attachments"] = [
        {
            "usageType": "http://id.tincanapi.com/attachment/supporting_media",
            "display": {"en-GB": "Reflection"},
            "contentType": "text/plain",
            "length": len(content),
            "sha2": sha2,
        }
    ]
    body, content_type = multipart(statement, [(content, sha2)])
    with django_capture_on_commit_callbacks(execute=True):
        response = lrs.post("/xapi/statements", body, content_type=content_type)
    assert response.status_code == 200, response.content
    [request] = receiver.requests
    [sent] = request["body"]
    if kind == "pupil":
        assert request["parts"] == {}
        assert content not in request["raw"]
        assert "attachments" not in sent
    else:
        assert request["parts"] == {sha2: ("text/plain", content)}
    # The school's own LRS keeps the statement with its attachment.
    assert Statement.objects.get().data["attachments"][0]["sha2"] == sha2


@pytest.mark.parametrize("own_object", [False, True])
def test_words_from_a_tool_that_names_the_sites_profile_are_not_forwarded(
    school, pupil, target, receiver, django_capture_on_commit_callbacks, own_object
):
    """Any tool may list the site's profile among its categories, and may name one of the
    site's own activities: only a statement the site itself vouches for keeps its response."""
    from xapi.models import LrsClient
    from xapi.statements.profile import profile_iri

    tool = LrsClient(name="Quiz tool", school=school)
    tool.issue_secret()
    tool.save()
    statement = interaction_statement(pupil, kind="fill-in", response=TYPED)
    if own_object:
        statement["object"]["id"] = activity_iri("scenario", uuid.uuid4())
    statement["context"] = {"contextActivities": {"category": [{"id": profile_iri()}]}}
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[statement], school=school, authority=tool.authority())
    [sent] = forwarded(receiver)
    assert sent["id"] == statement["id"]
    assert TYPED not in json.dumps(sent)
    assert Statement.objects.get(statement_id=statement["id"]).data["result"]["response"] == TYPED


def test_words_a_browser_sends_naming_the_sites_profile_are_not_forwarded(
    client, pupil, target, receiver, django_capture_on_commit_callbacks
):
    """A signed-in pupil's browser is vouched for as the site, but may send statements only
    about other content: listing the site's profile does not make its words option ids."""
    from xapi.statements.profile import profile_iri

    client.force_login(pupil)
    statement = interaction_statement(pupil, kind="fill-in", response=TYPED)
    statement["context"] = {"contextActivities": {"category": [{"id": profile_iri()}]}}
    token = client.get("/").cookies.get("csrftoken")
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            "/xapi/statements",
            data=json.dumps(statement),
            content_type="application/json",
            HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
            HTTP_X_CSRFTOKEN=token.value if token else "",
        )
    assert answer.status_code == 200, answer.content
    [sent] = forwarded(receiver)
    assert TYPED not in json.dumps(sent)
