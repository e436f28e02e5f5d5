"""Scheduled events: reminders before, and a confirmation that they were held after."""

from __future__ import annotations

from datetime import datetime

from monitor.rules import timing
from monitor.rules.config import RuleConfig
from monitor.rules.details import NoDetails, UnconfirmedDetails
from monitor.rules.facts import MilestoneFacts, ReportSummary
from monitor.rules.milestone import CANCELLED, HELD, achieved, crossed_lead, lead_state
from monitor.rules.outcome import Evaluation, Reason, Rule, State, found
from monitor.rules.text import days, local_minute
from monitor.rules.timing import starts


def event(
    facts: MilestoneFacts, summary: ReportSummary, config: RuleConfig, now: datetime
) -> list[Evaluation]:
    """A reminder before the event starts; unconfirmed when it ended without a 'held' report."""
    assert facts.starts_at is not None and facts.ends_at is not None
    if HELD in summary.statuses:
        return [achieved(facts, summary, config, now)]
    if CANCELLED in summary.statuses:
        return [cancelled_state(facts, summary, now)]
    lead = crossed_lead(facts.starts_at, config.event_lead_times, now)
    if lead is not None:
        return [lead_state(facts, summary, config, now, lead)]
    if now < starts(timing.UNCONFIRMED, facts.ends_at, config):
        return []
    return [unconfirmed_state(facts, config, now)]


def cancelled_state(facts: MilestoneFacts, summary: ReportSummary, now: datetime) -> Evaluation:
    reason = Reason("취소 보고됨", "reported as cancelled")
    return found(facts, Rule.EVENT, State.CANCELLED, summary.last_entered_at or now, reason, NoDetails())


def unconfirmed_state(facts: MilestoneFacts, config: RuleConfig, now: datetime) -> Evaluation:
    assert facts.ends_at is not None
    ends_at = facts.ends_at
    end, late = local_minute(ends_at, config.tz), days(now - ends_at)
    reason = Reason.lazy(
        lambda: (
            f"{end} 종료 후 개최 확인 없음 ({late}일 경과)",
            f"ended {end}, not confirmed as held ({late} days)",
        )
    )
    return found(
        facts,
        Rule.EVENT,
        State.UNCONFIRMED,
        starts(timing.UNCONFIRMED, ends_at, config),
        reason,
        UnconfirmedDetails(ended=ends_at),
        due=ends_at,
    )
