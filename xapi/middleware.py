"""Turns a learning event whose write took too long into an answer a learner can act on.

`xapi.services.record()` refuses a write that outlasted XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS
(`StatementWriteTooLate`): nothing is stored, and the same request sent again is stored once.
The LRS answers its clients 503 itself; here every other caller of `record()` (the H5P relay,
scenarios, quizzes, courses) gets the same 503 rather than a server error.
"""

import logging

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from xapi.services import StatementWriteTooLate

logger = logging.getLogger(__name__)

# Seconds: a stall is rare and short-lived, so sending again soon is right.
RETRY_AFTER = "5"


def _wants_json(request) -> bool:
    return request.content_type == "application/json" or "application/json" in request.headers.get(
        "Accept", ""
    )


class StatementWriteTooLateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, StatementWriteTooLate):
            return None
        logger.warning("a learning event took too long to store and was refused: %s", request.path)
        message = _(
            "What you sent was not saved, because the site took too long to save it. "
            "Nothing has been lost: send it again."
        )
        if _wants_json(request):
            response = JsonResponse({"error": message}, status=503)
        else:
            response = render(request, "xapi/write_too_late.html", {"message": message}, status=503)
        response["Retry-After"] = RETRY_AFTER
        return response
