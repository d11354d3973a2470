"""A load balancer asks `/health/` whether this web process can serve: it answers without a
sign-in, says nothing about the site's data, and fails when the database does not answer."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_the_health_check_answers_without_a_sign_in(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]


def test_the_health_check_fails_when_the_database_does_not_answer(client):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("connection refused by db.internal"),
    ):
        response = client.get("/health/")
    assert response.status_code == 503
    # The error's text (a host name, an address) is not shown to whoever asks.
    assert response.content == b"unavailable\n"


def test_the_health_check_is_not_sent_to_https(client):
    # A load balancer checks the web process over plain HTTP, behind the TLS it ends.
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert client.get("/health/").status_code == 200
        assert client.get("/accounts/login/").status_code == 301


def test_the_health_check_only_reads(client):
    assert client.post("/health/").status_code == 405
