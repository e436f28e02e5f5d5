"""`monitor replay`: the notifications the daemon would have sent over a period, printed in order —
each message headed by its time (to the minute) and its jurisdiction by name; JSON keeps the slugs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import click

from monitor.cli.context import AppContext
from monitor.cli.output import format_option, stream_json
from monitor.durations import not_a_duration, parse_duration
from monitor.errors import InputError
from monitor.i18n import t
from monitor.notify.labels import CONDITION_LABELS, EVENT_LABELS, label
from monitor.timeutil import isoformat_local

# The daemon's replay and the display layer are imported by the command, not here (`--help` stays light).
if TYPE_CHECKING:
    from monitor.daemon.replay import Message
    from monitor.snapshot import Place

pass_app = click.make_pass_decorator(AppContext)


@click.command(name="replay")
@click.option("--from", "start", required=True, metavar="DATE", help="First instant (a date is its 00:00).")
@click.option("--to", "end", required=True, metavar="DATE", help="Last instant, included.")
@click.option(
    "--step",
    "every",
    default="1d",
    show_default=True,
    metavar="DURATION",
    help="Time between evaluations (e.g. 1d, 6h).",
)
@click.option(
    "--jurisdiction", metavar="SLUG", help="Only notifications a watchdog of this jurisdiction gets."
)
@format_option("table", "json")
@pass_app
def replay_command(
    app: AppContext, start: str, end: str, every: str, jurisdiction: str | None, fmt: str
) -> None:
    """Print, in order, the notifications the daemon would have sent over a period.

    Uses the same dedup, repeat, silence, inhibition, grouping and resolve rules as the daemon, starting
    with no alert state at --from and reading only the progress entered by each step.
    """
    from monitor import snapshot
    from monitor.daemon.replay import replay
    from monitor.registry import require_jurisdiction

    first, last = app.instant(start), app.instant(end)
    try:
        step = parse_duration(every)
    except ValueError as exc:
        raise InputError(
            f"--step: {exc}", ko=f"--step: {getattr(exc, 'ko', None) or not_a_duration(every)}"
        ) from None
    if step <= timedelta(0):
        raise InputError(f"--step {every}: must be positive", ko=f"--step {every}: 0보다 길어야 합니다")
    if last < first:
        raise InputError("--to is before --from", ko="--to 가 --from 보다 앞입니다")
    with app.require_schema()() as session:
        if jurisdiction is not None:
            require_jurisdiction(session, jurisdiction)
        messages = replay(
            session, app.rule_config(), app.settings.repeat_interval, first, last, step, jurisdiction
        )
        if fmt == "json":
            stream_json(_message_json(msg, app) for msg in messages)
            return
        _replay_table(messages, app, snapshot.places(session))


def _message_json(msg: Message, app: AppContext) -> dict[str, Any]:
    return {
        "at": isoformat_local(msg.at, app.settings.tz),
        "jurisdiction": msg.jurisdiction,
        "notifications": [
            {
                "event": n.event.value,
                "code": n.payload.subject,
                "rule": n.payload.rule.value,
                "state": n.payload.condition.value,
                "stage": n.payload.stage,
                "sequence": n.sequence,
                "reason": n.payload.reason(app.lang),
            }
            for n in msg.notifications
        ],
    }


def _replay_table(messages: Iterable[Message], app: AppContext, places: dict[str, Place]) -> None:
    from monitor.display import minute, place_name  # here: the display layer imports the rules (pydantic)

    lang, count, sent = app.lang, 0, 0
    for message in messages:
        count, sent = count + 1, sent + len(message.notifications)
        place = place_name(places, message.jurisdiction, lang)
        at = minute(message.at, app.settings.tz)
        click.echo(t("replay.header", lang, at=at, place=place, count=len(message.notifications)))
        for n in message.notifications:
            event = label(EVENT_LABELS, n.event, lang)
            condition = label(CONDITION_LABELS, n.payload.condition, lang)
            click.echo(f"  [{event}·{condition}] {n.payload.subject} {n.payload.reason(lang)}")
    click.echo(t("summary.replay", lang, messages=count, notifications=sent))
