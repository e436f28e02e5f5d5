"""APScheduler's AsyncIOScheduler with the runs it started tracked, so that shutdown can wait for them (and
bound that wait) instead of cancelling a step mid-way."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger


class TrackedScheduler:
    def __init__(self) -> None:
        self.scheduler = AsyncIOScheduler(
            timezone=UTC,
            # Never drop a late run (the default grace is one second); run it once.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        self.running = 0  # scheduled runs in progress
        self.idle = asyncio.Event()
        self.idle.set()

    def add(
        self,
        job_id: str,
        trigger: BaseTrigger,
        work: Callable[..., Awaitable[None]],
        *args: object,
        instances: int = 1,
    ) -> None:
        """Add (or replace) a job whose runs are tracked."""
        self.scheduler.add_job(
            self._tracked,
            trigger,
            args=[work, *args],
            id=job_id,
            replace_existing=True,
            max_instances=instances,
        )

    def remove(self, keep: Callable[[str], bool]) -> None:
        """Remove every job whose id `keep` refuses (runs in flight go on)."""
        for job in self.scheduler.get_jobs():
            if not keep(job.id):
                job.remove()

    async def _tracked(self, work: Callable[..., Awaitable[None]], *args: object) -> None:
        self.running += 1
        self.idle.clear()
        try:
            await work(*args)
        finally:
            self.running -= 1
            if self.running == 0:
                self.idle.set()
