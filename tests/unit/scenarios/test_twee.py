"""Twee 3 import and export: conventions, round trips and line-numbered errors."""

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios.engine import Outcome, validate
from scenarios.twee import SPECIAL, TweeError, twee_export, twee_parse
from tests.unit.scenarios.test_engine import graphs, small_graph

STORY = """:: StoryTitle
The crest account

:: StoryData
{"ifid": "D674C58C-DEFA-4F70-B7A2-27742230C0FC", "format": "Harlowe", "start": "Start"}

:: StoryVariables
told_adult = false

:: Start {"position":"100,100"}
@title: At break
A friend shows you an account.

It mocks a teacher.
[[Tell an adult->Told]]
@feedback: That is brave.
@score: 2
@set: told_adult = true
[[Share it->Shared]]
@id: share

:: Told
@warning: Mentions bullying.
@skip: Good end
You tell your form tutor.
[[Carry on->Good end]]
@if: told_adult == true

:: Shared [ending-poor]
@debrief: Sharing spreads it.
It spreads.

:: Good end [ending-good]
Well done.
"""


def test_passages_become_nodes_links_choices_and_tags_endings():
    story = twee_parse(STORY)
    graph = story.graph
    assert story.title == "The crest account"
    assert graph.start == "Start"
    start = graph.node("Start")
    assert start.title == "At break"
    assert start.text == "A friend shows you an account.\n\nIt mocks a teacher."
    tell, share = start.choices
    assert (tell.id, tell.label, tell.target, tell.score) == ("Start-1", "Tell an adult", "Told", 2)
    assert tell.feedback == "That is brave."
    assert str(tell.effects[0]) == "told_adult = true"
    assert share.id == "share"
    told = graph.node("Told")
    assert told.content_warning == "Mentions bullying." and told.skip_to == "Good end"
    assert str(told.choices[0].conditions[0]) == "told_adult == true"
    assert graph.node("Shared").outcome == Outcome.POOR
    assert graph.node("Shared").debrief == "Sharing spreads it."
    assert validate(graph) == []


@pytest.mark.parametrize(
    "link, label, target",
    [
        ("[[Go->Next]]", "Go", "Next"),
        ("[[Next<-Go]]", "Go", "Next"),
        ("[[Go|Next]]", "Go", "Next"),
        ("[[Next]]", "Next", "Next"),
    ],
)
def test_every_twine_link_form_is_understood(link, label, target):
    story = twee_parse(f":: A\nHi\n{link}\n\n:: Next [ending-good]\nEnd\n")
    choice = story.graph.node("A").choices[0]
    assert (choice.label, choice.target) == (label, target)


def test_export_then_import_gives_the_same_graph():
    graph = twee_parse(STORY).graph
    again = twee_parse(twee_export(title="The crest account", graph=graph, ifid="x")).graph
    assert again == graph


def test_export_writes_no_empty_debrief_or_feedback_lines():
    graph = twee_parse(STORY).graph
    exported = twee_export(title="The crest account", graph=graph, ifid="x")
    lines = exported.splitlines()
    assert "@debrief: " not in lines
    assert "@feedback: " not in lines


def test_a_scenario_with_awkward_text_round_trips():
    graph = small_graph()
    exported = twee_export(title="T", graph=graph, ifid="abc")
    assert twee_parse(exported).graph == graph


def test_feedback_in_paragraphs_keeps_the_blank_line_between_them():
    graph = small_graph()
    start = graph.node(graph.start)
    choice = dataclasses.replace(start.choices[0], feedback="Well done.\n\nTell an adult too.")
    start = dataclasses.replace(start, choices=(choice, *start.choices[1:]))
    graph = dataclasses.replace(
        graph, nodes=tuple(start if n.id == start.id else n for n in graph.nodes), _index={}
    )
    exported = twee_export(title="T", graph=graph, ifid="abc")
    assert twee_parse(exported).graph == graph


def test_indented_lines_of_feedback_and_debrief_keep_their_indent_through_a_round_trip():
    """Each line went out as `@feedback:   2. Report it` and came back without the spaces
    before "2.", so an author's indented steps were flattened by exporting and importing."""
    graph = small_graph()
    start = graph.node(graph.start)
    steps = "If you see it:\n  1. Screenshot it.\n  2. Report it."
    choice = dataclasses.replace(start.choices[0], feedback=steps)
    start = dataclasses.replace(start, choices=(choice, *start.choices[1:]))
    ending = next(n for n in graph.nodes if n.is_ending)
    ending = dataclasses.replace(ending, debrief="Where to get help:\n    Childline: 0800 1111")
    replaced = {start.id: start, ending.id: ending}
    graph = dataclasses.replace(
        graph, nodes=tuple(replaced.get(n.id, n) for n in graph.nodes), _index={}
    )
    again = twee_parse(twee_export(title="T", graph=graph, ifid="abc")).graph
    assert again.node(start.id).choices[0].feedback == steps
    assert again.node(ending.id).debrief == "Where to get help:\n    Childline: 0800 1111"
    assert again == graph


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_any_graph_survives_export_and_import(graph):
    assert twee_parse(twee_export(title="T", graph=graph, ifid="i")).graph == graph


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=60))
def test_node_text_survives_export_and_import(text):
    from scenarios.engine import Graph, Node

    text = "\n".join(line.strip() for line in text.splitlines()).strip()
    graph = Graph(start="a", nodes=(Node("a", text, outcome=Outcome.GOOD),))
    assert twee_parse(twee_export(title="T", graph=graph, ifid="i")).graph == graph


@pytest.mark.parametrize(
    "source, line, words",
    [
        ("hello\n:: A\nx", 1, "before the first passage"),
        (":: A\nx\n[[Go->B\n", 3, "not closed"),
        (":: A\n@score: 2\n", 2, "must come after a link"),
        (":: A\n[[Go->B]]\n@score: lots\n", 3, "not a whole number"),
        (":: A\n[[Go->B]]\n@if: when it rains\n", 3, "not a condition"),
        (":: A\n@colour: red\n", 2, "unknown “@colour”"),
        (":: A\nx\n\n:: A\ny\n", 4, "second passage called “A”"),
        (":: StoryData\n{not json\n", 2, "not valid JSON"),
        (":: A [ending-great]\nx\n", 1, "unknown tag"),
        (":: A [ending-good ending-poor]\nx\n", 1, "two endings"),
        (":: A\n[[Go->B]]\nmore words\n", 3, "text after the links"),
        (":: StoryVariables\n1x = 2\n", 2, "declare a variable"),
    ],
)
def test_malformed_twee_is_refused_with_the_line_number(source, line, words):
    with pytest.raises(TweeError) as caught:
        twee_parse(source)
    message = str(caught.value)
    assert f"Line {line}:" in message
    assert words in message


def test_every_problem_is_reported_not_just_the_first():
    with pytest.raises(TweeError) as caught:
        twee_parse(":: A\n@score: 1\n@colour: red\n")
    assert len(caught.value.errors) == 2


@pytest.mark.parametrize(
    "source",
    [
        # A story in a Twine 2 library archive.
        '<tw-storydata name="Phone in class" startnode="1" ifid="8F1D5B5C" hidden>'
        '<tw-passagedata pid="1" name="Lesson" tags="">Jay films.</tw-passagedata>'
        "</tw-storydata>\n",
        # A story published to file: a whole web page.
        "\n<!DOCTYPE html>\n<html><head><title>Phone in class</title></head><body>"
        '<TW-STORYDATA name="Phone in class"></TW-STORYDATA></body></html>\n',
        "<html lang='en'><body></body></html>",
    ],
)
def test_a_twine_html_file_is_refused_with_the_way_to_export_twee(source):
    with pytest.raises(TweeError) as caught:
        twee_parse(source)
    assert caught.value.errors == [
        "This is a Twine HTML file (a published story or a library archive), not Twee. In "
        "Twine, open the story and choose Build → Export as Twee, then import that file."
    ]


def test_a_passage_that_names_twines_html_element_is_still_twee():
    """Found by the property test of passage headers: a passage named "<TW-STORYDATA" (or a
    passage whose words mention the element) was refused as a Twine HTML file."""
    story = twee_parse(
        ":: Start\nTwine keeps a story in <tw-storydata>.\n[[On-><TW-STORYDATA]]\n\n"
        ":: <TW-STORYDATA [ending-good]\nDone.\n"
    )
    assert story.graph.node("<TW-STORYDATA").outcome == Outcome.GOOD


def test_html_inside_a_passage_is_still_twee():
    story = twee_parse(
        ":: Start\nSomeone posts <b>this</b>.\n[[Report it->End]]\n\n:: End [ending-good]\nDone.\n"
    )
    assert [node.id for node in story.graph.nodes] == ["Start", "End"]


LONG = "Tell your form tutor what you saw in the group chat this morning"  # 64 characters


@pytest.mark.parametrize(
    ("story", "message"),
    [
        (
            f":: {LONG}\nHi\n[[Go->End]]\n\n:: End [ending-good]\nDone.\n",
            "Line 1: the passage name is 64 characters long; Upstander keeps it to 60.",
        ),
        (
            f":: Start\nHi\n[[{LONG}]]\n\n:: {LONG} [ending-good]\nDone.\n",
            "Line 3: the passage the link goes to is 64 characters long;",
        ),
        (
            ":: Start\nHi\n[[Go->End]]\n@id: " + "c" * 61 + "\n\n:: End [ending-good]\nDone.\n",
            "Line 4: the choice id is 61 characters long;",
        ),
        (
            ":: StoryTitle\n" + "T" * 256 + "\n\n:: Start [ending-good]\nDone.\n",
            "Line 2: the story's title is 256 characters long; Upstander keeps it to 255.",
        ),
        (
            ":: StoryVariables\n" + "v" * 61 + " = true\n\n:: Start [ending-good]\nDone.\n",
            "Line 2: the variable name is 61 characters long; Upstander keeps it to 60.",
        ),
        (
            ":: StoryVariables\nmood = " + "m" * 61 + "\n\n:: Start [ending-good]\nDone.\n",
            "Line 2: the starting value of the variable is 63 characters long;",
        ),
        (
            ":: Start\n" + "[[" * 6000 + "\n",
            "Line 2: the line is 12000 characters long; break it into lines of at most 10000.",
        ),
        (
            ":: " + "x" * 10_000 + "\nHi\n\n:: Start [ending-good]\nDone.\n",
            "Line 1: the line is 10003 characters long; break it into lines of at most 10000.",
        ),
        (
            ":: Start\nHi\n[[Go->End]]\n@set: " + "x" * 10_000 + "\n",
            "Line 4: the line is 10006 characters long; break it into lines of at most 10000.",
        ),
    ],
)
def test_what_the_scenario_cannot_hold_is_refused_with_its_line(story, message):
    """Twine names a passage after a simple link's text, so long names are common; the
    scenario keeps node ids to 60 characters, and the import says so instead of failing."""
    with pytest.raises(TweeError) as refused:
        twee_parse(story)
    assert any(line.startswith(message) for line in refused.value.errors), refused.value.errors


@pytest.mark.parametrize("score", ["1001", "-1001", "2147483648", "9" * 5000])
def test_a_score_change_beyond_a_thousand_either_way_is_refused_with_its_line(score):
    """A score too large for a double makes statements no LRS takes back; Python reads no
    whole number of more than 4,300 digits at all."""
    story = f":: Start\nHi\n[[Go->End]]\n@score: {score}\n\n:: End [ending-good]\nDone.\n"
    with pytest.raises(TweeError) as refused:
        twee_parse(story)
    assert refused.value.errors == [
        f"Line 4: the score “{score[:40]}{'…' if len(score) > 40 else ''}” is out of range; "
        "a choice's score change is between -1000 and 1000."
    ]


@pytest.mark.parametrize(("score", "read"), [("1000", 1000), ("-1000", -1000), ("+0007", 7)])
def test_a_score_change_within_a_thousand_either_way_is_read(score, read):
    story = f":: Start\nHi\n[[Go->End]]\n@score: {score}\n\n:: End [ending-good]\nDone.\n"
    assert twee_parse(story).graph.node("Start").choices[0].score == read


def test_a_choice_without_an_id_gets_one_that_fits_beside_a_long_passage_name():
    name = "x" * 59
    story = f":: {name}\nHi\n[[Go->End]]\n[[Stay->End]]\n\n:: End [ending-good]\nDone.\n"
    choices = twee_parse(story).graph.node(name).choices
    assert [c.id for c in choices] == ["x" * 58 + "-1", "x" * 58 + "-2"]


def test_line_numbers_count_newlines_only():
    """Text pasted from the web can hold U+2028 (a line separator) or a form feed: they are
    text, not new lines, so every line number after them stays right."""
    story = ":: A\nShe wrote\u2028a note.\fStill line 2.\nmore\n[[Go->B\n"
    with pytest.raises(TweeError) as refused:
        twee_parse(story)
    assert refused.value.errors[0].startswith("Line 4: a link is not closed")
    graph = small_graph(
        nodes={"start": dataclasses.replace(small_graph().node("start"), text="one\u2028two")}
    )
    assert twee_parse(twee_export(title="T", graph=graph, ifid="i")).graph == graph


def test_a_passage_name_with_escaped_braces_keeps_its_tags_and_metadata_apart():
    """Twine 2.6 writes `{` in a name as `\\{`, and always adds position metadata."""
    story = (
        ':: Start {"position":"100,100","size":"100,100"}\nHi\n[[Go->Set \\{x\\}]]\n\n'
        ':: Set \\{x\\} [ending-good] {"position":"300,100","size":"100,100"}\nEnd\n'
    )
    graph = twee_parse(story).graph
    assert [n.id for n in graph.nodes] == ["Start", "Set {x}"]
    assert graph.node("Set {x}").outcome == Outcome.GOOD
    assert twee_parse(
        ":: Set \\{x\\}\nText\n[[Go->B]]\n\n:: B [ending-good]\nEnd\n"
    ).graph.start == ("Set {x}")


@pytest.mark.parametrize("node_id", ["ask->tell", "x]]y", "[aside]", "StoryTitle", "StoryData"])
def test_a_node_id_a_twine_link_cannot_lead_to_is_a_problem_beside_it(node_id):
    """Exported, a link to it would be read back as another passage (or none at all)."""
    from scenarios.engine import Choice, Graph, Node

    graph = Graph(
        start="a",
        nodes=(
            Node("a", "Start", choices=(Choice("go", "Go", node_id),)),
            Node(node_id, "Middle", choices=(Choice("on", "On", "end"),)),
            Node("end", "End", outcome=Outcome.GOOD),
        ),
    )
    issues = validate(graph)
    assert [(i.node_id, i.code) for i in issues] == [(node_id, "not_a_passage_name")]


@pytest.mark.parametrize("node_id", ["ask<-tell", "a|b", "a]b", "[x", "x{y}", "a\\b", "ünï ✓"])
def test_a_node_id_with_link_characters_twine_can_read_round_trips(node_id):
    from scenarios.engine import Choice, Graph, Node

    graph = Graph(
        start="a",
        nodes=(
            Node("a", "Start", choices=(Choice("go", "Go", node_id),)),
            Node(node_id, "Middle", choices=(Choice("on", "On", "end"),)),
            Node("end", "End", outcome=Outcome.GOOD),
        ),
    )
    assert validate(graph) == []
    assert twee_parse(twee_export(title="T", graph=graph, ifid="i")).graph == graph


def test_storydata_that_is_not_json_is_refused_at_the_line_it_goes_wrong_on():
    """Twine writes StoryData over several lines: the header's line number sent the author
    looking at the wrong line."""
    story = (
        ':: StoryData\n{\n  "ifid": "D674C58C",\n  "start": "Start"\n  "format": "Harlowe"\n}\n'
        "\n:: Start [ending-good]\nDone.\n"
    )
    with pytest.raises(TweeError) as refused:
        twee_parse(story)
    assert refused.value.errors == [
        "Line 5: StoryData is not valid JSON (Expecting ',' delimiter)."
    ]


def test_a_title_on_two_lines_is_refused_with_the_line_it_goes_on_to():
    """The admin's title field is one line: a browser drops the line break of a title, so
    saving the scenario once would glue the two lines into one word."""
    story = ":: StoryTitle\n\nSpotting a\nfake post\n\n:: Start [ending-good]\nDone.\n"
    with pytest.raises(TweeError) as refused:
        twee_parse(story)
    assert refused.value.errors == [
        "Line 4: the story's title goes on over more than one line. Put the title on one line."
    ]


def test_a_title_with_a_line_break_exports_on_one_line_that_imports():
    graph = twee_parse(STORY).graph
    story = twee_parse(twee_export(title="Spotting a\nfake post", graph=graph, ifid="abc"))
    assert (story.title, story.graph) == ("Spotting a fake post", graph)


def test_a_title_too_long_is_said_at_its_own_line_after_blank_lines():
    story = ":: StoryTitle\n\n" + "T" * 256 + "\n\n:: Start [ending-good]\nDone.\n"
    with pytest.raises(TweeError) as refused:
        twee_parse(story)
    assert refused.value.errors[0].startswith("Line 3: the story's title is 256 characters")


@pytest.mark.parametrize("title", [":: Part two", "\\o/ Online safety"])
def test_a_title_starting_like_a_passage_or_an_escape_round_trips(title):
    graph = small_graph()
    story = twee_parse(twee_export(title=title, graph=graph, ifid="abc"))
    assert (story.title, story.graph) == (title, graph)


@pytest.mark.parametrize(
    "line",
    ["[[" * 4999, "[[a" * 3333, ":: " + "[" * 9990, ":: x" + " " * 9990 + "y"],
    ids=["link brackets", "unclosed links", "header brackets", "header spaces"],
)
def test_a_file_as_big_as_the_import_takes_of_hostile_lines_is_refused(line):
    """The import takes files of up to 1 MB; these lines made the old regex-based reader look
    for an ending from every position (the best part of a minute for such a file). How fast
    they are read now is measured by `bench/twee_parse.py`, not here; this checks that they
    are still refused with their problems rather than read as passages."""
    story = ":: A\n" + "\n".join([line] * (1_000_000 // len(line)))
    with pytest.raises(TweeError) as refused:
        twee_parse(story)
    assert refused.value.errors


def _with_label(graph, label):
    start = graph.node(graph.start)
    choice = dataclasses.replace(start.choices[0], label=label)
    start = dataclasses.replace(start, choices=(choice, *start.choices[1:]))
    return dataclasses.replace(
        graph, nodes=tuple(start if n.id == start.id else n for n in graph.nodes), _index={}
    )


@pytest.mark.parametrize(
    "label",
    ["Settings -> Privacy -> Only me", "<- Go back", "Ask a friend | a teacher", "Next ->"],
)
def test_a_choice_label_with_link_arrows_keeps_its_words_through_export_and_import(label):
    """Privacy-settings scenarios name menu paths ("Settings -> Privacy"); Twine splits a
    link at its last "->", so the arrow can stay in the words the learner picks."""
    graph = _with_label(small_graph(), label)
    again = twee_parse(twee_export(title="T", graph=graph, ifid="i")).graph
    assert again.node("start").choices[0].label == label
    assert again == graph


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"]), max_size=40)
    .map(str.strip)
    .filter(lambda label: label and "]]" not in label)
)
def test_any_choice_label_twine_can_hold_survives_export_and_import(label):
    graph = _with_label(small_graph(), label)
    assert twee_parse(twee_export(title="T", graph=graph, ifid="i")).graph == graph


# What Twine 2.6 writes for a story whose links have spaces around their arrows: Twine makes
# the passages " Told" and "Shared " (it does not trim a link), and escapes the space at
# either end of a passage's name as "\ ".
TWINE_SPACED_LINKS = (
    ":: StoryTitle\n"
    "The crest account\n"
    "\n"
    ":: StoryData\n"
    "{\n"
    '  "ifid": "D674C58C-DEFA-4F70-B7A2-27742230C0FC",\n'
    '  "format": "Harlowe",\n'
    '  "format-version": "3.3.8",\n'
    '  "start": "Start",\n'
    '  "tag-colors": {\n'
    '    "ending-good": "green"\n'
    "  },\n"
    '  "zoom": 1\n'
    "}\n"
    "\n"
    ':: Start {"position":"100,100","size":"100,100"}\n'
    "A friend shows you an account.\n"
    "[[Tell an adult -> Told]]\n"
    "[[Share it ->Shared ]]\n"
    "\n"
    ':: \\ Told [ending-good] {"position":"300,100","size":"100,100"}\n'
    "Well done.\n"
    "\n"
    ':: Shared\\  [ending-poor] {"position":"300,300","size":"100,100"}\n'
    "It spreads.\n"
)


def test_links_with_spaces_round_their_arrows_lead_to_the_passages_twine_made_for_them():
    graph = twee_parse(TWINE_SPACED_LINKS).graph
    assert [n.id for n in graph.nodes] == ["Start", "Told", "Shared"]
    assert [c.target for c in graph.node("Start").choices] == ["Told", "Shared"]
    assert graph.node("Told").outcome == Outcome.GOOD
    assert graph.node("Shared").outcome == Outcome.POOR
    assert validate(graph) == []
    # StoryData names the start passage as Twine has it.
    spaced_start = TWINE_SPACED_LINKS.replace('"start": "Start"', '"start": " Told"')
    assert twee_parse(spaced_start).graph.start == "Told"


def _twine_header_name(name: str) -> str:
    """A passage name as Twine 2.6 writes it in a header: backslashes, brackets and braces
    escaped with a backslash, and each space at either end written as "\\ "."""
    escaped = re.sub(r"([\[\]{}\\])", r"\\\1", name)
    escaped = re.sub(r"^\s+", lambda spaces: "\\ " * len(spaces.group()), escaped)
    return re.sub(r"\s+$", lambda spaces: "\\ " * len(spaces.group()), escaped)


@settings(max_examples=300, deadline=None)
@given(
    name=st.text(
        alphabet=st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"]), max_size=20
    ).filter(lambda name: name.strip() and name.strip() not in SPECIAL),
    ending=st.booleans(),
    metadata=st.booleans(),
)
def test_any_passage_header_twine_writes_gives_its_name_and_tags(name, ending, metadata):
    header = f":: {_twine_header_name(name)}"
    if ending:
        header += " [draft ending-good]"
    if metadata:
        header += ' {"position":"100,100","size":"100,100"}'
    (node,) = twee_parse(f"{header}\nText\n").graph.nodes
    assert node.id == name.strip()
    assert node.outcome == (Outcome.GOOD if ending else None)


def test_a_choice_label_a_twine_link_cannot_hold_is_a_problem_beside_its_node():
    """Twine ends a link at its first "]]", so exporting would change the learner's words
    ("Tap [[Report]]" came back as "Tap [[Report] ]")."""
    graph = _with_label(small_graph(), "Tap [[Report]] under the post")
    issues = validate(graph)
    assert [(i.node_id, i.code) for i in issues] == [("start", "label_not_in_twine")]
    assert "]]" in issues[0].message


@pytest.mark.parametrize(
    "line",
    ["@maya_x posted a photo of you", "@maya_x: nice pic lol", "@ school_account shared it"],
)
def test_text_starting_with_a_username_is_refused_with_how_to_write_it(line):
    """A line of a post ("@maya_x: …") is not an @ line; the refusal says to begin it with a
    backslash, not to add a colon it already has or does not need."""
    with pytest.raises(TweeError) as caught:
        twee_parse(f":: Start\n{line}\n[[Report it->End]]\n\n:: End [ending-good]\nDone.\n")
    (message,) = caught.value.errors
    assert message.startswith("Line 2:")
    assert f"\\{line}" in message
    assert "needs a colon" not in message


@pytest.mark.parametrize(
    "source, key, first, second",
    [
        (":: A\n@title: At break\n@title: At lunch\nx\n", "title", 2, 3),
        (":: A\n@warning: Bullying.\n@skip: B\n@warning: Self-harm.\nx\n", "warning", 2, 4),
        (":: A\n@warning: Bullying.\n@skip: B\n@skip: C\nx\n", "skip", 3, 4),
        (":: A\n@media: https://a.example/1\n\n@media: https://a.example/2\nx\n", "media", 2, 4),
        (":: A\nx\n[[Go->B]]\n@id: tell\n@id: report\n", "id", 4, 5),
        (":: A\nx\n[[Go->B]]\n@score: 2\n@feedback: Good.\n@score: -2\n", "score", 4, 6),
    ],
)
def test_a_line_given_twice_for_one_node_or_choice_is_refused_with_both_lines(
    source, key, first, second
):
    """Only @debrief, @feedback, @set and @if add up; a second @title, @warning, @skip,
    @media, @id or @score would otherwise replace the first without a word."""
    with pytest.raises(TweeError) as caught:
        twee_parse(source)
    assert caught.value.errors == [
        f"Line {second}: a second “@{key}” (the first is on line {first}); keep one."
    ]


def test_the_same_line_on_two_choices_is_read_for_each():
    node = twee_parse(
        ":: A\nx\n[[Go->B]]\n@id: go\n@score: 1\n[[Stay->A]]\n@id: stay\n@score: -1\n"
    ).graph.nodes[0]
    assert [(c.id, c.score) for c in node.choices] == [("go", 1), ("stay", -1)]


@pytest.mark.parametrize("value", ['["Read this first."]', '{"text": "Hi"}', "2", "true"])
@pytest.mark.parametrize("setting", ["introduction", "audience"])
def test_storydata_setting_that_is_not_text_is_refused_with_its_line(setting, value):
    """Read as Python writes it, a list became the introduction "['Read this first.']"."""
    source = f':: StoryData\n{{"upstander": {{"{setting}": {value}}}}}\n\n:: A\nx\n'
    with pytest.raises(TweeError) as caught:
        twee_parse(source)
    assert caught.value.errors == [
        f"Line 1: StoryData's {setting} is not text; write it in double quotes."
    ]


@pytest.mark.parametrize("value", ['["Told"]', '{"name": "Told"}', "false", "true"])
def test_storydata_start_that_is_not_text_is_refused_with_its_line(value):
    """A list became the start node "['Told']", and `false` started learners silently at the
    first passage rather than the one the author meant."""
    source = (
        f':: StoryData\n{{"start": {value}}}\n\n:: A\nx\n[[Go->Told]]\n\n'
        ":: Told [ending-good]\nDone.\n"
    )
    with pytest.raises(TweeError) as caught:
        twee_parse(source)
    assert caught.value.errors == [
        "Line 1: StoryData's start is not text; write it in double quotes."
    ]


def test_storydata_start_that_is_null_starts_at_the_first_passage():
    story = twee_parse(':: StoryData\n{"start": null}\n\n:: A\nx\n')
    assert story.graph.start == "A"


@pytest.mark.parametrize("setting", ["introduction", "audience"])
def test_storydata_setting_that_is_null_is_read_as_not_given(setting):
    story = twee_parse(f':: StoryData\n{{"upstander": {{"{setting}": null}}}}\n\n:: A\nx\n')
    assert (story.audience, story.introduction) == ("", "")


@pytest.mark.parametrize(
    "header",
    [
        ':: Told {"position":"300,100","size":"100,100"',
        ':: Told [ending-good] {"position":"300,100"',
        ":: Told {",
    ],
)
def test_passage_metadata_not_closed_is_refused_at_its_header(header):
    """Else the metadata became part of the node id, and the links to "Told" led nowhere."""
    with pytest.raises(TweeError) as caught:
        twee_parse(f":: Start\nHi\n[[Go->Told]]\n\n{header}\nEnd\n")
    assert caught.value.errors == [
        "Line 5: the passage metadata (from “{” after the name) is not closed with “}”."
    ]


@pytest.mark.parametrize(
    "condition", ["told ==", "warnings >=", "warnings <=", "told is not", "told is  not"]
)
def test_a_condition_with_no_value_is_refused_as_not_a_condition(condition):
    """It was called "more than one condition": `==` was read as `=` and a value "=". And
    `told is not` was read as `told is` the text "not": a choice the author meant to offer
    while `told` is not something was offered only while it was the word "not"."""
    with pytest.raises(TweeError) as caught:
        twee_parse(f":: A\nx\n[[Go->B]]\n@if: {condition}\n")
    assert caught.value.errors == [
        f"Line 4: “{condition}” is not a condition. Write it like “reported == true” or "
        "“warnings >= 2”."
    ]


@pytest.mark.parametrize(
    "said",
    ['He said "no"', 'a "quoted, and; comma" in it', '"', 'ends with ""'],
)
def test_double_quotes_in_text_values_survive_export_and_import(said):
    """A text value with a double quote in it (a variable's starting value, what a choice
    sets it to, what a condition compares it with) came back with a single quote instead."""
    from scenarios.engine import Condition, Effect, Op, Variable

    graph = small_graph(variables=(Variable("reported", False), Variable("said", said)))
    start = graph.node("start")
    choice = dataclasses.replace(start.choices[0], effects=(Effect("said", said),))
    reported = graph.node("reported")
    tell = dataclasses.replace(reported.choices[0], conditions=(Condition("said", Op.NE, said),))
    replaced = {
        "start": dataclasses.replace(start, choices=(choice, *start.choices[1:])),
        "reported": dataclasses.replace(reported, choices=(tell, *reported.choices[1:])),
    }
    graph = dataclasses.replace(
        graph, nodes=tuple(replaced.get(n.id, n) for n in graph.nodes), _index={}
    )
    again = twee_parse(twee_export(title="T", graph=graph, ifid="i")).graph
    assert again.variables[1].initial == said
    assert again.node("start").choices[0].effects == (Effect("said", said),)
    assert again == graph


def test_a_story_of_only_its_title_and_data_is_refused_with_a_line():
    """It imported as a draft with no nodes at all, which the author then had to delete."""
    story = (
        ":: StoryTitle\nThe crest account\n\n:: StoryData\n"
        '{"ifid": "D674C58C-DEFA-4F70-B7A2-27742230C0FC", "start": "Start"}\n'
    )
    with pytest.raises(TweeError) as refused:
        twee_parse(story)
    assert len(refused.value.errors) == 1
    assert refused.value.errors[0].startswith("Line 1: ")
    assert "no passages" in refused.value.errors[0]


def test_a_long_paragraph_is_exported_as_a_story_import_reads():
    """A paragraph of node text, feedback, a debrief or the introduction longer than
    10,000 characters went out on one line, and importing the export refused that line."""
    from scenarios.engine import Choice, Graph, Node

    paragraph = "You scroll on. " * 1000
    graph = Graph(
        start="a",
        nodes=(
            Node(
                "a",
                paragraph.strip(),
                choices=(Choice("a-1", "Go", "b", feedback=paragraph.strip()),),
            ),
            Node("b", "Done.", outcome=Outcome.GOOD, debrief=paragraph.strip()),
        ),
    )
    story = twee_parse(
        twee_export(title="T", graph=graph, ifid="i", introduction=paragraph.strip())
    )
    assert story.graph == graph
    assert story.introduction == paragraph.strip()
