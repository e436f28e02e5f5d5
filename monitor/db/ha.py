"""Tables for running more than one daemon: who is alive, who leads, who delivers to which chat, the
flood limits every process shares, and the change log the daemon follows.

- `daemons`: one row per running daemon, its heartbeat and what it last did (`monitor status` reads it).
- `leases`: a named lease held until an instant ("leader", "deliver:telegram:123"). Taking one is a
  conditional UPDATE (free or expired, or already ours), so it works the same on SQLite and PostgreSQL, and
  a process that stalls longer than its lease (SIGSTOP, a lost network) loses it to a follower.
- `flood_windows`: Telegram counts requests per bot and per chat whatever process sends them; the sliding
  windows live here on PostgreSQL so that two daemons together stay within them.
- `change_log`: every write the daemon must react to (progress, status, seeds, silences) appends a row
  whose `seq` comes from a counter row updated in the same transaction; writers serialise on that row, so
  sequence numbers become visible in order and "everything after my watermark" never skips a late commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from monitor.db.base import Base


class DaemonRecord(Base):
    __tablename__ = "daemons"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # random per process start
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime] = mapped_column(index=True)
    leader: Mapped[bool] = mapped_column(Boolean, default=False)
    last_pass_at: Mapped[datetime | None]
    next_wakeup_at: Mapped[datetime | None]
    stopped_at: Mapped[datetime | None]


class Lease(Base):
    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(160), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(64))
    until: Mapped[datetime | None]
    since: Mapped[datetime | None]  # when the current holder took it


class FloodWindow(Base):
    __tablename__ = "flood_windows"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # "bot", "chat:-100123"
    # {"ends": [...], "flight": {"<process>.<request>": [start, expiry]}, and on the bot's row "waiting":
    # {process: [until, [when each waiting request came]]}} (monitor.telegram.shared_limits)
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ChangeEntry(Base):
    __tablename__ = "change_log"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    topic: Mapped[str] = mapped_column(String(32))
    code: Mapped[str | None] = mapped_column(String(64))  # the commitment changed; NULL: re-evaluate all
    at: Mapped[datetime]
