"""Telegram's flood limits, kept by waiting (never by dropping): about 30 messages a second overall, one a
second per chat, twenty a minute per group.

Each limit is a sliding window — at most `limit` requests in any `period` — counted from when requests
*ended*, and a request still in flight counts. Telegram counts a request when it arrives, which is before
we see its answer, so a window measured from our side's ends can never be tighter than the server's,
whatever the network delays; a leaky bucket measured from when requests are let through (aiolimiter, used
before) drew 429s when a send waited for the overall limit after its chat's turn had been counted, and its
even spacing reached only ~80 % of the throughput the windows allow. Bursts are allowed, as Telegram allows
them: thirty sends at once, then a wait for the second to pass.

These windows live in one process, which is right for one daemon (SQLite runs only one). Several daemons
on PostgreSQL share them through the database instead (`monitor.telegram.shared_limits`); both kinds are
`FloodLimits`, so the notifier does not know which one it holds.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

MARGIN = 1.01  # on every period, against the server stamping a request a little after it arrived


class FloodLimits(Protocol):
    def slot(self, chat_id: int) -> AbstractAsyncContextManager[None]:
        """Hold a place for one request to `chat_id` in every window it counts in, until it ends."""
        ...


class Window:
    def __init__(self, limit: int, period: float) -> None:
        self.limit, self.period = limit, period * MARGIN
        self.ends: deque[float] = deque()  # ends of requests within the last period, oldest first
        self.in_flight = 0
        self._turn = asyncio.Lock()  # waiters are served in arrival order
        self._released = asyncio.Event()

    async def acquire(self) -> None:
        loop = asyncio.get_running_loop()
        async with self._turn:
            while True:
                now = loop.time()
                if self.has_room(now):
                    self.take()
                    return
                if self.ends:  # the oldest end leaves the window first
                    await asyncio.sleep(self.ends[0] + self.period - now)
                else:  # everything counted is still in flight: wait for one to end
                    self._released.clear()
                    await self._released.wait()

    def has_room(self, now: float) -> bool:
        """Forget the ends that left the window by `now`; whether one more request fits in it."""
        while self.ends and self.ends[0] <= now - self.period:
            self.ends.popleft()
        return self.in_flight + len(self.ends) < self.limit

    def take(self) -> None:
        self.in_flight += 1

    def release(self, ended: float) -> None:
        self.in_flight -= 1
        self.ends.append(ended)
        self._released.set()


class Limits:
    def __init__(
        self,
        overall_per_second: int = 30,
        chat_interval: float = 1.0,
        group_per_minute: int = 20,
        group_window: float = 60.0,
    ) -> None:
        self.overall = Window(overall_per_second, 1.0)
        self.chat_interval = chat_interval
        self.group_per_minute, self.group_window = group_per_minute, group_window
        self.chats: dict[int, list[Window]] = {}

    def _windows(self, chat_id: int) -> list[Window]:
        windows = self.chats.get(chat_id)
        if windows is None:
            windows = [Window(1, self.chat_interval)]
            if chat_id < 0:  # group and supergroup ids are negative: the per-minute limit too
                windows.append(Window(self.group_per_minute, self.group_window))
            self.chats[chat_id] = windows
        return windows

    @asynccontextmanager
    async def slot(self, chat_id: int) -> AsyncIterator[None]:
        """Hold a place for one request to `chat_id` in every window it counts in, until it ends."""
        loop = asyncio.get_running_loop()
        held: list[Window] = []
        try:
            for window in [*self._windows(chat_id), self.overall]:
                await window.acquire()
                held.append(window)
            yield
        finally:
            ended = loop.time()
            for window in held:
                window.release(ended)
