"""The status snapshot as JSON (stable keys, for programs) and as the rows of the tables people read.

JSON keeps stored values — states by their keys, instants in ISO 8601 with the configured zone's offset
to the second, ages in whole seconds — and always has every key (null when there is nothing), so a
script's `jq .outbox.pending` never meets a missing field. The tables' rows are plain strings: the CLI
lays them out (`monitor.cli.output`), a web page may too.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from monitor.ops.status import FRESH_FOR, AlertState, DaemonSeen, OutboxState, Status
from monitor.ops.texts import HASH_SHOWN, age, instant, relative, say
from monitor.vocab import Lang


def as_json(status: Status, tz: ZoneInfo) -> dict[str, Any]:
    leader = status.leader
    return {
        "at": _iso(status.at, tz),
        "alive": bool(status.alive),
        "fresh_within_seconds": int(FRESH_FOR.total_seconds()),
        "leader": None if leader is None else {"id": leader.id, "host": leader.host, "pid": leader.pid},
        "last_pass_at": _iso(status.last_pass_at, tz),
        "next_wakeup_at": _iso(status.next_wakeup_at, tz),
        "daemons": [_daemon_json(d, tz) for d in status.daemons],
        "outbox": _outbox_json(status, tz),
        "alerts": {state.value: status.alerts[state] for state in AlertState},
        "disabled_chats": _disabled_json(status, tz),
        "chain_head": {
            "seq": status.head.seq,
            "hash": status.head.hash,
            "at": _iso(status.head.at, tz),
            "keyed": status.head.keyed,
        },
    }


def _disabled_json(status: Status, tz: ZoneInfo) -> dict[str, Any]:
    latest = [
        {"chat_id": c.chat_id, "title": c.title, "disabled_at": _iso(c.disabled_at, tz), "reason": c.reason}
        for c in status.disabled_chats
    ]
    return {"count": status.disabled_count, "latest": latest}


def _daemon_json(daemon: DaemonSeen, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "id": daemon.id,
        "host": daemon.host,
        "pid": daemon.pid,
        "role": daemon.role.value,
        "alive": daemon.alive,
        "started_at": _iso(daemon.started_at, tz),
        "heartbeat_at": _iso(daemon.heartbeat_at, tz),
        "heartbeat_age_seconds": _seconds(daemon.heartbeat_age),
        "last_pass_at": _iso(daemon.last_pass_at, tz),
        "next_wakeup_at": _iso(daemon.next_wakeup_at, tz),
        "stopped_at": _iso(daemon.stopped_at, tz),
    }


def _outbox_json(status: Status, tz: ZoneInfo) -> dict[str, Any]:
    backlog = status.backlog
    return {state.value: backlog.counts[state] for state in OutboxState} | {
        "oldest_pending_at": _iso(backlog.oldest_pending_at, tz),
        "oldest_pending_age_seconds": _seconds(backlog.oldest_pending_age),
        "latest_error": backlog.latest_error,
        "latest_error_destination": backlog.latest_error_destination,
    }


def _iso(at: datetime | None, tz: ZoneInfo) -> str | None:
    return None if at is None else at.astimezone(tz).isoformat(timespec="seconds")


def _seconds(delta: timedelta | None) -> int | None:
    return None if delta is None else int(delta.total_seconds())


def daemon_rows(status: Status, tz: ZoneInfo, lang: Lang) -> list[list[str]]:
    """Host, PID, started, heartbeat age, role, stopped — one row per daemon seen."""
    return [
        [
            d.host,
            str(d.pid),
            instant(d.started_at, tz),
            say("value.ago", lang, age=age(d.heartbeat_age, lang)),
            d.role.label(lang),
            instant(d.stopped_at, tz),
        ]
        for d in status.daemons
    ]


def summary_rows(status: Status, tz: ZoneInfo, lang: Lang) -> list[list[str]]:
    """The leader, passes, the outbox, alerts, disabled chats and the chain head: item and value."""
    backlog, now = status.backlog, status.at
    leader = status.leader
    rows = [
        ("row.leader", say("value.daemon", lang, host=leader.host, pid=leader.pid) if leader else None),
        ("row.last_pass", relative(status.last_pass_at, now, tz, lang)),
        ("row.next_wakeup", relative(status.next_wakeup_at, now, tz, lang)),
        ("row.backlog", _per_state(backlog.counts, lang)),
        ("row.oldest", relative(backlog.oldest_pending_at, now, tz, lang)),
        ("row.failed", _failed(status, lang)),
        ("row.alerts", _per_state(status.alerts, lang)),
        ("row.disabled", say("value.count", lang, count=status.disabled_count)),
        ("row.head", _head(status, lang)),
    ]
    return [[say(key, lang), value or say("value.none", lang)] for key, value in rows]


def disabled_rows(status: Status, tz: ZoneInfo) -> list[list[str]]:
    return [
        [str(c.chat_id), c.title or "", instant(c.disabled_at, tz), c.reason or ""]
        for c in status.disabled_chats
    ]


def _per_state(counts: Any, lang: Lang) -> str:
    """ "대기 3 · 보냄 10 · 실패 1" in the enum's order."""
    return " · ".join(f"{state.label(lang)} {count}" for state, count in counts.items())


def _failed(status: Status, lang: Lang) -> str:
    backlog = status.backlog
    count = say("value.failed", lang, count=backlog.counts[OutboxState.FAILED])
    if backlog.latest_error is None:
        return count
    error = " ".join(backlog.latest_error.split())  # one line in a cell
    where = backlog.latest_error_destination
    return f"{count} — {say('value.latest_error', lang, destination=where, error=error)}"


def _head(status: Status, lang: Lang) -> str:
    head = status.head
    if head.seq == 0:
        return say("value.empty_chain", lang)
    key = "value.head_keyed" if head.keyed else "value.head"
    return say(key, lang, seq=head.seq, hash=head.hash[:HASH_SHOWN])
