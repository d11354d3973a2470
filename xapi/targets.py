"""The active forwarding targets, read once per process and version instead of per statement.

`record()` needs the active targets on every call, and they change only when an admin edits
one. On PostgreSQL the statement insert itself returns the targets' version: the ids and
`updated_at` of the active targets, read in the same statement and so in the same snapshot as
the rows it stores (`VERSION_SQL`). Each process keeps the list it last read with its
version and reads the table again only when the version differs. Adding, changing,
deactivating or deleting a target changes the version, so a process never uses a list older
than the statement it is recording, and no cache outside the database is involved.

Elsewhere (SQLite, a single local file) the table is read on every call.
"""

import threading
from datetime import datetime

from .models import ForwardingTarget

Version = tuple[tuple[int, ...], tuple[datetime, ...]]

# Two uncorrelated subqueries (each evaluated once per statement): the active targets' ids
# and their `updated_at`, both in id order.
VERSION_SQL = (
    "(SELECT array_agg(t.id ORDER BY t.id) FROM xapi_forwardingtarget t WHERE t.is_active), "
    "(SELECT array_agg(t.updated_at ORDER BY t.id) FROM xapi_forwardingtarget t "
    "WHERE t.is_active)"
)
NONE: Version = ((), ())

# (version, targets) as last read by this process; replaced whole, so threads need no lock
# to read it.
_cached: tuple[Version, list[ForwardingTarget]] | None = None
_lock = threading.Lock()


def version_of(ids, updated) -> Version:
    """The version from VERSION_SQL's two columns (NULL when there are no active targets)."""
    return (tuple(ids or ()), tuple(updated or ()))


def targets_active() -> list[ForwardingTarget]:
    """Every active forwarding target (all schools), read now: the caller filters by school."""
    global _cached
    targets = list(ForwardingTarget.objects.filter(is_active=True).order_by("pk"))
    _cached = (version_of([t.pk for t in targets], [t.updated_at for t in targets]), targets)
    return targets


def targets_at(version: Version) -> list[ForwardingTarget]:
    """The active targets as of `version`, read from the table only if this process has not
    read that version yet. A newer list read in the meantime is also fine to use (it can
    only add targets that came into being while this statement was being stored)."""
    if version == NONE:
        return []
    current = _cached
    if current is not None and current[0] == version:
        return current[1]
    with _lock:
        return targets_active()
