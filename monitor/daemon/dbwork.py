"""The daemon's database work, one unit per session (each runs in a worker thread): what changed after
the daemon's watermark (`current_seq`, `changes_after`; see monitor.signals for why they come in commit
order), the plan of the next wake-up, and for cron jobs (jobs/*.toml) a run missed while the
daemon was down, the digest or report a run queues and the record of the run."""

from __future__ import annotations

from datetime import datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from sqlalchemy.orm import Session, sessionmaker

from monitor import signals
from monitor.alerts.config import LifecycleConfig
from monitor.daemon.digest import enqueue_digest
from monitor.daemon.jobs import JobSpec, missed_since_last_run, previous_run, record_run
from monitor.daemon.report_jobs import ReportContext, ReportParams, run_report_job
from monitor.evaluation.planner import Boundary, Wakeup, crossed, next_change
from monitor.evaluation.run import card_scope
from monitor.rules import RuleConfig
from monitor.signals import Changes

Sessions = sessionmaker[Session]


def current_seq(sessions: Sessions) -> int:
    """The poll's cheap read: the last change number committed (a primary-key read)."""
    with sessions() as session:
        return signals.current_seq(session)


def changes_after(sessions: Sessions, watermark: int) -> Changes:
    """What was committed after `watermark`; process it, then move the watermark to `upto`."""
    with sessions() as session:
        return signals.changes_after(session, watermark)


def prune_changes(sessions: Sessions, watermark: int, now: datetime, keep: timedelta) -> int:
    """Forget the changes the leader has processed (≤ its `watermark`) once older than `keep`: a daemon
    taking over starts with a full pass, so nobody reads them again. Returns how many went."""
    with sessions.begin() as session:
        return signals.prune(session, watermark, now - keep)


def scope_since(
    sessions: Sessions, bounds: list[Boundary], window: tuple[datetime, datetime], extra: set[str]
) -> tuple[set[int], bool]:
    """The commitments to re-evaluate for boundaries crossed in (since, now], plus `extra` codes; the
    flag says a silence ended (re-evaluate everything)."""
    with sessions() as session:
        codes, silence_ended = crossed(session, bounds, *window)
        return card_scope(session, codes | extra), silence_ended


def plan(sessions: Sessions, bounds: list[Boundary], now: datetime) -> Wakeup | None:
    """The next state change after `now` (the delivery task plans its own timer)."""
    with sessions() as session:
        return next_change(session, bounds, now)


def missed(sessions: Sessions, job: JobSpec, trigger: BaseTrigger, now: datetime) -> datetime | None:
    with sessions.begin() as session:
        return missed_since_last_run(session, job, trigger, now)


def queue_job(
    sessions: Sessions,
    job: JobSpec,
    configs: tuple[LifecycleConfig, RuleConfig, ReportContext | None],
    scheduled: datetime,
    now: datetime,
) -> None:
    """Digests and reports: write files and outbox rows; the sender delivers them."""
    lifecycle, rules, ctx = configs
    with sessions.begin() as session:
        if job.kind == "digest":
            enqueue_digest(session, job.id, now, lifecycle, job.params, rules)
            return
        params, since = ReportParams.model_validate(job.params), previous_run(session, job)
        if ctx is None:
            raise RuntimeError("report jobs need DaemonConfig.reports")
        run_report_job(session, job.id, params, scheduled=scheduled, since=since, now=now, ctx=ctx)


def record_job_run(
    sessions: Sessions,
    job: JobSpec,
    times: tuple[datetime, datetime, datetime],
    status: str,
    error: str | None,
) -> None:
    """`times`: (scheduled, started, finished)."""
    with sessions.begin() as session:
        record_run(session, job, times, status, error)
