"""The commands docs/deploying.md runs from cron with `--verbosity 0` print only when they
did something: cron emails whatever a command prints, and `xapi_forward` runs every ten
minutes, so "Sent 0 statements." reached the site's mailbox 144 times a day (and the
emails worth reading, a refused scheduled publication, were lost among them)."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def output_of(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_forwarding_from_cron_with_nothing_due_prints_nothing():
    assert output_of("xapi_forward", verbosity=0) == ""


def test_forwarding_from_cron_still_says_what_it_sent(monkeypatch):
    monkeypatch.setattr("xapi.management.commands.xapi_forward.outbox_flush", lambda: 3)
    assert "Sent 3 statements." in output_of("xapi_forward", verbosity=0)


def test_forwarding_by_hand_says_what_it_did_even_when_nothing_was_due():
    assert "Sent 0 statements." in output_of("xapi_forward")


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_daily_reminders_check_from_cron_prints_only_when_it_starts_them(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        started = output_of("send_reminders", schedule=True, verbosity=0)
        assert "Reminders task scheduled." in started
        assert output_of("send_reminders", schedule=True, verbosity=0) == ""
        assert "already scheduled" in output_of("send_reminders", schedule=True)


def test_the_deployment_guide_runs_the_frequent_cron_commands_quietly():
    guide = (ROOT / "docs" / "deploying.md").read_text()
    cron = re.compile(r"^[\d*/]+ [\d*/]+ \* \* \* ")
    cron_lines = [line for line in guide.splitlines() if cron.match(line)]
    assert cron_lines
    for line in cron_lines:
        if "xapi_forward" in line or "send_reminders" in line:
            assert line.endswith("--verbosity 0"), line
