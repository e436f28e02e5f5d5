"""`monitor status`: is a daemon alive, which one leads, how far behind delivery is (the operator's view).

The status is read once (`monitor.ops.status.read_status`) and printed as tables or JSON; when no
daemon's heartbeat is fresh, the status is still printed (the backlog growing while nobody sends is the
news) and one line on standard error says why no daemon is alive, with exit code 1 — a monitoring
script or a systemd health check needs no parsing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from monitor.cli.context import AppContext
from monitor.cli.output import Col, format_option, print_json, print_table, wide_option

if TYPE_CHECKING:
    from monitor.ops.status import Status
    from monitor.vocab import Lang

pass_app = click.make_pass_decorator(AppContext)


@click.command()
@format_option("table", "json")
@wide_option
@pass_app
def status(app: AppContext, fmt: str, wide: bool) -> None:
    """Daemons seen (heartbeat, leader or follower), last and next pass, outbox backlog and failures,
    disabled chats and the history chain head.

    Exits 1, after printing the status, when no daemon's heartbeat is fresh (see the README)."""
    from monitor.ops.render import as_json
    from monitor.ops.status import read_status
    from monitor.ops.texts import no_daemon

    tz = app.settings.tz
    with app.require_schema()() as session:
        found = read_status(session, app.now())
    if fmt == "json":
        print_json(as_json(found, tz))
    else:
        _tables(app, found, wide)
    if not found.alive:
        raise no_daemon(found, tz)


def _tables(app: AppContext, found: Status, wide: bool) -> None:
    """The summary (item and value), the daemons seen, then the disabled chats if any."""
    from monitor.ops.render import daemon_rows, disabled_rows, summary_rows
    from monitor.ops.texts import instant, say

    lang, tz, console = app.lang, app.settings.tz, app.console
    title = say("title.summary", lang, at=instant(found.at, tz))
    cols = [Col(say("col.item", lang), whole=True), Col(say("col.value", lang))]
    print_table(console, summary_rows(found, tz, lang), cols, title, wide=wide)
    if found.daemons:
        title = say("title.daemons", lang, count=len(found.daemons), alive=len(found.alive))
        print_table(console, daemon_rows(found, tz, lang), _daemon_cols(lang), title, wide=wide)
    if found.disabled_chats:
        shown, count = len(found.disabled_chats), found.disabled_count
        title = say(
            "title.disabled" if shown == count else "title.disabled_some", lang, count=count, shown=shown
        )
        cols = [Col(say("col.chat", lang), code=True), Col(say("col.title", lang), keep=2)]
        cols += [Col(say("col.disabled_at", lang), whole=True, keep=1), Col(say("col.reason", lang))]
        print_table(console, disabled_rows(found, tz), cols, title, wide=wide)


def _daemon_cols(lang: Lang) -> list[Col]:
    """When narrow, the stop time goes under the role first (tagged), then the start and the PID give
    way; the host, heartbeat age and role always show."""
    from monitor.ops.texts import say

    return [
        Col(say("col.host", lang), code=True),
        Col(say("col.pid", lang), code=True, keep=1),
        Col(say("col.started", lang), whole=True, keep=2),
        Col(say("col.heartbeat", lang), whole=True),
        Col(say("col.role", lang), whole=True),
        Col(say("col.stopped", lang), whole=True, keep=3, into=4, tag=True),
    ]


def register(group: click.Group) -> None:
    group.add_command(status)
