"""The journey's flow with counts on its edges, laid out for a server-rendered SVG
(partials/journeys/flow_counts.html): the entry, one box per step top to bottom, the end. An edge to
the next box is a short arrow; a branch, a jump or a loop is an arc on the right, one lane each. The
counts are leads that took the edge (db/journey_charts.transitions); edges no lead took stay, at 0."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from api.journey_view import Diagram
from contracts.journey_definitions import END
from db.journey_charts import ENDS

WIDTH, BOX_W, BOX_H, ROW, TOP, LEFT = 400, 250, 44, 76, 8, 8
LANE0, LANE_W = 26, 16
NAME_MAX = 34


@dataclass
class Box:
    key: str
    title: str
    note: str
    y: int
    kind: str


@dataclass
class Arrow:
    source: str
    target: str
    label: str  # the condition or "then"
    count: int
    path: str
    tx: float  # where the count is written
    ty: float
    width: float
    source_name: str = ""
    target_name: str = ""


@dataclass
class Flow:
    boxes: list[Box]
    arrows: list[Arrow]
    height: int
    width: int = WIDTH
    box_w: int = BOX_W
    box_h: int = BOX_H
    left: int = LEFT


def _short(text: str) -> str:
    return text if len(text) <= NAME_MAX else text[: NAME_MAX - 1] + "…"


def flow(diagram: Diagram, counts: Counter[tuple[str, str]]) -> Flow:
    keys = ["entry", *(n.id for n in diagram.nodes), END]
    row = {k: i for i, k in enumerate(keys)}
    y = {k: TOP + i * ROW for i, k in enumerate(keys)}
    out = Counter[str]()
    for (a, b), n in counts.items():
        if b in ENDS:
            out[f"{a}:{b}"] += n
    enrolled = sum(n for (a, _), n in counts.items() if a == "entry")
    boxes = [Box("entry", "Entry", f"{enrolled} enrolled", y["entry"], "entry")]
    for node in diagram.nodes:
        reached = sum(n for (_, b), n in counts.items() if b == node.id)
        left = out[f"{node.id}:exited"] + out[f"{node.id}:failed"]
        note = f"{reached} reached · {out[f'{node.id}:goal_met']} goal met · {left} left"
        boxes.append(Box(node.id, _short(f"{node.number}. {node.label}: {node.name}"), note, y[node.id], node.kind))
    done = sum(n for (_, b), n in counts.items() if b == "completed")
    boxes.append(Box(END, "End", f"{done} completed", y[END], "end"))

    # The definition's edges (the next box, branches, jumps), each with the leads that took it.
    edges: list[tuple[str, str, str]] = [("entry", keys[1], "")] if len(keys) > 2 else []
    for i, node in enumerate(diagram.nodes):
        if node.flows_down:
            edges.append((node.id, keys[i + 2], ""))
        edges += [(node.id, e.target, e.label) for e in node.edges]
    taken = Counter[tuple[str, str]]()
    for (a, b), n in counts.items():
        b = END if b == "completed" else b  # the other ends (goal met, exited, failed) are in the boxes' notes
        if a in row and b in row:
            taken[(a, b)] += n
    top = max(taken.values(), default=0) or 1
    arrows, lane = [], 0
    for a, b, label in edges:
        n = taken.get((a, b), 0)
        width = 1.5 + 4 * n / top
        x = LEFT + BOX_W / 2
        if row[b] == row[a] + 1:  # down to the next box
            path = f"M{x},{y[a] + BOX_H} L{x},{y[b] - 3}"
            arrows.append(Arrow(a, b, label, n, path, x + 8, (y[a] + BOX_H + y[b]) / 2 + 4, width))
            continue
        reach = LEFT + BOX_W + LANE0 + LANE_W * lane
        lane = (lane + 1) % 7  # 7 lanes fit the width; more wrap round
        y1, y2 = y[a] + BOX_H / 2, y[b] + BOX_H / 2 + (-6 if row[b] > row[a] else 6)
        x0 = LEFT + BOX_W
        path = f"M{x0},{y1} C{reach},{y1} {reach},{y2} {x0 + 3},{y2}"
        arrows.append(Arrow(a, b, label, n, path, x0 + (reach - x0) * 0.75 + 2, (y1 + y2) / 2 + 4, width))
    titles = {b.key: b.title for b in boxes}
    for arrow in arrows:
        arrow.source_name, arrow.target_name = titles[arrow.source], titles[arrow.target]
    return Flow(boxes, arrows, TOP + (len(keys) - 1) * ROW + BOX_H + TOP)
