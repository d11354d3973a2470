"""The active forwarding targets, read once per process and version instead of per statement.

`record()` needs the active targets on every call, and they change only when an admin edits
one. Each process keeps the list it last read together with a version token held in Django's
cache; saving or deleting a target (admin, service or cascade: the model signals below)
replaces the token after commit, so every process re-reads the table on its next call.
A random token rather than a counter: if the cache is emptied, a new token is made and no
process can mistake an old list for a current one.

This needs a cache that all processes share (Redis, as production uses). With a
process-local cache (LocMemCache, the default without REDIS_URL) another process could never
learn of a change, so then the table is read on every call, as before. If the cache cannot be
reached, the table is read (recording never fails because of the cache); and a list is never
kept longer than MAX_AGE seconds, which bounds how long a change made while the cache was
unreachable can go unseen.
"""

import logging
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import ForwardingTarget

logger = logging.getLogger(__name__)

VERSION_KEY = "xapi:forwarding-targets:version"
MAX_AGE = 60.0
PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)

# (token, read at, targets) as last read by this process; replaced whole, so threads need no
# lock to read it.
_cached: tuple[str, float, list[ForwardingTarget]] | None = None
_lock = threading.Lock()


def cache_is_shared() -> bool:
    return settings.CACHES["default"]["BACKEND"] not in PROCESS_LOCAL_CACHES


def _read() -> list[ForwardingTarget]:
    return list(ForwardingTarget.objects.filter(is_active=True))


def targets_active() -> list[ForwardingTarget]:
    """Every active forwarding target (all schools): the caller filters by school."""
    global _cached
    if not cache_is_shared():
        return _read()
    try:
        token = cache.get(VERSION_KEY)
        if token is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            token = cache.get(VERSION_KEY)
    except Exception:
        logger.warning("cache unreachable: reading the forwarding targets", exc_info=True)
        _cached = None
        return _read()
    current = _cached
    now = time.monotonic()
    if current is not None and current[0] == token and now - current[1] < MAX_AGE:
        return current[2]
    with _lock:
        # Read the table after the token: a change committed in between replaces the token
        # again, so at worst this list is read once more on the next call, never kept stale.
        targets = _read()
        _cached = (token, now, targets)
    return targets


def _token_replace() -> None:
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.warning("cache unreachable: forwarding targets refresh within %ss", MAX_AGE)


def targets_changed() -> None:
    """Make every process re-read the targets once the current transaction commits."""
    transaction.on_commit(_token_replace)


@receiver(post_save, sender=ForwardingTarget, dispatch_uid="xapi.targets.saved")
@receiver(post_delete, sender=ForwardingTarget, dispatch_uid="xapi.targets.deleted")
def _target_saved_or_deleted(sender, **kwargs) -> None:
    targets_changed()
