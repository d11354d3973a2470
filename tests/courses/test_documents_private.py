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


@pytest.fixture
def document_with_a_password(document):
    from wagtail.models import Collection, CollectionViewRestriction

    collection = Collection.get_first_root_node().add_child(name="Handouts with a password")
    CollectionViewRestriction.objects.create(
        collection=collection,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="handout-pass",
    )
    document.collection = collection
    document.save()
    return document


def test_a_documents_password_is_asked_for_on_a_page_of_the_site(
    client, pupil, document_with_a_password
):
    """A collection's Privacy can still be a shared password. The page asking for it is one
    of the site's (its header with "Sign out", its skip link, its form layout), not Wagtail's
    bare page: on a shared device a pupil sent there could not sign out, nor get back."""
    client.force_login(pupil)

    response = client.get(document_with_a_password.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "data-sign-out" in html
    assert 'class="field__label"' in html
    assert "no-store" in response["Cache-Control"]


def test_a_wrong_password_for_a_document_is_said_on_a_page_of_the_site(
    client, pupil, document_with_a_password
):
    client.force_login(pupil)
    page = client.get(document_with_a_password.url).content.decode()
    import re

    action = re.search(r'<form[^>]*action="([^"]+)"[^>]*data-document-password', page)[1]

    response = client.post(
        action, {"password": "wrong", "return_url": document_with_a_password.url}
    )

    assert response.status_code == 200
    assert "data-sign-out" in response.content.decode()
    assert "The password you have entered is not correct" in response.content.decode()
    right = client.post(
        action, {"password": "handout-pass", "return_url": document_with_a_password.url}
    )
    assert right.status_code == 302
    served = client.get(document_with_a_password.url)
    assert b"".join(served.streaming_content) == b"Staff-only CPD handout text"
