"""Reads for H5P activities and where their files live."""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings


def site_origin() -> str:
    """The site's origin (scheme://host[:port]) from SITE_URL: the only page allowed to frame
    the player and to receive its messages."""
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def package_dir(activity_uuid) -> Path:
    """The folder holding an activity's extracted package."""
    return Path(settings.H5P_ROOT) / str(activity_uuid)


def embed_url(activity) -> str:
    return f"{settings.H5P_CONTENT_ORIGIN}/embed/{activity.uuid}/"


def activity_with_checksum(checksum: str):
    from .models import H5PActivity

    return H5PActivity.objects.filter(checksum=checksum).first()
