"""Delivery as a task of its own, in every daemon: the leader's detection never waits for a send, and a
send rate-limited for a minute (a group past twenty messages) never delays a wake-up.

The loop starts a task per due destination (up to the sender's limit in flight), then sleeps until the
next row is due, a kick (a pass wrote rows, a destination finished, Telegram came back) or the poll interval
— whichever is first; the poll lets a follower notice rows the leader wrote in another process and take
over a destination whose lease ran out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from monitor.daemon.log_texts import say
from monitor.notify.sender import Sender, SendStats
from monitor.vocab import Lang

log = logging.getLogger(__name__)


class DeliveryObserver(Protocol):
    def delivered(self, sent: int, retried: int, failed: int) -> None: ...


class DeliveryLoop:
    def __init__(
        self,
        sender: Sender,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        recheck: timedelta,
        lang: Lang,
        observer: DeliveryObserver | None = None,
    ) -> None:
        self.sender, self.sessions, self.clock = sender, sessions, clock
        self.recheck, self.lang, self.observer = recheck, lang, observer
        self.wanted = asyncio.Event()
        self.stopping = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def kick(self) -> None:
        """Deliver now (rows were written, or a notifier became ready)."""
        self.wanted.set()

    def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name="delivery")

    async def stop(self, timeout: timedelta) -> None:
        """Let the sends in flight end (within `timeout`), then cancel them: their leases are given back
        (or run out) and another daemon, or the next start, sends what was left."""
        self.stopping.set()
        self.wanted.set()
        running = [task for task in (self.task, *self.sender.tasks) if task is not None]
        if not running:
            return
        _, late = await asyncio.wait(running, timeout=timeout.total_seconds())
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late)

    async def round(self) -> SendStats:
        """One delivery of everything due now, waited for (`--once`)."""
        stats = await self.sender.deliver_due()
        self._finished(stats)
        return stats

    def _finished(self, stats: SendStats) -> None:
        """A destination is done: count it, and look for more (its place is free)."""
        if self.observer is not None and (stats.sent or stats.retried or stats.failed):
            self.observer.delivered(stats.sent, stats.retried, stats.failed)
        self.wanted.set()

    async def _run(self) -> None:
        while not self.stopping.is_set():
            self.wanted.clear()
            try:
                await self.sender.start_due(self._finished)
                due = await asyncio.to_thread(self.sender.next_due)  # not for a notifier not ready
            except Exception:
                log.exception(say("delivery_failed", self.lang))
                due = None
            await self._sleep(due)

    async def _sleep(self, due: datetime | None) -> None:
        wait = self.recheck.total_seconds()
        if due is not None:
            wait = min(wait, max(0.0, (due - self.clock()).total_seconds()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wanted.wait(), wait)
