"""The send step: claim due outbox rows, hand each group to its notifier, record the outcome.

At least once: a row is claimed with a lease (a conditional UPDATE, safe with two daemons), and only
marked sent after the notifier succeeded. If the process dies in between, the lease runs out and the
row is sent again — with the same `dedup_key`, so the resend is recognisable. Transient failures are
retried with exponential backoff and jitter until `retry_for` has passed; permanent ones fail at once.

Order per destination: destinations are served concurrently (one task each), a destination's batches
one after another, and a row waiting out a backoff holds back the later rows of its destination.
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

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from monitor.alerts.outbox import payload_from_json
from monitor.db import models as m
from monitor.notify.base import Batch, Delivered, DeliveryResult, Failed, Notifier, OutboxItem

log = logging.getLogger(__name__)
FailureHook = Callable[[Session, str, Failed], None]


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
        on_failure: FailureHook | None = None,
    ) -> None:
        """`notifiers` maps a destination, or a destination prefix such as "telegram:", to its notifier;
        `on_failure(session, destination, result)` runs in the same transaction for permanent failures and
        moves (disable a chat, move a subscription, tell an admin)."""
        self.sessions, self.notifiers, self.clock = sessions, notifiers, clock
        self.policy, self.limit, self.rng = policy or RetryPolicy(), limit, rng or random.Random()
        self.on_failure = on_failure

    def notifier_for(self, destination: str) -> Notifier | None:
        return self.notifiers.get(destination) or self.notifiers.get(destination.split(":", 1)[0] + ":")

    async def deliver_due(self) -> SendStats:
        """Deliver everything due now: destinations concurrently, each destination's batches in order."""
        stats = SendStats()
        batches = await asyncio.to_thread(self._claim, self.clock())
        by_destination: dict[str, list[Batch]] = defaultdict(list)
        for batch in batches:
            by_destination[batch.destination].append(batch)
        await asyncio.gather(*(self._serve(queue, stats) for queue in by_destination.values()))
        return stats

    async def _serve(self, queue: list[Batch], stats: SendStats) -> None:
        for index, batch in enumerate(queue):
            result = await self._send(batch)
            await asyncio.to_thread(self._finish, batch, result, self.clock(), stats)
            stats.batches += 1
            if isinstance(result, Failed) and not (result.permanent or result.moved_to):
                # Keep the destination's order: its later batches wait for this one's retry.
                rest = [item.id for later in queue[index + 1 :] for item in later.items]
                await asyncio.to_thread(self._release, rest)
                return

    async def _send(self, batch: Batch) -> DeliveryResult:
        notifier = self.notifier_for(batch.destination)
        if notifier is None:
            return Failed(f"no notifier for destination {batch.destination!r}", permanent=True)
        try:
            return await notifier.send(batch)
        except Exception as exc:  # a notifier bug must not lose the rows: retry them
            log.exception("notifier for %s failed", batch.destination)
            return Failed(f"{type(exc).__name__}: {exc}")

    def _claim(self, now: datetime) -> list[Batch]:
        token = uuid.uuid4().hex
        outbox = m.OutboxEntry
        free = or_(outbox.claimed_until.is_(None), outbox.claimed_until < now)
        with self.sessions.begin() as session:
            # A destination whose earliest pending row is still waiting out a backoff is held back whole.
            waiting = dict(
                session.execute(
                    select(outbox.destination, func.min(outbox.id))
                    .where(outbox.state == "pending", outbox.not_before > now)
                    .group_by(outbox.destination)
                ).all()
            )
            due = (
                select(outbox.id, outbox.destination)
                .where(outbox.state == "pending", outbox.not_before <= now, free)
                .order_by(outbox.id)
                .limit(self.limit)
            )
            ids = [
                row_id
                for row_id, destination in session.execute(due)
                if destination not in waiting or row_id < waiting[destination]
            ]
            if not ids:
                return []
            session.execute(
                update(outbox)
                .where(outbox.id.in_(ids), outbox.state == "pending", free)
                .values(claim_token=token, claimed_until=now + self.policy.lease)
            )
            rows = session.scalars(select(outbox).where(outbox.claim_token == token).order_by(outbox.id))
            groups: dict[tuple[str, str], list[OutboxItem]] = defaultdict(list)
            for row in rows:
                item = _item(row)
                if item is not None:
                    groups[(row.destination, row.group_key)].append(item)
        return [Batch(destination, group, tuple(items)) for (destination, group), items in groups.items()]

    def _release(self, ids: list[int]) -> None:
        if ids:
            with self.sessions.begin() as session:
                session.execute(
                    update(m.OutboxEntry)
                    .where(m.OutboxEntry.id.in_(ids))
                    .values(claim_token=None, claimed_until=None)
                )

    def _finish(self, batch: Batch, result: DeliveryResult, now: datetime, stats: SendStats) -> None:
        ids = [item.id for item in batch.items]
        with self.sessions.begin() as session:
            for row in session.scalars(select(m.OutboxEntry).where(m.OutboxEntry.id.in_(ids))):
                row.attempts += 1
                row.claim_token, row.claimed_until = None, None
                if isinstance(result, Delivered) or row.id in result.delivered:
                    details = result.details if isinstance(result, Delivered) else {"partial": True}
                    row.state, row.sent_at, row.delivery, row.last_error = "sent", now, details, None
                    stats.sent += 1
                elif result.moved_to:
                    row.destination, row.not_before, row.last_error = result.moved_to, now, result.error
                    stats.retried += 1
                elif result.permanent or now - row.created_at >= self.policy.retry_for:
                    row.state, row.last_error = "failed", result.error
                    stats.failed += 1
                else:
                    wait = max(result.retry_after or timedelta(0), self.policy.delay(row.attempts, self.rng))
                    row.not_before, row.last_error = now + wait, result.error
                    stats.retried += 1
            if isinstance(result, Failed) and (result.permanent or result.moved_to) and self.on_failure:
                self.on_failure(session, batch.destination, result)
        if isinstance(result, Failed):
            stats.errors.append(result.error)
            log.warning(
                "delivery to %s (%s) failed%s: %s",
                batch.destination,
                batch.group_key,
                " permanently" if result.permanent else "",
                result.error,
            )


def _item(row: m.OutboxEntry) -> OutboxItem | None:
    """The row as a typed item; a payload that cannot be read fails the row at once (resending it would
    not make it readable)."""
    try:
        payload = payload_from_json(row.payload)
    except (ValueError, TypeError) as exc:
        log.error("outbox row %s has an unreadable payload: %s", row.id, exc)
        row.state, row.last_error = "failed", f"unreadable payload: {exc}"
        row.claim_token, row.claimed_until = None, None
        return None
    return OutboxItem(row.id, row.dedup_key, row.event, payload, row.attempts)


def next_delivery(session: Session) -> datetime | None:
    """When the next pending row can be sent (for the daemon's delivery timer).

    A destination sends in order, so what it can send next is its oldest pending row — ready once its
    backoff is over and, if a crashed process still holds its claim, that lease has run out. Newer rows
    of a destination waiting out a backoff are not due, however early their own `not_before`."""
    outbox = m.OutboxEntry
    oldest = (
        select(func.min(outbox.id).label("id"))
        .where(outbox.state == "pending")
        .group_by(outbox.destination)
        .subquery()
    )
    ready = case(
        (
            and_(outbox.claimed_until.is_not(None), outbox.claimed_until > outbox.not_before),
            outbox.claimed_until,
        ),
        else_=outbox.not_before,
    )
    value: datetime | None = session.scalar(select(func.min(ready)).join(oldest, outbox.id == oldest.c.id))
    return value
