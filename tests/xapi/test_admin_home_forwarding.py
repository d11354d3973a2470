"""The admin home page tells administrators when forwarding to another LRS is in trouble,
so a refused statement or a day-long outage is not left for someone to find by chance on
Settings -> xAPI forwarding status."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from xapi.forwarding import outbox_flush
from xapi.models import ForwardingTarget, OutboxEntry
from xapi.services import record

pytestmark = pytest.mark.django_db

PANEL = 'id="upstander-forwarding'


@pytest.fixture
def target(receiver):
    return ForwardingTarget.objects.create(name="Northfield Trust LRS", endpoint=receiver.endpoint)


@pytest.fixture
def forward_a_statement(
    school, pupil, make_statement, target, receiver, django_capture_on_commit_callbacks
):
    """Records one statement of the pupil's, which the target answers with `status` when it
    is forwarded at once after commit."""

    def forward(status):
        receiver.statuses = [status]
        with django_capture_on_commit_callbacks(execute=True):
            record(statements=[make_statement(pupil)], school=school)

    return forward


def test_a_statement_the_target_refused_is_shown_on_the_admin_home_page_until_sent(
    admin_client,
    forward_a_statement,
):
    forward_a_statement(400)
    assert OutboxEntry.objects.get().status == "failed"
    page = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert PANEL in page
    assert "Northfield Trust LRS" in page
    assert "1 statement refused" in page
    assert reverse("xapi_forwarding_status") in page
    # Replayed once the other LRS takes it: nothing more to say.
    OutboxEntry.objects.update(status="pending", next_attempt_at=timezone.now())
    assert outbox_flush() == 1
    page = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert PANEL not in page


def test_statements_waiting_more_than_an_hour_are_shown_on_the_admin_home_page(
    admin_client,
    forward_a_statement,
):
    forward_a_statement(503)
    # Just failed: the back-off deals with a blip, and nobody needs telling yet.
    home = reverse("wagtailadmin_home")
    assert PANEL not in admin_client.get(home).content.decode()
    OutboxEntry.objects.update(created_at=timezone.now() - timedelta(hours=2))
    page = admin_client.get(home).content.decode()
    assert PANEL in page
    assert "1 statement waiting" in page
    assert "HTTP 503" in page


def test_the_forwarding_panel_is_not_shown_to_people_who_cannot_manage_forwarding(
    client,
    teacher,
    forward_a_statement,
):
    from django.contrib.auth.models import Permission

    forward_a_statement(400)
    editor = UserFactory(school=None, username="editor1", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert "Northfield Trust LRS" not in response.content.decode()


def test_a_refused_statement_voided_since_is_no_longer_shown_once_replayed(
    admin_client,
    school,
    pupil,
    make_statement,
    target,
    receiver,
    django_capture_on_commit_callbacks,
):
    """The target refused a statement, and the statement was taken back (voided) while it
    waited; the target took the voiding. The admin replays, and the replay keeps it aside
    for good (sent now, it would arrive after its voiding: docs/xapi.md). The home page
    went on saying forwarding "needs attention" with "1 statement refused", and that it is
    "kept here until it is sent", for a statement nothing will send and nobody need act on."""
    from tests.xapi.helpers import set_aside_then_voided
    from xapi.forwarding import VOIDED_AT_TARGET, outbox_replay

    set_aside_then_voided(
        make_statement(pupil),
        school=school,
        receiver=receiver,
        capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    home = reverse("wagtailadmin_home")
    assert "1 statement refused" in admin_client.get(home).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_replay(target=target) == 0
    assert OutboxEntry.objects.get(status="failed").last_error == VOIDED_AT_TARGET
    assert PANEL not in admin_client.get(home).content.decode()
