"""`monitor progress log`: an official reports progress (the simple path; bulk import comes later)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import click

from monitor.cli.context import AppContext
from monitor.db.models import ProgressReport
from monitor.errors import InputError
from monitor.i18n import t
from monitor.progress import ProgressInput, log_progress
from monitor.vocab import Channel

pass_app = click.make_pass_decorator(AppContext)


def _decimal(name: str, text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise InputError(f"{name} {text!r} is not a number") from None


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
@click.option(
    "--by", "by", required=True, metavar="NAME", help="Who reports (official's name or department)."
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
    by: str,
) -> None:
    """Append a progress report for CODE (a milestone CODE.key, or a commitment for its official status).

    A running daemon notices within its poll interval, re-evaluates what changed and re-plans.
    """
    if held and status not in (None, "held"):
        raise InputError("--held and --status disagree")
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
    )
    with app.require_schema().begin() as session:
        row = log_progress(session, entry, app.now(), app.settings.tz)
        what = " ".join(
            f"{k}={v}"
            for k, v in (
                ("value", entry.value),
                ("status", entry.status),
                ("executed", entry.executed),
                ("secured", entry.secured),
            )
            if v is not None
        )
        click.echo(
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


def register(group: click.Group) -> None:
    group.add_command(progress)
