"""Site-origin views: the module page's relay posts H5P statements here."""

import uuid
from datetime import timedelta

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.auth import login_required_for_post
from xapi.lrs.http import LrsError, refuse_nul, statements_json

from .models import H5PActivity
from .services import h5p_statement_record

# Page ids are 64-bit integers at most; a larger number names no module (and a database
# asked about it fails).
MAX_PAGE_ID = 2**63 - 1


def _error(message, status=400):
    return JsonResponse({"error": str(message)}, status=status)


@require_POST
@login_required_for_post
def statements(request, activity_uuid):
    """Record one xAPI statement from the H5P player on a module page, as the signed-in
    learner. Body: `{"module": <page id>, "statement": {...}, "id": <uuid>, "waited_ms": n}`,
    the id optional (the relay mints one so that sending a kept statement again stores it
    once), and `waited_ms` how long the relay kept it before this delivery (optional, 0).
    Answers 400 with a reason when the statement is refused, 413 with one when the body is
    larger than DATA_UPLOAD_MAX_MEMORY_SIZE, 404 with one when the activity or the module is
    no longer on the site (the relay keeps what is refused without one)."""
    from courses.models import ModulePage
    from courses.selectors import course_open_to

    activity = H5PActivity.objects.filter(uuid=activity_uuid).first()
    if activity is None:
        return _error(
            _("This activity is no longer on the site, so answers in it cannot be saved."),
            status=404,
        )
    try:
        raw_body = request.body
    except RequestDataTooBig:
        # Django's own answer is an HTML 400 the relay cannot read, taken for a passing fault
        # and sent again every 30 s for ever: 413 with a reason makes the relay give up on it.
        return _error(
            _("This answer is too long to be saved. Make it shorter and answer again."),
            status=413,
        )
    try:
        # The LRS's parser: it refuses NaN, Infinity, numbers too large for a double and
        # nesting too deep to read, which would otherwise fail when the statement is saved.
        body = statements_json(raw_body.decode("utf-8"))
        # PostgreSQL stores no NUL character (U+0000) in jsonb: a pupil's typed answer or an
        # activity's own text holding one is refused with a reason, as the LRS does, rather
        # than failing when saved (the relay would send it again for ever).
        refuse_nul(body)
    except ValueError:
        return _error(_("The request body is not JSON."))
    except LrsError as exc:
        return _error(exc.message)
    module_id = body.get("module") if isinstance(body, dict) else None
    # JSON true and false are Python ints too: `true` would name page 1.
    if isinstance(module_id, bool) or not isinstance(module_id, int):
        return _error(_("Say which module the activity was played in."))
    statement_id = body.get("id")
    if statement_id is not None:
        try:
            statement_id = uuid.UUID(statement_id)
        except (TypeError, ValueError, AttributeError):
            return _error(_("The statement id must be a UUID."))
    waited = body.get("waited_ms", 0)
    if isinstance(waited, bool) or not isinstance(waited, int) or waited < 0:
        return _error(_("waited_ms must be a whole number of milliseconds, 0 or more."))
    module = (
        ModulePage.objects.live().filter(pk=body["module"]).first()
        if 0 < body["module"] <= MAX_PAGE_ID
        else None
    )
    if module is None:
        return _error(
            _("This module is no longer on the site, so answers in it cannot be saved."), status=404
        )
    if not course_open_to(user=request.user, course=module.course, module=module):
        return _error(_("You cannot take this module."), status=403)
    if request.user.school is None:
        # Editors and administrators belong to no school, so there is no LRS to record in:
        # they try the activity, as they check quizzes, without it being saved.
        return _error(_("Only pupils and staff of a school have their answers saved."), status=403)
    try:
        outcome = h5p_statement_record(
            learner=request.user,
            activity=activity,
            module=module,
            raw=body.get("statement"),
            statement_id=statement_id,
            waited=timedelta(milliseconds=min(waited, 10**12)),
        )
    except ValueError as exc:
        return _error(exc)
    return JsonResponse(outcome)
