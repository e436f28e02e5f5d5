"""Recomputing the hash chain: what `monitor verify` reports.

Two walks. The chain itself, in sequence order: every entry must follow the previous one (sequence and
previous hash) and hash to what it stores. Then the recorded rows: each must still hold the content of
the last entry that recorded it, a row the chain says exists must exist, and no chained row may be
missing from the chain (a row inserted with raw SQL). The first breach, by sequence, is what the caller
names; all are returned.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.db.chain import CHAINED, GENESIS, Head, canonical, entry_hash, plain, read_head


@dataclass(frozen=True)
class Breach:
    seq: int  # where in the chain it shows (rows outside the chain sort last)
    message: str


@dataclass
class Verification:
    entries: int
    head: Head
    breaches: list[Breach] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.breaches


def verify(session: Session) -> Verification:
    conn = session.connection()
    entries = list(session.scalars(select(m.ChainEntry).order_by(m.ChainEntry.seq)))
    last = Head(entries[-1].seq, entries[-1].hash) if entries else Head(0, GENESIS)
    result = Verification(len(entries), last)
    result.breaches.extend(_walk_chain(entries, read_head(conn)))
    result.breaches.extend(_walk_rows(conn, entries))
    result.breaches.sort(key=lambda breach: breach.seq)
    return result


def _span(first: int, last: int) -> str:
    return f"entry #{first} was" if first == last else f"entries #{first}–#{last} were"


def _walk_chain(entries: list[m.ChainEntry], recorded: Head) -> Iterator[Breach]:
    by_hash = {entry.hash: entry.seq for entry in entries}
    prev_seq, prev_hash = 0, GENESIS
    for entry in entries:
        what = f"entry #{entry.seq} ({entry.kind} {entry.ref_table} {entry.ref_id})"
        at = plain(entry.entered_at)
        expected = entry_hash(entry.prev_hash, entry.kind, entry.ref_table, entry.ref_id, at, entry.content)
        if entry.hash != expected:
            yield Breach(entry.seq, f"{what} was edited: its content no longer matches its hash")
        elif entry.seq != prev_seq + 1:
            deleted = _span(prev_seq + 1, entry.seq - 1)
            yield Breach(entry.seq, f"{deleted} deleted: {what} follows #{prev_seq}")
        elif entry.prev_hash != prev_hash:
            moved = by_hash.get(entry.prev_hash)
            where = f"it belongs after #{moved}" if moved is not None else "what it followed is gone"
            yield Breach(entry.seq, f"{what} was reordered or replaced: {where}, not after #{prev_seq}")
        prev_seq, prev_hash = entry.seq, entry.hash
    if recorded.seq > prev_seq:
        deleted = _span(prev_seq + 1, recorded.seq)
        yield Breach(
            prev_seq + 1,
            f"{deleted} deleted from the end of the chain (the head recorded at the last write is "
            f"#{recorded.seq})",
        )


def _walk_rows(conn: Connection, entries: list[m.ChainEntry]) -> Iterator[Breach]:
    latest = {(entry.ref_table, entry.ref_id): entry for entry in entries}
    end = entries[-1].seq + 1 if entries else 1
    for table, model in CHAINED.items():
        rows = {row["id"]: row for row in conn.execute(select(model.__table__)).mappings()}
        for row_id, row in sorted(rows.items()):
            entry = latest.get((table, row_id))
            if entry is None:
                message = (
                    f"{table} row {row_id} is not in the chain (inserted directly, or its entry deleted)"
                )
                yield Breach(end, message)
            elif entry.kind == "delete":
                yield Breach(entry.seq, f"{table} row {row_id} was deleted by entry #{entry.seq} but is back")
            elif (content := canonical(dict(row))) != entry.content:
                changed = _difference(entry.content, content)
                yield Breach(
                    entry.seq, f"{table} row {row_id} was edited directly ({changed}; entry #{entry.seq})"
                )
        for (ref_table, ref_id), entry in latest.items():
            if ref_table == table and ref_id not in rows and entry.kind != "delete":
                yield Breach(entry.seq, f"{table} row {ref_id} was deleted directly (entry #{entry.seq})")


def _difference(recorded: str, current: str) -> str:
    before, after = json.loads(recorded), json.loads(current)
    keys = sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
    return ", ".join(f"{key}: {before.get(key)!r} → {after.get(key)!r}" for key in keys[:4])


def contains(session: Session, digest: str) -> int | None:
    """The sequence number of the entry with this hash (a head published earlier), if it is still there."""
    return session.scalar(select(m.ChainEntry.seq).where(m.ChainEntry.hash == digest))
