"""The safeguarding lead assigns the staff course, watches the teacher complete it, exports
the CSV; the teacher downloads a certificate whose code verifies. Every page passes axe-core.
"""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from schools.models import Group, Membership
from tests.e2e.conftest import DESKTOP, MOBILE, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_COURSE = "Protecting your professional reputation online"


@pytest.fixture
def demo_courses(home_page):
    from courses.demo import demo_content_load

    return demo_content_load()


@pytest.fixture
def staff_team(school, teacher, safeguarding_lead):
    team = Group.objects.create(school=school, name="Teaching staff", kind=Group.Kind.STAFF_TEAM)
    Membership.objects.create(group=team, user=teacher)
    Membership.objects.create(group=team, user=safeguarding_lead)
    return team


def test_lead_assigns_sees_completion_exports_and_certificate_verifies(
    browser, live_server, demo_courses, staff_team, teacher, safeguarding_lead
):
    from courses.models import CoursePage

    course = CoursePage.objects.get(title=STAFF_COURSE)
    lead_ctx = browser.new_context(accept_downloads=True)
    lead = lead_ctx.new_page()
    lead.set_default_timeout(15_000)

    # The lead assigns the staff course to the staff team with a due date.
    sign_in(lead, live_server, safeguarding_lead.username)
    lead.goto(f"{live_server.url}/records/dashboard/")
    expect(lead.get_by_role("heading", name="Safeguarding dashboard")).to_be_visible()
    assert_accessible(lead)
    lead.get_by_role("link", name="Assignments").first.click()
    lead.get_by_label("Course", exact=True).select_option(label=STAFF_COURSE)
    lead.get_by_label("Group", exact=True).select_option(label="Teaching staff (Staff team)")
    due = date.today() + timedelta(days=14)
    lead.get_by_label("Due date").fill(due.isoformat())
    lead.get_by_label("Renew every (months)").fill("12")
    lead.get_by_role("button", name="Assign").click()
    expect(lead.get_by_text("The course was assigned.")).to_be_visible()
    assert_accessible(lead)

    lead.goto(f"{live_server.url}/records/dashboard/matrix/")
    row = lead.get_by_role("row", name=teacher.get_full_name())
    expect(row.get_by_text("Not started")).to_be_visible()
    assert_accessible(lead)

    # The teacher takes the course to the end.
    teacher_ctx = browser.new_context(accept_downloads=True)
    staff = teacher_ctx.new_page()
    staff.set_default_timeout(15_000)
    sign_in(staff, live_server, teacher.username)
    staff.goto(f"{live_server.url}{course.url}")
    staff.get_by_role("button", name="Start the course").click()
    for _module in course.modules():
        staff.get_by_role("button", name="I've read this").click()
        expect(staff.get_by_role("heading", name="You have completed this module")).to_be_visible()
        staff.locator("a[rel=next], a.pager__link--next").first.click()

    # It appears on the lead's dashboard.
    lead.reload()
    row = lead.get_by_role("row", name=teacher.get_full_name())
    expect(row.get_by_text("Completed")).to_be_visible()
    lead.goto(f"{live_server.url}/records/dashboard/")
    expect(lead.get_by_text("50%").first).to_be_visible()
    assert_accessible(lead)
    with lead.expect_download() as info:
        lead.get_by_role("link", name="Learners by course").first.click()
        lead.get_by_role("link", name="Download every matching row (CSV)").click()
    csv_text = open(info.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    assert f"{teacher.username},Completed" in csv_text
    assert f"{safeguarding_lead.username},Not started" in csv_text

    # The teacher downloads a certificate; its code verifies on the public page.
    staff.goto(f"{live_server.url}/records/cpd/")
    expect(staff.get_by_role("heading", name="My CPD record")).to_be_visible()
    assert_accessible(staff)
    with staff.expect_download() as info:
        staff.get_by_role("link", name="Download certificate (PDF)").first.click()
    pdf = open(info.value.path(), "rb").read()  # noqa: SIM115
    assert pdf.startswith(b"%PDF")
    staff.reload()
    code = staff.locator("td code").first.inner_text()

    public_ctx = browser.new_context(viewport=MOBILE)
    public = public_ctx.new_page()
    public.goto(f"{live_server.url}/records/verify/")
    public.get_by_label("Verification code").fill(code)
    public.get_by_role("button", name="Check").click()
    expect(public.get_by_role("heading", name="Valid certificate")).to_be_visible()
    expect(public.get_by_text(f"{teacher.get_full_name()} completed")).to_be_visible()
    assert_accessible(public)
    for ctx in (lead_ctx, teacher_ctx, public_ctx):
        ctx.close()


def test_the_dashboard_tables_fit_a_laptop_screen_without_scrolling_sideways(
    browser, live_server, demo_courses, school, klass, staff_team, safeguarding_lead
):
    """Every column of both completion tables shows at 1280 pixels wide, even with the
    course titles (which wrap) and a group column beside them."""
    from courses.models import CoursePage
    from records.services import assignment_create

    due = date.today() + timedelta(days=14)
    for course in CoursePage.objects.live():
        group = klass if course.audience == "pupils" else staff_team
        assignment_create(school=school, course_page_id=course.pk, due_on=due, group=group)
    ctx = browser.new_context(viewport=DESKTOP)
    page = ctx.new_page()
    sign_in(page, live_server, safeguarding_lead.username)
    page.goto(f"{live_server.url}/records/dashboard/")
    widths = page.evaluate(
        "() => Array.from(document.querySelectorAll('main table'),"
        " t => [t.scrollWidth, t.parentElement.clientWidth])"
    )
    assert len(widths) == 2
    for table_width, region_width in widths:
        assert table_width <= region_width
    for header in page.get_by_role("columnheader", name="Expired").all():
        box = header.bounding_box()
        assert box["x"] + box["width"] <= DESKTOP["width"]
    ctx.close()


def test_a_lead_erases_a_pupil_told_where_forwarded_copies_are(
    browser, live_server, school, pupil, safeguarding_lead
):
    from django.utils import timezone

    from tests.records.statements import COMPLETED, iri, statement
    from xapi.models import ForwardingTarget, OutboxEntry, Statement
    from xapi.services import record

    trust = ForwardingTarget.objects.create(name="Trust LRS", endpoint="http://127.0.0.1:9/x/")
    done = statement(pupil, COMPLETED, iri("module", "erase-e2e"), when=timezone.now())
    done.pop("stored", None)
    record(statements=[done], school=school)
    OutboxEntry.objects.filter(target=trust).update(status=OutboxEntry.Status.SENT)

    context = browser.new_context(viewport=MOBILE)
    page = context.new_page()
    sign_in(page, live_server, safeguarding_lead.username)
    page.goto(f"{live_server.url}/records/dashboard/people/{pupil.pk}/")
    page.get_by_role("link", name="Erase this person and their records").click()
    copies = page.get_by_role("region", name="Copies in other learning record stores")
    expect(copies).to_contain_text("Trust LRS")
    expect(copies).to_contain_text(str(pupil.learner_id))
    assert_accessible(page)
    page.get_by_label("Type their username").fill(pupil.username)
    page.get_by_role("button", name="Erase for ever").click()
    expect(page.get_by_text("and their records were erased")).to_be_visible()
    assert_accessible(page)
    assert not Statement.objects.exists()
    context.close()


def test_each_row_by_course_and_group_is_headed_by_its_course_and_its_group(
    browser, live_server, demo_courses, school, staff_team, safeguarding_lead
):
    """Moving along a row of "Completion by course and group", a screen reader names the
    row by its headers: the group alone made the staff team's rows for two courses sound
    the same ("Teaching staff, Overdue 1"). The course heads the row as well."""
    from courses.models import CoursePage
    from records.services import assignment_create

    due = date.today() + timedelta(days=14)
    staff_courses = list(CoursePage.objects.live().exclude(audience="pupils"))
    assert len(staff_courses) == 2
    for course in staff_courses:
        assignment_create(school=school, course_page_id=course.pk, due_on=due, group=staff_team)
    ctx = browser.new_context(viewport=DESKTOP)
    page = ctx.new_page()
    sign_in(page, live_server, safeguarding_lead.username)
    page.goto(f"{live_server.url}/records/dashboard/")
    table = page.get_by_role("region", name="Completion by course and group")
    for course in staff_courses:
        row = table.get_by_role("row").filter(has=page.get_by_text(course.title, exact=True))
        expect(row.get_by_role("rowheader")).to_have_text([course.title, "Teaching staff"])
    assert_accessible(page)
    ctx.close()


def test_each_download_link_on_the_dashboard_says_which_table_it_downloads(
    browser, live_server, demo_courses, school, klass, staff_team, safeguarding_lead
):
    """A screen reader's list of links shows each link by its name alone: two links both
    called "Download this table (CSV)", for different files, could not be told apart."""
    from courses.models import CoursePage
    from records.services import assignment_create

    due = date.today() + timedelta(days=14)
    for course in CoursePage.objects.live():
        group = klass if course.audience == "pupils" else staff_team
        assignment_create(school=school, course_page_id=course.pk, due_on=due, group=group)
    ctx = browser.new_context(viewport=DESKTOP)
    page = ctx.new_page()
    sign_in(page, live_server, safeguarding_lead.username)
    page.goto(f"{live_server.url}/records/dashboard/")
    by_course = re.compile(r"^Download this table \(CSV\)\W+Completion by course$")
    by_group = re.compile(r"^Download this table \(CSV\)\W+Completion by course and group$")
    expect(page.get_by_role("link", name=by_course)).to_have_attribute(
        "href", "/records/dashboard/courses.csv"
    )
    expect(page.get_by_role("link", name=by_group)).to_have_attribute(
        "href", "/records/dashboard/groups.csv"
    )
    assert_accessible(page)
    ctx.close()


def test_an_assignment_fixed_from_the_error_summary_shows_its_confirmation(
    browser, live_server, demo_courses, staff_team, safeguarding_lead
):
    """The error summary's links put a #fragment in the address. Once the form is put right,
    the page that says "The course was assigned." must open at its top, with the message in
    view, not scrolled down to (and focused on) the emptied form's field."""
    ctx = browser.new_context(viewport=MOBILE)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server, safeguarding_lead.username)
        page.goto(f"{live_server.url}/records/dashboard/assignments/")
        page.get_by_role("button", name="Assign").click()
        summary = page.get_by_role("alert").filter(has_text="There is a problem")
        expect(summary).to_be_focused()
        course = page.get_by_label("Course", exact=True)
        expect(course).to_have_attribute("aria-invalid", "true")
        assert_accessible(page)
        summary.get_by_role("link").first.click()
        expect(course).to_be_focused()
        course.select_option(label=STAFF_COURSE)
        page.get_by_label("Group", exact=True).select_option(label="Teaching staff (Staff team)")
        page.get_by_label("Due date").fill((date.today() + timedelta(days=14)).isoformat())
        page.get_by_role("button", name="Assign").click()
        message = page.get_by_text("The course was assigned.")
        expect(message).to_be_visible()
        expect(message).to_be_in_viewport()
        expect(page.get_by_label("Course", exact=True)).not_to_be_focused()
    finally:
        ctx.close()


def test_the_chart_colours_key_is_not_read_out_with_the_hidden_chart(
    browser, live_server, demo_courses, school, klass, safeguarding_lead
):
    """The bar chart is hidden from screen readers (the counts beside it say the same), so
    its key of colours is too: read out, it would be a list of states that explains nothing
    a screen reader user can reach."""
    from courses.models import CoursePage
    from records.services import assignment_create

    course = CoursePage.objects.live().filter(audience="pupils").first()
    assignment_create(
        school=school,
        course_page_id=course.pk,
        due_on=date.today() + timedelta(days=14),
        group=klass,
    )
    page = browser.new_page(viewport=DESKTOP)
    sign_in(page, live_server, safeguarding_lead.username)
    page.goto(f"{live_server.url}/records/dashboard/")
    key = page.locator("ul.legend")
    expect(key).to_be_visible()
    # Still shown, for those who see the chart; not in the accessibility tree.
    expect(page.get_by_role("list", name="Chart colours")).to_have_count(0)
    expect(page.get_by_role("listitem").filter(has_text="Expiring soon")).to_have_count(0)
    assert_accessible(page)
    page.close()
