from django.urls import path

import config.converters  # noqa: F401 (registers <id:...>)

from . import views

app_name = "assessments"

urlpatterns = [
    path("modules/<id:module_id>/<uuid:quiz_uuid>/", views.quiz_detail, name="quiz_detail"),
    path("modules/<id:module_id>/<uuid:quiz_uuid>/start/", views.quiz_start, name="quiz_start"),
    path("attempts/<uuid:attempt_uuid>/", views.attempt_take, name="attempt_take"),
    path("attempts/<uuid:attempt_uuid>/result/", views.attempt_result, name="attempt_result"),
]
