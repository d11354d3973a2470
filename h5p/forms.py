"""The admin form for uploading an H5P package."""

import hashlib

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .selectors import activity_with_checksum, package_dir
from .validation import PackageRejected, inspect_package


def upload_checksum(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


class H5PActivityForm(WagtailAdminModelForm):
    """Title and, when adding, the .h5p file. The package is checked here so the editor sees
    the reason at once; the service checks it again, byte for byte, when it extracts it."""

    package = forms.FileField(
        label=_("H5P package"),
        required=False,
        help_text=_(
            "An .h5p file that includes every library it needs (export it with "
            "libraries from Lumi or your H5P site). It cannot be replaced later: upload "
            "a changed package as a new activity."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".h5p"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.manifest = None
        if "title" in self.fields and not self.instance.pk:
            self.fields["title"].required = False
            self.fields["title"].help_text = _("Leave blank to use the package's own title.")

    def clean_package(self):
        upload = self.cleaned_data.get("package")
        if self.instance.pk:
            return None
        if not upload:
            raise ValidationError(_("Choose an .h5p file to upload."), code="required")
        existing = activity_with_checksum(upload_checksum(upload))
        # One whose files were lost (a server rebuilt without H5P_ROOT) gets them back.
        if existing is not None and package_dir(existing.uuid).is_dir():
            raise ValidationError(
                _("This package is already uploaded as “%(title)s”; choose that one instead."),
                params={"title": existing.title},
                code="duplicate",
            )
        try:
            self.manifest = inspect_package(upload)
        except PackageRejected as exc:
            raise ValidationError(
                _("This package was not accepted: %(reason)s"),
                params={"reason": exc.reason},
                code="rejected",
            ) from None
        finally:
            upload.seek(0)
        return upload

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("title") or "").strip() and self.manifest is not None:
            cleaned["title"] = self.manifest.title
        return cleaned
