"""Reads of learning records. Dashboards and the learner's own pages call these."""

from collections.abc import Iterable

from .models import Completion


def completed_activity_iris(*, learner, activity_iris: Iterable[str], since=None) -> set[str]:
    """Which of these activities the learner has completed (at or after `since`, if given)."""
    iris = list(activity_iris)
    if not iris:
        return set()
    qs = Completion.objects.filter(learner=learner, activity_iri__in=iris)
    if since is not None:
        qs = qs.filter(completed_at__gte=since)
    return set(qs.values_list("activity_iri", flat=True).distinct())
