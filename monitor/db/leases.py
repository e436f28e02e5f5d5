"""Named leases (`leases` table): the leading daemon's ("leader") and one per destination being delivered
to ("deliver:telegram:123").

A lease is taken or renewed by one conditional UPDATE — it succeeds only when the lease is free, expired
or already ours — so two processes can never both hold it, on SQLite or PostgreSQL. The row is created on
first use (a concurrent creation is an expected race, not an error). Instants come from the caller's
clock: processes on several hosts need synchronised clocks (NTP), as with any lease.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from monitor.db.ha import Lease


def _ensure(session: Session, names: list[str]) -> None:
    """Create the rows that do not exist yet; a row another process creates meanwhile is fine."""
    values = [{"name": name} for name in names]
    if not values:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(Lease).values(values).on_conflict_do_nothing(index_elements=["name"]))


def take(session: Session, names: list[str], holder: str, now: datetime, ttl: timedelta) -> set[str]:
    """Take (or renew) every lease of `names` that is free, expired or already `holder`'s, until
    `now + ttl`; returns the names now held. Commit promptly: the rows stay locked until then."""
    _ensure(session, names)
    free = or_(Lease.holder.is_(None), Lease.until.is_(None), Lease.until <= now, Lease.holder == holder)
    taken = session.execute(
        update(Lease)
        .where(Lease.name.in_(names), free)
        .values(
            holder=holder,
            until=now + ttl,
            since=case((Lease.holder == holder, Lease.since), else_=now),
        )
        .returning(Lease.name)
    )
    return set(taken.scalars())


def renew(session: Session, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Extend a lease `holder` still holds (not expired); False when it was lost — stop using it."""
    done = session.execute(
        update(Lease)
        .where(Lease.name == name, Lease.holder == holder, Lease.until > now)
        .values(until=now + ttl)
    )
    return bool(done.rowcount)  # type: ignore[attr-defined]


def release(session: Session, names: list[str], holder: str) -> None:
    """Give the leases back at once (a clean stop or a finished delivery): nobody waits for them to expire."""
    session.execute(
        update(Lease).where(Lease.name.in_(names), Lease.holder == holder).values(holder=None, until=None)
    )


def holders(session: Session, prefix: str, now: datetime) -> dict[str, str]:
    """Live leases whose name starts with `prefix`: name → holder."""
    rows = session.execute(
        select(Lease.name, Lease.holder).where(
            Lease.name.startswith(prefix, autoescape=True), Lease.holder.is_not(None), Lease.until > now
        )
    )
    return {name: holder for name, holder in rows if holder is not None}


def forget(session: Session, prefix: str, before: datetime) -> None:
    """Drop expired, unheld rows under `prefix` (destinations no longer written to)."""
    session.execute(
        delete(Lease).where(
            Lease.name.startswith(prefix, autoescape=True), or_(Lease.until.is_(None), Lease.until < before)
        )
    )
