"""A picture of a scenario's graph for the admin, drawn as server-rendered SVG.

Nodes are laid out in columns by their distance from the start (breadth-first), choices are
arrows, endings are coloured by outcome. No JavaScript, so it works in preview too.
"""

from collections import deque
from html import escape

from .engine import Graph

WIDTH, HEIGHT, GAP_X, GAP_Y = 150, 44, 70, 24
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
        positions[node.id] = (20 + col * (WIDTH + GAP_X), 20 + row * (HEIGHT + GAP_Y))
    width = 40 + (max(columns.values(), default=0) + 1) * (WIDTH + GAP_X)
    height = 40 + max(rows.values(), default=1) * (HEIGHT + GAP_Y)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="scenario-graph-title">',
        '<title id="scenario-graph-title">Scenario map: nodes, choices and endings</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#555"/></marker></defs>',
    ]
    for node in graph.nodes:
        x, y = positions[node.id]
        for choice in node.choices:
            if choice.target not in positions:
                continue
            tx, ty = positions[choice.target]
            dashed = ' stroke-dasharray="4 3"' if choice.conditions else ""
            parts.append(
                f'<line x1="{x + WIDTH}" y1="{y + HEIGHT // 2}" x2="{tx}" y2="{ty + HEIGHT // 2}" '
                f'stroke="#555" stroke-width="1.5" marker-end="url(#arrow)"{dashed}>'
                f"<title>{escape(choice.label)}</title></line>"
            )
    for node in graph.nodes:
        x, y = positions[node.id]
        outcome = node.outcome.value if node.outcome else None
        colour = COLOURS[outcome]
        stroke = ' stroke="#000" stroke-width="4"' if node.id in problem_nodes else ""
        label = node.id if len(node.id) <= 20 else node.id[:19] + "…"
        kind = f"ending ({outcome})" if outcome else "node"
        parts.append(
            f'<g class="scenario-graph__node" data-node="{escape(node.id)}">'
            f"<title>{escape(kind)}: {escape(node.id)}</title>"
            f'<rect x="{x}" y="{y}" width="{WIDTH}" height="{HEIGHT}" rx="{22 if outcome else 6}" '
            f'fill="{colour}"{stroke}/>'
            f'<text x="{x + WIDTH // 2}" y="{y + HEIGHT // 2 + 5}" text-anchor="middle" '
            f'font-family="sans-serif" font-size="13" fill="#fff">{escape(label)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
