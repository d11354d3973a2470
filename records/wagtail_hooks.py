"""Registers records' admin view and its button on course pages, and erases the people the
admin's Users screens delete. Nothing else."""

from django.contrib.auth import get_user_model
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

import config.converters  # noqa: F401 (registers <id:...>)

from . import admin_views
from .models import DataProtectionEvent
from .services import admin_history_unname, learner_erase, learners_erase, sessions_end


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "records/courses/<id:page_id>/requires-renewal/",
            admin_views.course_renewal_create,
            name="records_course_renewal",
        )
    ]


@hooks.register("register_page_header_buttons")
def requires_renewal_button(page, user, view_name, next_url=None):
    if page.specific_class is None or page.specific_class.__name__ != "CoursePage":
        return
    if not page.permissions_for_user(user).can_publish():
        return
    yield Button(
        _("Requires renewal"),
        reverse("records_course_renewal", args=[page.pk]),
        icon_name="repeat",
        priority=80,
    )


# Deleting someone in the admin's Users (one, or several at once) erases them as the
# dashboard's "Erase this person" does: their statements and records go with the account and
# the school's data protection log notes it. Left to Wagtail alone, the statements would stay
# behind, no longer linked to anyone but still carrying the person's identifier.


def _erase_before_the_account_goes(request, user) -> None:
    learner_erase(
        learner=user,
        delete_account=False,  # Wagtail deletes it next, and records that it did
        by=request.user,
        via=DataProtectionEvent.Via.ADMIN,
        kind=DataProtectionEvent.Kind.ERASED,
    )


@hooks.register("before_delete_user")
def erase_a_user_deleted_in_the_admin(request, user):
    # The hook runs for the confirmation page too; only the confirmed POST deletes.
    if request.method == "POST":
        _erase_before_the_account_goes(request, user)
        user._erased_pk = user.pk  # deleting the account clears user.pk


@hooks.register("after_delete_user")
def unname_a_user_deleted_in_the_admin(request, user):
    # Wagtail notes the deletion in the admin's history, under their name, after the hook
    # above has run.
    if (pk := getattr(user, "_erased_pk", None)) is not None:
        admin_history_unname(person_pk=pk)


@hooks.register("before_bulk_action")
def erase_users_deleted_together_in_the_admin(request, action_type, objects, action):
    # Runs inside the bulk action's transaction, just before the accounts are deleted.
    if action_type == "delete" and getattr(action, "model", None) is get_user_model():
        # Together, not one by one: a class deleted at once would take thousands of queries.
        learners_erase(
            learners=list(objects),
            by=request.user,
            via=DataProtectionEvent.Via.ADMIN,
            kind=DataProtectionEvent.Kind.ERASED,
        )
        # Finding someone's sessions means reading every stored one: once for them all.
        sessions_end(user_pks=[user.pk for user in objects])
