"""Build rule facts from the database, as of an instant, with a few set-based queries.

Reports are summarised in SQL (counts, maxima, status flags, least-squares sums) so a national-scale
pass never moves millions of report rows into Python. Only reports entered up to `now` count, and a
report that a later report corrects is left out: that is what makes `check --as-of` time travel exact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session, aliased

from monitor.db import models as m
from monitor.db.types import UTCDateTime
from monitor.evaluation.sql import in_or_all, usually_true
from monitor.rules.facts import (
    CommitmentFacts,
    MilestoneFacts,
    Outcome,
    PledgerRecord,
    PledgerRole,
    pledge_at,
    term_floor,
)
from monitor.timeutil import due_instant, start_of_day


def load_parties(session: Session, commitment_ids: Collection[int] | None) -> dict[int, tuple[str, ...]]:
    query = (
        select(m.CommitmentParty.commitment_id, m.Jurisdiction.slug)
        .join(m.Jurisdiction, m.Jurisdiction.id == m.CommitmentParty.jurisdiction_id)
        .where(in_or_all(m.CommitmentParty.commitment_id, commitment_ids))
        .order_by(m.CommitmentParty.commitment_id, m.Jurisdiction.id)
    )
    parties: dict[int, list[str]] = defaultdict(list)
    for cid, slug in session.execute(query):
        parties[cid].append(slug)
    return {cid: tuple(slugs) for cid, slugs in parties.items()}


def load_pledgers(
    session: Session, commitment_ids: Collection[int] | None, tz: ZoneInfo | None = None
) -> dict[int, tuple[PledgerRecord, ...]]:
    """Who made each commitment (those with a pledger only): role, outcome and the instant it holds from;
    the term start given the configured zone (only a commitment's period reads it)."""
    p, link = m.Pledger, m.CommitmentPledger
    query = (
        select(link.commitment_id, p.name, p.role, p.outcome, p.outcome_at, p.term_start)
        .join(p, p.id == link.pledger_id)
        .where(in_or_all(link.commitment_id, commitment_ids))
        .order_by(link.commitment_id, p.id)
    )
    found: dict[int, list[PledgerRecord]] = defaultdict(list)
    for cid, name, role, outcome, decided_at, term_start in session.execute(query):
        term_start_at = start_of_day(term_start, tz) if tz else None
        found[cid].append(PledgerRecord(name, PledgerRole(role), Outcome(outcome), decided_at, term_start_at))
    return {cid: tuple(records) for cid, records in found.items()}


def milestone_columns() -> tuple[Any, ...]:
    """The 20 columns a milestone's facts are read from (joined with its commitment and jurisdiction)."""
    ms, c = m.Milestone, m.Commitment
    return (
        ms.id, ms.code, c.code, ms.title, c.title, ms.kind, ms.due_at, ms.due_date, ms.target_value,
        ms.target_max, ms.unit, ms.cumulative, ms.planned_amount, ms.fiscal_year_start, ms.fiscal_year_end,
        ms.starts_at, ms.ends_at, m.Jurisdiction.slug, c.id, c.category,
    )  # fmt: skip


def milestone_facts(
    row: Sequence[Any],
    parties: dict[int, tuple[str, ...]],
    pledgers: Mapping[int, tuple[PledgerRecord, ...]] | None = None,
    now: datetime | None = None,
) -> MilestoneFacts:
    """`MilestoneFacts` from a row starting with `milestone_columns()`; given `now`, whose promise it is
    then (else the rules resolve it: `evaluate_milestone`)."""
    first_year = row[13]
    records = pledgers.get(row[18], ()) if pledgers else ()
    return MilestoneFacts(
        id=row[0],
        code=row[1],
        commitment_code=row[2],
        title=row[3],
        commitment_title=row[4],
        kind=row[5],
        due_at=row[6],
        due_date=row[7],
        target=row[8],
        target_max=row[9],
        unit=row[10],
        cumulative=row[11],
        planned_amount=row[12],
        fiscal_years=(first_year, row[14]) if first_year is not None else None,
        starts_at=row[15],
        ends_at=row[16],
        jurisdiction=row[17],
        parties=parties.get(row[18], (row[17],)),
        category=row[19],
        pledgers=records,
        pledge=pledge_at(records, now) if now is not None else None,
    )


def load_milestone_facts(
    session: Session, commitment_ids: Collection[int] | None, parties: dict[int, tuple[str, ...]]
) -> list[MilestoneFacts]:
    """Active milestones (not retired, commitment not retired) of the given commitments (or all), with
    who made their commitments (resolved as of an instant by the rules)."""
    ms, c = m.Milestone, m.Commitment
    pledgers = load_pledgers(session, commitment_ids)
    query = (
        select(*milestone_columns())
        .join(c, c.id == ms.commitment_id)
        .join(m.Jurisdiction, m.Jurisdiction.id == c.jurisdiction_id)
        .where(ms.retired_at.is_(None), c.retired_at.is_(None), in_or_all(c.id, commitment_ids))
    )
    return [milestone_facts(row, parties, pledgers) for row in session.execute(query)]


def _last_reports(session: Session, now: datetime, ids: Collection[int] | None = None) -> dict[int, datetime]:
    """Latest report (progress or official status) entered by `now`, per commitment."""
    latest: dict[int, datetime] = {}
    for model in (m.ProgressReport, m.StatusChange):
        query = (
            select(model.commitment_id, type_coerce(func.max(model.entered_at), UTCDateTime()))
            .where(usually_true(session, model.entered_at <= now), in_or_all(model.commitment_id, ids))
            .group_by(model.commitment_id)
        )
        for cid, entered in session.execute(query):
            latest[cid] = max(entered, latest.get(cid, entered))
    return latest


def rolled_up_last_reports(
    session: Session, now: datetime, parent_of: dict[int, int | None], ids: Collection[int] | None = None
) -> dict[int, datetime]:
    """Latest report entered by `now` on each commitment or anything below it (among `ids`, if given)."""
    rolled: dict[int, datetime] = {}
    for cid, entered in _last_reports(session, now, ids).items():
        node: int | None = cid
        while node is not None and node in parent_of:
            if node not in rolled or rolled[node] < entered:
                rolled[node] = entered
            node = parent_of[node]
    return rolled


def _official_statuses(
    session: Session, now: datetime, ids: Collection[int] | None
) -> dict[int, m.StatusChange]:
    """The official status as known at `now`: the latest uncorrected change entered by then."""
    query = select(m.StatusChange).where(
        m.StatusChange.entered_at <= now, in_or_all(m.StatusChange.commitment_id, ids)
    )
    changes = list(session.scalars(query))
    corrected = {c.corrects_id for c in changes if c.corrects_id is not None}
    current: dict[int, m.StatusChange] = {}
    for change in sorted(changes, key=lambda c: (c.as_of, c.id)):
        if change.id not in corrected:
            current[change.commitment_id] = change
    return current


def commitment_query(ids: Collection[int] | None) -> Any:
    """Active commitments (all, or `ids`) with their parent's code and jurisdiction: the row
    `commitment_facts` reads."""
    c, parent = m.Commitment, aliased(m.Commitment)
    return (
        select(
            c.id,
            c.code,
            parent.code,
            c.parent_id,
            c.kind,
            c.title,
            m.Jurisdiction.slug,
            c.period_start,
            c.period_end,
            c.category,
        )
        .join(m.Jurisdiction, m.Jurisdiction.id == c.jurisdiction_id)
        .outerjoin(parent, parent.id == c.parent_id)
        .where(c.retired_at.is_(None), in_or_all(c.id, ids))
    )


def commitment_facts(
    row: Sequence[Any],
    parties: dict[int, tuple[str, ...]],
    status: tuple[str, date] | None,
    last_report_at: datetime | None,
    tz: ZoneInfo,
    pledgers: tuple[PledgerRecord, ...] = (),
    now: datetime | None = None,
) -> CommitmentFacts:
    """`CommitmentFacts` from a `commitment_query` row, its official status and its latest report; given
    `now`, whose promise it is then (an elected candidate's period starts no earlier than the term)."""
    cid, code, parent_code, _pid, kind, title, slug, start, end, category = row
    pledge = pledge_at(pledgers, now) if now is not None else None
    start_at = term_floor(start_of_day(start, tz) if start else None, pledgers, pledge)
    return CommitmentFacts(
        id=cid,
        code=code,
        parent_code=parent_code,
        kind=kind,
        title=title,
        jurisdiction=slug,
        parties=parties.get(cid, (slug,)),
        period_start_at=start_at,
        period_end_at=due_instant(end, tz) if end else None,
        official_status=status[0] if status else None,
        status_as_of=status[1] if status else None,
        last_report_at=last_report_at,
        category=category,
        pledgers=pledgers,
        pledge=pledge,
    )


def load_commitment_facts(
    session: Session,
    now: datetime,
    tz: ZoneInfo,
    parties: dict[int, tuple[str, ...]],
    ids: Collection[int] | None = None,
) -> dict[int, CommitmentFacts]:
    """Active commitments (all, or `ids`); `last_report_at` rolls reports up from descendants."""
    rows = list(session.execute(commitment_query(ids)))
    rolled = rolled_up_last_reports(session, now, {row[0]: row[3] for row in rows}, ids)
    statuses = _official_statuses(session, now, ids)
    pledgers = load_pledgers(session, ids, tz)
    facts = {}
    for row in rows:
        change = statuses.get(row[0])
        status = (change.status, change.as_of) if change else None
        records = pledgers.get(row[0], ())
        facts[row[0]] = commitment_facts(row, parties, status, rolled.get(row[0]), tz, records, now)
    return facts


def related_ids(session: Session, scope: Collection[int]) -> tuple[set[int], set[int]]:
    """(the scope with every descendant, every ancestor of the scope) — a few indexed queries."""
    c = m.Commitment
    below, frontier = set(scope), set(scope)
    while frontier:
        children = set(session.scalars(select(c.id).where(c.parent_id.in_(list(frontier)))))
        frontier = children - below
        below |= frontier
    above: set[int] = set()
    frontier = set(scope)
    while frontier:
        parents = set(
            session.scalars(select(c.parent_id).where(c.id.in_(list(frontier)), c.parent_id.is_not(None)))
        )
        frontier = {p for p in parents if p is not None} - above - below
        above |= frontier
    return below, above
