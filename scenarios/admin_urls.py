"""Admin URLs for Twee import and export (registered by wagtail_hooks)."""

from django.urls import path

from . import admin_views

urlpatterns = [
    path("import/", admin_views.twee_import, name="import"),
    path("<int:pk>/export/", admin_views.twee_export_view, name="export"),
]
