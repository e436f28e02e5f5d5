"""The outbox side of delivery: which destinations have rows to send now, claiming a destination's rows
whole, recording what a send did, and when the next row is due.

A destination is sent in order: its oldest pending row goes first, and a row waiting out a backoff (or a
group wait) holds back every later row of its destination. A claim takes *all* of a destination's rows
that are due — one message per jurisdiction however large the backlog — and is made only under the
destination's lease (`monitor.db.leases`, name `deliver:<destination>`), so no two processes send to one
destination at once. Each claimed row also carries `claimed_until`, the lease's end when it was claimed.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select, update
from sqlalchemy.orm import Session

from monitor.alerts.outbox import payload_from_json
from monitor.db import models as m
from monitor.db.ha import Lease
from monitor.notify.base import Batch, OutboxItem
from monitor.notify.log_texts import say
from monitor.vocab import Lang

LEASE_PREFIX = "deliver:"
CHUNK = 200  # destinations per statement (each brings a bind parameter or two)
NO_BOUND = 2**62  # a row id larger than any

Outbox = m.OutboxEntry
log = logging.getLogger(__name__)


def lease_name(destination: str) -> str:
    return LEASE_PREFIX + destination


def _free(now: datetime) -> ColumnElement[bool]:
    return or_(Outbox.claimed_until.is_(None), Outbox.claimed_until < now)


def _chunks(items: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield list(items[start : start + CHUNK])


def due_destinations(session: Session, now: datetime) -> dict[str, int | None]:
    """Destinations with a row to send now, the one with the oldest such row first; each with the id of
    its first row still waiting (a backoff, a group wait), below which its rows may be sent (None: all)."""
    waiting: dict[str, int] = dict(
        session.execute(
            select(Outbox.destination, func.min(Outbox.id))
            .where(Outbox.state == "pending", Outbox.not_before > now)
            .group_by(Outbox.destination)
        ).all()
    )
    due = session.execute(
        select(Outbox.destination, func.min(Outbox.id))
        .where(Outbox.state == "pending", Outbox.not_before <= now, _free(now))
        .group_by(Outbox.destination)
        .order_by(func.min(Outbox.id))
    )
    return {
        destination: waiting.get(destination)
        for destination, first in due
        if destination not in waiting or first < waiting[destination]
    }


def claim(
    session: Session, bounds: dict[str, int | None], tokens: dict[str, str], now: datetime, until: datetime
) -> list[m.OutboxEntry]:
    """Claim every due row of the given destinations (below each one's bound), destination d's with
    `tokens[d]`; returns the claimed rows in id order."""
    for chunk in _chunks(sorted(bounds)):
        bound = case({d: bounds[d] or NO_BOUND for d in chunk}, value=Outbox.destination, else_=0)
        session.execute(
            update(Outbox)
            .where(
                Outbox.destination.in_(chunk),
                Outbox.state == "pending",
                Outbox.not_before <= now,
                _free(now),
                Outbox.id < bound,
            )
            .values(
                claim_token=case({d: tokens[d] for d in chunk}, value=Outbox.destination),
                claimed_until=until,
            )
            .execution_options(synchronize_session=False)
        )
    query = select(Outbox).where(Outbox.claim_token.in_(list(tokens.values()))).order_by(Outbox.id)
    return list(session.scalars(query))


def batches(rows: Iterable[m.OutboxEntry], lang: Lang) -> dict[str, list[Batch]]:
    """The claimed rows as batches — one per destination and group, a destination's in the order of their
    first rows. A row whose payload cannot be read fails at once (resending would not make it readable)."""
    groups: dict[tuple[str, str], list[OutboxItem]] = defaultdict(list)
    for row in rows:
        try:
            payload = payload_from_json(row.payload)
        except (ValueError, TypeError) as exc:
            log.error(say("unreadable", lang, id=row.id, error=exc))
            row.state, row.last_error = "failed", f"unreadable payload: {exc}"
            row.claim_token, row.claimed_until = None, None
            continue
        item = OutboxItem(row.id, row.dedup_key, row.event, payload, row.attempts)
        groups[(row.destination, row.group_key)].append(item)
    found: dict[str, list[Batch]] = defaultdict(list)
    for (destination, group), items in groups.items():  # dicts keep insertion order: by first row id
        found[destination].append(Batch(destination, group, tuple(items)))
    return dict(found)


def unclaim(session: Session, token: str) -> None:
    """Give back the rows still claimed with `token` (a destination's queue stopped early)."""
    session.execute(
        update(Outbox)
        .where(Outbox.claim_token == token, Outbox.state == "pending")
        .values(claim_token=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )


def fail_the_rest(session: Session, destination: str, error: str) -> int:
    """Fail every row still waiting for a destination that takes nothing more; returns how many."""
    done = session.execute(
        update(Outbox)
        .where(Outbox.destination == destination, Outbox.state == "pending")
        .values(state="failed", last_error=error, claim_token=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(done.rowcount)  # type: ignore[attr-defined]


def mark_sent(session: Session, ids: Iterable[int], now: datetime, details: dict[str, object]) -> int:
    """Rows that went out (before a withdrawal): sent, whoever else may be holding them now."""
    done = session.execute(
        update(Outbox)
        .where(Outbox.id.in_(sorted(ids)), Outbox.state == "pending")
        .values(
            state="sent",
            sent_at=now,
            delivery=details,
            last_error=None,
            attempts=Outbox.attempts + 1,
            claim_token=None,
            claimed_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    return int(done.rowcount)  # type: ignore[attr-defined]


def next_delivery(session: Session, ready: Callable[[str], bool] | None = None) -> datetime | None:
    """When the next pending row can be sent (for the daemon's delivery timer); `ready(destination)`
    leaves out destinations whose notifier cannot send now (it kicks the loop when it can).

    A destination sends in order, so what it can send next is its oldest pending row — ready once its
    backoff is over, once a claim of a process that died has run out, and once the destination's lease
    is free: a destination another process is serving is due when that lease ends. Newer rows of a
    destination waiting out a backoff are not due, however early their own `not_before`."""
    oldest = (
        select(func.min(Outbox.id).label("id"))
        .where(Outbox.state == "pending")
        .group_by(Outbox.destination)
        .subquery()
    )
    claimed = and_(Outbox.claimed_until.is_not(None), Outbox.claimed_until > Outbox.not_before)
    row_ready = case((claimed, Outbox.claimed_until), else_=Outbox.not_before)
    leased = and_(Lease.name == literal(LEASE_PREFIX) + Outbox.destination, Lease.holder.is_not(None))
    query = (
        select(Outbox.destination, row_ready, Lease.until)
        .join(oldest, Outbox.id == oldest.c.id)
        .outerjoin(Lease, leased)
    )
    times = [
        max(at, lease_until) if lease_until is not None else at
        for destination, at, lease_until in session.execute(query)
        if ready is None or ready(destination)
    ]
    return min(times, default=None)
