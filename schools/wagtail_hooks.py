"""Registers the schools app's Wagtail admin screens. Nothing else lives here."""

from django.urls import path
from wagtail import hooks

from . import admin_views
from .admin_viewsets import SchoolsViewSetGroup


@hooks.register("register_admin_urls")
def register_school_set_up_url():
    return [path("schools/set-up/", admin_views.school_set_up, name="schools_set_up")]


@hooks.register("register_admin_viewset")
def register_schools_viewsets():
    return SchoolsViewSetGroup()
