"""Registers the LRS admin screens with Wagtail."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

import config.converters  # noqa: F401 (registers <id:...>)

from .admin_home import ForwardingPanel, shown_to, targets_in_trouble
from .admin_viewsets import XapiViewSetGroup, forwarding_replay, forwarding_status


@hooks.register("register_admin_viewset")
def register_xapi_viewsets():
    return XapiViewSetGroup()


@hooks.register("register_admin_urls")
def register_forwarding_urls():
    return [
        path("xapi/outbox/", forwarding_status, name="xapi_forwarding_status"),
        path("xapi/outbox/<id:pk>/replay/", forwarding_replay, name="xapi_forwarding_replay"),
    ]


class _OutboxMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("xapi.change_forwardingtarget")


@hooks.register("register_settings_menu_item")
def register_forwarding_menu_item():
    return _OutboxMenuItem(
        _("xAPI forwarding status"),
        reverse("xapi_forwarding_status"),
        icon_name="resubmit",
        order=900,
    )


@hooks.register("construct_homepage_panels")
def add_forwarding_panel(request, panels):
    if shown_to(request.user):
        rows = targets_in_trouble()
        if rows:
            panels.append(ForwardingPanel(rows))
