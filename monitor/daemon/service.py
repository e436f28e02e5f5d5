"""`monitor run`: one asyncio process around the detect and send steps (APScheduler 3, AsyncIOScheduler).

Event-scheduled: after every pass the planner finds the next instant at which anything changes state
and a single date job ("wakeup") is set for exactly then. An hourly sweep re-evaluates everything as a
safety net; a poll of the change counters re-plans when progress is logged, seeds are reloaded or
silences change; cron jobs come from jobs/*.toml, and a run missed while the daemon was down is made up
once at start. Database work runs in a worker thread, one step at a time, so the loop stays free for the
Telegram bot. SIGTERM/SIGINT: finish the step in flight, then exit 0. At start the console shows every
state per jurisdiction, then the alerts; the log names each planned change once. The chain head is
published on a schedule when `head_channel` is set (`monitor.daemon.head`).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session, sessionmaker

from monitor.alerts.config import LifecycleConfig
from monitor.daemon import dbwork
from monitor.daemon.detect import detect
from monitor.daemon.head import HeadPublishing, publish_head
from monitor.daemon.jobs import JobSpec
from monitor.daemon.log_texts import changed_line, say, scheduler_log_language
from monitor.daemon.report_jobs import ReportContext
from monitor.daemon.startup import announce_start, local_minute, next_change_line
from monitor.evaluation.planner import Wakeup, boundaries
from monitor.logs import use_zone
from monitor.notify.sender import Sender
from monitor.rules import RuleConfig
from monitor.signals import Topic
from monitor.vocab import Lang

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
ONE_SHOT_INSTANCES = 4  # a one-shot job re-planned while it runs is not skipped as "already running"


class Service(Protocol):
    """Something that lives as long as the daemon in its loop (the Telegram bot)."""

    async def start(self, poll: bool) -> None: ...

    async def stop(self) -> None: ...


@dataclass(frozen=True)
class DaemonConfig:
    rules: RuleConfig
    lifecycle: LifecycleConfig
    reports: ReportContext | None = None  # where report jobs write, and in which language
    sweep_interval: timedelta = timedelta(hours=1)
    poll_interval: timedelta = timedelta(seconds=2)
    head: HeadPublishing | None = None  # where and how often the chain head is published


class Daemon:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        sender: Sender,
        config: DaemonConfig,
        jobs: list[JobSpec],
        clock: Clock,
        services: Sequence[Service] = (),
    ) -> None:
        self.sessions, self.sender, self.config, self.jobs, self.clock = sessions, sender, config, jobs, clock
        self.services = services
        self.lang: Lang = config.reports.lang if config.reports is not None else "ko"
        self.bounds = boundaries(config.rules, config.lifecycle)
        self.lock = asyncio.Lock()
        self.stopping = asyncio.Event()
        self.running = 0  # scheduled runs in progress
        self.idle = asyncio.Event()
        self.idle.set()
        self.last_pass: datetime | None = None
        self.planned: Wakeup | None = None  # the wake-up last logged: each change is named once
        self.seen_versions: dict[Topic, str] = {}
        self.scheduler = AsyncIOScheduler(
            timezone=UTC,
            # Never drop a late run (the default grace is one second); run it once.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    async def run(self, once: bool = False) -> int:
        """Run until SIGTERM/SIGINT (or one pass with `once`); returns the exit status."""
        use_zone(self.config.rules.tz)
        scheduler_log_language(self.lang)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stopping.set)
        self.seen_versions = await asyncio.to_thread(dbwork.read_versions, self.sessions)
        for service in self.services:
            await service.start(poll=not once)
        try:
            return await self._serve(once)
        finally:
            for service in reversed(self.services):
                await service.stop()

    async def _serve(self, once: bool) -> int:
        await self._step(self._first_pass)
        if once:
            return 0
        self.scheduler.start()
        self._schedule(
            "sweep",
            IntervalTrigger(seconds=self.config.sweep_interval.total_seconds()),
            self._step,
            self._full_pass,
        )
        self._schedule("poll", IntervalTrigger(seconds=self.config.poll_interval.total_seconds()), self._poll)
        await self._start_cron_jobs()
        await self._replan()
        await self.stopping.wait()
        log.info(say("stopping", self.lang))
        self.scheduler.pause()
        await self.idle.wait()  # every job already running ends normally; none is cancelled mid-way
        self.scheduler.shutdown(wait=False)
        log.info(say("stopped", self.lang))
        return 0

    def _schedule(
        self,
        job_id: str,
        trigger: BaseTrigger,
        work: Callable[..., Awaitable[None]],
        *args: object,
        instances: int = 1,
    ) -> None:
        """Add (or replace) a job whose runs are tracked, so that shutdown can wait for them."""
        self.scheduler.add_job(
            self._tracked,
            trigger,
            args=[work, *args],
            id=job_id,
            replace_existing=True,
            max_instances=instances,
        )

    async def _tracked(self, work: Callable[..., Awaitable[None]], *args: object) -> None:
        self.running += 1
        self.idle.clear()
        try:
            await work(*args)
        finally:
            self.running -= 1
            if self.running == 0:
                self.idle.set()

    async def _step(self, work: Callable[[], Awaitable[object]], coalesce: bool = False) -> None:
        """One unit of work at a time; any failure is logged and the daemon carries on.

        With `coalesce`, the work is dropped when a step is already running: that step re-plans when it
        ends, from the instant it evaluated, so whatever this run would have seen is due at once then."""
        if self.stopping.is_set() or (coalesce and self.lock.locked()):
            return
        async with self.lock:
            try:
                await work()
            except Exception:
                log.exception(say("failed", self.lang))
            if not self.stopping.is_set():
                await self._replan()

    async def _first_pass(self) -> None:
        """At start everything is evaluated at once, so the groups are already complete: no group_wait.
        The console shows the summary of every state first, then the alerts."""
        await self._full_pass(immediate=True, summary=True)
        if self.config.head is not None:
            await self._publish_head()

    async def _full_pass(self, immediate: bool = False, summary: bool = False) -> None:
        now = self.clock()
        await asyncio.to_thread(self._detect, now, None, immediate)
        self.last_pass = now
        if summary:
            await announce_start(self.sender.notifiers.values(), self.sessions, self.config.rules, now)
        await self.sender.deliver_due()

    async def _incremental_pass(self, extra_codes: set[str] | None = None) -> None:
        now = self.clock()
        since = self.last_pass or now
        scope, everything = await asyncio.to_thread(
            dbwork.scope_since, self.sessions, self.bounds, (since, now), extra_codes or set()
        )
        if everything:
            await asyncio.to_thread(self._detect, now, None)
        elif scope:
            await asyncio.to_thread(self._detect, now, scope)
        self.last_pass = now
        await self.sender.deliver_due()

    def _detect(self, now: datetime, scope: set[int] | None, immediate: bool = False) -> None:
        lifecycle = (
            replace(self.config.lifecycle, group_wait=timedelta(0)) if immediate else self.config.lifecycle
        )
        detect(self.sessions, self.config.rules, lifecycle, now, scope, keep=False, lang=self.lang)

    async def _wakeup(self) -> None:
        await self._step(self._incremental_pass, coalesce=True)

    async def _deliver(self) -> None:
        await self._step(self.sender.deliver_due, coalesce=True)

    async def poke(self) -> None:
        """Look for changes and deliver now (the bot calls this after a confirmed /log or a /report)."""
        await self._poll()
        await self._deliver()

    async def _poll(self) -> None:
        """Re-plan when another process logged progress, reloaded seeds or changed silences."""
        current = await asyncio.to_thread(dbwork.read_versions, self.sessions)
        changed = {t for t, v in current.items() if self.seen_versions.get(t, v) != v}
        self.seen_versions = current
        if not changed:
            return
        log.info(changed_line(changed, self.lang))
        if changed & {Topic.SEED, Topic.SILENCE}:
            await self._step(self._full_pass)
            return
        since = self.last_pass or self.clock()
        codes = await asyncio.to_thread(dbwork.reported_since, self.sessions, since)
        await self._step(lambda: self._incremental_pass(codes))

    async def _replan(self) -> None:
        """Plan the next wake-up from the instant the world was last evaluated, not from now: a boundary
        crossed while a long pass ran is then due at once instead of being skipped."""
        now = self.clock()
        wakeup, delivery = await asyncio.to_thread(
            dbwork.plan, self.sessions, self.bounds, self.last_pass or now
        )
        if wakeup is not None:
            self._schedule(
                "wakeup",
                DateTrigger(run_date=max(wakeup.at, now)),
                self._wakeup,
                instances=ONE_SHOT_INSTANCES,
            )
            if wakeup != self.planned:  # every step re-plans; most find the same change still next
                log.info(next_change_line(wakeup, self.config.rules.tz, self.lang))
        elif self.scheduler.get_job("wakeup"):
            self.scheduler.remove_job("wakeup")
        self.planned = wakeup
        if delivery is not None:
            self._schedule(
                "deliver",
                DateTrigger(run_date=max(delivery, now)),
                self._deliver,
                instances=ONE_SHOT_INSTANCES,
            )

    async def _publish_head(self) -> None:
        assert self.config.head is not None
        target, tz = self.config.head.chat_id, self.config.rules.tz
        await asyncio.to_thread(publish_head, self.sessions, target, self.clock(), tz, self.lang)
        await self.sender.deliver_due()

    async def _start_cron_jobs(self) -> None:
        if (head := self.config.head) is not None:  # published by the first pass, then every interval
            self._schedule(
                "head", IntervalTrigger(seconds=head.every.total_seconds()), self._step, self._publish_head
            )
        for job in self.jobs:
            trigger = job.trigger(self.config.rules.tz)
            self._schedule(f"job:{job.id}", trigger, self._run_job, job)
            if job.catch_up:
                missed = await asyncio.to_thread(dbwork.missed, self.sessions, job, trigger, self.clock())
                if missed is not None:
                    at = local_minute(missed, self.config.rules.tz)
                    log.info(say("missed", self.lang, job=job.id, at=at))
                    await self._run_job(job, missed)

    async def _run_job(self, job: JobSpec, scheduled: datetime | None = None) -> None:
        async def work() -> None:
            started = self.clock()
            status, error = "ok", None
            try:
                if job.kind == "evaluate":
                    await self._full_pass()
                else:
                    configs = (self.config.lifecycle, self.config.rules, self.config.reports)
                    await asyncio.to_thread(
                        dbwork.queue_job, self.sessions, job, configs, scheduled or started, started
                    )
                    await self.sender.deliver_due()
            except Exception as exc:
                status, error = "error", f"{type(exc).__name__}: {exc}"
                raise
            finally:
                times = (scheduled or started, started, self.clock())
                await asyncio.to_thread(dbwork.record_job_run, self.sessions, job, times, status, error)

        await self._step(work)
