"""A teacher prepares a pupils' lesson in the teaching view and runs its scenario with their
class; every page passes axe-core and nothing is recorded for the teacher."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, MOBILE, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(browser, live_server, username, **context):
    """A new browser context (viewport, JavaScript, locale...) signed in as `username`."""
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, username)
    return ctx, page


@pytest.fixture
def demo_courses(home_page):
    from assessments.demo import demo_content_load as quizzes_load
    from courses.demo import demo_content_load
    from scenarios.demo import demo_content_load as scenarios_load

    courses = demo_content_load()
    scenarios_load()
    quizzes_load()
    return courses


def test_teacher_opens_a_pupils_lesson_and_runs_its_scenario_with_their_class(
    page, live_server, teacher, klass, demo_courses
):
    from xapi.models import Statement

    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}/learning/")
    lessons = page.locator("section", has_text="Pupils' lessons to teach")
    lessons.get_by_role("link", name="Respect online: when posts target teachers").click()
    expect(page.get_by_role("heading", name="Teaching view")).to_be_visible()
    expect(page.get_by_role("button", name="Start the course")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="What to do if you see it").click()
    expect(page.get_by_role("heading", name="Teaching view")).to_be_visible()
    expect(page.get_by_role("heading", name="The crest account")).to_be_visible()
    # Notes for the teacher, with what to do if a pupil discloses something.
    notes = page.locator(".teacher-notes", has_text="Playing the scenario with the class")
    expect(notes).to_be_visible()
    expect(notes.get_by_role("heading", name="If a pupil tells you something")).to_be_visible()
    # To project the page to the class, the notes come off the screen, and stay off on the
    # way back through the lesson.
    page.get_by_role("link", name="Hide the notes for the teacher").click()
    expect(page.locator(".teacher-notes")).to_have_count(0)
    expect(page.get_by_role("heading", name="The crest account")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Previous").click()
    expect(page.get_by_role("heading", name="Phones, photos and consent in school")).to_be_visible()
    expect(page.locator(".teacher-notes")).to_have_count(0)
    page.get_by_role("link", name="Show the notes for the teacher").click()
    expect(page.locator(".teacher-notes")).to_have_count(1)
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_role("button", name="I've read this")).to_have_count(0)
    page.get_by_text("The questions").click()
    expect(page.locator(".activity-teaching__questions li").first).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size(MOBILE)  # on a phone too
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)

    page.get_by_role("link", name="Run this scenario with a class").click()
    expect(page.get_by_label("Scenario")).to_have_value(
        str(demo_courses_scenario_pk("The crest account"))
    )
    page.get_by_label("Class").select_option(label=klass.name)
    page.get_by_role("button", name="Start with this class").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("The crest account")
    assert_accessible(page)
    assert not Statement.objects.filter(learner=teacher).exists()


def demo_courses_scenario_pk(title: str) -> int:
    from scenarios.models import Scenario

    return Scenario.objects.get(title=title).pk


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["mobile", "desktop"])
def test_teacher_records_a_lesson_led_with_the_class_and_the_pupils_records_show_it(
    browser, live_server, teacher, klass, pupil, school, demo_courses, viewport
):
    from tests.factories import MembershipFactory, PupilFactory

    absent = PupilFactory(school=school, first_name="Ella", last_name="Wright")
    MembershipFactory(group=klass, user=absent)
    ctx, page = _signed_in(browser, live_server, teacher.username, viewport=viewport)
    course = demo_courses["pupil-2021"]
    page.goto(f"{live_server.url}{course.url}")
    page.get_by_role("link", name="Record a lesson with a class").click()
    expect(page.get_by_role("heading", name="The lesson with 8R")).to_be_visible()
    assert_accessible(page)
    # Nothing chosen: the form says what is missing and keeps the ticks.
    page.get_by_label(absent.get_full_name()).uncheck()
    page.get_by_role("button", name="Record the lesson").click()
    expect(page.get_by_text("Choose the modules you taught.").first).to_be_visible()
    expect(page.get_by_label(absent.get_full_name())).not_to_be_checked()
    assert_accessible(page)
    page.get_by_label("What happened in 2021").check()
    page.get_by_role("button", name="Record the lesson").click()
    expect(page.get_by_text("The lesson is recorded: 1 pupil of 8R")).to_be_visible()
    assert_accessible(page)
    row = page.get_by_role("row", name=pupil.get_full_name())
    expect(row.get_by_text("Completed")).to_have_count(1)
    expect(page.get_by_role("row", name="Ella Wright").get_by_text("Completed")).to_have_count(0)
    taught = page.locator("section", has_text="Lessons taught to 8R").get_by_role("row").nth(1)
    expect(taught).to_contain_text("What happened in 2021")
    expect(taught).to_contain_text(teacher.get_full_name())
    # Back to the form: it lists the lesson already recorded.
    page.get_by_role("link", name="Record “Respect online").first.click()
    recorded = page.get_by_role("region", name="Already recorded with 8R")
    expect(recorded).to_contain_text("What happened in 2021 (1 pupil)")
    assert_accessible(page)
    ctx.close()

    # The pupil finds the module complete when they open the course.
    ctx, page = _signed_in(browser, live_server, pupil.username, viewport=viewport)
    page.goto(f"{live_server.url}{course.url}")
    expect(page.get_by_text("1 of 3 modules complete").first).to_be_visible()
    # Their PSHE record says they did it in class.
    page.goto(f"{live_server.url}{reverse('records:my_pshe')}")
    taken = page.get_by_role("listitem").filter(has_text="What happened in 2021")
    expect(taken).to_contain_text("Done in class,")
    assert_accessible(page)
    ctx.close()


def test_teacher_removes_a_lesson_recorded_for_the_wrong_modules(
    page, live_server, teacher, klass, pupil, demo_courses
):
    course = demo_courses["pupil-2021"]
    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}{course.url}")
    page.get_by_role("link", name="Record a lesson with a class").click()
    page.get_by_label("Phones, photos and consent in school").check()
    page.get_by_role("button", name="Record the lesson").click()
    row = page.get_by_role("row", name=pupil.get_full_name())
    expect(row.get_by_text("Completed")).to_have_count(1)
    page.get_by_role("link", name="Remove the lesson of").click()
    # A page says what will change before anything does.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Remove the lesson with 8R")
    assert_accessible(page)
    page.get_by_role("button", name="Remove the lesson").click()
    expect(page.get_by_text("The lesson was removed")).to_be_visible()
    expect(row.get_by_text("Completed")).to_have_count(0)
    expect(page.get_by_text("No lesson led with the class has been recorded.")).to_be_visible()
    assert_accessible(page)


def test_a_lesson_led_with_the_year_group_shows_in_the_classs_record(
    browser, live_server, teacher, klass, pupil, school, demo_courses
):
    """From My groups straight to the form (the site has one pupils' course), then the
    form tutor's class record lists the year group's lesson its pupils were at."""
    from schools.models import Membership
    from tests.factories import GroupFactory, MembershipFactory

    year = GroupFactory(school=school, name="Year 8", kind="year_group")
    MembershipFactory(group=year, user=pupil)
    Membership.objects.create(group=year, user=teacher, role=Membership.Role.TEACHER)
    ctx, page = _signed_in(browser, live_server, teacher.username, viewport=MOBILE)
    page.get_by_role("link", name="My groups").click()
    page.get_by_role("link", name="Record a lesson you led with Year 8").click()
    expect(page.get_by_role("heading", name="The lesson with Year 8")).to_be_visible()
    page.get_by_label("What happened in 2021").check()
    page.get_by_role("button", name="Record the lesson").click()
    expect(page.get_by_text("The lesson is recorded: 1 pupil of Year 8")).to_be_visible()

    page.goto(f"{live_server.url}{reverse('records:pshe_class', args=[klass.pk])}")
    shared = page.get_by_role("region", name="Lessons with other groups that 8R's pupils were at")
    row = shared.get_by_role("row").nth(1)
    expect(row).to_contain_text("What happened in 2021")
    expect(row).to_contain_text("Year 8")
    expect(row).to_contain_text("1 of 8R (1 in all)")
    assert_accessible(page)
    ctx.close()


def test_the_date_hint_is_for_typing_by_hand_and_goes_where_the_browser_has_a_picker(
    browser, live_server, teacher, klass, pupil, demo_courses
):
    """Chromium has a date picker, showing dates as the device is set: the "For example
    31/12/2026" hint would only contradict it on a device set to US English. Without
    JavaScript it stays, for a browser whose date field is a plain text box."""
    url = live_server.url + reverse("courses:class_lesson", args=[demo_courses["pupil-2021"].pk])
    for javascript in (True, False):
        ctx, page = _signed_in(
            browser,
            live_server,
            teacher.username,
            viewport=MOBILE,
            java_script_enabled=javascript,
            locale="en-US",
        )
        page.goto(url)
        date = page.get_by_label("Date of the lesson")
        expect(date).to_be_visible()
        hint = page.get_by_text("For example 31/12/2026.")
        if javascript:
            expect(hint).to_have_count(0)
            assert date.get_attribute("aria-describedby") is None
            assert_accessible(page)  # axe-core runs as a script: not without JavaScript
        else:
            expect(hint).to_be_visible()
            assert date.get_attribute("aria-describedby") == "id_taught_on_helptext"
        ctx.close()


def test_with_two_pupils_courses_the_teacher_picks_which_lesson_they_led(
    browser, live_server, teacher, klass, pupil, demo_courses
):
    from tests.courses.conftest import pupils_course

    first = demo_courses["pupil-2021"]
    pupils_course(first.get_parent(), "Kind words online", "kind-words-online")
    ctx, page = _signed_in(browser, live_server, teacher.username, viewport=MOBILE)
    page.get_by_role("link", name="My groups").click()
    page.get_by_role("link", name="Record a lesson you led with 8R").click()
    expect(page.get_by_text("Which lesson did you lead with 8R?")).to_be_visible()
    expect(page.get_by_role("link", name="Kind words online")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=first.title).click()
    expect(page.get_by_role("heading", name="The lesson with 8R")).to_be_visible()
    ctx.close()


def test_a_list_of_boxes_sent_with_a_problem_is_described_by_it_for_screen_readers(
    browser, live_server, teacher, klass, pupil, demo_courses
):
    """Moving into "Pupils who were there" (or "Modules you taught") a screen reader reads the
    group's name and description: the problem, and the hint on who to untick, must be that
    description, not only text somewhere above the first box (WCAG 1.3.1, 3.3.1)."""
    url = live_server.url + reverse("courses:class_lesson", args=[demo_courses["pupil-2021"].pk])
    ctx, page = _signed_in(browser, live_server, teacher.username, viewport=DESKTOP)
    page.goto(f"{url}?group={klass.pk}")
    page.get_by_role("checkbox", name=pupil.get_full_name(), exact=False).uncheck()
    page.get_by_role("button", name="Record the lesson").click()
    expect(page.get_by_role("alert")).to_be_focused()
    modules = page.get_by_role("group", name="Modules you taught")
    pupils = page.get_by_role("group", name="Pupils who were there")
    expect(modules).to_have_accessible_description("Error: Choose the modules you taught.")
    expect(pupils).to_have_accessible_description(
        re.compile(
            r"^Everyone in the class is ticked: untick anyone.*"
            r"Error: Tick the pupils who were there\.$"
        )
    )
    assert_accessible(page)
    ctx.close()


def _class_votes_the_crest_account_to_being_an_upstander(page):
    """Start the classroom run chosen on the page and give five votes to each choice on the
    way to the "You were an upstander" ending, which must then show."""
    page.get_by_role("button", name="Start with this class").click()
    for choice in [
        "Take a screenshot, just for you",
        "Keep it to show an adult",
        "Show her your screenshot",
        "Quietly tell Mr Evans or another teacher after the lesson",
    ]:
        page.get_by_role("textbox", name=choice, exact=True).fill("5")
        page.get_by_role("button", name="Follow the class's choice").click()
    expect(page.get_by_role("heading", name="You were an upstander")).to_be_visible()


def test_running_a_scenario_again_keeps_the_class_it_was_run_with(
    page, live_server, teacher, klass, school, demo_courses
):
    """A teacher of two classes who ran the scenario with the second and chooses "Run it
    again" starts with that class chosen, not the first in the list: the class's votes are
    not recorded against another class by one press of "Start with this class"."""
    from schools.models import Group, Membership
    from tests.factories import GroupFactory

    second = GroupFactory(school=school, name="9S", kind=Group.Kind.CLASS)
    Membership.objects.create(group=second, user=teacher, role=Membership.Role.TEACHER)

    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}{reverse('scenarios:classroom_start')}")
    page.get_by_label("Class").select_option(label="9S")
    page.get_by_label("Scenario").select_option(label="The crest account")
    _class_votes_the_crest_account_to_being_an_upstander(page)

    page.get_by_role("link", name="Run it again").click()
    expect(page.get_by_label("Class")).to_have_value(str(second.pk))
    expect(page.get_by_label("Scenario")).to_have_value(
        str(demo_courses_scenario_pk("The crest account"))
    )


def test_the_end_of_a_classroom_run_offers_no_lesson_the_teacher_cannot_open(
    page, live_server, teacher, klass, demo_courses
):
    """A pupils' course withdrawn from the site (its page unpublished, its modules left
    published) is no lesson to go back to or record: the end of a classroom run of its
    scenario offers neither, where both led to "page not found"."""
    from courses.models import CoursePage

    course = CoursePage.objects.get(title="Respect online: when posts target teachers")
    course.unpublish()

    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}{reverse('scenarios:classroom_start')}")
    page.get_by_label("Scenario").select_option(label="The crest account")
    _class_votes_the_crest_account_to_being_an_upstander(page)

    expect(page.get_by_role("link", name="Run it again")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Back to the lesson"))).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Record "))).to_have_count(0)


def test_the_message_that_a_lesson_was_removed_is_in_view_and_focused(
    browser, live_server, teacher, klass, pupil, demo_courses
):
    """On a phone, the page that follows "Remove the lesson" says what changed: that message
    must be where the teacher (and their screen reader) is, not above the top of the screen
    while the page opens at the lessons taught."""
    course = demo_courses["pupil-2021"]
    ctx, page = _signed_in(browser, live_server, teacher.username, viewport=MOBILE)
    page.goto(f"{live_server.url}{course.url}")
    page.get_by_role("link", name="Record a lesson with a class").click()
    page.get_by_label("Phones, photos and consent in school").check()
    page.get_by_role("button", name="Record the lesson").click()
    page.get_by_role("link", name="Remove the lesson of").click()
    page.get_by_role("button", name="Remove the lesson").click()
    message = page.locator("[data-message]").first
    expect(message).to_contain_text("The lesson was removed")
    expect(message).to_be_in_viewport()
    expect(message).to_be_focused()
    ctx.close()
