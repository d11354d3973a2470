"""Production: behind TLS, PostgreSQL via DATABASE_URL, Redis via REDIS_URL."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_int

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY in the environment.")
# The base's default, http://localhost:8000, would put a link nobody can open in every email
# (the lead's first sign-in, password resets, reminders) and name every learning record's
# activities after it, which cannot be changed once statements exist.
if not os.environ.get("SITE_URL", "").strip():
    raise ImproperlyConfigured(
        "Set SITE_URL in the environment to the site's public address, such as "
        "https://upstander.school.example (docs/deploying.md)."
    )

# H5P content runs its authors' JavaScript, so it is served from a host name of its own
# (docs/h5p.md, "Isolation"). The web server runs no system checks (h5p.E002), so the site
# would start with the base's trial origin on 127.0.0.1 (every H5P activity blank) or with
# one on the site's own host name, where the site's cookies are sent.
if not os.environ.get("H5P_CONTENT_ORIGIN", "").strip():
    raise ImproperlyConfigured(
        "Set H5P_CONTENT_ORIGIN in the environment to the H5P content's own address, such as "
        "https://upstander-h5p.example.net (docs/deploying.md)."
    )
if urlsplit(H5P_CONTENT_ORIGIN).hostname == urlsplit(SITE_URL).hostname:  # noqa: F405
    raise ImproperlyConfigured(
        "H5P_CONTENT_ORIGIN must use a host name other than SITE_URL's (another port is not "
        "enough: cookies are shared between the ports of one host), see docs/h5p.md."
    )

# Each web thread keeps its database connection for a minute instead of opening one for every
# request (a few milliseconds and a new PostgreSQL process each time), and checks it before
# reusing it. PostgreSQL must allow workers x threads connections, plus the task worker's.
# DB_CONN_MAX_AGE=0 goes back to a connection per request; below 0 stops the site (Django
# would take it as 0, not as "for ever").
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60, minimum=0)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# 0 turns HSTS off (and `check --deploy` warns); below 0 browsers would ignore the header.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Joining the browsers' HSTS preload list is a lasting decision for the domain's owner, so it
# is opt-in (SECURE_HSTS_PRELOAD=true) and `check --deploy` does not warn while it is off.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = (
    os.environ.get("EMAIL_BACKEND", "").strip() or "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
# Checked here: Django's mail backend meets a port out of range only when an email is sent.
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Implicit TLS from the first byte (usually port 465), for servers that offer no STARTTLS.
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# Django's mail backend refuses the pair only when an email is sent: every email would fail
# in the task worker while the site looked fine.
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS (STARTTLS, port 587) and EMAIL_USE_SSL (implicit TLS, port 465) "
        "cannot both be true: set the one your mail server uses."
    )
