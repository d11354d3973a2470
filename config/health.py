"""The health check a load balancer asks before sending a web process requests."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def health(request):
    """200 when this process can reach the database, 503 when it cannot. Open to anyone,
    so it names nothing: not the error (which may hold a host name), not the site's data.
    One `SELECT 1`, cheap enough to be asked every few seconds."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check: the database did not answer (%s)", type(error).__name__)
        return HttpResponse("unavailable\n", status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
