"""Rendering rows as a rich table, JSON or CSV on standard output.

Table cells, headers and titles pass `monitor.sinks.terminal_text` (an ESC in a note is shown as "␛",
never sent to the terminal); CSV cells pass `monitor.sinks.csv_cell` (no formula reaches a spreadsheet).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import click

from monitor.sinks import csv_cell, terminal_text

if TYPE_CHECKING:
    from rich.console import Console

    from monitor.cli.context import AppContext
    from monitor.snapshot import Place
    from monitor.vocab import Lang

FORMATS = ("table", "json", "csv")
# --format's help says only what the command offers (`check` has no CSV)
FORMAT_HELP = {
    True: "Output format: a table for people, JSON or CSV for programs.",
    False: "Output format: a table for people, JSON for programs.",
}


F = TypeVar("F", bound=Callable[..., Any])


def format_option(*choices: str, default: str = "table") -> Callable[[F], F]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices or FORMATS),
        default=default,
        show_default=True,
        help=FORMAT_HELP["csv" in (choices or FORMATS)],
    )


def wide_option(f: F) -> F:
    return click.option(
        "--wide", is_flag=True, help="Show every column, however wide (default: what fits the terminal)."
    )(f)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def stream_json(items: Iterable[Any]) -> int:
    """A JSON array written element by element as `items` yields them (never all held at once), one
    element per line: compact lines keep the C encoder (an indented dump is pure Python, and the
    whole country is half a million elements). Returns the number of elements written."""
    out = sys.stdout  # read at call time: test runners swap it
    count = 0
    for item in items:
        out.write(("[\n" if count == 0 else ",\n") + json.dumps(item, ensure_ascii=False, default=str))
        count += 1
    out.write("\n]\n" if count else "[]\n")
    return count


def print_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: csv_cell(";".join(map(str, v)) if isinstance(v, list) else v) for k, v in row.items()}
        )


def echo(text: str, err: bool = False) -> None:
    """A line for people: whatever came from a file, a seed or a note is shown, never executed by the
    terminal (`monitor.sinks.terminal_text`)."""
    click.echo(terminal_text(text), err=err)


@dataclass(frozen=True)
class Col:
    """A table column and how it gives way on a narrow terminal.

    `keep` 0: always shown; otherwise, while the table is wider than the console, the column with the
    highest `keep` is dropped first, and a column with nothing in it is not shown at all. A dropped column
    with `into` (the index of another column) is not lost: its text joins that column's cell on a new
    line (after its header with `tag`: "마지막 오류: …"), its lines still whole if the column was (a tag
    then has a line of its own). `code`: never wrapped (codes are what people type back); `whole`: never
    wrapped either (a place name, a label, a time) unless nothing else can give way. A header is never
    wrapped."""

    header: str
    keep: int = 0
    into: int | None = None
    code: bool = False
    whole: bool = False
    tag: bool = False

    @property
    def unbroken(self) -> bool:
        return self.code or self.whole


@dataclass(frozen=True)
class Tables:
    """Where a command's tables go and how: its console, every column (`--wide`) or what fits, and
    jurisdictions by name (slugs are for programs: JSON, CSV)."""

    app: AppContext
    wide: bool
    places: dict[str, Place]

    @property
    def lang(self) -> Lang:
        return self.app.lang

    def table(
        self, rows: Sequence[Sequence[Any]], cols: Sequence[str | Col], title: str | None = None
    ) -> None:
        print_table(self.app.console, rows, cols, title=title, wide=self.wide)

    def parties(self, slugs: Sequence[str]) -> str:
        from monitor.display import place_names

        return place_names(self.places, slugs, self.lang)


@dataclass
class _Layout:
    """The columns shown, their cells (dropped ones merged in) and their widths (None: rich decides)."""

    cols: list[Col]
    cells: list[list[str]]  # per column, header excluded
    shown: list[int]
    merged: set[int] = field(default_factory=set)
    wrapped: set[int] = field(default_factory=set)  # whole columns that must wrap at spaces to fit
    floors: dict[int, int] = field(default_factory=dict)  # the longest unbroken line merged into a column
    widths: list[int] | None = None


def print_table(
    console: Console,
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str | Col],
    title: str | None = None,
    *,
    wide: bool = False,
) -> None:
    """A table that fits the console: every word whole (wrapped at spaces, never inside a word), the
    least needed columns dropped or merged when narrow; `wide`: every column, however wide."""
    from rich.table import Table  # here, not at the top: rich is not needed to start the CLI
    from rich.text import Text

    cols = [h if isinstance(h, Col) else Col(h, code=i == 0) for i, h in enumerate(headers)]
    cols = [dataclasses.replace(c, header=terminal_text(c.header)) for c in cols]
    cells = [["" if row[i] is None else terminal_text(row[i]) for row in rows] for i in range(len(cols))]
    shown = [i for i in range(len(cols)) if wide or not cols[i].keep or any(cells[i])]
    layout = _layout(_Layout(cols, cells, shown), console.width, wide)
    table = Table(title=title and terminal_text(title), show_lines=False, header_style="bold")
    for n, i in enumerate(layout.shown):
        width, unbroken = layout.widths[n] if layout.widths else None, _unbroken(layout, i)
        table.add_column(cols[i].header, width=width, no_wrap=unbroken, overflow="fold")
    for r in range(len(rows)):
        # Text, not markup: seed titles contain brackets such as "[비공개]".
        table.add_row(*(Text(layout.cells[i][r]) for i in layout.shown))
    needed = sum(layout.widths or [0]) + _overhead(len(layout.shown))
    usual = console.width
    console.width = max(usual, needed) if wide else usual  # --wide: never squeezed to the terminal
    try:
        console.print(table)
    finally:
        console.width = usual


def _layout(plan: _Layout, width: int, wide: bool) -> _Layout:
    known: dict[int, _Bounds] = {}  # measured once per column, again only after a merge into it
    while True:
        for i in plan.shown:
            if i not in known or i in plan.merged:
                found = _bounds(plan.cols[i].header, plan.cells[i], _unbroken(plan, i))
                known[i] = found._replace(low=min(found.high, max(found.low, plan.floors.get(i, 0))))
        bounds = [known[i] for i in plan.shown]
        if wide:
            plan.widths = [b.high for b in bounds]
            return plan
        room = width - _overhead(len(plan.shown))
        plan.widths = _share(bounds, room)
        if plan.widths is not None:
            return plan
        if _drop_one(plan) or _wrap_one(plan, known):
            continue
        unbroken = [_unbroken(plan, i) for i in plan.shown]
        plan.widths = _squeeze([b.low for b in bounds], unbroken, room)
        return plan


def _wrap_one(plan: _Layout, known: dict[int, _Bounds]) -> bool:
    """Let the widest whole column wrap at its spaces (Sejong Special / Self-Governing City) when nothing
    else can give way; it is measured again."""
    whole = [i for i in plan.shown if plan.cols[i].whole and _unbroken(plan, i)]
    if not whole:
        return False
    wraps = max(reversed(whole), key=lambda i: known[i].low)
    plan.wrapped.add(wraps)
    del known[wraps]
    return True


def _unbroken(plan: _Layout, i: int) -> bool:
    """Never wrapped: a code or whole column, unless another column's text was merged into it (or, for a
    whole column, it cannot fit otherwise)."""
    return plan.cols[i].unbroken and i not in plan.merged and i not in plan.wrapped


def _squeeze(lows: list[int], codes: list[bool], room: int) -> list[int]:
    """Widths when some word cannot fit (a long link): the columns with the widest words are narrowed to
    a common cap and fold; codes and every other column keep their words whole."""

    def capped(cap: int) -> list[int]:
        return [low if code else min(low, cap) for low, code in zip(lows, codes, strict=True)]

    cap = max(lows, default=1)
    while cap > 1 and sum(capped(cap)) > room:
        cap -= 1
    return capped(cap)


def _share(bounds: list[_Bounds], room: int) -> list[int] | None:
    """Column widths within `room`: each at least its widest word (None when even those do not fit),
    the spare cells one by one to the column with the most text still wrapping per cell it has had."""
    widths = [b.low for b in bounds]
    spare = room - sum(widths)
    if spare < 0:
        return None
    for _ in range(spare):
        growing = [i for i, b in enumerate(bounds) if widths[i] < b.high]
        if not growing:
            break
        best = max(growing, key=lambda i: bounds[i].excess / (widths[i] - bounds[i].low + 1))
        widths[best] += 1
    return widths


def _drop_one(plan: _Layout) -> bool:
    """Drop the least needed column shown, its text merged into its `into` column if that is shown."""
    optional = [i for i in plan.shown if plan.cols[i].keep > 0]
    if not optional:
        return False
    gone = max(reversed(optional), key=lambda i: plan.cols[i].keep)  # ties: the rightmost goes first
    plan.shown.remove(gone)
    col, into = plan.cols[gone], plan.cols[gone].into
    if into is not None and into in plan.shown:
        joint = ":\n" if _unbroken(plan, gone) else ": "  # a whole value keeps a line of its own
        moved = [f"{col.header}{joint}{text}" if col.tag and text else text for text in plan.cells[gone]]
        pairs = zip(plan.cells[into], moved, strict=True)
        plan.cells[into] = [f"{a}\n{b}" if a and b else a or b for a, b in pairs]
        plan.merged.add(into)
        if _unbroken(plan, gone):
            longest = _bounds("", plan.cells[gone], unbroken=True).low
            plan.floors[into] = max(plan.floors.get(into, 0), longest)
    return True


class _Bounds(NamedTuple):
    low: int  # its widest word, in terminal cells: narrower would split a word
    high: int  # its longest line: wider changes nothing
    excess: int  # the cells of every line beyond `low`: how much it wraps at its narrowest


def _bounds(header: str, cells: list[str], unbroken: bool = False) -> _Bounds:
    """A header is one word (never wrapped: "보낸 / 시각" reads badly); so is every line of an unbroken
    column."""
    from rich.cells import cell_len

    lines = [cell_len(line) for text in [header, *cells] for line in text.splitlines()]
    words = [cell_len(word) for text in cells for word in (text.splitlines() if unbroken else text.split())]
    low = max([cell_len(header), *words])
    return _Bounds(low, max(lines, default=0), sum(max(0, n - low) for n in lines))


def _overhead(columns: int) -> int:
    return 3 * columns + 1  # a border and one cell of padding either side of every column
