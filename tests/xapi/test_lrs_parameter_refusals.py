"""Refusals of malformed query parameters on the Statement Resource (xAPI 1.0.3 Part Three
2.1.3; 2.0.0 Part Three 4.1.6.1). Every refusal is a 4xx a tool can read: JSON with a
reason, the X-Experience-API-Version header and the CORS headers (Part Three 1.4)."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

URL = "/xapi/statements"


def _assert_lrs_refusal(response):
    assert response.status_code == 400
    assert response["X-Experience-API-Version"] == "2.0.0"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json()["error"]


def test_a_query_with_more_fields_than_the_server_reads_is_an_lrs_refusal(lrs):
    """Part Three 1.4: "Every response from the LRS" carries the version header; Django's own
    refusal of too many fields is an HTML page without it."""
    lrs.client.raise_request_exception = False
    query = "&".join(f"verb=http://example.org/v{n}" for n in range(5))
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=3):
        response = lrs.get(f"{URL}?{query}")
    _assert_lrs_refusal(response)
    assert "fields" in response.json()["error"]
