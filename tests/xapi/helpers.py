"""Building what the xAPI tests send (a forwarding target's edit form, a voiding statement)
and running the outbox as the tests need it."""

from django.urls import reverse
from django.utils import timezone

from xapi.forwarding import outbox_flush
from xapi.models import OutboxEntry
from xapi.services import record


def target_form_fields(target, **changes):
    """The edit form of `target` as the admin submits it unchanged (no school, no course,
    the password left blank so the stored one is kept), with `changes` typed over it."""
    return {
        "name": target.name,
        "school": "",
        "endpoint": target.endpoint,
        "username": "",
        "password": "",
        "version": target.version,
        "scope": target.scope,
        "course_iri": "",
        "batch_size": 100,
        "is_active": "on",
        **changes,
    }


def target_saved(admin_client, target, capture_on_commit_callbacks, **changes):
    """Save `target`'s edit form with `changes` as an admin does, running the work the save
    leaves until its transaction commits (sending the queue); the save must succeed."""
    with capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("xapi_forwardingtarget:edit", args=[target.pk]),
            target_form_fields(target, **changes),
        )
    assert response.status_code == 302, response.context["form"].errors
    return response


def voiding_of(statement) -> dict:
    """The statement taking `statement` back, from the same actor (xAPI 1.0.3 Part Two 2.3.2)."""
    return {
        "actor": statement["actor"],
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-GB": "voided"}},
        "object": {"objectType": "StatementRef", "id": statement["id"]},
    }


def pending_retried_now(capture_on_commit_callbacks):
    """Run the retry the task worker runs once the back-off is over: every pending entry is
    due now and the outbox is flushed, with the work it leaves until commit."""
    OutboxEntry.objects.filter(status="pending").update(next_attempt_at=timezone.now())
    with capture_on_commit_callbacks(execute=True):
        outbox_flush()


def set_aside_then_voided(statement, *, school, receiver, capture_on_commit_callbacks):
    """Record `statement` while the target refuses it (400), so it is set aside, then the
    statement voiding it, which the target takes; return the voiding statement's id."""
    receiver.statuses = [400]
    with capture_on_commit_callbacks(execute=True):
        record(statements=[statement], school=school)
    with capture_on_commit_callbacks(execute=True):
        [voiding_id] = record(statements=[voiding_of(statement)], school=school)
    return voiding_id
