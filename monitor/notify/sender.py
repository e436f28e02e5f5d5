"""The send step: claim due outbox rows, hand each group to its notifier, record the outcome.

At least once: a row is claimed with a lease (a conditional UPDATE, safe with two daemons), and only
marked sent after the notifier succeeded. If the process dies in between, the lease runs out and the
row is sent again — with the same `dedup_key`, so the resend is recognisable. Transient failures are
retried with exponential backoff and jitter until `retry_for` has passed; permanent ones fail at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import models as m
from monitor.notify.base import Batch, Delivered, DeliveryResult, Failed, Notifier, OutboxItem

log = logging.getLogger(__name__)


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
    errors: list[str] = field(default_factory=list)


class Sender:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        notifiers: dict[str, Notifier],
        clock: Callable[[], datetime],
        policy: RetryPolicy | None = None,
        limit: int = 1000,
        rng: random.Random | None = None,
    ) -> None:
        self.sessions, self.notifiers, self.clock = sessions, notifiers, clock
        self.policy, self.limit, self.rng = policy or RetryPolicy(), limit, rng or random.Random()

    async def deliver_due(self) -> SendStats:
        """Deliver everything due now, one batch per (destination, group), groups in order of arrival."""
        stats = SendStats()
        batches = await asyncio.to_thread(self._claim, self.clock())
        for batch in batches:
            notifier = self.notifiers.get(batch.destination)
            result: DeliveryResult
            if notifier is None:
                result = Failed(f"no notifier for destination {batch.destination!r}", permanent=True)
            else:
                try:
                    result = await notifier.send(batch)
                except Exception as exc:  # a notifier bug must not lose the rows: retry them
                    log.exception("notifier %s failed", batch.destination)
                    result = Failed(f"{type(exc).__name__}: {exc}")
            await asyncio.to_thread(self._finish, batch, result, self.clock(), stats)
            stats.batches += 1
        return stats

    def _claim(self, now: datetime) -> list[Batch]:
        token = uuid.uuid4().hex
        free = or_(m.OutboxEntry.claimed_until.is_(None), m.OutboxEntry.claimed_until < now)
        with self.sessions.begin() as session:
            due = (
                select(m.OutboxEntry.id)
                .where(m.OutboxEntry.state == "pending", m.OutboxEntry.not_before <= now, free)
                .order_by(m.OutboxEntry.id)
                .limit(self.limit)
            )
            ids = list(session.scalars(due))
            if not ids:
                return []
            session.execute(
                update(m.OutboxEntry)
                .where(m.OutboxEntry.id.in_(ids), m.OutboxEntry.state == "pending", free)
                .values(claim_token=token, claimed_until=now + self.policy.lease)
            )
            rows = list(
                session.scalars(
                    select(m.OutboxEntry).where(m.OutboxEntry.claim_token == token).order_by(m.OutboxEntry.id)
                )
            )
        groups: dict[tuple[str, str], list[OutboxItem]] = defaultdict(list)
        for row in rows:
            groups[(row.destination, row.group_key)].append(
                OutboxItem(row.id, row.dedup_key, row.event, row.payload, row.attempts)
            )
        return [Batch(destination, group, tuple(items)) for (destination, group), items in groups.items()]

    def _finish(self, batch: Batch, result: DeliveryResult, now: datetime, stats: SendStats) -> None:
        ids = [item.id for item in batch.items]
        with self.sessions.begin() as session:
            for row in session.scalars(select(m.OutboxEntry).where(m.OutboxEntry.id.in_(ids))):
                row.attempts += 1
                row.claim_token, row.claimed_until = None, None
                if isinstance(result, Delivered):
                    row.state, row.sent_at, row.delivery, row.last_error = "sent", now, result.details, None
                    stats.sent += 1
                elif result.permanent or now - row.created_at >= self.policy.retry_for:
                    row.state, row.last_error = "failed", result.error
                    stats.failed += 1
                else:
                    wait = max(result.retry_after or timedelta(0), self.policy.delay(row.attempts, self.rng))
                    row.not_before, row.last_error = now + wait, result.error
                    stats.retried += 1
        if isinstance(result, Failed):
            stats.errors.append(result.error)
            log.warning(
                "delivery to %s (%s) failed%s: %s",
                batch.destination,
                batch.group_key,
                " permanently" if result.permanent else ", will retry",
                result.error,
            )


def next_delivery(session: Session) -> datetime | None:
    """When the next pending row becomes due (for the daemon's delivery timer)."""
    query = (
        select(m.OutboxEntry.not_before)
        .where(m.OutboxEntry.state == "pending")
        .order_by(m.OutboxEntry.not_before)
    )
    return session.scalars(query.limit(1)).first()
