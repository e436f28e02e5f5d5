"""`monitor verify`: recompute the history chain and name the first entry rewritten behind its back."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from monitor.cli.context import AppContext
from monitor.cli.output import print_json
from monitor.errors import MonitorError

if TYPE_CHECKING:
    from monitor.history.verify import Verification

pass_app = click.make_pass_decorator(AppContext)


class HistoryTampered(MonitorError):
    """The chain or the rows it records were changed outside the monitor. Exit code 4."""

    exit_code = 4


def _text(result: Verification, lang: str) -> list[str]:
    if result.intact:
        if lang == "ko":
            return [f"이력 무결: 항목 {result.entries}개, 헤드 {result.head}"]
        return [f"history intact: {result.entries} entries, head {result.head}"]
    first = result.breaches[0]
    lines = [f"first breach: {first.message}"]
    lines += [f"also: {breach.message}" for breach in result.breaches[1:20]]
    if len(result.breaches) > 20:
        lines.append(f"… and {len(result.breaches) - 20} more")
    return lines


@click.command(name="verify")
@click.option("--head", "head_only", is_flag=True, help="Print only the head (SEQ:HASH) to publish.")
@click.option(
    "--published",
    metavar="HASH",
    help="A head published earlier (SEQ:HASH or HASH): check it is still in the chain.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable result.")
@pass_app
def verify_command(app: AppContext, head_only: bool, published: str | None, as_json: bool) -> None:
    """Recompute the tamper-evident history chain (progress, official statuses, silences, the officials
    roster, access attempts) and name the first entry that was edited, deleted or reordered directly in
    the database. Exit code 0 when intact, 4 when not.

    Publish the head (`monitor verify --head`) somewhere the monitor's operators cannot change — a watchdog's
    web page, a post — and check it later with `--published`: a head that is no longer in the chain means
    history up to it was rewritten.
    """
    from monitor.history.verify import contains, verify

    with app.require_schema()() as session:
        result = verify(session)
        found = contains(session, published.rpartition(":")[2]) if published else None
    if head_only:
        click.echo(str(result.head))
    elif as_json:
        breaches = [{"seq": b.seq, "message": b.message} for b in result.breaches]
        print_json(
            {
                "intact": result.intact,
                "entries": result.entries,
                "head": str(result.head),
                "breaches": breaches,
            }
        )
    else:
        for line in _text(result, app.lang):
            click.echo(line, err=not result.intact)
    if published and found is None:
        raise HistoryTampered(
            f"published head {published} is not in the chain: history up to it was rewritten"
        )
    if published:
        click.echo(
            f"published head found at entry #{found}; {result.entries - (found or 0)} entries since", err=True
        )
    if not result.intact:
        raise HistoryTampered(
            f"{len(result.breaches)} breach(es) of the history chain; run without --head for details"
        )


def register(group: click.Group) -> None:
    group.add_command(verify_command)
