"""An uploaded H5P package that learners play in a module."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class H5PActivity(models.Model):
    """An uploaded H5P package that learners play in a module.

    Editors create one by uploading an .h5p file (h5p/services.py checks and extracts it);
    modules place it with the H5P activity block. `uuid` is the activity's stable identity in
    xAPI statements and names its folder under `H5P_ROOT`; it never changes. `checksum` (the
    SHA-256 of the uploaded file) makes uploading the same package twice find the first one.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=255)
    main_library = models.CharField(_("main library"), max_length=255, blank=True, editable=False)
    checksum = models.CharField(
        _("SHA-256 checksum"), max_length=64, unique=True, null=True, editable=False
    )
    package_size = models.PositiveBigIntegerField(_("package size"), default=0, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, null=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("H5P activity")
        verbose_name_plural = _("H5P activities")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_uploaded(self) -> bool:
        return bool(self.checksum)
