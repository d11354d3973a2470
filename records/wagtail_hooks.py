"""Registers records' admin view and its button on course pages. Nothing else."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from . import admin_views


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "records/courses/<int:page_id>/requires-renewal/",
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
