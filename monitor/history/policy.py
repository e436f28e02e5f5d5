"""Which entries a chained table can legitimately have: what `monitor verify` refuses however well hashed.

A hash chain without a secret proves only that entries follow each other; anyone with database access
can append an entry with a recomputed hash. What the application never writes is refused here, so a
forged `update` or `delete` of history cannot pass as legitimate:

- progress reports, status changes, milestone revisions and access attempts are only ever inserted
  (a correction is a new report);
- a silence is ended once (`removed_at`, `removed_by`: `monitor silence remove`, the bot's /unmute);
- an official is removed from the roster once (`removed_at`, `removed_by`: `monitor officials remove`);
- a pledger is updated by a seed reload or `monitor pledger elect/lose`: the columns a seed sets and the
  outcome — never its key, id or creation time;
- nothing is ever deleted, and a row is inserted once, before any update of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from monitor.db import models as m
from monitor.db.chain import CHAINED

_ENDED = frozenset({"removed_at", "removed_by"})
_PLEDGER_COLUMNS = frozenset(
    {"name", "role", "office", "jurisdiction_id", "term", "term_start", "term_end", "election_on"}
    | {"outcome", "outcome_on", "outcome_at", "source_id", "source_line", "updated_at"}
)
# Per table, the columns an `update` entry may change; a table not named here takes inserts only.
UPDATABLE: dict[str, frozenset[str]] = {
    "silences": _ENDED,
    "officials": _ENDED,
    "pledgers": _PLEDGER_COLUMNS,
}
# Tables whose update ends the row once: `removed_at` goes from unset to set, and never back.
ENDED_ONCE = frozenset({"silences", "officials"})


@dataclass(frozen=True)
class Refusal:
    seq: int
    message: str  # English
    ko: str  # Korean, fallback particles


def refusals(entries: list[m.ChainEntry]) -> Iterator[Refusal]:
    """Every entry of a kind its table never legitimately has, in sequence order."""
    previous: dict[tuple[str, int], m.ChainEntry] = {}
    for entry in entries:
        key = (entry.ref_table, entry.ref_id)
        refusal = _refusal(entry, previous.get(key))
        if refusal is not None:
            yield refusal
        previous[key] = entry


def _what(entry: m.ChainEntry) -> tuple[str, str]:
    kinds_ko = {"insert": "추가", "update": "변경", "delete": "삭제"}
    kind_ko = kinds_ko.get(entry.kind, entry.kind)
    return (
        f"entry #{entry.seq} ({entry.kind} {entry.ref_table} {entry.ref_id})",
        f"항목 #{entry.seq}({kind_ko}: {entry.ref_table} {entry.ref_id})",
    )


def _refusal(entry: m.ChainEntry, before: m.ChainEntry | None) -> Refusal | None:
    what, what_ko = _what(entry)
    if entry.ref_table not in CHAINED:
        return Refusal(
            entry.seq,
            f"{what} names a table the chain never records: a forged entry",
            f"{what_ko}은(는) 체인이 기록하지 않는 테이블을 가리킵니다: 위조된 항목입니다",
        )
    if entry.kind == "insert":
        return _insert_refusal(entry, before, what, what_ko)
    if entry.kind == "update":
        return _update_refusal(entry, before, what, what_ko)
    if entry.kind == "delete":
        return Refusal(
            entry.seq,
            f"{what}: the monitor never deletes {entry.ref_table} rows: a forged entry",
            f"{what_ko}: 모니터는 {entry.ref_table} 행을 삭제하지 않습니다: 위조된 항목입니다",
        )
    return Refusal(
        entry.seq,
        f"{what}: the monitor writes no entry of kind {entry.kind!r}: a forged entry",
        f"{what_ko}: 모니터는 {entry.kind!r} 종류의 항목을 쓰지 않습니다: 위조된 항목입니다",
    )


def _insert_refusal(entry: m.ChainEntry, before: m.ChainEntry | None, what: str, ko: str) -> Refusal | None:
    if before is None:
        return None
    return Refusal(
        entry.seq,
        f"{what} inserts a row already recorded by entry #{before.seq}: a forged entry",
        f"{ko}은(는) 항목 #{before.seq}에 이미 기록된 행을 다시 추가합니다: 위조된 항목입니다",
    )


def _update_refusal(entry: m.ChainEntry, before: m.ChainEntry | None, what: str, ko: str) -> Refusal | None:
    allowed = UPDATABLE.get(entry.ref_table)
    if allowed is None:
        return Refusal(
            entry.seq,
            f"{what}: {entry.ref_table} is append-only, the monitor never updates its rows: a forged entry",
            f"{ko}: {entry.ref_table}은(는) 추가만 되는 테이블입니다 (모니터는 행을 변경하지 않음): "
            "위조된 항목입니다",
        )
    if before is None:
        return Refusal(
            entry.seq,
            f"{what} updates a row no earlier entry inserted: a forged entry",
            f"{ko}은(는) 앞선 항목이 추가한 적 없는 행을 변경합니다: 위조된 항목입니다",
        )
    old, new = json.loads(before.content), json.loads(entry.content)
    changed = sorted(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))
    if outside := [key for key in changed if key not in allowed]:
        columns = ", ".join(outside)
        return Refusal(
            entry.seq,
            f"{what} changes {columns}, which the monitor never changes: a forged entry",
            f"{ko}은(는) 모니터가 바꾸지 않는 열({columns})을 변경합니다: 위조된 항목입니다",
        )
    if entry.ref_table in ENDED_ONCE and (old.get("removed_at") is not None or new.get("removed_at") is None):
        return Refusal(
            entry.seq,
            f"{what} reopens or re-ends a row the monitor ends only once: a forged entry",
            f"{ko}은(는) 한 번만 끝나는 행을 되살리거나 다시 끝냅니다: 위조된 항목입니다",
        )
    return None
