"""The four roles, as Django auth groups with their permissions.

A person may hold several roles (a safeguarding lead is usually also a member of staff).
`roles_sync()` creates the groups and grants their permissions; it is idempotent and runs
after every `migrate`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PUPIL = "pupil", _("Pupil")
    STAFF = "staff", _("Staff")
    SAFEGUARDING_LEAD = "safeguarding_lead", _("Safeguarding lead")
    EDITOR = "editor", _("Editor")


# The auth group that carries each role. Names are shown in the Wagtail admin.
AUTH_GROUP_NAMES: dict[str, str] = {
    Role.PUPIL: "Pupils",
    Role.STAFF: "Staff",
    Role.SAFEGUARDING_LEAD: "Safeguarding leads",
    Role.EDITOR: "Editors",
}
ROLE_BY_GROUP_NAME = {name: role for role, name in AUTH_GROUP_NAMES.items()}

# Model permissions per role, as "app_label.codename". Editors also get Wagtail page and
# collection permissions; see `roles_sync`.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.PUPIL: [],
    Role.STAFF: ["schools.reset_pupil_password"],
    Role.SAFEGUARDING_LEAD: [
        "schools.import_roster",
        "schools.view_safeguarding_dashboard",
        "schools.reset_pupil_password",
    ],
    Role.EDITOR: ["wagtailadmin.access_admin"],
}

# Every model permission of these models goes to editors: the content they build (pages,
# snippets). Learners' data in the same apps (enrolments, reflections, attempts, class
# results) is not on the list: no editor's work needs it, and `roles_sync` takes back what
# earlier versions granted over it.
EDITOR_CONTENT_APPS = ["courses", "scenarios", "assessments", "h5p"]
EDITOR_CONTENT_MODELS = [
    "courses.homepage",
    "courses.courseindexpage",
    "courses.coursepage",
    "courses.modulepage",
    "courses.topic",
    "scenarios.scenario",
    "assessments.quiz",
    "h5p.h5pactivity",
]
EDITOR_WAGTAIL_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


def roles_of(user) -> frozenset[str]:
    """The roles a user holds, read from their auth groups (cached on the instance)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_upstander_roles", None)
    if cached is None:
        names = user.groups.values_list("name", flat=True)
        cached = frozenset(ROLE_BY_GROUP_NAME[n] for n in names if n in ROLE_BY_GROUP_NAME)
        user._upstander_roles = cached
    return cached


def has_role(user, role: str) -> bool:
    return role in roles_of(user)


def role_assign(*, user, role: str) -> None:
    """Give a user a role. Idempotent."""
    from django.contrib.auth.models import Group as AuthGroup

    group, _created = AuthGroup.objects.get_or_create(name=AUTH_GROUP_NAMES[role])
    user.groups.add(group)
    user.__dict__.pop("_upstander_roles", None)


def role_grants_record(*, user_ids, group_ids) -> None:
    """Note that these people were given these auth groups now, for the ones that are roles.

    Runs on every `groups.add` / `user_set.add` (role_assign, Settings -> Users, its "Assign
    role" bulk action), which passes only the groups a person did not already have; code
    that writes the auth groups' table directly (the roster import) calls it itself."""
    from django.contrib.auth.models import Group as AuthGroup
    from django.utils import timezone

    from .models import RoleGrant

    roles = list(
        AuthGroup.objects.filter(
            pk__in=list(group_ids), name__in=list(ROLE_BY_GROUP_NAME)
        ).values_list("pk", flat=True)
    )
    user_ids = list(user_ids)
    if not roles or not user_ids:
        return
    now = timezone.now()
    RoleGrant.objects.bulk_create(
        [RoleGrant(user_id=u, group_id=g, granted_at=now) for u in user_ids for g in roles],
        update_conflicts=True,
        unique_fields=["user", "group"],
        update_fields=["granted_at"],
        batch_size=500,
    )


def roles_sync() -> None:
    """Create the role groups and grant their permissions. Safe to run any number of times."""
    from django.contrib.auth.models import Group as AuthGroup
    from django.contrib.auth.models import Permission

    for role, name in AUTH_GROUP_NAMES.items():
        group, _created = AuthGroup.objects.get_or_create(name=name)
        wanted = list(ROLE_PERMISSIONS[role])
        if role == Role.EDITOR:
            wanted += EDITOR_WAGTAIL_PERMISSIONS
        perms = []
        for dotted in wanted:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                perms.append(perm)
        if role == Role.EDITOR:
            content = _editor_content_permissions()
            perms += list(content)
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label__in=EDITOR_CONTENT_APPS).exclude(
                    pk__in=content
                )
            )
        group.permissions.add(*perms)
        if role == Role.EDITOR:
            _grant_editor_tree_permissions(group)


def _editor_content_permissions():
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    models = Q(pk__in=[])
    for dotted in EDITOR_CONTENT_MODELS:
        app_label, model = dotted.split(".")
        models |= Q(content_type__app_label=app_label, content_type__model=model)
    return Permission.objects.filter(models)


def _grant_editor_tree_permissions(group) -> None:
    from django.contrib.auth.models import Permission
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    root_page = Page.get_first_root_node()
    if root_page is not None:
        for codename in EDITOR_PAGE_PERMISSIONS:
            perm = Permission.objects.filter(
                content_type__app_label="wagtailcore", codename=codename
            ).first()
            if perm is not None:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=perm
                )
    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        for dotted in EDITOR_WAGTAIL_PERMISSIONS:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=perm
                )
