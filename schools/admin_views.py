"""Admin screens beyond the model viewsets: setting up a new school with its lead, and the
password panel of Account."""

import logging

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.views.account import BaseSettingsPanel, ChangePasswordPanel

from .forms import PausedEmailChangeForm, PausedPasswordChangeForm, SchoolSetUpForm
from .services import lead_welcome_send, mail_failure_summary
from .services import school_set_up as school_set_up_service

logger = logging.getLogger(__name__)

SET_UP_PERMISSIONS = ["schools.add_school", "schools.add_user"]


def can_set_up_a_school(user) -> bool:
    """Whether `user` may set up a school. Its lead gets the Staff and Safeguarding leads
    roles, at an email address the administrator types: like ticking those roles in
    Settings -> Users, only for someone who may give them (`groups_beyond_reach`)."""
    from django.contrib.auth.models import Group as AuthGroup

    from .admin_viewsets import groups_beyond_reach
    from .roles import AUTH_GROUP_NAMES, Role

    if not user.has_perms(SET_UP_PERMISSIONS):
        return False
    names = [AUTH_GROUP_NAMES[Role.STAFF], AUTH_GROUP_NAMES[Role.SAFEGUARDING_LEAD]]
    return not groups_beyond_reach(user, AuthGroup.objects.filter(name__in=names))


def school_set_up(request):
    """One form for a new school and its first safeguarding lead (schools.services)."""
    if not can_set_up_a_school(request.user):
        raise PermissionDenied
    form = SchoolSetUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            school, lead = school_set_up_service(
                name=data["name"],
                urn=data["urn"],
                nation=data["nation"],
                lead_first_name=data["lead_first_name"],
                lead_last_name=data["lead_last_name"],
                lead_email=data["lead_email"],
            )
        except IntegrityError:
            # Another administrator set up a school with this URN, or an account with this
            # address, between the form's checks and saving (nothing of this one was saved):
            # checked again, the form says which, as it would have had they come first.
            form = SchoolSetUpForm(request.POST)
            if form.is_valid():
                raise
            return TemplateResponse(request, "schools/admin/school_set_up.html", {"form": form})
        names = {
            "school": school.name,
            "lead": lead.get_full_name(),
            "title": school.safeguarding_lead_title,
            "email": lead.email,
        }
        try:
            lead_welcome_send(lead=lead)
        except Exception as error:  # the mail server refused or is down: set up anyway
            if isinstance(error, OSError):  # its text may name the address: not logged
                logger.error(
                    "Welcome email to new lead %s failed: %s", lead.pk, mail_failure_summary(error)
                )
            else:
                logger.exception("Welcome email to new lead %s failed", lead.pk)
            messages.warning(
                request,
                _(
                    "%(school)s is set up, with %(lead)s as its %(title)s, but the email to "
                    "%(email)s could not be sent. Once email works, they can choose “reset "
                    "your password by email” on the sign-in page, with that address."
                )
                % names,
            )
        else:
            messages.success(
                request,
                _(
                    "%(school)s is set up. %(lead)s, its %(title)s, has been emailed a link "
                    "to choose a password at %(email)s."
                )
                % names,
            )
        return redirect(reverse("school:index"))
    return TemplateResponse(request, "schools/admin/school_set_up.html", {"form": form})


class PausedChangePasswordPanel(ChangePasswordPanel):
    """Account -> Password, whose old password is checked as a sign-in is: paused after five
    wrong ones, as the site's Change password is (PausedPasswordChangeForm). It takes the
    place of Wagtail's own panel (settings.WAGTAIL_PASSWORD_MANAGEMENT_ENABLED)."""

    def is_active(self):
        return self.user.has_usable_password()

    def get_form(self):
        # The Account page asks its panels for their forms several times a request: one form,
        # so a wrong old password counts once.
        form = getattr(self.request, "_upstander_password_form", None)
        if form is None:
            # Bound only when a new password was typed, as Wagtail's panel is: the Account
            # page sends every panel's fields together.
            post = self.request.POST if self.request.method == "POST" else {}
            typed = any(post.get(f"{self.name}-new_password{n}") for n in (1, 2))
            form = PausedPasswordChangeForm(
                self.user, post if typed else None, prefix=self.name, request=self.request
            )
            self.request._upstander_password_form = form
        return form


class PausedEmailChangePanel(BaseSettingsPanel):
    """Account -> Email, which asks for one's password to change the address
    (PausedEmailChangeForm). It takes the place of the email field of Wagtail's "Name and
    Email" panel (settings.WAGTAIL_EMAIL_MANAGEMENT_ENABLED), which did not."""

    name = "email"
    title = gettext_lazy("Email")
    order = 150

    def get_form(self):
        # Asked for several times a request, as the password panel's: one form, so a wrong
        # password counts once.
        form = getattr(self.request, "_upstander_email_form", None)
        if form is None:
            data = (self.request.POST,) if self.request.method == "POST" else ()
            form = PausedEmailChangeForm(
                *data, instance=self.user, prefix=self.name, request=self.request
            )
            self.request._upstander_email_form = form
        return form
