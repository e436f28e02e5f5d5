"""What the send step works with: the retry policy, the counts of a delivery, and a destination's queue
under this process's lease (`monitor.notify.sender`)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from monitor.notify.base import Batch


@dataclass(frozen=True)
class RetryPolicy:
    first: timedelta = timedelta(seconds=5)
    longest: timedelta = timedelta(minutes=10)
    retry_for: timedelta = timedelta(hours=24)
    lease: timedelta = timedelta(minutes=5)

    def delay(self, attempts: int, rng: random.Random) -> timedelta:
        """Exponential backoff with full jitter: uniform in [first, min(longest, first × 2^(attempts−1))]."""
        ceiling = min(self.longest, self.first * 2 ** max(0, attempts - 1))
        jittered: timedelta = self.first + (ceiling - self.first) * rng.random()
        return jittered


@dataclass
class SendStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    batches: int = 0
    withdrawn: int = 0  # rows left to another process when a lease ended mid-destination
    errors: list[str] = field(default_factory=list)


@dataclass
class Hold:
    """This process's lease on one destination as last confirmed: `until` is the end the last take or
    renewal set. Requests stop `margin` before it: one begun at the very end could reach the destination
    after another process took it over."""

    until: datetime
    margin: timedelta
    lost: bool = False

    def ours(self, now: datetime) -> bool:
        return not self.lost and now < self.until - self.margin


@dataclass(frozen=True)
class Queue:
    """One destination's claimed batches, in order, under this process's lease."""

    destination: str
    token: str  # the claim token of its rows
    batches: list[Batch]
    hold: Hold
