"""What an operator needs to know about the running monitor, read from the database in one go.

A daemon proves it is alive by its heartbeat in the `daemons` table: it writes one every
`HEARTBEAT_INTERVAL`, and a heartbeat older than `FRESH_FOR` (three missed beats) means the process is
gone or stalled. The daemon imports both constants, so writer and reader agree on what "fresh" is.

`read_status` is the one reader: `monitor status` renders its `Status` as a table or JSON and the
metrics collector turns the same value into gauges. The instant is the caller's clock (the CLI's or the
daemon's), never read here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.errors import MonitorError
from monitor.history.publish import PublishedHead, current_head
from monitor.vocab import Labelled

HEARTBEAT_INTERVAL = timedelta(seconds=5)
FRESH_FOR = 3 * HEARTBEAT_INTERVAL  # a heartbeat older than this: the daemon is gone or stalled
SEEN_FOR = timedelta(days=1)  # daemons listed: those heard from within this (and always the last one)
DAEMONS_SHOWN = 20
DISABLED_SHOWN = 20  # the most recently disabled chats listed (all are counted)


class DaemonRole(Labelled):
    """What a daemon seen in the `daemons` table is doing now."""

    LEADER = "leader", "리더", "leader"  # alive, runs the scheduler and detection
    FOLLOWER = "follower", "예비", "follower"  # alive, delivers and waits to take over
    STOPPED = "stopped", "멈춤", "stopped"  # exited cleanly
    SILENT = (
        "silent",
        "응답 없음",
        "not responding",
    )  # no fresh heartbeat and no clean stop: killed or stalled


class OutboxState(Labelled):
    PENDING = "pending", "대기", "pending"
    SENT = "sent", "보냄", "sent"
    FAILED = "failed", "실패", "failed"


class AlertState(Labelled):
    FIRING = "firing", "발생 중", "firing"
    RESOLVED = "resolved", "해소", "resolved"


S = TypeVar("S", bound=Labelled)


class NoDaemonAlive(MonitorError):
    """No daemon has a fresh heartbeat: `monitor status` says so in one line and exits 1."""


def is_fresh(heartbeat_at: datetime, now: datetime) -> bool:
    """Whether a heartbeat written at `heartbeat_at` still shows its daemon alive at `now`."""
    return now - heartbeat_at <= FRESH_FOR


@dataclass(frozen=True)
class DaemonSeen:
    id: str
    host: str
    pid: int
    started_at: datetime
    heartbeat_at: datetime
    heartbeat_age: timedelta  # never negative (a clock a little ahead of ours counts as just now)
    role: DaemonRole
    last_pass_at: datetime | None
    next_wakeup_at: datetime | None
    stopped_at: datetime | None

    @property
    def alive(self) -> bool:
        return self.role in (DaemonRole.LEADER, DaemonRole.FOLLOWER)


@dataclass(frozen=True)
class Backlog:
    """The outbox: rows per state, how long the oldest pending one has waited, the last failure."""

    counts: Mapping[OutboxState, int]
    oldest_pending_at: datetime | None
    oldest_pending_age: timedelta | None
    latest_error: str | None  # of the failed row written last (the outbox keeps no failure time)
    latest_error_destination: str | None


@dataclass(frozen=True)
class DisabledChat:
    chat_id: int
    title: str | None
    disabled_at: datetime
    reason: str | None


@dataclass(frozen=True)
class Status:
    at: datetime
    daemons: tuple[DaemonSeen, ...]  # latest heartbeat first
    backlog: Backlog
    alerts: Mapping[AlertState, int]
    disabled_count: int
    disabled_chats: tuple[DisabledChat, ...]  # most recently disabled first
    head: PublishedHead

    @property
    def alive(self) -> tuple[DaemonSeen, ...]:
        return tuple(d for d in self.daemons if d.alive)

    @property
    def leader(self) -> DaemonSeen | None:
        return next((d for d in self.daemons if d.role is DaemonRole.LEADER), None)

    @property
    def last_pass_at(self) -> datetime | None:
        """The last detection pass of any daemon (the leader changes; the passes go on)."""
        return max((d.last_pass_at for d in self.daemons if d.last_pass_at), default=None)

    @property
    def next_wakeup_at(self) -> datetime | None:
        """When the leader plans its next pass (none without a leader)."""
        return self.leader.next_wakeup_at if self.leader else None


def read_status(session: Session, now: datetime) -> Status:
    """The status at `now`, read with a handful of queries (none of them per row)."""
    disabled_count, disabled = _disabled_chats(session)
    return Status(
        at=now,
        daemons=_daemons(session, now),
        backlog=_backlog(session, now),
        alerts=_counts(session, m.Alert.state, AlertState),
        disabled_count=disabled_count,
        disabled_chats=disabled,
        head=current_head(session),
    )


def _daemons(session: Session, now: datetime) -> tuple[DaemonSeen, ...]:
    rows = session.scalars(
        select(m.DaemonRecord)
        .order_by(m.DaemonRecord.heartbeat_at.desc(), m.DaemonRecord.id)
        .limit(DAEMONS_SHOWN)
    ).all()
    recent = [row for i, row in enumerate(rows) if i == 0 or now - row.heartbeat_at <= SEEN_FOR]
    leading = next((r.id for r in recent if r.leader and _role(r, now) is DaemonRole.FOLLOWER), None)
    return tuple(_seen(row, now, row.id == leading) for row in recent)


def _role(row: m.DaemonRecord, now: datetime) -> DaemonRole:
    """Alive rows are followers here; `_daemons` names one leader among them."""
    if row.stopped_at is not None:
        return DaemonRole.STOPPED
    return DaemonRole.FOLLOWER if is_fresh(row.heartbeat_at, now) else DaemonRole.SILENT


def _seen(row: m.DaemonRecord, now: datetime, leading: bool) -> DaemonSeen:
    return DaemonSeen(
        id=row.id,
        host=row.host,
        pid=row.pid,
        started_at=row.started_at,
        heartbeat_at=row.heartbeat_at,
        heartbeat_age=max(timedelta(0), now - row.heartbeat_at),
        role=DaemonRole.LEADER if leading else _role(row, now),
        last_pass_at=row.last_pass_at,
        next_wakeup_at=row.next_wakeup_at,
        stopped_at=row.stopped_at,
    )


def _counts(session: Session, column: Any, states: type[S]) -> dict[S, int]:
    """Rows per state, every state present (0 when none)."""
    rows = session.execute(select(column, func.count()).group_by(column))
    found: dict[str, int] = {row[0]: row[1] for row in rows}
    return {state: int(found.get(state.value, 0)) for state in states}


def _backlog(session: Session, now: datetime) -> Backlog:
    outbox = m.OutboxEntry
    oldest = session.scalar(select(func.min(outbox.created_at)).where(outbox.state == OutboxState.PENDING))
    failed = session.execute(
        select(outbox.last_error, outbox.destination)
        .where(outbox.state == OutboxState.FAILED)
        .order_by(outbox.id.desc())
        .limit(1)
    ).first()
    return Backlog(
        counts=_counts(session, outbox.state, OutboxState),
        oldest_pending_at=oldest,
        oldest_pending_age=None if oldest is None else max(timedelta(0), now - oldest),
        latest_error=failed.last_error if failed else None,
        latest_error_destination=failed.destination if failed else None,
    )


def _disabled_chats(session: Session) -> tuple[int, tuple[DisabledChat, ...]]:
    chat = m.TelegramChat
    count = session.scalar(select(func.count()).where(chat.disabled_at.is_not(None))) or 0
    rows = session.scalars(
        select(chat)
        .where(chat.disabled_at.is_not(None))
        .order_by(chat.disabled_at.desc())
        .limit(DISABLED_SHOWN)
    )
    return count, tuple(
        DisabledChat(r.chat_id, r.title, r.disabled_at, r.disabled_reason)
        for r in rows
        if r.disabled_at is not None
    )
