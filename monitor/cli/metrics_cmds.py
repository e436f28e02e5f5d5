"""`monitor metrics`: the Korean evaluation metrics per jurisdiction (and category)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import click

from monitor.cli.context import AppContext
from monitor.cli.output import Col, format_option, print_json, print_table, wide_option
from monitor.i18n import t

if TYPE_CHECKING:
    from monitor.snapshot import Place
    from monitor.vocab import Lang

pass_app = click.make_pass_decorator(AppContext)


@click.command()
@click.option("--as-of", "as_of", metavar="INSTANT", help="As known at this instant (default: now).")
@click.option("--year", type=int, help="Year whose targets count for 목표달성도 (default: the as-of year).")
@click.option(
    "--jurisdiction",
    metavar="SLUG",
    help="Only this jurisdiction and those below it (gwangju: gwangju-seo too).",
)
@click.option("--by-category", is_flag=True, help="One row per jurisdiction and category (분야).")
@format_option("table", "json")
@wide_option
@pass_app
def metrics(
    app: AppContext,
    as_of: str | None,
    year: int | None,
    jurisdiction: str | None,
    by_category: bool,
    fmt: str,
    wide: bool,
) -> None:
    """완료율, 목표달성도, 재정확보율 and 집행률 per jurisdiction (see the README for the definitions)."""
    from monitor import snapshot
    from monitor.metrics import from_snapshot

    now = app.instant(as_of)
    target_year = year or now.astimezone(app.settings.tz).year
    with app.require_schema()() as session:
        snap = snapshot.take(session, app.rule_config(), now, jurisdiction)
    rows = from_snapshot(snap, target_year, by_category)
    data: list[dict[str, Any]] = [
        {
            "jurisdiction": r.jurisdiction,
            "category": r.category,
            "pledges": r.kinds["pledges"],
            "candidate_pledges": r.kinds["candidate_pledges"],
            "agendas": r.kinds["agendas"],
            "agreements": r.kinds["agreements"],
            "states": r.states,
            "statuses": dict(r.statuses),
            "completion_rate": _num(r.completion_rate),
            "year": target_year,
            "targets_due": r.targets_due,
            "targets_met": r.targets_met,
            "achievement_rate": _num(r.achievement_rate),
            "planned": str(r.planned),
            "secured": str(r.secured),
            "executed": str(r.executed),
            "securing_rate": _num(r.securing_rate),
            "securing_rate_in_term": _num(r.securing_rate_in_term),
            "execution_rate": _num(r.execution_rate),
        }
        for r in rows
    ]
    if fmt == "json":
        print_json(data)
        return
    _table(app, snap.places, data, by_category, wide)


def _table(
    app: AppContext, places: dict[str, Place], data: list[dict[str, Any]], by_category: bool, wide: bool
) -> None:
    """The metrics for people: places by name (the category under it when narrow), the pledge count with a
    candidate's share, rates as percentages; the funding columns give way first on a narrow terminal."""
    from monitor.display import place_name  # here: the display layer imports the rules (and pydantic)

    lang = app.lang
    cols = [Col(t("col.jurisdiction", lang), whole=True)]
    cols += [Col(t("col.category", lang), keep=1, into=0)] if by_category else []
    cols += [Col(t("col.pledges", lang), whole=True), Col(t("col.completion", lang))]
    cols += [Col(t("col.achievement", lang)), Col(t("col.securing", lang), keep=3)]
    cols += [Col(t("col.execution", lang), keep=2)]
    rows = [
        [
            place_name(places, d["jurisdiction"], lang),
            *([d["category"]] if by_category else []),
            _pledges(d["pledges"], d["candidate_pledges"], lang),
            _pct(d["completion_rate"]),
            f"{d['targets_met']}/{d['targets_due']} {_pct(d['achievement_rate'])}",
            _pct(d["securing_rate"]),
            _pct(d["execution_rate"]),
        ]
        for d in data
    ]
    print_table(app.console, rows, cols, wide=wide)


def _pledges(count: int, candidates: int, lang: Lang) -> str:
    """ "37" / "37 (후보 37)": a candidate's pledges (before the election outcome) counted apart."""
    return t("metrics.candidate", lang, count=count, candidates=candidates) if candidates else str(count)


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _pct(value: str | None) -> str:
    return "—" if value is None else f"{Decimal(value) * 100:.1f}%"


def register(group: click.Group) -> None:
    group.add_command(metrics)
