"""`monitor silence add|list|remove`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

from monitor.cli.context import AppContext
from monitor.cli.output import Col, echo, format_option, print_json, print_table
from monitor.durations import not_a_duration, parse_duration
from monitor.errors import InputError
from monitor.i18n import t
from monitor.timeutil import isoformat_local
from monitor.vocab import Lang

if TYPE_CHECKING:
    from monitor.snapshot import Place

pass_app = click.make_pass_decorator(AppContext)


@click.group()
def silence() -> None:
    """Mute alerts for a code prefix or a jurisdiction until an end time."""


@silence.command(name="add")
@click.option("--prefix", metavar="CODE", help="Code prefix (DJ-9 matches DJ-9, DJ-9-3 and DJ-9-3.key).")
@click.option(
    "--jurisdiction", metavar="SLUG", help="Every alert of commitments this jurisdiction is party to."
)
@click.option("--until", metavar="INSTANT", help="End of the silence (a date means its 00:00).")
@click.option("--for", "duration", metavar="DURATION", help="Or a length from now (e.g. 14d).")
@click.option("--reason", required=True, help="Why (shown in `silence list`).")
@click.option("--by", "by", required=True, metavar="NAME", help="Who sets it.")
@pass_app
def add(
    app: AppContext,
    prefix: str | None,
    jurisdiction: str | None,
    until: str | None,
    duration: str | None,
    reason: str,
    by: str,
) -> None:
    """Add a silence. Matching alerts still change state but send nothing until it ends."""
    from monitor.alerts.silences import add_silence
    from monitor.snapshot import places

    now = app.now()
    if (until is None) == (duration is None):
        raise InputError("give --until or --for (one of them)", ko="--until 이나 --for 중 하나를 주세요")
    try:
        end = app.instant(until) if until else now + parse_duration(duration)
    except ValueError as exc:
        raise InputError(
            f"--for: {exc}", ko=f"--for: {getattr(exc, 'ko', None) or not_a_duration(str(duration))}"
        ) from None
    with app.require_schema().begin() as session:
        row = add_silence(
            session, code_prefix=prefix, jurisdiction=jurisdiction, until=end, reason=reason, by=by, now=now
        )
        echo(
            t(
                "summary.silenced",
                app.lang,
                id=row.id,
                matcher=_matcher(
                    row.code_prefix, _place(places(session), row.jurisdiction, app.lang), app.lang
                ),
                until=_minute(row.ends_at, app.settings.tz),
                reason=row.reason,
            )
        )


@silence.command(name="list")
@click.option("--all", "include_ended", is_flag=True, help="Also silences that ended or were removed.")
@format_option("table", "json")
@pass_app
def list_command(app: AppContext, include_ended: bool, fmt: str) -> None:
    """List silences in force (or all)."""
    from monitor import snapshot
    from monitor.alerts.silences import list_silences

    tz = app.settings.tz
    with app.require_schema()() as session:
        places = snapshot.places(session)
        rows: list[dict[str, Any]] = [
            {
                "id": s.id,
                "code_prefix": s.code_prefix,
                "jurisdiction": s.jurisdiction,
                "starts_at": isoformat_local(s.starts_at, tz),
                "ends_at": isoformat_local(s.ends_at, tz),
                "reason": s.reason,
                "created_by": s.created_by,
                "removed_at": isoformat_local(s.removed_at, tz),
                "removed_by": s.removed_by,
            }
            for s in list_silences(session, app.now(), include_ended)
        ]
    if fmt == "json":
        print_json(rows)
        return
    _table(app, rows, places)


def _table(app: AppContext, rows: list[dict[str, Any]], places: dict[str, Place]) -> None:
    """Silences for people: what each matches (places by name), until when (to the minute), why, by whom."""
    if not rows:
        echo(t("empty.silences", app.lang))
        return
    from monitor.display import iso_minute  # here: the display layer imports the rules (and pydantic)

    lang = app.lang
    headers = [t(k, lang) for k in ("col.id", "col.matcher", "col.until", "col.reason", "col.by")]
    cols = [Col(headers[0], code=True), Col(headers[1]), Col(headers[2], whole=True), *map(Col, headers[3:])]
    table = [
        (
            r["id"],
            _matcher(r["code_prefix"], _place(places, r["jurisdiction"], lang), lang),
            iso_minute(str(r["ends_at"])),
            r["reason"],
            r["created_by"],
        )
        for r in rows
    ]
    print_table(app.console, table, cols)


@silence.command(name="remove")
@click.argument("silence_id", type=int)
@click.option("--by", "by", required=True, metavar="NAME", help="Who removes it.")
@pass_app
def remove(app: AppContext, silence_id: int, by: str) -> None:
    """End silence SILENCE_ID now; alerts it muted are announced if they still fire."""
    from monitor.alerts.silences import remove_silence

    with app.require_schema().begin() as session:
        remove_silence(session, silence_id, by, app.now())
    echo(t("summary.unsilenced", app.lang, id=silence_id))


def _minute(instant: datetime, tz: ZoneInfo) -> str:
    from monitor.display import minute  # here: the display layer imports the rules (and pydantic)

    return minute(instant, tz)


def _place(places: dict[str, Place], slug: str | None, lang: Lang) -> str | None:
    """A jurisdiction by name (광주광역시 서구); None for none."""
    from monitor.display import place_name

    return None if slug is None else place_name(places, slug, lang)


def _matcher(prefix: str | None, place: str | None, lang: Lang) -> str:
    """ "코드 DJ-9 & 대전광역시": what a silence matches (`place`: the jurisdiction's name)."""
    code = t("col.code", lang)
    return " & ".join(part for part in (prefix and f"{code} {prefix}", place) if part)


def register(group: click.Group) -> None:
    group.add_command(silence)
