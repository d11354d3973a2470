"""Sending a form after one's sign-in has ended (signed out in another tab, or marked as
having left): sign in again and come back to the page the form was on."""

from collections.abc import Callable
from functools import lru_cache, wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext


def login_required_for_post(view=None, *, anchor: str | Callable[..., str] = ""):
    """`login_required` for views that take only a form's POST.

    Django's decorator would send the person, once signed in again, to the form's own
    address, which answers only POSTs (a blank "method not allowed"). Here they come back to
    the page the form was on instead, told that what they sent was not saved, and to the part
    of it the form is in when `anchor` names it (an element id, formatted with the view's
    keyword arguments: "block-{block_id}"; or a function of those arguments returning the id,
    or "" when it cannot tell, for an id the address does not hold). A page's script (a
    fetch, or a request for JSON) gets 403 with that reason and `"signed_out": true`, so it
    can say so, keep what it sent for after the sign-in, or fall back to sending the form.
    """
    if view is None:
        return lambda view: login_required_for_post(view, anchor=anchor)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        reason = gettext("You were signed out, so that was not saved. Sign in to carry on.")
        if _from_script(request):
            return JsonResponse({"error": reason, "signed_out": True}, status=403)
        messages.info(request, reason)
        page = form_page(request)
        place = anchor(**kwargs) if callable(anchor) else anchor.format(**kwargs)
        if place:
            page += "#" + place
        return redirect_to_login(page)

    return wrapper


def _from_script(request) -> bool:
    return (
        request.headers.get("X-Requested-With") == "fetch"
        or "application/json" in request.headers.get("Accept", "")
        or request.content_type == "application/json"
    )


@lru_cache(maxsize=1024)
def path_on_this_site(target: str) -> bool:
    """Is `target` a path on this site (no host, no scheme)? A pure test of the text; the
    scenario player's few pages come back at every step, so the answers are remembered."""
    return url_has_allowed_host_and_scheme(target, allowed_hosts=None)


def form_page(request) -> str:
    """The page on this site a POSTed form came from, as a path: the form's `return_to` field
    if it has one, else the browser's Referer when it names this site, else the home page."""
    target = request.POST.get("return_to", "")
    if target and path_on_this_site(target):
        return target
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc and url_has_allowed_host_and_scheme(
        referer.geturl(), allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return resolve_url(settings.LOGIN_REDIRECT_URL)
