"""The scenario player's script on its own, in a real browser, without the site: states a
full browser test cannot reach (Playwright turns the back/forward cache off)."""

from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "scenario.js"

PLAYER = """
<section data-scenario-player>
  <form class="scenario-form" method="post" action="/scenarios/attempts/x/choose/">
    <button type="submit" name="choice" value="tell">Tell a trusted adult</button>
    <button type="submit" name="choice" value="ignore">Ignore it</button>
  </form>
</section>
"""


@pytest.fixture
def player_page(context):
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.set_content(PLAYER)
    # The server cannot be reached, so the script falls back to sending the form the
    # ordinary way; that navigation is held back here so the page stays to be checked.
    page.evaluate(
        """() => {
            window.fetch = () => Promise.reject(new Error("offline"));
            window.sentTheOrdinaryWay = 0;
            HTMLFormElement.prototype.submit = function () { window.sentTheOrdinaryWay += 1; };
        }"""
    )
    page.add_script_tag(path=str(SCRIPT))
    yield page
    page.close()


def test_a_player_restored_by_back_after_an_ordinary_submission_can_be_used_again(player_page):
    """A step the script could not send is sent as a plain form, which leaves the page with
    the player busy and its buttons off. The back/forward cache restores the page exactly so
    when the pupil presses Back: it must come back ready for a choice."""
    page = player_page
    page.get_by_role("button", name="Tell a trusted adult").click()
    page.wait_for_function("window.sentTheOrdinaryWay === 1")
    assert page.locator("[data-scenario-player]").get_attribute("aria-busy") == "true"

    page.evaluate(
        "() => window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))"
    )

    assert page.locator("[data-scenario-player]").get_attribute("aria-busy") != "true"
    assert page.get_by_role("button", name="Tell a trusted adult").is_enabled()
    assert page.get_by_role("button", name="Ignore it").is_enabled()
    # The choice the fallback carried in a hidden field is not sent with the next one.
    assert page.locator("form input[type=hidden][name=choice]").count() == 0


def test_a_page_shown_afresh_leaves_a_busy_player_alone(player_page):
    """Only a page restored from the cache is reset: an ordinary pageshow while a step is
    on its way does not let a second click through."""
    page = player_page
    page.get_by_role("button", name="Tell a trusted adult").click()
    page.wait_for_function("window.sentTheOrdinaryWay === 1")
    page.evaluate(
        "() => window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: false}))"
    )
    assert page.locator("[data-scenario-player]").get_attribute("aria-busy") == "true"
