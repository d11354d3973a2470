"""Ids in the site's addresses: a number too big for any row is "not found", never a server
error (SQLite cannot take a number past 64 bits)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HUGE = "9" * 19  # past 2**63 - 1


@pytest.mark.parametrize(
    ("name", "args", "method"),
    [
        ("courses:course_start", [1], "post"),
        ("courses:module_read", [1], "post"),
        ("courses:class_lesson", [1], "get"),
        ("courses:class_lesson_delete", [1], "get"),
        ("courses:class_lesson_delete", [1], "post"),
        ("courses:checklist_save", [1, "b"], "post"),
        ("records:person", [1], "get"),
        ("records:person_export", [1], "post"),
        ("records:assignment_delete", [1], "post"),
        ("records:pshe_class", [1], "get"),
    ],
)
def test_an_id_too_big_for_a_row_is_not_found(client, safeguarding_lead, name, args, method):
    client.force_login(safeguarding_lead)
    url = reverse(name, args=args).replace("/1/", f"/{HUGE}/", 1)
    assert HUGE in url
    assert getattr(client, method)(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "args", "method"),
    [
        ("records_course_renewal", [1], "get"),
        ("scenarios_twee:export", [1], "get"),
        ("xapi_lrsclient:new_secret", [1], "get"),
        ("xapi_forwarding_replay", [1], "post"),
    ],
)
def test_an_id_too_big_for_a_row_is_not_found_in_the_admin(client, admin_user, name, args, method):
    """The project's own admin screens too: an administrator who edits the address."""
    client.force_login(admin_user)
    url = reverse(name, args=args).replace("/1/", f"/{HUGE}/", 1)
    assert HUGE in url
    assert getattr(client, method)(url).status_code == 404
