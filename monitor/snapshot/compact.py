"""The detection pass, column-wise: every milestone's state decided from a narrow row, nothing built
that nobody reads.

A national pass finds a state for almost every one of half a million milestones, but the daemon only
needs, per alert key, the condition and stage to compare with what it last announced; the title, the
reason and the figures matter only for the few keys whose alert changes. So the pass reads a narrow row
per milestone (the same SQL classification as the full snapshot), finishes the two decisions SQL cannot
make exactly (a budget tranche's amounts, in decimals; the trend, on the candidates only), and keeps a
`Found` per state. `Found.key`, `.condition` and `.stage` are the full evaluation's; the evaluation itself
is built on demand with the rules' own builders (`monitor.snapshot.assemble.materialize`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from monitor.evaluation.sql import to_decimal
from monitor.evaluation.summaries import trend_of
from monitor.rules.budget import spent
from monitor.rules.config import RuleConfig
from monitor.rules.facts import CommitmentFacts, Trend
from monitor.rules.milestone import deadline_day, shortfall
from monitor.rules.outcome import BEHAVIOUR, Behaviour, Rule, State, alert_key, heard
from monitor.rules.text import lead_label
from monitor.snapshot.milestones import BUDGET_DUE, BUDGET_SPENT, compact_query


class Found(NamedTuple):
    """A milestone's state without its texts: what the alert lifecycle compares (see module doc)."""

    subject: str
    commitment_code: str
    rule: Rule
    condition: State
    stage: str | None
    jurisdiction: str
    parties: tuple[str, ...]
    milestone_id: int

    @property
    def subject_type(self) -> str:
        return "milestone"

    @property
    def key(self) -> str:
        return alert_key(self.subject, self.rule)

    @property
    def behaviour(self) -> Behaviour:
        return BEHAVIOUR[(self.rule, self.condition)]


# SQL's state → (rule, state) of the evaluation its builder makes (budget and lead stages aside)
PLAIN: dict[str, tuple[Rule, State]] = {
    State.ACHIEVED.value: (Rule.ACHIEVED, State.ACHIEVED),
    State.OVERDUE.value: (Rule.OVERDUE, State.OVERDUE),
    State.CANCELLED.value: (Rule.EVENT, State.CANCELLED),
    State.UNCONFIRMED.value: (Rule.EVENT, State.UNCONFIRMED),
}


class Row(NamedTuple):
    """One narrow row of `compact_query`."""

    id: int
    code: str
    commitment_id: int
    state: str | None
    stage: int | None
    risk: int
    planned: Any
    executed: Any
    target: Decimal | None  # at-risk candidates only: the target, deadline and trend sums
    due_date: date | None
    due_at: datetime | None
    n: int | None
    sx: float | None
    sy: float | None
    sxx: float | None
    sxy: float | None

    @property
    def trend(self) -> Trend | None:
        return trend_of(self.n, self.sx, self.sy, self.sxx, self.sxy)


def rows(session: Session, config: RuleConfig, now: datetime, ids: Collection[int] | None) -> Iterator[Row]:
    for values in session.connection().execute(compact_query(session, config, now, ids)):
        yield Row(*values)


def at_risk(config: RuleConfig, candidates: list[tuple[Row, CommitmentFacts]]) -> Iterator[Found]:
    """The candidates whose trend falls short of the target by the deadline (the rule's own formula)."""
    for row, commitment in candidates:
        trend = row.trend
        if trend is None or row.due_at is None:
            continue
        if not heard(commitment.pledge, Rule.AT_RISK, config):
            continue
        if shortfall(trend, deadline_day(row.due_date, row.due_at, config), row.target) is not None:
            yield _found(row, commitment, Rule.AT_RISK, State.AT_RISK, None)


def decide(row: Row, commitment: CommitmentFacts, config: RuleConfig) -> Found | None:
    """The state the rules' builders would give this milestone (at risk is decided on candidates)."""
    state = row.state
    if state is None:
        return None
    stage: str | None = None
    if state in PLAIN:
        rule, condition = PLAIN[state]
    elif state == State.DUE_SOON.value:
        rule, condition, stage = Rule.DUE_SOON, State.DUE_SOON, lead_label(config.lead_times[row.stage or 0])
    elif state == State.REMINDER.value:
        lead = config.event_lead_times[row.stage or 0]
        rule, condition, stage = Rule.EVENT, State.REMINDER, lead_label(lead)
    elif spent(row.planned, to_decimal(row.executed), config):
        rule, condition = Rule.ACHIEVED, State.ACHIEVED
    elif state == BUDGET_DUE:
        missing = row.executed is None
        rule, condition = Rule.BUDGET, State.UNREPORTED if missing else State.UNDERSPENT
    else:
        assert state == BUDGET_SPENT, state
        return None
    return _found(row, commitment, rule, condition, stage) if heard(commitment.pledge, rule, config) else None


def _found(row: Row, commitment: CommitmentFacts, rule: Rule, condition: State, stage: str | None) -> Found:
    return Found(
        row.code, commitment.code, rule, condition, stage, commitment.jurisdiction, commitment.parties, row.id
    )
