"""Form fields the site's forms share."""

from django import forms
from django.utils.translation import gettext_lazy as _

# Day first, as UK staff type a date: 31/12/2026, 31/12/26, 31.12.2026 or 31-12-2026. A
# two-digit year comes first, or "%Y" would read 31/12/26 as the year 26; then the
# picker's YYYY-MM-DD ("%y" takes only two digits, so 31/12/2026 is not read as 2020).
TYPED_DATE_FORMATS = [
    "%d/%m/%y",
    "%d/%m/%Y",
    "%d.%m.%y",
    "%d.%m.%Y",
    "%d-%m-%y",
    "%d-%m-%Y",
    "%Y-%m-%d",
]


class DatePickerField(forms.DateField):
    """A date with the browser's date picker. The picker only shows a value written as
    YYYY-MM-DD, whatever the site's date format; typed by hand (no picker), 31/12/2026 works."""

    def __init__(self, **kwargs):
        # The hint says how to type a date by hand; site.js drops it where the browser has a
        # picker, which shows dates as the device is set (12/31/2026 in US English).
        attrs = {"type": "date", "data-typed-date-hint": ""}
        kwargs.setdefault("widget", forms.DateInput(attrs=attrs, format="%Y-%m-%d"))
        kwargs.setdefault("input_formats", TYPED_DATE_FORMATS)
        kwargs.setdefault("help_text", _("For example 31/12/2026."))
        # Django's "Enter a valid date." does not say that 12/31/2026 (month first) is the
        # wrong way round, nor that 31/02/2027 does not exist: say the order the site reads.
        kwargs.setdefault(
            "error_messages",
            {"invalid": _("Enter a real date as day/month/year, for example 31/12/2026.")},
        )
        super().__init__(**kwargs)
