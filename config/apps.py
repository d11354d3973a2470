"""App configurations that change how an installed app is set up."""

from wagtail.users.apps import WagtailUsersAppConfig


class WagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's Users and Groups screens, with the project's checks on who may give what
    (schools.admin_users)."""

    group_viewset = "schools.admin_users.GroupViewSet"
    user_viewset = "schools.admin_users.UserViewSet"
