"""Refusals of malformed query parameters on the Statement Resource (xAPI 1.0.3 Part Three
2.1.3; 2.0.0 Part Three 4.1.6.1). Every refusal is a 4xx a tool can read: JSON with a
reason, the X-Experience-API-Version header and the CORS headers (Part Three 1.4)."""

import pytest
from django.test import override_settings

from tests.xapi.conftest import xapi_statement

pytestmark = pytest.mark.django_db

URL = "/xapi/statements"


def _assert_lrs_refusal(response):
    assert response.status_code == 400
    assert response["X-Experience-API-Version"] in ("1.0.3", "2.0.0")
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


@pytest.mark.parametrize("limit", [" 3", "3 ", "1_0", "+3", "\u0663", "\uff13"])
def test_a_limit_that_is_not_a_plain_non_negative_integer_is_400(lrs, limit):
    """2.1.3 limit: "Maximum number of Statements to return" as a non-negative integer: only
    the digits 0-9."""
    _assert_lrs_refusal(lrs.get(URL, {"limit": limit}))


@pytest.mark.parametrize("limit", ["1", "0001", "1" + "0" * 5000])
def test_a_limit_of_plain_digits_is_taken(lrs, limit):
    """Leading zeros and numbers beyond the page size are still non-negative integers."""
    lrs.post(URL, [xapi_statement(), xapi_statement()])
    response = lrs.get(URL, {"limit": limit})
    assert response.status_code == 200
    expected = 1 if limit.lstrip("0") == "1" else 2
    assert len(response.json()["statements"]) == expected


UUID_FORMS = [
    "{12345678-1234-4234-8234-123456789012}",
    "urn:uuid:12345678-1234-4234-8234-123456789012",
    "12345678123442348234123456789012",
]


@pytest.mark.parametrize("value", UUID_FORMS)
@pytest.mark.parametrize("name", ["registration", "statementId", "voidedStatementId"])
def test_a_uuid_parameter_not_in_its_standard_string_form_is_400(lrs, name, value):
    """2.0.0 Part Two 4.5: UUIDs are given "in their standard string form" (8-4-4-4-12), as a
    statement's own id must be."""
    _assert_lrs_refusal(lrs.get(URL, {name: value}))


@pytest.mark.parametrize("value", UUID_FORMS)
def test_putting_a_statement_under_a_non_standard_uuid_is_400(lrs, value):
    response = lrs.put(f"{URL}?statementId={value}", xapi_statement())
    _assert_lrs_refusal(response)


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
@pytest.mark.parametrize("refusal", ["too many fields", "too large"])
def test_an_early_refusal_answers_in_the_version_the_tool_asked_for(
    school, lrs_client_factory, version, refusal
):
    """Part Three 1.4 (2.0.0 4.1.7): the LRS answers in the version the tool speaks, as every
    other refusal does; a 1.0.3 tool told "2.0.0" may take the LRS for one it cannot use. A
    refusal made before the request is read still knows the version header."""
    lrs = lrs_client_factory(school, version=version)
    lrs.client.raise_request_exception = False
    if refusal == "too many fields":
        query = "&".join(f"verb=http://example.org/v{n}" for n in range(5))
        with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=3):
            response = lrs.get(f"{URL}?{query}")
        assert response.status_code == 400
    else:
        with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024):
            response = lrs.post(URL, [xapi_statement()] * 20)
        assert response.status_code == 413
    assert response["X-Experience-API-Version"] == version
