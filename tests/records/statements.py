"""Statement dicts for records tests, shaped as xapi.services.record() stores them."""

import uuid
from datetime import UTC, datetime

from xapi.identity import activity_iri, actor_for, actor_key

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
FAILED = "http://adlnet.gov/expapi/verbs/failed"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"


def iri(kind: str, key: str) -> str:
    return activity_iri(kind, uuid.uuid5(uuid.NAMESPACE_URL, key))


def statement(
    user,
    verb: str,
    object_iri: str,
    *,
    when: datetime | None = None,
    parent: str | None = None,
    grouping: str | None = None,
    result: dict | None = None,
    registration: str | None = None,
) -> dict:
    when = when or datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
    data = {
        "id": str(uuid.uuid4()),
        "actor": actor_for(user),
        "verb": {"id": verb},
        "object": {"objectType": "Activity", "id": object_iri},
        "timestamp": when.isoformat(),
        "stored": when.isoformat(),
        "context": {},
    }
    activities = {}
    if parent:
        activities["parent"] = [{"id": parent}]
    if grouping:
        activities["grouping"] = [{"id": grouping}]
    if activities:
        data["context"]["contextActivities"] = activities
    if registration:
        data["context"]["registration"] = registration
    if not data["context"]:
        del data["context"]
    if result is not None:
        data["result"] = result
    return data


def keys(*users) -> dict:
    return {actor_key(actor_for(u)): u for u in users}


def completed(user, object_iri: str, *, days_ago: int) -> None:
    """Project that `user` completed the activity `days_ago` days ago, as the LRS would."""
    from datetime import timedelta

    from django.utils import timezone

    from records.projection import completions_project

    completions_project(
        statements=[
            statement(user, COMPLETED, object_iri, when=timezone.now() - timedelta(days=days_ago))
        ],
        learners_by_key=keys(user),
    )
