"""Browser tests: Playwright driving Debian's Chromium, with axe-core for accessibility.

Outside CI the tests skip with a clear message when Chromium is absent; under CI (CI=true)
its absence is a failure.
"""

import json
import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
IN_CI = os.environ.get("CI", "").lower() == "true"

# Playwright's sync API runs an event loop in this thread; Django's async-safety guard would
# otherwise refuse the ORM calls that test set-up makes alongside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

MOBILE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# WCAG 1.4.10 (reflow): a phone, or a desktop zoomed to 400%.
NARROW = {"width": 320, "height": 640}


def _require(path: Path | str, what: str) -> None:
    if Path(path).exists():
        return
    message = f"{what} not found at {path}"
    if IN_CI:
        pytest.fail(message + " (required under CI)")
    pytest.skip(message + "; install it to run browser tests (apt-get install chromium).")


@pytest.fixture(scope="session")
def browser():
    _require(CHROMIUM, "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
        # While Playwright's event loop runs in this thread, Django (through asgiref) keeps
        # the thread's database connections apart from those opened before it started. The
        # tests that ran meanwhile used those: close them while the loop still runs, or the
        # test database cannot be dropped at the end of the run ("being accessed by other
        # users").
        from django.db import connections

        connections.close_all()


@pytest.fixture(autouse=True)
def _fresh_graph_cache():
    # The database is flushed between browser tests, so revision ids are reused and a graph
    # remembered by id in one test would be another scenario's in the next.
    from scenarios.selectors import graph_for_revision

    graph_for_revision.cache_clear()
    yield
    graph_for_revision.cache_clear()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport=DESKTOP)
    yield ctx
    ctx.close()


@pytest.fixture
def no_js_context(browser):
    ctx = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    yield ctx
    ctx.close()


@pytest.fixture
def narrow_page(browser):
    """A page on a screen 320 CSS px wide (NARROW), for the admin's own screens."""
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def page(context):
    """A page that fails the test if the browser refused anything under the site's
    Content-Security-Policy (config/content_security_policy.py): our pages must not need it
    loosened."""
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    assert not refused, "the Content-Security-Policy refused:\n" + "\n".join(refused)


def axe_violations(
    page, *, exclude: list[str] | None = None, include: str | None = None
) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on the page, or only the part matching
    `include` (our own parts of Wagtail's admin), and return its violations."""
    _require(AXE_JS, "axe-core (npm)")
    # The site's pages run only the site's own scripts (config/content_security_policy.py),
    # so a <script> element holding axe would be refused: axe is evaluated through
    # Playwright instead, as the page's own code cannot be.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(f"() => {{ {AXE_JS.read_text()}\n }}")
    options = {
        "runOnly": {
            "type": "tag",
            "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
        }
    }
    context = {"exclude": [[sel] for sel in (exclude or [])]} if exclude else None
    if include:
        context = {**(context or {}), "include": [[include]]}
    result = page.evaluate("([ctx, opts]) => axe.run(ctx || document, opts)", [context, options])
    return result["violations"]


def assert_accessible(
    page, *, exclude: list[str] | None = None, include: str | None = None
) -> None:
    """Fail with a readable list if axe-core finds any violation on the current page."""
    violations = axe_violations(page, exclude=exclude, include=include)
    if violations:
        summary = [
            {
                "id": v["id"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in violations
        ]
        raise AssertionError(
            f"axe-core violations on {page.url}:\n" + json.dumps(summary, indent=2)
        )


def assert_fits_the_screen(page) -> None:
    """The page does not scroll sideways: wide content scrolls inside its own box."""
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, f"{page.url} is {width}px wide on a {viewport}px screen"


def sign_in(page, live_server, username: str, password: str = "secret-pass-123") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.fixture
def administrator(db):
    """The site's administrator (a superuser at no school), to sign in to Wagtail's admin."""
    from tests.factories import UserFactory

    return UserFactory(
        school=None,
        username="admin1",
        password="secret-pass-123",
        is_staff=True,
        is_superuser=True,
    )


def statement_refused(target, last_error: str):
    """A statement `target` refused just now, answering `last_error`: its outbox entry failed
    (set aside), as the admin's forwarding panels and status page list it."""
    import uuid

    from django.utils import timezone

    from xapi.models import OutboxEntry, Statement

    now = timezone.now()
    statement = Statement.objects.create(
        statement_id=uuid.uuid4(),
        actor_key="account|https://upstander.example|" + str(uuid.uuid4()),
        verb_iri="http://adlnet.gov/expapi/verbs/completed",
        object_iri="https://upstander.example/xapi/activities/module/" + str(uuid.uuid4()),
        timestamp=now,
        stored=now,
        data={},
    )
    OutboxEntry.objects.create(
        target=target,
        statement=statement,
        status=OutboxEntry.Status.FAILED,
        next_attempt_at=now,
        last_error=last_error,
        last_error_at=now,
    )
    return statement
