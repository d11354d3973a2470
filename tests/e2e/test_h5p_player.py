"""H5P in a real browser: the editor uploads the true/false sample, the pupil plays it on a
module page, and its answered statement lands in the LRS with the pupil as actor and
completes the block. The player runs on the content origin, in a sandboxed iframe that
cannot read the site's cookies or DOM.

The content origin is the same live server under another host name: the site is
`localhost:<port>`, the content `127.0.0.1:<port>`. Cookies are kept per host name (not per
port), so the site's session cookie is never sent to or readable by the content; and the
sandbox (no allow-same-origin) gives the content an opaque origin besides.
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from tests.e2e.conftest import MOBILE, assert_accessible, sign_in
from tests.h5p.conftest import TRUE_FALSE, XSS_SVG, module_with_h5p, sample, upload_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def origins(settings, live_server, tmp_path):
    """Point SITE_URL at the live server as localhost and the content origin at 127.0.0.1."""
    port = urlsplit(live_server.url).port
    settings.SITE_URL = f"http://localhost:{port}"
    settings.WAGTAILADMIN_BASE_URL = settings.SITE_URL
    settings.H5P_CONTENT_ORIGIN = f"http://127.0.0.1:{port}"
    settings.H5P_ROOT = tmp_path / "h5p"
    return settings.SITE_URL, settings.H5P_CONTENT_ORIGIN


@pytest.fixture
def true_false(origins):
    from h5p.services import h5p_activity_create

    return h5p_activity_create(upload=upload_of(sample(TRUE_FALSE).read_bytes()))[0]


def player_frame(page):
    """The H5P player's document: the iframe h5p-standalone creates inside our embed page."""
    embed = page.frame_locator("iframe.h5p-activity__frame")
    return embed.frame_locator("iframe").first


def test_the_pupil_plays_the_true_false_sample_and_completes_the_block(
    page, live_server, origins, home_page, pupil, true_false
):
    from records.models import Completion
    from xapi.identity import activity_iri, actor_for
    from xapi.models import Statement

    site, _content = origins
    module = module_with_h5p(home_page, true_false)
    page.goto(f"{site}/accounts/login/")
    sign_in_at(page, site, pupil.username)
    page.goto(f"{site}{module.url}")

    # A message from any window but the player's own iframe is ignored by the relay. The
    # relay posts in order, so had this been accepted it would be stored before the answer.
    page.evaluate(
        """() => window.postMessage({type: "upstander-h5p-xapi", statement: {
            verb: {id: "http://adlnet.gov/expapi/verbs/passed"},
            object: {id: document.querySelector("[data-h5p-activity]").dataset.iri}}}, "*")"""
    )
    player = player_frame(page)
    player.get_by_role("radio", name="False").click()
    player.get_by_role("button", name="Check").click()
    status = page.locator("[data-h5p-status]")
    status.get_by_text("you have completed this activity").wait_for()

    iri = activity_iri("h5p", true_false.uuid)
    answered = Statement.objects.get(verb_iri="http://adlnet.gov/expapi/verbs/answered")
    assert answered.data["actor"] == actor_for(pupil)
    assert answered.data["object"]["id"] == iri
    assert answered.data["result"]["score"]["raw"] == 1
    assert Completion.objects.filter(learner=pupil, activity_iri=iri).exists()
    assert not Statement.objects.filter(verb_iri="http://adlnet.gov/expapi/verbs/passed").exists()
    assert_accessible(page)


def test_the_module_status_and_progress_say_complete_once_the_activity_completes_the_module(
    page, live_server, origins, home_page, pupil, true_false
):
    """The H5P activity is the module's only required one: once the answer is saved, the box
    under it and the course's progress say the module is complete, without a reload, as
    they do after a scenario's ending. They said "Finish the activity on this page" and
    "0 of 1 modules complete" until the page was reloaded."""
    site, _content = origins
    _module, player = open_the_player_as(page, site, pupil, module_with_h5p(home_page, true_false))
    status_box = page.locator("#module-status")
    status_box.get_by_role("heading", name="Finish this module").wait_for()

    player.get_by_role("radio", name="False").click()
    player.get_by_role("button", name="Check").click()
    status = page.locator("[data-h5p-status]")
    status.get_by_text("you have completed this activity").wait_for()
    status_box.get_by_role("heading", name="You have completed this module").wait_for()
    status.get_by_text("You have completed this module").wait_for()
    assert "Finish the activity on this page" not in status_box.inner_text()
    progress = page.locator("[data-course-progress] .progress-label")
    assert progress.inner_text().strip() == "Complete"
    assert_accessible(page)


def test_an_answer_given_after_the_sign_in_ended_is_saved_once_the_pupil_signs_in_again(
    page, live_server, origins, home_page, pupil, true_false
):
    """A pupil's sign-in ends after a while without a request (PUPIL_IDLE_MINUTES); a long
    stretch in an H5P activity sends none. The answer given then is kept in the tab and
    saved, once, when they sign in again from the link the activity offers."""
    from records.models import Completion
    from xapi.identity import activity_iri
    from xapi.models import Statement

    site, _content = origins
    module, player = open_the_player_as(page, site, pupil, module_with_h5p(home_page, true_false))
    page.context.clear_cookies(name="sessionid")  # the sign-in has ended

    player.get_by_role("radio", name="False").click()
    player.get_by_role("button", name="Check").click()
    status = page.locator("[data-h5p-status]")
    status.get_by_text("You were signed out, so your answers have not been saved yet").wait_for()
    answered_by = timezone.now()
    answered = Statement.objects.filter(verb_iri="http://adlnet.gov/expapi/verbs/answered")
    assert not answered.exists()
    assert_accessible(page)
    page.wait_for_timeout(3000)  # a while before they sign in again

    status.get_by_role("link", name="Sign in again").click()
    page.get_by_label("Username").fill(pupil.username)
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site}{module.url}#block-*")
    page.locator("[data-h5p-status]").get_by_text("you have completed this activity").wait_for()

    iri = activity_iri("h5p", true_false.uuid)
    assert answered.count() == 1
    assert answered.get().learner == pupil
    assert Completion.objects.filter(learner=pupil, activity_iri=iri).count() == 1
    # Dated when the pupil answered, not when it arrived (give or take the time the request
    # took to reach the server); the module's completion too.
    statement = answered.get()
    assert statement.timestamp < answered_by + timedelta(seconds=1.5)
    assert statement.stored - statement.timestamp > timedelta(seconds=3)
    completed = Completion.objects.get(learner=pupil, activity_iri=module.activity_iri)
    assert completed.completed_at == statement.timestamp
    # The completion shows once the answer is saved; whatever H5P sent after it follows in
    # turn, and then the tab keeps nothing.
    page.wait_for_function(
        "() => !Object.keys(sessionStorage).some(k => k.startsWith('upstander-h5p'))"
    )
    page.reload()  # nothing is sent twice
    page.locator("[data-h5p-status]").get_by_text("You have completed this activity.").wait_for()
    assert answered.count() == 1


def test_an_answer_sent_while_the_connection_is_down_is_saved_when_it_returns(
    page, live_server, origins, home_page, pupil, true_false
):
    from records.models import Completion
    from xapi.models import Statement

    site, _content = origins
    _module, player = open_the_player_as(page, site, pupil, module_with_h5p(home_page, true_false))
    page.route("**/statements/", lambda route: route.abort("internetdisconnected"))

    player.get_by_role("radio", name="False").click()
    player.get_by_role("button", name="Check").click()
    status = page.locator("[data-h5p-status]")
    status.get_by_text("Your answer has not been saved yet, but it is kept in this tab").wait_for()
    answered = Statement.objects.filter(verb_iri="http://adlnet.gov/expapi/verbs/answered")
    assert not answered.exists()

    page.unroute("**/statements/")
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    status.get_by_text("you have completed this activity").wait_for()
    assert answered.count() == 1
    assert Completion.objects.filter(learner=pupil).exists()


def test_answers_kept_in_two_places_of_the_same_activity_are_all_kept(
    page, live_server, origins, home_page, pupil, true_false
):
    """An editor may place one activity twice in a module (tried before the video, and again
    after it). Answers kept in the tab while the connection is down are kept for each place
    on its own: answering in the second does not overwrite what the first kept."""
    from xapi.models import Statement

    site, _content = origins
    module = module_with_h5p(home_page, true_false)
    module.body.append(("h5p", {"activity": true_false, "required": True}))
    module.save()
    sign_in_at(page, site, pupil.username)
    page.goto(f"{site}{module.url}")
    page.route("**/statements/", lambda route: route.abort("internetdisconnected"))
    frames = page.locator("iframe.h5p-activity__frame")
    statuses = page.locator("[data-h5p-status]")
    for place, answer in enumerate(["False", "True"]):
        frames.nth(place).scroll_into_view_if_needed()
        player = frames.nth(place).content_frame.frame_locator("iframe").first
        player.get_by_role("radio", name=answer).click()
        player.get_by_role("button", name="Check").click()
        statuses.nth(place).get_by_text("Your answer has not been saved yet").wait_for()
    answered = Statement.objects.filter(verb_iri="http://adlnet.gov/expapi/verbs/answered")
    assert not answered.exists()

    # What the tab keeps to send when the connection returns (or after a reload): both.
    kept = page.evaluate(
        """() => Object.keys(sessionStorage).filter(k => k.startsWith('upstander-h5p'))
            .flatMap(k => JSON.parse(sessionStorage.getItem(k)))
            .filter(item => item.statement.result).map(item => item.statement.result.response)"""
    )
    assert sorted(kept) == ["false", "true"]


def open_the_player_as(page, site, learner, module):
    """Sign in, open the module and wait until the true/false sample is ready to answer."""
    sign_in_at(page, site, learner.username)
    page.goto(f"{site}{module.url}")
    player = player_frame(page)
    player.get_by_role("radio", name="False").wait_for()
    return module, player


def sign_in_at(page, site, username):
    class _Server:
        url = site

    sign_in(page, _Server, username)


READ_COOKIES = "() => document.cookie"
READ_PARENT = """() => {
    try { return window.parent.document.body.innerHTML.length; }
    catch (error) { return "blocked: " + error.name; }
}"""
READ_TOP_COOKIES = """() => {
    try { return window.top.document.cookie; }
    catch (error) { return "blocked: " + error.name; }
}"""


def test_h5p_content_cannot_read_the_sites_cookies_or_dom(
    page, context, live_server, origins, home_page, pupil, true_false
):
    site, content = origins
    module = module_with_h5p(home_page, true_false)
    sign_in_at(page, site, pupil.username)
    page.goto(f"{site}{module.url}")
    player_frame(page).get_by_role("radio", name="False").wait_for()

    site_cookies = {c["name"]: c["value"] for c in context.cookies(site)}
    assert {"sessionid", "csrftoken"} <= set(site_cookies)
    assert context.cookies(content) == []

    embed = page.frame(url=lambda url: url.startswith(f"{content}/embed/"))
    inner = embed.child_frames[0]
    for frame in (embed, inner):
        cookies = frame.evaluate(READ_COOKIES)
        assert site_cookies["sessionid"] not in cookies
        assert site_cookies["csrftoken"] not in cookies
        assert frame.evaluate(READ_TOP_COOKIES).startswith("blocked: SecurityError")
    assert embed.evaluate(READ_PARENT).startswith("blocked: SecurityError")

    # The sandbox refuses to let content navigate the site away.
    embed.evaluate("() => { try { window.top.location.href = 'about:blank'; } catch (e) {} }")
    assert page.url == f"{site}{module.url}"

    # On a phone too, the module page with the player passes axe-core.
    page.set_viewport_size(MOBILE)
    assert_accessible(page)


def test_the_player_inside_its_frames_passes_axe_core_with_every_frame_named(
    page, live_server, origins, home_page, pupil, true_false
):
    """axe-core run on the module page does not look inside the content origin's frames:
    they are another origin, so it is run in the embed page and in the player's own frame."""
    site, content = origins
    module = module_with_h5p(home_page, true_false)
    open_the_player_as(page, site, pupil, module)
    embed = page.frame(url=lambda url: url.startswith(f"{content}/embed/"))
    for frame in (embed, embed.child_frames[0]):
        assert_accessible(frame)


def test_the_editor_uploads_the_true_false_sample_and_the_xss_svg_sample_is_rejected(
    page, live_server, origins, editor
):
    from h5p.models import H5PActivity

    site, _content = origins
    sign_in_at(page, site, editor.username)
    page.goto(f"{site}/admin/snippets/h5p/h5pactivity/add/")
    page.locator("input[name=package]").set_input_files(str(sample(XSS_SVG)))
    page.get_by_role("button", name="Save").click()
    page.get_by_text("This package was not accepted").wait_for()
    assert "content/images/xss.svg" in page.content()
    assert not H5PActivity.objects.exists()

    page.locator("input[name=package]").set_input_files(str(sample(TRUE_FALSE)))
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(lambda url: "/add/" not in url)
    activity = H5PActivity.objects.get()
    assert activity.title == "Hello World"
    assert activity.main_library == "H5P.TrueFalse 1.6"


def test_a_teacher_tries_the_activity_in_the_teaching_view_and_nothing_is_recorded(
    page, live_server, origins, home_page, teacher, true_false
):
    from xapi.models import Statement

    site, _content = origins
    module = module_with_h5p(home_page, true_false)
    sign_in_at(page, site, teacher.username)
    posted = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    page.goto(f"{site}{module.url}")
    page.get_by_role("heading", name="Teaching view").wait_for()
    player = page.frame_locator("iframe.h5p-activity__frame").frame_locator("iframe").first
    player.get_by_role("radio", name="False").click()
    player.get_by_role("button", name="Check").click()
    # H5P marks the answer in the player; the relay sends nothing on.
    player.get_by_text("You got 1 out of 1 points").wait_for()
    page.wait_for_timeout(500)  # time for the relay to have posted, had it posted
    assert posted == []  # not even a post the server would refuse
    assert not Statement.objects.exists()
    # The relay still fits the frame to the player.
    height = page.locator("iframe.h5p-activity__frame").evaluate("f => f.style.height")
    assert height.endswith("px")
    assert_accessible(page)
    page.set_viewport_size(MOBILE)
    assert_accessible(page)


@pytest.mark.parametrize("refused_by", ["site", "proxy"])
def test_an_answer_too_large_to_save_is_given_up_with_the_reason_not_sent_again(
    page, live_server, origins, home_page, pupil, true_false, settings, refused_by
):
    """Sent again it would be as large: the relay says why and stops trying, whether the
    site refuses it (413 with a reason) or a proxy in front of it does (its own 413 page),
    instead of keeping it and sending it every 30 seconds for ever."""
    from xapi.models import Statement

    site, _content = origins
    _module, player = open_the_player_as(page, site, pupil, module_with_h5p(home_page, true_false))
    if refused_by == "site":
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 300  # less than any statement H5P sends
    else:
        page.route(
            "**/statements/",
            lambda route: route.fulfill(
                status=413, content_type="text/html", body="<h1>413 Request Entity Too Large</h1>"
            ),
        )
    sent = []
    page.on("request", lambda request: request.method == "POST" and sent.append(request.url))

    player.get_by_role("radio", name="False").click()
    player.get_by_role("button", name="Check").click()
    status = page.locator("[data-h5p-status]")
    status.get_by_text("This answer is too long to be saved").wait_for()
    page.wait_for_function(
        "() => !Object.keys(sessionStorage).some(k => k.startsWith('upstander-h5p'))"
    )
    tried = len(sent)
    assert tried >= 1
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(1000)
    assert len(sent) == tried
    assert not Statement.objects.filter(verb_iri="http://adlnet.gov/expapi/verbs/answered").exists()
