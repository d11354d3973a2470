"""Writes for H5P activities: storing an uploaded package, recording its statements."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from .models import H5PActivity
from .selectors import activity_with_checksum, package_dir
from .validation import (
    DEFAULT_LIMITS,
    Limits,
    PackageRejected,
    extract_package_safely,
    inspect_package,
)

# Uploads are first written and extracted here, inside H5P_ROOT so that the final move is a
# rename on one file system (atomic); a rejection deletes its folder.
STAGING = ".staging"


def _staging_root() -> Path:
    root = Path(settings.H5P_ROOT) / STAGING
    root.mkdir(parents=True, exist_ok=True)
    return root


def _copy_with_checksum(upload, target: Path, limits: Limits) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    if hasattr(upload, "seek"):
        upload.seek(0)
    chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")
    with open(target, "xb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > limits.max_total_bytes:
                raise PackageRejected(_("The file is too large."))
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest(), size


def h5p_activity_create(
    *, upload, title: str = "", uploaded_by=None, limits: Limits = DEFAULT_LIMITS
) -> tuple[H5PActivity, bool]:
    """Check, extract and store an uploaded .h5p file as an H5P activity.

    Returns `(activity, created)`. The same file uploaded again returns the existing activity
    with `created=False`. Raises PackageRejected (with a reason for the editor) if the package
    is unsafe or incomplete; then nothing is kept on disk or in the database.
    """
    workdir = Path(tempfile.mkdtemp(prefix="upload-", dir=_staging_root()))
    try:
        archive = workdir / "package.h5p"
        checksum, size = _copy_with_checksum(upload, archive, limits)
        existing = activity_with_checksum(checksum)
        if existing is not None:
            return existing, False
        manifest = inspect_package(archive, limits)
        extracted = workdir / "extracted"
        extracted.mkdir()
        extract_package_safely(archive, manifest, extracted, limits)

        activity_uuid = uuid.uuid4()
        final = package_dir(activity_uuid)
        os.replace(extracted, final)
        try:
            with transaction.atomic():
                activity = H5PActivity.objects.create(
                    uuid=activity_uuid,
                    title=(title or "").strip() or manifest.title,
                    main_library=str(manifest.main_library),
                    checksum=checksum,
                    package_size=size,
                    uploaded_by=uploaded_by,
                )
        except IntegrityError:
            # Someone uploaded the same file at the same moment: theirs is the one kept.
            shutil.rmtree(final, ignore_errors=True)
            existing = activity_with_checksum(checksum)
            if existing is None:
                raise
            return existing, False
        except BaseException:
            shutil.rmtree(final, ignore_errors=True)
            raise
        return activity, True
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def h5p_activity_files_delete(*, activity: H5PActivity) -> None:
    """Remove an activity's extracted files (after the activity is deleted)."""
    shutil.rmtree(package_dir(activity.uuid), ignore_errors=True)
