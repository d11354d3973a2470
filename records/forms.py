"""Forms for records: assigning a course, filtering the matrix, checking a certificate."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.forms import DatePickerField
from schools.roles import Role
from schools.selectors import group_reading_order, groups_visible_to

from .catalogue import assignment_fits, courses_catalogue
from .selectors import staff_not_leads
from .states import COMPLETED_INCLUDING_EXPIRING, STATE_LABELS, State

ROLE_CHOICES = [
    (Role.STAFF.value, _("All staff")),
    (Role.SAFEGUARDING_LEAD.value, _("All safeguarding leads")),
    (Role.PUPIL.value, _("All pupils")),
]


class AssignmentTermsForm(forms.Form):
    """When an assigned course is due, how often it is renewed and the time people who join
    later have: set when assigning a course, and changed afterwards."""

    due_on = DatePickerField(label=_("Due date"))
    renewal_months = forms.IntegerField(
        label=_("Renew every (months)"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("For CPD that expires, e.g. 12 for staff, 24 for safeguarding leads."),
    )
    new_starter_days = forms.IntegerField(
        label=_("Days for people who join later"),
        initial=30,
        min_value=0,
        max_value=365,
        help_text=_(
            "A new member of staff, or a pupil who joins the class, has this many days from "
            "joining, or until the due date if that is later, instead of being overdue at once."
        ),
    )
    # A due date that may stay as it is although it has passed (the one being changed).
    kept_due_on = None

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate() and due_on != self.kept_due_on:
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due_on


class AssignmentForm(AssignmentTermsForm):
    """Assign a course to one group, or to everyone with a role, by a due date."""

    course = forms.TypedChoiceField(label=_("Course"), coerce=int)
    group = forms.TypedChoiceField(
        label=_("Group"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("A class, year group or staff team. Leave empty to assign to a role."),
    )
    role = forms.ChoiceField(
        label=_("Or everyone with the role"),
        required=False,
        choices=[("", _("(none)")), *ROLE_CHOICES],
    )
    field_order = ["course", "group", "role"]

    def __init__(self, *args, viewer, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.courses = {c.page_id: c for c in courses_catalogue()}
        self.fields["course"].choices = [
            ("", _("Choose a course")),
            *((pk, c.title) for pk, c in self.courses.items()),
        ]
        # Only the school's own groups: a superuser sees every school's.
        groups = sorted(groups_visible_to(viewer).filter(school=school), key=group_reading_order)
        self.groups = {g.pk: g for g in groups}
        self.fields["group"].choices = [("", _("(none)"))] + [
            (pk, str(g)) for pk, g in self.groups.items()
        ]

    def clean(self):
        # A problem with who the course is for belongs to the box it is about (the group's,
        # or the role's when no group is chosen): the error summary links to it and the box
        # is described by it, as for every other problem (WCAG 3.3.1).
        cleaned = super().clean()
        group_id, role = cleaned.get("group"), cleaned.get("role")
        if group_id and role:
            self.add_error("group", _("Choose a group or a role, not both."))
            return cleaned
        if not group_id and not role and not self.errors:
            self.add_error("group", _("Choose a group or a role to assign the course to."))
            return cleaned
        cleaned["group_obj"] = self.groups.get(group_id) if group_id else None
        course = self.courses.get(cleaned.get("course"))
        if course is not None and (group_id or role) and not self.errors:
            group = cleaned["group_obj"]
            staff_team = None if group is None else group.kind == group.Kind.STAFF_TEAM
            if not assignment_fits(audience=course.audience, staff_team=staff_team, role=role):
                self.add_error(
                    "group" if group else "role",
                    _("“%(course)s” is not for %(audience)s: they could never complete it.")
                    % {
                        "course": course.title,
                        "audience": group.name if group else str(dict(ROLE_CHOICES)[role]).lower(),
                    },
                )
                return cleaned
            if staff_team and course.audience == "safeguarding_leads":
                others = staff_not_leads(group=group)
                if others:
                    self.add_error(
                        "group",
                        ngettext(
                            "“%(course)s” is for safeguarding leads only: %(count)s person in "
                            "%(group)s is not one and could never complete it. Assign it to "
                            "all safeguarding leads instead.",
                            "“%(course)s” is for safeguarding leads only: %(count)s people in "
                            "%(group)s are not leads and could never complete it. Assign it to "
                            "all safeguarding leads instead.",
                            others,
                        )
                        % {"course": course.title, "count": others, "group": group.name},
                    )
        return cleaned


class AssignmentChangeForm(AssignmentTermsForm):
    """Change an assignment's dates; the course and who it is for stay as they are."""

    def __init__(self, *args, assignment, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "due_on": assignment.due_on,
                "renewal_months": assignment.renewal_months,
                "new_starter_days": assignment.new_starter_days,
            },
        )
        super().__init__(*args, **kwargs)
        self.kept_due_on = assignment.due_on


class MatrixFilterForm(forms.Form):
    """The matrix's filters; every field is optional and bad values are simply ignored."""

    group = forms.TypedChoiceField(label=_("Group"), coerce=int, required=False, empty_value=None)
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[
            ("", _("Everyone")),
            (Role.STAFF.value, _("Staff")),
            (Role.SAFEGUARDING_LEAD.value, _("Safeguarding leads")),
            (Role.PUPIL.value, _("Pupils")),
        ],
    )
    course = forms.TypedChoiceField(label=_("Course"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any")),
            *[
                (s.value, COMPLETED_INCLUDING_EXPIRING if s == State.COMPLETED else label)
                for s, label in STATE_LABELS.items()
            ],
        ],
    )

    def __init__(self, *args, viewer, school, courses, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the school's own groups: a superuser sees every school's.
        groups = sorted(groups_visible_to(viewer).filter(school=school), key=group_reading_order)
        self.fields["group"].choices = [("", _("All groups"))] + [(g.pk, str(g)) for g in groups]
        self.fields["course"].choices = [("", _("All courses"))] + [
            (c.page_id, c.title) for c in courses
        ]


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        # Room for the whole printed line ("Verification code: ABCD-…"), which selecting the
        # code in a PDF reader often copies with it.
        max_length=60,
        help_text=_("As printed on the certificate, for example ABCD-EFGH-JKLM."),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].rsplit(":", 1)[-1].strip()
