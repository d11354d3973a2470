"""Project stored xAPI statements into learning records.

Called by `xapi.services.record()` inside its transaction (DESIGN.md: one path for every
learning event), and by `manage.py rebuild_records`. Idempotent: a statement already
projected is skipped, keyed by its id.

A statement counts as a completion of its object when its verb is `completed` or `passed`, or
its result says `completion: true` (as H5P content does on its root activity). `failed`
never completes anything.
"""

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.utils.dateparse import parse_datetime

from xapi.identity import actor_key

from .models import Completion

VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_PASSED = "http://adlnet.gov/expapi/verbs/passed"
VERB_FAILED = "http://adlnet.gov/expapi/verbs/failed"
VERB_VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def is_completion(statement: dict) -> bool:
    """Does this statement say its actor completed its object? Pure."""
    verb = statement.get("verb", {}).get("id")
    if verb in (VERB_FAILED, VERB_VOIDED):
        return False
    if statement.get("object", {}).get("objectType", "Activity") != "Activity":
        return False
    if verb in (VERB_COMPLETED, VERB_PASSED):
        return True
    return statement.get("result", {}).get("completion") is True


def _when(statement: dict) -> datetime:
    value = statement.get("timestamp") or statement.get("stored")
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if parsed is None:
        raise ValueError("statement has neither timestamp nor stored")
    return parsed


def completions_project(*, statements: Iterable[dict], learners_by_key: dict) -> int:
    """Create a Completion for every completing statement whose actor is a known learner.

    `learners_by_key` maps an actor key (see `xapi.identity.actor_key`) to a user; the caller
    resolves actors because it knows the school's identity settings. Returns rows created.
    """
    rows = []
    for statement in statements:
        if not is_completion(statement):
            continue
        learner = learners_by_key.get(actor_key(statement.get("actor", {})))
        if learner is None:
            continue
        result = statement.get("result", {})
        registration = statement.get("context", {}).get("registration")
        rows.append(
            Completion(
                learner=learner,
                activity_iri=statement["object"]["id"],
                statement_id=uuid.UUID(str(statement["id"])),
                registration=uuid.UUID(registration) if registration else None,
                completed_at=_when(statement),
                success=result.get("success"),
                score_scaled=result.get("score", {}).get("scaled"),
            )
        )
    if not rows:
        return 0
    created = Completion.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)
