from django.urls import path

from . import views

app_name = "scenarios"

urlpatterns = [
    path("<uuid:scenario_uuid>/", views.play, name="play"),
    path("<uuid:scenario_uuid>/start/", views.start, name="start"),
    path("attempts/<uuid:attempt_uuid>/choose/", views.choose, name="choose"),
    path("attempts/<uuid:attempt_uuid>/skip/", views.skip, name="skip"),
]

urlpatterns += [
    path("classroom/", views.classroom_start, name="classroom_start"),
    path("classroom/<uuid:session_uuid>/", views.classroom, name="classroom"),
    path("classroom/<uuid:session_uuid>/remove/", views.classroom_remove, name="classroom_remove"),
    path("analytics/", views.analytics, name="analytics"),
    path("analytics.csv", views.analytics_csv, name="analytics_csv"),
]
