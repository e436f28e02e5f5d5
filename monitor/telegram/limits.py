"""Telegram's flood limits, kept by waiting (never by dropping): about 30 messages a second overall, one a
second per chat, twenty a minute per group. Each limit is a leaky bucket without burst (aiolimiter), with
a small safety margin, so that even a strict sliding window on the server side is never exceeded."""

from __future__ import annotations

from aiolimiter import AsyncLimiter

MARGIN = 1.03


class Limits:
    def __init__(
        self, overall_per_second: float = 30, chat_interval: float = 1.0, group_per_minute: float = 20
    ) -> None:
        self.overall = AsyncLimiter(1, MARGIN / overall_per_second)
        self.chat_interval = chat_interval * MARGIN
        self.group_interval = 60 * MARGIN / group_per_minute
        self.chats: dict[int, AsyncLimiter] = {}

    def _chat(self, chat_id: int) -> AsyncLimiter:
        limiter = self.chats.get(chat_id)
        if limiter is None:
            # Group and supergroup ids are negative: they also obey the per-minute group limit.
            interval = max(self.chat_interval, self.group_interval) if chat_id < 0 else self.chat_interval
            limiter = self.chats[chat_id] = AsyncLimiter(1, interval)
        return limiter

    async def acquire(self, chat_id: int) -> None:
        await self._chat(chat_id).acquire()
        await self.overall.acquire()
