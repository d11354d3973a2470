"""Template context about the signed-in person: their roles and their school's terminology."""

import time
from functools import cache

from django.utils.translation import gettext_lazy as _

from .roles import Role, roles_of
from .sessions import ALLOWANCE, session_ends_at, signed_out_person


def people(request) -> dict:
    user = getattr(request, "user", None)
    roles = roles_of(user) if user is not None else frozenset()
    school = getattr(user, "school", None) if roles else None
    return {
        "user_roles": roles,
        "is_pupil": Role.PUPIL in roles,
        "is_staff_member": Role.STAFF in roles,
        "is_safeguarding_lead": Role.SAFEGUARDING_LEAD in roles,
        "is_editor": Role.EDITOR in roles or bool(user and user.is_superuser),
        # Asked only by the pages that offer classroom mode (a query, once per render).
        "teaches_a_group": _teaches_a_group(user) if roles else False,
        # Staff scenarios run in classroom mode only with a staff team, never with pupils.
        "leads_a_staff_team": _teaches_a_group(user, staff_team=True) if roles else False,
        # Seconds before the sign-in ends without a further request (the page warns first),
        # and the whole allowance, which each request the page's scripts make renews.
        **_session_time(request, user),
        "safeguarding_lead_title": (
            school.safeguarding_lead_title if school else _("Designated Safeguarding Lead")
        ),
    }


def _session_time(request, user) -> dict:
    # How long is left rather than a time of day: the device's clock may be wrong.
    session = getattr(request, "session", None)
    signed_in = user is not None and user.is_authenticated and session is not None
    ends = session_ends_at(session) if signed_in else None
    if ends is None:
        return {"session_seconds_left": None, "session_allowance": None, "session_person": None}
    return {
        "session_seconds_left": max(0, ends - int(time.time())),
        "session_allowance": session[ALLOWANCE],
        # For "Sign in again" once the sign-in has ended (sessions.signed_out_person).
        "session_person": signed_out_person(user),
    }


def _teaches_a_group(user, *, staff_team: bool = False):
    """Does the person teach a group (with `staff_team`, lead a staff team), and so may run
    classroom mode? A callable, so templates ask the database only when they use it."""
    from .models import Group
    from .selectors import groups_taught_by

    @cache
    def teaches() -> bool:
        groups = groups_taught_by(user)
        if staff_team:
            groups = groups.filter(kind=Group.Kind.STAFF_TEAM)
        return groups.exists()

    return teaches
