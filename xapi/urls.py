"""The built-in LRS at /xapi/ (xAPI Part Three 2: resource paths relative to the endpoint)
and our profile document."""

from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from .lrs import views

app_name = "xapi"

urlpatterns = [
    path("statements", views.statements, name="statements"),
    path("activities/state", views.state, name="state"),
    path("activities/profile", views.activity_profile, name="activity_profile"),
    path("activities", views.activities, name="activities"),
    path("agents/profile", views.agent_profile, name="agent_profile"),
    path("agents", views.agents, name="agents"),
    path("about", csrf_exempt(views.about), name="about"),
    path("profile/", views.profile, name="profile"),
    # Anything else is a JSON 404 with the LRS's headers ("profile" still gains its slash).
    re_path(r"^(?!profile$).*$", views.not_found),
]
