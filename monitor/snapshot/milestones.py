"""Milestone facts, report summaries and rule states of a scope in one SQL statement per part.

The statement joins each milestone with its effective reports (entered by the instant, corrections
excluded), aggregates them per milestone and classifies it with CASE expressions whose thresholds come
from `monitor.rules.timing`: achieved, overdue, due soon (with its lead stage), event reminder /
unconfirmed / cancelled, a budget tranche past its fiscal year plus grace, and the candidates for *at
risk* (with their trend sums). Two decisions are finished in Python with the rules' own exact
functions, on the rows SQL singles out: a budget tranche's executed amount against planned × threshold
(exact decimals; SQLite has none) and the trend projection (the same floating-point formula the rule
uses). Quantity targets are compared in SQL: exact on PostgreSQL, and on SQLite exact for figures of
up to 15 significant digits (the documented input range)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Float, and_, case, cast, literal, null, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from monitor.db import models as m
from monitor.evaluation.facts import milestone_columns
from monitor.evaluation.sql import effective_reports, in_or_all, is_sqlite
from monitor.evaluation.summaries import report_aggregates
from monitor.rules import timing
from monitor.rules.config import RuleConfig
from monitor.rules.outcome import State

BUDGET_DUE = "budget_due"  # past fiscal year + grace: Python decides achieved / unreported / underspent
BUDGET_SPENT = "budget_spent"  # before that, but enough may have been executed: Python decides achieved


def _exact(session: Session, column: Any) -> ColumnElement[Any]:
    return cast(column, Float) if is_sqlite(session) else column


def _lead_stage(anchor: Any, leads: tuple[Any, ...], now: datetime) -> ColumnElement[Any]:
    """Index (into `leads`) of the smallest lead already crossed before `anchor`, else NULL."""
    ordered = sorted(range(len(leads)), key=lambda i: leads[i])
    whens = [(anchor <= now + leads[i], literal(i)) for i in ordered]
    return case((anchor <= now, null()), *whens, else_=null()) if whens else null()


def latest_level(session: Session, now: datetime) -> ColumnElement[Any]:
    """A non-cumulative target (a level per period) counts its latest effective value report: a
    correlated subquery, evaluated only for such milestones (one index seek each), NULL otherwise."""
    ms = m.Milestone
    r, effective = effective_reports(session, now)
    latest = (
        select(r.value)
        .where(r.milestone_id == ms.id, effective, r.value.is_not(None))
        .order_by(r.as_of.desc(), r.id.desc())
        .limit(1)
        .correlate(ms)
        .scalar_subquery()
    )
    return case((ms.cumulative.is_(False), latest), else_=null())


@dataclass(frozen=True)
class Grouped:
    """Milestones joined with their effective reports (`r`, on `joined`), grouped per milestone: the
    summary's aggregates (`monitor.evaluation.summaries.report_aggregates`) and the latest level."""

    r: Any
    joined: ColumnElement[bool]
    a: dict[str, ColumnElement[Any]]
    level: ColumnElement[Any]
    trended: ColumnElement[bool]  # the milestone could be at risk: its trend sums are computed

    @property
    def summary(self) -> list[ColumnElement[Any]]:
        """The columns `summary_of` reads: mid (NULL without reports), the aggregates, the level."""
        mid = case((self.a["count"] > 0, m.Milestone.id), else_=null())
        return [mid, *self.a.values(), self.level]


def grouped(session: Session, config: RuleConfig, now: datetime, ids: Collection[int] | None) -> Grouped:
    """The reports are aggregated per milestone in the same statement that reads the milestone (a
    join grouped by commitment and milestone, which the commitment index delivers in order): no
    materialized subquery to index and probe, so a part costs what its rows cost. The trend sums are
    computed only for the milestones that can be at risk (day numbers are the expensive part)."""
    ms = m.Milestone
    r, effective = effective_reports(session, now)
    (grace,) = timing.OVERDUE.offsets(config)
    trended = and_(
        ms.kind == "quantity", ms.cumulative.is_(True), ms.target_value.is_not(None), ms.due_at > now - grace
    )
    a = report_aggregates(session, r, trended)
    # the scope's reports named by commitment too: PostgreSQL then reads them through that index
    # instead of hashing the whole table for each part
    joined = and_(r.milestone_id == ms.id, effective, in_or_all(r.commitment_id, ids))
    return Grouped(r, joined, a, latest_level(session, now), trended)


def classify(
    session: Session, config: RuleConfig, now: datetime, g: Grouped
) -> tuple[ColumnElement[Any], ColumnElement[Any], ColumnElement[Any]]:
    """(state, lead-stage index, at-risk candidate) for one milestone row."""
    ms, a = m.Milestone, g.a
    value = case((ms.cumulative.is_(False), _exact(session, g.level)), else_=a["top"])
    target = _exact(session, ms.target_value)
    met = case(
        (ms.kind == "completion", a["done"] == 1),
        (ms.kind == "payment", or_(a["done"] == 1, a["started"] == 1)),
        (ms.kind == "quantity", and_(target.is_not(None), value.is_not(None), value >= target)),
        else_=False,
    )
    (grace,) = timing.OVERDUE.offsets(config)
    (event_grace,) = timing.UNCONFIRMED.offsets(config)
    (budget_grace,) = timing.BUDGET_DUE.offsets(config)
    overdue = and_(ms.due_at <= now - grace, or_(ms.kind != "quantity", ms.target_value.is_not(None)))
    due_stage = _lead_stage(ms.due_at, config.lead_times, now)
    event_stage = _lead_stage(ms.starts_at, config.event_lead_times, now)
    planned = _exact(session, ms.planned_amount)
    state = case(
        (
            ms.kind == "event",
            case(
                (a["held"] == 1, literal(State.ACHIEVED.value)),
                (a["cancelled"] == 1, literal(State.CANCELLED.value)),
                (event_stage.is_not(None), literal(State.REMINDER.value)),
                (ms.ends_at <= now - event_grace, literal(State.UNCONFIRMED.value)),
                else_=null(),
            ),
        ),
        (
            ms.kind == "budget",
            case(
                (and_(planned > 0, ms.due_at <= now - budget_grace), literal(BUDGET_DUE)),
                (and_(planned > 0, a["executed"].is_not(None)), literal(BUDGET_SPENT)),
                else_=null(),
            ),
        ),
        (met, literal(State.ACHIEVED.value)),
        (overdue, literal(State.OVERDUE.value)),
        (due_stage.is_not(None), literal(State.DUE_SOON.value)),
        else_=null(),
    )
    stage = case((ms.kind == "event", event_stage), else_=due_stage)
    risk = and_(
        ms.kind == "quantity",
        ms.cumulative.is_(True),
        ms.target_value.is_not(None),
        a["n"] >= config.trend_min_reports,
        ms.due_at > now - grace,
        ~met,
    )
    return state, stage, case((risk, 1), else_=0)


def query(
    session: Session,
    config: RuleConfig,
    now: datetime,
    ids: Collection[int] | None,
    milestone_ids: Collection[int] | None = None,
) -> Any:
    """Every active milestone of the commitments `ids` (or all; or only `milestone_ids`) with its facts,
    summary (with the trend sums where the milestone could be at risk) and state."""
    g = grouped(session, config, now, ids)
    state, stage, risk = classify(session, config, now, g)
    return _scoped(select(*milestone_columns(), *g.summary, state, stage, risk), g, ids, milestone_ids)


def compact_query(session: Session, config: RuleConfig, now: datetime, ids: Collection[int] | None) -> Any:
    """The same classification with only what deciding the states needs (the detection pass): id, code,
    commitment id, state, stage, at-risk candidate, planned and executed amounts (budget tranches), and
    for the milestones that could be at risk the target, deadline and trend sums."""
    ms, g = m.Milestone, grouped(session, config, now, ids)
    state, stage, risk = classify(session, config, now, g)
    trend = (ms.target_value, ms.due_date, ms.due_at, g.a["n"], g.a["sx"], g.a["sy"], g.a["sxx"], g.a["sxy"])
    columns = (
        *(ms.id, ms.code, ms.commitment_id, state, stage, risk, ms.planned_amount, g.a["executed"]),
        *(case((g.trended, column), else_=null()) for column in trend),  # a cheap test, unlike `risk`
    )
    return _scoped(select(*columns), g, ids, None)


def _scoped(
    selected: Any, g: Grouped, ids: Collection[int] | None, milestone_ids: Collection[int] | None
) -> Any:
    ms, c, j = m.Milestone, m.Commitment, m.Jurisdiction
    return (
        selected.select_from(ms)
        .join(c, c.id == ms.commitment_id)
        .join(j, j.id == c.jurisdiction_id)
        .outerjoin(g.r, g.joined)
        .where(ms.retired_at.is_(None), c.retired_at.is_(None), in_or_all(c.id, ids))
        .where(in_or_all(ms.id, milestone_ids))
        .group_by(ms.commitment_id, ms.id, c.id, j.id)  # every selected column depends on these keys
    )
