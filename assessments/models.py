"""A quiz with questions, a pass mark and an attempt limit."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Quiz(models.Model):
    """A quiz with questions, a pass mark and an attempt limit.

    `uuid` is the activity's stable identity in xAPI statements; it never changes.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=255)

    class Meta:
        verbose_name = _("quiz")

    def __str__(self) -> str:
        return self.title
