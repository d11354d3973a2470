"""The site's URLs plus /bench/ping: the baseline the LRS is compared with."""

import base64

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as site_urlpatterns
from xapi.models import LrsClient


@csrf_exempt
def ping(request):
    """Authenticate the same Basic credentials the LRS takes, and answer a small JSON."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    key, _sep, secret = base64.b64decode(header[6:]).decode().partition(":")
    client = LrsClient.objects.filter(key=key, is_active=True).first()
    if client is None or not client.secret_matches(secret):
        return JsonResponse({"error": "unauthorised"}, status=401)
    return JsonResponse({"ok": True, "school": client.school_id})


urlpatterns = [path("bench/ping", ping), *site_urlpatterns]
