from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("groups/", views.my_groups, name="my_groups"),
    path("roster/import/", views.roster_import, name="roster_import"),
]
