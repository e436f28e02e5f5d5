"""Telegram's flood limits, kept by waiting (never by dropping): about 30 messages a second overall, one a
second per chat, twenty a minute per group.

A chat's limits are counted from the *end* of its previous requests, not from when they were let through:
a request that waited for the overall limit, or travelled slowly, would otherwise reach Telegram too soon
after the one before. A group may send its twenty a minute in a burst (one a second), as Telegram allows;
the twenty-first waits until a minute after the first ended. The overall limit is a leaky bucket without
burst (aiolimiter). A small safety margin keeps even a strict sliding window on the server side unbroken.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiolimiter import AsyncLimiter

MARGIN = 1.03


@dataclass
class _ChatGate:
    interval: float
    window: float  # 0 for a private chat: no per-minute limit
    ends: deque[float]  # when the chat's last requests ended (groups: as many as the window allows)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def free_at(self) -> float:
        """The loop time at which the chat's next request may start."""
        if not self.ends:
            return 0.0
        spaced = self.ends[-1] + self.interval
        if self.window and len(self.ends) == self.ends.maxlen:
            return max(spaced, self.ends[0] + self.window)
        return spaced


class Limits:
    def __init__(
        self,
        overall_per_second: float = 30,
        chat_interval: float = 1.0,
        group_per_minute: int = 20,
        group_window: float = 60.0,
    ) -> None:
        self.overall = AsyncLimiter(1, MARGIN / overall_per_second)
        self.chat_interval = chat_interval * MARGIN
        self.group_limit, self.group_window = group_per_minute, group_window * MARGIN
        self.chats: dict[int, _ChatGate] = {}

    def _gate(self, chat_id: int) -> _ChatGate:
        gate = self.chats.get(chat_id)
        if gate is None:
            # Group and supergroup ids are negative: they also obey the per-minute group limit.
            group = chat_id < 0
            gate = _ChatGate(
                self.chat_interval,
                self.group_window if group else 0.0,
                deque(maxlen=self.group_limit if group else 1),
            )
            self.chats[chat_id] = gate
        return gate

    @asynccontextmanager
    async def slot(self, chat_id: int) -> AsyncIterator[None]:
        """Hold the chat's turn for one request: wait until the chat and the overall limit allow it."""
        gate = self._gate(chat_id)
        loop = asyncio.get_running_loop()
        async with gate.lock:
            wait = gate.free_at() - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            await self.overall.acquire()
            try:
                yield
            finally:
                gate.ends.append(loop.time())
