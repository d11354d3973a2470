"""Admin URLs for Twee import and export (registered by wagtail_hooks)."""

from django.urls import path

import config.converters  # noqa: F401 (registers <id:...>)

from . import admin_views

urlpatterns = [
    path("import/", admin_views.twee_import, name="import"),
    path("<id:pk>/export/", admin_views.twee_export_view, name="export"),
]
