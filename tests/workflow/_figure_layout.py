"""Where a drawn figure's texts sit: pairs of texts that overlap, and notes or legends that
cover plotted data -- read off the artists' bounding boxes after a draw."""
from __future__ import annotations

from itertools import combinations

import numpy as np
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text

#: Overlaps smaller than this many pixels each way (anti-aliasing, touching boxes) are none.
SLACK = 1.0


def _overlap(a, b) -> bool:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w > SLACK and h > SLACK


def _name(t: Text) -> str:
    return repr(t.get_text()[:40])


def _data_paths(ax):
    """``(what, path in display coordinates)`` of every drawn data line and marker set."""
    for line in ax.get_lines():
        if line.get_visible() and len(line.get_xdata()):
            yield f"line {line.get_label()!r}", line.get_path().transformed(
                line.get_transform())
    for coll in ax.collections:
        if not coll.get_visible():
            continue
        if isinstance(coll, PathCollection):  # scatter markers: their centres
            pts = coll.get_offset_transform().transform(coll.get_offsets())
            yield "markers", pts
        elif isinstance(coll, LineCollection):  # error bars
            for p in coll.get_paths():
                yield "error bar", p.transformed(coll.get_transform())


def _covers(box, path) -> bool:
    shrunk = box.expanded(1.0, 1.0).padded(-SLACK)
    if isinstance(path, np.ndarray):
        inside = ((path[:, 0] > shrunk.x0) & (path[:, 0] < shrunk.x1)
                  & (path[:, 1] > shrunk.y0) & (path[:, 1] < shrunk.y1))
        return bool(inside.any())
    return bool(path.intersects_bbox(shrunk, filled=False))


def _tick_labels(ax) -> tuple[list[Text], list[Text]]:
    """(all tick label texts of ``ax``, those it draws): matplotlib keeps texts of ticks
    outside the view limits, at stale places, and does not draw them."""
    every, drawn = [], []
    for axis in (ax.xaxis, ax.yaxis):
        lo, hi = sorted(axis.get_view_interval())
        slack = 1e-9 * max(abs(lo), abs(hi), 1.0)
        for ticks, locs in ((axis.get_major_ticks(), axis.get_majorticklocs()),
                            (axis.get_minor_ticks(), axis.get_minorticklocs())):
            for i, tick in enumerate(ticks):
                labels = [tick.label1, tick.label2]
                every += labels
                if i < len(locs) and lo - slack <= locs[i] <= hi + slack:
                    drawn += [t for t in labels if t.get_visible()]
    return every, drawn


def layout_problems(fig: Figure) -> list[str]:
    """Every pair of visible texts that overlap, and every note (a text placed in an axes) or
    legend that covers a data line, marker or error bar of its axes."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    every, drawn = [], []
    for ax in fig.axes:
        e, d = _tick_labels(ax)
        every += e
        drawn += d
    ticks = {id(t) for t in every}
    texts = [t for t in [*fig.findobj(Text), *drawn] if t.get_visible() and
             t.get_text().strip() and (id(t) not in ticks or t in drawn)]
    texts = list({id(t): t for t in texts}.values())
    boxes = [(t, t.get_window_extent(renderer)) for t in texts]
    problems = [f"text {_name(a)} overlaps text {_name(b)}"
                for (a, ba), (b, bb) in combinations(boxes, 2) if _overlap(ba, bb)]
    for ax in fig.axes:
        notes = [(f"note {_name(t)}", t.get_window_extent(renderer)) for t in ax.texts
                 if t.get_visible() and t.get_text().strip()]
        legend = ax.get_legend()
        if isinstance(legend, Legend) and legend.get_visible():
            notes.append(("legend", legend.get_window_extent(renderer)))
        for what, box in notes:
            for data, path in _data_paths(ax):
                if _covers(box, path):
                    problems.append(f"{what} covers {data} in axes {ax.get_title()!r}")
    return problems

