"""Recomputing the hash chain: what `monitor verify` reports.

Two walks. The chain itself, in sequence order: every entry must follow the previous one (sequence and
previous hash) and hash to what it stores. Then the recorded rows: each must still hold the content of
the last entry that recorded it, a row the chain says exists must exist, and no chained row may be
missing from the chain (a row inserted with raw SQL). Entries of a kind their table never legitimately
has are refused (`monitor.history.policy`), and with the chain key every entry's MAC is checked: a wrong
one is a breach, a missing one before the first keyed entry is counted as unkeyed (written before the key
was set), after it a breach. The first breach, by sequence, is what the caller names; all are returned,
each in English and Korean.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.db.chain import CHAINED, GENESIS, Head, canonical, entry_hash, entry_mac, plain, read_head
from monitor.history.policy import refusals
from monitor.korean import particles
from monitor.vocab import Lang

# The chained tables and the kinds of entry as a Korean reader knows them (the table's name follows).
TABLES_KO = {
    "progress_reports": "진행 보고",
    "status_changes": "공식 상태 변경",
    "milestone_revisions": "마일스톤 수정",
    "silences": "무음",
    "officials": "담당 공무원 명단",
    "access_attempts": "접근 기록",
    "pledgers": "공약 주체",
}
KINDS_KO = {"insert": "추가", "update": "변경", "delete": "삭제"}


@dataclass(frozen=True)
class Breach:
    seq: int  # where in the chain it shows (rows outside the chain sort last)
    message: str  # English
    ko: str  # the same in Korean (fallback particles: see `text`)

    def text(self, lang: Lang) -> str:
        return particles(self.ko) if lang == "ko" else self.message


@dataclass
class Verification:
    entries: int
    head: Head
    breaches: list[Breach] = field(default_factory=list)
    key_checked: bool = False  # verified with the chain key
    keyed: int = 0  # entries whose MAC the key confirms
    unkeyed: int = 0  # entries written before the key was set (no MAC)

    @property
    def intact(self) -> bool:
        return not self.breaches


def verify(session: Session, key: bytes | None = None) -> Verification:
    """Recompute the chain; with `key`, check every entry's MAC too."""
    conn = session.connection()
    entries = list(session.scalars(select(m.ChainEntry).order_by(m.ChainEntry.seq)))
    last = Head(entries[-1].seq, entries[-1].hash) if entries else Head(0, GENESIS)
    result = Verification(len(entries), last, key_checked=key is not None)
    result.breaches.extend(_walk_chain(entries, read_head(conn)))
    result.breaches.extend(_walk_rows(conn, entries))
    result.breaches.extend(Breach(r.seq, r.message, r.ko) for r in refusals(entries))
    if key is not None:
        result.breaches.extend(_walk_macs(entries, key, result))
    result.breaches.sort(key=lambda breach: breach.seq)
    return result


def _span(first: int, last: int) -> tuple[str, str]:
    """(English, Korean) of a run of entries: `entry #3 was` / `항목 #3`."""
    if first == last:
        return f"entry #{first} was", f"항목 #{first}"
    return f"entries #{first}–#{last} were", f"항목 #{first}–#{last}"


def _row(table: str, row_id: int) -> str:
    """A row named in Korean: `진행 보고(progress_reports) 12번 행`."""
    return f"{TABLES_KO.get(table, table)}({table}) {row_id}번 행"


def _walk_chain(entries: list[m.ChainEntry], recorded: Head) -> Iterator[Breach]:
    by_hash = {entry.hash: entry.seq for entry in entries}
    prev_seq, prev_hash = 0, GENESIS
    for entry in entries:
        what = f"entry #{entry.seq} ({entry.kind} {entry.ref_table} {entry.ref_id})"
        kind_ko = KINDS_KO.get(entry.kind, entry.kind)
        what_ko = f"항목 #{entry.seq}({kind_ko}: {entry.ref_table} {entry.ref_id})"
        at = plain(entry.entered_at)
        expected = entry_hash(entry.prev_hash, entry.kind, entry.ref_table, entry.ref_id, at, entry.content)
        if entry.hash != expected:
            en = f"{what} was edited: its content no longer matches its hash"
            yield Breach(entry.seq, en, f"{what_ko}의 내용이 수정되었습니다: 해시와 맞지 않습니다")
        elif entry.seq != prev_seq + 1:
            deleted, deleted_ko = _span(prev_seq + 1, entry.seq - 1)
            en = f"{deleted} deleted: {what} follows #{prev_seq}"
            ko = f"{deleted_ko}이(가) 삭제되었습니다: #{prev_seq} 다음이 {what_ko}입니다"
            yield Breach(entry.seq, en, ko)
        elif entry.prev_hash != prev_hash:
            yield _reordered(entry.seq, (what, what_ko), by_hash.get(entry.prev_hash), prev_seq)
        prev_seq, prev_hash = entry.seq, entry.hash
    if recorded.seq > prev_seq:
        deleted, deleted_ko = _span(prev_seq + 1, recorded.seq)
        yield Breach(
            prev_seq + 1,
            f"{deleted} deleted from the end of the chain (the head recorded at the last write is "
            f"#{recorded.seq})",
            f"체인 끝의 {deleted_ko}이(가) 삭제되었습니다 (마지막 기록 때 저장된 헤드는 #{recorded.seq})",
        )


def _reordered(seq: int, what: tuple[str, str], moved: int | None, prev_seq: int) -> Breach:
    """An entry that links to another predecessor than the one before it (`moved`: that one's place)."""
    where = f"it belongs after #{moved}" if moved is not None else "what it followed is gone"
    where_ko = (
        f"#{prev_seq} 다음이 아니라 #{moved} 다음 항목입니다"
        if moved is not None
        else f"원래 앞에 있던 항목이 없어졌습니다 (지금은 #{prev_seq} 다음)"
    )
    return Breach(
        seq,
        f"{what[0]} was reordered or replaced: {where}, not after #{prev_seq}",
        f"{what[1]}의 순서가 바뀌었거나 다른 항목으로 바뀌었습니다: {where_ko}",
    )


def _walk_rows(conn: Connection, entries: list[m.ChainEntry]) -> Iterator[Breach]:
    latest = {(entry.ref_table, entry.ref_id): entry for entry in entries}
    end = entries[-1].seq + 1 if entries else 1
    for table, model in CHAINED.items():
        rows = {row["id"]: row for row in conn.execute(select(model.__table__)).mappings()}
        for row_id, row in sorted(rows.items()):
            entry = latest.get((table, row_id))
            named = _row(table, row_id)
            if entry is None:
                en = f"{table} row {row_id} is not in the chain (inserted directly, or its entry deleted)"
                ko = f"{named}이(가) 체인에 없습니다 (직접 추가되었거나 그 항목이 삭제됨)"
                yield Breach(end, en, ko)
            elif entry.kind == "delete":
                en = f"{table} row {row_id} was deleted by entry #{entry.seq} but is back"
                yield Breach(entry.seq, en, f"{named}은(는) 항목 #{entry.seq}에서 삭제되었는데 다시 있습니다")
            elif (content := canonical(dict(row))) != entry.content:
                changed = _difference(entry.content, content)
                en = f"{table} row {row_id} was edited directly ({changed}; entry #{entry.seq})"
                ko = f"{named}이(가) 직접 수정되었습니다 ({changed}; 항목 #{entry.seq})"
                yield Breach(entry.seq, en, ko)
        for (ref_table, ref_id), entry in latest.items():
            if ref_table == table and ref_id not in rows and entry.kind != "delete":
                en = f"{table} row {ref_id} was deleted directly (entry #{entry.seq})"
                ko = f"{_row(table, ref_id)}이(가) 직접 삭제되었습니다 (항목 #{entry.seq})"
                yield Breach(entry.seq, en, ko)


def _difference(recorded: str, current: str) -> str:
    before, after = json.loads(recorded), json.loads(current)
    keys = sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
    return ", ".join(f"{key}: {before.get(key)!r} → {after.get(key)!r}" for key in keys[:4])


def _walk_macs(entries: list[m.ChainEntry], key: bytes, result: Verification) -> Iterator[Breach]:
    keyed_since: int | None = None
    for entry in entries:
        if entry.mac is None:
            if keyed_since is None:
                result.unkeyed += 1
                continue
            yield Breach(
                entry.seq,
                f"entry #{entry.seq} has no MAC although entries are keyed since #{keyed_since}: written "
                "without the chain key (forged, or by a monitor not configured with it)",
                f"항목 #{entry.seq}에 MAC이 없습니다. 항목 #{keyed_since}부터 키로 서명되었는데 체인 키 없이 "
                "쓰였습니다 (위조되었거나 키를 설정하지 않은 모니터가 씀)",
            )
            continue
        keyed_since = keyed_since or entry.seq
        if entry.mac == entry_mac(key, entry.hash):
            result.keyed += 1
            continue
        yield Breach(
            entry.seq,
            f"entry #{entry.seq} carries a MAC the chain key does not confirm: forged, or written "
            "with another key",
            f"항목 #{entry.seq}의 MAC이 체인 키로 확인되지 않습니다: 위조되었거나 다른 키로 쓰였습니다",
        )


def entry_at(session: Session, seq: int) -> m.ChainEntry | None:
    return session.get(m.ChainEntry, seq)


def contains(session: Session, digest: str) -> int | None:
    """The sequence number of the entry with this hash (a head published earlier), if it is still there."""
    return session.scalar(select(m.ChainEntry.seq).where(m.ChainEntry.hash == digest))
