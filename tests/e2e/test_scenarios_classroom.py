"""A teacher counting a class's votes in classroom mode, on a projector or whiteboard."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.scenarios.helpers import published_scenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_scrolling_over_a_count_typed_in_does_not_change_it(page, live_server, teacher, klass):
    """The teacher types a count, then scrolls down to the button with the mouse wheel while
    the pointer rests on the box (a whiteboard's pen often does). A number box would take the
    wheel as "one fewer" and the class could be sent the way it did not choose: the count
    stays as typed, and the page scrolls instead. (GOV.UK Design System, "Text input":
    avoid inputs of type number; ask for whole numbers with inputmode="numeric".)"""
    published_scenario()
    page.set_default_timeout(15000)
    page.set_viewport_size({"width": 1280, "height": 400})
    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}/scenarios/classroom/")
    page.get_by_role("button", name="Start with this class").click()

    count = page.get_by_role("group", name="How many pupils chose each option?").get_by_label(
        "Report it"
    )
    count.fill("12")
    count.hover()
    page.mouse.wheel(0, 120)

    expect(count).to_have_value("12")
    # Phones and tablets still offer a keypad of digits for it.
    expect(count).to_have_attribute("inputmode", "numeric")


def _follow(page, **counts):
    """Type the class's counts for the options named, and follow the class's choice."""
    votes = page.get_by_role("group", name="How many pupils chose each option?")
    for label, count in counts.items():
        votes.get_by_label(label).fill(str(count))
    page.get_by_role("button", name="Follow the class's choice").click()


def test_reloading_a_refused_undo_does_not_take_back_a_fresh_vote(
    context, live_server, teacher, klass
):
    """The teacher has the session open on the projector and on a laptop. An undo pressed on
    the laptop's page, which the projector has already moved past, is refused on a page
    that answers the form. The class is taken back further and votes its way to the same
    part again; reloading the laptop's page sends that old undo again, and the fresh vote
    the class has just made stays."""
    from scenarios.models import ClassroomSession, ClassroomVote

    published_scenario()
    projector = context.new_page()
    projector.set_default_timeout(15000)
    sign_in(projector, live_server, teacher.username)
    projector.goto(f"{live_server.url}/scenarios/classroom/")
    projector.get_by_role("button", name="Start with this class").click()
    _follow(projector, **{"Report it": 20, "Share it": 3})
    _follow(projector, **{"Tell a teacher": 15, "Leave it": 2})
    expect(projector.get_by_text("Ending: a good outcome")).to_be_visible()
    laptop = context.new_page()
    laptop.set_default_timeout(15000)
    laptop.goto(projector.url)
    undo = projector.get_by_role("button", name="Undo the last step")
    undo.click()
    expect(projector.get_by_text("You reported it.")).to_be_visible()

    laptop.get_by_role("button", name="Undo the last step").click()
    expect(laptop.get_by_text("the class has already left").first).to_be_visible()

    undo.click()
    expect(projector.get_by_text("A friend shows you a post.")).to_be_visible()
    _follow(projector, **{"Report it": 21, "Share it": 2})
    _follow(projector, **{"Tell a teacher": 17, "Leave it": 0})
    expect(projector.get_by_text("Ending: a good outcome")).to_be_visible()

    laptop.reload()

    expect(laptop.get_by_text("the class has already left").first).to_be_visible()
    session = ClassroomSession.objects.get(group=klass)
    assert (session.step, session.finished_at is not None) == (2, True)
    assert ClassroomVote.objects.get(session=session, step=1, chosen=True).count == 17


def test_a_colleague_who_teaches_the_class_carries_on_its_unfinished_run(
    page, live_server, teacher, klass, school
):
    """The lesson ran out before the class reached an ending, and the class's other teacher
    has it next: they find the run among their sessions and carry it on where it stopped."""
    from schools.models import Membership
    from schools.roles import Role
    from tests.factories import UserFactory

    published_scenario()
    colleague = UserFactory(school=school, roles=[Role.STAFF])
    Membership.objects.create(group=klass, user=colleague, role=Membership.Role.TEACHER)
    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}/scenarios/classroom/")
    page.get_by_role("button", name="Start with this class").click()
    _follow(page, **{"Report it": 20, "Share it": 3})
    expect(page.get_by_text("You reported it.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, colleague.username)
    page.goto(f"{live_server.url}/scenarios/classroom/")
    sessions = page.get_by_role("region", name="Your recent sessions")
    expect(sessions).to_contain_text("Started by")
    sessions.get_by_role("link", name="Carry on").click()
    _follow(page, **{"Tell a teacher": 15, "Leave it": 2})

    expect(page.get_by_text("Ending: a good outcome")).to_be_visible()


def test_after_the_class_moves_on_the_teacher_carries_on_from_what_it_chose(
    page, live_server, home_page, teacher, klass
):
    """A teacher working the page from the keyboard or with a screen reader types the counts
    and presses Enter. On the page that comes back, focus is on what the class chose and
    its feedback (as in the player a pupil uses), not left at the top of the page, where
    nothing says the class moved on."""
    published_scenario()
    page.set_default_timeout(15000)
    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}/scenarios/classroom/")
    page.get_by_role("button", name="Start with this class").click()
    votes = page.get_by_role("group", name="How many pupils chose each option?")
    votes.get_by_label("Report it").fill("20")
    votes.get_by_label("Share it").fill("3")

    votes.get_by_label("Share it").press("Enter")

    expect(page.get_by_text("You reported it.")).to_be_visible()
    chosen = page.locator(".scenario-feedback")
    expect(chosen).to_contain_text("The class chose: Report it")
    expect(chosen).to_be_focused()


def test_the_teacher_ends_a_run_the_bell_cut_short(page, live_server, home_page, teacher, klass):
    """The lesson is over before the class reaches an ending: the teacher ends the run where
    the class got to, and their start page lists it as ended, not to carry on."""
    published_scenario()
    page.set_default_timeout(15000)
    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}/scenarios/classroom/")
    page.get_by_role("button", name="Start with this class").click()
    _follow(page, **{"Report it": 20, "Share it": 3})

    page.get_by_role("button", name="End the run here").click()

    expect(page.get_by_text("before the class reached an ending")).to_be_visible()
    expect(page.get_by_role("button", name="Follow the class's choice")).to_have_count(0)
    assert_accessible(page)
    page.goto(f"{live_server.url}/scenarios/classroom/")
    sessions = page.get_by_role("region", name="Your recent sessions")
    expect(sessions).to_contain_text("Ended at")
    expect(sessions.get_by_role("link", name="Carry on")).to_have_count(0)
    assert_accessible(page)
