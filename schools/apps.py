from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete, post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs) -> None:
    # Permissions only exist after migrate has created them, so roles are granted then:
    # the same moment Django itself creates permissions.
    from .roles import roles_sync

    roles_sync()


def _session_start(sender, request, user, **kwargs) -> None:
    from .sessions import session_start

    if request is not None and hasattr(request, "session"):
        session_start(session=request.session, user=user)


def _avatar_file_delete(sender, instance, **kwargs) -> None:
    from .services import avatar_file_delete

    avatar_file_delete(profile=instance)


def _role_grants_record(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    # Someone given a role (an auth group), from either side of User.groups.
    if action != "post_add" or not pk_set:
        return
    from .roles import role_grants_record

    if reverse:
        role_grants_record(user_ids=pk_set, group_ids=[instance.pk])
    else:
        role_grants_record(user_ids=[instance.pk], group_ids=pk_set)


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = _("Schools and people")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deployment checks)

        # Connected for the last app in INSTALLED_APPS order that has permissions we grant.
        post_migrate.connect(_sync_roles, dispatch_uid="schools.roles_sync")
        user_logged_in.connect(_session_start, dispatch_uid="schools.session_start")
        from django.contrib.auth import get_user_model

        m2m_changed.connect(
            _role_grants_record,
            sender=get_user_model().groups.through,
            dispatch_uid="schools.role_grants_record",
        )
        # However an account goes (erasure, the admin's delete, its bulk action), the avatar
        # photo its profile names goes too.
        post_delete.connect(
            _avatar_file_delete,
            sender="wagtailusers.UserProfile",
            dispatch_uid="schools.avatar_file_delete",
        )
