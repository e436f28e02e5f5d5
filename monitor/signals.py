"""What changed, numbered in commit order: every write the daemon must react to (progress reports, official
statuses, seed loads, silences, pledger outcomes) appends `change_log` rows in its own transaction, and the
daemon follows them with a watermark — the last sequence number it has processed — instead of wall-clock
windows, which missed a report entered while a step waited and cannot see a transaction that commits after a
later one (ids and timestamps commit out of order on PostgreSQL).

Why a counter row and not an autoincrement id: every writer increments the same `meta` row `change.seq`
with one `UPDATE … RETURNING`, which locks that row until the writer commits or rolls back. The next writer
waits for it, so sequence numbers are handed out — and become visible — in commit order: a reader that has
seen seq N has seen every committed change ≤ N, and "everything after my watermark" never skips a late
commit. A rolled-back writer's numbers are handed out again to the next writer, so nothing rolled back is
ever seen. The price is that writers that touch are serialised from their `touch` to their commit, which is
why `touch` comes last in a write. (On SQLite one writer holds the database at a time anyway.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Text, cast, delete, insert, select, update
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.db.ha import ChangeEntry

COUNTER = "change.seq"  # the `meta` row migration 0009 creates ("0")


class Topic(StrEnum):
    PROGRESS = "version.progress"  # reports and official statuses: the commitments' codes
    SEED = "version.seed"  # seed loads and pledger outcomes: everything
    SILENCE = "version.silence"  # silences for everyone (not a chat's mute): everything


@dataclass(frozen=True)
class Changes:
    """The changes after a watermark: the daemon re-evaluates `codes` (or everything), then moves its
    watermark to `upto`."""

    upto: int
    codes: frozenset[str]
    everything: bool  # a seed load, a silence or an outcome: re-evaluate every commitment
    topics: frozenset[Topic]


def touch(session: Session, topic: Topic, now: datetime, codes: Iterable[str] = ()) -> int:
    """Announce a change in the writer's transaction: one `change_log` row per commitment code, or one
    row with no code (re-evaluate everything) when `codes` is empty. Returns the last seq taken.

    Call it last in the write: the session is flushed first, so a chained write takes the history head
    before the counter (one lock order for every writer), and the counter row stays locked — other
    writers that touch wait — from here to the commit."""
    session.flush()
    wanted: list[str | None] = [*sorted(set(codes))] or [None]
    taken = session.execute(
        update(m.Meta)
        .where(m.Meta.key == COUNTER)
        .values(value=cast(cast(m.Meta.value, BigInteger) + len(wanted), Text))
        .returning(m.Meta.value)
        .execution_options(synchronize_session=False)
    )
    last = int(taken.scalar_one())
    first = last - len(wanted) + 1
    rows = [{"seq": first + i, "code": code} for i, code in enumerate(wanted)]
    session.execute(insert(ChangeEntry).values(topic=topic.value, at=now), rows)
    return last


def current_seq(session: Session) -> int:
    """The last seq committed (a primary-key read): the poll compares it with its watermark."""
    value = session.scalar(select(m.Meta.value).where(m.Meta.key == COUNTER))
    return int(value) if value is not None else 0


def changes_after(session: Session, watermark: int) -> Changes:
    """Every change committed after `watermark`, in one statement (one snapshot): the rows seen are a
    prefix of the sequence, so their largest seq is the new watermark."""
    rows = session.execute(
        select(ChangeEntry.seq, ChangeEntry.topic, ChangeEntry.code).where(ChangeEntry.seq > watermark)
    ).all()
    return Changes(
        upto=max((seq for seq, _, _ in rows), default=watermark),
        codes=frozenset(code for _, _, code in rows if code is not None),
        everything=any(code is None for _, _, code in rows),
        topics=frozenset(Topic(topic) for _, topic, _ in rows),
    )


def prune(session: Session, upto: int, before: datetime) -> int:
    """Delete the changes ≤ `upto` (a watermark every reader has passed) entered before `before`; returns
    how many went."""
    done = session.execute(delete(ChangeEntry).where(ChangeEntry.seq <= upto, ChangeEntry.at < before))
    return int(done.rowcount)  # type: ignore[attr-defined]
