"""A safeguarding lead imports a roster in the browser: an error, the fix, the login sheet.

Every page visited passes axe-core.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import MOBILE, assert_accessible, assert_fits_the_screen, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "mis_id,first_name,last_name,class,year_group\n"
BROKEN = HEADER + "B1,Amara,Okafor,8R,Year 8\nB2,Ben,,8R,Year 8\n"
FIXED = HEADER + "B1,Amara,Okafor,8R,Year 8\nB2,Ben,Carter,8R,Year 8\n"


def choose_file(page, text: str) -> None:
    page.get_by_label("CSV file").set_input_files(
        {"name": "class-8r.csv", "mimeType": "text/csv", "buffer": text.encode()}
    )


def expect_the_file_box_marked(page, problem: str):
    """The page came back with errors and the file box is the one to put right: marked
    invalid and described by the `problem` (a regular expression). Returns the file box."""
    expect(page).to_have_title(re.compile(r"^Error: "))
    file_box = page.get_by_label("CSV file")
    expect(file_box).to_have_attribute("aria-invalid", "true")
    expect(file_box).to_have_accessible_description(re.compile(problem))
    return file_box


def test_a_lead_fixes_a_row_error_imports_and_a_pupil_signs_in_from_the_sheet(
    browser, page, live_server, safeguarding_lead
):
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    sign_in(page, live_server, safeguarding_lead.username)
    expect(page.get_by_role("link", name="Open the safeguarding dashboard")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="My groups").click()
    assert_accessible(page)
    page.get_by_role("link", name="Import pupils or staff from a CSV file").click()
    expect(page.get_by_role("heading", name="Import pupils or staff", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Pupils").check()
    choose_file(page, BROKEN)
    page.get_by_role("button", name="Import").click()
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    assert "Line 3, last_name: This is required." in summary.inner_text()
    # The error summary takes focus, so screen readers announce it at once.
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    expect(page.get_by_role("row", name="3 last_name This is required.")).to_be_visible()
    assert page.title().startswith("Error:")
    assert_accessible(page)
    # Its link to the problem moves focus to that row of the table of problems.
    summary.get_by_role("link", name="Line 3, last_name: This is required.").click()
    expect(page.get_by_role("row", name="3 last_name This is required.")).to_be_focused()

    page.get_by_label("Pupils").check()
    choose_file(page, FIXED)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Roster imported")).to_be_visible()
    assert "2 new pupils added." in page.get_by_role("status").inner_text()
    sheet = page.get_by_role("region", name="Login sheet: 8R")
    row = sheet.get_by_role("row", name="Ben Carter")
    username, password = (cell.inner_text() for cell in row.get_by_role("cell").all())
    assert username == "benc"
    expect(page.get_by_role("button", name="Print login sheets")).to_be_visible()
    assert_accessible(page)

    pupil_context = browser.new_context(viewport=MOBILE)
    pupil_page = pupil_context.new_page()
    sign_in(pupil_page, live_server, username, password)
    expect(pupil_page.get_by_role("heading", name="My learning")).to_be_visible()
    assert_accessible(pupil_page)
    pupil_context.close()


def test_the_import_page_works_without_javascript_on_a_phone(
    browser, live_server, safeguarding_lead
):
    context = browser.new_context(viewport=MOBILE, java_script_enabled=False)
    page = context.new_page()
    # axe-core needs JavaScript, so this test checks behaviour only; the same pages pass
    # axe-core in the test above.
    sign_in(page, live_server, safeguarding_lead.username)
    page.goto(f"{live_server.url}/schools/roster/import/")
    page.get_by_role("button", name="Import").click()
    summary = page.get_by_role("alert")
    assert "Choose whether the file lists pupils or staff." in summary.inner_text()
    assert "Choose a CSV file to upload." in summary.inner_text()
    page.get_by_label("Staff").check()
    page.get_by_label("CSV file").set_input_files(
        {
            "name": "staff.csv",
            "mimeType": "text/csv",
            "buffer": b"mis_id,first_name,last_name,email\nT1,Sam,Jones,sam@school.example\n",
        }
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("region", name="Login sheet: Staff")).to_be_visible()
    # Without JavaScript the print button stays hidden: the browser's own Print works.
    expect(page.get_by_role("button", name="Print login sheets")).to_be_hidden()
    context.close()


LAST_YEAR = HEADER + "C1,Amara,Okafor,8R,Year 8\nC2,Ben,Carter,11X,Year 11\n"
THIS_YEAR = HEADER + "C1,Amara,Okafor,9R,Year 9\nC3,Dev,Shah,7K,Year 7\n"


def test_at_the_start_of_a_year_a_lead_checks_who_has_left_and_marks_them(
    browser, live_server, safeguarding_lead
):
    context = browser.new_context(viewport=MOBILE)
    page = context.new_page()
    sign_in(page, live_server, safeguarding_lead.username)
    page.goto(f"{live_server.url}/schools/roster/import/")
    page.get_by_label("Pupils").check()
    choose_file(page, LAST_YEAR)
    page.get_by_role("button", name="Import").click()
    row = page.get_by_role("region", name="Login sheet: 11X").get_by_role("row", name="Ben Carter")
    username, password = (cell.inner_text() for cell in row.get_by_role("cell").all())

    page.goto(f"{live_server.url}/schools/roster/import/")
    page.get_by_label("Pupils").check()
    choose_file(page, THIS_YEAR)
    page.get_by_label("This file lists everyone at the school").check()
    assert_accessible(page)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Check who has left", level=1)).to_be_visible()
    leavers = page.get_by_role("region", name="Everyone who will be marked as having left")
    expect(leavers.get_by_role("row", name="Ben Carter")).to_be_visible()
    expect(leavers.get_by_role("row", name="Amara Okafor")).to_have_count(0)
    assert_accessible(page)
    assert_fits_the_screen(page)

    page.get_by_role("button", name="Import the file and mark 1 pupil as left").click()
    expect(page.get_by_role("heading", name="1 person marked as having left")).to_be_visible()
    expect(page.get_by_role("region", name="Login sheet: 7K")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Everyone who has left").click()
    expect(page.get_by_role("heading", name="Left the school", level=1)).to_be_visible()
    assert_accessible(page)
    assert_fits_the_screen(page)
    page.get_by_role("link", name="Ben Carter").click()
    expect(page.get_by_text("Has left the school")).to_be_visible()
    assert_accessible(page)
    # Back for a week (a mistake in the MIS): one click, then gone again.
    page.get_by_role("button", name="Bring them back").click()
    expect(page.get_by_text("Ben Carter is back: they can sign in again.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Mark as having left the school").click()
    expect(page.get_by_text("Ben Carter is marked as having left the school.")).to_be_visible()
    context.close()

    leaver_context = browser.new_context(viewport=MOBILE)
    leaver = leaver_context.new_page()
    leaver.goto(f"{live_server.url}/accounts/login/")
    leaver.get_by_label("Username").fill(username)
    leaver.get_by_label("Password").fill(password)
    leaver.locator("main button[type=submit]").click()
    expect(leaver.get_by_role("alert")).to_be_visible()
    expect(leaver.get_by_role("heading", name="My learning")).to_have_count(0)
    leaver_context.close()


def test_problems_in_the_file_mark_the_file_box_and_lead_back_to_it(
    page, live_server, safeguarding_lead
):
    """Problems in the rows of a file are problems with the file chosen (GOV.UK's file
    upload pattern): the file box is marked as the one to put right, says why, and the error
    summary leads back to it, so a screen reader or keyboard user who reads the problems
    knows where to choose the corrected file."""
    sign_in(page, live_server, safeguarding_lead.username)
    page.goto(f"{live_server.url}/schools/roster/import/")
    page.get_by_label("Pupils").check()
    choose_file(page, BROKEN)
    page.get_by_role("button", name="Import").click()
    file_box = expect_the_file_box_marked(page, "The file has 1 problem, listed above")
    summary = page.get_by_role("alert")
    summary.get_by_role("link", name="upload it again").click()
    expect(file_box).to_be_focused()
    assert_accessible(page)
    # Focus moves on from the file box to the next field.
    page.keyboard.press("Tab")
    expect(page.get_by_label("This file lists everyone at the school")).to_be_focused()


def test_a_file_too_large_to_check_for_leavers_is_marked_on_the_file_box(
    page, live_server, safeguarding_lead, settings
):
    """Too large to carry back through the list of who has left is a problem with the file
    chosen: the error summary links to the file box, which says why."""
    sign_in(page, live_server, safeguarding_lead.username)
    page.goto(f"{live_server.url}/schools/roster/import/")
    page.get_by_label("Pupils").check()
    choose_file(page, LAST_YEAR)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("region", name="Login sheet: 11X")).to_be_visible()

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096 + 100  # room for 100 characters
    page.goto(f"{live_server.url}/schools/roster/import/")
    page.get_by_label("Pupils").check()
    choose_file(page, THIS_YEAR)
    page.get_by_label("This file lists everyone at the school").check()
    page.get_by_role("button", name="Import").click()
    file_box = expect_the_file_box_marked(page, "Delete the columns Upstander does not use")
    page.get_by_role("alert").get_by_role("link", name=re.compile("too large")).click()
    expect(file_box).to_be_focused()
    assert_accessible(page)


def test_the_error_summary_names_each_field_and_leads_to_it(page, live_server, safeguarding_lead):
    """Each link in the summary starts with its field's label, as on the site's other forms,
    and each field is described by its error."""
    sign_in(page, live_server, safeguarding_lead.username)
    page.goto(f"{live_server.url}/schools/roster/import/")
    page.get_by_role("button", name="Import").click()
    summary = page.get_by_role("alert")
    summary.get_by_role(
        "link", name="Who is in the file?: Choose whether the file lists pupils or staff."
    ).click()
    expect(page.get_by_label("Pupils")).to_be_focused()
    expect(page.get_by_role("group", name="Who is in the file?")).to_have_accessible_description(
        re.compile("Choose whether the file lists pupils or staff.")
    )
    summary.get_by_role("link", name="CSV file: Choose a CSV file to upload.").click()
    file_box = page.get_by_label("CSV file")
    expect(file_box).to_be_focused()
    expect(file_box).to_have_accessible_description(re.compile("Choose a CSV file to upload."))
    assert_accessible(page)


def test_a_list_that_changed_before_it_was_confirmed_takes_focus_to_say_so(
    page, live_server, safeguarding_lead
):
    """The warning that nothing was imported is the first thing a screen reader or keyboard
    user meets on the page shown again, not something found only by reading on."""
    from tests.factories import PupilFactory

    sign_in(page, live_server, safeguarding_lead.username)
    page.goto(f"{live_server.url}/schools/roster/import/")
    page.get_by_label("Pupils").check()
    choose_file(page, LAST_YEAR)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Roster imported")).to_be_visible()
    page.goto(f"{live_server.url}/schools/roster/import/")
    page.get_by_label("Pupils").check()
    choose_file(page, THIS_YEAR)
    page.get_by_label("This file lists everyone at the school").check()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Check who has left", level=1)).to_be_visible()
    PupilFactory(school=safeguarding_lead.school, mis_id="C9")
    page.get_by_role("button", name="Import the file and mark 1 pupil as left").click()
    alert = page.get_by_role("alert").filter(has_text="The list has changed since you last saw it")
    expect(alert).to_be_visible()
    expect(alert).to_be_focused()
    assert_accessible(page)
