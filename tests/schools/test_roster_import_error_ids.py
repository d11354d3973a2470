"""The roster import page's errors: one id each, named as the site's other forms name them,
and a summary whose links say which field each problem is in."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from schools.forms import RosterImportForm

pytestmark = pytest.mark.django_db


def ids_in(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', html)


def described_by(html: str, element_id: str) -> list[str]:
    tag = re.search(rf'<[^>]*\bid="{element_id}"[^>]*>', html).group(0)
    return re.search(r'aria-describedby="([^"]*)"', tag).group(1).split()


def test_two_problems_with_the_file_do_not_share_an_id():
    """Every error on the file box was given the id "id_file-error": with two, the page had
    the same id twice, which assistive technology resolves to the first only."""
    form = RosterImportForm(data={"kind": "pupils"}, files={})
    form.is_valid()
    form.add_error("file", "This file is too large to list who has left.")
    assert len(form.errors["file"]) == 2
    html = render_to_string("schools/roster_import.html", {"form": form})
    ids = ids_in(html)
    assert sorted(ids) == sorted(set(ids)), "an id is used twice"
    # The box is described by its hint and both its errors, under the ids Django's widgets
    # and includes/field.html use (FIELD_helptext, FIELD_error).
    assert described_by(html, "id_file") == ["id_file_helptext", "id_file_error"]
    error_block = re.search(r'<div id="id_file_error">(.*?)</div>', html, re.S).group(1)
    assert "Choose a CSV file to upload." in error_block
    assert "too large to list who has left" in error_block


def test_the_error_summary_names_the_field_of_each_problem(client, safeguarding_lead):
    """As in includes/form_errors.html, each link in the summary starts with its field's
    label, so a screen reader user moving through the links knows which field to fix."""
    client.force_login(safeguarding_lead)
    html = client.post(reverse("schools:roster_import"), {}).content.decode()
    summary = html.split("data-error-summary>", 1)[1].split("</div>", 1)[0]
    links = [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(r"<a [^>]*>(.*?)</a>", summary, re.S)
    ]
    assert links == [
        "Who is in the file?: Choose whether the file lists pupils or staff.",
        "CSV file: Choose a CSV file to upload.",
    ]
    assert 'aria-describedby="id_kind_error"' in html
    assert 'id="id_kind_error"' in html
