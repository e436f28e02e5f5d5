"""When each rule's state begins, written once.

Every time-driven state starts at an anchor instant of a milestone or commitment plus an offset taken from
the rule config (overdue: due + grace; due soon: due − each lead time; …). The rules use these to decide,
the set-wise evaluation turns them into SQL thresholds, and the planner turns them into wake-up boundaries:
change a rule's timing here and all three follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from monitor.rules.config import RuleConfig
from monitor.rules.outcome import State


class Anchor(StrEnum):
    DUE = "due_at"  # a milestone's deadline instant (or a budget tranche's fiscal year end)
    STARTS = "starts_at"  # an event's start
    ENDS = "ends_at"  # an event's end
    STALE_REF = "stale_ref_at"  # a commitment's last report, or its period start


DATED_KINDS = ("completion", "quantity", "payment")


@dataclass(frozen=True, slots=True)
class Timing:
    state: State
    anchor: Anchor
    kinds: tuple[str, ...]  # milestone kinds it applies to (empty: commitments)
    setting: str  # the RuleConfig field holding the offset (a duration, or the lead times)
    before: bool = False  # the state begins that long before the anchor (lead times), not after

    def offsets(self, config: RuleConfig) -> tuple[timedelta, ...]:
        value: timedelta | tuple[timedelta, ...] = getattr(config, self.setting)
        values = value if isinstance(value, tuple) else (value,)
        return tuple(-v for v in values) if self.before else values


OVERDUE = Timing(State.OVERDUE, Anchor.DUE, DATED_KINDS, "grace")
DUE_SOON = Timing(State.DUE_SOON, Anchor.DUE, DATED_KINDS, "lead_times", before=True)
REMINDER = Timing(State.REMINDER, Anchor.STARTS, ("event",), "event_lead_times", before=True)
UNCONFIRMED = Timing(State.UNCONFIRMED, Anchor.ENDS, ("event",), "event_grace")
BUDGET_DUE = Timing(State.UNREPORTED, Anchor.DUE, ("budget",), "budget_grace")
STALE = Timing(State.STALE, Anchor.STALE_REF, (), "stale_after")

TIMINGS = (OVERDUE, DUE_SOON, REMINDER, UNCONFIRMED, BUDGET_DUE, STALE)


def starts(timing: Timing, anchor: datetime, config: RuleConfig) -> datetime:
    """The instant a single-offset timing's state begins (anchor + its duration setting)."""
    offset: timedelta = getattr(config, timing.setting)
    return anchor + offset
