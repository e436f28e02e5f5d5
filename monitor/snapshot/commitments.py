"""Commitment facts of a scope as of an instant, set-wise: one query for the rows, one window query for
the official statuses, one aggregate per report table for the latest report; the roll-up to ancestors walks
the (shallow) commitment tree once in memory.

Ancestors of the scope are loaded too (inhibition and the 공약관리카드 roll-up look up the chain); they
are marked so that no rule is evaluated on them.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session, aliased

from monitor.db import models as m
from monitor.db.types import UTCDateTime
from monitor.evaluation.facts import commitment_facts, commitment_query, load_pledgers
from monitor.evaluation.sql import in_or_all
from monitor.rules.facts import CommitmentFacts


def ancestors(session: Session, ids: Collection[int]) -> set[int]:
    """Every ancestor of the given commitments that is not one of them."""
    c = m.Commitment
    above: set[int] = set()
    frontier = set(ids)
    while frontier:
        parents = {p for p in session.scalars(select(c.parent_id).where(in_or_all(c.id, frontier))) if p}
        frontier = parents - above - set(ids)
        above |= frontier
    return above


def parties(session: Session, ids: Collection[int] | None) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    query = (
        select(m.CommitmentParty.commitment_id, m.Jurisdiction.slug)
        .join(m.Jurisdiction, m.Jurisdiction.id == m.CommitmentParty.jurisdiction_id)
        .where(in_or_all(m.CommitmentParty.commitment_id, ids))
        .order_by(m.CommitmentParty.commitment_id, m.Jurisdiction.id)
    )
    for cid, slug in session.execute(query):
        found.setdefault(cid, []).append(slug)
    return {cid: tuple(slugs) for cid, slugs in found.items()}


def official_statuses(
    session: Session, now: datetime, ids: Collection[int] | None
) -> dict[int, tuple[str, date]]:
    """The official status known at `now`: the latest (as-of, id) change entered by then that no change
    entered by then corrects."""
    s, fix = m.StatusChange, aliased(m.StatusChange)
    corrected = select(fix.corrects_id).where(fix.corrects_id.is_not(None), fix.entered_at <= now)
    ranked = (
        select(
            s.commitment_id.label("cid"),
            s.status.label("status"),
            s.as_of.label("as_of"),
            func.row_number()
            .over(partition_by=s.commitment_id, order_by=(s.as_of.desc(), s.id.desc()))
            .label("n"),
        )
        .where(s.entered_at <= now, s.id.not_in(corrected), in_or_all(s.commitment_id, ids))
        .subquery()
    )
    rows = session.execute(select(ranked.c.cid, ranked.c.status, ranked.c.as_of).where(ranked.c.n == 1))
    return {cid: (status, as_of) for cid, status, as_of in rows}


def last_reports(session: Session, now: datetime, ids: Collection[int] | None) -> dict[int, datetime]:
    """Latest report (progress or official status, corrections included) entered by `now`, per commitment."""
    latest: dict[int, datetime] = {}
    for model in (m.ProgressReport, m.StatusChange):
        query = (
            select(model.commitment_id, type_coerce(func.max(model.entered_at), UTCDateTime()))
            .where(model.entered_at <= now, in_or_all(model.commitment_id, ids))
            .group_by(model.commitment_id)
        )
        for cid, entered in session.execute(query):
            latest[cid] = max(entered, latest.get(cid, entered))
    return latest


def load(
    session: Session, now: datetime, tz: ZoneInfo, ids: Collection[int] | None
) -> dict[int, CommitmentFacts]:
    """Active commitments (all, or `ids`) as of `now`; `last_report_at` rolls up from descendants."""
    rows: list[Any] = list(session.execute(commitment_query(ids)))
    statuses = official_statuses(session, now, ids)
    reported = last_reports(session, now, ids)
    parent_of = {row[0]: row[3] for row in rows}
    rolled: dict[int, datetime] = {}
    for cid, entered in reported.items():
        node: int | None = cid
        while node is not None and node in parent_of:
            if node not in rolled or rolled[node] < entered:
                rolled[node] = entered
            node = parent_of[node]
    party_map = parties(session, ids)
    pledgers = load_pledgers(session, ids, tz)
    return {
        row[0]: commitment_facts(
            row, party_map, statuses.get(row[0]), rolled.get(row[0]), tz, pledgers.get(row[0], ()), now
        )
        for row in rows
    }
