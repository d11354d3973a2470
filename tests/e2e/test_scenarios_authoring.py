"""An author imports a Twine story, is told what to fix, fixes it and publishes; a teacher
runs a scenario with a class; a teacher reads the class's choices."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import MOBILE, assert_accessible, assert_fits_the_screen, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BROKEN_STORY = """:: StoryTitle
Spotted in the corridor

:: StoryData
{"ifid": "0B5A1C44-8F0B-4B1B-9E8E-1C2D3E4F5A6B", "start": "Corridor"}

:: Corridor
Someone films a teacher in the corridor.
[[Ask them to delete it->Deleted]]
[[Tell a teacher->Told]]

:: Deleted [ending-mixed]
@debrief: Tell a teacher too: a copy may still be out there.
They delete it, but it may have been sent already.

:: Told [ending-good]
@debrief: Telling a teacher lets the school get it taken down.
The school deals with it.
"""


def test_an_author_imports_a_twine_story_fixes_a_problem_and_publishes(
    page, live_server, editor, tmp_path
):
    from scenarios.models import Scenario

    story = tmp_path / "corridor.twee"
    # One link points at a passage that does not exist yet.
    story.write_text(BROKEN_STORY.replace("[[Tell a teacher->Told]]", "[[Tell a teacher->Tell]]"))
    sign_in(page, live_server, editor.username)
    page.goto(f"{live_server.url}/admin/scenarios-twee/import/")
    page.set_input_files('input[name="file"]', str(story))
    page.get_by_role("button", name="Import as a draft").click()
    page.wait_for_url("**/edit/**")
    expect(page.get_by_text("as a draft").first).to_be_visible()
    scenario = Scenario.objects.get(title="Spotted in the corridor")
    assert not scenario.live

    # Publishing is refused, with the problem shown beside the node.
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    page.locator("button[name='action-publish']").click()
    page.get_by_text("cannot be published until the problems marked below are fixed").wait_for()
    # Beside the choice's "Goes to node" field, where Wagtail shows block errors.
    page.locator(".error-message", has_text="leads to “Tell”, which does not exist").wait_for()
    scenario.refresh_from_db()
    assert not scenario.live

    # Each node can take a picture from the image library, with what it shows.
    expect(page.locator("input[name='nodes-0-value-image_alt']")).to_be_visible()
    expect(page.locator("[name='nodes-0-value-image']")).to_be_attached()
    expect(page.get_by_role("button", name="Choose an image").first).to_be_visible()

    # Where a choice leads, the editor offers the scenario's node ids as they are on the page.
    target = page.locator("input[name='nodes-0-value-choices-1-value-target']")
    expect(target).to_have_attribute("list", "scenario-node-ids")
    offered = page.locator("#scenario-node-ids option")
    expect(offered).to_have_count(3)
    assert sorted(offered.evaluate_all("options => options.map(o => o.value)")) == [
        "Corridor",
        "Deleted",
        "Told",
    ]
    # Renaming a node changes what is offered.
    page.locator("input[name='nodes-2-value-node_id']").fill("Told-teacher")
    expect(page.locator("#scenario-node-ids option[value='Told-teacher']")).to_have_count(1)
    page.locator("input[name='nodes-2-value-node_id']").fill("Told")
    expect(page.locator("#scenario-node-ids option[value='Told']")).to_have_count(1)

    # The author corrects the choice's target and publishes.
    target.fill("Told")
    # Folded away, a choice reads as what the learner picks and where it leads.
    choice = page.locator("section.w-panel", has=target).last
    choice.locator("[data-panel-toggle]").first.click()
    expect(choice.locator(".c-sf-block__title").first).to_have_text("Tell a teacher → Told")
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    page.locator("button[name='action-publish']").click()
    # Published, Wagtail leaves the edit view for the listing.
    page.wait_for_url(lambda url: "/edit/" not in url)
    page.get_by_text("published").first.wait_for()
    scenario.refresh_from_db()
    assert scenario.live
    assert scenario.graph().node("Corridor").choices[1].target == "Told"

    # The map: every node by title, and a keyboard user can scroll a wide one.
    page.goto(f"{live_server.url}/admin/snippets/scenarios/scenario/edit/{scenario.pk}/")
    page.get_by_role("tab", name="Map").click()
    expect(
        page.get_by_role("region", name="Scenario map (scroll sideways for more)")
    ).to_be_visible()
    assert_accessible(page, include=".scenario-graph")


def test_a_malformed_story_is_refused_with_line_numbers(page, live_server, editor, tmp_path):
    story = tmp_path / "bad.twee"
    story.write_text(":: Start\nHello\n[[Go->Next\n")
    sign_in(page, live_server, editor.username)
    page.goto(f"{live_server.url}/admin/scenarios-twee/import/")
    page.set_input_files('input[name="file"]', str(story))
    page.get_by_role("button", name="Import as a draft").click()
    page.get_by_text("Line 3: a link is not closed").wait_for()
    # As the site's own forms do (WCAG 3.3.1, 2.4.2): the title says something went wrong,
    # and focus moves to the list of problems, so a screen reader announces it.
    assert page.title().startswith("Error: Import a Twine story")
    expect(
        page.get_by_role("alert").filter(has_text="Line 3: a link is not closed")
    ).to_be_focused()


def test_a_file_that_is_not_text_is_refused_with_focus_on_the_problem(
    page, live_server, editor, tmp_path
):
    story = tmp_path / "story.twee"
    story.write_bytes(b"\xff\xfe:: Start\n")
    sign_in(page, live_server, editor.username)
    page.goto(f"{live_server.url}/admin/scenarios-twee/import/")
    page.set_input_files('input[name="file"]', str(story))
    page.get_by_role("button", name="Import as a draft").click()
    summary = page.get_by_role("alert").filter(has_text="Line 1 is not UTF-8 text")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: Import a Twine story")
    # Its link leads to the file box.
    summary.get_by_role("link", name=re.compile("^Line 1 is not UTF-8 text")).click()
    expect(page.get_by_label("Twee 3 file")).to_be_focused()
    assert_accessible(page, include="main")


def test_a_teacher_runs_a_scenario_with_their_class(page, live_server, teacher, klass):
    from scenarios.demo import demo_scenarios_ensure

    demo_scenarios_ensure()
    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}/schools/groups/")
    assert_accessible(page)
    page.get_by_role("link", name="Run a scenario with 8R").click()
    expect(page.get_by_label("Class")).to_have_value(str(klass.pk))
    assert_accessible(page)
    page.get_by_label("Scenario").select_option(label="The crest account")
    page.get_by_role("button", name="Start with this class").click()
    page.get_by_role("heading", name="At break").wait_for()
    assert_accessible(page)
    page.get_by_role("textbox", name="Report the account").fill("14")
    page.get_by_role("textbox", name="Tell an adult you trust").fill("14")
    page.get_by_role("textbox", name="Like the video").fill("2")
    page.get_by_role("button", name="Follow the class's choice").click()
    page.get_by_role("alert").filter(has_text="It's a tie").wait_for()
    assert_accessible(page)
    page.get_by_role("radio", name="Tell an adult you trust").check()
    page.get_by_role("button", name="Follow the class's choice").click()
    page.get_by_role("heading", name="Telling your form tutor").wait_for()
    # A count typed in the wrong box is taken back, and the class votes again.
    page.get_by_role("button", name="Undo the last step").click()
    page.get_by_text("The last step was taken back").wait_for()
    page.get_by_role("heading", name="At break").wait_for()
    assert_accessible(page)
    page.get_by_role("textbox", name="Report the account").fill("13")
    page.get_by_role("textbox", name="Tell an adult you trust").fill("15")
    page.get_by_role("button", name="Follow the class's choice").click()
    page.get_by_role("heading", name="Telling your form tutor").wait_for()
    # Interrupted (the bell, a restart): the start page leads back to where the class was.
    page.goto(f"{live_server.url}/scenarios/classroom/")
    sessions = page.get_by_role("region", name="Your recent sessions")
    expect(sessions).to_contain_text("At “Telling your form tutor” after 1 step")
    assert_accessible(page)
    sessions.get_by_role("link", name="Carry on with The crest account and 8R").click()
    page.get_by_role("heading", name="Telling your form tutor").wait_for()
    # One way on: no count to type and no tie to break, the class carries on.
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("radio")).to_have_count(0)
    page.get_by_role("button", name="Carry on").click()
    page.get_by_role("heading", name="In the lesson").wait_for()
    page.get_by_role(
        "textbox", name="Quietly tell Mr Evans or another teacher after the lesson"
    ).fill("20")
    page.get_by_role("textbox", name="Laugh along").fill("6")
    page.get_by_role("button", name="Follow the class's choice").click()
    page.get_by_role("heading", name="You were an upstander").wait_for()
    expect(page.get_by_text("Ending: a good outcome")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/scenarios/classroom/")
    expect(page.get_by_role("region", name="Your recent sessions")).to_contain_text(
        "Finished: You were an upstander (Good)"
    )
    # The class's totals are among its choices, where its other teachers and the
    # safeguarding lead look too.
    page.goto(f"{live_server.url}/schools/groups/")
    page.get_by_role("link", name="Scenario choices for 8R").click()
    expect(page.get_by_role("row", name="The crest account")).to_contain_text("1")
    page.get_by_role("link", name="See the choices in The crest account").click()
    page.get_by_role("heading", name="Run with 8R in classroom mode").wait_for()
    expect(page.get_by_text("Finished: You were an upstander (Good)")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="At break —")).to_contain_text(
        "Like the video 0; Write a funny comment 0; Share it to your group chat 0; "
        "Take a screenshot, just for you 0; Report the account 13; "
        "Tell an adult you trust 15 (followed)"
    )
    expect(
        page.get_by_role("listitem").filter(has_text="Telling your form tutor —")
    ).to_contain_text("Tell her the account name and what the video showed (the only option)")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these choices (CSV)").click()
    assert download.value.suggested_filename == "scenario-choices-8r-the-crest-account.csv"
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert ",At break,Tell an adult you trust,,15,,yes" in text
    assert (
        ",Telling your form tutor,Tell her the account name and what the video showed,,,,yes"
        in text
    )


def test_after_the_error_summary_link_the_next_step_opens_at_the_top(
    page, live_server, teacher, klass
):
    """Following a link in the error summary puts its #fragment in the address; the vote
    that follows must not carry it on to the next step, which would open scrolled down to
    (and focused on) that step's tie-break option, past what the class chose and the next
    part of the story on the projected screen."""
    from scenarios.demo import demo_scenarios_ensure

    demo_scenarios_ensure()
    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}/scenarios/classroom/?group={klass.pk}")
    page.get_by_label("Scenario").select_option(label="The crest account")
    page.get_by_role("button", name="Start with this class").click()
    # "In the group chat", where sharing leads, has two ways on: a tie-break to be focused.
    page.get_by_role("textbox", name="Share it to your group chat").fill("14")
    page.get_by_role("textbox", name="Tell an adult you trust").fill("14")
    page.get_by_role("button", name="Follow the class's choice").click()
    summary = page.get_by_role("alert").filter(has_text="It's a tie")
    summary.get_by_role("link").click()
    page.get_by_role("radio", name="Share it to your group chat").check()
    page.get_by_role("button", name="Follow the class's choice").click()
    page.get_by_role("heading", name="In the group chat").wait_for()
    expect(page.get_by_text("The class chose:")).to_be_in_viewport()
    expect(page.get_by_role("radio").first).not_to_be_focused()
    assert "#" not in page.url


def test_a_warned_part_waits_for_the_teacher_and_can_be_skipped_in_class(
    page, live_server, teacher, klass
):
    from scenarios.demo import demo_scenarios_ensure

    demo_scenarios_ensure()
    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}/scenarios/classroom/?group={klass.pk}")
    page.get_by_label("Scenario").select_option(label="The crest account")
    page.get_by_role("button", name="Start with this class").click()
    page.get_by_role("textbox", name="Write a funny comment").fill("17")
    page.get_by_role("textbox", name="Report the account").fill("9")
    page.get_by_role("button", name="Follow the class's choice").click()
    page.get_by_role("heading", name="The comments").wait_for()
    # The projected screen shows the warning; the part itself waits until the teacher opens it.
    expect(page.get_by_text("This part mentions unkind and untrue comments")).to_be_visible()
    expect(page.get_by_text("You post a joke in the comments")).to_be_hidden()
    expect(page.get_by_role("textbox", name="Keep joining in")).to_be_hidden()
    assert_accessible(page)
    page.get_by_text("Show this part to the class").click()
    expect(page.get_by_text("You post a joke in the comments")).to_be_visible()
    page.get_by_role("button", name="Skip this part (no penalty)").click()
    page.get_by_role("heading", name="In the lesson").wait_for()
    expect(page.get_by_text("The class skipped that part.")).to_be_visible()
    page.get_by_text("The class's votes so far").click()
    expect(page.get_by_text("The comments — skipped")).to_be_visible()
    assert_accessible(page)


def test_a_teacher_reads_their_class_choices(page, live_server, teacher, klass, school):
    from scenarios.demo import demo_scenarios_ensure
    from scenarios.services import scenario_attempt_start, scenario_choice_make
    from schools.models import Membership
    from schools.roles import Role
    from tests.factories import UserFactory

    scenario = demo_scenarios_ensure()["crest-account"]
    for index in range(6):
        pupil = UserFactory(school=school, username=f"reader{index}", roles=[Role.PUPIL])
        Membership.objects.create(group=klass, user=pupil)
        attempt = scenario_attempt_start(learner=pupil, scenario=scenario)
        choice = "report" if index < 4 else "like"
        scenario_choice_make(
            learner=pupil, attempt_uuid=attempt.uuid, node_id="break-time", step=0, choice_id=choice
        )
    sign_in(page, live_server, teacher.username)
    page.goto(f"{live_server.url}/schools/groups/")
    page.get_by_role("link", name="Scenario choices for 8R").click()
    expect(page.get_by_label("Group")).to_have_value(str(klass.pk))
    assert_accessible(page)
    page.get_by_label("Scenario", exact=True).select_option(label="The crest account")
    page.get_by_role("button", name="Show").click()
    page.get_by_text("6 learners contributed.").wait_for()
    row = page.get_by_role("row", name="Report the account")
    assert "67%" in row.inner_text()
    # The options nobody took are there too, at nought.
    nobody = page.get_by_role("row", name="Share it to your group chat")
    expect(nobody.get_by_role("cell").nth(1)).to_have_text("0")
    expect(nobody.get_by_role("cell").nth(2)).to_have_text("0%")
    assert_accessible(page)
    # On a phone the tables scroll in their boxes, which the keyboard can reach.
    page.set_viewport_size(MOBILE)
    assert_accessible(page)
    assert_fits_the_screen(page)
