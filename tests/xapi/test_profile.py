"""Our xAPI profile document is published at its stable IRI."""

import pytest

from xapi.statements.profile import profile_iri

pytestmark = pytest.mark.django_db


def test_profile_document_is_served_as_json_ld_at_its_iri(client):
    response = client.get("/xapi/profile/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    document = response.json()
    assert document["id"] == profile_iri() == "http://testserver/xapi/profile/"
    assert document["type"] == "Profile"
    kinds = {concept["type"] for concept in document["concepts"]}
    assert {"Verb", "ActivityType", "ResultExtension"} <= kinds
