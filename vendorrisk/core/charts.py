"""Server-side SVG charts: plain geometry computed here, drawn by templates/charts/*.html.

The charts know no domain: whoever draws a score passes its bands in (`band_of`, `bands`), so this kernel
module imports no app. No chart library: the markup carries only attributes and CSS classes (the CSP allows no inline styles
or scripts), every mark has a text alternative (<title>), and each chart has a table beside it.
"""

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

HEAT_BINS = 5


# --- impact × likelihood heat map ------------------------------------------------------------------


def bin_of(value: float, bins: int = HEAT_BINS) -> int:
    """The bin of a value in [0, 1]: [0, 0.2) → 0 … [0.8, 1] → 4."""
    return min(bins - 1, max(0, int(value * bins)))


def bin_bounds(index: int, bins: int = HEAT_BINS) -> tuple[str, str | None]:
    """Filter bounds of a bin as strings: the top bin has no upper bound (1.0 belongs to it)."""
    low = f"{index / bins:.1f}"
    high = None if index == bins - 1 else f"{(index + 1) / bins:.1f}"
    return low, high


def heat_map(
    counts: dict[tuple[int, int], int],
    *,
    band_of: Callable[[float], str],
    bins: int = HEAT_BINS,
    defaults: dict[tuple[int, int], int] | None = None,
) -> dict:
    """Cells for a bins×bins grid; `counts` maps (impact bin, likelihood bin) → vendors in it.

    `band_of(score)` names the band of a 0–100 score: each cell is coloured by the score at its centre.
    `defaults` counts, per cell, the vendors whose likelihood is an assumed default rather than a
    measurement (the cell is marked apart).
    """
    defaults = defaults or {}
    size, left, top = 56, 56, 8
    cells = []
    for i in range(bins):
        for j in range(bins):
            centre_impact, centre_likelihood = (i + 0.5) / bins, (j + 0.5) / bins
            risk = 100 * centre_impact * (0.5 + 0.5 * centre_likelihood)
            impact_min, impact_max = bin_bounds(i, bins)
            likelihood_min, likelihood_max = bin_bounds(j, bins)
            cells.append(
                {
                    "x": left + i * size,
                    "y": top + (bins - 1 - j) * size,
                    "size": size,
                    "cx": left + i * size + size / 2,
                    "cy": top + (bins - 1 - j) * size + size / 2 + 6,
                    "count": counts.get((i, j), 0),
                    "defaults": defaults.get((i, j), 0),
                    "band": band_of(risk),
                    "impact": (impact_min, impact_max),
                    "likelihood": (likelihood_min, likelihood_max),
                }
            )
    ticks = [
        {"value": f"{k / bins:.1f}", "x": left + k * size, "y": top + (bins - k) * size}
        for k in range(bins + 1)
    ]
    return {
        "cells": cells,
        "ticks": ticks,
        "width": left + bins * size + 16,
        "height": top + bins * size + 44,
        "left": left,
        "top": top,
        "bottom": top + bins * size,
        "right": left + bins * size,
        "mid_x": left + bins * size / 2,
        "mid_y": top + bins * size / 2,
    }


# --- score history line chart ----------------------------------------------------------------------


def history_range(scores: Sequence[float], *, pad: float = 5, least: float = 20) -> tuple[float, float]:
    """The y-axis of a score history: the data's range padded and widened to at least `least` points,
    on multiples of 5 within 0–100, so a small change is visible and a flat line does not fill the chart."""
    lo, hi = min(scores) - pad, max(scores) + pad
    if hi - lo < least:
        middle = (hi + lo) / 2
        lo, hi = middle - least / 2, middle + least / 2
    lo, hi = 5 * math.floor(lo / 5), 5 * math.ceil(hi / 5)
    if lo < 0:
        lo, hi = 0, min(100, hi - lo)
    if hi > 100:
        lo, hi = max(0, lo - (hi - 100)), 100
    return float(lo), float(hi)


def score_history(
    points: Sequence[tuple[dt.datetime, float, str]], *, bands: Sequence[tuple[str, float]]
) -> dict | None:
    """A score line over time on an axis scaled to its data (`history_range`), the band stripes behind it. `points` oldest first; `bands` the score
    bands lowest first, each (name, upper bound), the last one's bound 100."""
    if not points:
        return None
    width, height, left, right, top, bottom = 640, 220, 40, 16, 10, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    start, end = points[0][0], points[-1][0]
    span = (end - start).total_seconds()

    def x_of(when: dt.datetime, index: int) -> float:
        if span <= 0:
            return left + plot_w * ((index + 0.5) / len(points) if len(points) > 1 else 0.5)
        return left + plot_w * (when - start).total_seconds() / span

    low, high = history_range([score for _, score, _ in points])

    def y_of(score: float) -> float:
        return top + plot_h * (1 - (score - low) / (high - low))

    marks = [
        {"x": round(x_of(when, k), 1), "y": round(y_of(score), 1), "score": score, "band": band, "when": when}
        for k, (when, score, band) in enumerate(points)
    ]
    edges = [0, *(upper for _, upper in bands)]
    stripes = []
    for k, (name, _) in enumerate(bands):
        lower, upper = max(edges[k], low), min(edges[k + 1], high)
        if upper > lower:  # only the bands the axis shows, cut at its ends
            stripes.append(
                {"band": name, "y": round(y_of(upper), 1), "h": round(y_of(lower) - y_of(upper), 1)}
            )
    step = 5 if high - low <= 30 else 10 if high - low <= 60 else 25
    grid = [{"value": v, "y": round(y_of(v), 1)} for v in range(int(low), int(high) + 1, step)]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": height - bottom,
        "plot_w": plot_w,
        "marks": marks,
        "line": " ".join(f"{m['x']},{m['y']}" for m in marks),
        "stripes": stripes,
        "grid": grid,
        "low": low,
        "high": high,
        "start": start,
        "end": end,
        "label_y": height - 10,
    }


# --- horizontal bar chart (a lab's shares by vendor group) ----------------------------------------


def share_bars(rows: Sequence[dict]) -> dict | None:
    """Bars for rows of {label, share, reach_share, href}: the direct share and the look-through reach."""
    if not rows:
        return None
    label_w, bar_w, row_h, top = 190, 360, 34, 8
    bars = []
    for k, row in enumerate(rows):
        y = top + k * row_h
        bars.append(
            {
                **row,
                "y": y,
                "text_y": y + 14,
                "share_w": round(bar_w * min(row["share"], 1.0), 1),
                "reach_w": round(bar_w * min(row["reach_share"], 1.0), 1),
                "reach_y": y + 17,
                "value_x": label_w + round(bar_w * min(max(row["share"], row["reach_share"]), 1.0), 1) + 6,
            }
        )
    return {
        "width": label_w + bar_w + 70,
        "height": top + len(rows) * row_h + 4,
        "label_w": label_w,
        "bar_w": bar_w,
        "bars": bars,
    }


# --- layered dependency graph ----------------------------------------------------------------------


@dataclass
class Node:
    key: str
    label: str
    column: int
    href: str = ""
    css: str = ""
    title: str = ""


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (from key, to key, css class)

    def add(self, node: Node) -> None:
        existing = self.nodes.get(node.key)
        if existing is None or node.column < existing.column:
            self.nodes[node.key] = node


def _short(label: str, limit: int = 24) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def layered_graph(graph: Graph, *, column_titles: Iterable[str] = ()) -> dict | None:
    """Columns left to right, nodes ordered by their neighbours' positions (fewer crossings), edges as curves."""
    if not graph.nodes:
        return None
    node_w, node_h, gap_x, gap_y, top, left = 176, 30, 70, 12, 30, 8
    columns: dict[int, list[Node]] = defaultdict(list)
    for node in graph.nodes.values():
        columns[node.column].append(node)
    order = sorted(columns)
    position: dict[str, float] = {}
    neighbours: dict[str, list[str]] = defaultdict(list)
    for a, b, _ in graph.edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    for index, column in enumerate(order):
        nodes = columns[column]
        if index == 0:
            nodes.sort(key=lambda n: n.label.lower())
        else:

            def weight(n: Node) -> tuple[float, str]:
                placed = [position[m] for m in neighbours[n.key] if m in position]
                return (sum(placed) / len(placed) if placed else 1e9, n.label.lower())

            nodes.sort(key=weight)
        for k, node in enumerate(nodes):
            position[node.key] = k
    titles = list(column_titles)
    boxes, heading = {}, []
    for index, column in enumerate(order):
        x = left + index * (node_w + gap_x)
        if column < len(titles) and titles[column]:
            heading.append({"x": x + node_w / 2, "text": titles[column]})
        for k, node in enumerate(columns[column]):
            y = top + k * (node_h + gap_y)
            boxes[node.key] = {
                "node": node,
                "x": x,
                "y": y,
                "w": node_w,
                "h": node_h,
                "tx": x + 10,
                "ty": y + 19,
                "text": _short(node.label),
            }
    edges = []
    for a, b, css in graph.edges:
        if a not in boxes or b not in boxes or a == b:
            continue
        src, dst = boxes[a], boxes[b]
        if dst["x"] > src["x"]:
            x1, x2 = src["x"] + node_w, dst["x"]
        elif dst["x"] < src["x"]:
            x1, x2 = src["x"], dst["x"] + node_w
        else:  # same column: loop out to the right
            x1 = x2 = src["x"] + node_w
        y1, y2 = src["y"] + node_h / 2, dst["y"] + node_h / 2
        bend = max(40.0, abs(x2 - x1) / 2)
        c1 = x1 + bend if x2 >= x1 else x1 - bend
        c2 = x2 - bend if x2 > x1 else x2 + bend
        edges.append({"d": f"M{x1},{y1} C{c1},{y1} {c2},{y2} {x2},{y2}", "css": css})
    rows = max(len(nodes) for nodes in columns.values())
    loops = any(
        boxes[a]["x"] == boxes[b]["x"] for a, b, _ in graph.edges if a in boxes and b in boxes and a != b
    )
    return {
        "width": left + len(order) * (node_w + gap_x) - gap_x + (64 if loops else 16),
        "height": top + rows * (node_h + gap_y) + 8,
        "boxes": list(boxes.values()),
        "edges": edges,
        "headings": heading,
    }
