"""`monitor metrics`: the Korean evaluation metrics per jurisdiction (and category)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import click

from monitor.cli.context import AppContext
from monitor.cli.output import format_option, print_json, print_table
from monitor.i18n import t

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
@pass_app
def metrics(
    app: AppContext,
    as_of: str | None,
    year: int | None,
    jurisdiction: str | None,
    by_category: bool,
    fmt: str,
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
    headers = [
        t(k, app.lang)
        for k in (
            "col.jurisdiction",
            "col.category",
            "col.pledges",
            "col.completion",
            "col.achievement",
            "col.securing",
            "col.execution",
        )
    ]
    from monitor.display import place_name

    print_table(
        app.console,
        [
            (
                place_name(snap.places, d["jurisdiction"], app.lang),
                d["category"],
                str(d["pledges"])
                + (
                    f" ({t('report.candidate_pledges', app.lang, count=n)})"
                    if (n := d["candidate_pledges"])
                    else ""
                ),
                _pct(d["completion_rate"]),
                f"{d['targets_met']}/{d['targets_due']} {_pct(d['achievement_rate'])}",
                _pct(d["securing_rate"]),
                _pct(d["execution_rate"]),
            )
            for d in data
        ],
        headers,
    )


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _pct(value: str | None) -> str:
    return "—" if value is None else f"{Decimal(value) * 100:.1f}%"


def register(group: click.Group) -> None:
    group.add_command(metrics)
