"""Delivery as a task of its own, in every daemon: the leader's detection never waits for a send, and a
send rate-limited for a minute (a group past twenty messages) never delays a wake-up.

The loop delivers whatever is due, then sleeps until the next row is due, a kick (a pass wrote rows, the bot
logged something, Telegram came back) or the poll interval — whichever is first; the poll lets a follower
notice rows the leader wrote in another process and take over a destination whose lease ran out.
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
from monitor.notify.sender import Sender, SendStats, next_delivery
from monitor.vocab import Lang

log = logging.getLogger(__name__)


class DeliveryObserver(Protocol):
    def delivered(self, sent: int, retried: int, failed: int) -> None: ...


def _next_due(sessions: sessionmaker[Session]) -> datetime | None:
    with sessions() as session:
        return next_delivery(session)


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
        """Let the round in flight end (within `timeout`), then cancel it: its leases run out and another
        daemon, or the next start, sends what was left."""
        self.stopping.set()
        self.wanted.set()
        if self.task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self.task), timeout.total_seconds())
        except TimeoutError:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    async def round(self) -> SendStats:
        """One delivery of everything due now (also used by `--once`)."""
        stats = await self.sender.deliver_due()
        if self.observer is not None and (stats.sent or stats.retried or stats.failed):
            self.observer.delivered(stats.sent, stats.retried, stats.failed)
        return stats

    async def _run(self) -> None:
        while not self.stopping.is_set():
            self.wanted.clear()
            try:
                await self.round()
                due = await asyncio.to_thread(_next_due, self.sessions)
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
