"""The admin sends nothing about staff to Gravatar: avatars are Wagtail's own default."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_admin_shows_no_gravatar_for_an_editor_with_an_email(client, editor):
    editor.email = "ed.editor@school.invalid"
    editor.save()
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    assert "gravatar" not in html.lower()
    assert "default-user-avatar" in html
