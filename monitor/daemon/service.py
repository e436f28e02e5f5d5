"""`monitor run`: one asyncio process around detection and delivery (APScheduler 3, AsyncIOScheduler).

Event-scheduled: after every pass the planner finds the next instant at which anything changes state
and a single date job ("wakeup") is set for exactly then. An hourly sweep re-evaluates everything as a
safety net; a poll of the change log (`monitor.signals`) re-evaluates what was written since the last
watermark — progress, statuses, seeds, silences, from any process — so nothing is missed however long a
step waited; cron jobs come from jobs/*.toml, and a run missed while the daemon was down is made up once.

Several daemons may share one PostgreSQL database (`monitor.daemon.ha`): the leader detects and runs the
schedule; every daemon delivers (`monitor.daemon.delivery`), each destination claimed by one of them at a
time. Detection runs one step at a time in worker threads; delivery is its own task, so a rate-limited send
never delays a wake-up. SIGTERM/SIGINT: finish the work in flight (at most `shutdown_timeout`), give the
leadership back, exit 0. At start the leader's console shows every state per jurisdiction, then the alerts.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session, sessionmaker

from monitor.alerts.config import LifecycleConfig
from monitor.daemon import dbwork, leader_jobs
from monitor.daemon.delivery import DeliveryLoop, DeliveryObserver
from monitor.daemon.detect import detect
from monitor.daemon.ha import Beat, Identity, Membership
from monitor.daemon.head import HeadPublishing
from monitor.daemon.jobs import JobSpec
from monitor.daemon.log_texts import changed_line, say, scheduler_log_language
from monitor.daemon.report_jobs import ReportContext
from monitor.daemon.scheduling import TrackedScheduler
from monitor.daemon.startup import announce_start, next_change_line
from monitor.evaluation.planner import Wakeup, boundaries
from monitor.logs import use_zone
from monitor.notify.sender import Sender
from monitor.ops.status import HEARTBEAT_INTERVAL
from monitor.rules import RuleConfig
from monitor.vocab import Lang

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
ONE_SHOT_INSTANCES = 4  # a one-shot job re-planned while it runs is not skipped as "already running"
CHANGES_KEPT = timedelta(days=1)  # processed change-log entries kept this long (for a look afterwards)
LEADER_JOBS = ("first", "sweep", "poll", "wakeup", "head", "catch-up")


class Service(Protocol):
    """Something that lives as long as the daemon in its loop (the Telegram bot). `lead` says whether
    this daemon leads now: only one process may answer the bot's updates."""

    async def start(self, poll: bool) -> None: ...

    async def lead(self, leading: bool) -> None: ...

    async def stop(self) -> None: ...


class Observer(DeliveryObserver, Protocol):
    """Where the daemon reports what it does (Prometheus metrics: `monitor.ops.telemetry`)."""

    def pass_done(self, kind: str, seconds: float) -> None: ...

    def set_leader(self, leading: bool) -> None: ...


@dataclass(frozen=True)
class DaemonConfig:
    rules: RuleConfig
    lifecycle: LifecycleConfig
    reports: ReportContext | None = None  # where report jobs write, and in which language
    sweep_interval: timedelta = timedelta(hours=1)
    poll_interval: timedelta = timedelta(seconds=2)
    head: HeadPublishing | None = None  # where and how often the chain head is published
    leader_lease: timedelta = timedelta(seconds=15)
    shutdown_timeout: timedelta = timedelta(seconds=30)


class Daemon:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        sender: Sender,
        config: DaemonConfig,
        jobs: list[JobSpec],
        clock: Clock,
        services: Sequence[Service] = (),
        observer: Observer | None = None,
        identity: Identity | None = None,
    ) -> None:
        self.sessions, self.sender, self.config, self.jobs, self.clock = sessions, sender, config, jobs, clock
        self.services, self.observer = services, observer
        self.lang: Lang = config.reports.lang if config.reports is not None else "ko"
        self.bounds = boundaries(config.rules, config.lifecycle)
        self.membership = Membership(sessions, config.leader_lease, identity)
        self.delivery = DeliveryLoop(sender, sessions, clock, config.poll_interval, self.lang, observer)
        self.lock = asyncio.Lock()
        self.stopping = asyncio.Event()
        self.leading: bool | None = None  # unknown until the first heartbeat
        self.last_pass: datetime | None = None
        self.watermark = 0  # the change log is processed up to here
        self.planned: Wakeup | None = None  # the wake-up last logged: each change is named once
        self.tracked = TrackedScheduler()
        self.scheduler = self.tracked.scheduler

    async def run(self, once: bool = False) -> int:
        """Run until SIGTERM/SIGINT (or one pass with `once`); returns the exit status."""
        use_zone(self.config.rules.tz)
        scheduler_log_language(self.lang)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stopping.set)
        if once:
            await asyncio.to_thread(self.membership.refuse_beside_a_leader, self.clock())
        await asyncio.to_thread(self.membership.join, self.clock())
        try:
            for service in self.services:
                await service.start(poll=not once)
            try:
                return await (self._once() if once else self._serve())
            finally:
                for service in reversed(self.services):
                    await service.stop()
        finally:
            await asyncio.to_thread(self.membership.leave, self.clock())

    async def _once(self) -> int:
        await self._heartbeat(schedule=False)
        await self._first_pass()
        await self.delivery.round()
        return 0

    async def _serve(self) -> int:
        self.scheduler.start()
        self.delivery.start()
        beat = min(HEARTBEAT_INTERVAL, self.config.leader_lease / 3)  # `monitor status` expects it
        self.tracked.add("heartbeat", IntervalTrigger(seconds=beat.total_seconds()), self._heartbeat)
        await self._heartbeat()
        await self.stopping.wait()
        await self._shutdown()
        return 0

    async def _shutdown(self) -> None:
        """Finish what runs (within `shutdown_timeout`), then stop delivering."""
        log.info(say("stopping", self.lang))
        self.scheduler.pause()
        timeout = self.config.shutdown_timeout
        try:
            await asyncio.wait_for(self.tracked.idle.wait(), timeout.total_seconds())
        except TimeoutError:
            log.warning(say("shutdown_late", self.lang, seconds=int(timeout.total_seconds())))
        await self.delivery.stop(timeout)
        self.scheduler.shutdown(wait=False)
        log.info(say("stopped", self.lang))

    async def _heartbeat(self, schedule: bool = True) -> None:
        """Renew the leadership (or take it when free) and record that this daemon is alive."""
        beat = Beat(self.last_pass, self.planned.at if self.planned is not None else None)
        leading = await asyncio.to_thread(self.membership.beat, self.clock(), beat)
        if leading == self.leading:
            return
        self.leading = leading
        if self.observer is not None:
            self.observer.set_leader(leading)
        log.info(say("leading" if leading else "following", self.lang))
        for service in self.services:
            await service.lead(leading)
        if schedule:
            self._lead() if leading else self._follow()

    def _lead(self) -> None:
        """Detection and the schedule start here; the first pass runs as a job of its own, so that the
        heartbeat is never held up by it (a long pass must not cost the lease)."""
        now = self.clock()
        self.tracked.add("first", DateTrigger(run_date=now), self._step, self._first_pass)
        sweep = IntervalTrigger(seconds=self.config.sweep_interval.total_seconds())
        self.tracked.add("sweep", sweep, self._step, self._sweep)
        self.tracked.add(
            "poll", IntervalTrigger(seconds=self.config.poll_interval.total_seconds()), self._poll
        )
        leader_jobs.schedule(self, now)

    def _follow(self) -> None:
        self.tracked.remove(keep=lambda job_id: job_id not in LEADER_JOBS and not job_id.startswith("job:"))

    async def _step(self, work: Callable[[], Awaitable[object]], coalesce: bool = False) -> None:
        """One unit of detection at a time; any failure is logged and the daemon carries on.

        With `coalesce`, the work is dropped when a step is already running: that step re-plans when it
        ends, from the instant it evaluated, so whatever this run would have seen is due at once then."""
        if self.stopping.is_set() or (coalesce and self.lock.locked()):
            return
        async with self.lock:
            try:
                await work()
            except Exception:
                log.exception(say("failed", self.lang))
            if not self.stopping.is_set() and self.leading is not False:
                await self._replan()

    async def _first_pass(self) -> None:
        """At start everything is evaluated at once, so the groups are already complete: no group_wait.
        The console shows the summary of every state first, then the alerts."""
        await self._full_pass(immediate=True, summary=True)
        if self.config.head is not None:
            await leader_jobs.publish_head(self)

    async def _full_pass(self, immediate: bool = False, summary: bool = False) -> None:
        started, now = time.perf_counter(), self.clock()
        seq = await asyncio.to_thread(dbwork.current_seq, self.sessions)  # read before the world is
        await asyncio.to_thread(self._detect, now, None, immediate)
        self.last_pass, self.watermark = now, max(self.watermark, seq)
        if summary:
            await announce_start(self.sender.notifiers.values(), self.sessions, self.config.rules, now)
        self._passed("full", started)

    async def _sweep(self) -> None:
        """The safety net: everything evaluated; the change log's processed past a day is dropped."""
        await self._full_pass()
        await asyncio.to_thread(
            dbwork.prune_changes, self.sessions, self.watermark, self.clock(), CHANGES_KEPT
        )

    async def _incremental_pass(self, extra_codes: frozenset[str] = frozenset()) -> None:
        started, now = time.perf_counter(), self.clock()
        since = self.last_pass or now
        scope, everything = await asyncio.to_thread(
            dbwork.scope_since, self.sessions, self.bounds, (since, now), set(extra_codes)
        )
        if everything:
            await asyncio.to_thread(self._detect, now, None)
        elif scope:
            await asyncio.to_thread(self._detect, now, scope)
        self.last_pass = now
        self._passed("incremental", started)

    def _passed(self, kind: str, started: float) -> None:
        if self.observer is not None:
            self.observer.pass_done(kind, time.perf_counter() - started)
        self.delivery.kick()

    def _detect(self, now: datetime, scope: set[int] | None, immediate: bool = False) -> None:
        lifecycle = (
            replace(self.config.lifecycle, group_wait=timedelta(0)) if immediate else self.config.lifecycle
        )
        detect(self.sessions, self.config.rules, lifecycle, now, scope, keep=False, lang=self.lang)

    async def _wakeup(self) -> None:
        await self._step(self._incremental_pass, coalesce=True)

    async def poke(self) -> None:
        """Look for changes and deliver now (the bot calls this after a confirmed /log or a /report)."""
        if self.leading:
            await self._poll()
        self.delivery.kick()

    async def _poll(self) -> None:
        """Re-evaluate what the change log holds past the watermark (written by any process)."""
        if await asyncio.to_thread(dbwork.current_seq, self.sessions) > self.watermark:
            await self._step(self._process_changes)

    async def _process_changes(self) -> None:
        """Read inside the step, so whatever was committed while the step waited is included; a change
        committed after this read has a larger number and is processed by the next poll."""
        changes = await asyncio.to_thread(dbwork.changes_after, self.sessions, self.watermark)
        if changes.upto <= self.watermark:
            return
        log.info(changed_line(changes.topics, self.lang))
        if changes.everything:
            await self._full_pass()
        else:
            await self._incremental_pass(changes.codes)
        self.watermark = max(self.watermark, changes.upto)

    async def _replan(self) -> None:
        """Plan the next wake-up from the instant the world was last evaluated, not from now: a boundary
        crossed while a long pass ran is then due at once instead of being skipped."""
        now = self.clock()
        wakeup = await asyncio.to_thread(dbwork.plan, self.sessions, self.bounds, self.last_pass or now)
        if wakeup is not None:
            self.tracked.add(
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
