"""Settings shared by every environment.

Secrets and integrations come from environment variables; nothing secret lives in code.
`DATABASE_URL` picks the database (SQLite when unset) and `REDIS_URL` switches the cache
to Redis.
"""

import os
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


# A value the settings cannot read stops the site with the variable's name, rather than
# meaning "no" (TLS or the HTTPS redirect silently off) or failing with Python's own words.
# An empty value (`EMAIL_USE_TLS=` in the environment file) means the default.
def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name} must be true or false (or yes/no, on/off, 1/0), not {os.environ[name]!r}."
    )


def env_int(name: str, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {os.environ[name]!r}."
        ) from None
    # Below its range a number does not fail by itself: it means something else, such as a
    # sign-in that ends only when the browser closes (0 minutes).
    if minimum is not None and maximum is not None and not minimum <= number <= maximum:
        raise ImproperlyConfigured(f"{name} must be from {minimum} to {maximum}, not {number}.")
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be {minimum} or more, not {number}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name} must be {maximum} or less, not {number}.")
    return number


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A load balancer asks for the health check over plain HTTP, behind the TLS it ends; it
# would take production's redirect to HTTPS (SECURE_SSL_REDIRECT) for a failure.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# The public address of the site. It is the xAPI `account.homePage` of every learner and the
# base of every activity IRI, so it must not change once statements have been recorded.
# An empty value means the default, as elsewhere here: used as it was, the links in emails had
# no host and no statement could be valid xAPI. (Production requires a value.)
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/") or "http://localhost:8000"

# Where the PDFs' font lives: DejaVu Sans, from Debian's fonts-dejavu-core. It has the letters
# of Welsh and Polish names (ŵ, ŷ, ł) that PDF's built-in Helvetica lacks.
PDF_FONT_DIR = os.environ.get("PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu")
# Fonts (regular, bold) for the words DejaVu Sans has no letters for, tried in turn: Arabic
# script with Urdu's letters (Debian's fonts-hosny-amiri), then Chinese, Japanese and Korean
# (fonts-droid-fallback, one weight).
PDF_FALLBACK_FONTS = [
    (
        "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf",
        "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Bold.ttf",
    ),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",) * 2,
]

# How long the retention command (purge_records) keeps what belongs to no school: the sign-ins
# and trial plays of editors and administrators, and statements from site-wide LRS clients.
# Schools set their own period (School.retention_months); this is its default, seven years.
RETENTION_MONTHS_WITHOUT_SCHOOL = env_int("RETENTION_MONTHS_WITHOUT_SCHOOL", 84, minimum=0)
# The hour (0 to 23, the site's time zone) of the daily reminder emails (records/tasks.py).
RECORDS_REMINDERS_HOUR = env_int("RECORDS_REMINDERS_HOUR", 7)
if not 0 <= RECORDS_REMINDERS_HOUR <= 23:
    raise ImproperlyConfigured(
        f"RECORDS_REMINDERS_HOUR must be an hour from 0 to 23, not {RECORDS_REMINDERS_HOUR}."
    )
# How long the database's task queue keeps a task after it finished (or failed): the emails
# sent from a request wait there with the address, the name and a password reset link.
# Deleted by the daily reminders run and by purge_records; tasks waiting to run always stay.
# At most a hundred years: a count past the calendar (meant as "for ever") made every run
# fail before it deleted anything.
TASK_RESULTS_KEEP_DAYS = env_int("TASK_RESULTS_KEEP_DAYS", 7, minimum=0, maximum=36_500)
# The LRS's X-Experience-API-Consistent-Through is this long before now: longer than any
# write of statements takes from being stamped `stored` to committing (the web server's
# request timeout bounds it; xapi.lrs.http.consistent_through_now). A write that outlasts it is
# refused (xapi.services), so at 0 every learning event would be. At most a day: no write
# waits that long, and one past the calendar (now less it before the year 1) would make
# every answer of the LRS a server error.
XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS = env_int(
    "XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS", 120, minimum=1, maximum=86_400
)
# What a learner's browser may keep in the LRS (state and agent profile documents about the
# learner, xapi.services.document_save): without a cap one pupil's session could fill the
# database a request at a time. Content that saves its state keeps a few kilobytes per
# activity; tools with an administrator's credentials are not capped. At 0 (or below) every
# document would be refused, the first one too, so no content could keep a learner's place.
XAPI_LEARNER_DOCUMENTS_MAX = env_int("XAPI_LEARNER_DOCUMENTS_MAX", 2000, minimum=1)
XAPI_LEARNER_DOCUMENT_BYTES_MAX = env_int("XAPI_LEARNER_DOCUMENT_BYTES_MAX", 20_000_000, minimum=1)

INSTALLED_APPS = [
    # Upstander
    "schools",
    "courses",
    "scenarios",
    "assessments",
    "h5p",
    "xapi",
    "records",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "config.apps.WagtailUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Third party
    "axes",
    "django_tasks",
    "django_tasks_db",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Only the site's own scripts run on its pages (config/content_security_policy.py). Before
    # the next: the 400 page for a host the site does not answer to gets the policy too.
    "config.content_security_policy.ContentSecurityPolicyMiddleware",
    # Routes requests for H5P_CONTENT_ORIGIN to the content-only URLs (h5p/content_urls.py).
    "h5p.middleware.ContentOriginMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Ends a sign-in after a while without a request (schools/sessions.py).
    "schools.sessions.IdleSignOutMiddleware",
    # Pages for someone signed in are not kept by the browser (shared devices: the Back button).
    "schools.sessions.SignedInPagesNotStoredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A learning event whose write took too long is a 503 saying so, never a 500.
    "xapi.middleware.StatementWriteTooLateMiddleware",
    # Axes must come last: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "schools.context_processors.people",
            ],
        },
    },
    # Jinja2, for templates rendered on a hot path (config/jinja2.py): the scenario player.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "config.jinja2.environment"},
    },
]

# Empty (`DATABASE_URL=`) means the default too, as dj-database-url on its own made it no
# database at all. One it cannot read stops the site naming the variable, but not quoting it:
# the address holds the database's password, and the error may be mailed by cron.
# (Not a setting of its own: Django's error reports hide a password in DATABASES, not there.)
try:
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0),
        )
    }
except ValueError:
    raise ImproperlyConfigured(
        "DATABASE_URL must be a database address such as "
        "postgres://upstander:PASSWORD@db.example.net:5432/upstander, with any of @ : / # ? "
        "in the password written as %40 %3A %2F %23 %3F (docs/deploying.md)."
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web server use the file at the same time, and
    # IMMEDIATE transactions turn write contention into waiting rather than errors.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # SQLite cannot make NULLs equal in a unique constraint (xapi.Document's school, for a
    # trust-wide document). Documents are written in a transaction that reads first, and
    # IMMEDIATE transactions take the write lock before that read, so two writers of the
    # same document still cannot both insert it. PostgreSQL enforces the constraint itself.
    SILENCED_SYSTEM_CHECKS = ["models.W047"]
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: PostgreSQL compiles a query whose estimated cost passes jit_above_cost, each
    # time it runs, and a generic plan's estimates are guesses. The site's queries are
    # short; compiling the recording statement's took some 0.75 s a scenario step.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "options": "-c plan_cache_mode=force_generic_plan -c jit=off",
            "prepare_threshold": 2**31 - 1,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
# Redis's client reads the address only at the cache's first use, so one without its scheme
# would pass every check and then make each page that uses the cache a server error.
if REDIS_URL and not REDIS_URL.lower().startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        "REDIS_URL must start with redis://, rediss:// or unix://, such as "
        f"redis://127.0.0.1:6379/0, not {os.environ['REDIS_URL']!r}."
    )
if REDIS_URL:
    CACHES = {
        "default": {
            # While Redis is down the site carries on as with an empty cache (config/cache.py),
            # and a host that does not answer holds a request up for a second at most.
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
    }
}

AUTH_USER_MODEL = "schools.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "schools.backends.AnyCaseUsernameBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    # Generated first passwords only; upgraded to PBKDF2 at the pupil's first sign-in.
    "schools.hashers.GeneratedPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A sign-in ends after this long without a request: pupils share devices in school
# (schools/sessions.py). At most a hundred years: past the calendar (meant as "never") no
# sign-in could be given an expiry date, and every signed-in request was a server error.
PUPIL_IDLE_MINUTES = env_int("PUPIL_IDLE_MINUTES", 30, minimum=1, maximum=52_560_000)
STAFF_IDLE_MINUTES = env_int("STAFF_IDLE_MINUTES", 240, minimum=1, maximum=52_560_000)

# Brute-force protection on sign-in: five failures lock that username from that address for
# 15 minutes; failing again while locked does not make it longer (or anyone could keep a
# pupil locked out with a guess every few minutes).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The address is the client's: behind TRUSTED_PROXIES reverse proxies (nginx in front: 1),
# the one the nearest proxy saw (schools.backends.client_address). Otherwise every sign-in
# would come from the proxy, and anyone anywhere could lock out a username. Below 0 would
# silently mean none, so it stops the site.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "schools.backends.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Failures count against the username in lower case, as sign-in ignores its case.
AXES_USERNAME_CALLABLE = "schools.backends.username_for_lockout"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English"))]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# An editor's choice of time zone on their admin account page. Wagtail offers every name in
# the server's zone database, which on Debian includes "localtime" (the server's own clock,
# which browsers reject, and so break the page's script) and old aliases such as "GB" or
# "Factory". Offer the real place names (Area/Location, as browsers list them) and UTC.
WAGTAIL_USER_TIME_ZONES = sorted(
    zone
    for zone in zoneinfo.available_timezones()
    if zone == "UTC" or ("/" in zone and not zone.startswith(("Etc/", "SystemV/")))
)

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", "").strip() or BASE_DIR / "media")
NODE_MODULES_DIR = BASE_DIR / "node_modules"

# H5P library JavaScript is arbitrary code, so H5P content and its embed page are served only
# from this separate origin, never from SITE_URL. Use a different host name from the site's:
# cookies are shared between ports of one host, not between hosts. `make run` serves it on a
# second port. Its host must also be in ALLOWED_HOSTS. See docs/h5p.md.
H5P_CONTENT_ORIGIN = (
    os.environ.get("H5P_CONTENT_ORIGIN", "").strip().rstrip("/") or "http://127.0.0.1:8001"
)
# Extracted packages; outside MEDIA_ROOT so the site origin never serves them.
H5P_ROOT = Path(os.environ.get("H5P_ROOT", "").strip() or BASE_DIR / "h5p-packages")
H5P_PLAYER_DIR = NODE_MODULES_DIR / "h5p-standalone" / "dist"

# Here too an empty value (`EMAIL_BACKEND=`) means the default: an empty backend failed every
# email in the task worker, an empty sender gave them a blank From line, and an empty folder
# (above) meant the working directory.
EMAIL_BACKEND = (
    os.environ.get("EMAIL_BACKEND", "").strip() or "django.core.mail.backends.smtp.EmailBackend"
)
DEFAULT_FROM_EMAIL = (
    os.environ.get("DEFAULT_FROM_EMAIL", "").strip() or "Upstander <no-reply@localhost>"
)
# Seconds to wait for the mail server before giving up on an email (it is tried again: the
# next reminders run, or the lead is told it could not be sent). Without it, a server that
# accepts the connection and never answers holds a page or the task worker for ever. At most
# an hour: one too long for Python's sockets (meant as "wait for ever") failed every email.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1, maximum=3600)

WAGTAIL_SITE_NAME = "Upstander"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
# A document in a collection whose Privacy is a shared password asks for it on a page of the
# site (its header, with "Sign out"), not on Wagtail's bare page.
WAGTAILDOCS_PASSWORD_REQUIRED_TEMPLATE = "courses/document_password_required.html"  # noqa: S105
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_I18N_ENABLED = False
# Everyone signs in through the site's own page, editors and administrators too, so the same
# rules apply to every sign-in: the pause after failed attempts, and the sign-out after a
# while without a request (schools/sessions.py). Wagtail's own page, whose "Remember me"
# kept an administrator signed in for two weeks, redirects there (config/urls.py).
WAGTAILADMIN_LOGIN_URL = "login"
# Likewise for a page or collection whose Privacy asks for sign-in; Wagtail's own bare
# sign-in page (/_util/login/) redirects there too (config/urls.py).
WAGTAIL_FRONTEND_LOGIN_URL = "login"
# Staff reset a forgotten password from the site's sign-in page (schools.forms); the admin's
# own reset pages, which built links from the request's host, are turned off.
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Account -> Password is our own panel (schools.admin_views.PausedChangePasswordPanel), paused
# after wrong old passwords as signing in is; this turns off Wagtail's, which was not.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
# Account -> Email is our own panel too (schools.admin_views.PausedEmailChangePanel), asking
# for one's password: the address is where a password reset goes. This takes the email field
# out of Wagtail's "Name and Email", which changed it without.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
# No Gravatar: the admin would send a hash of every staff member's email address to
# gravatar.com on each page, and school networks often block it (a broken image). Wagtail shows
# its own default avatar, or the one a user uploads in their account.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# No update check: Wagtail's dashboard would make every superuser's browser call
# releases.wagtail.org. Whoever runs the installation upgrades it (docs/deploying.md), and
# school networks often block or log the call.
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Read in any case (`LOG_LEVEL=warning`). Given to Python's logging as it was, a level in
# lower case or unknown to it stopped the site with "Unable to configure root logger".
LOG_LEVEL = os.environ.get("LOG_LEVEL", "").strip().upper() or "INFO"
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {os.environ['LOG_LEVEL']!r}."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
