"""Template context about the signed-in person: their roles and their school's terminology."""

from django.utils.translation import gettext_lazy as _

from .roles import Role, roles_of


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
        "safeguarding_lead_title": (
            school.safeguarding_lead_title if school else _("Designated Safeguarding Lead")
        ),
    }
