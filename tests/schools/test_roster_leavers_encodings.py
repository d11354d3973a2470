"""A whole-school file saved as Excel saves it on a school's Windows computer (plain "CSV",
which is Windows-1252, or "Unicode Text", which is UTF-16) goes through the check of who has
left and back, as the same file without "This file lists everyone at the school" imports."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools.models import User
from schools.roster import MAX_FILE_BYTES, Kind, roster_parse
from schools.services import roster_import

URL = reverse("schools:roster_import")
BACKEND = "schools.backends.AnyCaseUsernameBackend"

LAST_YEAR = "mis_id,first_name,last_name,class\r\nA1,Zoë,Brontë,8R\r\nA3,Ola,Nowak,11X\r\n"
THIS_YEAR = "mis_id,first_name,last_name,class\r\nA1,Zoë,Brontë,9R\r\nA5,José,Muñoz,7K\r\n"


def _import_whole_school_and_confirm_leavers(client, lead, data):
    """The lead imports `data` as the whole school's pupils, is shown Ola Nowak (in last
    year's file, not in this one) as a leaver, and confirms."""
    client.force_login(lead, backend=BACKEND)
    upload = SimpleUploadedFile("roster.csv", data, "text/csv")
    response = client.post(URL, {"kind": Kind.PUPILS, "file": upload, "everyone": "on"})
    assert response.status_code == 200
    assert "Ola Nowak" in response.text
    token = re.search(r'name="confirmation" value="([^"]+)"', response.text).group(1)
    response = client.post(URL, {"confirmation": token})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(THIS_YEAR.encode("cp1252"), id="windows-csv"),
        pytest.param(THIS_YEAR.replace(",", "\t").encode("utf-16"), id="unicode-text"),
    ],
)
def test_a_whole_school_file_saved_by_excel_on_windows_lists_the_leavers_and_imports(
    client, school, safeguarding_lead, data
):
    roster_import(
        school=school, kind=Kind.PUPILS, parsed=roster_parse(LAST_YEAR.encode(), kind="pupils")
    )
    _import_whole_school_and_confirm_leavers(client, safeguarding_lead, data)
    assert not User.objects.get(mis_id="A3").is_active
    new = User.objects.get(mis_id="A5")
    assert (new.first_name, new.last_name) == ("José", "Muñoz")
    assert set(User.objects.get(mis_id="A1").learning_groups.values_list("name", flat=True)) == {
        "9R"
    }


@pytest.mark.parametrize(
    ("encoding", "notes"),
    [
        pytest.param("cp1252", "é" * 18_000, id="windows-csv"),
        pytest.param("utf-16", "李" * 9_000, id="unicode-text"),
    ],
)
def test_a_whole_school_file_under_the_size_limit_as_saved_imports_once_confirmed(
    client, school, safeguarding_lead, encoding, notes
):
    """The limit is on the file chosen. Its text, carried to the confirmation as UTF-8, can be
    longer than the file was (é is one byte in Windows-1252 and two in UTF-8; 李 two in
    UTF-16 and three), and must not be refused as too large once the leavers are checked."""
    roster_import(
        school=school, kind=Kind.PUPILS, parsed=roster_parse(LAST_YEAR.encode(), kind="pupils")
    )
    # Each row's notes: a column the import does not read.
    rows = [f"B{n},Zoë,Brontë,9R,{notes}" for n in range(100)]
    text = "\r\n".join(["mis_id,first_name,last_name,class,notes", "A1,Zoë,Brontë,9R,", *rows])
    data = text.encode(encoding)
    assert len(data) < MAX_FILE_BYTES < len(text.encode())
    _import_whole_school_and_confirm_leavers(client, safeguarding_lead, data)
    assert not User.objects.get(mis_id="A3").is_active
    assert User.objects.filter(school=school, mis_id__startswith="B").count() == 100
