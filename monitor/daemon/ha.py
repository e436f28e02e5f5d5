"""Who may detect: one leader per database, any number of daemons delivering.

On PostgreSQL the leader holds the lease "leader" (`monitor.db.leases`), renewed every third of
`leader_lease` by the heartbeat; a follower takes it when it runs out — within one lease after the leader
died (kill -9), lost its network or stalled (SIGSTOP). A stalled leader that resumes finds its lease gone at
its next heartbeat and stops detecting; until then its passes are harmless (alerts are keyed rows, outbox
rows have unique keys, delivery is guarded by per-destination leases).

On SQLite a second daemon would only fight over the database's single writer lock, so it is refused at
start: an OS lock (flock) on a file next to the database, released by the kernel whatever way the holder
dies. The daemon holding it always leads.

Every daemon keeps a row in `daemons` (heartbeat, leader flag, last pass, next wake-up) for
`monitor status`.
"""

from __future__ import annotations

import fcntl
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from sqlalchemy.orm import Session, sessionmaker

from monitor.db import leases
from monitor.db.ha import DaemonRecord
from monitor.errors import MonitorError

LEADER = "leader"


class AnotherDaemon(MonitorError):
    """A second daemon on a SQLite database, or `--once` while another daemon leads."""


@dataclass
class Identity:
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)


@dataclass
class Beat:
    """What a heartbeat records besides being alive."""

    last_pass: datetime | None = None
    next_wakeup: datetime | None = None


class Membership:
    """This daemon's row in `daemons` and its claim to lead."""

    def __init__(self, sessions: sessionmaker[Session], lease: timedelta, identity: Identity | None = None):
        self.sessions, self.lease = sessions, lease
        self.me = identity or Identity()
        self.leading = False
        self._file: IO[bytes] | None = None
        self.single = sessions.kw["bind"].dialect.name == "sqlite"

    def join(self, now: datetime) -> None:
        """Register; on SQLite take the file lock or refuse (one line naming the other daemon)."""
        if self.single:
            self._lock_file()
        with self.sessions.begin() as session:
            session.add(
                DaemonRecord(
                    id=self.me.id,
                    host=self.me.host,
                    pid=self.me.pid,
                    started_at=now,
                    heartbeat_at=now,
                    leader=False,
                )
            )

    def beat(self, now: datetime, beat: Beat) -> bool:
        """Renew or take the leadership, record the heartbeat; returns whether this daemon leads now."""
        with self.sessions.begin() as session:
            self.leading = self.single or LEADER in leases.take(
                session, [LEADER], self.me.id, now, self.lease
            )
            row = session.get(DaemonRecord, self.me.id)
            if row is not None:
                row.heartbeat_at, row.leader = now, self.leading
                row.last_pass_at, row.next_wakeup_at = beat.last_pass, beat.next_wakeup
        return self.leading

    def leave(self, now: datetime) -> None:
        """A clean stop: give the leadership back at once and mark the row stopped."""
        with self.sessions.begin() as session:
            leases.release(session, [LEADER], self.me.id)
            row = session.get(DaemonRecord, self.me.id)
            if row is not None:
                row.stopped_at, row.leader, row.heartbeat_at = now, False, now
        self.leading = False
        if self._file is not None:
            self._file.close()  # the flock goes with it
            self._file = None

    def refuse_beside_a_leader(self, now: datetime) -> None:
        """`--once` evaluates: not while another daemon leads (two detecting processes would race)."""
        with self.sessions() as session:
            holder = leases.holders(session, LEADER, now).get(LEADER)
            other = session.get(DaemonRecord, holder) if holder not in (None, self.me.id) else None
        if other is not None:
            who = f"{other.host} pid {other.pid}"
            raise AnotherDaemon(
                f"another daemon ({who}) leads on this database: --once would evaluate beside it",
                ko=f"이 데이터베이스에서 다른 데몬({who})이 주도하고 있습니다: "
                "--once는 함께 평가하지 않습니다",
            )

    def _lock_file(self) -> None:
        database = self.sessions.kw["bind"].url.database
        path = Path(f"{database}.daemon.lock") if database and database != ":memory:" else None
        if path is None:
            return
        handle = path.open("a+b")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            other = handle.read().decode("utf-8", "replace").strip() or "?"
            handle.close()
            raise AnotherDaemon(
                f"another daemon ({other}) already runs on this SQLite database; SQLite allows one daemon "
                "— run several on PostgreSQL",
                ko=f"이 SQLite 데이터베이스에서 다른 데몬({other})이 이미 실행 중입니다. SQLite에서는 데몬을 "
                "하나만 실행할 수 있습니다 — 여러 데몬은 PostgreSQL에서 실행하세요",
            ) from None
        handle.truncate(0)
        handle.write(f"{self.me.host} pid {self.me.pid}".encode())
        handle.flush()
        self._file = handle
