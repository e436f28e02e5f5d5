"""When each rule's state begins, written once.

Every time-driven state starts at an anchor instant of a milestone or commitment plus an offset taken from
the rule config (overdue: due + grace; due soon: due − each lead time; …). The rules use these to decide,
the set-wise evaluation turns them into SQL thresholds, and the planner turns them into wake-up boundaries:
change a rule's timing here and all three follow.
"""

from __future__ import annotations

from collections.abc import Callable
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
    offsets: Callable[[RuleConfig], tuple[timedelta, ...]]  # one offset, or one per lead time

    def instants(self, anchor: datetime, config: RuleConfig) -> tuple[datetime, ...]:
        return tuple(anchor + offset for offset in self.offsets(config))


OVERDUE = Timing(State.OVERDUE, Anchor.DUE, DATED_KINDS, lambda c: (c.grace,))
DUE_SOON = Timing(State.DUE_SOON, Anchor.DUE, DATED_KINDS, lambda c: tuple(-lead for lead in c.lead_times))
REMINDER = Timing(State.REMINDER, Anchor.STARTS, ("event",), lambda c: tuple(-x for x in c.event_lead_times))
UNCONFIRMED = Timing(State.UNCONFIRMED, Anchor.ENDS, ("event",), lambda c: (c.event_grace,))
BUDGET_DUE = Timing(State.UNREPORTED, Anchor.DUE, ("budget",), lambda c: (c.budget_grace,))
STALE = Timing(State.STALE, Anchor.STALE_REF, (), lambda c: (c.stale_after,))

TIMINGS = (OVERDUE, DUE_SOON, REMINDER, UNCONFIRMED, BUDGET_DUE, STALE)


def starts(timing: Timing, anchor: datetime, config: RuleConfig) -> datetime:
    """The instant a single-offset timing's state begins."""
    (instant,) = timing.instants(anchor, config)
    return instant
