"""A picture of a scenario's graph for the admin, drawn as server-rendered SVG.

Nodes are laid out in columns by their distance from the start (breadth-first), choices are
arrows, endings are coloured by outcome. No JavaScript, so it works in preview too.

Each box shows the node's title (on up to two lines) with its id (what choices name as their
target) beneath. `graph_outline` gives the same map as text, for the list beside the
picture: a screen reader reads the picture as one image, and endings differ by colour.
An arrow to a later column runs from the right of one box into the left of the other. Arrows
to a box in the same column or an earlier one (a loop back) arrive on its right: within a
column they bend out beside it, back to an earlier column they leave from the left of the box,
so no arrow is drawn back across the box it leaves. Where skipping a content warning leads is
a dotted arrow.
"""

import textwrap
from collections import deque
from html import escape

from .engine import Graph

WIDTH, HEIGHT, GAP_X, GAP_Y = 150, 56, 70, 24
# Characters of a bold 12px title that fit across a box.
TITLE_CHARS = 19
TOP = 20
COLOURS = {"good": "#1d7a3a", "mixed": "#8a5a00", "poor": "#b3261e", None: "#1f4e8c"}


def _columns(graph: Graph) -> dict[str, int]:
    depth = {graph.start: 0} if graph.node(graph.start) else {}
    queue = deque(depth)
    while queue:
        node = graph.node(queue.popleft())
        targets = [c.target for c in node.choices] + ([node.skip_to] if node.skip_to else [])
        for target in targets:
            if target not in depth and graph.node(target):
                depth[target] = depth[node.id] + 1
                queue.append(target)
    deepest = max(depth.values(), default=-1)
    for node in graph.nodes:  # unreachable nodes go in a column of their own
        depth.setdefault(node.id, deepest + 1)
    return depth


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def title_lines(title: str) -> list[str]:
    """A node's title as it fits in its box: wrapped at word boundaries onto at most two
    lines, the second cut short with an ellipsis if the title is longer still."""
    lines = textwrap.wrap(title, TITLE_CHARS, break_long_words=True) or [""]
    if len(lines) <= 2:
        return lines
    rest = " ".join(lines[1:])
    return [lines[0], _short(rest, TITLE_CHARS)]


def arrow_path(source: tuple[int, int], target: tuple[int, int], *, bend: int = 0) -> str:
    """The SVG path of an arrow from the box at `source` to the box at `target` (their
    top-left corners). `bend` spreads arrows that would otherwise lie on top of each other."""
    (x, y), (tx, ty) = source, target
    mid, tmid = y + HEIGHT // 2, ty + HEIGHT // 2
    if tx > x:  # forward: right side to left side, an S-curve
        reach = GAP_X // 2
        return f"M {x + WIDTH} {mid} C {x + WIDTH + reach} {mid} {tx - reach} {tmid} {tx} {tmid}"
    if (tx, ty) == (x, y):  # a choice that stays on its node: a small loop on the right
        return (
            f"M {x + WIDTH} {mid - 8} C {x + WIDTH + 30} {mid - 30} "
            f"{x + WIDTH + 30} {mid + 30} {x + WIDTH} {mid + 8}"
        )
    if tx == x:  # same column: out to the right of the column and back into the target
        out = x + WIDTH + 28 + 8 * bend
        return f"M {x + WIDTH} {mid} C {out} {mid} {out} {tmid} {x + WIDTH} {tmid}"
    # back to an earlier column: from the left of this box into the right of the target, so
    # its arrowhead is on the side where arrows from later columns arrive
    reach = GAP_X // 2 + 6 * bend
    return f"M {x} {mid} C {x - reach} {mid} {tx + WIDTH + reach} {tmid} {tx + WIDTH} {tmid}"


def graph_svg(graph: Graph, *, problem_nodes: set[str] | None = None) -> str:
    problem_nodes = problem_nodes or set()
    columns = _columns(graph)
    rows: dict[int, int] = {}
    positions: dict[str, tuple[int, int]] = {}
    for node in graph.nodes:
        if node.id in positions:
            continue
        col = columns[node.id]
        row = rows.get(col, 0)
        rows[col] = row + 1
        positions[node.id] = (20 + col * (WIDTH + GAP_X), TOP + row * (HEIGHT + GAP_Y))
    width = 40 + (max(columns.values(), default=0) + 1) * (WIDTH + GAP_X)
    height = TOP + 20 + max(rows.values(), default=1) * (HEIGHT + GAP_Y)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="scenario-graph-title">',
        '<title id="scenario-graph-title">Scenario map: nodes, choices and endings</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#555"/></marker></defs>',
    ]
    bends: dict[tuple[int, str], int] = {}
    for node in graph.nodes:
        source = positions[node.id]
        arrows = [(c.target, c.label, "4 3" if c.conditions else "") for c in node.choices]
        if node.skip_to:
            arrows.append((node.skip_to, "Skip (content warning)", "1.5 3"))
        for target, label, dashes in arrows:
            if target not in positions:
                continue
            # Arrows bending beside the same column, or back to an earlier one, spread out.
            key = (positions[target][0], "same" if positions[target][0] == source[0] else "")
            bend = bends.get(key, 0)
            if positions[target][0] <= source[0]:
                bends[key] = bend + 1
            dashed = f' stroke-dasharray="{dashes}"' if dashes else ""
            parts.append(
                f'<path d="{arrow_path(source, positions[target], bend=bend)}" fill="none" '
                f'stroke="#555" stroke-width="1.5" marker-end="url(#arrow)"{dashed}>'
                f"<title>{escape(label)}</title></path>"
            )
    for node in graph.nodes:
        x, y = positions[node.id]
        outcome = node.outcome.value if node.outcome else None
        colour = COLOURS[outcome]
        stroke = ' stroke="#000" stroke-width="4"' if node.id in problem_nodes else ""
        kind = f"ending ({outcome})" if outcome else "node"
        centre = x + WIDTH // 2
        if node.title:
            lines = title_lines(node.title)
            # One title line sits lower, so the box's text stays centred.
            first = y + (17 if len(lines) == 2 else 23)
            label = "".join(
                f'<text x="{centre}" y="{first + 14 * index}" text-anchor="middle" '
                f'font-family="sans-serif" font-size="12" font-weight="bold" fill="#fff">'
                f"{escape(line)}</text>"
                for index, line in enumerate(lines)
            ) + (
                f'<text x="{centre}" y="{first + 14 * len(lines) + 2}" text-anchor="middle" '
                f'font-family="monospace" font-size="11" fill="#fff">'
                f"{escape(_short(node.id, 22))}</text>"
            )
        else:
            label = (
                f'<text x="{centre}" y="{y + HEIGHT // 2 + 5}" text-anchor="middle" '
                f'font-family="monospace" font-size="12" fill="#fff">'
                f"{escape(_short(node.id, 20))}</text>"
            )
        name = f"{node.title} ({node.id})" if node.title else node.id
        parts.append(
            f'<g class="scenario-graph__node" data-node="{escape(node.id)}">'
            f"<title>{escape(kind)}: {escape(name)}</title>"
            f'<rect x="{x}" y="{y}" width="{WIDTH}" height="{HEIGHT}" rx="{22 if outcome else 6}" '
            f'fill="{colour}"{stroke}/>{label}</g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def graph_outline(graph: Graph, *, problem_nodes: set[str] | None = None) -> list[dict]:
    """The map as text, node by node in the picture's order: its name, whether learners start
    there, its outcome if it is an ending, and where each of its choices (and skipping its
    content warning) leads."""
    problem_nodes = problem_nodes or set()

    def name(node_id: str) -> str:
        node = graph.node(node_id)
        return f"{node.title} ({node.id})" if node and node.title else node_id

    return [
        {
            "name": name(node.id),
            "start": node.id == graph.start,
            "outcome": node.outcome.value if node.outcome else "",
            "choices": [
                {"label": c.label, "target": name(c.target), "conditional": bool(c.conditions)}
                for c in node.choices
            ],
            "skip_to": name(node.skip_to) if node.skip_to else "",
            "problem": node.id in problem_nodes,
        }
        for node in graph.nodes
    ]
