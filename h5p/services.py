"""Writes for H5P activities: storing an uploaded package, recording its statements."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xapi.identity import activity_iri, actor_for

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
# How long the relay may keep a statement and still have it dated when it happened: a
# learner signed out for being idle signs in again, or a connection comes back, well within
# it. The wait is the browser's word, so it is bounded: a longer one dates it on arrival.
KEPT_AT_MOST = timedelta(hours=12)


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
        if existing is not None and package_dir(existing.uuid).is_dir():
            return existing, False
        manifest = inspect_package(archive, limits)
        extracted = workdir / "extracted"
        extracted.mkdir()
        extract_package_safely(archive, manifest, extracted, limits)
        if existing is not None:
            # Its files were lost (a fresh disk, say): put them back where it expects them.
            os.replace(extracted, package_dir(existing.uuid))
            return existing, False

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
    """Remove an activity's extracted files once its deletion is committed."""
    folder = package_dir(activity.uuid)
    transaction.on_commit(lambda: shutil.rmtree(folder, ignore_errors=True))


# A folder in H5P_ROOT that no activity owns is deleted only once it is this old: an upload
# moves its package into place a moment before it saves the activity, and is written in
# `.staging` until then.
ORPHAN_GRACE = timedelta(days=1)


def h5p_orphans_delete(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete the unpacked packages in H5P_ROOT that no activity owns, and uploads left in
    its staging folder, once they are ORPHAN_GRACE old (by their folder's modification
    time). They are left by a process stopped between unpacking and saving, or before
    a deletion's files went; nothing serves them, but they hold what editors uploaded.
    Only folders named as Upstander names them (an activity's UUID, `.staging/upload-*`)
    are looked at, never followed through a link. Returns how many went (with `dry_run`,
    how many would go, deleting nothing)."""
    root = Path(settings.H5P_ROOT)
    if not root.is_dir():
        return 0
    cutoff = ((now or timezone.now()) - ORPHAN_GRACE).timestamp()

    def old_folder(path: Path) -> bool:
        return not path.is_symlink() and path.is_dir() and path.stat().st_mtime < cutoff

    by_uuid = {}
    for path in root.iterdir():
        try:
            name = uuid.UUID(path.name)
        except ValueError:
            continue
        if str(name) == path.name and old_folder(path):
            by_uuid[name] = path
    owned = set(H5PActivity.objects.filter(uuid__in=by_uuid).values_list("uuid", flat=True))
    gone = [path for name, path in by_uuid.items() if name not in owned]
    staging = root / STAGING
    if staging.is_dir() and not staging.is_symlink():
        gone += [p for p in staging.glob("upload-*") if old_folder(p)]
    if dry_run:
        return len(gone)
    for path in gone:
        shutil.rmtree(path, ignore_errors=True)
    return sum(1 for path in gone if not path.exists())


# --- Statements from H5P content --------------------------------------------------------

SUB_CONTENT = "?subContentId="
SUB_CONTENT_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
H5P_LIBRARY_CATEGORY = "http://h5p.org/libraries/"
VERB_ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
RESULT_FIELDS = ("score", "success", "completion", "response", "duration", "extensions")
H5P_ACTIVITY_TYPE = "http://adlnet.gov/expapi/activities/cmi.interaction"


class H5PStatementRejected(ValueError):
    """A statement from H5P content that the server will not record; the message says why."""


def module_places_activity(*, module, activity: H5PActivity) -> bool:
    """Does the module's body hold an H5P block playing this activity?"""
    from .blocks import H5PActivityBlock

    for child in module.body:
        if isinstance(child.block, H5PActivityBlock):
            chosen = child.value.get("activity")
            if chosen is not None and chosen.pk == activity.pk:
                return True
    return False


def _object_iri(raw_id, root_iri: str) -> tuple[str, bool]:
    """Namespace the object id H5P sent under the activity's IRI.

    h5p-standalone names the root content by the `xAPIObjectIRI` we give it (the activity
    IRI) and sub-content as `<iri>?subContentId=<id>`; sub-content becomes the child IRI
    `<iri>/<id>`. Anything else is about another activity and is refused.
    """
    if raw_id == root_iri:
        return root_iri, True
    if isinstance(raw_id, str) and raw_id.startswith(root_iri + SUB_CONTENT):
        sub = raw_id[len(root_iri + SUB_CONTENT) :]
        if SUB_CONTENT_ID.match(sub):
            return f"{root_iri}/{sub}", False
    raise H5PStatementRejected(_("The statement is not about this H5P activity."))


def _score_without_empty_range(result: dict) -> dict:
    """H5P core scores content with nothing to score (a video or presentation without
    questions) as `{min: 0, max: 0, raw: 0}`, which xAPI 1.0.3 §4.1.5.1 refuses ("max":
    greater than "min"): the learner's completion would never be recorded. A range with no
    width says nothing, so it is left out and the raw score kept."""
    score = result.get("score")
    if not isinstance(score, dict):
        return result
    low, high = score.get("min"), score.get("max")
    numbers = (int, float)
    if (
        isinstance(low, numbers)
        and isinstance(high, numbers)
        and not isinstance(low, bool)
        and not isinstance(high, bool)
        and low == high
        and score.get("raw", low) == low
    ):
        score = {k: v for k, v in score.items() if k not in ("min", "max")}
        return {**result, "score": score}
    return result


def h5p_statement_build(
    *,
    raw: dict,
    learner,
    activity: H5PActivity,
    module,
    registration,
    statement_id=None,
    at: datetime | None = None,
) -> tuple[dict, bool]:
    """The statement to record for one that H5P content sent, and whether it is the root's.

    Only the verb, the object's definition, the result and H5P's library category are taken
    from the browser; the actor (xAPI 1.0.3 §2.4.2) is the signed-in learner's, and the
    timestamp, registration and context activities (§2.4.6.2) are the server's: now, or `at`
    for a statement the relay kept and delivered later. The id is the server's too, unless
    the relay minted one (`statement_id`) so that sending the statement again is safe.
    """
    if not isinstance(raw, dict):
        raise H5PStatementRejected(_("A statement must be a JSON object."))
    obj = raw.get("object")
    verb = raw.get("verb")
    if not isinstance(obj, dict) or not isinstance(verb, dict):
        raise H5PStatementRejected(_("The statement has no verb or object."))
    if obj.get("objectType", "Activity") != "Activity":
        raise H5PStatementRejected(_("The statement's object must be an activity."))
    root_iri = activity_iri("h5p", activity.uuid)
    object_iri, is_root = _object_iri(obj.get("id"), root_iri)

    definition = obj.get("definition") if isinstance(obj.get("definition"), dict) else {}
    definition = dict(definition)
    if is_root:
        definition.setdefault("name", {"en-GB": activity.title})
        definition.setdefault("type", H5P_ACTIVITY_TYPE)

    raw_result = raw.get("result") if isinstance(raw.get("result"), dict) else None
    result = {k: v for k, v in (raw_result or {}).items() if k in RESULT_FIELDS} or None
    if result is not None:
        result = _score_without_empty_range(result)
    verb_id = verb.get("id")
    if (
        is_root
        and result is not None
        and verb_id in (VERB_ANSWERED, VERB_COMPLETED)
        and "score" in result
    ):
        # The root's answered or completed statement with its score completes the H5P block
        # (docs/h5p.md); H5P question types already say `completion: true`.
        result.setdefault("completion", True)

    raw_context = raw.get("context") if isinstance(raw.get("context"), dict) else {}
    raw_activities = raw_context.get("contextActivities") or {}
    raw_categories = raw_activities.get("category") if isinstance(raw_activities, dict) else None
    if isinstance(raw_categories, dict):
        raw_categories = [raw_categories]  # the single object xAPI 0.95 allowed
    if not isinstance(raw_activities, dict) or not isinstance(raw_categories or [], list):
        # xAPI 1.0.3 §4.1.6.2: contextActivities is an object of lists of activities;
        # anything else is not a statement H5P sent.
        raise H5PStatementRejected(
            _("The statement's context.contextActivities is not an object of lists.")
        )
    raw_categories = raw_categories or []
    categories = [
        {"objectType": "Activity", "id": c["id"]}
        for c in raw_categories
        if isinstance(c, dict)
        and isinstance(c.get("id"), str)
        and c["id"].startswith(H5P_LIBRARY_CATEGORY)
    ][:5]
    module_activity = module.xapi_activity().as_object()
    course_activity = module.course.xapi_activity().as_object()
    root_activity = {
        "objectType": "Activity",
        "id": root_iri,
        "definition": {"name": {"en-GB": activity.title}, "type": H5P_ACTIVITY_TYPE},
    }
    context_activities: dict = {
        "parent": [module_activity] if is_root else [root_activity],
        "grouping": [course_activity] if is_root else [module_activity, course_activity],
    }
    if categories:
        context_activities["category"] = categories
    context: dict = {"registration": str(registration), "contextActivities": context_activities}
    if isinstance(raw_context.get("extensions"), dict):
        context["extensions"] = raw_context["extensions"]

    statement = {
        "id": str(statement_id or uuid.uuid4()),
        "timestamp": (at or timezone.now()).isoformat(timespec="milliseconds"),
        "actor": actor_for(learner),
        "verb": {k: v for k, v in verb.items() if k in ("id", "display")},
        "object": {"objectType": "Activity", "id": object_iri, "definition": definition},
        "context": context,
    }
    if result is not None:
        statement["result"] = result
    return statement, is_root


@transaction.atomic
def h5p_statement_record(
    *,
    learner,
    activity: H5PActivity,
    module,
    raw: dict,
    statement_id: uuid.UUID | None = None,
    waited: timedelta = timedelta(0),
) -> dict:
    """Record one statement that H5P content sent through the module page.

    Returns `{"id": ..., "completes": bool}`; `completes` is true when the statement is the
    root's completion, after which the module's progress is brought up to date. Raises
    H5PStatementRejected or xapi's StatementValidationError (both ValueErrors) with a reason.

    `statement_id` is the id the relay minted when H5P sent the statement. The relay keeps a
    statement it could not deliver (the learner was signed out, the connection dropped) and
    sends it again with the same id, so an id already recorded for this learner and activity
    is answered as before and stored once (`"already_recorded": True`). `waited` is how long
    the relay kept it: the statement, and the module or course it completes, are timestamped
    when it happened (a wait longer than `KEPT_AT_MOST` is not believed: then it is now).
    """
    from courses.services import course_registration, module_progress_sync
    from records.projection import is_completion
    from xapi.models import Statement
    from xapi.services import record

    if not module_places_activity(module=module, activity=activity):
        # Most often an editor has since published the module with another activity (or
        # none) in its place while the learner's page still plays the old one: the relay
        # shows this to the learner, so it says what to do.
        raise H5PStatementRejected(
            _(
                "This activity has changed since you opened the page, so this answer "
                "cannot be saved. Reload the page and do the activity again."
            )
        )
    if statement_id is not None:
        stored = (
            Statement.objects.filter(statement_id=statement_id).only("learner_id", "data").first()
        )
        if stored is not None:
            root_iri = activity_iri("h5p", activity.uuid)
            object_iri = stored.data.get("object", {}).get("id", "")
            if stored.learner_id != learner.pk or not (
                object_iri == root_iri or object_iri.startswith(root_iri + "/")
            ):
                raise H5PStatementRejected(_("That statement id belongs to another statement."))
            return {
                "id": str(statement_id),
                "completes": object_iri == root_iri and is_completion(stored.data),
                "already_recorded": True,
            }
    registration = course_registration(learner=learner, course=module.course)
    at = timezone.now() - waited if timedelta(0) < waited <= KEPT_AT_MOST else None
    statement, is_root = h5p_statement_build(
        raw=raw,
        learner=learner,
        activity=activity,
        module=module,
        registration=registration,
        statement_id=statement_id,
        at=at,
    )
    ids = record(statements=[statement], school=learner.school)
    completes = is_root and is_completion(statement)
    if completes:
        module_progress_sync(learner=learner, module=module, at=at)
    return {"id": ids[0], "completes": completes}
