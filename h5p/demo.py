"""A demo H5P activity, from the shared sample packages when they are present.

The samples live outside the project (../shared/h5p-samples/, or H5P_DEMO_SAMPLE) and are
never copied into it; without them the demo simply has no H5P activity and says so.
`demo_content_load()` is idempotent: the same package is found by its checksum and the block
is added once.
"""

import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.files import File

from .models import H5PActivity
from .services import h5p_activity_create

logger = logging.getLogger(__name__)

DEFAULT_SAMPLE = (
    settings.BASE_DIR.parent / "shared" / "h5p-samples" / "h5p-standalone-truefalse.h5p"
)
DEMO_MODULE = "pupil-2021-if-you-see-it"
DEMO_TITLE = "Practice: a true-or-false question (H5P)"


def demo_sample() -> Path:
    return Path(os.environ.get("H5P_DEMO_SAMPLE", DEFAULT_SAMPLE))


def demo_content_load() -> H5PActivity | None:
    """Upload the true/false sample and add it, as an optional practice activity, to a pupil
    module. Returns the activity, or None when the sample is absent."""
    from courses.demo import activity_block_ensure

    path = demo_sample()
    if not path.is_file():
        logger.warning("H5P demo skipped: no sample package at %s", path)
        return None
    with open(path, "rb") as handle:
        activity, _created = h5p_activity_create(
            upload=File(handle, name=path.name), title=DEMO_TITLE
        )
    activity_block_ensure(
        module_slug=DEMO_MODULE,
        block_type="h5p",
        value={"activity": activity, "required": False},
    )
    return activity
