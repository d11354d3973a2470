"""The site's URLs plus /bench/trivial/: a signed-in, CSRF-checked POST that renders a
small piece of HTML, the baseline a scenario step is compared with."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as site_urlpatterns


@login_required
@require_POST
def trivial(request):
    return HttpResponse(f"<section><p>Hello {request.user.pk}</p></section>")


urlpatterns = [path("bench/trivial/", trivial), *site_urlpatterns]
