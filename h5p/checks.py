"""System checks: the H5P content origin must really be separate from the site."""

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
