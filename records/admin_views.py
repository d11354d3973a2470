"""Wagtail admin view: an editor marks a course as "requires renewal"."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import CourseRenewal
from .selectors import course_renewal_latest_id
from .services import course_renewal_require


class CourseRenewalForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("What changed"),
        max_length=300,
        help_text=gettext_lazy("Shown to staff in the email asking them to take it again."),
    )
    complete_within_days = forms.IntegerField(
        label=gettext_lazy("Days to complete it again"), min_value=1, max_value=365, initial=30
    )
    # The course's latest renewal when the form was shown: sent again, it does nothing more.
    latest_seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


def course_renewal_create(request, page_id: int):
    """Only someone who may publish the course may say it changed significantly."""
    from courses.models import CoursePage

    course = get_object_or_404(CoursePage, pk=page_id)
    if not course.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    form = CourseRenewalForm(
        request.POST or None,
        initial={"latest_seen": course_renewal_latest_id(course_page_id=course.pk)},
    )
    if request.method == "POST" and form.is_valid():
        renewal = course_renewal_require(
            course_page_id=course.pk,
            reason=form.cleaned_data["reason"],
            complete_within_days=form.cleaned_data["complete_within_days"],
            created_by=request.user,
            latest_seen=form.cleaned_data["latest_seen"],
        )
        if renewal is None:
            messages.warning(
                request,
                _(
                    "“%(course)s” was marked as requiring renewal after this form was opened "
                    "(perhaps it was sent twice), so nothing more was done: staff are emailed "
                    "once."
                )
                % {"course": course.title},
            )
            return redirect("wagtailadmin_pages:edit", course.pk)
        messages.success(
            request,
            _(
                "“%(course)s” now requires renewal: assigned staff who had completed it are "
                "enrolled again and told by email."
            )
            % {"course": course.title},
        )
        return redirect("wagtailadmin_pages:edit", course.pk)
    return TemplateResponse(
        request,
        "records/admin/course_renewal.html",
        {
            "course": course,
            "form": form,
            "renewals": CourseRenewal.objects.filter(course_id=course.pk),
            "page_title": _("Requires renewal"),
        },
    )
