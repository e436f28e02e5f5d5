"""`monitor progress log`: an official reports progress; `progress import` and `template`: in bulk."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

import click

from monitor.cli.context import AppContext
from monitor.cli.output import echo
from monitor.errors import InputError
from monitor.i18n import t
from monitor.vocab import Channel

if TYPE_CHECKING:
    from monitor.imports.template import Format

pass_app = click.make_pass_decorator(AppContext)
CONFIRM_HELP = (
    "The figures are right even though far past the plan or target "
    "(executed or secured above planned × plausible_factor, a cumulative value past 10 × its target)."
)


def _decimal(name: str, text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise InputError(
            f"{name} {text!r} is not a number", ko=f"{name} {text!r}은(는) 숫자가 아닙니다"
        ) from None


@click.group()
def progress() -> None:
    """Report progress on milestones and commitments."""


@progress.command(name="log")
@click.argument("code")
@click.option("--value", metavar="N", help="Reported quantity (cumulative total for cumulative targets).")
@click.option(
    "--status",
    metavar="S",
    help="Milestone status (done, started, held, cancelled) or a commitment's official status (정상추진 …).",
)
@click.option("--held", is_flag=True, help="The event was held (same as --status held).")
@click.option("--executed", metavar="AMOUNT", help="Budget tranche: amount executed, in 백만원.")
@click.option("--secured", metavar="AMOUNT", help="Budget tranche: amount secured, in 백만원.")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    help="Date the report describes (default: today in the configured zone).",
)
@click.option("--note", help="Free text.")
@click.option("--evidence", multiple=True, metavar="URL", help="Evidence link; repeat for several.")
@click.option("--correction", is_flag=True, help="Corrects the latest report of this milestone (a new row).")
@click.option("--confirm", is_flag=True, help=CONFIRM_HELP)
@click.option(
    "--by",
    "by",
    required=True,
    metavar="NAME",
    help="Who reports: a name on the officials roster (monitor officials add) for the jurisdiction.",
)
@pass_app
def log_command(
    app: AppContext,
    code: str,
    value: str | None,
    status: str | None,
    held: bool,
    executed: str | None,
    secured: str | None,
    as_of: object,
    note: str | None,
    evidence: tuple[str, ...],
    correction: bool,
    confirm: bool,
    by: str,
) -> None:
    """Append a progress report for CODE (a milestone CODE.key, or a commitment for its official status).

    A running daemon notices within its poll interval, re-evaluates what changed and re-plans. A name not
    on the roster, or outside its jurisdiction, is refused (exit code 3) and the refusal is recorded.
    """
    from monitor.db.models import ProgressReport
    from monitor.progress import log_progress
    from monitor.registry import find_code
    from monitor.scope import Actor, authorize, scoped_write
    from monitor.writecheck import ProgressInput, WriteRefused

    if held and status not in (None, "held"):
        raise InputError("--held and --status disagree", ko="--held 와 --status 가 서로 다릅니다")
    entry = ProgressInput(
        code=code,
        reporter=by,
        channel=Channel.CLI.value,
        value=_decimal("--value", value),
        status="held" if held else status,
        executed=_decimal("--executed", executed),
        secured=_decimal("--secured", secured),
        as_of=as_of.date() if as_of is not None else None,  # type: ignore[attr-defined]
        note=note,
        evidence=list(evidence),
        correction=correction,
        confirmed=confirm,
    )
    actor = Actor(Channel.CLI.value, name=by.strip())
    now = app.now()
    with scoped_write(app.require_schema(), actor, command="progress log", detail=code, now=now) as session:
        authorize(session, actor, [find_code(session, code)])
        try:
            row = log_progress(session, entry, now, app.settings.tz, app.settings.plausible_factor)
        except WriteRefused as refused:  # the same words as `progress import`, in the chosen language
            raise InputError(refused.render("en"), ko=refused.render("ko")) from None
        from monitor.display import report_figures

        unit = row.milestone.unit if isinstance(row, ProgressReport) and row.milestone else None
        figures = {"value": entry.value, "status": entry.status}
        figures |= {"executed_amount": entry.executed, "secured_amount": entry.secured}
        what = report_figures(figures, unit or "", app.lang)
        echo(
            t(
                "summary.logged",
                app.lang,
                code=row.milestone.code
                if isinstance(row, ProgressReport) and row.milestone
                else row.commitment.code,
                what=what,
                as_of=row.as_of,
                by=by,
            )
        )


@progress.command(name="import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--dry-run", is_flag=True, help="Check and show every report that would be written; write nothing."
)
@click.option(
    "--correction",
    is_flag=True,
    help="A row whose cumulative value goes down corrects the milestone's latest report (else: an error).",
)
@click.option("--confirm", is_flag=True, help=CONFIRM_HELP)
@click.option(
    "--by",
    "by",
    required=True,
    metavar="NAME",
    help="Who reports: a name on the officials roster for the jurisdiction of every row.",
)
@pass_app
def import_command(
    app: AppContext, file: Path, dry_run: bool, correction: bool, confirm: bool, by: str
) -> None:
    """Import progress from FILE (.csv or .xlsx, one report per row; Korean or English headers).

    The whole file is checked first. Any problem — unknown code, wrong unit or type, negative amount, a
    cumulative value going down, a future as-of date, a malformed URL, a duplicate row — is listed as
    FILE:ROW:COLUMN, nothing is written and the exit code is 2. A name not on the roster for every row's
    jurisdiction is refused (exit code 3, recorded). Make a file to fill in with `progress template`.
    """
    from monitor.imports import WriteOptions, import_progress
    from monitor.imports.texts import say, would_write

    options = WriteOptions(confirm, app.settings.plausible_factor, app.lang)

    outcome = import_progress(
        app.require_schema(),
        file,
        by=by,
        now=app.now(),
        tz=app.settings.tz,
        dry_run=dry_run,
        correction=correction,
        options=options,
    )
    if outcome.ignored_columns:
        echo(say("ignored", app.lang, columns=", ".join(outcome.ignored_columns)), err=True)
    for report in outcome.written if dry_run else []:
        echo(would_write(report, app.lang))
    counts = {"file": outcome.file, "written": len(outcome.written), "rows": outcome.rows, "by": by}
    summary = say("dry_run" if dry_run else "imported", app.lang, **counts, skipped=outcome.skipped)
    echo(summary + (say("unchanged", app.lang, count=outcome.unchanged) if outcome.unchanged else ""))


@progress.command(name="template")
@click.option(
    "--jurisdiction", required=True, metavar="SLUG", help="Whose milestones and commitments to list."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv"]),
    default=None,
    help="File type (default: the suffix of --out, .xlsx or .csv; xlsx without --out).",
)
@click.option(
    "-o",
    "--out",
    "output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write it, a .xlsx or .csv file (default: progress-SLUG.xlsx in the current folder).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@pass_app
def template_command(
    app: AppContext, jurisdiction: str, fmt: Format | None, output: Path | None, force: bool
) -> None:
    """Write a file to fill in: one row per active milestone and per commitment of the jurisdiction.

    It lists title, kind, target, unit, due date and the latest report; fill in 기준일 and what changed
    (실적, 상태, amounts …) and import it with `progress import`. Rows left empty are skipped.
    """
    from monitor.files import cannot_write
    from monitor.imports import write_template
    from monitor.imports.template import template_format
    from monitor.imports.texts import say

    fmt = template_format(fmt, output)
    path = output or Path(f"progress-{jurisdiction}.{fmt}")
    if path.exists() and not force:
        raise InputError(
            f"{path} exists: choose another --out, or --force to overwrite it",
            ko=f"{path}이(가) 이미 있습니다: 다른 --out 을 주거나 --force 로 덮어쓰세요",
        )
    with app.require_schema()() as session:
        try:
            made = write_template(session, jurisdiction, path, fmt, app.settings.tz)
        except OSError as exc:
            raise cannot_write(path, exc) from None
    echo(say("template", app.lang, path=path, jurisdiction=made.place(app.lang), rows=made.rows))


def register(group: click.Group) -> None:
    group.add_command(progress)
