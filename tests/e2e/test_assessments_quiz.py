"""A pupil (on a phone) and a member of staff take the demo quizzes in a real browser, with
JavaScript on and off: they fail, review their answers, retry and pass; each answer is stored as
an xAPI statement and passing completes the module. axe-core checks every page they see.

Set E2E_SCREENSHOTS=/some/dir to keep a screenshot of each page.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assessments.models import Attempt
from assessments.scoring import Kind
from tests.e2e.conftest import DESKTOP, MOBILE, assert_accessible, assert_fits_the_screen, sign_in
from xapi.models import Statement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
FAILED = "http://adlnet.gov/expapi/verbs/failed"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


@pytest.fixture
def demo(home_page):
    from assessments.demo import DEMO_QUIZZES, demo_content_load
    from courses.demo import demo_content_load as courses_load
    from courses.models import ModulePage

    courses_load()
    quizzes = demo_content_load()
    return {
        spec["course"]: (ModulePage.objects.get(slug=spec["module"]), quiz)
        for spec, quiz in zip(DEMO_QUIZZES, quizzes, strict=True)
    }


def shot(page, name: str) -> None:
    folder = os.environ.get("E2E_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def check(page, name: str, *, axe_page=None) -> None:
    """axe-core on the page. Without JavaScript axe cannot run in the page itself, so the
    page's HTML, exactly as served, is checked in `axe_page` (a scripted page on the same
    origin, so the same stylesheets apply)."""
    if axe_page is None:
        assert_accessible(page)
    else:
        axe_page.set_content(page.content())
        assert_accessible(axe_page)
    shot(page, name)


def current_attempt(learner) -> Attempt:
    return Attempt.objects.filter(learner=learner).order_by("-started_at").first()


def answer(page, attempt: Attempt, *, right: bool, js: bool) -> None:
    """Answer every question through the page's own controls, all right or all wrong."""
    for question in attempt.question_list():
        qid = question.id
        if question.kind in (Kind.SINGLE_CHOICE, Kind.TRUE_FALSE, Kind.MULTIPLE_RESPONSE):
            choices = [c for c in question.choices if c.correct == right]
            if question.kind != Kind.MULTIPLE_RESPONSE or not right:
                choices = choices[:1]
            for choice in choices:
                page.locator(f"#q-{qid}-{choice.id}").check()
        elif question.kind == Kind.MATCHING:
            for source in question.choices:
                target = (
                    source.match
                    if right
                    else next(t.id for t in question.targets if t.id != source.match)
                )
                page.locator(f"#q-{qid}-{source.id}").select_option(target)
        elif question.kind == Kind.ORDERING:
            order = (
                list(question.correct_order) if right else list(reversed(question.correct_order))
            )
            if js:
                # The order shown is an answer already, and the hint says so.
                expect(page.locator(f"#hint-{qid}")).to_contain_text(
                    "The order shown when you finish is your answer."
                )
                # Move each item up until it sits in its place, as a learner would.
                for place, item in enumerate(order):
                    row = page.locator(f"li:has(#q-{qid}-{item})")
                    items = page.locator(f"#question-{qid} [data-ordering-item]")
                    while items.nth(place).locator(f"#q-{qid}-{item}").count() == 0:
                        row.get_by_role("button", name="Move up").click()
            else:
                for position, item in enumerate(order, start=1):
                    page.locator(f"#q-{qid}-{item}").select_option(str(position))


def take_the_quiz(
    page, live_server, learner, module, quiz, *, js: bool, prefix: str, axe_page=None
) -> None:
    page.goto(f"{live_server.url}{module.url}")
    check(page, f"{prefix}-1-module", axe_page=axe_page)
    card = page.get_by_role("region", name=quiz.title)
    card.get_by_role("link", name="Start the quiz").click()
    expect(page.get_by_role("heading", level=1, name=quiz.title)).to_be_visible()
    check(page, f"{prefix}-2-start", axe_page=axe_page)
    page.get_by_role("button", name="Start the quiz").click()
    check(page, f"{prefix}-3-questions", axe_page=axe_page)

    # Submitting with nothing answered: an error summary lists every question.
    page.get_by_role("button", name="Submit my answers").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    attempt = current_attempt(learner)
    unanswered = len(attempt.question_list())
    if js:
        # With JavaScript the ordering question starts as an order, so it is answered.
        unanswered -= 1
    assert summary.get_by_role("link").count() == unanswered
    check(page, f"{prefix}-4-errors", axe_page=axe_page)

    # First attempt: all wrong, so a fail with a review of every answer.
    answer(page, attempt, right=False, js=js)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", name="Not passed yet")).to_be_visible()
    assert page.locator(".review").count() == len(attempt.question_list())
    expect(page.get_by_text("You have 2 attempts left.")).to_be_visible()
    check(page, f"{prefix}-5-failed", axe_page=axe_page)

    # Retry and pass.
    page.get_by_role("button", name="Try again").click()
    retry = current_attempt(learner)
    assert retry.number == 2
    answer(page, retry, right=True, js=js)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()
    expect(page.get_by_text("You scored 100%")).to_be_visible()
    check(page, f"{prefix}-6-passed", axe_page=axe_page)

    page.get_by_role("link", name=f"Back to {module.title}").click()
    expect(page.get_by_text("Passed with 100%")).to_be_visible()

    count = len(retry.question_list())
    answered = Statement.objects.filter(learner=learner, verb_iri=ANSWERED)
    assert answered.count() == 2 * count
    for row in answered:
        assert row.data["object"]["definition"]["interactionType"]
        assert row.data["result"]["response"]
    assert Statement.objects.filter(learner=learner, verb_iri=FAILED).count() == 1
    passed = Statement.objects.get(learner=learner, verb_iri=PASSED)
    assert passed.data["result"]["score"]["scaled"] == 1.0
    assert Statement.objects.filter(
        learner=learner, verb_iri=COMPLETED, object_iri=module.activity_iri
    ).exists()


@pytest.mark.parametrize(
    ("who", "course", "js"),
    [
        ("pupil", "pupil-2021", True),
        ("pupil", "pupil-2021", False),
        ("teacher", "staff-privacy", True),
        ("teacher", "staff-privacy", False),
    ],
    ids=["pupil-js", "pupil-no-js", "staff-js", "staff-no-js"],
)
def test_learners_fail_review_retry_and_pass_the_demo_quiz(
    browser, live_server, demo, pupil, teacher, who, course, js
):
    learner = {"pupil": pupil, "teacher": teacher}[who]
    module, quiz = demo[course]
    # Pupils on a phone, staff on a desktop.
    viewport = MOBILE if who == "pupil" else DESKTOP
    ctx = browser.new_context(viewport=viewport, java_script_enabled=js)
    axe_ctx = None if js else browser.new_context(viewport=viewport)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    axe_page = None
    if axe_ctx is not None:
        axe_page = axe_ctx.new_page()
        axe_page.goto(f"{live_server.url}/accounts/login/")
    prefix = f"{who}-{'js' if js else 'nojs'}"
    try:
        sign_in(page, live_server, learner.username)
        take_the_quiz(
            page, live_server, learner, module, quiz, js=js, prefix=prefix, axe_page=axe_page
        )
    finally:
        ctx.close()
        if axe_ctx is not None:
            axe_ctx.close()


def test_with_javascript_answers_survive_a_reload_before_submitting(page, live_server, demo, pupil):
    module, quiz = demo["pupil-2021"]
    sign_in(page, live_server, pupil.username)
    page.goto(f"{live_server.url}/quizzes/modules/{module.pk}/{quiz.uuid}/")
    page.get_by_role("button", name="Start the quiz").click()
    attempt = current_attempt(pupil)
    first = attempt.question_list()[0]
    page.locator(f"#q-{first.id}-{first.choices[1].id}").check()
    expect(page.get_by_text("You have answered 2 of 5 questions.")).to_be_visible()
    page.reload()
    assert page.locator(f"#q-{first.id}-{first.choices[1].id}").is_checked()
    expect(page.get_by_text("You have answered 2 of 5 questions.")).to_be_visible()


def test_answers_kept_in_the_tab_are_forgotten_once_the_quiz_is_marked(
    page, live_server, demo, pupil
):
    """The tab keeps a quiz's answers only until they are marked: on a shared classroom
    device the next person to use the tab (the sign-in may simply have run out) finds
    nothing of them in the browser."""
    module, quiz = demo["pupil-2021"]
    sign_in(page, live_server, pupil.username)
    page.goto(f"{live_server.url}/quizzes/modules/{module.pk}/{quiz.uuid}/")
    page.get_by_role("button", name="Start the quiz").click()
    attempt = current_attempt(pupil)
    answer(page, attempt, right=False, js=True)
    key = f"upstander-quiz-{attempt.uuid}"
    assert page.evaluate("(key) => window.sessionStorage.getItem(key)", key) is not None
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", name="Not passed yet")).to_be_visible()
    page.wait_for_load_state()
    assert page.evaluate("(key) => window.sessionStorage.getItem(key)", key) is None


@pytest.mark.parametrize("course", ["pupil-2021", "staff-privacy"])
def test_the_review_of_a_failed_quiz_fits_a_320px_screen(
    browser, live_server, demo, pupil, teacher, course
):
    """WCAG 1.4.10 (reflow): at 320 CSS pixels wide (a phone, or 400% zoom) the review of an
    ordering or matching answer scrolls inside its own box, not the whole page sideways."""
    learner = pupil if course == "pupil-2021" else teacher
    module, quiz = demo[course]
    ctx = browser.new_context(viewport={"width": 320, "height": 700})
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server, learner.username)
        page.goto(f"{live_server.url}{module.url}")
        page.get_by_role("region", name=quiz.title).get_by_role(
            "link", name="Start the quiz"
        ).click()
        page.get_by_role("button", name="Start the quiz").click()
        answer(page, current_attempt(learner), right=False, js=True)
        page.get_by_role("button", name="Submit my answers").click()
        expect(page.get_by_role("heading", name="Not passed yet")).to_be_visible()
        assert_fits_the_screen(page)
        assert_accessible(page)
    finally:
        ctx.close()


def test_a_submit_that_never_arrives_can_be_sent_again(page, live_server, demo, pupil):
    """The guard against double submits stops a second click sending the answers twice, but a
    submit the browser gave up on (Stop pressed, the connection dropped) must not leave the
    button busy for good: the learner can send their answers again without reloading."""
    module, quiz = demo["pupil-2021"]
    sign_in(page, live_server, pupil.username)
    page.goto(f"{live_server.url}/quizzes/modules/{module.pk}/{quiz.uuid}/")
    page.get_by_role("button", name="Start the quiz").click()
    answer(page, current_attempt(pupil), right=True, js=True)

    def cancel_submits(route):
        if route.request.method == "POST":
            route.abort("aborted")
        else:
            route.continue_()

    page.route("**/quizzes/attempts/*/", cancel_submits)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("button", name="Marking your answers…")).to_be_visible()
    page.unroute("**/quizzes/attempts/*/")

    submit = page.get_by_role("button", name="Submit my answers")
    expect(submit).to_be_enabled(timeout=30_000)
    submit.click()
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()


def test_answers_sent_after_the_lesson_was_unpublished_say_why_and_lead_to_the_course(
    page, live_server, demo, pupil
):
    """An editor takes the lesson off the site while a pupil answers: sending the answers
    says, accessibly, that the lesson is no longer available and leads back to the course."""
    module, quiz = demo["pupil-2021"]
    sign_in(page, live_server, pupil.username)
    page.goto(f"{live_server.url}{module.url}")
    page.get_by_role("region", name=quiz.title).get_by_role("link", name="Start the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    module.unpublish()
    page.get_by_role("button", name="Submit my answers").click()
    expect(
        page.get_by_role("heading", level=1, name="This lesson is no longer available")
    ).to_be_visible()
    assert_accessible(page)
    course = module.get_parent()
    page.get_by_role("link", name=f"Go back to {course.title}").click()
    expect(page.get_by_role("heading", level=1, name=course.title)).to_be_visible()
