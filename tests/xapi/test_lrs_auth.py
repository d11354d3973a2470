"""Who may use the LRS: per-client Basic credentials scoped to a school and to read/write,
or a learner's own session (xAPI 1.0.3 Part Three 4 "Authentication")."""

import json
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
