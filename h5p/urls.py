"""Site-origin URLs of the H5P app (the content origin's are in content_urls.py)."""

from django.urls import path

from . import views

app_name = "h5p"

urlpatterns = [
    path("<uuid:activity_uuid>/statements/", views.statements, name="statements"),
]
