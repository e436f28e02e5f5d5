"""Rendering rows as a rich table, JSON or CSV on standard output."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = ("table", "json", "csv")


F = TypeVar("F", bound=Callable[..., Any])


def format_option(*choices: str, default: str = "table") -> Callable[[F], F]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices or FORMATS),
        default=default,
        show_default=True,
        help="Output format: a table for people, JSON or CSV for programs.",
    )


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
        writer.writerow({k: ";".join(map(str, v)) if isinstance(v, list) else v for k, v in row.items()})


def print_table(
    console: Console, rows: Sequence[Sequence[Any]], headers: Sequence[str], title: str | None = None
) -> None:
    from rich.table import Table  # here, not at the top: rich is not needed to start the CLI
    from rich.text import Text

    table = Table(title=title, show_lines=False, header_style="bold")
    for index, header in enumerate(headers):
        # codes are what people type back: never break them
        table.add_column(header, overflow="fold", no_wrap=index == 0)
    for row in rows:
        # Text, not markup: seed titles contain brackets such as "[비공개]".
        table.add_row(*(Text("" if v is None else str(v)) for v in row))
    console.print(table)
