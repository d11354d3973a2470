"""Writes to schools, groups and people. Views and commands call these; nothing else writes."""

from django.db import transaction

from .models import Group, Membership, School, User
from .roles import role_assign


@transaction.atomic
def person_create_or_update(
    *,
    school: School | None,
    username: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    roles: list[str],
    password: str | None = None,
    mis_id: str = "",
) -> tuple[User, bool]:
    """Create a person or bring an existing one (same username) up to date. Returns
    (user, created). A password is set only when given."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"school": school, "first_name": first_name, "last_name": last_name},
    )
    user.school = school
    user.first_name = first_name
    user.last_name = last_name
    user.email = email
    user.mis_id = mis_id
    if password is not None:
        user.set_password(password)
    user.save()
    for role in roles:
        role_assign(user=user, role=role)
    return user, created


def membership_ensure(*, user: User, group: Group, role: str = Membership.Role.MEMBER) -> None:
    Membership.objects.update_or_create(user=user, group=group, defaults={"role": role})
