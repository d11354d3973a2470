"""Registers the schools app's Wagtail admin screens. Nothing else lives here."""

from wagtail import hooks

from .admin_viewsets import SchoolsViewSetGroup


@hooks.register("register_admin_viewset")
def register_schools_viewsets():
    return SchoolsViewSetGroup()
