"""The site's pages carry a Content-Security-Policy (config/content_security_policy.py): only
the site's own scripts run on them, and only the H5P content origin and the video hosts may
be framed in them. The Wagtail admin, which has inline scripts of its own, gets a policy on
framing and plugins only; the H5P content origin keeps its own."""

import pytest
from django.conf import settings

from h5p.services import h5p_activity_create
from tests.h5p.conftest import module_with_h5p, upload_of
from tests.unit.h5p.packages import tiny_package

pytestmark = pytest.mark.django_db

CONTENT = {"HTTP_HOST": "127.0.0.1:8001"}


def directives(response) -> dict[str, list[str]]:
    policy = response.get("Content-Security-Policy", "")
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.fixture
def activity(settings, tmp_path):
    settings.H5P_ROOT = tmp_path / "h5p"
    settings.H5P_CONTENT_ORIGIN = "http://127.0.0.1:8001"
    return h5p_activity_create(upload=upload_of(tiny_package()))[0]


def test_a_pupils_module_page_runs_only_the_sites_own_scripts(client, pupil, home_page, activity):
    module = module_with_h5p(home_page, activity)
    client.force_login(pupil)
    response = client.get(module.url)
    assert response.status_code == 200
    policy = directives(response)
    # A script slipped into the page (an inline <script>, an onerror= attribute, a script
    # from another host) is refused by the browser.
    assert policy.get("script-src") == ["'self'"]
    assert policy.get("object-src") == ["'none'"]
    assert policy.get("base-uri") == ["'self'"]
    assert policy.get("form-action") == ["'self'"]
    # The player comes from the content origin; the video block embeds YouTube or Vimeo.
    assert settings.H5P_CONTENT_ORIGIN in policy.get("frame-src", [])
    assert "https://www.youtube.com" in policy["frame-src"]
    assert "https://player.vimeo.com" in policy["frame-src"]
    # Nothing may frame the site's pages, as X-Frame-Options already says.
    assert response["X-Frame-Options"] == "DENY"
    assert policy.get("frame-ancestors") == ["'none'"]


def test_the_sign_in_page_has_the_policy_too(client):
    policy = directives(client.get("/accounts/login/"))
    assert policy.get("script-src") == ["'self'"]
    assert policy.get("frame-ancestors") == ["'none'"]


def test_the_page_refusing_a_request_for_another_host_has_the_policy_too(client):
    """A request naming a host the site does not answer to is refused with the 400 page
    before any view runs: it was sent with no policy and no word on who may frame it."""
    response = client.get("/learning/", HTTP_HOST="not-this-site.example")
    assert response.status_code == 400
    policy = directives(response)
    assert policy.get("script-src") == ["'self'"]
    assert policy.get("frame-ancestors") == ["'none'"]


def test_the_admin_is_framed_only_by_itself_and_keeps_its_inline_scripts(client, editor):
    client.force_login(editor)
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = directives(response)
    # Wagtail's admin still writes inline scripts, so their sources are not restricted there.
    assert "script-src" not in policy
    assert "default-src" not in policy
    assert policy.get("object-src") == ["'none'"]
    assert policy.get("frame-ancestors") == ["'none'"]


def test_the_h5p_embed_page_keeps_its_own_policy(client, activity):
    response = client.get(f"/embed/{activity.uuid}/", **CONTENT)
    policy = directives(response)
    assert policy.get("frame-ancestors") == [settings.SITE_URL]
    assert "script-src" not in policy


def test_a_page_preview_may_be_framed_by_the_admin_that_shows_it(rf, editor, home_page):
    """The editor's preview panel frames the page's preview from the admin; Wagtail renders
    it through the middleware as a request for the page itself, which must still allow
    the admin to frame it (as X-Frame-Options SAMEORIGIN there says), or the panel is blank."""
    original = rf.get(f"/admin/pages/{home_page.pk}/edit/preview/?in_preview_panel=true")
    original.user = editor
    response = home_page.make_preview_request(
        original_request=original, preview_mode=home_page.default_preview_mode
    )
    policy = directives(response)
    assert policy.get("frame-ancestors") == ["'self'"]
    # Still the site's policy: only the site's own scripts run in the preview.
    assert policy.get("script-src") == ["'self'"]
