"""Rule parameters, built once from the settings and passed to every rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from monitor.settings import Settings


@dataclass(frozen=True, slots=True)
class RuleConfig:
    tz: ZoneInfo
    grace: timedelta = timedelta(days=7)
    event_grace: timedelta = timedelta(days=1)
    budget_grace: timedelta = timedelta(days=90)
    lead_times: tuple[timedelta, ...] = (
        timedelta(days=90),
        timedelta(days=30),
        timedelta(days=7),
        timedelta(days=1),
    )
    event_lead_times: tuple[timedelta, ...] = (
        timedelta(days=90),
        timedelta(days=30),
        timedelta(days=7),
        timedelta(days=1),
        timedelta(hours=1),
    )
    stale_after: timedelta = timedelta(days=120)
    underspend_threshold: Decimal = Decimal("0.9")
    trend_min_reports: int = 2
    # a pending candidate's stale and overdue states: named as the candidate's ("say") or none ("quiet")
    candidate_alerts: Literal["say", "quiet"] = "say"

    @classmethod
    def from_settings(cls, settings: Settings) -> RuleConfig:
        return cls(
            tz=settings.tz,
            grace=settings.grace_period,
            event_grace=settings.event_grace,
            budget_grace=settings.budget_grace,
            lead_times=tuple(sorted(settings.lead_times, reverse=True)),
            event_lead_times=tuple(sorted(settings.event_lead_times, reverse=True)),
            stale_after=settings.stale_after,
            underspend_threshold=settings.underspend_threshold,
            trend_min_reports=settings.trend_min_reports,
            candidate_alerts=settings.candidate_alerts,
        )
