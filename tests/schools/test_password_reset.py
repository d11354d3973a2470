"""Staff who forget their password reset it by email from the sign-in page. Pupils do not
(their teacher sets them a new one); the page never says whether an address is known."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from schools.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"
NEW_PASSWORD = "a-new-Passphrase-42"
SENT = "If that address belongs to a member of staff who can sign in"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the once-every-few-minutes limit is kept in the cache
    yield
    cache.clear()


def _ask(client, email, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def _link(message) -> str:
    return re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body).group(0)


def _sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_sign_in_page_offers_staff_a_reset_by_email(client):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}">reset your password by email</a>' in html
    assert "Pupils: ask your teacher." in html


def test_a_member_of_staff_resets_a_forgotten_password_from_the_emailed_link(
    client, teacher, settings
):
    settings.SITE_URL = "https://upstander.school.example"
    settings.ALLOWED_HOSTS = ["testserver", "another.example"]
    # The link is built from SITE_URL, not from whatever host the request named.
    response = _ask(client, "TEACHER1@school.invalid", HTTP_HOST="another.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert SENT in client.get(response["Location"]).content.decode()
    [message] = mail.outbox
    assert message.to == ["teacher1@school.invalid"]
    assert message.subject == "Reset your Upstander password"
    link = _link(message)
    assert link.startswith("https://upstander.school.example/accounts/password/reset/")
    assert "another.example" not in message.body
    assert f"Your username is {teacher.username}." in message.body

    path = link.removeprefix("https://upstander.school.example")
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    mismatch = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": "other"})
    assert mismatch.status_code == 200
    assert "The two password fields didn\u2019t match." in mismatch.content.decode()
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("password_reset_complete")
    assert "Your new password is set" in client.get(done["Location"]).content.decode()

    assert _sign_in(client, teacher.username, PASSWORD).status_code == 200  # old one refused
    assert _sign_in(client, teacher.username, NEW_PASSWORD).status_code == 302
    # The link works once.
    client.logout()
    used = client.get(path, follow=True).content.decode()
    assert "This link no longer works" in used


@pytest.mark.parametrize("who", ["pupil_with_email", "leaver", "unknown"])
def test_pupils_leavers_and_strangers_get_no_email_and_the_same_answer(
    client, school, teacher, who
):
    email = "someone@school.invalid"
    if who == "pupil_with_email":
        UserFactory(school=school, email=email, roles=[Role.PUPIL])
    elif who == "leaver":
        UserFactory(school=school, email=email, roles=[Role.STAFF], is_active=False)
    response = _ask(client, email)
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_one_email_every_few_minutes_however_often_it_is_asked_for(client, teacher):
    for _ in range(3):
        assert _ask(client, teacher.email)["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1


def test_an_address_that_is_not_one_is_refused_with_the_reason(client):
    response = _ask(client, "not an address")
    assert response.status_code == 200
    assert "Enter an email address, like name@school.org.uk." in response.content.decode()
    assert mail.outbox == []


def test_a_new_password_from_the_link_ends_a_pause_on_signing_in(client, teacher):
    for _ in range(5):
        _sign_in(client, teacher.username, "wrong")
    locked = _sign_in(client, teacher.username, PASSWORD)
    assert locked.status_code == 429
    assert f'href="{reverse("password_reset")}"' in locked.content.decode()
    _ask(client, teacher.email)
    path = "/" + _link(mail.outbox[0]).split("/", 3)[3]
    set_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert _sign_in(client, teacher.username, NEW_PASSWORD).status_code == 302


def test_the_admins_own_reset_pages_are_turned_off(client):
    assert client.get("/admin/password_reset/").status_code in (302, 404)
    assert mail.outbox == []


def test_the_email_is_sent_by_the_task_worker_not_while_the_page_waits(client, settings, teacher):
    """Waiting for the mail server only for an address with an account would tell, by how
    long the answer takes, which addresses have one."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    _ask(client, teacher.email)
    assert mail.outbox == []
    [queued] = default_task_backend.results
    assert queued.task.name == "email_send" and queued.kwargs["to"] == [teacher.email]
    assert re.search(r"https?://\S+/accounts/password/reset/\S+/", queued.kwargs["body"])


@pytest.mark.parametrize(
    ("seconds", "says"), [(3 * 24 * 60 * 60, "3 days"), (24 * 60 * 60, "1 day")]
)
def test_the_email_says_how_long_the_link_works(client, teacher, settings, seconds, says):
    # The page for a link that has run out says it may be "too old": the email says when.
    settings.PASSWORD_RESET_TIMEOUT = seconds
    _ask(client, teacher.email)
    [message] = mail.outbox
    assert f"The link works once, within {says} of this email." in message.body


def test_a_link_sent_before_someone_was_marked_as_having_left_no_longer_works(
    client, teacher, safeguarding_lead
):
    from schools.services import person_left_set

    _ask(client, teacher.email)
    path = "/" + _link(mail.outbox[0]).split("/", 3)[3]
    person_left_set(actor=safeguarding_lead, person=teacher, left=True)
    page = client.get(path, follow=True)
    assert "This link no longer works" in page.content.decode()
    set_url = path.rsplit("/", 2)[0] + "/set-password/"
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    teacher.refresh_from_db()
    assert teacher.check_password(PASSWORD)


class MailServerDown:
    """An email backend whose server cannot be reached."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


def _queued_reset_email(client, settings, teacher):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    _ask(client, teacher.email)
    [queued] = default_task_backend.results
    return default_task_backend, queued


def test_a_reset_email_the_mail_server_was_down_for_is_tried_again_later(client, settings, teacher):
    """The worker sends the email once the page has answered: when the mail server was down
    then, the email was lost, and the person waiting for it never had it."""
    from django.utils import timezone

    backend, queued = _queued_reset_email(client, settings, teacher)
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"
    queued.task.call(**queued.kwargs)
    assert mail.outbox == []
    retry = backend.results[-1]
    assert retry is not queued and retry.task.name == "email_send"
    assert retry.task.run_after > timezone.now()
    # The mail server is back by then: the retry sends it, link and all.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    retry.task.call(**retry.kwargs)
    [message] = mail.outbox
    assert message.to == [teacher.email]
    assert _link(message)


def test_a_reset_email_is_given_up_on_after_a_while_and_the_logs_say_so(
    client, settings, teacher, caplog
):
    import logging

    backend, queued = _queued_reset_email(client, settings, teacher)
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"
    tries = 0
    with caplog.at_level(logging.WARNING):
        while backend.results[-1] is not queued or tries == 0:
            queued = backend.results[-1]
            tries += 1
            assert tries < 10
            try:
                queued.task.call(**queued.kwargs)
            except Exception:
                break  # the last: the task is seen to fail
    assert tries > 3  # tried again, over a while
    assert backend.results[-1] is queued  # and then no more
    assert mail.outbox == []
    assert "could not be sent" in caplog.text
    assert teacher.email not in caplog.text  # who it was for, not in the logs


def test_a_link_that_no_longer_works_says_so_in_the_page_title(client, teacher):
    # WCAG 2.4.2: the title, which a screen reader reads first and the tab shows, says what
    # the page is: not "Choose a new password" on a page that offers no password to choose.
    page = client.get(reverse("password_reset_confirm", args=["MQ", "not-a-token"]))
    html = page.content.decode()
    assert "<h1>This link no longer works</h1>" in html
    assert "<title>This link no longer works · Upstander</title>" in html


@pytest.mark.parametrize("how", ["reminders_run", "send_reminders", "send_reminders --schedule"])
def test_a_reset_email_whose_task_worker_was_stopped_mid_send_is_sent_by_the_daily_run(
    client, teacher, settings, how
):
    """A task worker stopped while it sent a reset email (the machine restarted, the worker
    was killed) leaves the email's task marked running, and no worker takes up a running task
    again: the email was never sent, and nothing said so. The daily run (the reminders, or
    their morning cron job) sends it again while its link still works."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from records.tasks import reminders_run

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _ask(client, teacher.email)
    [task] = DBTaskResult.objects.all()
    task.claim("a-worker-that-was-stopped")
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - timedelta(hours=3))
    assert mail.outbox == []

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    if how == "reminders_run":
        reminders_run.call()
    else:
        call_command(*how.split())

    [message] = mail.outbox
    assert message.to == [teacher.email]
    response = client.get(_link(message), follow=True)
    assert response.status_code == 200
    assert "new_password1" in response.content.decode()
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()


def test_a_reset_email_whose_task_worker_was_forced_to_stop_mid_send_is_sent_by_the_daily_run(
    client, teacher, settings, monkeypatch
):
    """A task worker told twice to stop (a second Ctrl-C, or a second SIGTERM while it waits
    on the mail server) stops the task at once with SystemExit: the email's task is marked
    failed, not running, and the email was never sent. The daily run sends it again while
    its link still works."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    from records.tasks import reminders_run

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _ask(client, teacher.email)
    [task] = DBTaskResult.objects.all()
    task.claim("a-worker-told-twice-to-stop")

    def forced_to_stop(self, *args, **kwargs):
        raise SystemExit(1)  # what the worker's signal handler does the second time

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", forced_to_stop)
    worker = Worker(
        queue_names=["default"],
        interval=1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="a-worker-told-twice-to-stop",
        excluded_queue_names=[],
    )
    worker.run_task(task)
    assert DBTaskResult.objects.get(pk=task.pk).status == "FAILED"
    monkeypatch.undo()
    assert mail.outbox == []

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    reminders_run.call()

    [message] = mail.outbox
    assert message.to == [teacher.email]
    response = client.get(_link(message), follow=True)
    assert "new_password1" in response.content.decode()


@pytest.mark.parametrize("how", ["reminders_run", "send_reminders", "send_reminders --schedule"])
def test_the_daily_run_says_how_many_emails_it_sent_again(client, teacher, settings, caplog, how):
    """Sending an email again deletes the task the stopped worker left, the only trace that
    it was not sent: the daily run's log, and the command's output, say how many went again
    (a count, never whom to)."""
    import logging
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from records.tasks import reminders_run

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _ask(client, teacher.email)
    [task] = DBTaskResult.objects.all()
    task.claim("a-worker-that-was-stopped")
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - timedelta(hours=3))

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    out = StringIO()
    with caplog.at_level(logging.INFO):
        if how == "reminders_run":
            reminders_run.call()
        else:
            call_command(*how.split(), stdout=out)

    assert len(mail.outbox) == 1
    said = "Sent again 1 emails whose task worker was stopped before it sent them."
    assert said in caplog.text
    if how != "reminders_run":
        assert said in out.getvalue()
    assert teacher.email not in caplog.text + out.getvalue()


def test_setting_a_password_from_a_link_signs_out_whoever_was_signed_in_on_that_browser(
    client, teacher, safeguarding_lead
):
    """A shared staffroom computer: the safeguarding lead is still signed in when a teacher
    opens their own reset link on it. Once the teacher's password is set, the page's
    "Sign in" must lead to the sign-in form, not into the lead's account."""
    _ask(client, teacher.email)
    path = "/" + _link(mail.outbox[0]).split("/", 3)[3]
    assert _sign_in(client, safeguarding_lead.username, PASSWORD).status_code == 302
    form_page = client.get(path, follow=True)
    assert "Setting your password signs them out." in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("password_reset_complete")
    teacher.refresh_from_db()
    assert teacher.check_password(NEW_PASSWORD)
    sign_in_page = client.get(reverse("login"))
    assert sign_in_page.status_code == 200  # the form, not a redirect into the lead's account
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    # The lead's own password is untouched.
    safeguarding_lead.refresh_from_db()
    assert safeguarding_lead.check_password(PASSWORD)
