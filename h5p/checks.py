"""System checks: the H5P content origin must really be separate from the site, and the
H5P player must be installed."""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.http.request import validate_host


@checks.register(checks.Tags.security)
def content_origin_check(app_configs=None, **kwargs):
    site = urlsplit(settings.SITE_URL)
    content = urlsplit(settings.H5P_CONTENT_ORIGIN)
    problems = []
    if not content.scheme or not content.hostname:
        return [
            checks.Error(
                "H5P_CONTENT_ORIGIN must be a URL such as https://h5p.example.net.", id="h5p.E001"
            )
        ]
    # Browsers name an origin in lower case, without a path or the scheme's default port
    # (RFC 6454 §6.1), and send no default port in Host: written otherwise, requests for the
    # content are routed to the site and the relay drops every message from the player.
    default_port = {"http": 80, "https": 443}.get(content.scheme)
    try:
        port = "" if content.port in (None, default_port) else f":{content.port}"
    except ValueError:  # a port that is not a number
        port = ":?"
    as_browsers_write_it = f"{content.scheme}://{content.hostname}{port}"
    if as_browsers_write_it != settings.H5P_CONTENT_ORIGIN:
        problems.append(
            checks.Error(
                f"H5P_CONTENT_ORIGIN must be an origin as browsers write it: "
                f"{as_browsers_write_it}, not {settings.H5P_CONTENT_ORIGIN}.",
                hint="Lower case, no path, and no port when it is the scheme's default.",
                id="h5p.E003",
            )
        )
    if content.hostname == site.hostname:
        problems.append(
            checks.Error(
                "H5P_CONTENT_ORIGIN uses the site's host name; cookies are shared between ports "
                "of one host, so H5P content could see the site's cookies.",
                hint="Serve H5P content from another host name (see docs/h5p.md).",
                id="h5p.E002",
            )
        )
    elif site.hostname and content.hostname.endswith("." + site.hostname):
        problems.append(
            checks.Warning(
                "H5P_CONTENT_ORIGIN is a subdomain of the site: cookies set for the parent "
                "domain would reach H5P content.",
                hint="Prefer a separate registrable domain for H5P content.",
                id="h5p.W001",
            )
        )
    if site.scheme == "https" and content.scheme != "https":
        # Browsers refuse an http:// frame inside an https:// page (mixed content).
        problems.append(
            checks.Warning(
                "H5P_CONTENT_ORIGIN is not https:// while SITE_URL is, so browsers block the "
                "H5P player and every H5P activity stays blank.",
                hint="Serve H5P content over HTTPS too (docs/deploying.md).",
                id="h5p.W003",
            )
        )
    if not validate_host(content.hostname, settings.ALLOWED_HOSTS):
        problems.append(
            checks.Warning(
                f"H5P_CONTENT_ORIGIN's host {content.hostname} is not in ALLOWED_HOSTS, so "
                "the H5P player will not load.",
                id="h5p.W002",
            )
        )
    return problems


# The files the embed page loads from the player (h5p/content_views.py).
PLAYER_FILES = ("main.bundle.js", "frame.bundle.js")


@checks.register()
def player_installed_check(app_configs=None, **kwargs):
    player = Path(settings.H5P_PLAYER_DIR)
    missing = [name for name in PLAYER_FILES if not (player / name).is_file()]
    if not missing:
        return []
    return [
        checks.Warning(
            f"The H5P player (h5p-standalone) is not installed: {', '.join(missing)} not found "
            f"in {player}, so every H5P activity stays blank.",
            hint="Run `npm ci --ignore-scripts --no-audit --no-fund` in the project's folder "
            "(docs/deploying.md).",
            id="h5p.W004",
        )
    ]
