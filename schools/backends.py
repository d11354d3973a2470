"""Signing in by username whatever its case: pupils on tablets and staff typing their email
address often capitalise it ("Priyap", "Tom.Teacher@school.org")."""

import ipaddress

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def client_address(request) -> str | None:
    """The address a sign-in came from (settings.AXES_CLIENT_IP_CALLABLE). Behind
    TRUSTED_PROXIES reverse proxies (nginx: 1), the one the nearest of them saw, from the
    end of X-Forwarded-For (each proxy appends the address it was reached from; anything
    before those is what the client claimed). Otherwise, or when the header is not that
    long or not an address, the connection's own."""
    direct = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return direct
    hops = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < proxies:
        return direct
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return direct


def username_for_lockout(request, credentials) -> str:
    """The username the sign-in lock counts failures against (settings.AXES_USERNAME_CALLABLE):
    in lower case, so typing it in another case neither dodges a lock nor starts a new count."""
    data = credentials if credentials is not None else getattr(request, "POST", {})
    return (data.get("username") or "").lower()


class AnyCaseUsernameBackend(ModelBackend):
    """Django's backend, then, if no username matches exactly, the one username that matches
    ignoring case. Where two usernames differ only in case, only the exact one signs in."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None or username is None or password is None:
            return user
        User = get_user_model()
        matches = list(
            User._default_manager.filter(
                **{f"{User.USERNAME_FIELD}__iexact": username}
            ).values_list(User.USERNAME_FIELD, flat=True)[:2]
        )
        if len(matches) != 1 or matches[0] == username:
            return None  # none, more than one, or the exact one (whose password was wrong)
        return super().authenticate(request, username=matches[0], password=password, **kwargs)
