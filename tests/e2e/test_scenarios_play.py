"""The demo scenarios play end to end in a real browser, with JavaScript on and off, and
every page passes axe-core."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import MOBILE, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (scenario key, who plays it, the buttons to press from the start, the ending's heading)
ROUTES = [
    (
        "crest-account",
        "pupil",
        [
            "Take a screenshot, just for you",
            "Keep it to show an adult",
            "Show her your screenshot",
            "Quietly tell Mr Evans or another teacher after the lesson",
        ],
        "You were an upstander",
    ),
    (
        "lock-it-down",
        "teacher",
        [
            "Check your privacy settings now",
            "Make Instagram private, hide your workplace and friends list, limit old posts",
            "Decline it, and don't reply from your personal account",
            "Carry on",
            "Remove the tag and turn on tag review",
            "Look at your profile as the public",
        ],
        "Locked down",
    ),
    (
        "a-post-about-you",
        "teacher",
        [
            "Take screenshots, including the username, date and time",
            "Tell your line manager and the DSL (DSP in Wales)",
            "Contact the Professionals Online Safety Helpline (POSH)",
            "Send them your screenshots",
            "Skip this part (no penalty)",
            "With your DSL (DSP in Wales), report it to the police, with your evidence",
        ],
        "You followed the reporting route",
    ),
]


@pytest.fixture
def demo(db):
    from scenarios.demo import demo_scenarios_ensure

    return demo_scenarios_ensure()


def _audit(page, *, javascript: bool):
    """axe-core needs JavaScript: without it, audit the same page in a second, scripted tab
    that shares the session (the server renders the same HTML either way)."""
    if javascript:
        assert_accessible(page)
        return
    browser = page.context.browser
    ctx = browser.new_context(viewport=page.viewport_size)
    ctx.add_cookies(page.context.cookies())
    twin = ctx.new_page()
    twin.goto(page.url)
    assert_accessible(twin)
    ctx.close()


def _play(page, live_server, scenario, buttons, ending, *, javascript: bool):
    page.goto(f"{live_server.url}/scenarios/{scenario.uuid}/")
    _audit(page, javascript=javascript)
    if javascript:
        page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Start the scenario").click()
    for label in buttons:
        button = page.get_by_role("button", name=label, exact=True)
        button.wait_for()
        button.click()
        # Feedback for the choice (or the skip) appears before the next step.
        page.locator(".scenario-feedback").first.wait_for()
    page.get_by_role("heading", name=ending).wait_for()
    expect(page.get_by_text("Ending: a good outcome")).to_be_visible()
    expect(page.get_by_text("Where to get help")).to_be_visible()
    assert page.locator(".scenario-path li").count() == len(buttons)
    if javascript:
        assert page.evaluate("window.__noReload === true"), "the page was reloaded"
    _audit(page, javascript=javascript)


@pytest.mark.parametrize("route", ROUTES, ids=[r[0] for r in ROUTES])
def test_demo_scenario_plays_to_a_good_ending_with_javascript(
    page, live_server, demo, pupil, teacher, route
):
    key, who, buttons, ending = route
    sign_in(page, live_server, {"pupil": pupil, "teacher": teacher}[who].username)
    _play(page, live_server, demo[key], buttons, ending, javascript=True)


@pytest.mark.parametrize("route", ROUTES, ids=[r[0] for r in ROUTES])
def test_demo_scenario_plays_to_a_good_ending_without_javascript(
    no_js_context, live_server, demo, pupil, teacher, route
):
    key, who, buttons, ending = route
    page = no_js_context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, {"pupil": pupil, "teacher": teacher}[who].username)
    _play(page, live_server, demo[key], buttons, ending, javascript=False)


def test_a_content_warning_hides_the_part_until_the_learner_chooses_to_see_it(
    browser, live_server, demo, pupil
):
    ctx = browser.new_context(viewport=MOBILE)
    page = ctx.new_page()
    sign_in(page, live_server, pupil.username)
    page.goto(f"{live_server.url}/scenarios/{demo['crest-account'].uuid}/")
    page.get_by_role("button", name="Start the scenario").click()
    page.get_by_role("button", name="Write a funny comment").click()
    page.get_by_text("Content warning:").wait_for()
    expect(page.get_by_role("button", name="Keep joining in")).to_be_hidden()
    assert_accessible(page)
    page.get_by_text("Show this part").click()
    page.get_by_role("button", name="Keep joining in").click()
    page.get_by_role("heading", name="It got worse").wait_for()
    expect(page.get_by_text("Ending: a poor outcome")).to_be_visible()
    assert_accessible(page)
    # Replay starts again from the beginning.
    page.get_by_role("button", name="Play again").click()
    page.get_by_role("heading", name="At break").wait_for()
    ctx.close()


def test_a_second_tab_gets_a_clear_message_not_a_double_move(context, live_server, demo, pupil):
    first = context.new_page()
    sign_in(first, live_server, pupil.username)
    url = f"{live_server.url}/scenarios/{demo['crest-account'].uuid}/"
    first.goto(url)
    first.get_by_role("button", name="Start the scenario").click()
    first.get_by_role("heading", name="At break").wait_for()
    second = context.new_page()
    second.goto(url)
    first.get_by_role("button", name="Report the account").click()
    first.get_by_role("heading", name="You reported it").wait_for()
    second.get_by_role("button", name="Like the video").click()
    second.get_by_text("already moved on from").wait_for()
    expect(second.get_by_role("heading", name="You reported it")).to_be_visible()
    assert_accessible(second)


def test_after_each_step_focus_lands_where_a_reader_carries_on(page, live_server, demo, pupil):
    """With JavaScript the player is swapped in place, so focus is moved for keyboard and
    screen reader users: to the first part's heading on starting, then to the feedback on each
    choice, which comes before what happens next (not past it, to the next heading)."""
    sign_in(page, live_server, pupil.username)
    page.goto(f"{live_server.url}/scenarios/{demo['crest-account'].uuid}/")
    page.get_by_role("button", name="Start the scenario").press("Enter")
    page.get_by_role("heading", name="At break").wait_for()
    expect(page.get_by_role("heading", name="At break")).to_be_focused()
    page.get_by_role("button", name="Report the account").press("Enter")
    page.get_by_role("heading", name="You reported it").wait_for()
    focused = page.locator(".scenario-feedback")
    expect(focused).to_be_focused()
    expect(focused).to_contain_text("You chose: Report the account")
    # Tabbing on from the feedback reaches the next choices in order.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Tell an adult as well")).to_be_focused()


@pytest.fixture
def demo_module(home_page):
    from courses.demo import demo_content_load as courses_demo_load
    from courses.models import ModulePage
    from scenarios.demo import demo_content_load

    courses_demo_load()
    demo_content_load()
    return ModulePage.objects.get(slug="pupil-2021-if-you-see-it")


def _on_module_page(browser, live_server, module, learner, *, javascript: bool):
    """A phone-sized browser, JavaScript on or off, signed in as `learner` on `module`."""
    ctx = browser.new_context(viewport=MOBILE, java_script_enabled=javascript)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, learner.username)
    page.goto(f"{live_server.url}{module.url}")
    return ctx, page


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_scenario_plays_inside_its_module_page(
    browser, live_server, demo_module, pupil, javascript
):
    ctx, page = _on_module_page(browser, live_server, demo_module, pupil, javascript=javascript)
    page.get_by_role("button", name="Start the scenario").click()
    page.get_by_role("button", name="Report the account").click()
    page.get_by_role("button", name="Tell an adult as well").click()
    page.get_by_role("button", name="Tell her the account name and what the video showed").click()
    page.get_by_role("button", name="Say nothing").click()
    page.get_by_role("heading", name="It carried on for a while").wait_for()
    expect(page.get_by_text("Ending: a mixed outcome")).to_be_visible()
    assert demo_module.url in page.url
    if javascript:
        # The module's status box updates in place, without reloading the page, and the
        # player's live region says so (the box is further down the page).
        page.get_by_role("heading", name="You have completed this module").wait_for()
        expect(page.locator(".scenario-player__live")).to_contain_text(
            "You have completed this module"
        )
    _audit(page, javascript=javascript)
    # The module now counts as complete (the scenario is its one required activity here).
    page.goto(f"{live_server.url}{demo_module.url}")
    page.get_by_role("heading", name="You have completed this module").wait_for()
    ctx.close()


def test_with_javascript_an_ending_marks_the_scenario_completed_where_it_sits(
    browser, live_server, demo_module, pupil
):
    """Before, the block's "Completed" tag appeared only after a reload, while the module's
    status box further down already said the module was complete."""
    ctx, page = _on_module_page(browser, live_server, demo_module, pupil, javascript=True)
    page.evaluate("window.__noReload = true")
    block = page.locator(".module-block", has=page.locator("[data-scenario-player]"))
    expect(block.locator(".scenario-block__eyebrow")).not_to_contain_text("Completed")
    page.get_by_role("button", name="Start the scenario").click()
    page.get_by_role("button", name="Report the account").click()
    page.get_by_role("button", name="Tell an adult as well").click()
    page.get_by_role("button", name="Tell her the account name and what the video showed").click()
    page.get_by_role("button", name="Say nothing").click()
    page.get_by_role("heading", name="You have completed this module").wait_for()
    expect(block.locator(".scenario-block__eyebrow .tag", has_text="Completed")).to_have_count(1)
    assert page.evaluate("window.__noReload === true"), "the page was reloaded"
    ctx.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_pupil_part_way_through_can_start_again_from_the_beginning(
    browser, live_server, demo_module, pupil, javascript
):
    ctx, page = _on_module_page(browser, live_server, demo_module, pupil, javascript=javascript)
    if javascript:
        page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Start the scenario").click()
    page.get_by_role("heading", name="At break").wait_for()
    expect(page.get_by_role("button", name="Start again from the beginning")).to_have_count(0)
    page.get_by_role("button", name="Like the video").click()
    page.locator(".scenario-feedback").wait_for()
    restart = page.get_by_role("button", name="Start again from the beginning")
    expect(restart).to_be_visible()
    _audit(page, javascript=javascript)
    restart.click()
    heading = page.get_by_role("heading", name="At break")
    heading.wait_for()
    expect(page.locator(".scenario-feedback")).to_have_count(0)
    expect(page.get_by_text("Your path so far")).to_have_count(0)
    assert demo_module.url in page.url
    if javascript:
        expect(heading).to_be_focused()
        assert page.evaluate("window.__noReload === true"), "the page was reloaded"
    _audit(page, javascript=javascript)
    # A different choice this time, from the new start.
    page.get_by_role("button", name="Report the account").click()
    page.get_by_role("heading", name="You reported it").wait_for()
    ctx.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_signed_out_in_another_tab_a_pupil_signs_in_again_and_carries_on(
    browser, live_server, demo_module, pupil, javascript
):
    """Before, with JavaScript the player vanished from the page (the sign-in page came back
    in its place); without, signing in led to a blank "method not allowed"."""
    ctx, page = _on_module_page(browser, live_server, demo_module, pupil, javascript=javascript)
    page.get_by_role("button", name="Start the scenario").click()
    page.get_by_role("heading", name="At break").wait_for()
    other = ctx.new_page()
    other.goto(f"{live_server.url}/home/")
    other.get_by_role("button", name="Sign out").click()
    other.wait_for_load_state()
    other.close()

    page.get_by_role("button", name="Report the account").click()
    page.get_by_text("You were signed out, so that was not saved.").wait_for()
    assert "/accounts/login/" in page.url
    _audit(page, javascript=javascript)
    page.get_by_label("Username").fill(pupil.username)
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Sign in").click()
    # Back on the module page, where the scenario was: nothing was applied, so the same
    # choices are offered, and the learner carries on.
    page.get_by_role("heading", name="At break").wait_for()
    assert page.url.split("#")[0] == f"{live_server.url}{demo_module.url}"
    page.get_by_role("button", name="Report the account").click()
    page.get_by_role("heading", name="You reported it").wait_for()
    ctx.close()


def test_a_picture_is_shown_with_its_description(browser, live_server, pupil, settings, tmp_path):
    import dataclasses

    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection

    from tests.scenarios.helpers import published_scenario
    from tests.unit.scenarios.test_engine import small_graph

    settings.MEDIA_ROOT = tmp_path
    if Collection.get_first_root_node() is None:  # browser tests flush the database
        Collection.add_root(name="Root")
    image = Image.objects.create(title="Privacy menu", file=get_test_image_file())
    graph = small_graph()
    nodes = tuple(
        dataclasses.replace(node, image_id=image.pk, image_alt="A privacy menu set to public")
        if node.id == "start"
        else node
        for node in graph.nodes
    )
    scenario = published_scenario(dataclasses.replace(graph, nodes=nodes))
    ctx = browser.new_context(viewport=MOBILE)
    page = ctx.new_page()
    sign_in(page, live_server, pupil.username)
    page.goto(f"{live_server.url}/scenarios/{scenario.uuid}/")
    page.get_by_role("button", name="Start the scenario").click()
    expect(page.get_by_role("img", name="A privacy menu set to public")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Report it").click()
    page.locator(".scenario-feedback").wait_for()
    expect(page.get_by_role("img", name="A privacy menu set to public")).to_have_count(0)
    ctx.close()
