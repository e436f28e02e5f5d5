"""Digest charts as PNG (matplotlib, Agg backend, no display needed).

The figures come from a digest payload (`monitor.daemon.digest`), so the same payload always draws the
same chart. Axis labels are ASCII (C1, C2 … with the 분야 names in the caption): the machines this runs on
rarely have a Hangul font, and a chart of empty boxes helps nobody.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure

from monitor.alerts.outbox import BudgetRow, Chart, StatusRow
from monitor.vocab import Status

UNREPORTED = "unreported"
STATUS_ORDER = [*(s.value for s in Status), UNREPORTED]
STATUS_COLOURS = {
    "done": "#1a9850",
    "continuing": "#66bd63",
    "on_track": "#a6d96a",
    "partial": "#fee08b",
    "on_hold": "#f46d43",
    "dropped": "#a50026",
    UNREPORTED: "#bdbdbd",
}


def chart_png(chart: Chart, title: str) -> tuple[bytes, list[str]]:
    """The PNG and its legend lines ("C1 = 경제·일자리 …") for a digest's chart figures."""
    rows = chart.rows
    keys = [f"C{i}" for i in range(1, len(rows) + 1)]
    figure = Figure(figsize=(8, 1.5 + 0.45 * max(len(rows), 1)), dpi=100)
    axes = figure.add_subplot()
    if chart.kind == "status":
        _status_bars(axes, keys, [row for row in rows if isinstance(row, StatusRow)])
    else:
        _budget_bars(axes, keys, [row for row in rows if isinstance(row, BudgetRow)])
    axes.set_title(title)
    axes.invert_yaxis()  # C1 at the top, as in the caption
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue(), [f"{key} = {row.label}" for key, row in zip(keys, rows, strict=True)]


def _status_bars(axes: Any, keys: list[str], rows: Sequence[StatusRow]) -> None:
    left = [0] * len(rows)
    for status in STATUS_ORDER:
        counts = [row.statuses.get(status, 0) for row in rows]
        if not any(counts):
            continue
        name = Status(status).en if status != UNREPORTED else UNREPORTED
        axes.barh(keys, counts, left=left, color=STATUS_COLOURS[status], label=name)
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.set_xlabel("pledges by official status")
    if rows:
        axes.legend(loc="lower right", fontsize="small")


def _budget_bars(axes: Any, keys: list[str], rows: Sequence[BudgetRow]) -> None:
    positions = range(len(rows))
    planned = [float(row.planned) for row in rows]
    executed = [float(row.executed) for row in rows]
    axes.barh([p - 0.2 for p in positions], planned, height=0.4, color="#9ecae1", label="planned")
    axes.barh([p + 0.2 for p in positions], executed, height=0.4, color="#08519c", label="executed")
    axes.set_yticks(list(positions), keys)
    axes.set_xlabel("million KRW")
    if rows:
        axes.legend(loc="lower right", fontsize="small")
