"""Scheduled events: reminders before, and a confirmation that they were held after."""

from __future__ import annotations

from datetime import datetime

from monitor.rules.config import RuleConfig
from monitor.rules.facts import MilestoneFacts, ReportSummary
from monitor.rules.milestone import CANCELLED, HELD, achieved, lead_stage
from monitor.rules.outcome import Evaluation, Reason, Rule, found
from monitor.rules.text import days, local_minute


def event(
    facts: MilestoneFacts, summary: ReportSummary, config: RuleConfig, now: datetime
) -> list[Evaluation]:
    """A reminder before the event starts; unconfirmed when it ended without a 'held' report."""
    assert facts.starts_at is not None and facts.ends_at is not None
    if HELD in summary.statuses:
        return [achieved(facts, summary, config, now)]
    if CANCELLED in summary.statuses:
        reason = Reason("취소 보고됨", "reported as cancelled")
        return [found(facts, Rule.EVENT, "cancelled", summary.last_entered_at or now, reason, {})]
    reminder = lead_stage(
        facts, facts.starts_at, config.event_lead_times, now, Rule.EVENT, "reminder", config, summary
    )
    if reminder is not None:
        return [reminder]
    since = facts.ends_at + config.event_grace
    if now < since:
        return []
    end = local_minute(facts.ends_at, config.tz)
    reason = Reason(
        f"{end} 종료 후 개최 확인 없음 ({days(now - facts.ends_at)}일 경과)",
        f"ended {end}, not confirmed as held ({days(now - facts.ends_at)} days)",
    )
    return [
        found(
            facts,
            Rule.EVENT,
            "unconfirmed",
            since,
            reason,
            {"ended": facts.ends_at.isoformat()},
            due=facts.ends_at,
        )
    ]
