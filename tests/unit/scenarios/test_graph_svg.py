"""The admin's picture of a scenario graph (no database)."""

import re
import xml.etree.ElementTree as ET

import pytest

from scenarios.engine import Choice, Node
from scenarios.graph_svg import HEIGHT, TITLE_CHARS, WIDTH, arrow_path, graph_svg, title_lines
from tests.unit.scenarios.test_engine import small_graph, warned_node

SVG = "{http://www.w3.org/2000/svg}"


def _tree(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def _endpoints(d: str) -> tuple[tuple[float, float], tuple[float, float]]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return (numbers[0], numbers[1]), (numbers[-2], numbers[-1])


def test_a_forward_arrow_runs_from_the_right_of_one_box_to_the_left_of_the_next():
    start, end = _endpoints(arrow_path((20, 44), (240, 112)))
    assert start == (20 + WIDTH, 44 + HEIGHT // 2)
    assert end == (240, 112 + HEIGHT // 2)


def test_an_arrow_within_a_column_leaves_and_enters_on_the_right_without_crossing_boxes():
    d = arrow_path((240, 44), (240, 180))
    start, end = _endpoints(d)
    assert start == (240 + WIDTH, 44 + HEIGHT // 2)
    assert end == (240 + WIDTH, 180 + HEIGHT // 2)
    # Every control point lies to the right of the column.
    xs = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)][0::2]
    assert min(xs) >= 240 + WIDTH
    # Two such arrows into the same column bend out by different amounts.
    assert arrow_path((240, 44), (240, 180), bend=1) != d


def test_an_arrow_back_to_an_earlier_column_leaves_on_the_left_and_arrives_on_the_right():
    d = arrow_path((460, 112), (20, 44))
    start, end = _endpoints(d)
    assert start == (460, 112 + HEIGHT // 2)
    assert end == (20 + WIDTH, 44 + HEIGHT // 2)
    xs = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)][0::2]
    assert max(xs) <= 460 and min(xs) >= 20 + WIDTH  # never back across either box


def test_a_choice_that_stays_on_its_node_is_a_visible_loop():
    d = arrow_path((240, 44), (240, 44))
    start, end = _endpoints(d)
    assert start != end
    assert start[0] == end[0] == 240 + WIDTH


def test_the_picture_names_every_node_by_title_and_id_and_every_choice_by_label():
    graph = small_graph(
        nodes={
            "start": Node(
                "start",
                "A friend shows you a post.",
                title="At <break>",
                choices=(Choice("report", "Report it & tell", "reported"),),
            ),
            "shared": None,
            "poor": None,
        }
    )
    root = _tree(graph_svg(graph))
    nodes = {g.get("data-node"): g for g in root.iter(f"{SVG}g")}
    assert set(nodes) == {n.id for n in graph.nodes}
    start_texts = [t.text for t in nodes["start"].iter(f"{SVG}text")]
    assert start_texts == ["At <break>", "start"]
    assert nodes["start"].find(f"{SVG}title").text == "node: At <break> (start)"
    assert [t.text for t in nodes["good"].iter(f"{SVG}text")] == ["good"]
    assert nodes["good"].find(f"{SVG}title").text == "ending (good): good"
    arrows = [
        p.find(f"{SVG}title").text
        for p in root.iter(f"{SVG}path")
        if p.find(f"{SVG}title") is not None
    ]
    assert "Report it & tell" in arrows and "Tell a teacher" in arrows


def test_where_skipping_leads_is_a_dotted_arrow_and_conditions_dash_theirs():
    root = _tree(graph_svg(small_graph(nodes={"shared": warned_node()})))
    arrows = {
        p.find(f"{SVG}title").text: p.get("stroke-dasharray")
        for p in root.iter(f"{SVG}path")
        if p.find(f"{SVG}title") is not None
    }
    assert arrows["Skip (content warning)"] == "1.5 3"
    assert arrows["Tell a teacher"] == "4 3"  # offered only when `reported` is set
    assert arrows["Oh no"] is None


def test_nodes_with_problems_are_outlined():
    root = _tree(graph_svg(small_graph(), problem_nodes={"mixed"}))
    outlined = {
        g.get("data-node")
        for g in root.iter(f"{SVG}g")
        if g.find(f"{SVG}rect").get("stroke") == "#000"
    }
    assert outlined == {"mixed"}


def test_every_box_and_arrow_fits_inside_the_picture():
    nodes = {
        # A loop back to the start, and an arrow within a column.
        "mixed": Node("mixed", "Hmm.", choices=(Choice("again", "Try again", "start"),)),
        "shared": Node("shared", "It spread.", choices=(Choice("oops", "Oh no", "reported"),)),
        "reported": Node(
            "reported",
            "You reported it.",
            choices=(Choice("tell", "Tell", "good"), Choice("ignore", "Leave it", "mixed")),
        ),
    }
    root = _tree(graph_svg(small_graph(nodes=nodes)))
    width, height = float(root.get("width")), float(root.get("height"))
    for path in root.iter(f"{SVG}path"):
        if path.get("d", "").startswith("M 0 0"):
            continue  # the arrowhead marker
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))]
        assert all(0 <= x <= width for x in numbers[0::2])
        assert all(0 <= y <= height for y in numbers[1::2])
    for rect in root.iter(f"{SVG}rect"):
        assert float(rect.get("x")) + WIDTH <= width
        assert float(rect.get("y")) + HEIGHT <= height


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        ("At break", ["At break"]),
        ("Reported to the platform", ["Reported to the", "platform"]),
        (
            "A very long title that goes on and on and on",
            ["A very long title", "that goes on and o…"],
        ),
        ("Supercalifragilisticexpialidocious", ["Supercalifragilisti", "cexpialidocious"]),
    ],
)
def test_a_title_wraps_onto_two_lines_and_only_then_is_cut_short(title, lines):
    assert title_lines(title) == lines
    assert all(len(line) <= TITLE_CHARS for line in lines)


def test_a_two_line_title_is_drawn_as_two_lines_above_the_id_inside_its_box():
    graph = small_graph(
        nodes={
            "start": Node(
                "start",
                "A post.",
                title="Reported to the platform",
                choices=(Choice("report", "Report", "reported"),),
            )
        }
    )
    root = _tree(graph_svg(graph))
    box = next(g for g in root.iter(f"{SVG}g") if g.get("data-node") == "start")
    texts = list(box.iter(f"{SVG}text"))
    assert [t.text for t in texts] == ["Reported to the", "platform", "start"]
    top = float(box.find(f"{SVG}rect").get("y"))
    baselines = [float(t.get("y")) for t in texts]
    assert baselines == sorted(baselines)
    assert top < baselines[0] - 10 and baselines[-1] < top + HEIGHT - 4
