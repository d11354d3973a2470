from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class XapiConfig(AppConfig):
    name = "xapi"
    verbose_name = _("xAPI and LRS")

    def ready(self) -> None:
        # Connects the signals that keep the cached forwarding targets current.
        from . import targets  # noqa: F401
