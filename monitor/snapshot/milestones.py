"""Milestone facts, report summaries and rule states of a scope in one SQL statement per chunk.

The database aggregates the effective reports (entered by the instant, corrections excluded) and
classifies every milestone with CASE expressions whose thresholds come from `monitor.rules.timing`:
achieved, overdue, due soon (with its lead stage), event reminder / unconfirmed / cancelled, a budget
tranche past its fiscal year plus grace, and the candidates for *at risk*. Two decisions are finished in
Python with the rules' own exact functions, on the rows SQL singles out: a budget tranche's executed
amount against planned × threshold (exact decimals; SQLite has none) and the trend projection (the same
floating-point formula the rule uses). Quantity targets are compared in SQL: exact on PostgreSQL, and
on SQLite exact for figures of up to 15 significant digits (the documented input range).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Float, and_, case, cast, literal, null, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Subquery

from monitor.db import models as m
from monitor.evaluation.facts import milestone_columns
from monitor.evaluation.sql import effective_reports, in_or_all, is_sqlite
from monitor.evaluation.summaries import summary_of, summary_query
from monitor.rules import timing
from monitor.rules.config import RuleConfig
from monitor.rules.facts import Trend
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


def classify(
    session: Session, config: RuleConfig, now: datetime, s: Subquery, level: ColumnElement[Any]
) -> tuple[ColumnElement[Any], ColumnElement[Any], ColumnElement[Any]]:
    """(state, lead-stage index, at-risk candidate) for one milestone row."""
    ms = m.Milestone
    value = case((ms.cumulative.is_(False), _exact(session, level)), else_=s.c.top)
    target = _exact(session, ms.target_value)
    met = case(
        (ms.kind == "completion", s.c.done == 1),
        (ms.kind == "payment", or_(s.c.done == 1, s.c.started == 1)),
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
                (s.c.held == 1, literal(State.ACHIEVED.value)),
                (s.c.cancelled == 1, literal(State.CANCELLED.value)),
                (event_stage.is_not(None), literal(State.REMINDER.value)),
                (ms.ends_at <= now - event_grace, literal(State.UNCONFIRMED.value)),
                else_=null(),
            ),
        ),
        (
            ms.kind == "budget",
            case(
                (and_(planned > 0, ms.due_at <= now - budget_grace), literal(BUDGET_DUE)),
                (and_(planned > 0, s.c.executed.is_not(None)), literal(BUDGET_SPENT)),
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
        s.c.n >= config.trend_min_reports,
        ms.due_at > now - grace,
        ~met,
    )
    return state, stage, case((risk, 1), else_=0)


def trends(session: Session, now: datetime, milestone_ids: list[int]) -> dict[int, Trend]:
    """The trend sums of the at-risk candidates only (day numbers are the expensive part)."""
    found: dict[int, Trend] = {}
    if milestone_ids:
        for row in session.connection().execute(summary_query(session, now, None, True, milestone_ids)):
            if (summary := summary_of(row)).trend is not None:
                found[row[0]] = summary.trend
    return found


def query(
    session: Session,
    config: RuleConfig,
    now: datetime,
    ids: Collection[int] | None,
    milestone_ids: Collection[int] | None = None,
) -> Any:
    """Every active milestone of the commitments `ids` (or all; or only `milestone_ids`) with its facts,
    summary and state."""
    s = summary_query(session, now, ids, trend=False, milestone_ids=milestone_ids).subquery("s")
    level = latest_level(session, now)
    state, stage, risk = classify(session, config, now, s, level)
    return _scoped(select(*milestone_columns(), *s.c, level, state, stage, risk), s, ids, milestone_ids)


def compact_query(session: Session, config: RuleConfig, now: datetime, ids: Collection[int] | None) -> Any:
    """The same classification with only what deciding the states needs (the detection pass): id, code,
    commitment id, state, stage, at-risk candidate, planned and executed amounts (budget tranches), and
    for at-risk candidates alone the target and deadline."""
    ms = m.Milestone
    s = summary_query(session, now, ids, trend=False, slim=True).subquery("s")
    state, stage, risk = classify(session, config, now, s, latest_level(session, now))
    candidate = risk == 1
    columns = (
        *(ms.id, ms.code, ms.commitment_id, state, stage, risk, ms.planned_amount, s.c.executed),
        *(case((candidate, column), else_=null()) for column in (ms.target_value, ms.due_date, ms.due_at)),
    )
    return _scoped(select(*columns), s, ids, None)


def _scoped(
    selected: Any, s: Subquery, ids: Collection[int] | None, milestone_ids: Collection[int] | None
) -> Any:
    ms, c = m.Milestone, m.Commitment
    return (
        selected.select_from(ms)
        .join(c, c.id == ms.commitment_id)
        .join(m.Jurisdiction, m.Jurisdiction.id == c.jurisdiction_id)
        .outerjoin(s, s.c.mid == ms.id)
        .where(ms.retired_at.is_(None), c.retired_at.is_(None), in_or_all(c.id, ids))
        .where(in_or_all(ms.id, milestone_ids))
    )
