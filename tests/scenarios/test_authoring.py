"""Authoring scenarios: drafts, refused publishing, the map, Twee import and export."""

import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from scenarios.engine import Choice, Graph, Node, Outcome
from scenarios.models import Scenario
from scenarios.services import scenario_save_graph
from scenarios.twee import TweeError, twee_parse
from tests.scenarios.helpers import (
    choice_form,
    node_form,
    published_scenario,
    scenario_form_post,
)
from tests.unit.scenarios.test_engine import small_graph
from tests.unit.scenarios.test_twee import STORY

pytestmark = pytest.mark.django_db

ADD_URL = reverse("wagtailsnippets_scenarios_scenario:add")


def _broken_graph():
    return small_graph(
        nodes={"shared": Node("shared", "x", choices=(Choice("oops", "Oh", "nowhere"),))}
    )


def test_a_graph_saved_from_the_engine_reads_back_identically():
    scenario = published_scenario()
    assert Scenario.objects.get(pk=scenario.pk).graph() == small_graph()


def test_a_draft_with_problems_can_be_saved_but_not_published():
    scenario = scenario_save_graph(scenario=Scenario(title="Draft"), graph=_broken_graph())
    assert not scenario.live
    assert [p.code for p in scenario.problems()] == ["unknown_target"]
    with pytest.raises(ValidationError):
        scenario.latest_revision.publish()
    scenario.refresh_from_db()
    assert not scenario.live


def test_bad_condition_text_is_a_problem_next_to_its_node():
    scenario = published_scenario()
    scenario.nodes[0].value["choices"][0]["conditions"] = "when it rains"
    problems = scenario.problems()
    assert problems[0].node_id == "start"
    assert "not a condition" in problems[0].message


def _admin_post_data(scenario, *, publish: bool, target: str, score=None):
    """The edit form's POST data for a scenario, with the `shared` node's choice target (and
    score change, if given)."""
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    nodes = []
    for child in scenario.nodes:
        value = {k: ("" if v is None else v) for k, v in dict(child.value).items()}
        choices = [dict(c) for c in value.pop("choices")]
        if value["node_id"] == "shared":
            choices[0]["target"] = target
            if score is not None:
                choices[0]["score"] = score
        if value["outcome"] and not value["debrief"]:
            # An ending needs a debrief to be published.
            value["debrief"] = "What to take away."
        value["choices"] = {
            "count": len(choices),
            **{
                str(i): {
                    "value": {k: ("" if v is None else v) for k, v in c.items()},
                    "deleted": "",
                    "order": i,
                    "id": "",
                }
                for i, c in enumerate(choices)
            },
        }
        nodes.append(("node", value))
    data = nested_form_data(
        {
            "title": scenario.title,
            "audience": scenario.audience,
            "introduction": "",
            "start_node": scenario.start_node,
            "variables": streamfield([("variable", {"name": "reported", "initial": "false"})]),
            "nodes": streamfield(nodes),
        }
    )
    if publish:
        data["action-publish"] = "action-publish"
    return data


def _edit_url(scenario):
    return reverse("wagtailsnippets_scenarios_scenario:edit", args=[scenario.pk])


def test_publishing_in_the_admin_is_refused_with_the_problem_beside_its_node(client, editor):
    scenario = scenario_save_graph(scenario=Scenario(title="Draft"), graph=small_graph())
    client.force_login(editor)
    response = client.post(
        _edit_url(scenario), _admin_post_data(scenario, publish=True, target="nowhere")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "cannot be published until the problems marked below are fixed" in html
    # Beside the choice's "Goes to node" field: the `shared` node is third, its choice first.
    # Wagtail's StreamField widget renders block errors from JSON.
    error = response.context["form"].errors.as_data()["nodes"][0]
    choice = error.block_errors[2].block_errors["choices"].block_errors[0]
    assert choice.block_errors["target"].messages == [
        "The choice “Oh no” in “shared” leads to “nowhere”, which does not exist."
    ]
    assert (
        "[&quot;The choice \\u201cOh no\\u201d in \\u201cshared\\u201d leads to "
        "\\u201cnowhere\\u201d, which does not exist." in html
    )
    scenario.refresh_from_db()
    assert not scenario.live


@pytest.mark.parametrize("score", ["1001", "-2147483649", "9" * 400])
def test_a_choice_moving_the_score_by_more_than_a_thousand_is_refused_beside_it(
    client, editor, score
):
    """The running score is each statement's result.score.raw: one too large for a double
    is a statement no LRS takes back, so publishing is refused beside the score."""
    scenario = scenario_save_graph(scenario=Scenario(title="Draft"), graph=small_graph())
    client.force_login(editor)
    response = client.post(
        _edit_url(scenario),
        _admin_post_data(scenario, publish=True, target="poor", score=score),
    )
    assert response.status_code == 200
    error = response.context["form"].errors.as_data()["nodes"][0]
    choice = error.block_errors[2].block_errors["choices"].block_errors[0]
    assert choice.block_errors["score"].messages == [
        "The choice “Oh no” in “shared” changes the score by more than 1000: keep a "
        "choice's score change between -1000 and 1000."
    ]
    scenario.refresh_from_db()
    assert not scenario.live


def test_saving_a_draft_with_problems_is_allowed(client, editor):
    scenario = scenario_save_graph(scenario=Scenario(title="Draft"), graph=small_graph())
    client.force_login(editor)
    response = client.post(
        _edit_url(scenario), _admin_post_data(scenario, publish=False, target="nowhere")
    )
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert not scenario.live
    assert scenario.get_latest_revision_as_object().problems()


def test_fixing_the_problem_lets_the_author_publish(client, editor):
    scenario = scenario_save_graph(scenario=Scenario(title="Draft"), graph=_broken_graph())
    client.force_login(editor)
    response = client.post(
        _edit_url(scenario), _admin_post_data(scenario, publish=True, target="poor")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    scenario.refresh_from_db()
    assert scenario.live
    assert scenario.graph().node("shared").choices[0].target == "poor"


def test_the_admin_edit_page_shows_a_map_with_endings_coloured_by_outcome(client, editor):
    scenario = published_scenario()
    client.force_login(editor)
    html = client.get(_edit_url(scenario)).content.decode()
    assert "<svg" in html
    assert 'fill="#1d7a3a"' in html and 'fill="#b3261e"' in html


def test_the_map_is_also_given_as_text_outside_the_picture(client, editor):
    """The picture is one image to a screen reader (its boxes' and arrows' own titles are
    not read inside it), and endings differ by colour alone: the same map is written out as
    a list, each node with where its choices lead and each ending with its outcome."""
    scenario = published_scenario()
    client.force_login(editor)
    html = client.get(_edit_url(scenario)).content.decode()
    panel = html[html.index('<div class="scenario-graph">') :]
    panel = re.sub(r"<svg.*?</svg>", "", panel, flags=re.S)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", panel))
    assert "start (where it starts) “Report it” → reported “Share it” → shared" in text
    assert "“Tell a teacher” → good (offered only when its condition is met)" in text
    assert "good an ending: good" in text and "poor an ending: poor" in text


def test_preview_renders_the_scenario(client, editor):
    scenario = published_scenario()
    client.force_login(editor)
    url = reverse("wagtailsnippets_scenarios_scenario:preview_on_edit", args=[scenario.pk])
    data = _admin_post_data(scenario, publish=False, target="poor")
    assert client.post(url, data).json()["is_valid"]
    response = client.get(url)
    assert response.status_code == 200
    assert "A friend shows you a post." in response.content.decode()


def test_importing_twee_creates_a_draft(client, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    upload = SimpleUploadedFile("story.twee", STORY.encode(), content_type="text/plain")
    response = client.post(reverse("scenarios_twee:import"), {"file": upload})
    assert response.status_code == 302
    scenario = Scenario.objects.get(title="The crest account")
    assert not scenario.live
    assert scenario.graph().node("Shared").outcome.value == "poor"


def test_malformed_twee_is_refused_with_line_numbers_and_nothing_saved(client, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    upload = SimpleUploadedFile("story.twee", b":: A\n[[Go->B\n", content_type="text/plain")
    response = client.post(reverse("scenarios_twee:import"), {"file": upload})
    assert response.status_code == 200
    assert "Line 2: a link is not closed" in response.content.decode()
    assert not Scenario.objects.exists()


def test_a_passage_name_too_long_for_a_node_id_is_refused_not_a_server_error(client, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    long = "Tell your form tutor what you saw in the group chat this morning"
    story = f":: {long}\nHi\n[[Go->End]]\n\n:: End [ending-good]\nDone.\n"
    client.force_login(editor)
    upload = SimpleUploadedFile("story.twee", story.encode(), content_type="text/plain")
    response = client.post(reverse("scenarios_twee:import"), {"file": upload})
    assert response.status_code == 200
    assert "Line 1: the passage name is 64 characters long" in response.content.decode()
    assert not Scenario.objects.exists()


def test_a_twine_html_file_is_refused_with_how_to_export_twee(client, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    html = (
        b'<tw-storydata name="Phone in class" startnode="1"><tw-passagedata pid="1" '
        b'name="Lesson" tags="">Jay films.</tw-passagedata></tw-storydata>'
    )
    upload = SimpleUploadedFile("Phone in class.html", html, content_type="text/html")
    response = client.post(reverse("scenarios_twee:import"), {"file": upload})
    assert response.status_code == 200
    text = response.content.decode()
    assert "This is a Twine HTML file" in text and "Build → Export as Twee" in text
    assert "Line 1" not in text
    assert not Scenario.objects.exists()


def test_twee_not_saved_as_utf8_is_refused_with_the_line_to_look_at(client, editor):
    """A story edited in an editor that saved it as Windows-1252 ("ANSI") was refused with
    "The file is not UTF-8 text." and no line: the author had to hunt a long story for the
    one £ or curly quote."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    lines = STORY.splitlines(keepends=True)
    lines[13] = "It costs £5.\n"
    data = "".join(lines).encode("cp1252")
    upload = SimpleUploadedFile("story.twee", data, content_type="text/plain")
    response = client.post(reverse("scenarios_twee:import"), {"file": upload})
    assert response.status_code == 200
    assert "Line 14 is not UTF-8 text" in response.content.decode()
    assert not Scenario.objects.exists()


def test_twee_with_a_nul_character_is_refused_with_its_line_and_nothing_saved(client, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    lines = STORY.splitlines(keepends=True)
    lines[2] = "\x00" + lines[2]
    upload = SimpleUploadedFile("story.twee", "".join(lines).encode(), content_type="text/plain")
    response = client.post(reverse("scenarios_twee:import"), {"file": upload})
    assert response.status_code == 200
    assert "Line 3 has a NUL character in it" in response.content.decode()
    assert not Scenario.objects.exists()


@pytest.mark.parametrize(
    ("field", "escape"),
    [
        ("introduction", "\\u0000"),
        ("introduction", "\\ud83d"),
        ("start", "\\u0000"),
        ("start", "\\udc00"),
        ("audience", "\\ud83d"),
    ],
)
def test_storydata_with_a_character_no_database_keeps_is_refused_not_a_server_error(
    client, editor, field, escape
):
    """StoryData is JSON, whose escapes can make a NUL (which PostgreSQL cannot store) or
    half of a surrogate pair (which is not text, and no database takes): the import refused
    neither, and saving the draft (or, for the audience, saying it was wrong) was a server
    error."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    # The escape as written in the file: a backslash, "u" and four hex digits.
    start, audience, introduction = (
        value + (escape if name == field else "")
        for name, value in [("start", "Start"), ("audience", "pupils"), ("introduction", "Hi")]
    )
    ours = f'{{"audience": "{audience}", "introduction": "{introduction}"}}'
    story = (
        f':: StoryData\n{{"start": "{start}", "upstander": {ours}}}\n\n'
        ":: Start\nHi\n[[Go->End]]\n\n:: End [ending-good]\nDone.\n"
    )
    client.force_login(editor)
    client.raise_request_exception = False
    upload = SimpleUploadedFile("story.twee", story.encode(), content_type="text/plain")
    response = client.post(reverse("scenarios_twee:import"), {"file": upload})
    assert response.status_code == 200
    assert f"Line 1: StoryData's {field} has a character" in unescape(response.text)
    assert not Scenario.objects.exists()


def test_export_gives_twee_that_imports_to_the_same_graph(client, editor):
    from scenarios.twee import twee_parse

    scenario = published_scenario()
    client.force_login(editor)
    response = client.get(reverse("scenarios_twee:export", args=[scenario.pk]))
    assert response["Content-Disposition"].endswith('.twee"')
    assert twee_parse(response.content.decode()).graph == scenario.graph()


def test_export_and_import_keep_who_the_scenario_is_for_and_its_introduction(client, editor):
    """A staff-only scenario (threats aimed at staff, say) must not come back as a pupils'
    one."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    scenario = published_scenario(
        title="Threats to staff", audience="staff", introduction="For staff CPD only: “§2”."
    )
    client.force_login(editor)
    text = client.get(reverse("scenarios_twee:export", args=[scenario.pk])).content
    upload = SimpleUploadedFile("story.twee", text, content_type="text/plain")
    assert client.post(reverse("scenarios_twee:import"), {"file": upload}).status_code == 302
    again = Scenario.objects.exclude(pk=scenario.pk).get()
    assert (again.audience, again.introduction) == ("staff", "For staff CPD only: “§2”.")
    assert again.graph() == scenario.graph()


def test_a_typo_in_a_choices_effects_keeps_its_conditions(client, editor):
    """The draft shows the typo beside its node; the export keeps the conditions that were
    right (they used to be dropped with the effects)."""
    scenario = published_scenario()
    scenario.nodes[1].value["choices"][0]["effects"] = "reported true"
    scenario.save_revision(user=editor)
    assert [p.code for p in scenario.problems()] == ["expression"]
    client.force_login(editor)
    text = client.get(reverse("scenarios_twee:export", args=[scenario.pk])).text
    assert "@if: reported == true" in text


def test_a_typo_in_a_drafts_effects_goes_out_as_typed_and_importing_says_where(client, editor):
    """Exporting a draft left the effects with a typo out of the story: edited in Twine and
    imported again, the choice no longer set anything, and nothing said so."""
    scenario = published_scenario()
    scenario.nodes[1].value["choices"][0]["effects"] = "reported true"
    scenario.nodes[1].value["choices"][0]["conditions"] = "reported == true or"
    scenario.save_revision(user=editor)
    client.force_login(editor)
    text = client.get(reverse("scenarios_twee:export", args=[scenario.pk])).text
    lines = text.split("\n")
    set_line = lines.index("@set: reported true") + 1
    if_line = lines.index("@if: reported == true or") + 1
    with pytest.raises(TweeError) as refused:
        twee_parse(text)
    assert [error.split(":")[0] for error in refused.value.errors] == [
        f"Line {set_line}",
        f"Line {if_line}",
    ]


def test_the_import_page_is_named_by_its_main_heading(client, editor):
    """Screen-reader users jump to the page's first-level heading to learn where they are;
    it was empty, with the page's name only in a second-level heading below it."""
    client.force_login(editor)
    text = client.get(reverse("scenarios_twee:import")).content.decode()
    headings = re.findall(r"<h1[^>]*>(.*?)</h1>", text, re.S)
    assert [re.sub(r"<[^>]+>|\s+", " ", h).strip() for h in headings] == ["Import a Twine story"]


def test_people_without_editing_rights_cannot_import(client, pupil):
    client.force_login(pupil)
    response = client.get(reverse("scenarios_twee:import"))
    assert response.status_code in (302, 403)


def test_the_admin_listing_shows_scenarios(client, editor):
    published_scenario(title="Listed scenario")
    client.force_login(editor)
    response = client.get(reverse("wagtailsnippets_scenarios_scenario:list"))
    assert response.status_code == 200
    assert "Listed scenario" in response.content.decode()


def test_the_admin_listing_shows_which_scenarios_are_drafts_and_filters_by_them(client, editor):
    published_scenario(title="Live scenario")
    draft = Scenario(title="Draft scenario")
    scenario_save_graph(scenario=draft, graph=small_graph(), publish=False)
    client.force_login(editor)
    url = reverse("wagtailsnippets_scenarios_scenario:list")
    html = client.get(url).content.decode()
    statuses = re.findall(r'<span class="w-status[^"]*">\s*(\w+)', html)
    assert sorted(statuses) == ["draft", "live"]
    html = client.get(url, {"live": "false"}).content.decode()
    assert "Draft scenario" in html and "Live scenario" not in html


def test_a_scenario_that_starts_at_an_ending_cannot_be_published():
    """A learner would see the ending at once, make no choice, and never be recorded as
    finishing it: a module needing it could never be completed."""
    graph = Graph(start="end", nodes=(Node("end", "Well done.", outcome=Outcome.GOOD),))
    with pytest.raises(ValidationError, match="is an ending"):
        published_scenario(graph)


def _scenario_in_a_pupils_lesson(home_page):
    """ "The crest account", published and placed in the lesson "What happened" of a live
    pupils' course."""
    from tests.courses.conftest import module_page, pupils_course

    scenario = published_scenario(title="The crest account")
    course = pupils_course(home_page, "Respect online", "respect-online")
    module_page(
        course, "lesson", title="What happened", body=[("scenario", {"scenario": scenario})]
    )
    return scenario, course


def test_a_scenario_in_a_pupils_lesson_cannot_be_published_as_for_staff(client, editor, home_page):
    """Pupils are never let play a staff scenario: making one that a live pupils' lesson uses
    "for staff" would leave that lesson impossible to complete. The editor is told which."""
    from courses.models import Audience

    scenario, course = _scenario_in_a_pupils_lesson(home_page)
    client.force_login(editor)
    data = _admin_post_data(scenario, publish=True, target="poor")
    data["audience"] = Scenario.Audience.STAFF
    response = client.post(_edit_url(scenario), data)
    assert response.status_code == 200
    (message,) = response.context["form"].errors["audience"]
    assert "What happened" in message
    scenario.refresh_from_db()
    assert scenario.audience == Scenario.Audience.PUPILS
    # A lesson for staff is no reason to refuse.
    course.audience = Audience.STAFF
    course.key_stage = ""
    course.save_revision().publish()
    response = client.post(_edit_url(scenario), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    scenario.refresh_from_db()
    assert scenario.audience == Scenario.Audience.STAFF


@pytest.mark.parametrize("on_its_way", ["scheduled", "awaiting approval"])
def test_a_scenario_in_a_pupils_lesson_on_its_way_live_cannot_be_published_as_for_staff(
    client, editor, home_page, on_its_way
):
    """A pupils' lesson scheduled to go live, or submitted to a moderator, with the scenario:
    publishing the scenario "for staff" was allowed (only live lessons were looked at), and
    the lesson then went live (or was approved) requiring a scenario pupils are never let
    play, or was refused at its time with nobody told before. The editor is told which."""
    from datetime import timedelta

    from django.utils import timezone

    from courses.models import ModulePage
    from tests.courses.conftest import pupils_course

    scenario = published_scenario(title="The crest account")
    course = pupils_course(home_page, "Respect online", "respect-online")
    module = ModulePage(
        title="What happened",
        slug="lesson",
        summary="s",
        estimated_minutes=5,
        live=False,
        body=[("scenario", {"scenario": scenario})],
    )
    course.add_child(instance=module)
    if on_its_way == "scheduled":
        module.go_live_at = timezone.now() + timedelta(days=1)
        module.save_revision(user=editor).publish(user=editor)
    else:
        module.save_revision(user=editor)
        module.get_workflow().start(module, editor)
    module.refresh_from_db()
    assert not module.live
    client.force_login(editor)
    data = _admin_post_data(scenario, publish=True, target="poor")
    data["audience"] = Scenario.Audience.STAFF
    response = client.post(_edit_url(scenario), data)
    assert response.status_code == 200
    (message,) = response.context["form"].errors["audience"]
    assert "What happened" in message
    scenario.refresh_from_db()
    assert scenario.audience == Scenario.Audience.PUPILS


def test_a_scenario_in_a_pupils_lesson_cannot_be_published_as_for_staff_while_tasks_wait(
    client, editor, home_page, settings
):
    """Which live lessons use a scenario was read from Wagtail's reference index, which the
    task worker (`db_worker`) brings up to date after a page is published: with the worker
    behind or stopped, a pupils' lesson just published with the scenario was not seen, and
    the scenario could be made "for staff", leaving that lesson impossible to complete."""
    from tests.courses.conftest import module_page, pupils_course

    scenario = published_scenario(title="The crest account")
    # Tasks are queued and never run, as when the worker is down.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    course = pupils_course(home_page, "Respect online", "respect-online")
    module_page(
        course, "lesson", title="What happened", body=[("scenario", {"scenario": scenario})]
    )
    client.force_login(editor)
    data = _admin_post_data(scenario, publish=True, target="poor")
    data["audience"] = Scenario.Audience.STAFF
    response = client.post(_edit_url(scenario), data)
    assert response.status_code == 200
    (message,) = response.context["form"].errors["audience"]
    assert "What happened" in message
    scenario.refresh_from_db()
    assert scenario.audience == Scenario.Audience.PUPILS


def test_a_start_passage_named_in_story_data_too_long_for_a_node_id_is_refused(client, editor):
    """StoryData's "start" becomes the scenario's start node, which holds 60 characters:
    a longer one was a server error (PostgreSQL refused it)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    long = "s" * 61
    story = (
        ':: StoryData\n{"ifid": "x", "start": "' + long + '"}\n\n'
        ":: Start\nHi\n[[Go->End]]\n\n:: End [ending-good]\nDone.\n"
    )
    client.force_login(editor)
    upload = SimpleUploadedFile("story.twee", story.encode(), content_type="text/plain")
    response = client.post(reverse("scenarios_twee:import"), {"file": upload})
    assert response.status_code == 200
    assert (
        "Line 1: the start passage in StoryData is 61 characters long" in response.content.decode()
    )
    assert not Scenario.objects.exists()


def test_the_preview_links_each_choice_to_its_node_when_node_ids_have_spaces(rf, editor):
    """Twine passage names have spaces ("Good end"), and Twee import keeps them as node ids.
    An HTML id must not contain spaces, so the preview gives each node an anchor of its own
    and each choice's link goes to that anchor."""
    from scenarios.twee import twee_parse

    story = STORY.replace("Well done.", "Well done.\n@debrief: You told someone.")
    scenario = published_scenario(twee_parse(story).graph, title="The crest account")
    request = rf.get("/")
    request.user = editor
    html = scenario.serve_preview(request, "").render().content.decode()
    ids = re.findall(r'<section[^>]* id="([^"]*)"', html)
    links = re.findall(r'<a href="#([^"]*)">Good end</a>', html)
    assert len(ids) == len(scenario.graph().nodes)
    assert all(not re.search(r"\s", anchor) for anchor in ids)
    assert links and set(links) <= set(ids)


def _report_it_then_end(*, report_goes_to="end"):
    """The edit form's nodes for a start whose one choice, "Report it", goes to
    `report_goes_to`, and an ending called "end"."""
    return [
        node_form("see-post", choices=[choice_form("Report it", report_goes_to)]),
        node_form("end", outcome="good", debrief="You told someone."),
    ]


def test_a_start_node_that_does_not_exist_is_said_beside_the_start_node(client, editor):
    """The author typed the start node's id in its own field, so that is where they are told
    it names no node, and where their cursor goes from the error summary."""
    client.force_login(editor)
    response = scenario_form_post(client, ADD_URL, _report_it_then_end(), start_node="see-posts")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["start_node"] == ["The start node “see-posts” does not exist."]
    assert "nodes" not in errors
    assert not Scenario.objects.exists()


def test_a_variable_declared_twice_is_said_beside_the_second_one(client, editor):
    """It was said above the nodes, where nothing is wrong, and the variables had no mark."""
    client.force_login(editor)
    response = scenario_form_post(
        client, ADD_URL, _report_it_then_end(), variables=("reported", "warned", "reported")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert "nodes" not in errors
    variables = errors["variables"][0]
    assert list(variables.block_errors) == [2]
    assert variables.block_errors[2].block_errors["name"].messages == [
        "The variable “reported” is declared twice."
    ]
    # Wagtail's StreamField widget renders block errors from JSON.
    assert "The variable \\u201creported\\u201d is declared twice." in response.content.decode()
    assert not Scenario.objects.exists()


def test_the_problems_of_a_second_node_with_the_same_id_are_said_beside_it(client, editor):
    """Two nodes called "end": the second, half-made, is neither an ending nor has choices.
    Its problems are marked beside it, not beside the finished ending that has the id first,
    whose author would be told an ending is not an ending."""
    client.force_login(editor)
    response = scenario_form_post(
        client,
        ADD_URL,
        [
            *_report_it_then_end(),
            node_form("end"),
        ],
    )
    assert response.status_code == 200
    error = response.context["form"].errors.as_data()["nodes"][0]
    assert list(error.block_errors) == [2]
    messages = error.block_errors[2].block_errors["node_id"].messages
    assert "Two nodes are called “end”. Node ids must be unique." in messages
    assert any("is not an ending and has no choices" in message for message in messages)
    assert not Scenario.objects.exists()


def test_the_audience_says_in_full_whose_help_each_learner_is_shown(client, editor):
    """Editors who are not safeguarding specialists do not know "POSH": the help text names
    the helpline, and which audience gets which help."""
    client.force_login(editor)
    response = client.get(ADD_URL)
    help_text = str(response.context["form"].fields["audience"].help_text)
    assert "POSH" not in help_text
    assert "Childline and CEOP for pupils" in help_text
    assert "the Professionals Online Safety Helpline for staff" in help_text


def test_publishing_without_a_title_also_marks_the_problems_of_the_graph(client, editor):
    """A missing title and a choice leading nowhere are both said the first time: the author
    is not sent back a second time to learn of the graph's problems."""
    client.force_login(editor)
    nodes = _report_it_then_end(report_goes_to="ending")
    response = scenario_form_post(client, ADD_URL, nodes, title="")
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert "title" in errors
    choice = errors["nodes"][0].block_errors[0].block_errors["choices"].block_errors[0]
    messages = choice.block_errors["target"].messages
    assert messages == [
        "The choice “Report it” in “see-post” leads to “ending”, which does not exist."
    ]
    assert not Scenario.objects.exists()


def test_the_map_of_a_staff_draft_a_pupils_lesson_uses_does_not_say_it_can_be_published(
    client, editor, home_page
):
    """A draft switched to "for staff" while a live pupils' lesson uses it cannot be
    published (the form refuses it, naming the lesson). The map beside the form says so too,
    rather than "this version can be published"."""
    scenario, _course = _scenario_in_a_pupils_lesson(home_page)
    client.force_login(editor)
    data = _admin_post_data(scenario, publish=False, target="poor")
    data["audience"] = Scenario.Audience.STAFF
    assert client.post(_edit_url(scenario), data).status_code == 302

    html = client.get(_edit_url(scenario)).content.decode()

    assert "this version can be published" not in html
    assert "Pupils&#x27; lessons use this scenario (“What happened”)" in html


def test_a_double_quote_in_a_variable_survives_import_and_export(client, editor):
    """A double quote in a text value (written twice inside the quotes) was saved as a
    single quote, and each export turned an author's double quotes into single ones."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    story = STORY.replace("told_adult = false", 'told_adult = false\nsaid = "He said ""no"""')
    story = story.replace("@set: told_adult = true", '@set: told_adult = true; said = "a ""b"""')
    client.force_login(editor)
    upload = SimpleUploadedFile("story.twee", story.encode(), content_type="text/plain")
    assert client.post(reverse("scenarios_twee:import"), {"file": upload}).status_code == 302
    scenario = Scenario.objects.get()
    graph = scenario.graph()
    assert graph.variables[1].initial == 'He said "no"'
    assert graph.node("Start").choices[0].effects[1].value == 'a "b"'
    text = client.get(reverse("scenarios_twee:export", args=[scenario.pk])).text
    assert twee_parse(text).graph == graph


def test_a_scenario_with_a_long_paragraph_exports_a_story_that_imports(client, editor):
    """The admin keeps a node's text at any length; a paragraph over 10,000 characters went
    out on one line, and importing the export refused it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    paragraph = "You scroll on past the post. " * 400
    scenario = published_scenario()
    scenario.nodes[0].value["text"] = paragraph.strip()
    scenario.save_revision(user=editor)
    client.force_login(editor)
    text = client.get(reverse("scenarios_twee:export", args=[scenario.pk])).content
    upload = SimpleUploadedFile("story.twee", text, content_type="text/plain")
    assert client.post(reverse("scenarios_twee:import"), {"file": upload}).status_code == 302
    again = Scenario.objects.exclude(pk=scenario.pk).get()
    assert again.graph().node(again.graph().start).text == paragraph.strip()
