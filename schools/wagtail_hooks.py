"""Registers the schools app's Wagtail admin screens. Nothing else lives here."""

from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin import messages

from . import admin_views
from .admin_choosers import person_chooser_viewset
from .admin_viewsets import (
    SchoolsViewSetGroup,
    groups_beyond_reach_refused,
    people_beyond_reach,
    pupil_role_refusal,
    staff_role_refusal,
    superuser_change_refused,
)
from .roles import AUTH_GROUP_NAMES, ROLE_BY_GROUP_NAME, Role


@hooks.register("register_admin_urls")
def register_school_set_up_url():
    return [path("schools/set-up/", admin_views.school_set_up, name="schools_set_up")]


@hooks.register("register_admin_viewset")
def register_schools_viewsets():
    return SchoolsViewSetGroup()


@hooks.register("register_admin_viewset")
def register_person_chooser():
    return person_chooser_viewset


# Making someone a superuser, or giving a role beyond one's own, is refused by the user forms
# themselves (schools.admin_users), next to the field.
@hooks.register("before_edit_user", order=-1)
def refuse_to_change_a_superuser_unless_one(request, user):
    return superuser_change_refused(request, user)


@hooks.register("before_bulk_action")
def refuse_to_assign_a_role_beyond_ones_own(request, action_type, objects, action):
    # Settings -> Users' "Assign role" to several people at once: the user form's rule.
    if action_type == "assign_role" and getattr(action, "model", None) is get_user_model():
        role = action.cleaned_form.cleaned_data["role"]
        return (
            groups_beyond_reach_refused(request, [role])
            or pupil_role_refused(request, role, objects)
            or staff_role_refused(request, role, objects)
        )
    return None


def pupil_role_refused(request, role, people):
    # As the user form: nobody who teaches a group is given the Pupils role.
    if ROLE_BY_GROUP_NAME.get(role.name) != Role.PUPIL:
        return None
    if refusal := pupil_role_refusal(people):
        messages.error(request, refusal)
        return redirect(request.get_full_path())
    return None


def staff_role_refused(request, role, people):
    # As the user form: no pupil, nor member of a class or year group, is made staff.
    if ROLE_BY_GROUP_NAME.get(role.name) not in (Role.STAFF, Role.SAFEGUARDING_LEAD):
        return None
    people = list(people)
    pupil_ids = set(
        get_user_model()
        .objects.filter(pk__in=[p.pk for p in people], groups__name=AUTH_GROUP_NAMES[Role.PUPIL])
        .values_list("pk", flat=True)
    )
    if refusal := staff_role_refusal(people, pupil_ids=pupil_ids):
        messages.error(request, refusal)
        return redirect(request.get_full_path())
    return None


@hooks.register("before_bulk_action")
def refuse_to_change_superusers_in_bulk_unless_one(request, action_type, objects, action):
    # "Set active state" for several people at once in Settings -> Users: only a superuser
    # changes a superuser (`superuser_change_refused`), nor locks them out.
    if request.user.is_superuser or getattr(action, "model", None) is not get_user_model():
        return None
    if action_type != "set_active_state":
        return None
    superusers = [person for person in objects if person.is_superuser]
    if not superusers:
        return None
    messages.error(
        request,
        _("Only a superuser can change a superuser's account: %(people)s.")
        % {"people": ", ".join(p.get_full_name() or p.get_username() for p in superusers)},
    )
    return redirect(request.get_full_path())


def _refuse_beyond_reach(request, action_type, objects, action, *, refused_action, message):
    """Stop a bulk action on people when some of them hold permissions the user does not;
    None lets it go ahead. `message` says so, naming them in %(people)s."""
    if request.user.is_superuser or getattr(action, "model", None) is not get_user_model():
        return None
    if action_type != refused_action:
        return None
    refused = people_beyond_reach(request.user, objects)
    if not refused:
        return None
    messages.error(
        request,
        message % {"people": ", ".join(p.get_full_name() or p.get_username() for p in refused)},
    )
    return redirect(request.get_full_path())


@hooks.register("before_bulk_action")
def refuse_to_set_active_state_in_bulk_beyond_reach(request, action_type, objects, action):
    # As the user form: only someone who holds all of a person's permissions deactivates or
    # reactivates them; a lead made inactive leaves their school without its dashboard.
    return _refuse_beyond_reach(
        request,
        action_type,
        objects,
        action,
        refused_action="set_active_state",
        message=_(
            "Only a superuser, or someone who holds all of their permissions, can deactivate "
            "or reactivate: %(people)s."
        ),
    )


# Before the records app's hook, which erases the people deleted together: a refusal must
# come before anyone's records go.
@hooks.register("before_bulk_action", order=-10)
def refuse_to_delete_in_bulk_beyond_reach(request, action_type, objects, action):
    # As deleting one person: only someone who holds all of a person's permissions deletes
    # them (`PersonDeleteView`).
    return _refuse_beyond_reach(
        request,
        action_type,
        objects,
        action,
        refused_action="delete",
        message=_(
            "Only a superuser, or someone who holds all of their permissions, can delete: "
            "%(people)s."
        ),
    )


@hooks.register("after_bulk_action")
def note_leaving_or_return_of_people_set_active_in_bulk(request, action_type, objects, action):
    # Wagtail's "Set active state" writes is_active alone, bypassing User.save: without this,
    # someone made inactive here had no day of leaving (so the retention purge never erased
    # them), and someone made active kept theirs.
    if action_type != "set_active_state" or getattr(action, "model", None) is not get_user_model():
        return None
    for person in get_user_model().objects.filter(pk__in=[p.pk for p in objects]):
        person.save(update_fields=["is_active"])
    return None


@hooks.register("register_account_settings_panel")
def register_password_panel(request, user, profile):
    return admin_views.PausedChangePasswordPanel(request, user, profile)


@hooks.register("register_account_settings_panel")
def register_email_panel(request, user, profile):
    return admin_views.PausedEmailChangePanel(request, user, profile)
