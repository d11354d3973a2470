"""The site's Content-Security-Policy in a real browser: a script slipped into a pupil's page
does not run (config/content_security_policy.py). The `page` fixture fails every other
browser test whose pages the policy refuses anything on."""

import pytest

from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INJECT = """() => new Promise((resolve) => {
    document.addEventListener(
        "securitypolicyviolation", (event) => resolve(event.effectiveDirective), {once: true}
    );
    setTimeout(() => resolve("nothing refused"), 3000);
    document.querySelector("main").insertAdjacentHTML(
        "beforeend", '<img src="/static/img/favicon.svg" alt="" onload="window.injected = 1">'
    );
})"""


def test_a_script_slipped_into_a_pupils_page_is_refused(context, live_server, pupil, home_page):
    # Not the `page` fixture, which fails the test on any refusal: here one is the point.
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, pupil.username)
    assert "/learning/" in page.url
    refused = page.evaluate(INJECT)
    assert refused == "script-src-attr"
    assert page.evaluate("() => window.injected") is None
    # The site's own script still runs: signing out, which site.js handles, works.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You have signed out.").wait_for()
