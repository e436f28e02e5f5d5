"""The hash chain every session writes: entry format, head, and the hook that appends to it.

Every insert, update or delete of a chained row (progress reports, status changes, milestone revisions,
silences, the officials roster, access attempts — refusals included —, who made the promises and the
election outcomes recorded for them) becomes one chain entry, written in
the same transaction by the `after_flush` hook that `monitor.db.engine.make_session_factory` registers,
so no write path can forget it. An entry's hash covers the previous entry's hash and the row's canonical
content; `monitor.history.verify` recomputes both. Like the append-only guard beside it, this is part of
what storage guarantees: it needs the models only, and nothing above them.

Concurrent writers are serialised on the `history.head` row of `meta` (SELECT … FOR UPDATE on
PostgreSQL; SQLite allows one writer at a time anyway), so the chain never forks. Writers past the unit
of work (bulk inserts) are in `monitor.history.chain`.

With a chain key (`chain_key`, kept out of the database) registered for an engine (`use_key`), each new
entry also carries an HMAC-SHA256 of its hash (`mac`), which someone with database access only cannot
compute: `monitor verify` with the same key then tells forged entries from the monitor's own.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, insert, inspect, select, update
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.db.base import Base

GENESIS = "0" * 64
HEAD_KEY = "history.head"
CHAINED: dict[str, type[Base]] = {
    cls.__tablename__: cls
    for cls in (
        m.ProgressReport,
        m.StatusChange,
        m.MilestoneRevision,
        m.Silence,
        m.Official,
        m.AccessAttempt,
        m.Pledger,
    )
}
# The chain key per engine (`use_key`): never stored in the database.
_KEYS: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()
# The instant a change happened, read from the row itself (the chain has no clock of its own).
_TIME_COLUMNS = ("updated_at", "removed_at", "entered_at", "changed_at", "created_at", "added_at", "at")


@dataclass(frozen=True)
class Change:
    kind: str  # insert, update, delete
    table: str
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Head:
        seq, _, digest = text.partition(":")
        return cls(int(seq), digest)


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def canonical(values: Mapping[str, Any]) -> str:
    """The row as stable text. NULLs are left out, so a column added later leaves old content unchanged."""
    kept = {key: plain(value) for key, value in values.items() if value is not None}
    return json.dumps(kept, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(prev_hash: str, kind: str, table: str, ref_id: int, at: str, content: str) -> str:
    text = "\n".join((prev_hash, kind, table, str(ref_id), at, content))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_mac(key: bytes, digest: str) -> str:
    """The keyed MAC an entry carries: HMAC-SHA256 over its hash (which covers all before it)."""
    return hmac.new(key, digest.encode("ascii"), hashlib.sha256).hexdigest()


def use_key(engine: Engine, key: bytes | None) -> None:
    """MAC every entry written through `engine` from now on with `key` (None: stop)."""
    if key:
        _KEYS[engine] = key
    else:
        _KEYS.pop(engine, None)


def key_for(conn: Connection) -> bytes | None:
    return _KEYS.get(conn.engine)


def changed_at(values: Mapping[str, Any]) -> datetime:
    for column in _TIME_COLUMNS:
        if values.get(column) is not None:
            return values[column]  # type: ignore[no-any-return]
    raise ValueError(f"a chained row needs one of {_TIME_COLUMNS}")


def read_head(conn: Connection, lock: bool = False) -> Head:
    query = select(m.Meta.value).where(m.Meta.key == HEAD_KEY)
    value = conn.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if value is None:
        conn.execute(insert(m.Meta), {"key": HEAD_KEY, "value": str(Head(0, GENESIS))})
        return Head(0, GENESIS)
    return Head.parse(value)


def append(conn: Connection, changes: Sequence[Change]) -> Head:
    """Chain `changes` after the current head; returns the new head."""
    head = read_head(conn, lock=True)
    key = key_for(conn)
    rows: list[dict[str, Any]] = []
    for change in changes:
        content = canonical(change.values)
        at = changed_at(change.values)
        ref_id = int(change.values["id"])
        digest = entry_hash(head.hash, change.kind, change.table, ref_id, plain(at), content)
        rows.append(
            {
                "seq": head.seq + 1,
                "kind": change.kind,
                "ref_table": change.table,
                "ref_id": ref_id,
                "content": content,
                "entered_at": at,
                "prev_hash": head.hash,
                "hash": digest,
            }
            | ({"mac": entry_mac(key, digest)} if key else {})
        )
        head = Head(head.seq + 1, digest)
    conn.execute(insert(m.ChainEntry), rows)
    conn.execute(update(m.Meta).where(m.Meta.key == HEAD_KEY).values(value=str(head)))
    return head


def chains(session: Session) -> bool:
    """Whether the session chains its writes (sessions of `make_session_factory`; a bare `Session` — a
    scratch session for a dry run — does not)."""
    return any(listener is record_flush for listener in session.dispatch.after_flush)


def row_values(obj: Base) -> dict[str, Any]:
    mapper = inspect(type(obj))
    return {attr.columns[0].name: getattr(obj, attr.key) for attr in mapper.column_attrs}


def _changes(session: Session) -> list[Change]:
    found: list[tuple[str, str, int, Base]] = []
    for kind, objects in (("insert", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            table = getattr(obj, "__tablename__", None)
            if table not in CHAINED:
                continue
            if kind == "update" and not session.is_modified(obj, include_collections=False):
                continue
            found.append((table, kind, obj.id, obj))
    found.sort(key=lambda item: (item[0], item[2], item[1]))
    return [Change(kind, table, row_values(obj)) for table, kind, _id, obj in found]


def record_flush(session: Session, _context: Any) -> None:
    """`after_flush` hook: chain what this flush wrote (ids are assigned by now)."""
    changes = _changes(session)
    if changes:
        append(session.connection(), changes)
