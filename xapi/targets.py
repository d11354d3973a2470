"""The active forwarding targets, for the statements `record()` stores on SQLite.

On PostgreSQL `record()` chooses the targets inside its insert (`xapi.services._insert_sql`),
reading the table in the same snapshot as the rows it stores, so a target added, changed or
removed is followed by the very next statement and nothing is cached.
"""

from .models import ForwardingTarget


def targets_active() -> list[ForwardingTarget]:
    """Every active forwarding target (all schools), read now: the caller filters by school."""
    return list(ForwardingTarget.objects.filter(is_active=True).order_by("pk"))
