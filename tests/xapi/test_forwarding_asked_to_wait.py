"""What the admin reads when a target asks to be sent nothing for a while (Retry-After)."""

from xapi.models import ForwardingTarget, OutboxEntry
from xapi.services import record


def test_a_target_asking_to_wait_says_until_when_on_the_status_page(
    school, pupil, make_statement, receiver, django_capture_on_commit_callbacks
):
    """A 429 with `Retry-After` holds everything for the target until then, yet the admin
    read only "HTTP 429:", and could not tell the statements would wait (for up to a day)
    rather than be retried in seconds."""
    ForwardingTarget.objects.create(name="Trust LRS", endpoint=receiver.endpoint)
    receiver.statuses = [(429, {"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"})]
    receiver.reply_body = b""
    with django_capture_on_commit_callbacks(execute=True):
        record(statements=[make_statement(pupil)], school=school)
    target = ForwardingTarget.objects.get()
    entry = OutboxEntry.objects.get()
    until = f"{target.wait_until:%d %b %Y %H:%M} UTC"
    assert entry.last_error == (
        f"HTTP 429: the other LRS asked to be sent nothing until {until}. The statements "
        "wait until then (“Replay now” sends them at once)."
    )
