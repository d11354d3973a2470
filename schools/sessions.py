"""Signing people out after a while without using the site.

Pupils share devices (a class set of laptops, the computer at the front): someone who walks
away still signed in leaves their records, and their private reflections, to the next person.
So a sign-in ends after a time without a request: `PUPIL_IDLE_MINUTES` for pupils,
`STAFF_IDLE_MINUTES` for everyone else. Editors and administrators sign in on the same page:
the Wagtail admin sends people to it (settings.WAGTAILADMIN_LOGIN_URL).

Django ends a session at its expiry (the cookie's age and the stored row's expiry date), which
is counted from the session's last save. Saving it on every request would be a write per
request, so it is saved again only once a sixth of the allowance has passed: someone is
signed out after between five and six sixths of it without a request.

A request the browser makes by itself is not someone using the site: the Wagtail admin's
edit pages report every few seconds that they are open (the editing-session ping), so an
admin tab left open would never be signed out. A ping renews the sign-in only when the page
has changes not yet saved, so an editor still writing is not signed out and their work lost.
"""

import time

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import salted_hmac

from .roles import Role, roles_of

# When the session was last renewed (seconds since the epoch), and the allowance it was given
# at sign-in.
RENEWED = "upstander_renewed"
ALLOWANCE = "upstander_allowance"
# Renewed once this share of the allowance has passed.
RENEW_AFTER = 1 / 6


def idle_allowance(user) -> int:
    """Seconds without a request after which `user`'s sign-in ends."""
    minutes = (
        settings.PUPIL_IDLE_MINUTES if Role.PUPIL in roles_of(user) else settings.STAFF_IDLE_MINUTES
    )
    return int(minutes * 60)


def session_start(*, session, user) -> None:
    """At sign-in: end the session after the person's allowance without a request."""
    allowance = idle_allowance(user)
    session.set_expiry(allowance)
    session[ALLOWANCE] = allowance
    session[RENEWED] = int(time.time())


def session_renew_due(session, now: float) -> bool:
    """Whether a signed-in session should be saved again on this request (pure: reads only
    the session's own data, already loaded by the authentication middleware)."""
    allowance = session.get(ALLOWANCE)
    if not allowance or session.get("_session_expiry") != allowance:
        # Not one of ours: nobody signed in, or signed in before this existed (or before
        # the admin's own sign-in page gave way to the site's).
        return False
    return now - session.get(RENEWED, 0) >= allowance * RENEW_AFTER


def session_ends_at(session) -> int | None:
    """When (seconds since the epoch) a signed-in session ends if no request comes before,
    for the page's warning; None when it is not one of ours. At the latest: a session saved
    since for another reason ends later, never sooner."""
    allowance = session.get(ALLOWANCE)
    if not allowance or session.get("_session_expiry") != allowance:
        return None
    return int(session.get(RENEWED, 0)) + allowance


def session_renew(session, now: float) -> int | None:
    """Renew a signed-in session at once (the person said they are still there, answering
    the page's warning), and return when it now ends."""
    if session_ends_at(session) is None:
        return None
    session[RENEWED] = int(now)  # saved, with a fresh expiry, by SessionMiddleware
    return session_ends_at(session)


def signed_out_person(user) -> str:
    """An opaque mark of who was signed in, carried by the "Sign in again" link a page shows
    once its sign-in has ended: the page it leads back to is theirs, and whoever else signs
    in there (the next pupil at a shared device) goes to their own home page instead, not
    to a page that is "not found" for them. It names nobody and cannot be made up."""
    return salted_hmac("schools.sessions.signed_out_person", str(user.pk)).hexdigest()[:20]


PING_VIEW = "wagtailadmin_editing_sessions:ping"
# A page asking how long its sign-in has left, before it warns or says it has ended.
TIME_LEFT_VIEW = "session_left"


def is_passive(request) -> bool:
    """Whether the browser sent `request` by itself rather than for the person: an admin edit
    page's ping while it has no unsaved changes, or a page asking how long is left."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    if match.view_name == TIME_LEFT_VIEW:
        return True
    return match.view_name == PING_VIEW and not request.POST.get("is_editing")


class IdleSignOutMiddleware:
    """Renews a signed-in session's expiry as it is used (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        now = time.time()
        if session_renew_due(session, now) and not is_passive(request):
            session[RENEWED] = int(now)  # saved, with a fresh expiry, by SessionMiddleware
        return self.get_response(request)


class SignedInPagesNotStoredMiddleware:
    """Tells the browser not to keep any page it was sent for someone signed in.

    Otherwise, on a shared device, Back after signing out shows the last person's pages
    (their learning, a reflection, the safeguarding dashboard) and their CSVs and PDFs stay
    in the browser's cache. A response that already says how it may be cached keeps that.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
