"""System checks for `check --deploy`: the site's address is an HTTPS one the site answers
to, the web processes share a cache, and emails come from a real mail domain."""

from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.http.request import validate_host


@checks.register(checks.Tags.security, deploy=True)
def site_url_check(app_configs=None, **kwargs):
    # Every email's link (a lead's first sign-in, a password reset) starts with SITE_URL, and
    # so do the activity ids of every learning record, which cannot change afterwards.
    if urlsplit(settings.SITE_URL).scheme == "https":
        return []
    return [
        checks.Warning(
            f"SITE_URL ({settings.SITE_URL}) is not an https:// address: the links in "
            "emails, password resets among them, would be sent over plain HTTP, and learning "
            "records would name their activities by it for good.",
            hint="Set SITE_URL to the site's https:// address before any statements are "
            "recorded (docs/deploying.md).",
            id="schools.W001",
        )
    ]


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_check(app_configs=None, **kwargs):
    # Limits kept in the cache (one password-reset email per address every few minutes)
    # hold across the web processes only if they share it.
    backend = settings.CACHES["default"]["BACKEND"]
    if not backend.endswith("LocMemCache"):
        return []
    return [
        checks.Warning(
            "The cache is each web process's own memory (REDIS_URL is not set): the limit "
            "of one password-reset email per address every five minutes counts per "
            "process, so each gunicorn worker can send one.",
            hint="Set REDIS_URL to the Redis server the web processes share (docs/deploying.md).",
            id="schools.W002",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def site_host_allowed_check(app_configs=None, **kwargs):
    # Django answers "Bad Request (400)" to a request for a host not in ALLOWED_HOSTS: if
    # SITE_URL's is not, no page of the site opens (and no email's link does).
    host = urlsplit(settings.SITE_URL).hostname
    if not host or validate_host(host, settings.ALLOWED_HOSTS):
        return []
    return [
        checks.Warning(
            f"SITE_URL's host {host} is not in ALLOWED_HOSTS, so every page of the site "
            "answers Bad Request (400).",
            hint="Add it to ALLOWED_HOSTS, with the H5P content host (docs/deploying.md).",
            id="schools.W003",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def sender_domain_check(app_configs=None, **kwargs):
    # Left unset, every email (a lead's first sign-in, a password reset, the reminders) goes
    # from no-reply@localhost: schools' mail servers reject such a sender or file it as spam.
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    domain = address.rpartition("@")[2].rstrip(".").lower()
    if "." in domain and domain != "localhost" and not domain.endswith(".localhost"):
        return []
    return [
        checks.Warning(
            f"DEFAULT_FROM_EMAIL ({settings.DEFAULT_FROM_EMAIL}) is not an address at a real "
            "mail domain: schools' mail servers reject or file as spam the emails it sends, "
            "password resets and reminders among them.",
            hint="Set DEFAULT_FROM_EMAIL to an address the mail server may send from, in "
            "single quotes if it has a name (docs/deploying.md).",
            id="schools.W004",
        )
    ]
