"""The leader's scheduled work besides detection: cron jobs from jobs/*.toml (a run missed while no daemon
led is made up once, as a job of its own so that becoming leader never waits for it) and the published
chain head. Each run is one detection step; what it queues is sent by the delivery task."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING

from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.daemon import dbwork
from monitor.daemon.head import publish_head as write_head
from monitor.daemon.jobs import JobSpec
from monitor.daemon.log_texts import say
from monitor.daemon.startup import local_minute

if TYPE_CHECKING:
    from monitor.daemon.service import Daemon

log = logging.getLogger(__name__)


def schedule(daemon: Daemon, now: datetime) -> None:
    """Add the head's and every cron job's schedule, and the catch-up of missed runs."""
    if (head := daemon.config.head) is not None:  # published by the first pass, then every interval
        every = IntervalTrigger(seconds=head.every.total_seconds())
        daemon.tracked.add("head", every, daemon._step, lambda: publish_head(daemon))
    for job in daemon.jobs:
        daemon.tracked.add(f"job:{job.id}", job.trigger(daemon.config.rules.tz), run_job, daemon, job)
    daemon.tracked.add("catch-up", DateTrigger(run_date=now), catch_up, daemon)


async def catch_up(daemon: Daemon) -> None:
    tz = daemon.config.rules.tz
    for job in [job for job in daemon.jobs if job.catch_up]:
        trigger = job.trigger(tz)
        missed = await asyncio.to_thread(dbwork.missed, daemon.sessions, job, trigger, daemon.clock())
        if missed is not None:
            log.info(say("missed", daemon.lang, job=job.id, at=local_minute(missed, tz)))
            await run_job(daemon, job, missed)


async def publish_head(daemon: Daemon) -> None:
    assert daemon.config.head is not None
    target, tz = daemon.config.head.chat_id, daemon.config.rules.tz
    await asyncio.to_thread(write_head, daemon.sessions, target, daemon.clock(), tz, daemon.lang)
    daemon.delivery.kick()


async def run_job(daemon: Daemon, job: JobSpec, scheduled: datetime | None = None) -> None:
    async def work() -> None:
        started = daemon.clock()
        status, error = "ok", None
        try:
            if job.kind == "evaluate":
                await daemon._full_pass()
            else:
                configs = (daemon.config.lifecycle, daemon.config.rules, daemon.config.reports)
                await asyncio.to_thread(
                    dbwork.queue_job, daemon.sessions, job, configs, scheduled or started, started
                )
                daemon.delivery.kick()
        except Exception as exc:
            status, error = "error", f"{type(exc).__name__}: {exc}"
            raise
        finally:
            times = (scheduled or started, started, daemon.clock())
            await asyncio.to_thread(dbwork.record_job_run, daemon.sessions, job, times, status, error)

    await daemon._step(work)
