"""Learners take the demo courses in a real browser; every course and module page passes
axe-core at phone and desktop sizes."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    DESKTOP,
    MOBILE,
    assert_accessible,
    assert_fits_the_screen,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_courses(home_page):
    from courses.demo import demo_content_load

    return demo_content_load()


def text_size(page, size: str) -> None:
    """The browser's text size setting, as a style on the page's root element (the site's
    Content-Security-Policy refuses a <style> element added to the page)."""
    page.evaluate(
        "(size) => document.documentElement.style.setProperty('font-size', size, 'important')",
        size,
    )


def progress_value(page) -> str:
    return page.locator("progress.progress").first.get_attribute("value")


def test_pupil_takes_a_module_to_completion_and_the_progress_bar_updates(
    page, live_server, pupil, demo_courses
):
    sign_in(page, live_server, pupil.username)
    page.goto(f"{live_server.url}/learning/")
    card = page.locator(".course-card", has_text="Respect online")
    expect(card.get_by_text("0 of 3 modules complete")).to_be_visible()

    card.get_by_role("link", name="Respect online: when posts target teachers").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Respect online")
    assert progress_value(page) == "0"
    expect(page.get_by_text("Content warning").first).to_be_visible()

    page.get_by_role("button", name="Start the course").click()
    assert page.get_by_role("heading", level=1).inner_text() == "What happened in 2021"
    expect(page.get_by_text("Module 1 of 3")).to_be_visible()

    # The reflection is optional: write one, and it is there when the page comes back.
    page.get_by_label("How would you feel if a post like this").fill("Upset and alone.")
    page.get_by_role("button", name="Save my answer").click()
    # Said beside the answer, where the page comes back to, and focused so it is read out.
    saved = page.locator(".module-block--reflection .notice", has_text="Your answer is saved")
    expect(saved).to_be_visible()
    expect(saved).to_be_focused()
    assert page.get_by_label("How would you feel if a post like this").input_value() == (
        "Upset and alone."
    )

    page.get_by_role("button", name="I've read this").click()
    expect(page.get_by_role("heading", name="You have completed this module")).to_be_visible()
    expect(page.get_by_text("1 of 3 modules complete").first).to_be_visible()
    assert progress_value(page) == "33"

    page.get_by_role("link", name="Next Phones, photos and consent in school").click()
    expect(page.get_by_text("Module 2 of 3")).to_be_visible()

    page.get_by_role("link", name="Respect online: when posts target teachers").first.click()
    assert progress_value(page) == "33"
    assert page.locator(".module-list__item--complete").count() == 1
    expect(page.get_by_role("button", name="Carry on")).to_be_visible()

    # Progress survives signing out.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, pupil.username)
    page.goto(f"{live_server.url}/learning/")
    expect(page.get_by_text("1 of 3 modules complete")).to_be_visible()


def test_a_reflection_sent_after_sign_in_ended_is_kept_for_its_writer_only(
    page, live_server, pupil, school, klass, demo_courses
):
    from courses.models import ModulePage
    from tests.factories import MembershipFactory, PupilFactory

    module = ModulePage.objects.get(title="What happened in 2021")
    prompt = "How would you feel if a post like this"
    sign_in(page, live_server, pupil.username)
    page.goto(f"{live_server.url}{module.url}")
    page.get_by_label(prompt).fill("Upset and alone.")
    # Signed out in another tab, the pupil saves the answer in this one.
    other = page.context.new_page()
    other.goto(f"{live_server.url}/home/")
    other.get_by_role("button", name="Sign out").click()
    other.wait_for_load_state()
    other.close()
    page.get_by_role("button", name="Save my answer").click()
    expect(page.get_by_text("You were signed out, so that was not saved.")).to_be_visible()
    page.get_by_label("Username").fill(pupil.username)
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Sign in").click()
    # Back on the module page: the words are put back, and the page says they are not saved.
    expect(page.get_by_label(prompt)).to_have_value("Upset and alone.")
    expect(page.get_by_text("was not saved yet, so it has been kept for you")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save my answer").click()
    expect(page.get_by_text("Your answer is saved")).to_be_visible()
    expect(page.get_by_text("was not saved yet")).to_be_hidden()

    # Words typed and not saved stay with their writer: after signing out here, the next
    # pupil on this device finds an empty box.
    page.get_by_label(prompt).fill("Something private.")
    page.get_by_role("button", name="Sign out").click()
    classmate = PupilFactory(school=school)
    MembershipFactory(group=klass, user=classmate)
    sign_in(page, live_server, classmate.username)
    page.goto(f"{live_server.url}{module.url}")
    expect(page.get_by_label(prompt)).to_have_value("")
    expect(page.get_by_text("was not saved yet")).to_be_hidden()


def test_staff_checklist_ticks_save_as_they_are_made(page, live_server, teacher, demo_courses):
    from courses.demo import DEMO_MODULE_SLUGS
    from courses.models import ModulePage

    module = ModulePage.objects.get(slug=DEMO_MODULE_SLUGS["staff-privacy"][0])
    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}{module.url}")
    box = page.get_by_label("Make your account private").first
    box.check()
    expect(page.get_by_text("Saved: 1 ticked")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Make your account private").first).to_be_checked()


def test_checklist_ticks_made_after_sign_in_ended_are_kept_and_saved_after_signing_in(
    page, live_server, teacher, demo_courses
):
    from courses.demo import DEMO_MODULE_SLUGS
    from courses.models import ModulePage

    module = ModulePage.objects.get(slug=DEMO_MODULE_SLUGS["staff-privacy"][0])
    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}{module.url}")
    page.get_by_label("Make your account private").first.check()
    expect(page.get_by_text("Saved: 1 ticked")).to_be_visible()
    # Signed out in another tab, the teacher carries on ticking in this one.
    other = page.context.new_page()
    other.goto(f"{live_server.url}/home/")
    other.get_by_role("button", name="Sign out").click()
    other.wait_for_load_state()
    other.close()
    page.get_by_label("Make your account private").nth(1).check()
    expect(
        page.get_by_text("You were signed out, so your ticks have not been saved")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Sign in again").click()
    page.get_by_label("Username").fill(teacher.username)
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Sign in").click()
    # Back at the checklist: both ticks are shown, and sent without being asked.
    expect(page.get_by_text("Your ticks from before have now been saved.")).to_be_visible()
    assert "#block-" in page.url
    page.reload()
    expect(page.get_by_label("Make your account private").first).to_be_checked()
    expect(page.get_by_label("Make your account private").nth(1)).to_be_checked()
    expect(page.get_by_text("Your ticks from before")).to_be_hidden()


def test_checklist_ticks_made_offline_are_saved_when_the_connection_is_back(
    page, live_server, teacher, demo_courses
):
    from courses.demo import DEMO_MODULE_SLUGS
    from courses.models import ModulePage

    module = ModulePage.objects.get(slug=DEMO_MODULE_SLUGS["staff-privacy"][0])
    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}{module.url}")
    page.context.set_offline(True)
    page.get_by_label("Make your account private").first.check()
    expect(page.get_by_text("Your ticks have not been saved yet")).to_be_visible()
    page.context.set_offline(False)
    expect(page.get_by_text("Your ticks from before have now been saved.")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Make your account private").first).to_be_checked()


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["mobile", "desktop"])
def test_pupil_course_and_module_pages_are_accessible(
    browser, live_server, pupil, demo_courses, viewport
):
    from courses.models import ModulePage

    course = demo_courses["pupil-2021"]
    ctx = browser.new_context(viewport=viewport)
    page = ctx.new_page()
    try:
        sign_in(page, live_server, pupil.username)
        page.goto(f"{live_server.url}/learning/")
        assert_accessible(page)
        page.goto(f"{live_server.url}{course.url}")
        assert_accessible(page)
        for module in ModulePage.objects.child_of(course).live():
            page.goto(f"{live_server.url}{module.url}")
            assert_accessible(page)
            # The demo lessons carry notes for the teacher; a pupil's page never does.
            expect(page.get_by_text("For the teacher: pupils do not see this")).to_have_count(0)
    finally:
        ctx.close()


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["mobile", "desktop"])
def test_staff_and_lead_course_pages_are_accessible(
    browser, live_server, safeguarding_lead, demo_courses, viewport
):
    from courses.models import ModulePage

    ctx = browser.new_context(viewport=viewport)
    page = ctx.new_page()
    try:
        sign_in(page, live_server, safeguarding_lead.username)
        for key in ["staff-privacy", "dsl-response"]:
            course = demo_courses[key]
            page.goto(f"{live_server.url}{course.url}")
            assert_accessible(page)
            for module in ModulePage.objects.child_of(course).live():
                page.goto(f"{live_server.url}{module.url}")
                assert_accessible(page)
    finally:
        ctx.close()


def test_without_javascript_a_pupil_still_completes_a_module_and_saves_ticks(
    no_js_context, live_server, pupil, teacher, demo_courses
):
    from courses.demo import DEMO_MODULE_SLUGS
    from courses.models import ModulePage

    page = no_js_context.new_page()
    sign_in(page, live_server, pupil.username)
    page.goto(f"{live_server.url}{demo_courses['pupil-2021'].url}")
    page.get_by_role("button", name="Start the course").click()
    page.get_by_role("button", name="I've read this").click()
    expect(page.get_by_text("1 of 3 modules complete").first).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    module = ModulePage.objects.get(slug=DEMO_MODULE_SLUGS["staff-privacy"][0])
    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}{module.url}")
    page.get_by_label("Protect your posts").check()
    page.get_by_role("button", name="Save my ticks").click()
    # Said beside the ticks, where the page comes back to (no script here to focus it).
    saved = page.locator(".module-block--checklist").get_by_text("Your ticks are saved.")
    expect(saved).to_be_visible()
    expect(page.get_by_label("Protect your posts")).to_be_checked()


def test_a_reflection_as_long_as_its_box_allows_is_saved_even_with_paragraphs(
    no_js_context, live_server, pupil, demo_courses
):
    from courses.models import ModulePage

    module = ModulePage.objects.get(title="What happened in 2021")
    prompt = "How would you feel if a post like this"
    page = no_js_context.new_page()
    sign_in(page, live_server, pupil.username)
    page.goto(f"{live_server.url}{module.url}")
    # Typed into the box, which stops at its limit; each new line counts as one character.
    paragraph = "I would feel upset. " * 49 + "\n"
    page.get_by_label(prompt).focus()
    page.keyboard.insert_text(paragraph * 6)
    typed = page.get_by_label(prompt).input_value()
    assert len(typed) == 5000 and typed.count("\n") == 5
    page.get_by_role("button", name="Save my answer").click()
    expect(page.get_by_text("Your answer is saved")).to_be_visible()
    assert page.get_by_label(prompt).input_value() == typed.strip()


def test_a_long_web_address_in_a_module_wraps_on_a_small_phone(
    browser, live_server, pupil, demo_courses
):
    from tests.courses.conftest import module_page

    address = "https://www.gov.uk/government/publications/keeping-children-safe-in-education--2"
    module = module_page(
        demo_courses["pupil-2021"],
        "where-to-read-more",
        title="Where to read more",
        body=[("text", f'<p>Read the guidance at <a href="{address}">{address}</a>.</p>')],
    )
    ctx = browser.new_context(viewport={"width": 320, "height": 640})
    page = ctx.new_page()
    try:
        sign_in(page, live_server, pupil.username)
        page.goto(f"{live_server.url}{module.url}")
        expect(page.get_by_role("link", name=address)).to_be_visible()
        assert_fits_the_screen(page)
    finally:
        ctx.close()


def test_the_progress_bar_shows_progress_in_high_contrast_mode(
    browser, live_server, pupil, demo_courses
):
    import io

    from PIL import Image

    ctx = browser.new_context(viewport=DESKTOP, forced_colors="active")
    page = ctx.new_page()
    try:
        sign_in(page, live_server, pupil.username)
        page.goto(f"{live_server.url}{demo_courses['pupil-2021'].url}")
        page.get_by_role("button", name="Start the course").click()
        page.get_by_role("button", name="I've read this").click()
        expect(page.get_by_text("1 of 3 modules complete").first).to_be_visible()
        bar = page.locator("progress.progress").first
        assert bar.get_attribute("value") == "33"
        shot = Image.open(io.BytesIO(bar.screenshot())).convert("RGB")
        width, height = shot.size
        # The filled third looks different from the empty rest.
        filled = shot.getpixel((width // 6, height // 2))
        empty = shot.getpixel((width * 5 // 6, height // 2))
        assert filled != empty, f"the bar looks the same filled and empty: {filled}"
    finally:
        ctx.close()


@pytest.mark.parametrize("who", ["pupil", "safeguarding_lead"])
def test_course_pages_fit_a_small_phone_with_large_text(
    browser, live_server, demo_courses, who, request
):
    """Text one and a half times the usual size (the browser's "very large" font setting)."""
    from courses.models import CoursePage

    user = request.getfixturevalue(who)
    ctx = browser.new_context(viewport={"width": 320, "height": 640})
    page = ctx.new_page()
    try:
        sign_in(page, live_server, user.username)
        for course in CoursePage.objects.live().order_by("pk"):
            response = page.goto(f"{live_server.url}{course.url}")
            if response.status == 404:  # a course for staff, to a pupil
                continue
            text_size(page, "150%")
            assert_fits_the_screen(page)
    finally:
        ctx.close()


def test_a_long_web_address_in_a_checklist_wraps_on_a_small_phone(
    browser, live_server, teacher, demo_courses
):
    from tests.courses.conftest import module_page

    address = "https://accountscenter.instagram.com/password_and_security/"
    module = module_page(
        demo_courses["staff-privacy"],
        "check-your-settings-again",
        title="Check your settings again",
        body=[
            (
                "checklist",
                {
                    "title": "Your accounts",
                    "intro": "",
                    "platforms": [{"platform": "Instagram", "items": [f"Open {address}"]}],
                },
            )
        ],
    )
    ctx = browser.new_context(viewport={"width": 320, "height": 640})
    page = ctx.new_page()
    try:
        sign_in(page, live_server, teacher.username)
        page.goto(f"{live_server.url}{module.url}")
        expect(page.get_by_label(f"Open {address}")).to_be_visible()
        assert_fits_the_screen(page)
    finally:
        ctx.close()


@pytest.mark.parametrize("who", ["pupil", "teacher", "safeguarding_lead"])
def test_my_learning_and_the_courses_fit_a_small_phone_with_text_twice_the_size(
    browser, live_server, demo_courses, who, request
):
    """The browser's text size at 200% (WCAG 1.4.4) on the narrowest phone (1.4.10): a long
    word in a course's title ("professional") made the cards, and a course's page and its
    list of modules, wider than the screen."""
    from courses.models import CoursePage

    user = request.getfixturevalue(who)
    ctx = browser.new_context(viewport={"width": 320, "height": 640})
    page = ctx.new_page()
    try:
        sign_in(page, live_server, user.username)
        addresses = ["/learning/"] + [c.url for c in CoursePage.objects.live().order_by("pk")]
        for address in addresses:
            response = page.goto(f"{live_server.url}{address}")
            if response.status == 404:  # a course for staff, to a pupil
                continue
            text_size(page, "200%")
            assert_fits_the_screen(page)
    finally:
        ctx.close()


def test_the_progress_bar_updates_when_a_scenario_ending_completes_the_module(
    page, live_server, teacher, demo_courses
):
    """The scenario is played without reloading the page: when its ending completes the
    module, the course's progress at the top says so too, not only the box below."""
    from courses.demo import DEMO_MODULE_SLUGS
    from courses.models import ModulePage
    from scenarios.demo import demo_content_load as scenarios_demo_load

    scenarios_demo_load()  # the module's scenario
    module = ModulePage.objects.get(slug=DEMO_MODULE_SLUGS["staff-privacy"][0])
    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}{module.url}")
    expect(page.get_by_text("0 of 3 modules complete").first).to_be_visible()
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Start the scenario").click()
    for label in [
        "Check your privacy settings now",
        "Make Instagram private, hide your workplace and friends list, limit old posts",
        "Decline it, and don't reply from your personal account",
        "Carry on",
        "Remove the tag and turn on tag review",
        "Look at your profile as the public",
    ]:
        page.get_by_role("button", name=label, exact=True).click()
        page.locator(".scenario-feedback").first.wait_for()
    expect(page.get_by_role("heading", name="You have completed this module")).to_be_visible()
    expect(page.locator(".progress-label").first).to_have_text("1 of 3 modules complete")
    assert progress_value(page) == "33"
    assert page.evaluate("window.__noReload === true"), "the page was reloaded"


def test_checklist_ticks_made_while_an_earlier_save_is_on_its_way_are_all_kept(
    page, live_server, teacher, demo_courses
):
    """Two ticks in quick succession send two saves. Should the first reach the server after
    the second (a slow connection), it must not put back the checklist as it was before the
    second tick: the teacher comes back to find both ticked."""
    from courses.demo import DEMO_MODULE_SLUGS
    from courses.models import ModulePage

    module = ModulePage.objects.get(slug=DEMO_MODULE_SLUGS["staff-privacy"][0])
    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}{module.url}")
    held = []

    def hold_the_first_save(route):
        if held or route.request.method != "POST":
            route.continue_()
        else:
            held.append(route)

    page.route("**/checklists/**", hold_the_first_save)
    page.get_by_label("Make your account private").first.check()
    page.get_by_label("Make your account private").nth(1).check()
    expect(page.get_by_label("Make your account private").nth(1)).to_be_checked()
    # The first save arrives now, late: after the second one, where the page sent it.
    (first,) = held
    first.fulfill(response=first.fetch())
    expect(page.get_by_text("Saved: 2 ticked")).to_be_visible()
    page.unroute("**/checklists/**")
    page.reload()
    expect(page.get_by_label("Make your account private").first).to_be_checked()
    expect(page.get_by_label("Make your account private").nth(1)).to_be_checked()
