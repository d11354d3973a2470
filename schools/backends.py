"""Signing in by username whatever its case: pupils on tablets and staff typing their email
address often capitalise it ("Priyap", "Tom.Teacher@school.org")."""

import ipaddress

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .hashers import GeneratedPasswordHasher


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
    return lockout_username(data.get("username") or "")


def lockout_username(username: str) -> str:
    """`username` as the sign-in lock records it: in lower case, cut to the 255 characters
    its record holds (some letters grow when lowered: "İ" becomes two)."""
    return username.lower()[:255]


class AnyCaseUsernameBackend(ModelBackend):
    """Django's backend, then, if no username matches exactly, the one username that matches
    ignoring case. Where two usernames differ only in case, only the exact one signs in.

    Every sign-in that fails costs what checking a password does, whoever the username
    names, as Django's own backend makes it for an unknown one: otherwise how long the
    answer takes would tell whether a pupil has an account (one whose first, generated
    password is cheap to check answers fast) or one in another case (checked twice)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        people = User._default_manager
        user = people.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            matches = list(people.filter(**{f"{User.USERNAME_FIELD}__iexact": username})[:2])
            user = matches[0] if len(matches) == 1 else None
        if user is None:
            User().set_password(password)  # as long as checking one
            return None
        cheap = user.password.startswith(f"{GeneratedPasswordHasher.algorithm}$")
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        if cheap:
            User().set_password(password)
        return None
