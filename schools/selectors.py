"""Who may see whom: the one place object-level scoping is decided.

Every list or detail view of schools, groups or people, and every later dashboard, filters
through these functions:

- a superuser sees everything;
- a safeguarding lead sees their own school: all its groups and people;
- a member of staff sees the groups they teach and the people in them;
- a pupil sees only themselves;
- an editor builds content and sees no one's records.
"""

import re
from collections import defaultdict

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from .models import Group, Membership, School, User
from .roles import AUTH_GROUP_NAMES, Role, roles_of


def group_name_reading_order(name: str) -> list:
    """Sort key for a group's name with its numbers as numbers ("7B" before "10A")."""
    # Splitting on the numbers alternates text and number, so like is compared with like.
    parts = re.split(r"(\d+)", name.casefold())
    return [int(p) if i % 2 else p for i, p in enumerate(parts)]


def mis_id_holders(*, school_id: int, keys: set[str]) -> dict[str, list[tuple[str, int]]]:
    """For each of `keys` (`roster.mis_id_key`) some of `school_id`'s people hold, the MIS
    ids they hold it as and their pks, sorted. Compared in Python, not by the database's
    LOWER: SQLite's changes only ASCII letters, and neither folds "ß" or full-width letters
    as the file's rows are compared."""
    from .roster import mis_id_key

    found: dict[str, list[tuple[str, int]]] = {}
    people = User.objects.filter(school_id=school_id).exclude(mis_id="")
    for pk, mis_id in people.values_list("pk", "mis_id").iterator(chunk_size=2000):
        if (key := mis_id_key(mis_id)) in keys:
            found.setdefault(key, []).append((mis_id, pk))
    return {key: sorted(holders) for key, holders in found.items()}


def group_reading_order(group: Group) -> tuple:
    """Sort key putting groups as a school reads them: by kind, then by name with its
    numbers as numbers, so Year 7's classes come before Year 10's ("7B" before "10A")."""
    return (group.kind, group_name_reading_order(group.name), group.pk)


def schools_visible_to(user) -> QuerySet[School]:
    if not user.is_authenticated:
        return School.objects.none()
    if user.is_superuser:
        return School.objects.all()
    if Role.SAFEGUARDING_LEAD in roles_of(user) and user.school_id:
        return School.objects.filter(pk=user.school_id)
    return School.objects.none()


def groups_visible_to(user) -> QuerySet[Group]:
    if not user.is_authenticated:
        return Group.objects.none()
    if user.is_superuser:
        return Group.objects.all()
    roles = roles_of(user)
    if Role.SAFEGUARDING_LEAD in roles and user.school_id:
        return Group.objects.filter(school_id=user.school_id)
    if Role.STAFF in roles and user.school_id:
        return groups_taught_by(user)
    return Group.objects.none()


def group_pupils(group) -> QuerySet[User]:
    """The pupils of a group who are still at the school, by surname."""
    return User.objects.filter(
        memberships__group=group,
        memberships__role=Membership.Role.MEMBER,
        groups__name=AUTH_GROUP_NAMES[Role.PUPIL],
        is_active=True,
        # Not one who moved to another school with their place here left behind.
        school_id=group.school_id,
    ).order_by(Lower("last_name"), Lower("first_name"), "pk")  # "de Souza" among the Ds


def pupil_ids_by_group(groups) -> dict[int, set[int]]:
    """`group_pupils` for many groups in one query: group id -> the ids of its pupils still at
    the school (groups without any are left out)."""
    pupils: dict[int, set[int]] = defaultdict(set)
    for group_id, user_id in Membership.objects.filter(
        group__in=groups,
        role=Membership.Role.MEMBER,
        user__groups__name=AUTH_GROUP_NAMES[Role.PUPIL],
        user__is_active=True,
        user__school_id=F("group__school_id"),
    ).values_list("group_id", "user_id"):
        pupils[group_id].add(user_id)
    return pupils


def groups_taught_by(user) -> QuerySet[Group]:
    """The groups a person teaches (for a safeguarding lead too: only those they teach)."""
    if not user.is_authenticated or not user.school_id:
        return Group.objects.none()
    return Group.objects.filter(
        school_id=user.school_id,
        memberships__user=user,
        memberships__role=Membership.Role.TEACHER,
    ).distinct()


def classes_taught_by(user) -> QuerySet[Group]:
    """The classes and year groups a person teaches: the groups of pupils they may lead a
    lesson with and record it for (a staff team has no pupils to record it for)."""
    return groups_taught_by(user).exclude(kind=Group.Kind.STAFF_TEAM)


def people_visible_to(user) -> QuerySet[User]:
    if not user.is_authenticated:
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    roles = roles_of(user)
    if Role.SAFEGUARDING_LEAD in roles and user.school_id:
        return User.objects.filter(school_id=user.school_id)
    if Role.STAFF in roles and user.school_id:
        taught = Group.objects.filter(
            memberships__user=user, memberships__role=Membership.Role.TEACHER
        )
        return (
            User.objects.filter(school_id=user.school_id, memberships__group__in=taught)
            | User.objects.filter(pk=user.pk)
        ).distinct()
    return User.objects.filter(pk=user.pk)


def memberships_breaking_the_rules() -> QuerySet[Membership]:
    """The places in groups that Membership.clean refuses, made before it did: a pupil who
    teaches a group or is in a staff team, a member of staff counted as one of a class's or
    year group's pupils, a pupil in two year groups of their school (each of those places,
    for the administrator to choose their year), someone in a group of a school they are
    not at."""
    pupils = User.objects.filter(groups__name=AUTH_GROUP_NAMES[Role.PUPIL]).values("pk")
    staff = User.objects.filter(
        groups__name__in=[AUTH_GROUP_NAMES[Role.STAFF], AUTH_GROUP_NAMES[Role.SAFEGUARDING_LEAD]]
    ).values("pk")
    member = Membership.Role.MEMBER
    in_a_year = Membership.objects.filter(
        role=member, group__kind=Group.Kind.YEAR_GROUP, user__in=pupils
    )
    another_year = in_a_year.filter(
        user_id=OuterRef("user_id"), group__school_id=OuterRef("group__school_id")
    ).exclude(group_id=OuterRef("group_id"))
    return Membership.objects.filter(
        Q(role=Membership.Role.TEACHER, user__in=pupils)
        | Q(pk__in=in_a_year.filter(Exists(another_year)).values("pk"))
        | Q(role=member, group__kind=Group.Kind.STAFF_TEAM, user__in=pupils)
        | (
            Q(role=member, user__in=staff)
            & ~Q(group__kind=Group.Kind.STAFF_TEAM)
            & ~Q(user__in=pupils)
        )
        | Q(user__school__isnull=True)
        | ~Q(group__school_id=F("user__school_id"))
    )


def groups_named_alike() -> QuerySet[Group]:
    """The groups another group of the same school and kind has the name of in other
    capitals, or a year written another way (see Group._name_twin_check), made before the
    admin refused them: a class split in two, each pair listed whole. Compared in Python, as
    there: SQLite's LOWER folds A to Z only."""
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for pk, school_id, kind, name in Group.objects.values_list("pk", "school_id", "kind", "name"):
        by_key[(school_id, kind, Group.name_key(kind, name))].append(pk)
    alike = [pk for pks in by_key.values() if len(pks) > 1 for pk in pks]
    return Group.objects.filter(pk__in=alike)


def people_who_left(user, school: School) -> QuerySet[User]:
    """The people of `school` who have left (accounts no longer active) that `user` may see,
    by name, each with their role groups prefetched."""
    return (
        people_visible_to(user)
        .filter(school=school, is_active=False, is_superuser=False)
        # By name whatever its capitals ("de Souza" among the Ds), as the dashboard's tables.
        .order_by(Lower("last_name"), Lower("first_name"), "username")
        .prefetch_related("groups")
    )


def person_visible_to(user, person: User) -> bool:
    return people_visible_to(user).filter(pk=person.pk).exists()


def group_visible_to(user, group: Group) -> bool:
    return groups_visible_to(user).filter(pk=group.pk).exists()


def groups_listed_for(user) -> QuerySet[Group]:
    """The groups to list on a person's pages (My groups, scenario choices): those they may
    see, but for a superuser who belongs to a school only that school's, as their dashboard
    shows it; every school's in one list would mix them up."""
    groups = groups_visible_to(user)
    if user.is_authenticated and user.is_superuser and user.school_id:
        groups = groups.filter(school_id=user.school_id)
    return groups


def pupils_whose_password_user_may_reset(user) -> QuerySet[User]:
    """Pupils in the groups a teacher teaches; every pupil of the school for a safeguarding
    lead. Never staff: staff reset their own passwords. Nor a pupil who holds more than the
    Pupils role (an editor, an administrator): whoever sets their password can sign in as
    them and would gain what they hold."""
    if not user.is_authenticated or not user.has_perm("schools.reset_pupil_password"):
        return User.objects.none()
    pupils = User.objects.filter(groups__name=AUTH_GROUP_NAMES[Role.PUPIL], is_active=True)
    if user.is_superuser:
        return pupils
    other_roles = User.groups.through.objects.exclude(group__name=AUTH_GROUP_NAMES[Role.PUPIL])
    pupils = (
        pupils.filter(is_superuser=False)
        .exclude(pk__in=other_roles.values("user_id"))
        .exclude(pk__in=User.user_permissions.through.objects.values("user_id"))
    )
    if Role.SAFEGUARDING_LEAD in roles_of(user) and user.school_id:
        return pupils.filter(school_id=user.school_id)
    return people_visible_to(user).filter(pk__in=pupils.values("pk")).exclude(pk=user.pk)


def groups_with_pupils_for(user) -> QuerySet[Group]:
    """The groups a person may see (see `groups_visible_to`), each with its pupils, sorted by
    name, in `group.pupils` (not those who have left). For the My groups page."""
    if not user.is_authenticated:
        return Group.objects.none()
    pupils = User.objects.filter(groups__name=AUTH_GROUP_NAMES[Role.PUPIL], is_active=True)
    if not user.is_superuser or user.school_id:
        pupils = pupils.filter(school_id=user.school_id)
    return (
        groups_listed_for(user)
        .select_related("school")
        .order_by("kind", "name")
        .prefetch_related(
            Prefetch(
                "members",
                # As class lists elsewhere: "de Souza" among the Ds.
                queryset=pupils.order_by(Lower("last_name"), Lower("first_name"), "username"),
                to_attr="pupils",
            )
        )
    )


def pupils_in_no_group_for(user) -> QuerySet[User]:
    """The pupils whose password `user` may reset who are in none of the groups they see, by
    name: a pupils file without a class column (or with an empty cell) leaves a pupil in no
    group, and My groups would otherwise list them nowhere (a safeguarding lead's case: a
    teacher's pupils are those of the groups they teach)."""
    in_groups = Membership.objects.filter(group__in=groups_listed_for(user)).values("user_id")
    pupils = pupils_whose_password_user_may_reset(user)
    if user.is_superuser and user.school_id:
        # Only their school's, as their groups are (`groups_listed_for`).
        pupils = pupils.filter(school_id=user.school_id)
    return (
        pupils.exclude(pk__in=in_groups)
        .select_related("school")
        .order_by(Lower("last_name"), Lower("first_name"), "username")
    )


def safeguarding_leads(school) -> list[User]:
    """Who holds the safeguarding lead's role at a school now (not those who have left), by
    name: for telling staff who to go to. Names only staff, never pupils."""
    return list(
        User.objects.filter(
            school=school,
            is_active=True,
            groups__name=AUTH_GROUP_NAMES[Role.SAFEGUARDING_LEAD],
        )
        .order_by(Lower("last_name"), Lower("first_name"), "username")
        .distinct()
    )


def people_with_username(username: str) -> list[User]:
    """Who `username` names, as sign-in finds them (schools/backends.py): the person whose
    username it is exactly, or else everyone whose username it is in other capitals. More
    than one means it names nobody for sure: two usernames made before sign-in refused
    such pairs, given here in a third spelling."""
    exact = list(User.objects.filter(username=username)[:1])
    if exact:
        return exact
    # In Python's order, which is the same whatever the database's collation.
    return sorted(User.objects.filter(username__iexact=username), key=lambda p: p.username)
