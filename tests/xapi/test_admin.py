"""The LRS admin screens: issuing client credentials, forwarding targets, the outbox."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.xapi.helpers import set_aside_then_voided, target_form_fields, target_saved
from xapi.forwarding import outbox_flush
from xapi.models import ForwardingTarget, LrsClient, OutboxEntry
from xapi.services import record

pytestmark = pytest.mark.django_db


def test_issuing_credentials_shows_the_secret_once_and_stores_its_hash(admin_client, school):
    response = admin_client.post(
        reverse("xapi_lrsclient:add"),
        {
            "name": "Quiz tool",
            "school": school.pk,
            "can_read": "on",
            "can_write": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    credentials = LrsClient.objects.get()
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert credentials.key in response.content.decode()
    assert credentials.secret_matches(secret)
    assert secret not in credentials.secret_hash
    listing = admin_client.get(reverse("xapi_lrsclient:index")).content.decode()
    assert secret not in listing


def test_a_client_that_may_neither_read_nor_write_is_refused(admin_client, school):
    """Such a client could not use the LRS at all, and the page showing its secret said
    "May" with nothing after it."""
    response = admin_client.post(
        reverse("xapi_lrsclient:add"), {"name": "Quiz tool", "school": school.pk, "is_active": "on"}
    )
    assert response.status_code == 200
    assert "Tick reading, writing or both: a client that may do neither cannot use the LRS." in (
        response.content.decode()
    )
    assert not LrsClient.objects.exists()


def test_a_new_secret_replaces_the_old_one(admin_client, school):
    credentials = LrsClient(name="Tool", school=school)
    old = credentials.issue_secret()
    credentials.save()
    url = reverse("xapi_lrsclient:new_secret", args=[credentials.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url)
    credentials.refresh_from_db()
    assert not credentials.secret_matches(old)
    assert credentials.secret_matches(response.context["secret"])


def test_an_editor_without_permission_is_told_they_may_not_issue_a_new_secret(
    client, editor, school
):
    """Refused as the admin refuses its other screens, with "Sorry, you do not have
    permission", not sent to the dashboard with no word why."""
    from schools.roles import roles_sync

    roles_sync()
    credentials = LrsClient(name="Tool", school=school)
    old = credentials.issue_secret()
    credentials.save()
    client.force_login(editor)
    url = reverse("xapi_lrsclient:new_secret", args=[credentials.pk])
    for response in (client.get(url, follow=True), client.post(url, follow=True)):
        assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
        assert "Sorry, you do not have permission to access this area." in (
            response.content.decode()
        )
    credentials.refresh_from_db()
    assert credentials.secret_matches(old)


def test_people_without_permission_cannot_issue_credentials(client, teacher):
    client.force_login(teacher)
    response = client.get(reverse("xapi_lrsclient:add"))
    assert response.status_code in (302, 403)


def test_forwarding_status_shows_depth_and_last_error_and_replays(
    admin_client, school, pupil, make_statement
):
    target = ForwardingTarget.objects.create(name="Trust LRS", endpoint="http://127.0.0.1:9/x/")
    record(statements=[make_statement(pupil), make_statement(pupil)], school=school)
    OutboxEntry.objects.update(status="failed", last_error="HTTP 400: bad statement")
    page = admin_client.get(reverse("xapi_forwarding_status"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Trust LRS" in html
    assert "HTTP 400: bad statement" in html
    assert page.context["rows"][0]["target"].failed == 2
    response = admin_client.post(reverse("xapi_forwarding_replay", args=[target.pk]))
    assert response.status_code == 302
    assert set(OutboxEntry.objects.values_list("status", flat=True)) == {"pending"}


@pytest.mark.parametrize(
    ("failed", "is_active", "said"),
    [
        (1, True, "1 statement for Trust LRS will be sent again now."),
        (2, True, "2 statements for Trust LRS will be sent again now."),
        (0, True, "Nothing for Trust LRS was waiting or had failed: there is nothing to send."),
        (
            2,
            False,
            "2 statements for Trust LRS will be sent once it is made active again: it is "
            "inactive, so nothing is sent to it now.",
        ),
    ],
)
def test_replaying_says_how_many_statements_go_and_when(
    admin_client, school, pupil, make_statement, failed, is_active, said
):
    """It said "1 statements", "0 statements ... will be sent again now", and "will be sent
    again now" for a target that is switched off, to which nothing is sent."""
    from django.contrib.messages import get_messages

    target = ForwardingTarget.objects.create(name="Trust LRS", endpoint="http://127.0.0.1:9/x/")
    if failed:
        record(statements=[make_statement(pupil) for _ in range(failed)], school=school)
    OutboxEntry.objects.update(status="failed", last_error="HTTP 503")
    ForwardingTarget.objects.update(is_active=is_active)  # switched off since
    response = admin_client.post(reverse("xapi_forwarding_replay", args=[target.pk]))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [said]


def test_each_replay_button_names_its_target(admin_client):
    """A screen reader going from button to button heard "Replay now" once per target, with
    nothing to tell which target each one replays."""
    import re

    for name in ("Trust LRS", "Ralph"):
        ForwardingTarget.objects.create(name=name, endpoint="https://lrs.example.org/xAPI/")
    html = admin_client.get(reverse("xapi_forwarding_status")).content.decode()
    buttons = re.findall(r"<button[^>]*>(.*?)</button>", html, re.S)
    names = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", b)).strip() for b in buttons]
    assert "Replay now Ralph" in names and "Replay now Trust LRS" in names


def test_forwarding_target_admin_lists_targets(admin_client):
    ForwardingTarget.objects.create(name="Ralph", endpoint="http://lrs.example.org/xAPI/")
    response = admin_client.get(reverse("xapi_forwardingtarget:index"))
    assert response.status_code == 200
    assert "Ralph" in response.content.decode()


def _target_form(**changes):
    """The form adding a forwarding target as an admin fills it in, with `changes` typed
    over it."""
    return {
        "name": "Trust LRS",
        "school": "",
        "endpoint": "https://lrs.example.org/xAPI/",
        "username": "key",
        "password": "secret",
        "version": ForwardingTarget.Version.V1,
        "scope": ForwardingTarget.Scope.ALL,
        "course_iri": "",
        "batch_size": 50,
        "is_active": "on",
        **changes,
    }


def test_an_endpoint_typed_without_a_scheme_is_saved_as_https(admin_client):
    response = admin_client.post(
        reverse("xapi_forwardingtarget:add"), _target_form(endpoint="lrs.example.org/xAPI/")
    )
    assert response.status_code == 302, response.context["form"].errors
    assert ForwardingTarget.objects.get().endpoint == "https://lrs.example.org/xAPI/"


def test_the_xapi_version_is_labelled_as_written(admin_client):
    ForwardingTarget.objects.create(name="Ralph", endpoint="https://lrs.example.org/xAPI/")
    for name in ("xapi_forwardingtarget:index", "xapi_forwardingtarget:add"):
        html = admin_client.get(reverse(name)).content.decode()
        assert "xAPI version" in html
        assert "XAPI version" not in html
    ordered = admin_client.get(reverse("xapi_forwardingtarget:index") + "?ordering=-version")
    assert ordered.status_code == 200


def test_forwarding_status_lists_the_statements_a_target_refused(
    admin_client, school, pupil, make_statement, receiver, django_capture_on_commit_callbacks
):
    ForwardingTarget.objects.create(name="Trust LRS", endpoint=receiver.endpoint)
    refused, accepted = make_statement(pupil), make_statement(pupil)
    receiver.statuses = [422, 422, 200]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[refused, accepted], school=school)
    html = admin_client.get(reverse("xapi_forwarding_status")).content.decode()
    section = html[html.index("Statements a target refused") :]
    assert refused["id"] in section and accepted["id"] not in section
    assert refused["object"]["id"] in section and "HTTP 422" in section
    assert pupil.username not in section and str(pupil.learner_id) not in section


@pytest.mark.parametrize("url", ["xapi_lrsclient:index", "xapi_forwardingtarget:index"])
def test_listings_take_no_more_queries_for_a_fuller_page(admin_client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import SchoolFactory

    def add(n):
        for _ in range(n):
            school = SchoolFactory()
            client = LrsClient(name=f"Tool {school.pk}", school=school)
            client.issue_secret()
            client.save()
            ForwardingTarget.objects.create(
                name=f"LRS {school.pk}", school=school, endpoint="https://lrs.invalid/xapi/"
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(reverse(url)).status_code == 200
        return len(queries)

    add(2)
    admin_client.get(reverse(url))  # warm per-process caches
    few = count()
    add(10)
    assert count() == few


def test_forwarding_status_takes_no_more_queries_for_more_targets(
    admin_client, school, pupil, make_statement
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from xapi.models import Statement

    record(statements=[make_statement(pupil)], school=school)
    stored = Statement.objects.get()

    def add(n):
        for _ in range(n):
            target = ForwardingTarget.objects.create(
                name=f"LRS {ForwardingTarget.objects.count()}",
                endpoint="https://lrs.invalid/xapi/",
                is_active=False,
            )
            OutboxEntry.objects.create(
                target=target,
                statement=stored,
                status="failed",
                next_attempt_at=timezone.now(),
                last_error=f"HTTP 400: refused by {target.name}",
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            page = admin_client.get(reverse("xapi_forwarding_status"))
        assert page.status_code == 200
        return len(queries)

    add(2)
    admin_client.get(reverse("xapi_forwarding_status"))  # warm per-process caches
    few = count()
    add(6)
    assert count() == few
    assert "HTTP 400: refused by LRS 7" in admin_client.get(reverse("xapi_forwarding_status")).text


def test_a_target_sending_no_statements_per_request_is_refused(admin_client):
    """With 0 statements per request a target takes nothing from its queue: every statement
    would wait for ever, the queue growing, with no error to say why."""
    response = admin_client.post(reverse("xapi_forwardingtarget:add"), _target_form(batch_size=0))
    assert response.status_code == 200
    assert response.context["form"].errors["batch_size"]
    assert not ForwardingTarget.objects.exists()


def test_a_target_sending_more_statements_per_request_than_a_batch_can_hold_is_refused(
    admin_client,
):
    """A batch is claimed with a query parameter a statement: more per request than
    MAX_BATCH_SIZE can be more than SQLite takes, and then nothing is sent at all."""
    from xapi.models import MAX_BATCH_SIZE

    response = admin_client.post(
        reverse("xapi_forwardingtarget:add"), _target_form(batch_size=MAX_BATCH_SIZE + 1)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["batch_size"]
    assert not ForwardingTarget.objects.exists()


def test_making_a_target_active_again_sends_what_waited_for_it(
    admin_client, school, pupil, make_statement, receiver, django_capture_on_commit_callbacks
):
    """Nothing is sent to an inactive target; its statements wait. Switched on again, they
    go then, not whenever someone next happens to record a statement."""
    from xapi.models import OutboxEntry
    from xapi.services import record

    target = ForwardingTarget.objects.create(name="Trust LRS", endpoint=receiver.endpoint)
    statement = make_statement(pupil)
    with django_capture_on_commit_callbacks(execute=False):
        record(statements=[statement], school=school)
    ForwardingTarget.objects.update(is_active=False)
    target_saved(admin_client, target, django_capture_on_commit_callbacks)
    assert OutboxEntry.objects.get().status == "sent"
    assert len(receiver.requests) == 1


def test_correcting_a_target_that_asked_to_wait_sends_what_waited_for_it_now(
    admin_client, school, pupil, make_statement, receiver, django_capture_on_commit_callbacks
):
    """A wrong endpoint or password can be answered "try again in a day" (a proxy's 503
    with Retry-After). Saving the target corrected sends its queue now, as the edit
    promises, not when the old address said to."""
    target = ForwardingTarget.objects.create(
        name="Trust LRS", endpoint=receiver.endpoint, password="wrong"
    )
    receiver.statuses = [(503, {"Retry-After": "86400"})]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    assert OutboxEntry.objects.get().status == "pending"
    target_saved(admin_client, target, django_capture_on_commit_callbacks, password="right")
    assert OutboxEntry.objects.get().status == "sent"
    assert len(receiver.requests) == 2


def test_a_target_for_one_course_without_the_course_is_refused(admin_client):
    """A target for "one course" with no course activity id was saved, and then forwarded
    nothing at all (no statement mentions an empty id), with no error to say why."""
    response = admin_client.post(
        reverse("xapi_forwardingtarget:add"),
        _target_form(name="Course LRS", scope=ForwardingTarget.Scope.COURSE, course_iri="  "),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["course_iri"]
    assert not ForwardingTarget.objects.exists()


def test_deleting_a_forwarding_target_says_how_many_statements_wait_and_will_not_be_sent(
    admin_client, school, pupil, make_statement
):
    """Deleting a target deletes its outbox with it: the statements still waiting for it
    (or refused and waiting to be sent again) were dropped without a word."""
    target = ForwardingTarget.objects.create(name="Trust LRS", endpoint="http://127.0.0.1:9/x/")
    record(statements=[make_statement(pupil) for _ in range(3)], school=school)
    sent, refused, _pending = OutboxEntry.objects.order_by("pk")
    OutboxEntry.objects.filter(pk=sent.pk).update(status=OutboxEntry.Status.SENT)
    OutboxEntry.objects.filter(pk=refused.pk).update(status=OutboxEntry.Status.FAILED)
    url = reverse("xapi_forwardingtarget:delete", args=[target.pk])
    page = admin_client.get(url).content.decode()
    assert "2 statements are waiting to be sent to Trust LRS" in page
    assert "they will not be sent" in page


def test_deleting_a_forwarding_target_with_nothing_waiting_says_nothing_of_it(admin_client):
    target = ForwardingTarget.objects.create(name="Trust LRS", endpoint="http://127.0.0.1:9/x/")
    page = admin_client.get(reverse("xapi_forwardingtarget:delete", args=[target.pk]))
    assert page.status_code == 200
    assert "waiting to be sent" not in page.content.decode()


SECRET = "trust-lrs-secret-7Qp2vK9xLm4Rt8Wz"


def test_a_targets_password_is_not_shown_on_its_edit_page_and_is_kept_when_left_blank(
    admin_client,
):
    """The other LRS's secret is stored because it must be sent, but an edit page that
    writes it into the form shows it to anyone looking at the screen (a meeting's projector,
    a screen share) and to the browser's history and form autofill. It is not shown; left
    blank, the stored one is kept; typed, it replaces it."""
    target = ForwardingTarget.objects.create(
        name="Trust LRS", endpoint="https://lrs.example.org/xAPI/", username="key", password=SECRET
    )
    url = reverse("xapi_forwardingtarget:edit", args=[target.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert SECRET not in page.content.decode()
    fields = target_form_fields(target, name="Trust LRS (renamed)", username="key")
    response = admin_client.post(url, fields)
    assert response.status_code == 302, response.context["form"].errors
    target.refresh_from_db()
    assert (target.name, target.password) == ("Trust LRS (renamed)", SECRET)
    response = admin_client.post(url, {**fields, "password": "rotated-secret-value"})
    assert response.status_code == 302, response.context["form"].errors
    target.refresh_from_db()
    assert target.password == "rotated-secret-value"


def test_an_http_endpoint_on_another_machine_is_refused(admin_client):
    """Statements name pupils and carry the target's username and password (Basic auth):
    over plain http anyone on the way between the school and the LRS reads both."""
    response = admin_client.post(
        reverse("xapi_forwardingtarget:add"), _target_form(endpoint="http://lrs.example.org/xAPI/")
    )
    assert response.status_code == 200
    assert "endpoint" in response.context["form"].errors
    assert not ForwardingTarget.objects.exists()


def test_an_http_endpoint_on_this_machine_is_accepted(admin_client):
    """An LRS on the same machine (a local Ralph, the tests' own) is reached without the
    statements or the password crossing a network."""
    response = admin_client.post(
        reverse("xapi_forwardingtarget:add"), _target_form(endpoint="http://127.0.0.1:8100/xAPI/")
    )
    assert response.status_code == 302, response.context["form"].errors


def test_the_active_box_says_what_is_recorded_while_a_target_is_switched_off_is_not_sent(
    admin_client,
):
    """A target switched off gets no outbox entries for what is recorded meanwhile (only
    what already waited is sent once it is active again): the admin who switches it off
    while the other LRS is down for maintenance is told so before, not after."""
    target = ForwardingTarget.objects.create(name="Ralph", endpoint="https://lrs.example.org/")
    html = admin_client.get(reverse("xapi_forwardingtarget:edit", args=[target.pk])).content
    assert (
        "Statements recorded while it is inactive are never sent to it, even once it is "
        "active again, except those taking back (voiding) a statement it was sent" in html.decode()
    )


def test_replaying_does_not_count_a_statement_voided_since_as_sent_again(
    admin_client, school, pupil, make_statement, receiver, django_capture_on_commit_callbacks
):
    """A set-aside statement whose voiding the target already has is not sent by a replay
    (docs/xapi.md): the replay said it "will be sent again now" all the same, and an admin
    replaying it again and again was told so each time while it stayed on the list."""
    from django.contrib.messages import get_messages

    target = ForwardingTarget.objects.create(name="Trust LRS", endpoint=receiver.endpoint)
    original = make_statement(pupil)
    set_aside_then_voided(
        original,
        school=school,
        receiver=receiver,
        capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("xapi_forwarding_replay", args=[target.pk]))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "1 statement for Trust LRS stays set aside: it was voided since, and Trust LRS already "
        "has the statement that voids it (sent now, it would arrive after it)."
    ]
    assert len(receiver.requests) == 2
    entry = OutboxEntry.objects.get(statement__statement_id=original["id"])
    assert entry.status == "failed"
    assert "voided" in entry.last_error


def test_replaying_does_not_count_a_statement_no_longer_for_the_target_as_sent_again(
    admin_client, school, pupil, make_statement, receiver, django_capture_on_commit_callbacks
):
    """A statement set aside because the target was made "Staff only" while it waited is
    not sent by a replay while that holds: the replay said it "will be sent again now"."""
    from django.contrib.messages import get_messages

    target = ForwardingTarget.objects.create(
        name="Trust LRS", endpoint=receiver.endpoint, school=school
    )
    receiver.statuses = [503]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    ForwardingTarget.objects.update(scope=ForwardingTarget.Scope.STAFF)
    OutboxEntry.objects.update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        outbox_flush()
    assert OutboxEntry.objects.get().status == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("xapi_forwarding_replay", args=[target.pk]))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "1 statement for Trust LRS stays set aside: it is no longer for Trust LRS (its school "
        "or which statements it takes changed while the statement waited)."
    ]
    assert len(receiver.requests) == 1
    assert OutboxEntry.objects.get().status == "failed"


def test_replaying_counts_what_a_dead_worker_left_half_sent(
    admin_client, school, pupil, make_statement, receiver, django_capture_on_commit_callbacks
):
    """The status page counts a statement a worker died sending among those waiting, and
    any send takes it once the worker's lease is over; yet "Replay now" said that nothing
    was waiting and there was nothing to send, and then sent it."""
    from datetime import timedelta

    from django.contrib.messages import get_messages
    from django.utils import timezone

    target = ForwardingTarget.objects.create(name="Trust LRS", endpoint=receiver.endpoint)
    with django_capture_on_commit_callbacks(execute=False):
        record(statements=[make_statement(pupil)], school=school)
    OutboxEntry.objects.update(
        status=OutboxEntry.Status.SENDING, next_attempt_at=timezone.now() - timedelta(minutes=1)
    )
    page = admin_client.get(reverse("xapi_forwarding_status"))
    assert page.context["rows"][0]["target"].pending == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("xapi_forwarding_replay", args=[target.pk]))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "1 statement for Trust LRS will be sent again now."
    ]
    assert OutboxEntry.objects.get().status == "sent"


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (401, "did not accept the username and password saved for this target"),
        (403, "does not let the username and password saved for this target send statements"),
    ],
)
def test_a_target_refusing_its_credentials_says_so_in_words_on_the_status_page(
    admin_client,
    school,
    pupil,
    make_statement,
    receiver,
    django_capture_on_commit_callbacks,
    status,
    said,
):
    """Many LRSs answer a wrong password with a bare 401 (or a key without write permission
    with a bare 403). The status page and the admin home page showed "HTTP 401" and no
    more: a school's administrator could not tell that the username and password they
    typed were the trouble, nor where to put it right."""
    ForwardingTarget.objects.create(
        name="Trust LRS", endpoint=receiver.endpoint, username="key", password="wrong"
    )
    receiver.statuses = [status]
    receiver.reply_body = b""
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    entry = OutboxEntry.objects.get()
    assert entry.status == "pending"  # it waits for the credentials to be put right
    assert entry.last_error.startswith(f"HTTP {status}")
    page = admin_client.get(reverse("xapi_forwarding_status")).content.decode()
    assert said in page
    assert "edit page" in page
