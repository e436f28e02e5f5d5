"""The Telegram side's tables for people (`monitor subscriptions`, `officials list|attempts`, `outbox
list`): Korean headers and labels (English with --lang en), places by name, times to the minute, the
columns that fit the terminal (`--wide`: all of them), one line when there is nothing to list. JSON keeps
the stored values."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

import click

from monitor.cli.context import AppContext
from monitor.cli.output import Col, print_json, print_table
from monitor.i18n import MESSAGES, t
from monitor.notify.labels import EVENT_LABELS, label
from monitor.vocab import Channel, Lang

ISO_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# stored value → the message key of its label, per column
LABELS = {"state": "outbox.state.{}", "min_severity": "severity.{}"}


class Column(NamedTuple):
    """A stored field shown as a column (see `monitor.cli.output.Col` for keep, into, code, whole, tag)."""

    name: str
    keep: int = 0
    into: int | None = None
    code: bool = False
    whole: bool = False
    tag: bool = False


# Index-based `into`: a dropped column's text goes under the column at that index.
SUBSCRIPTIONS = (
    Column("id", code=True),
    Column("chat_id", code=True),
    Column("jurisdiction", whole=True),
    Column("category", keep=3, into=2),
    Column("code_prefix", keep=4, into=2, code=True),
    Column("min_severity", keep=2),
    Column("disabled", keep=1),
)
OFFICIALS = (
    Column("id", code=True),
    Column("user_id", keep=2, code=True),
    Column("jurisdiction", whole=True),
    Column("name"),
    Column("added_at", keep=1, whole=True),
)
ATTEMPTS = (
    Column("at", whole=True),
    Column("channel", keep=3),
    Column("actor"),
    Column("user_id", keep=4, code=True),
    Column("command", code=True),
    Column("allowed"),
    Column("reason"),
    Column("detail", keep=5),
)
# At 80 columns: the event under the state, the destination and the last error under the key, the next
# try under the sent time (each tagged with its header where its value alone would not say what it is).
OUTBOX = (
    Column("id", code=True),
    Column("state", whole=True),
    Column("destination", keep=5, into=4, code=True),
    Column("event", keep=4, into=1, whole=True),
    Column("key", code=True),
    Column("attempts", keep=6),
    Column("sent_at", keep=1, whole=True),
    Column("next_try", keep=2, into=6, whole=True, tag=True),
    Column("last_error", keep=3, into=4, tag=True),
)


def show(
    app: AppContext,
    rows: list[dict[str, Any]],
    fmt: str,
    columns: Sequence[Column],
    empty: str,
    wide: bool = False,
) -> None:
    """JSON as stored; for people, a table of `columns` (or the `empty` message when there are no rows)."""
    if fmt == "json":
        print_json(rows)
        return
    if not rows:
        click.echo(t(empty, app.lang))
        return
    from monitor import snapshot

    with app.require_schema()() as session:
        places = snapshot.places(session)
    table = [[cell(c.name, row[c.name], places, app.lang) for c in columns] for row in rows]
    cols = [Col(t(f"col.{c.name}", app.lang), *c[1:]) for c in columns]
    print_table(app.console, table, cols, wide=wide)


def cell(column: str, value: Any, places: dict[str, Any], lang: Lang) -> str:
    """A stored value as people read it: labels for keys, names for slugs, local times to the minute."""
    from monitor.display import iso_minute, place_name

    if value is None:
        return ""
    if isinstance(value, bool):
        return t("value.yes" if value else "value.no", lang)
    if column == "jurisdiction" and value in places:
        return place_name(places, value, lang)
    if column == "event":
        return label(EVENT_LABELS, value, lang)
    if column == "channel" and value in {c.value for c in Channel}:
        return Channel(value).label(lang)
    if column in LABELS and LABELS[column].format(value) in MESSAGES:
        return t(LABELS[column].format(value), lang)
    if isinstance(value, str) and ISO_INSTANT.match(value):  # local ISO time: to the minute
        return iso_minute(value)
    return str(value)
