"""A branching scenario: situations, choices and endings."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scenario(models.Model):
    """A branching scenario: situations, choices and endings.

    `uuid` is the activity's stable identity in xAPI statements; it never changes.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=255)

    class Meta:
        verbose_name = _("scenario")

    def __str__(self) -> str:
        return self.title
