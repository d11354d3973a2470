"""Learning records derived from xAPI statements.

Nothing writes these rows except the projection (`projection.py`), which reads statements as
the xAPI service stores them; so the LRS and every dashboard always agree, and
`manage.py rebuild_records` can throw them away and build them again identically.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Completion(models.Model):
    """One learner completed (or passed) one activity, as one statement said.

    A learner who completes an activity again (a retried quiz, a renewed CPD course) gets a
    second row: the history is what certificates and renewals are built on.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="completions"
    )
    activity_iri = models.CharField(_("activity"), max_length=512)
    statement_id = models.UUIDField(_("statement"), unique=True)
    registration = models.UUIDField(_("registration"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"))
    success = models.BooleanField(_("success"), null=True, blank=True)
    score_scaled = models.FloatField(_("scaled score"), null=True, blank=True)

    class Meta:
        ordering = ["-completed_at"]
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        indexes = [
            models.Index(fields=["learner", "activity_iri"]),
            models.Index(fields=["activity_iri", "completed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.learner} completed {self.activity_iri}"
