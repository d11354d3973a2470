"""Registers the schools app's Wagtail admin screens. Nothing else lives here."""

from django.contrib.auth import get_user_model
from django.urls import path
from wagtail import hooks

from . import admin_views
from .admin_viewsets import (
    SchoolsViewSetGroup,
    group_grant_refused,
    groups_beyond_reach_refused,
    superuser_change_refused,
)


@hooks.register("register_admin_urls")
def register_school_set_up_url():
    return [path("schools/set-up/", admin_views.school_set_up, name="schools_set_up")]


@hooks.register("register_admin_viewset")
def register_schools_viewsets():
    return SchoolsViewSetGroup()


@hooks.register("before_create_user", order=-1)
def refuse_to_create_a_superuser_unless_one(request):
    return superuser_change_refused(request, None) or group_grant_refused(request, None)


@hooks.register("before_edit_user", order=-1)
def refuse_to_change_a_superuser_unless_one(request, user):
    return superuser_change_refused(request, user) or group_grant_refused(request, user)


@hooks.register("before_bulk_action")
def refuse_to_assign_a_role_beyond_ones_own(request, action_type, objects, action):
    # Settings -> Users' "Assign role" to several people at once: the user form's rule.
    if action_type == "assign_role" and getattr(action, "model", None) is get_user_model():
        return groups_beyond_reach_refused(request, [action.cleaned_form.cleaned_data["role"]])
    return None
