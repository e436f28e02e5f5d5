"""Commitment rules: stale (no 공약관리카드 update for too long) and contradiction (official status vs
milestones), plus the roll-up of a commitment's worst state. Pure functions of facts and `now`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from monitor.rules import timing
from monitor.rules.config import RuleConfig
from monitor.rules.details import DoneBelowTargetDetails, OverdueOnTrackDetails, StaleDetails
from monitor.rules.facts import CommitmentFacts, MilestoneFacts, ReportSummary
from monitor.rules.milestone import current_value
from monitor.rules.outcome import SEVERITY_RANK, Evaluation, Reason, Rule, State, found, heard
from monitor.rules.text import days, figure, local_day
from monitor.rules.timing import starts
from monitor.timeutil import start_of_day
from monitor.vocab import Status

# The commitments an official reports on (one 공약관리카드 each); items and groupings roll up into them.
CARD_KINDS = frozenset({"pledge", "agenda", "agreement_area", "flagship"})
CLOSED = frozenset({Status.DONE.value, Status.DROPPED.value})


def is_active(facts: CommitmentFacts, now: datetime) -> bool:
    started = facts.period_start_at is not None and facts.period_start_at <= now
    ended = facts.period_end_at is not None and now >= facts.period_end_at
    return started and not ended and facts.official_status not in CLOSED


def stale_reference(facts: CommitmentFacts) -> datetime:
    """The stale clock starts at the latest report, never before the period begins."""
    assert facts.period_start_at is not None
    return max(facts.last_report_at or facts.period_start_at, facts.period_start_at)


def stale(facts: CommitmentFacts, config: RuleConfig, now: datetime) -> Evaluation | None:
    """An active pledge with no progress report (on it or anything under it) for longer than stale_after."""
    if (
        facts.kind not in CARD_KINDS
        or not is_active(facts, now)
        or not heard(facts.pledge, Rule.STALE, config)
    ):
        return None
    if now < starts(timing.STALE, stale_reference(facts), config):
        return None
    return stale_state(facts, config, now)


def stale_state(facts: CommitmentFacts, config: RuleConfig, now: datetime) -> Evaluation:
    assert facts.period_start_at is not None
    reference = stale_reference(facts)
    limit = config.stale_after.days
    quiet = days(now - reference)
    if facts.last_report_at is None:
        start = local_day(facts.period_start_at, config.tz)
        texts = (
            f"기간 시작({start}) 후 {quiet}일 동안 진행 보고 없음 (기준 {limit}일)",
            f"no progress report in the {quiet} days since the period began on {start} (limit {limit} days)",
        )
    else:
        last = local_day(facts.last_report_at, config.tz)
        texts = (
            f"마지막 진행 보고({last}) 후 {quiet}일 경과 (기준 {limit}일)",
            f"{quiet} days since the last progress report on {last} (limit {limit} days)",
        )
    reason = Reason(*texts)
    since = starts(timing.STALE, reference, config)
    details = StaleDetails(days_without_report=quiet, limit_days=limit)
    return found(facts, Rule.STALE, State.STALE, since, reason, details)


def contradiction(
    facts: CommitmentFacts,
    subtree: Iterable[tuple[MilestoneFacts, ReportSummary]],
    subtree_evaluations: Iterable[Evaluation],
    config: RuleConfig,
    now: datetime,
) -> Evaluation | None:
    """The official status says one thing, the milestones another."""
    if facts.official_status is None or facts.status_as_of is None:
        return None
    if not heard(facts.pledge, Rule.CONTRADICTION, config):
        return None
    status = Status(facts.official_status)
    if status is Status.ON_TRACK:
        late = [e for e in subtree_evaluations if e.rule is Rule.OVERDUE]
        return overdue_on_track(facts, late, config) if late else None
    if status is Status.DONE:
        short = [(m, current_value(m, s)) for m, s in subtree if below_target(m, s)]
        return done_below_target(facts, short, config) if short else None
    return None


def below_target(facts: MilestoneFacts, summary: ReportSummary) -> bool:
    """A quantity milestone whose reported figure (nothing reported: 0) is short of its target."""
    if facts.kind != "quantity" or facts.target is None:
        return False
    return (current_value(facts, summary) or 0) < facts.target


def overdue_on_track(facts: CommitmentFacts, late: Iterable[Evaluation], config: RuleConfig) -> Evaluation:
    """Officially 정상추진 while milestones under it are overdue."""
    assert facts.status_as_of is not None and facts.official_status is not None
    status = Status(facts.official_status)
    ordered = sorted(late, key=lambda e: e.subject)
    codes = [e.subject for e in ordered]
    reason = Reason(
        f"공식 상태 '{status.ko}'이나 기한을 넘긴 마일스톤 {len(codes)}건: {', '.join(codes[:5])}",
        f"officially '{status.en}', yet {len(codes)} milestones are overdue: {', '.join(codes[:5])}",
    )
    since = max(start_of_day(facts.status_as_of, config.tz), max(e.since for e in ordered))
    details = OverdueOnTrackDetails(status, tuple(codes))
    return found(
        facts, Rule.CONTRADICTION, State.CONTRADICTION, since, reason, details, stage="overdue_on_track"
    )


def done_below_target(
    facts: CommitmentFacts, short: list[tuple[MilestoneFacts, Decimal | None]], config: RuleConfig
) -> Evaluation:
    """Officially 완료 while quantity targets under it are short (named in code order)."""
    assert facts.status_as_of is not None and facts.official_status is not None
    status = Status(facts.official_status)
    short = sorted(short, key=lambda pair: pair[0].code)
    first, reported = short[0]
    value = reported if reported is not None else Decimal(0)
    reason = Reason(
        f"공식 상태 '{status.ko}'이나 {first.code} 목표 {figure(first.target, first.unit)} 중 "
        f"{figure(value, first.unit)}만 보고됨" + (f" 외 {len(short) - 1}건" if len(short) > 1 else ""),
        f"officially '{status.en}', yet {first.code} reports {figure(value)} of "
        f"{figure(first.target)} {first.unit or ''}"
        + (f" and {len(short) - 1} more" if len(short) > 1 else ""),
    )
    details = DoneBelowTargetDetails(status, tuple(m.code for m, _ in short))
    since = start_of_day(facts.status_as_of, config.tz)
    return found(
        facts, Rule.CONTRADICTION, State.CONTRADICTION, since, reason, details, stage="done_below_target"
    )


def worst(evaluations: Iterable[Evaluation]) -> Evaluation | None:
    """The evaluation that matters most (highest severity, then earliest since) — a commitment's roll-up."""
    ranked = sorted(evaluations, key=lambda e: (-SEVERITY_RANK[e.behaviour.severity], e.since, e.subject))
    return ranked[0] if ranked else None
