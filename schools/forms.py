"""Forms for importing rosters and resetting passwords."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .roster import MAX_FILE_BYTES, Kind


class RosterImportForm(forms.Form):
    """The upload on the roster import page: who is in the file, and the file."""

    kind = forms.ChoiceField(
        label=_("Who is in the file?"),
        choices=[(Kind.PUPILS, _("Pupils")), (Kind.STAFF, _("Staff"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the file lists pupils or staff.")},
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("A .csv file saved as 'CSV UTF-8', up to 2 MB and 5,000 people."),
        error_messages={
            "required": _("Choose a CSV file to upload."),
            "empty": _("The file is empty."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    everyone = forms.BooleanField(
        label=_("This file lists everyone at the school: mark anyone not in it as having left"),
        help_text=_(
            "For the start of a school year, or whenever you import the whole school from "
            "your MIS. Pupils (or staff) not in the file can no longer sign in and are no "
            "longer counted in classes, dashboards or reminders; their records are kept. You "
            "will see who they are before anything changes."
        ),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is too large: the limit is 2 MB. Split it into smaller files.")
            )
        name = (upload.name or "").lower()
        if name.endswith((".xlsx", ".xls", ".ods", ".numbers")):
            raise forms.ValidationError(
                _(
                    "This is a spreadsheet file, not a CSV file. In your spreadsheet program "
                    "choose Save As, then 'CSV UTF-8 (comma delimited)', and upload that file."
                )
            )
        if not name.endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Upload a file whose name ends in .csv."))
        return upload
