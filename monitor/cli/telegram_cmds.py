"""`monitor subscribe|unsubscribe|subscriptions`, `monitor officials …`, `monitor outbox list`: the
Telegram side, managed from the command line (the bot offers the same to chats and their admins)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from monitor.cli.context import AppContext
from monitor.cli.output import echo, format_option, wide_option
from monitor.cli.telegram_tables import ATTEMPTS, OFFICIALS, OUTBOX, SUBSCRIPTIONS, show
from monitor.i18n import t
from monitor.timeutil import isoformat_local

if TYPE_CHECKING:
    from monitor.snapshot import Place

pass_app = click.make_pass_decorator(AppContext)
# Group chat ids are negative: `monitor subscribe -1001234` must read as an argument, not an option.
CHAT_ID_ARGUMENT = {"ignore_unknown_options": True}
OUTBOX_STATES = ("pending", "sent", "failed")


def _place(app: AppContext, slug: str | None, places: dict[str, Place]) -> str | None:
    """A jurisdiction by name (광주광역시 서구), for the confirmation lines."""
    from monitor.display import place_name  # here: the display layer imports the rules (and pydantic)

    return None if slug is None else place_name(places, slug, app.lang)


@click.command(context_settings=CHAT_ID_ARGUMENT)
@click.argument("chat_id", type=int)
@click.option("--jurisdiction", metavar="SLUG", help="Only commitments this jurisdiction is party to.")
@click.option("--prefix", metavar="CODE", help="Only this code and everything under it (DJ-9 …).")
@click.option("--category", metavar="분야", help="Only this category (분야), as written in the seeds.")
@click.option(
    "--severity",
    type=click.Choice(["info", "warning", "critical"]),
    default="info",
    show_default=True,
    help="Minimum severity.",
)
@click.option("--lang", "language", type=click.Choice(["ko", "en"]), help="The chat's language.")
@click.option("--by", "by", default="cli", show_default=True, metavar="NAME", help="Who subscribes it.")
@pass_app
def subscribe(
    app: AppContext,
    chat_id: int,
    jurisdiction: str | None,
    prefix: str | None,
    category: str | None,
    severity: str,
    language: Any,
    by: str,
) -> None:
    """Send matching alerts to Telegram chat CHAT_ID (negative for groups). Filters combine; none means
    every alert. A chat disabled by a delivery error is enabled again."""
    from monitor import snapshot
    from monitor.telegram import chats
    from monitor.telegram.texts import subscription_filters

    with app.require_schema().begin() as session:
        row = chats.subscribe(
            session,
            chat_id,
            by=by,
            now=app.now(),
            jurisdiction=jurisdiction,
            category=category,
            code_prefix=prefix,
            min_severity=severity,
            language=language,
        )
        place = _place(app, row.jurisdiction, snapshot.places(session))
        filters = subscription_filters(place, row.category, row.code_prefix, row.min_severity, app.lang)
        echo(t("summary.subscribed", app.lang, id=row.id, chat=chat_id, filters=filters))


@click.command(context_settings=CHAT_ID_ARGUMENT)
@click.argument("chat_id", type=int)
@click.option("--id", "subscription_id", type=int, help="End only this subscription.")
@pass_app
def unsubscribe(app: AppContext, chat_id: int, subscription_id: int | None) -> None:
    """End the subscriptions of CHAT_ID (all of them, or one with --id)."""
    from monitor.telegram import chats

    with app.require_schema().begin() as session:
        count = chats.unsubscribe(session, chat_id, app.now(), subscription_id)
    echo(t("summary.unsubscribed", app.lang, chat=chat_id, count=count))


@click.command()
@click.option("--chat", "chat_id", type=int, help="Only this chat.")
@format_option("table", "json")
@wide_option
@pass_app
def subscriptions(app: AppContext, chat_id: int | None, fmt: str, wide: bool) -> None:
    """List active subscriptions, with each chat's language and whether it is disabled (and why)."""
    from monitor.telegram import chats

    with app.require_schema()() as session:
        rows = [
            {
                "id": s.id,
                "chat_id": s.chat_id,
                "chat_type": s.chat.type,
                "language": s.chat.language,
                "jurisdiction": s.jurisdiction,
                "category": s.category,
                "code_prefix": s.code_prefix,
                "min_severity": s.min_severity,
                "disabled": s.chat.disabled_reason,
                "created_by": s.created_by,
            }
            for s in chats.subscriptions(session, chat_id)
        ]
    show(app, rows, fmt, SUBSCRIPTIONS, "empty.subscriptions", wide)


@click.group()
def officials() -> None:
    """The roster of officials who may report progress through the bot (/log)."""


@officials.command(name="add")
@click.argument("user_id", type=int, required=False)
@click.option("--jurisdiction", required=True, metavar="SLUG", help="The jurisdiction they report for.")
@click.option("--name", required=True, help="Name or department, recorded as the reporter.")
@click.option("--by", "by", default="cli", show_default=True, metavar="NAME", help="Who adds them.")
@pass_app
def officials_add(app: AppContext, user_id: int | None, jurisdiction: str, name: str, by: str) -> None:
    """Allow NAME (`--by NAME` on the command line and in imports) and, with USER_ID, that Telegram user
    (/log) to report progress for one jurisdiction. Every change of the roster is chained (monitor verify)."""
    from monitor import snapshot
    from monitor.telegram import chats

    with app.require_schema().begin() as session:
        row = chats.add_official(session, user_id, jurisdiction, name, by, app.now())
        place = _place(app, row.jurisdiction, snapshot.places(session))
        user = t("summary.official_user", app.lang, user=user_id) if user_id else ""
        echo(t("summary.official_added", app.lang, id=row.id, name=row.name, user=user, place=place))


@officials.command(name="list")
@format_option("table", "json")
@pass_app
def officials_list(app: AppContext, fmt: str) -> None:
    """List the officials on the roster."""
    from monitor.telegram import chats

    tz = app.settings.tz
    with app.require_schema()() as session:
        rows = [
            {
                "id": o.id,
                "user_id": o.telegram_user_id,
                "jurisdiction": o.jurisdiction,
                "name": o.name,
                "added_at": isoformat_local(o.added_at, tz),
                "added_by": o.added_by,
            }
            for o in chats.active_officials(session)
        ]
    show(app, rows, fmt, OFFICIALS, "empty.officials")


@officials.command(name="remove")
@click.argument("who")
@click.option("--jurisdiction", metavar="SLUG", help="Only this jurisdiction (default: all of theirs).")
@click.option("--by", "by", default="cli", show_default=True, metavar="NAME", help="Who removes them.")
@pass_app
def officials_remove(app: AppContext, who: str, jurisdiction: str | None, by: str) -> None:
    """Take WHO (a Telegram user id or a name) off the roster; a /log waiting for confirmation is then
    refused."""
    from monitor.telegram import chats

    target: int | str = int(who) if who.lstrip("-").isdigit() else who
    with app.require_schema().begin() as session:
        count = chats.remove_official(session, target, by, app.now(), jurisdiction)
    echo(t("summary.official_removed", app.lang, who=who, count=count))


@officials.command(name="attempts")
@click.option("--refused", is_flag=True, help="Only refused attempts.")
@click.option("--limit", type=int, default=50, show_default=True, help="Most recent first.")
@format_option("table", "json")
@pass_app
def officials_attempts(app: AppContext, refused: bool, limit: int, fmt: str) -> None:
    """Show who tried to write: through the bot (/log, group settings), allowed or refused, and refused
    writes from the command line and imports."""
    from sqlalchemy import select

    from monitor.db import models as m

    query = select(m.AccessAttempt).order_by(m.AccessAttempt.id.desc()).limit(limit)
    if refused:
        query = query.where(m.AccessAttempt.allowed.is_(False))
    with app.require_schema()() as session:
        rows = [
            {
                "at": isoformat_local(a.at, app.settings.tz),
                "channel": a.channel,
                "actor": a.actor,
                "user_id": a.telegram_user_id,
                "chat_id": a.chat_id,
                "command": a.command,
                "detail": a.detail,
                "allowed": a.allowed,
                "reason": a.reason,
            }
            for a in session.scalars(query)
        ]
    show(app, rows, fmt, ATTEMPTS, "empty.attempts")


@click.group()
def outbox() -> None:
    """The notification outbox: every delivery, pending, sent or failed."""


@outbox.command(name="list")
@click.option("--state", type=click.Choice(OUTBOX_STATES), multiple=True, help="Only these states.")
@click.option("--destination", metavar="DEST", help="Only this destination (telegram:CHAT_ID, file …).")
@click.option("--limit", type=int, default=100, show_default=True, help="Most recent first.")
@format_option("table", "json")
@wide_option
@pass_app
def outbox_list(
    app: AppContext, state: tuple[str, ...], destination: str | None, limit: int, fmt: str, wide: bool
) -> None:
    """Show deliveries: destination, attempts, message ids, last error."""
    from sqlalchemy import select

    from monitor.db import models as m

    query = select(m.OutboxEntry).order_by(m.OutboxEntry.id.desc()).limit(limit)
    if state:
        query = query.where(m.OutboxEntry.state.in_(state))
    if destination:
        query = query.where(m.OutboxEntry.destination == destination)
    tz = app.settings.tz
    with app.require_schema()() as session:
        rows = [
            {
                "id": o.id,
                "state": o.state,
                "destination": o.destination,
                "event": o.event,
                "key": o.alert_key,
                "attempts": o.attempts,
                "created_at": isoformat_local(o.created_at, tz),
                "sent_at": isoformat_local(o.sent_at, tz),
                "next_try": isoformat_local(o.not_before, tz) if o.state == "pending" else None,
                "message_ids": (o.delivery or {}).get("message_ids"),
                "last_error": o.last_error,
            }
            for o in session.scalars(query)
        ]
    show(app, rows, fmt, OUTBOX, "empty.outbox", wide)


def register(group: click.Group) -> None:
    for command in (subscribe, unsubscribe, subscriptions, officials, outbox):
        group.add_command(command)
