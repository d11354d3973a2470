"""Settings come from the environment, and production settings pass `check --deploy`.

Each case runs in a fresh interpreter, because settings are read once per process.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "upstander.example.org,upstander-h5p.example.net",
    "SITE_URL": "https://upstander.example.org",
    # H5P content is served from a separate origin (docs/h5p.md).
    "H5P_CONTENT_ORIGIN": "https://upstander-h5p.example.net",
    # The cache the web processes share (docs/deploying.md); nothing here connects to it.
    "REDIS_URL": "redis://cache.internal:6379/0",
    # The sender of its emails, at the school's mail domain.
    "DEFAULT_FROM_EMAIL": "Upstander <upstander@school.example.org>",
}
# The test run's own variables, not a deployment's (the browser tests set
# DJANGO_ALLOW_ASYNC_UNSAFE for Playwright).
TEST_ONLY_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run(args: list[str], *, unset: tuple[str, ...] = (), **env: str) -> subprocess.CompletedProcess:
    """Run Python in the repository with this environment plus `env`, without the test-only
    variables and without `unset` (which `make` may export, as it does SITE_URL)."""
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES and k not in unset}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settings_in(module: str, **env: str) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'],"
        " 'db_name': str(settings.DATABASES['default']['NAME']),"
        " 'cache': settings.CACHES['default']['BACKEND'],"
        " 'debug': settings.DEBUG, 'site_url': settings.SITE_URL,"
        " 'hosts': settings.ALLOWED_HOSTS,"
        " 'conn_max_age': settings.DATABASES['default']['CONN_MAX_AGE'],"
        " 'health_checks': settings.DATABASES['default']['CONN_HEALTH_CHECKS']}))"
    )
    result = run(["-c", code], DJANGO_SETTINGS_MODULE=module, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_pass_check_deploy():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_on_the_development_settings():
    # The check above can fail: the same command on the development settings does.
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="config.settings.dev",
    )
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run(["manage.py", "check"], **env)
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_without_database_url_the_database_is_sqlite():
    values = settings_in("config.settings.dev")
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db_name"].endswith("db.sqlite3")
    assert values["cache"].endswith("LocMemCache")
    assert values["debug"] is True


def test_database_url_and_redis_url_switch_to_postgresql_and_redis():
    values = settings_in(
        "config.settings.production",
        **{
            k: v
            for k, v in PRODUCTION_ENV.items()
            if k not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL"}
        },
        DATABASE_URL="postgres://app@db.internal:5432/upstander",
        REDIS_URL="redis://cache.internal:6379/1",
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["db_name"] == "upstander"
    assert values["cache"] == "config.cache.ResilientRedisCache"
    assert values["debug"] is False
    assert values["site_url"] == "https://upstander.example.org"
    assert values["hosts"] == ["upstander.example.org", "upstander-h5p.example.net"]


@pytest.mark.parametrize("given", ["", " "])
def test_an_empty_database_url_means_the_default(given):
    # `DATABASE_URL=` in the environment file stopped every command with Python's
    # "KeyError: 'ENGINE'", naming no variable.
    values = settings_in("config.settings.dev", DATABASE_URL=given)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db_name"].endswith("db.sqlite3")


@pytest.mark.parametrize(
    "address",
    [
        # Without its scheme: dj-database-url's own "Scheme 'db.internal://' is unknown".
        "db.internal:5432/upstander",
        # A password with a character a URL reserves, not percent-encoded: "This string is not
        # a valid url", naming neither the variable nor what to do.
        "postgres://upstander:s3cr/et#1@db.internal:5432/upstander",
    ],
)
def test_a_database_url_the_settings_cannot_read_stops_the_site_naming_its_variable(address):
    result = run(["manage.py", "check"], **PRODUCTION_ENV, DATABASE_URL=address)
    assert result.returncode != 0
    error = result.stderr.strip().splitlines()[-1]
    assert "DATABASE_URL" in error
    # The message may be mailed by cron or kept in a log: it does not repeat the password.
    assert "s3cr" not in result.stderr


def test_production_keeps_database_connections_unless_told_not_to():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = "postgres://app@db.internal:5432/upstander"
    values = settings_in("config.settings.production", **env)
    assert (values["conn_max_age"], values["health_checks"]) == (60, True)
    values = settings_in("config.settings.production", **env, DB_CONN_MAX_AGE="0")
    assert values["conn_max_age"] == 0
    assert settings_in("config.settings.dev")["conn_max_age"] == 0


WORKER_LOGS = (
    "import django, logging; django.setup();"
    "from django_tasks_db.management.commands.db_worker import Command;"
    "Command().configure_logging(1);"  # what `db_worker` does at its default verbosity
    "tasks = logging.getLogger('django_tasks');"
    "tasks.info('Task id=1 path=a.b state=SUCCESSFUL');"
    "tasks.error('Task id=2 path=a.b state=FAILED')"
)


def test_make_run_shows_only_the_tasks_that_fail():
    # `make run` shares its console with the task worker (bin/run-dev).
    result = run(["-c", WORKER_LOGS], DJANGO_SETTINGS_MODULE="config.settings.dev")
    assert result.returncode == 0, result.stderr
    assert "state=FAILED" in result.stderr
    assert "state=SUCCESSFUL" not in result.stderr


def test_production_logs_every_task():
    result = run(["-c", WORKER_LOGS], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "state=SUCCESSFUL" in result.stderr and "state=FAILED" in result.stderr


def test_the_development_settings_pass_the_system_checks_without_warnings():
    # `make run` runs these checks (with the database ones, as migrate does) on SQLite: it
    # should print no warning.
    result = run(
        ["manage.py", "check", "--database", "default"],
        DJANGO_SETTINGS_MODULE="config.settings.dev",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr + result.stdout


def test_a_mail_server_that_does_not_answer_is_given_up_on_not_waited_for_for_ever():
    # Without a timeout, a mail server that accepts the connection and then says nothing
    # holds the lead's "Email reminders" page, and the task worker sending reminders and
    # password links, for ever.
    code = (
        "import django; from django.conf import settings; django.setup();"
        "print(repr(settings.EMAIL_TIMEOUT))"
    )
    result = run(["-c", code], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "10"
    result = run(["-c", code], **PRODUCTION_ENV, EMAIL_TIMEOUT="30")
    assert result.stdout.strip().splitlines()[-1] == "30"


@pytest.mark.parametrize("given", ["unset", "empty"])
def test_production_refuses_to_start_without_the_site_address(given):
    # Without SITE_URL the lead's first sign-in link and every password reset would point
    # at http://localhost:8000, and every learning record would name its activities there,
    # for ever (SITE_URL cannot change once statements exist).
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SITE_URL"}
    if given == "empty":
        env["SITE_URL"] = " "
    result = run(["manage.py", "check"], unset=("SITE_URL",), **env)
    assert result.returncode != 0
    assert "Set SITE_URL" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        # A yes/no that is not understood used to mean "no": TLS to the mail server, or the
        # redirect to HTTPS, silently off.
        ("EMAIL_USE_TLS", "ture"),
        ("SECURE_SSL_REDIRECT", "enabled"),
        # A number that is not one stopped the site with Python's "invalid literal for
        # int()", naming no variable.
        ("TRUSTED_PROXIES", "one"),
        ("EMAIL_PORT", "587 # submission"),
    ],
)
def test_a_value_the_settings_cannot_read_stops_the_site_naming_its_variable(variable, value):
    result = run(["manage.py", "check"], **PRODUCTION_ENV, **{variable: value})
    assert result.returncode != 0
    error = result.stderr.strip().splitlines()[-1]
    assert variable in error and repr(value) in error


@pytest.mark.parametrize("variable", ["SECURE_SSL_REDIRECT", "TRUSTED_PROXIES", "EMAIL_PORT"])
def test_an_empty_value_in_the_environment_file_means_the_default(variable):
    # `SECURE_SSL_REDIRECT=` used to turn the redirect to HTTPS off (check --deploy's W008).
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **PRODUCTION_ENV,
        **{variable: ""},
    )
    assert result.returncode == 0, result.stderr


def test_the_reminders_hour_docs_records_names_is_set_from_the_environment():
    # docs/records.md: "`RECORDS_REMINDERS_HOUR` changes the hour"; settings come from the
    # environment, so that is where a school's server sets it.
    code = (
        "import django; django.setup();"
        "from datetime import datetime, timezone;"
        "from records.tasks import reminders_next_run_at;"
        "print(reminders_next_run_at(datetime(2026, 1, 5, 12, tzinfo=timezone.utc)).isoformat())"
    )
    result = run(["-c", code], **PRODUCTION_ENV, RECORDS_REMINDERS_HOUR="16")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2026-01-05T16:00:00+00:00"


def test_check_deploy_warns_when_the_site_address_is_not_https():
    # The links in emails (a lead's first sign-in, password resets) are built from SITE_URL:
    # over plain HTTP the link's secret crosses the network before the redirect to HTTPS.
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **{**PRODUCTION_ENV, "SITE_URL": "http://upstander.example.org"},
    )
    assert result.returncode != 0
    assert "schools.W001" in result.stderr


def test_the_mail_server_connection_can_use_implicit_tls():
    # Mail servers that take only implicit TLS (port 465) need EMAIL_USE_SSL; without a way
    # to set it, Upstander could not send through them at all.
    code = (
        "import django; from django.conf import settings; django.setup();"
        "print(settings.EMAIL_USE_SSL, settings.EMAIL_USE_TLS)"
    )
    result = run(["-c", code], **PRODUCTION_ENV, EMAIL_PORT="465", EMAIL_USE_SSL="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True False"


def test_asking_for_both_kinds_of_tls_to_the_mail_server_stops_the_site():
    # Django's mail backend refuses the pair only when an email is sent, so every email
    # failed in the task worker while the site and `check --deploy` looked fine.
    result = run(
        ["manage.py", "check"], **PRODUCTION_ENV, EMAIL_USE_TLS="true", EMAIL_USE_SSL="true"
    )
    assert result.returncode != 0
    error = result.stderr.strip().splitlines()[-1]
    assert "EMAIL_USE_TLS" in error and "EMAIL_USE_SSL" in error


def test_the_log_level_may_be_written_in_lower_case():
    # `LOG_LEVEL=warning` stopped the site (and every cron command) with Python's "Unable to
    # configure root logger", naming no variable.
    code = (
        "import django, logging; django.setup();"
        "print(logging.getLevelName(logging.getLogger().level))"
    )
    result = run(["-c", code], **PRODUCTION_ENV, LOG_LEVEL="warning")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "WARNING"


def test_a_log_level_the_settings_do_not_know_stops_the_site_naming_its_variable():
    result = run(["manage.py", "check"], **PRODUCTION_ENV, LOG_LEVEL="verbose")
    assert result.returncode != 0
    error = result.stderr.strip().splitlines()[-1]
    assert "LOG_LEVEL" in error and "'verbose'" in error


def test_a_redis_address_without_its_scheme_stops_the_site_naming_its_variable():
    # `REDIS_URL=127.0.0.1:6379` passed `check --deploy`, and then every use of the cache
    # was a server error: "Forgotten your password?", for one.
    result = run(
        ["manage.py", "check", "--deploy"], **{**PRODUCTION_ENV, "REDIS_URL": "127.0.0.1:6379"}
    )
    assert result.returncode != 0
    error = result.stderr.strip().splitlines()[-1]
    assert "REDIS_URL" in error and "'127.0.0.1:6379'" in error


def test_an_empty_site_address_outside_production_means_the_default():
    # `SITE_URL=` (as `make` passes an empty one on) was used as it was: the links in emails
    # had no host, and every learning event's statement was refused (its actor's homePage
    # and its activity ids were not absolute IRIs).
    values = settings_in("config.settings.dev", SITE_URL=" ")
    assert values["site_url"] == "http://localhost:8000"


def test_check_deploy_warns_when_each_web_process_has_a_cache_of_its_own():
    # Without REDIS_URL the cache is each process's memory, so the limit of one password
    # reset email per address every five minutes counted per web process: with three
    # gunicorn workers, three emails.
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "REDIS_URL"}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode != 0
    assert "schools.W002" in result.stderr


@pytest.mark.parametrize(
    ("variable", "default"),
    [
        # Uploads and unpacked H5P packages went to whatever folder the process started in
        # (the code's, under systemd), not where the web server serves and backups look.
        ("MEDIA_ROOT", str(ROOT / "media")),
        ("H5P_ROOT", str(ROOT / "h5p-packages")),
        # Every email failed in the task worker (or had a blank From line), while
        # `check --deploy` saw no issue.
        ("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        ("DEFAULT_FROM_EMAIL", "Upstander <no-reply@localhost>"),
    ],
)
def test_an_empty_path_or_mail_setting_in_the_environment_file_means_the_default(variable, default):
    code = (
        "import django; from django.conf import settings; django.setup();"
        f"print(str(settings.{variable}))"
    )
    result = run(["-c", code], **{**PRODUCTION_ENV, variable: ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == default


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        # 0 (meant as "never") made a pupil's sign-in last until the browser closed, with no
        # sign-out after a while away from a shared laptop; below 0, nobody stayed signed in.
        ("PUPIL_IDLE_MINUTES", "0"),
        ("STAFF_IDLE_MINUTES", "-5"),
        # Past the calendar (meant as "never"): every request of a pupil signed in was a
        # server error, as their sign-in's expiry date could not be worked out.
        ("PUPIL_IDLE_MINUTES", "9999999999"),
        ("STAFF_IDLE_MINUTES", "9999999999"),
        # 0 (meant as "no limit"): Python's mail client refuses it, so every email failed.
        ("EMAIL_TIMEOUT", "0"),
        # Past what Python's sockets take (meant as "wait for ever"): every email failed with
        # OverflowError before it reached the mail server, while the site looked fine.
        ("EMAIL_TIMEOUT", "1000000000000"),
        # Below 0, purge_records deleted everything that belongs to no school before today,
        # and the task queue's finished tasks at its next run, however new.
        ("RETENTION_MONTHS_WITHOUT_SCHOOL", "-1"),
        ("TASK_RESULTS_KEEP_DAYS", "-7"),
        # Past the calendar (meant as "for ever"): the daily reminders run and purge_records
        # failed before doing anything, as the cut-off fell before the year 1.
        ("TASK_RESULTS_KEEP_DAYS", "99999999"),
        # 0 (meant as "no margin"): every write of learning events took longer than it, so
        # the LRS refused them all with 503 and no pupil's progress was saved.
        ("XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS", "0"),
        # Past the calendar (now less the margin before the year 1) the site started, and
        # every LRS answer that gives X-Experience-API-Consistent-Through was a server error.
        ("XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS", "1000000000000"),
        # 0 (meant as "no cap") refused every state a learner's content saved, the first
        # one too (403), so no H5P activity could keep a pupil's place; below 0 as well.
        ("XAPI_LEARNER_DOCUMENTS_MAX", "0"),
        ("XAPI_LEARNER_DOCUMENTS_MAX", "-1"),
        ("XAPI_LEARNER_DOCUMENT_BYTES_MAX", "0"),
        # Below 0 the header said `max-age=-1`, which browsers ignore: HTTPS was no longer
        # enforced, while `check --deploy` (which warns at 0) saw no issue.
        ("SECURE_HSTS_SECONDS", "-1"),
        # No network port is below 1 or above 65535: every email failed in the task worker
        # (Python's "port must be 0-65535"), while the site and `check --deploy` looked fine.
        ("EMAIL_PORT", "-25"),
        ("EMAIL_PORT", "65536"),
        # Below 0 (meant as "every proxy", or a typo) it meant none: behind nginx every
        # sign-in came from nginx's address, so anyone could lock any username out.
        ("TRUSTED_PROXIES", "-1"),
        # Below 0 (meant as "for ever", as None is in Django) each request opened a new
        # database connection, as at 0, while the settings looked as if they kept them.
        ("DB_CONN_MAX_AGE", "-1"),
    ],
)
def test_a_number_out_of_its_range_stops_the_site_naming_its_variable(variable, value):
    result = run(["manage.py", "check"], **PRODUCTION_ENV, **{variable: value})
    assert result.returncode != 0
    error = result.stderr.strip().splitlines()[-1]
    assert variable in error and value in error


def test_check_deploy_warns_when_the_site_address_is_not_an_allowed_host():
    # With only the H5P host in ALLOWED_HOSTS (or the variable left out, so localhost), every
    # page of the site answered "Bad Request (400)" while `check --deploy` saw no issue.
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **{**PRODUCTION_ENV, "ALLOWED_HOSTS": "upstander-h5p.example.net"},
    )
    assert result.returncode != 0
    assert "schools.W003" in result.stderr


@pytest.mark.parametrize(
    "sender",
    ["", "Upstander <no-reply@localhost>", "no-reply@upstander", "Upstander <no-reply@LOCALHOST>"],
)
def test_check_deploy_warns_when_emails_would_come_from_no_real_mail_domain(sender):
    # Left out of the environment file, every email (a lead's first sign-in, a password
    # reset, the reminders) went from no-reply@localhost, which schools' mail servers reject
    # or file as spam, while `check --deploy` saw no issue.
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **{**PRODUCTION_ENV, "DEFAULT_FROM_EMAIL": sender},
    )
    assert result.returncode != 0
    assert "schools.W004" in result.stderr


@pytest.mark.parametrize(
    "given",
    ["unset", "empty", "https://upstander.example.org:8443", "https://UPSTANDER.example.org"],
)
def test_production_refuses_to_start_without_a_content_origin_of_its_own(given):
    # The web server (gunicorn) runs no system checks, so h5p.E002 stopped only `migrate` and
    # `check`: without H5P_CONTENT_ORIGIN the site started with the trial one on 127.0.0.1, and
    # every H5P activity stayed blank; on the site's own host name (another port), H5P
    # authors' JavaScript ran where the site's cookies are sent.
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "H5P_CONTENT_ORIGIN"}
    if given != "unset":
        env["H5P_CONTENT_ORIGIN"] = " " if given == "empty" else given
    code = "import django; django.setup(); from config.wsgi import application"
    result = run(["-c", code], unset=("H5P_CONTENT_ORIGIN",), **env)
    assert result.returncode != 0
    assert "H5P_CONTENT_ORIGIN" in result.stderr.strip().splitlines()[-1]
