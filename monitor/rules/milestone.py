"""Milestone rules: overdue, due soon, at risk, budget tranche, event, achieved.

Each rule is a pure function of (milestone facts, report summary, rule config, now).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from monitor.rules import timing
from monitor.rules.config import RuleConfig
from monitor.rules.details import AchievedDetails, AtRiskDetails, LeadDetails, OverdueDetails
from monitor.rules.facts import MilestoneFacts, ReportSummary, Trend
from monitor.rules.outcome import Evaluation, Reason, Rule, State, found
from monitor.rules.text import days, figure, figure_en, lead_label, local_day, local_minute, percent
from monitor.rules.timing import starts

EPOCH = date(2000, 1, 1)
DONE, HELD, CANCELLED, STARTED = "done", "held", "cancelled", "started"


def day_number(day: date) -> int:
    """x of the trend: days since 2000-01-01 (the same scale the report query uses)."""
    return (day - EPOCH).days


def current_value(facts: MilestoneFacts, summary: ReportSummary) -> Decimal | None:
    """The reported quantity: the running total for cumulative targets, else the latest level."""
    return summary.max_value if facts.cumulative else summary.latest_value


def is_met(facts: MilestoneFacts, summary: ReportSummary) -> bool:
    if facts.kind == "completion":
        return DONE in summary.statuses
    if facts.kind == "payment":
        return bool(summary.statuses & {DONE, STARTED})
    if facts.kind == "quantity":
        value = current_value(facts, summary)
        return facts.target is not None and value is not None and value >= facts.target
    return False


def _due_day(facts: MilestoneFacts, config: RuleConfig) -> date:
    return deadline_day(facts.due_date, facts.due_at, config)


def deadline_day(due_date: date | None, due_at: datetime, config: RuleConfig) -> date:
    """The deadline as published (its calendar day), never the internal instant's UTC date."""
    return due_date or local_day(due_at, config.tz)


def _progress_text(facts: MilestoneFacts, summary: ReportSummary) -> Reason:
    value = current_value(facts, summary)
    if facts.kind == "completion":
        return Reason("완료 보고 없음", "completion not reported")
    if facts.kind == "payment":
        return Reason("지급 시행 보고 없음", "payment not reported as started")
    if facts.target is None:
        return Reason("목표 없음", "no target")
    if value is None:
        return Reason(
            f"목표 {figure(facts.target, facts.unit)}, 보고 없음",
            f"target {figure_en(facts.target, facts.unit)}, nothing reported",
        )
    share = percent(value, facts.target)
    return Reason(
        f"목표 {figure(facts.target, facts.unit)} 중 {figure(value, facts.unit)} 보고 ({share})",
        f"{figure_en(value, facts.unit)} of {figure_en(facts.target, facts.unit)} reported ({share})",
    )


def overdue(
    facts: MilestoneFacts, summary: ReportSummary, config: RuleConfig, now: datetime
) -> Evaluation | None:
    if facts.kind == "quantity" and facts.target is None:
        return None  # a tracked figure without a target cannot be missed
    if now < starts(timing.OVERDUE, facts.due_at, config):
        return None
    return overdue_state(facts, summary, config, now)


def overdue_state(
    facts: MilestoneFacts, summary: ReportSummary, config: RuleConfig, now: datetime
) -> Evaluation:
    """The overdue evaluation of a milestone known to be overdue at `now`."""
    late = days(now - facts.due_at)
    due = _due_day(facts, config)

    def text() -> tuple[str, str]:
        progress = _progress_text(facts, summary)
        return (
            f"기한 {due}을(를) {late}일 넘김 — {progress.ko}",
            f"{late} days past the {due} deadline — {progress.en}",
        )

    value = current_value(facts, summary)
    return found(
        facts,
        Rule.OVERDUE,
        State.OVERDUE,
        starts(timing.OVERDUE, facts.due_at, config),
        Reason.lazy(text),
        OverdueDetails(late, due, facts.target, value),
    )


def due_soon(
    facts: MilestoneFacts, summary: ReportSummary, config: RuleConfig, now: datetime
) -> Evaluation | None:
    lead = crossed_lead(facts.due_at, config.lead_times, now)
    return None if lead is None else lead_state(facts, summary, config, now, lead)


def crossed_lead(instant: datetime, leads: tuple[timedelta, ...], now: datetime) -> timedelta | None:
    """The smallest lead time already crossed before `instant` (90d, then 30d, …), if any."""
    remaining = instant - now
    if remaining <= timedelta(0):
        return None
    crossed = [lead for lead in leads if remaining <= lead]
    return min(crossed) if crossed else None


def lead_state(
    facts: MilestoneFacts, summary: ReportSummary, config: RuleConfig, now: datetime, lead: timedelta
) -> Evaluation:
    """A due-soon notice (or an event reminder) at the stage `lead` before the deadline (or start)."""
    event = facts.kind == "event"
    instant = facts.starts_at if event and facts.starts_at is not None else facts.due_at
    remaining = instant - now

    def text() -> tuple[str, str]:
        left = _left(remaining)
        if event:
            start = local_minute(instant, config.tz)
            return f"{start} 시작까지 {left.ko} 남음", f"starts {start}, in {left.en}"
        due, progress = _due_day(facts, config), _progress_text(facts, summary)
        return f"기한 {due}까지 {left.ko} 남음 — {progress.ko}", f"due {due}, {left.en} left — {progress.en}"

    rule, state = (Rule.EVENT, State.REMINDER) if event else (Rule.DUE_SOON, State.DUE_SOON)
    return found(
        facts,
        rule,
        state,
        instant - lead,
        Reason.lazy(text),
        LeadDetails(lead_label(lead)),
        stage=lead_label(lead),
        due=instant,
    )


def _left(remaining: timedelta) -> Reason:
    if remaining >= timedelta(days=1):
        return Reason(f"{remaining.days}일", f"{remaining.days} days")
    hours = max(1, round(remaining.total_seconds() / 3600))
    return Reason(f"{hours}시간", f"{hours} hours")


def at_risk(
    facts: MilestoneFacts, summary: ReportSummary, config: RuleConfig, now: datetime
) -> Evaluation | None:
    """A straight line through the reported totals misses the target at the deadline."""
    trend = summary.trend
    if facts.kind != "quantity" or not facts.cumulative or facts.target is None or trend is None:
        return None
    if trend.n < config.trend_min_reports or now >= starts(timing.OVERDUE, facts.due_at, config):
        return None
    projected = shortfall_projection(facts, trend, config)
    return None if projected is None else at_risk_state(facts, summary, config, now, projected)


def shortfall_projection(facts: MilestoneFacts, trend: Trend, config: RuleConfig) -> float | None:
    """The trend's value on the deadline's day when it falls short of the target, else None."""
    return shortfall(trend, _due_day(facts, config), facts.target)


def shortfall(trend: Trend, due: date, target: Decimal | None) -> float | None:
    """`shortfall_projection` on the figures alone (what the column-wise detection pass reads)."""
    projected = trend.project(day_number(due))
    if projected is None or target is None or Decimal(str(projected)) >= target:
        return None
    return projected


def at_risk_state(
    facts: MilestoneFacts, summary: ReportSummary, config: RuleConfig, now: datetime, projected: float
) -> Evaluation:
    assert facts.target is not None and summary.trend is not None
    due, target, n = _due_day(facts, config), facts.target, summary.trend.n
    shortfall = target - Decimal(str(projected))

    def text() -> tuple[str, str]:
        return (
            f"추세상 기한 {due}에 {figure(projected, facts.unit)} 예상 — "
            f"목표 {figure(target, facts.unit)}에 "
            f"{figure(shortfall, facts.unit)} 부족 (보고 {n}건 기준)",
            f"the trend of {n} reports projects {figure_en(projected, facts.unit)} by {due}, "
            f"{figure_en(shortfall, facts.unit)} short of {figure_en(target, facts.unit)}",
        )

    return found(
        facts,
        Rule.AT_RISK,
        State.AT_RISK,
        summary.last_entered_at or now,
        Reason.lazy(text),
        AtRiskDetails(Decimal(f"{projected:.1f}"), Decimal(f"{shortfall:.1f}"), target, n),
    )


def achieved(facts: MilestoneFacts, summary: ReportSummary, config: RuleConfig, now: datetime) -> Evaluation:
    progress = current_value(facts, summary)

    def text() -> tuple[str, str]:
        if facts.kind == "quantity":
            return (
                f"목표 달성: {figure(facts.target, facts.unit)} 중 {figure(progress, facts.unit)} 보고",
                f"target met: {figure_en(progress, facts.unit)} of {figure_en(facts.target, facts.unit)}",
            )
        if facts.kind == "event":
            return "개최 확인됨", "confirmed as held"
        if facts.kind == "budget":
            executed, planned = summary.max_executed, facts.planned_amount
            return (
                f"집행 {figure(executed, '백만원')} / 계획 {figure(planned, '백만원')}",
                f"executed {figure_en(executed, '백만원')} of {figure_en(planned, '백만원')} planned",
            )
        return "완료 보고됨", "reported as done"

    reason = Reason.lazy(text)
    return found(
        facts,
        Rule.ACHIEVED,
        State.ACHIEVED,
        summary.last_entered_at or now,
        reason,
        AchievedDetails(progress),
    )
