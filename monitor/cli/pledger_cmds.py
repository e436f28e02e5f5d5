"""`monitor pledger`: whose promise the commitments are — list the pledgers, record an election outcome.

A candidate's pledges are the candidate's until an outcome is recorded: `elect` makes them the
officeholder's from the term start, `lose` stops every alert on them. The outcome holds from the start of
`--on` (so `check --as-of` an earlier day still sees a candidate's pledges).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import click

from monitor.cli.context import AppContext
from monitor.cli.output import Col, format_option, print_json, print_table
from monitor.i18n import t

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from monitor.db import models as m

pass_app = click.make_pass_decorator(AppContext)


@click.group(name="pledger")
def pledger_group() -> None:
    """Whose promise: candidates and officeholders, their terms and election outcomes (공약 주체)."""


@pledger_group.command(name="list")
@format_option("table", "json")
@pass_app
def list_command(app: AppContext, fmt: str) -> None:
    """Every pledger: role, office, term, election, outcome, how many commitments are theirs."""
    with app.require_schema()() as session:
        rows = [_row(p, n) for p, n in _pledgers(session)]
    if fmt == "json":
        print_json(rows)
        return
    from monitor.display import standing_role

    lang = app.lang
    columns = ("key", "pledger", "role", "office", "term", "election", "outcome", "count")
    table = [
        [
            *(r["key"], r["name"], t(f"pledger.role.{standing_role(r)}", lang), r["office"], r["term"]),
            r["election_on"] or "",
            t(f"pledger.outcome.{r['outcome']}", lang) + (f" {r['outcome_on']}" if r["outcome_on"] else ""),
            r["commitments"],
        ]
        for r in rows
    ]
    heads = [t(f"col.{c}", lang) for c in columns]
    # narrow: the term and the election day go under the outcome, the office under the name
    gives_way = {3: (3, 1), 4: (5, 6), 5: (4, 6), 7: (2, None)}
    cols = [Col(h, code=i == 0) if i not in gives_way else Col(h, *gives_way[i]) for i, h in enumerate(heads)]
    print_table(app.console, table, cols)


def _pledgers(session: Session) -> list[tuple[m.Pledger, int]]:
    from sqlalchemy import func, select

    from monitor.db import models as m

    counts = dict(
        session.execute(
            select(m.CommitmentPledger.pledger_id, func.count())
            .join(m.Commitment, m.Commitment.id == m.CommitmentPledger.commitment_id)
            .where(m.Commitment.retired_at.is_(None))
            .group_by(m.CommitmentPledger.pledger_id)
        ).all()
    )
    pledgers = session.scalars(select(m.Pledger).order_by(m.Pledger.id))
    return [(p, counts.get(p.id, 0)) for p in pledgers]


def _row(p: m.Pledger, count: int) -> dict[str, Any]:
    text = {name: getattr(p, name) for name in ("key", "name", "role", "office", "term", "outcome")}
    dates = {name: _day(getattr(p, name)) for name in ("term_start", "term_end", "election_on", "outcome_on")}
    where = f"{p.source.file}:{p.source_line}"
    return {**text, **dates, "jurisdiction": p.jurisdiction.slug, "commitments": count, "source": where}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


@pledger_group.command(name="elect")
@click.argument("key")
@click.option(
    "--on", "on", metavar="DATE", help="The day the outcome holds from (default: the election day)."
)
@pass_app
def elect_command(app: AppContext, key: str, on: str | None) -> None:
    """Record that candidate KEY was elected: their pledges become the officeholder's from the term start."""
    _record(app, key, "elected", on)


@pledger_group.command(name="lose")
@click.argument("key")
@click.option(
    "--on", "on", metavar="DATE", help="The day the outcome holds from (default: the election day)."
)
@pass_app
def lose_command(app: AppContext, key: str, on: str | None) -> None:
    """Record that candidate KEY lost: no alert on their pledges any more."""
    _record(app, key, "lost", on)


def _record(app: AppContext, key: str, outcome: str, on: str | None) -> None:
    from monitor.signals import Topic, touch
    from monitor.timeutil import start_of_day

    with app.require_schema().begin() as session:
        pledger, count = _candidate(app, session, key)
        tz, now = app.settings.tz, app.now()
        day = app.instant(on).astimezone(tz).date() if on else pledger.election_on or _today(now, app)
        pledger.outcome, pledger.outcome_on = outcome, day
        pledger.outcome_at, pledger.updated_at = start_of_day(day, tz), now
        touch(session, Topic.SEED, now)  # the daemon re-plans: the registry changed
        values = {"name": pledger.name, "office": pledger.office, "on": day, "count": count}
        message = t(f"pledger.{outcome}", app.lang, start=pledger.term_start, **values)
    app.console.print(message)


def _today(now: datetime, app: AppContext) -> date:
    return now.astimezone(app.settings.tz).date()


def _candidate(app: AppContext, session: Session, key: str) -> tuple[m.Pledger, int]:
    from monitor.errors import BadValueError

    found = {p.key: (p, n) for p, n in _pledgers(session)}
    if key not in found:
        known = ", ".join(found) or "—"
        ko, en = (t("pledger.unknown", lang, pledger=key, known=known) for lang in ("ko", "en"))
        raise BadValueError(en, ko=ko)
    pledger, count = found[key]
    if pledger.role != "candidate":
        ko, en = (t("pledger.not_candidate", lang, name=pledger.name) for lang in ("ko", "en"))
        raise BadValueError(en, ko=ko)
    return pledger, count


def register(group: click.Group) -> None:
    group.add_command(pledger_group)
