"""Statements from H5P content, posted by the module page's relay with the learner's session.

The server replaces the actor, adds id, timestamp, registration and context, refuses objects
that are not this activity or its sub-content, records through xapi.services.record, and the
root's answered statement with its score completes the block (and here, the module).
"""

import json
import uuid

import pytest
from django.test import Client

from h5p.services import h5p_activity_create
from records.models import Completion
from tests.h5p.conftest import module_with_h5p, upload_of
from tests.unit.h5p.packages import tiny_package
from xapi.identity import activity_iri, actor_for
from xapi.models import Statement

pytestmark = pytest.mark.django_db

ANSWERED = {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}}
INTERACTED = {
    "id": "http://adlnet.gov/expapi/verbs/interacted",
    "display": {"en-US": "interacted"},
}


@pytest.fixture
def activity(h5p_root):
    return h5p_activity_create(upload=upload_of(tiny_package()))[0]


@pytest.fixture
def module(home_page, activity):
    return module_with_h5p(home_page, activity)


def h5p_statement(iri, *, verb=ANSWERED, result=None, parent=None):
    """What H5P core sends: an anonymous actor of its own making, its object and result."""
    statement = {
        "actor": {"name": "Someone Else", "mbox": "mailto:someone@example.com"},
        "verb": verb,
        "object": {
            "id": iri,
            "objectType": "Activity",
            "definition": {
                "extensions": {"http://h5p.org/x-api/h5p-local-content-id": 1},
                "name": {"en-US": "Is this false?"},
                "interactionType": "true-false",
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                "correctResponsesPattern": ["false"],
            },
        },
        "context": {
            "contextActivities": {
                "category": [
                    {
                        "id": "http://h5p.org/libraries/H5P.TrueFalse-1.6",
                        "objectType": "Activity",
                    }
                ]
            }
        },
    }
    if parent:
        statement["context"]["contextActivities"]["parent"] = [{"id": parent}]
    if result is not None:
        statement["result"] = result
    return statement


SCORE = {
    "score": {"min": 0, "max": 1, "raw": 1, "scaled": 1},
    "completion": True,
    "success": True,
    "duration": "PT3.2S",
    "response": "false",
}


def post(client, activity, module_id, statement, **extra):
    return client.post(
        f"/h5p/{activity.uuid}/statements/",
        data=json.dumps({"module": module_id, "statement": statement, **extra}),
        content_type="application/json",
    )


def test_the_roots_answered_statement_is_recorded_as_the_learner_and_completes_the_block(
    client, pupil, activity, module
):
    client.force_login(pupil)
    iri = activity_iri("h5p", activity.uuid)
    response = post(client, activity, module.pk, h5p_statement(iri, result=SCORE))
    assert response.status_code == 200, response.content
    assert response.json()["completes"] is True

    row = Statement.objects.get(verb_iri=ANSWERED["id"])
    data = row.data
    assert data["actor"] == actor_for(pupil)
    assert "someone@example.com" not in json.dumps(data)
    assert data["object"]["id"] == iri
    assert data["result"]["score"]["scaled"] == 1
    assert data["id"] and data["timestamp"]
    context = data["context"]
    assert context["registration"]
    assert [a["id"] for a in context["contextActivities"]["parent"]] == [module.activity_iri]
    assert [a["id"] for a in context["contextActivities"]["grouping"]] == [
        module.course.activity_iri
    ]
    assert context["contextActivities"]["category"][0]["id"].startswith("http://h5p.org/")

    assert Completion.objects.filter(learner=pupil, activity_iri=iri).exists()
    # The H5P block was the module's only required activity: the module completes too.
    assert Completion.objects.filter(learner=pupil, activity_iri=module.activity_iri).exists()


def test_a_root_answer_without_completion_still_completes_when_it_has_a_score(
    client, pupil, activity, module
):
    client.force_login(pupil)
    iri = activity_iri("h5p", activity.uuid)
    result = {"score": {"min": 0, "max": 1, "raw": 0, "scaled": 0}, "success": False}
    response = post(client, activity, module.pk, h5p_statement(iri, result=result))
    assert response.json()["completes"] is True
    assert Completion.objects.get(learner=pupil, activity_iri=iri).score_scaled == 0


def test_an_interaction_is_recorded_but_completes_nothing(client, pupil, activity, module):
    client.force_login(pupil)
    iri = activity_iri("h5p", activity.uuid)
    response = post(client, activity, module.pk, h5p_statement(iri, verb=INTERACTED))
    assert response.status_code == 200
    assert response.json()["completes"] is False
    assert Statement.objects.filter(verb_iri=INTERACTED["id"]).count() == 1
    assert not Completion.objects.exists()


def test_sub_content_becomes_a_child_iri_whose_parent_is_the_activity(
    client, pupil, activity, module
):
    client.force_login(pupil)
    iri = activity_iri("h5p", activity.uuid)
    statement = h5p_statement(f"{iri}?subContentId=abc-123", result=SCORE, parent=iri)
    response = post(client, activity, module.pk, statement)
    assert response.status_code == 200
    assert response.json()["completes"] is False
    data = Statement.objects.get().data
    assert data["object"]["id"] == f"{iri}/abc-123"
    assert [a["id"] for a in data["context"]["contextActivities"]["parent"]] == [iri]
    assert not Completion.objects.filter(activity_iri=iri).exists()


@pytest.mark.parametrize(
    "object_id",
    [
        "http://testserver/xapi/activities/h5p/00000000-0000-0000-0000-000000000000",
        "http://evil.example/activity",
        "{iri}?subContentId=../../x",
        "{iri}/child",
        None,
    ],
)
def test_a_statement_about_another_activity_is_refused(client, pupil, activity, module, object_id):
    client.force_login(pupil)
    iri = activity_iri("h5p", activity.uuid)
    statement = h5p_statement(object_id and object_id.format(iri=iri), result=SCORE)
    response = post(client, activity, module.pk, statement)
    assert response.status_code == 400
    assert "not about this H5P activity" in response.json()["error"]
    assert not Statement.objects.exists()


def test_a_module_that_does_not_hold_the_activity_is_refused(client, pupil, module, h5p_root):
    other = h5p_activity_create(upload=upload_of(tiny_package(**{"content/x.txt": "x"})))[0]
    client.force_login(pupil)
    statement = h5p_statement(activity_iri("h5p", other.uuid), result=SCORE)
    response = post(client, other, module.pk, statement)
    assert response.status_code == 400
    assert "Reload the page" in response.json()["error"]
    assert not Statement.objects.exists()


def test_answers_to_an_activity_an_editor_swapped_out_tell_the_learner_to_reload(
    client, pupil, activity, module, h5p_root
):
    """The pupil's tab still plays the old activity after an editor published the module
    with another one in its H5P block: the relay shows the refusal's reason to the pupil,
    so it must say in plain words what to do, not name the module's internals."""
    other = h5p_activity_create(upload=upload_of(tiny_package(**{"content/y.txt": "y"})))[0]
    module.body = [("h5p", {"activity": other, "required": True})]
    module.save_revision().publish()
    client.force_login(pupil)
    statement = h5p_statement(activity_iri("h5p", activity.uuid), result=SCORE)
    response = post(client, activity, module.pk, statement)
    assert response.status_code == 400
    error = response.json()["error"]
    assert "changed since you opened the page" in error
    assert "Reload the page" in error
    assert not Statement.objects.exists()


def test_an_invalid_statement_is_refused_with_the_field_named(client, pupil, activity, module):
    client.force_login(pupil)
    statement = h5p_statement(activity_iri("h5p", activity.uuid), result=SCORE)
    statement["verb"] = {"id": "not an iri"}
    response = post(client, activity, module.pk, statement)
    assert response.status_code == 400
    assert "verb" in response.json()["error"]
    assert not Statement.objects.exists()


def test_a_body_that_is_not_json_is_refused(client, pupil, activity, module):
    client.force_login(pupil)
    response = client.post(
        f"/h5p/{activity.uuid}/statements/", data="{oops", content_type="application/json"
    )
    assert response.status_code == 400
    assert "not JSON" in response.json()["error"]


def test_signed_out_visitors_cannot_post_statements(client, activity, module):
    statement = h5p_statement(activity_iri("h5p", activity.uuid), result=SCORE)
    response = post(client, activity, module.pk, statement)
    # The relay's JSON request is refused with the reason, not redirected to a sign-in page.
    assert response.status_code == 403
    assert "You were signed out" in response.json()["error"]
    assert response.json()["signed_out"] is True  # so the relay keeps it for after sign-in
    assert not Statement.objects.exists()


def test_the_relay_must_send_the_csrf_token(pupil, activity, module):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pupil)
    statement = h5p_statement(activity_iri("h5p", activity.uuid), result=SCORE)
    assert post(client, activity, module.pk, statement).status_code == 403
    assert not Statement.objects.exists()


def test_a_learner_outside_the_courses_audience_is_refused(client, teacher, activity, module):
    client.force_login(teacher)
    statement = h5p_statement(activity_iri("h5p", activity.uuid), result=SCORE)
    assert post(client, activity, module.pk, statement).status_code == 403
    assert not Statement.objects.exists()


def test_the_module_page_shows_the_sandboxed_player(client, pupil, activity, module):
    client.force_login(pupil)
    html = client.get(module.url).content.decode()
    assert f'src="http://127.0.0.1:8001/embed/{activity.uuid}/"' in html
    assert 'sandbox="allow-scripts allow-same-origin"' in html
    assert "allow-top-navigation" not in html
    assert f'data-statements-url="/h5p/{activity.uuid}/statements/"' in html


STATEMENT_ID = "6f1c2a4e-8b1d-4c55-9f0e-2d7a3b9c1e42"


def test_the_relays_id_is_kept_and_a_statement_sent_again_is_stored_once(
    client, pupil, activity, module
):
    # The relay keeps a statement it could not deliver and sends it again with the same id
    # (after a sign-in, or when the connection returns): the second answer is the first's.
    client.force_login(pupil)
    iri = activity_iri("h5p", activity.uuid)
    statement = h5p_statement(iri, result=SCORE)
    first = post(client, activity, module.pk, statement, id=STATEMENT_ID)
    assert first.status_code == 200, first.content
    assert first.json() == {"id": STATEMENT_ID, "completes": True}
    again = post(client, activity, module.pk, statement, id=STATEMENT_ID)
    assert again.status_code == 200
    assert again.json() == {"id": STATEMENT_ID, "completes": True, "already_recorded": True}
    answered = Statement.objects.get(verb_iri=ANSWERED["id"])
    assert str(answered.statement_id) == STATEMENT_ID
    assert Completion.objects.filter(learner=pupil, activity_iri=iri).count() == 1

    interaction = h5p_statement(iri, verb=INTERACTED)
    other_id = "0b7e9a3c-1d2f-4e5a-8b6c-7d8e9f0a1b2c"
    assert post(client, activity, module.pk, interaction, id=other_id).json()["completes"] is False
    again = post(client, activity, module.pk, interaction, id=other_id).json()
    assert again == {"id": other_id, "completes": False, "already_recorded": True}
    assert Statement.objects.filter(verb_iri=ANSWERED["id"]).count() == 1
    assert Statement.objects.filter(verb_iri=INTERACTED["id"]).count() == 1


def test_a_statement_the_relay_kept_is_dated_when_it_happened(client, pupil, activity, module):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(pupil)
    iri = activity_iri("h5p", activity.uuid)
    before = timezone.now()
    response = post(
        client, activity, module.pk, h5p_statement(iri, result=SCORE), waited_ms=3_600_000
    )
    assert response.status_code == 200, response.content
    answered = Statement.objects.get(verb_iri=ANSWERED["id"])
    hour = timedelta(hours=1)
    assert before - hour <= answered.timestamp <= timezone.now() - hour
    assert answered.stored >= before  # stored when it arrived
    # The module it completes is dated with it, so it counts from when the pupil did it.
    completed = Completion.objects.get(learner=pupil, activity_iri=module.activity_iri)
    assert completed.completed_at == answered.timestamp


@pytest.mark.parametrize("waited", [13 * 3_600_000, 10**20])
def test_a_wait_too_long_to_believe_dates_it_on_arrival(client, pupil, activity, module, waited):
    from django.utils import timezone

    client.force_login(pupil)
    before = timezone.now()
    statement = h5p_statement(activity_iri("h5p", activity.uuid), verb=INTERACTED)
    assert post(client, activity, module.pk, statement, waited_ms=waited).status_code == 200
    assert Statement.objects.get().timestamp >= before


@pytest.mark.parametrize("waited", [-1, 1.5, "60", True, None])
def test_a_wait_that_is_not_a_number_of_milliseconds_is_refused(
    client, pupil, activity, module, waited
):
    client.force_login(pupil)
    statement = h5p_statement(activity_iri("h5p", activity.uuid), verb=INTERACTED)
    response = post(client, activity, module.pk, statement, waited_ms=waited)
    assert response.status_code == 400
    assert "waited_ms must be a whole number of milliseconds" in response.json()["error"]
    assert not Statement.objects.exists()


def test_an_id_that_is_someone_elses_statement_is_refused(
    client, pupil, klass, school, activity, module
):
    from schools.models import Membership
    from schools.roles import Role
    from tests.factories import UserFactory

    classmate = UserFactory(school=school, roles=[Role.PUPIL])
    Membership.objects.create(group=klass, user=classmate)
    iri = activity_iri("h5p", activity.uuid)
    client.force_login(classmate)
    post(client, activity, module.pk, h5p_statement(iri, result=SCORE), id=STATEMENT_ID)
    client.force_login(pupil)
    response = post(client, activity, module.pk, h5p_statement(iri, result=SCORE), id=STATEMENT_ID)
    assert response.status_code == 400
    assert "belongs to another statement" in response.json()["error"]
    assert not Statement.objects.filter(learner=pupil).exists()
    assert not Completion.objects.filter(learner=pupil).exists()


@pytest.mark.parametrize("bad_id", ["not-a-uuid", 42, ["x"]])
def test_an_id_that_is_not_a_uuid_is_refused(client, pupil, activity, module, bad_id):
    client.force_login(pupil)
    statement = h5p_statement(activity_iri("h5p", activity.uuid), result=SCORE)
    response = post(client, activity, module.pk, statement, id=bad_id)
    assert response.status_code == 400
    assert response.json()["error"] == "The statement id must be a UUID."
    assert not Statement.objects.exists()


def test_the_player_block_tells_the_relay_whose_answers_it_keeps_and_where_to_sign_in(
    client, pupil, activity, module
):
    client.force_login(pupil)
    html = client.get(module.url).content.decode()
    assert f'data-learner="{pupil.pk}"' in html
    block_id = next(child.id for child in module.body if child.block_type == "h5p")
    sign_in = f"/accounts/login/?next={module.url}%23block-{block_id}"
    assert f'data-sign-in-url="{sign_in}"' in html


@pytest.mark.parametrize("gone", ["module-unpublished", "module-number-out-of-range", "activity"])
def test_a_module_or_activity_that_is_gone_is_refused_with_a_reason(
    client, pupil, activity, module, gone
):
    """The relay keeps and resends an answer until the site takes it or refuses it with a
    reason: a bare "not found" page (or a server error) had it resent every 30 seconds for
    ever, the pupil told to check their connection."""
    client.force_login(pupil)
    statement = h5p_statement(activity_iri("h5p", activity.uuid), result=SCORE)
    module_id = 2**70 if gone == "module-number-out-of-range" else module.pk
    if gone == "module-unpublished":
        module.unpublish()
    elif gone == "activity":
        activity.delete()
    response = post(client, activity, module_id, statement)
    assert response.status_code == 404
    assert response.json()["error"]
    assert not Statement.objects.filter(verb_iri=ANSWERED["id"]).exists()


def test_an_editor_without_a_school_trying_the_activity_records_nothing(
    client, editor, activity, module
):
    """Editors and administrators belong to no school: their answers would be stored outside
    every school (and sent on to a trust-wide LRS) while their block said "completed", though
    no record could ever say so. As with quizzes, they are told it is not saved."""
    client.force_login(editor)
    statement = h5p_statement(activity_iri("h5p", activity.uuid), result=SCORE)
    response = post(client, activity, module.pk, statement)
    assert response.status_code == 403
    assert "pupils and staff of a school" in response.json()["error"]
    assert not Statement.objects.exists()


COMPLETED = {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}}


def test_content_with_nothing_to_score_completes_with_its_zero_out_of_zero(
    client, pupil, activity, module
):
    """H5P core's `setScoredResult` sends `{min: 0, max: 0, raw: 0}` for content with no
    scored tasks (an interactive video or presentation without questions), which xAPI 1.0.3
    §4.1.5.1 does not allow ("max: greater than min"). The range, which says nothing, is left
    out; the statement and its completion are kept."""
    client.force_login(pupil)
    iri = activity_iri("h5p", activity.uuid)
    result = {"score": {"min": 0, "max": 0, "raw": 0}, "completion": True}
    response = post(client, activity, module.pk, h5p_statement(iri, verb=COMPLETED, result=result))
    assert response.status_code == 200, response.content
    assert response.json()["completes"] is True
    [stored] = [row.data for row in Statement.objects.all() if row.data["object"]["id"] == iri]
    assert stored["result"]["score"] == {"raw": 0}
    assert Completion.objects.filter(learner=pupil, activity_iri=module.activity_iri).exists()


@pytest.mark.parametrize(
    "context",
    [
        {"contextActivities": ["not", "an", "object"]},
        {"contextActivities": "category"},
        {"contextActivities": {"category": 5}},
        {"contextActivities": {"category": True}},
    ],
    ids=["activities-a-list", "activities-a-string", "category-a-number", "category-true"],
)
def test_a_context_of_the_wrong_shape_is_refused_not_a_server_error(
    client, pupil, activity, module, context
):
    client.force_login(pupil)
    statement = h5p_statement(activity_iri("h5p", activity.uuid), result=SCORE)
    statement["context"] = context
    response = post(client, activity, module.pk, statement)
    assert response.status_code == 400
    assert "context" in response.json()["error"]
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    "number", ["NaN", "Infinity", "-Infinity", "1e400"], ids=["nan", "inf", "-inf", "overflow"]
)
def test_a_score_that_is_not_a_json_number_is_refused_with_400(
    client, pupil, activity, module, number
):
    """RFC 8259 JSON has no NaN or Infinity, and 1e400 is too large for a double: a
    browser's statement carrying one is refused, not left to fail when it is saved."""
    client.force_login(pupil)
    iri = activity_iri("h5p", activity.uuid)
    body = json.dumps({"module": module.pk, "statement": h5p_statement(iri, result=SCORE)})
    body = body.replace('"raw": 1', f'"raw": {number}')
    assert number in body
    response = client.post(
        f"/h5p/{activity.uuid}/statements/", data=body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "error" in response.json()
    assert not Statement.objects.exists()


def test_a_body_nested_too_deeply_to_read_is_refused_with_400(client, pupil, activity, module):
    client.force_login(pupil)
    iri = activity_iri("h5p", activity.uuid)
    statement = json.dumps(h5p_statement(iri, result=SCORE))
    nested = "[" * 100_000 + "]" * 100_000
    body = statement[:-1] + ', "extra": ' + nested + "}"
    response = client.post(
        f"/h5p/{activity.uuid}/statements/",
        data=f'{{"module": {module.pk}, "statement": {body}}}',
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert not Statement.objects.exists()


def test_a_nul_character_in_a_statement_is_refused_with_400_not_a_server_error(
    client, pupil, activity, module
):
    """PostgreSQL cannot store U+0000 in jsonb: a pupil's typed answer or an activity's text
    holding one was a server error, which the relay took for a dropped connection and sent
    again every 30 seconds for as long as the page was open."""
    client.force_login(pupil)
    answer = {**SCORE, "response": "I would tell\u0000 a trusted adult"}
    statement = h5p_statement(activity_iri("h5p", activity.uuid), result=answer)
    response = post(client, activity, module.pk, statement)
    assert response.status_code == 400, response.content
    assert "result.response" in response.json()["error"]
    assert not Statement.objects.exists()


def test_a_body_over_the_size_limit_is_refused_with_413_and_a_reason_the_relay_can_read(
    client, pupil, activity, module, settings
):
    """Django's own answer is an HTML 400 without a reason, which the relay takes for a
    passing fault and sends again every 30 seconds for ever. An H5P essay can be long."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    client.force_login(pupil)
    iri = activity_iri("h5p", activity.uuid)
    statement = h5p_statement(iri, result={**SCORE, "response": "a long essay " * 400})
    response = post(client, activity, module.pk, statement)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "too long to be saved" in response.json()["error"]
    assert not Statement.objects.exists()


def test_an_answer_whose_write_took_too_long_is_a_retryable_503_and_is_kept_when_sent_again(
    client, pupil, activity, module, settings
):
    """A write that outlasts XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS stores nothing (docs/xapi.md).
    The relay keeps a statement answered with a 5xx and sends it again with the same id, so
    the learner gets a reason, not a server error, and the answer is stored once."""
    client.force_login(pupil)
    iri = activity_iri("h5p", activity.uuid)
    statement_id = "4a3b2c1d-0000-4000-8000-000000000001"
    settings.XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS = 0  # every write now takes too long
    response = post(client, activity, module.pk, h5p_statement(iri, result=SCORE), id=statement_id)
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "not saved" in response.json()["error"]
    assert not Statement.objects.exists()

    settings.XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS = 120
    response = post(client, activity, module.pk, h5p_statement(iri, result=SCORE), id=statement_id)
    assert response.status_code == 200, response.content
    assert Statement.objects.filter(statement_id=uuid.UUID(statement_id)).count() == 1


@pytest.mark.parametrize("given", [True, False, 1.0, "1"])
def test_a_module_named_by_anything_but_a_whole_number_is_refused(
    client, pupil, activity, module, given
):
    """JSON `true` is not a page id, though Python counts a bool as an int: read as one it
    would name page 1. The relay is told what is wrong rather than that the module is gone."""
    client.force_login(pupil)
    statement = h5p_statement(activity_iri("h5p", activity.uuid), result=SCORE)
    response = post(client, activity, given, statement)
    assert response.status_code == 400
    assert "Say which module" in response.json()["error"]
    assert not Statement.objects.exists()
