"""Telegram's flood limits, kept by waiting (never by dropping): about 30 messages a second overall, one a
second per chat, twenty a minute per group.

A chat's interval is counted from the end of its previous request, not from when that request was let
through: a request that waited for the overall limit, or travelled slowly, would otherwise reach Telegram
less than an interval after the previous one. The overall limit is a leaky bucket without burst
(aiolimiter). A small safety margin keeps even a strict sliding window on the server side unbroken.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiolimiter import AsyncLimiter

MARGIN = 1.03


@dataclass
class _ChatGate:
    interval: float
    free_at: float = 0.0  # event-loop time at which the next request may start
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Limits:
    def __init__(
        self, overall_per_second: float = 30, chat_interval: float = 1.0, group_per_minute: float = 20
    ) -> None:
        self.overall = AsyncLimiter(1, MARGIN / overall_per_second)
        self.chat_interval = chat_interval * MARGIN
        self.group_interval = 60 * MARGIN / group_per_minute
        self.chats: dict[int, _ChatGate] = {}

    def _gate(self, chat_id: int) -> _ChatGate:
        gate = self.chats.get(chat_id)
        if gate is None:
            # Group and supergroup ids are negative: they also obey the per-minute group limit.
            interval = max(self.chat_interval, self.group_interval) if chat_id < 0 else self.chat_interval
            gate = self.chats[chat_id] = _ChatGate(interval)
        return gate

    @asynccontextmanager
    async def slot(self, chat_id: int) -> AsyncIterator[None]:
        """Hold the chat's turn for one request: wait until the chat and the overall limit allow it."""
        gate = self._gate(chat_id)
        loop = asyncio.get_running_loop()
        async with gate.lock:
            wait = gate.free_at - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            await self.overall.acquire()
            try:
                yield
            finally:
                gate.free_at = loop.time() + gate.interval
