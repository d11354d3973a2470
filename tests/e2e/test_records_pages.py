"""Records pages on a phone: the dashboard, the matrix, assignments, PSHE records and the
verification page pass axe-core; the matrix filters work without JavaScript."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from records.services import assignment_create
from tests.e2e.conftest import MOBILE, assert_accessible, assert_fits_the_screen, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def assigned(home_page, school, klass, pupil, teacher, safeguarding_lead):
    from courses.demo import demo_content_load
    from schools.roles import Role

    courses = demo_content_load()
    for course in courses.values():
        role = {"pupils": Role.PUPIL, "safeguarding_leads": Role.SAFEGUARDING_LEAD}.get(
            course.audience, Role.STAFF
        )
        assignment_create(
            school=school,
            course_page_id=course.pk,
            role=role,
            due_on=date.today() + timedelta(days=5),
        )
    return courses


def test_dashboard_pages_on_a_phone_without_javascript(
    browser, live_server, assigned, safeguarding_lead
):
    ctx = browser.new_context(viewport=MOBILE)
    page = ctx.new_page()
    sign_in(page, live_server, safeguarding_lead.username)
    for path in (
        "/records/dashboard/",
        "/records/dashboard/matrix/?status=not_started",
        "/records/dashboard/assignments/",
        "/records/dashboard/chase/",
        "/records/dashboard/data-protection/",
        "/records/pshe/classes/",
        "/records/cpd/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
        assert_fits_the_screen(page)
    ctx.close()
    # Filters work as a plain form, without JavaScript.
    ctx = browser.new_context(viewport=MOBILE, java_script_enabled=False)
    page = ctx.new_page()
    sign_in(page, live_server, safeguarding_lead.username)
    page.goto(f"{live_server.url}/records/dashboard/matrix/")
    page.get_by_label("Role").select_option(label="Staff")
    page.get_by_role("button", name="Filter").click()
    assert "role=staff" in page.url
    expect(page.get_by_role("row", name="Not started").first).to_be_visible()
    ctx.close()


def test_teacher_sees_class_record_and_pupil_sees_their_own(
    browser, live_server, assigned, teacher, pupil, klass
):
    ctx = browser.new_context(viewport=MOBILE)
    page = ctx.new_page()
    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}/records/pshe/classes/")
    page.get_by_role("link", name=klass.name).click()
    expect(page.get_by_role("heading", name=f"PSHE record: {klass.name}")).to_be_visible()
    # The pupils' courses set for everyone with the pupil role, due in five days, nobody done.
    expect(page.get_by_role("heading", name=f"Set for pupils in {klass.name}")).to_be_visible()
    pupils_courses = [c for c in assigned.values() if c.audience == "pupils"]
    set_table = page.get_by_role("region", name=f"Set for pupils in {klass.name}")
    for course in pupils_courses:
        row = set_table.get_by_role("row", name=course.title)
        expect(row).to_contain_text("1 pupil")
        expect(row).to_contain_text("0 of 1")
        expect(row).to_contain_text("None")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, pupil.username)
    page.goto(f"{live_server.url}/records/pshe/")
    expect(page.get_by_role("heading", name="My PSHE lessons")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/records/verify/?code=nope")
    expect(page.get_by_role("heading", name="Not a valid certificate")).to_be_visible()
    assert_accessible(page)
    ctx.close()


def test_a_lead_erases_a_pupil_and_finds_it_in_the_data_protection_log(
    browser, live_server, assigned, pupil, teacher, safeguarding_lead
):
    from records.services import reminders_send

    pupil.first_name, pupil.last_name, pupil.mis_id = "Zofia", "Kowalska", "A1234"
    pupil.save()
    teacher.first_name, teacher.last_name = "Tom", "Teacher"
    teacher.save()
    reminders_send()  # the staff course is due in five days: the teacher is emailed
    ctx = browser.new_context(viewport=MOBILE)
    page = ctx.new_page()
    sign_in(page, live_server, safeguarding_lead.username)
    # Chasing: a member of staff's page says which reminder went and when.
    page.goto(f"{live_server.url}/records/dashboard/people/{teacher.pk}/")
    assigned_table = page.get_by_role("region", name="Assigned courses")
    expect(assigned_table.get_by_role("columnheader", name="Last reminder emailed")).to_be_visible()
    expect(assigned_table).to_contain_text("Due soon, ")
    assert_accessible(page)
    assert_fits_the_screen(page)
    # And chases now, about the one course a teacher is held to: one email, and the button
    # goes until tomorrow (the leads' course is assigned to the leads, not to the teacher).
    expect(assigned_table.get_by_role("button", name="Email a reminder now")).to_have_count(1)
    chase = re.compile(r"^Email a reminder now\W+Protecting your professional reputation online$")
    assigned_table.get_by_role("button", name=chase).click()
    expect(page.get_by_text("Tom Teacher was emailed a reminder.")).to_be_visible()
    assigned_table = page.get_by_role("region", name="Assigned courses")
    expect(assigned_table).to_contain_text("From the safeguarding lead, ")
    expect(assigned_table.get_by_role("button", name=chase)).to_have_count(0)
    expect(assigned_table.get_by_role("button", name="Email a reminder now")).to_have_count(0)
    assert_accessible(page)

    page.goto(f"{live_server.url}/records/dashboard/people/{pupil.pk}/")
    expect(page.get_by_text("Pupils are not emailed reminders")).to_be_visible()
    page.get_by_role("link", name="Erase this person and their records").click()
    page.get_by_label(f"Type their username ({pupil.username}) to confirm").fill(pupil.username)
    page.get_by_role("button", name="Erase for ever").click()
    expect(page.get_by_text("Zofia Kowalska and their records were erased.")).to_be_visible()
    page.get_by_role("navigation", name="Safeguarding dashboard").get_by_role(
        "link", name="Data protection"
    ).click()
    expect(page.get_by_role("heading", name="Data protection log", level=1)).to_be_visible()
    row = page.get_by_role("row", name="Erased, with their records")
    expect(row).to_contain_text("Pupil; 8R; MIS id A1234")
    expect(page.locator("main")).not_to_contain_text("Zofia")
    assert_accessible(page)
    assert_fits_the_screen(page)
    ctx.close()


def test_lead_changes_an_assignments_due_date_on_a_phone(
    browser, live_server, assigned, safeguarding_lead
):
    ctx = browser.new_context(viewport=MOBILE)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, safeguarding_lead.username)
    page.goto(f"{live_server.url}/records/dashboard/assignments/")
    page.get_by_role("link", name="Change Protecting your professional reputation online").click()
    expect(page.get_by_role("heading", name="Change an assignment")).to_be_visible()
    due = page.get_by_label("Due date")
    expect(due).to_have_value((date.today() + timedelta(days=5)).isoformat())
    assert_accessible(page)
    assert_fits_the_screen(page)
    later = date.today() + timedelta(days=60)
    due.fill(later.isoformat())
    page.get_by_label("Days for people who join later").fill("21")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.get_by_text("was changed.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Protecting your professional reputation"))
    expect(row).to_contain_text(later.strftime("%-d %b %Y"))
    expect(row).to_contain_text("21 days from joining")
    ctx.close()


def test_a_mistyped_username_on_erase_is_announced_and_tied_to_its_box(
    browser, live_server, pupil, safeguarding_lead
):
    """The erase page sent back with the wrong username: as on every other form, focus moves
    to the problem, the title starts "Error:" and the box is marked as the one to put right
    (its description is the problem), so a screen reader user hears why nothing happened."""
    ctx = browser.new_context(viewport=MOBILE)
    page = ctx.new_page()
    sign_in(page, live_server, safeguarding_lead.username)
    page.goto(f"{live_server.url}/records/dashboard/people/{pupil.pk}/erase/")
    confirm = page.get_by_label(f"Type their username ({pupil.username}) to confirm")
    confirm.fill(pupil.username + "x")
    page.get_by_role("button", name="Erase for ever").click()
    problem = page.get_by_role("alert")
    expect(problem).to_contain_text("Type the username exactly to confirm.")
    expect(problem).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    confirm = page.get_by_label(f"Type their username ({pupil.username}) to confirm")
    expect(confirm).to_have_attribute("aria-invalid", "true")
    expect(confirm).to_have_accessible_description(re.compile("Type the username exactly"))
    expect(confirm).to_have_value(pupil.username + "x")  # the slip is there to put right
    assert_accessible(page)
    # Sent empty: the page's own summary says so, not the browser's "fill in this field".
    confirm.fill("")
    page.get_by_role("button", name="Erase for ever").click()
    expect(page.get_by_role("alert")).to_contain_text("Type the username exactly to confirm.")
    expect(page.get_by_role("alert")).to_be_focused()
    ctx.close()


def test_the_message_saying_what_an_action_did_takes_focus_on_the_page_it_leads_to(
    page, live_server, safeguarding_lead, pupil
):
    """After a button that changes something, the page that follows says what happened at
    its top: focus starts there, so a screen reader announces it and the keyboard carries on
    from it, rather than from the top of a page whose only change is that message."""
    from django.urls import reverse

    sign_in(page, live_server, safeguarding_lead.username)
    page.goto(live_server.url + reverse("records:person", args=[pupil.pk]))
    page.get_by_role("button", name="Mark as having left the school").click()
    message = page.get_by_role("status").filter(has_text="marked as having left the school")
    expect(message).to_be_visible()
    expect(message).to_be_focused()
    assert_accessible(page)


def test_the_message_that_a_reminder_was_emailed_is_in_view_and_focused(
    browser, live_server, assigned, safeguarding_lead, teacher
):
    """The lead presses "Email a reminder now" in a person's table of courses; the page that
    follows says whether it was sent. That message must be where the lead (and their screen
    reader) is, not above the top of the screen."""
    from django.urls import reverse

    ctx = browser.new_context(viewport=MOBILE)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, safeguarding_lead.username)
    page.goto(live_server.url + reverse("records:person", args=[teacher.pk]))
    page.get_by_role("button", name=re.compile("^Email a reminder now")).first.click()
    message = page.locator("[data-message]").first
    expect(message).to_contain_text("reminder")
    expect(message).to_be_in_viewport()
    expect(message).to_be_focused()
    ctx.close()
