"""The system checks that keep the H5P content origin separate from the site."""

import pytest

from h5p.checks import content_origin_check


def ids(settings_changes, settings):
    for name, value in settings_changes.items():
        setattr(settings, name, value)
    return [problem.id for problem in content_origin_check()]


@pytest.mark.parametrize(
    "site, content, expected",
    [
        ("http://localhost:8000", "http://127.0.0.1:8001", []),
        ("http://localhost:8000", "http://localhost:8001", ["h5p.E002"]),
        ("https://upstander.example", "https://h5p.upstander.example", ["h5p.W001"]),
        ("https://upstander.example", "h5p-content", ["h5p.E001"]),
    ],
)
def test_the_content_origin_must_be_another_host(settings, site, content, expected):
    settings.ALLOWED_HOSTS = ["*"]
    assert ids({"SITE_URL": site, "H5P_CONTENT_ORIGIN": content}, settings) == expected


@pytest.mark.parametrize(
    "content",
    [
        "https://upstander-h5p.example:443",
        "https://Upstander-H5P.example",
        "https://upstander-h5p.example/h5p",
    ],
)
def test_a_content_origin_not_written_as_browsers_write_it_is_an_error(settings, content):
    """Browsers send no default port in the Host header and name an origin in lower case
    without a path. Written otherwise, the content origin's requests were routed to the
    site (404: every H5P activity blank), or the module page's relay, comparing it with
    the origin of the player's messages, dropped every answer, while no check said so."""
    settings.ALLOWED_HOSTS = ["*"]
    changes = {"SITE_URL": "https://upstander.example", "H5P_CONTENT_ORIGIN": content}
    assert ids(changes, settings) == ["h5p.E003"]


def test_a_content_origin_on_another_port_passes(settings):
    settings.ALLOWED_HOSTS = ["*"]
    changes = {
        "SITE_URL": "https://upstander.example",
        "H5P_CONTENT_ORIGIN": "https://upstander-h5p.example:8443",
    }
    assert ids(changes, settings) == []


def test_the_content_host_must_be_allowed(settings):
    settings.ALLOWED_HOSTS = ["upstander.example"]
    changes = {"SITE_URL": "https://upstander.example", "H5P_CONTENT_ORIGIN": "https://h5p.example"}
    assert ids(changes, settings) == ["h5p.W002"]


def test_an_http_content_origin_under_an_https_site_is_warned_about(settings):
    """Browsers block an http:// frame in an https:// page (mixed content): every H5P
    activity would stay blank for pupils, and nothing they did in it would be recorded."""
    settings.ALLOWED_HOSTS = ["*"]
    changes = {
        "SITE_URL": "https://upstander.example",
        "H5P_CONTENT_ORIGIN": "http://upstander-h5p.example",
    }
    assert ids(changes, settings) == ["h5p.W003"]


def test_a_server_without_the_h5p_player_is_warned_about(settings, tmp_path):
    """`npm ci` forgotten on the server (docs/deploying.md, "Install"): the player's files
    answered 404 and every H5P activity stayed blank, while `check --deploy` saw no issue."""
    from h5p.checks import player_installed_check

    settings.H5P_PLAYER_DIR = tmp_path / "node_modules" / "h5p-standalone" / "dist"
    assert [problem.id for problem in player_installed_check()] == ["h5p.W004"]


def test_an_installed_h5p_player_passes(settings, tmp_path):
    from h5p.checks import player_installed_check

    for name in ("main.bundle.js", "frame.bundle.js"):
        (tmp_path / name).write_text("")
    settings.H5P_PLAYER_DIR = tmp_path
    assert player_installed_check() == []
