"""`monitor export`: the registry and its history as open data (JSON or CSV)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from monitor.cli.context import AppContext
from monitor.errors import InputError

pass_app = click.make_pass_decorator(AppContext)


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="json: one document {exported_at, as_of, tables: {name: [rows]}}. "
    "csv: one NAME.csv per table in --out DIR, UTF-8 with a byte-order mark (BOM) so Excel shows "
    "Korean correctly, first row the column names.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="json: the file to write (default: standard output). csv: the folder to write (required).",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="INSTANT",
    help="Leave out history (progress reports, status changes, revisions) entered after this instant "
    "(default: now).",
)
@pass_app
def export(app: AppContext, fmt: str, out: Path | None, as_of: str | None) -> None:
    """Export the registry with its history as open data.

    Jurisdictions, source documents (metadata and sha256, not the text), commitments with their parties,
    milestones, target revisions, every progress report (corrections point at what they correct with
    corrects_id), official status changes, published totals and consistency findings. Decimals are
    exact strings, dates ISO 8601, instants with the configured zone's offset; rows in id order. Files
    are written to a temporary name first, so a reader never sees half an export.
    """
    if fmt == "csv" and out is None:
        raise InputError(
            "--format csv writes one file per table: give the folder with --out DIR",
            ko="--format csv 는 표마다 파일을 씁니다: --out 폴더를 지정하세요",
        )
    from monitor.export import write_csv_dir, write_json, write_json_file

    exported_at = app.now()
    cut = app.instant(as_of) if as_of is not None else exported_at
    tz = app.settings.tz
    with app.require_schema()() as session:
        if out is None:
            write_json(session, sys.stdout, exported_at=exported_at, as_of=cut, tz=tz)
            return
        if fmt == "csv":
            counts = write_csv_dir(session, out, as_of=cut, tz=tz)
        else:
            counts = write_json_file(session, out, exported_at=exported_at, as_of=cut, tz=tz)
    rows = sum(counts.values())
    if app.lang == "ko":
        click.echo(f"내보냄: 표 {len(counts)}개, 행 {rows}개 → {out}")
    else:
        click.echo(f"Exported {len(counts)} tables, {rows} rows to {out}")


def register(group: click.Group) -> None:
    group.add_command(export)
