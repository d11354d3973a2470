"""Forwarding statements to other LRSs through the outbox, with retry and back-off.

`record()` writes an OutboxEntry per statement and matching target in its transaction and
calls `outbox_schedule` on commit. `outbox_send` (a django-tasks task, run by
`manage.py db_worker`) claims a batch of due entries, POSTs them as one JSON array to the
target's Statement Resource (xAPI 1.0.3 Part Three 2.1.2 "POST Statements"), and marks them
sent, or schedules the next attempt with exponential back-off. Statements keep their ids, so
a batch sent twice (say, the response was lost) is accepted once by the other LRS.
"""

import base64
import json
import logging
import urllib.error
import urllib.request
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks import default_task_backend, task

from .models import ForwardingTarget, OutboxEntry

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 10
BACKOFF_MAX_SECONDS = 3600
# How long a claimed batch is ours before another worker may take it (a crashed worker).
LEASE = timedelta(minutes=5)
TIMEOUT_SECONDS = 30
# HTTP answers that retrying cannot fix: the statements themselves were refused.
PERMANENT = {400, 409, 413}


def backoff(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s, ... capped at an hour."""
    return timedelta(seconds=min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempts - 1)))


def outbox_schedule(*, target_id: int, run_after=None) -> None:
    """Ask a task worker to send this target's due entries (now, or at `run_after`)."""
    send = outbox_send
    if run_after is not None:
        if not default_task_backend.supports_defer:
            return  # e.g. the immediate backend in tests: the next record() or replay sends.
        send = send.using(run_after=run_after)
    send.enqueue(target_id=target_id)


def _claim(target: ForwardingTarget) -> list[OutboxEntry]:
    now = timezone.now()
    with transaction.atomic():
        due = (
            OutboxEntry.objects.filter(
                target=target,
                status__in=[OutboxEntry.Status.PENDING, OutboxEntry.Status.SENDING],
                next_attempt_at__lte=now,
            )
            .order_by("id")
            .select_for_update(skip_locked=True)
        )
        ids = list(due.values_list("id", flat=True)[: target.batch_size])
        if not ids:
            return []
        OutboxEntry.objects.filter(id__in=ids).update(
            status=OutboxEntry.Status.SENDING, next_attempt_at=now + LEASE
        )
    return list(OutboxEntry.objects.filter(id__in=ids).select_related("statement").order_by("id"))


def _post(target: ForwardingTarget, statements: list[dict]) -> None:
    """POST a batch; raise urllib errors on failure."""
    url = target.endpoint.rstrip("/") + "/statements"
    headers = {
        "Content-Type": "application/json",
        "X-Experience-API-Version": target.version,
    }
    if target.username or target.password:
        token = base64.b64encode(f"{target.username}:{target.password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    body = json.dumps(statements).encode()
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        response.read()


def _error_text(exc: Exception) -> tuple[str, bool]:
    if isinstance(exc, urllib.error.HTTPError):
        try:
            detail = exc.read().decode("utf-8", "replace")[:500]
        except Exception:  # the body is only for the admin's eyes
            detail = ""
        return f"HTTP {exc.code}: {detail}".strip(), exc.code in PERMANENT
    return f"{type(exc).__name__}: {exc}", False


def batch_send(*, target: ForwardingTarget) -> tuple[int, bool]:
    """Send one batch of due entries. Returns (how many were sent, whether to go on)."""
    entries = _claim(target)
    if not entries:
        return 0, False
    ids = [e.id for e in entries]
    try:
        _post(target, [e.statement.data for e in entries])
    except Exception as exc:  # any failure is recorded and retried
        message, permanent = _error_text(exc)
        now = timezone.now()
        attempts = max(e.attempts for e in entries) + 1
        OutboxEntry.objects.filter(id__in=ids).update(
            status=OutboxEntry.Status.FAILED if permanent else OutboxEntry.Status.PENDING,
            attempts=attempts,
            last_error=message,
            next_attempt_at=now + backoff(attempts),
        )
        logger.warning("xAPI forwarding to %s failed: %s", target, message)
        if not permanent:
            outbox_schedule(target_id=target.pk, run_after=now + backoff(attempts))
        return 0, False
    OutboxEntry.objects.filter(id__in=ids).update(
        status=OutboxEntry.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        attempts=entries[0].attempts + 1,
    )
    return len(ids), True


@task()
def outbox_send(target_id: int) -> int:
    """Send every due outbox entry of one target, batch by batch. Returns how many."""
    target = ForwardingTarget.objects.filter(pk=target_id, is_active=True).first()
    if target is None:
        return 0
    total = 0
    go_on = True
    while go_on:
        sent, go_on = batch_send(target=target)
        total += sent
    return total


def outbox_flush() -> int:
    """Send what is due for every active target now (the `xapi_forward` command)."""
    total = 0
    for target_id in ForwardingTarget.objects.filter(is_active=True).values_list("pk", flat=True):
        total += outbox_send.call(target_id=target_id)
    return total


@transaction.atomic
def outbox_replay(*, target: ForwardingTarget, statuses=("failed", "pending")) -> int:
    """Make failed (and waiting) entries due now and send them: the admin's replay."""
    count = OutboxEntry.objects.filter(target=target, status__in=list(statuses)).update(
        status=OutboxEntry.Status.PENDING, next_attempt_at=timezone.now()
    )
    transaction.on_commit(lambda: outbox_schedule(target_id=target.pk))
    return count


def outbox_summary():
    """Per target: queue depth, failures, oldest waiting entry and the last error."""
    targets = ForwardingTarget.objects.annotate(
        pending=Count("outbox", filter=Q(outbox__status__in=["pending", "sending"])),
        failed=Count("outbox", filter=Q(outbox__status="failed")),
        sent=Count("outbox", filter=Q(outbox__status="sent")),
        oldest=Min("outbox__created_at", filter=~Q(outbox__status="sent")),
    ).order_by("name")
    rows = []
    for target in targets:
        last = (
            OutboxEntry.objects.filter(target=target)
            .exclude(last_error="")
            .order_by("-next_attempt_at")
            .values_list("last_error", flat=True)
            .first()
        )
        rows.append({"target": target, "last_error": last or ""})
    return rows
