"""Reads for H5P activities and where their files live."""

import re
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


# How H5P content says that a learner finished it, in its libraries' scripts: H5P core's
# `triggerXAPIScored` or `triggerXAPICompleted` (EventDispatcher), `triggerXAPI` with an
# "answered" or "completed" verb (its score in the extra argument), or such a statement it
# builds itself. Content whose scripts do none of these (an accordion, an image, a timeline)
# only ever says it was seen or interacted with.
FINISHING = re.compile(
    rb"triggerXAPI(?:Scored|Completed)"
    rb"|(?:createXAPIEventTemplate|setVerb|triggerXAPI)\(\s*[\"'`](?:answered|completed)[\"'`]"
    rb"|adlnet\.gov/expapi/verbs/(?:answered|completed)"
)


def reports_finishing(activity) -> bool:
    """Can the activity's content say that a learner finished it, which is what completes its
    block (docs/h5p.md)? True too when it cannot be told (its files are not on this server):
    only content known never to say so is refused where it is required."""
    root = package_dir(activity.uuid)
    if not root.is_dir():
        return True
    return any(
        FINISHING.search(path.read_bytes())
        for path in root.rglob("*.js")
        if path.is_file() and not path.is_symlink()
    )
