"""templates/includes/field.html: one form field with its label, hint and error."""

from unittest import mock

from django import forms
from django.template.loader import render_to_string
from django.utils import translation


class _NameForm(forms.Form):
    name = forms.CharField(label="Name")


def _translated(message):
    # A stand-in catalog: every message comes back marked, so text that was never passed
    # through gettext stands out in English.
    return f"[{message}]"


def test_the_hidden_error_prefix_read_before_a_fields_error_is_translated():
    """Screen readers read "Error:" before the message; in another language it must be that
    language's word, like every other string the site shows."""
    form = _NameForm(data={"name": ""})
    assert not form.is_valid()
    with (
        translation.override("en-gb"),
        mock.patch.object(translation._trans, "gettext", _translated),
    ):
        html = render_to_string("includes/field.html", {"field": form["name"]})
    assert '<span class="visually-hidden">[Error:]</span>' in html
