"""How the alert lifecycle behaves: repeats, grouping and where notifications go. Plain data, read by the
lifecycle's store, the detect step and the daemon's planner alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class LifecycleConfig:
    repeat_interval: timedelta = timedelta(days=7)
    group_wait: timedelta = timedelta(seconds=30)
    destinations: tuple[str, ...] = ("console", "file")
    telegram: bool = False  # also route to every matching Telegram subscription
