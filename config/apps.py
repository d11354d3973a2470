"""App configurations that change how an installed app is set up."""

from wagtail.users.apps import WagtailUsersAppConfig


class WagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's Users screens, with the project's checks on who may give what
    (schools.admin_users)."""

    user_viewset = "schools.admin_users.UserViewSet"
