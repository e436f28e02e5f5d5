"""The send step: claim due outbox rows, hand each group to its notifier, record the outcome.

At least once: a row is only marked sent after the notifier succeeded. If the process dies in between,
its claim runs out and the row is sent again — with the same `dedup_key`, so the resend is recognisable.
Transient failures are retried with exponential backoff and jitter until `retry_for` has passed;
permanent ones fail at once, and a destination that takes nothing more (a blocked chat) has all its
waiting rows failed in the same transaction, without another request.

Several daemons may deliver from one database. A destination is served by the process holding its lease
(`deliver:<destination>`, `monitor.db.leases`): taken before its rows are claimed, renewed every third of
the lease while its batches go out, released when its queue is done. Before every request the notifier
asks the batch's `still_ours` — a local check that the lease was not lost at a renewal and that its
known end is not near (the process's clock) — so a process that was stopped (SIGSTOP) past its lease
sends nothing more when it resumes: it leaves the rows to whoever holds the lease now.

Order per destination: destinations are served concurrently (one task each), a destination's batches one
after another (all its due rows claimed at once: one message per jurisdiction), and a row waiting out a
backoff holds back the later rows of its destination. Rows of a notifier that is not ready (Telegram
before the bot has connected) are left pending, untouched.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import leases
from monitor.db import models as m
from monitor.notify import claims
from monitor.notify.base import Batch, Delivered, DeliveryResult, Failed, Notifier, Withdrawn, is_ready
from monitor.notify.claims import next_delivery as next_delivery
from monitor.notify.log_texts import say
from monitor.notify.queues import Hold, Queue
from monitor.notify.queues import RetryPolicy as RetryPolicy
from monitor.notify.queues import SendStats as SendStats
from monitor.vocab import Lang

log = logging.getLogger(__name__)
FailureHook = Callable[[Session, str, Failed], None]


class Sender:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        notifiers: dict[str, Notifier],
        clock: Callable[[], datetime],
        policy: RetryPolicy | None = None,
        limit: int = 50,
        rng: random.Random | None = None,
        on_failure: FailureHook | None = None,
        *,
        holder: str | None = None,
        lang: Lang = "ko",
    ) -> None:
        """`notifiers` maps a destination, or a destination prefix such as "telegram:", to its notifier;
        `on_failure(session, destination, result)` runs in the same transaction for permanent failures and
        moves (disable a chat, move a subscription, tell an admin). `limit`: destinations served at once
        (50: Telegram allows 30 messages a second, a chat one — more in flight would only wait, holding
        leases another daemon could use);
        `holder`: this process's name on the leases (a random one by default)."""
        self.sessions, self.notifiers, self.clock = sessions, notifiers, clock
        self.policy, self.limit, self.rng = policy or RetryPolicy(), limit, rng or random.Random()
        self.on_failure, self.lang = on_failure, lang
        self.holder = holder or uuid.uuid4().hex
        self._serving: set[str] = set()  # destinations this process is sending to now
        self.tasks: set[asyncio.Task[None]] = set()  # their tasks (`start_due`)
        self._reserving = threading.Lock()  # one claim at a time per process (they run in threads)

    def notifier_for(self, destination: str) -> Notifier | None:
        return self.notifiers.get(destination) or self.notifiers.get(destination.split(":", 1)[0] + ":")

    def can_send(self, destination: str) -> bool:
        """False while the destination's notifier cannot send at all (its rows wait, untouched). No
        notifier at all: True — the rows are tried and fail for good."""
        notifier = self.notifier_for(destination)
        return notifier is None or is_ready(notifier)

    def next_due(self) -> datetime | None:
        """When this process should deliver next (`next_delivery` without destinations it cannot send to)."""
        with self.sessions() as session:
            return next_delivery(session, self.can_send)

    async def deliver_due(self) -> SendStats:
        """Deliver everything due now and wait for it: destinations concurrently, each destination's
        batches in order (`--once`, tests)."""
        stats = SendStats()
        queues = await asyncio.to_thread(self._reserve, self.clock(), self.limit)
        await asyncio.gather(*(self._serve(queue, stats) for queue in queues))
        return stats

    async def start_due(self, finished: Callable[[SendStats], None]) -> int:
        """Take due destinations while fewer than `limit` are in flight and send each in a task of its
        own, without waiting: a chat held back by its limits never holds back the others. `finished`
        gets each destination's counts when it is done. Returns how many began."""
        room = self.limit - len(self._serving)
        queues = await asyncio.to_thread(self._reserve, self.clock(), room) if room > 0 else []
        for queue in queues:
            task = asyncio.create_task(self._serve_alone(queue, finished))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        return len(queues)

    async def _serve_alone(self, queue: Queue, finished: Callable[[SendStats], None]) -> None:
        stats = SendStats()
        await self._serve(queue, stats)
        finished(stats)

    def _reserve(self, now: datetime, room: int) -> list[Queue]:
        """Take the leases of the due destinations this process can send to, and claim their rows whole."""
        ttl = self.policy.lease
        with self._reserving, self.sessions.begin() as session:
            due = claims.due_destinations(session, now)
            wanted = [d for d in due if d not in self._serving and self.can_send(d)][:room]
            if not wanted:
                return []
            names = sorted(claims.lease_name(d) for d in wanted)  # one order: no deadlock between processes
            held = leases.take(session, names, self.holder, now, ttl)
            mine = {d: due[d] for d in wanted if claims.lease_name(d) in held}
            round_id = uuid.uuid4().hex
            tokens = {d: f"{round_id}-{n}" for n, d in enumerate(mine)}
            found = claims.batches(claims.claim(session, mine, tokens, now, now + ttl), self.lang)
            idle = [claims.lease_name(d) for d in mine if d not in found]
            if idle:  # due a moment ago, claimed by another process meanwhile: nothing to send here
                leases.release(session, idle, self.holder)
            self._serving.update(found)
        queues = []
        for destination, queued in found.items():
            hold = Hold(now + ttl, ttl / 4)
            guarded = [replace(batch, still_ours=self._guard(hold)) for batch in queued]
            queues.append(Queue(destination, tokens[destination], guarded, hold))
        return queues

    def _guard(self, hold: Hold) -> Callable[[], bool]:
        return lambda: hold.ours(self.clock())

    async def _serve(self, queue: Queue, stats: SendStats) -> None:
        renewal = asyncio.create_task(self._keep(queue))
        try:
            await self._send_in_order(queue, stats)
        finally:
            renewal.cancel()
            await asyncio.wait([renewal])
            try:
                await asyncio.to_thread(self._let_go, queue)
            finally:
                self._serving.discard(queue.destination)

    async def _send_in_order(self, queue: Queue, stats: SendStats) -> None:
        for index, batch in enumerate(queue.batches):
            result = await self._send(batch)
            go_on = await asyncio.to_thread(self._record, batch, result, stats)
            if isinstance(result, Withdrawn):
                left = sum(len(later.items) for later in queue.batches[index:]) - len(result.delivered)
                stats.withdrawn += left
                log.warning(say("withdrawn", self.lang, destination=queue.destination, count=left))
            else:
                stats.batches += 1
            if not go_on:
                return  # the rest of the queue is given back (`_let_go`) for a later attempt

    async def _send(self, batch: Batch) -> DeliveryResult:
        notifier = self.notifier_for(batch.destination)
        if notifier is None:
            log.warning(say("no_notifier", self.lang, destination=batch.destination))
            return Failed(f"no notifier for destination {batch.destination!r}", permanent=True, gone=True)
        if not batch.still_ours():
            return Withdrawn()
        try:
            return await notifier.send(batch)
        except Exception as exc:  # a notifier bug must not lose the rows: retry them
            log.exception(say("notifier_crashed", self.lang, destination=batch.destination))
            return Failed(f"{type(exc).__name__}: {exc}")

    async def _keep(self, queue: Queue) -> None:
        """Renew the destination's lease every third of its length while its batches go out."""
        every, hold = self.policy.lease.total_seconds() / 3, queue.hold
        while True:
            await asyncio.sleep(every)
            now = self.clock()
            try:
                kept = await asyncio.to_thread(self._renew, queue.destination, now)
            except SQLAlchemyError as exc:  # the known end still guards the sends
                log.warning(say("renew_failed", self.lang, destination=queue.destination, error=exc))
                continue
            if not kept:
                hold.lost = True
                return
            hold.until = now + self.policy.lease

    def _renew(self, destination: str, now: datetime) -> bool:
        with self.sessions.begin() as session:
            name = claims.lease_name(destination)
            return leases.renew(session, name, self.holder, now, self.policy.lease)

    def _let_go(self, queue: Queue) -> None:
        """The destination's queue is done (or stopped): give back its unsent rows and its lease."""
        with self.sessions.begin() as session:
            claims.unclaim(session, queue.token)
            leases.release(session, [claims.lease_name(queue.destination)], self.holder)

    def _record(self, batch: Batch, result: DeliveryResult, stats: SendStats) -> bool:
        """Write what the send did, in one transaction; True when the destination's next batch may go."""
        now = self.clock()
        rest = 0
        with self.sessions.begin() as session:
            if isinstance(result, Withdrawn):
                stats.sent += claims.mark_sent(session, result.delivered, now, {"partial": True})
                return False
            self._apply(session, batch, result, now, stats)
            if isinstance(result, Delivered):
                return True
            if result.gone:  # nothing more can reach it: its other rows fail now, without a request
                rest = claims.fail_the_rest(session, batch.destination, result.error)
                stats.failed += rest
            if (result.permanent or result.moved_to) and self.on_failure:
                self.on_failure(session, batch.destination, result)
        self._tell(batch, result, rest, stats)
        return result.permanent and not result.gone

    def _apply(
        self, session: Session, batch: Batch, result: Delivered | Failed, now: datetime, stats: SendStats
    ) -> None:
        ids = [item.id for item in batch.items]
        for row in session.scalars(select(m.OutboxEntry).where(m.OutboxEntry.id.in_(ids))):
            row.attempts += 1
            row.claim_token, row.claimed_until = None, None
            if isinstance(result, Delivered) or row.id in result.delivered:
                details = result.details if isinstance(result, Delivered) else {"partial": True}
                details = {**details, "by": self.holder}  # which daemon sent it (`monitor status`'s id)
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

    def _tell(self, batch: Batch, result: Failed, rest: int, stats: SendStats) -> None:
        """The operator's line for a failed batch (and for the rows failed with a destination gone)."""
        stats.errors.append(result.error)
        where = {"destination": batch.destination, "group": batch.group_key, "error": result.error}
        if result.moved_to:
            log.warning(say("moved", self.lang, destination=batch.destination, target=result.moved_to))
        else:
            log.warning(say("failed_permanently" if result.permanent else "failed", self.lang, **where))
        if rest:
            log.warning(say("gone", self.lang, destination=batch.destination, count=rest))
