"""Documents editors upload (Settings -> Documents) are for the site's signed-in people: a
handout for a staff CPD module must not be readable by anyone who is sent its link."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model


@pytest.fixture
def document(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    Document = get_document_model()
    doc = Document(title="CPD handout")
    doc.file.save("cpd-handout.txt", ContentFile(b"Staff-only CPD handout text"), save=False)
    doc.save()
    return doc


def test_document_is_not_served_to_someone_not_signed_in(client, document):
    response = client.get(document.url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert b"Staff-only CPD handout text" not in b"".join(response)


@pytest.mark.parametrize("person", ["pupil", "teacher"])
def test_document_is_served_to_a_signed_in_learner(client, document, person, request):
    client.force_login(request.getfixturevalue(person))

    response = client.get(document.url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Staff-only CPD handout text"
