"""System checks for `check --deploy`: the site's address is an HTTPS one."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


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
