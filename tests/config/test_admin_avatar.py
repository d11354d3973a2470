"""The admin calls no outside service from staff browsers: no Gravatar (avatars are
Wagtail's own default), no update check."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_admin_shows_no_gravatar_for_an_editor_with_an_email(client, editor):
    editor.email = "ed.editor@school.invalid"
    editor.save()
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    assert "gravatar" not in html.lower()
    assert "default-user-avatar" in html


def test_the_admin_does_not_ask_wagtail_org_for_new_releases(client):
    """The dashboard's update check makes each superuser's browser call releases.wagtail.org;
    a school installation is upgraded by whoever runs it, not from the admin, and school
    networks often block the call."""
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="root", school=None, is_superuser=True))
    html = client.get("/admin/").content.decode()
    assert 'data-controller="w-upgrade' not in html
