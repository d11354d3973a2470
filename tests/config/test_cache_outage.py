"""When Redis (REDIS_URL) is down, the site keeps working as it would with an empty cache:
pupils still reach their lessons and staff can still ask for a password reset."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from tests.courses import conftest as course_fixtures
from tests.courses.conftest import module_page

pytestmark = pytest.mark.django_db

pupil_catalogue = course_fixtures.pupil_catalogue
course = course_fixtures.course


def _redis_down():
    """The cache the settings choose for a REDIS_URL, pointed at a port nobody listens on."""
    from importlib import reload
    from unittest import mock

    import config.settings.base as base

    with mock.patch.dict("os.environ", {"REDIS_URL": "redis://127.0.0.1:1/0"}):
        caches = reload(base).CACHES
    reload(base)
    return override_settings(CACHES=caches)


def test_pupils_reach_their_lessons_while_the_cache_is_down(client, pupil, course):
    module = module_page(course, "be-kind")
    urls = [reverse("courses:my_learning"), course.url, module.url]
    client.force_login(pupil)
    with _redis_down():
        for url in urls:
            assert client.get(url).status_code == 200, url


def test_staff_can_ask_for_a_password_reset_while_the_cache_is_down(client, teacher):
    with _redis_down():
        response = client.post(reverse("password_reset"), {"email": teacher.email})
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[teacher.email]]


def test_an_unreachable_cache_host_does_not_hold_up_each_request():
    with _redis_down():
        options = settings.CACHES["default"].get("OPTIONS", {})
    assert 0 < options["socket_connect_timeout"] <= 1
    assert 0 < options["socket_timeout"] <= 1


def test_the_limit_of_one_reset_email_every_few_minutes_holds_while_the_cache_is_down(
    client, teacher
):
    """The limit on password reset emails (one per address every five minutes) was kept only
    in the cache: with Redis down, every ask sent another email, so anyone could flood a
    member of staff's inbox. The database's task queue, which holds the emails, still says
    one went a moment ago."""
    from django_tasks_db.models import DBTaskResult

    from schools.tasks import email_send

    with (
        _redis_down(),
        override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}),
    ):
        for _ask in range(3):
            response = client.post(reverse("password_reset"), {"email": teacher.email})
            assert response.status_code == 302
    emails = DBTaskResult.objects.filter(task_path=email_send.module_path)
    assert [task.args_kwargs["kwargs"]["to"] for task in emails] == [[teacher.email]]


def test_two_asks_at_the_same_moment_send_one_reset_email_while_the_cache_is_down(client, teacher):
    """Two asks at once (a double click, a script) both found no email in the task queue
    before either had written one, and both sent: the second ask here comes while the first
    is between its check and its email."""
    from unittest import mock

    from django_tasks_db.models import DBTaskResult

    from schools.forms import StaffPasswordResetForm
    from schools.tasks import email_send

    checked = StaffPasswordResetForm._emailed_just_now
    asks = []

    def check_while_another_asks(form, user):
        answer = checked(form, user)
        if not asks:
            asks.append("the second ask")
            asks[0] = client.post(reverse("password_reset"), {"email": teacher.email})
        return answer

    with (
        _redis_down(),
        override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}),
        mock.patch.object(StaffPasswordResetForm, "_emailed_just_now", check_while_another_asks),
    ):
        response = client.post(reverse("password_reset"), {"email": teacher.email})
    assert response.status_code == asks[0].status_code == 302
    emails = DBTaskResult.objects.filter(task_path=email_send.module_path)
    assert [task.args_kwargs["kwargs"]["to"] for task in emails] == [[teacher.email]]
