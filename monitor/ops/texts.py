"""What `monitor status` says, Korean first (English with `--lang en` or the `language` setting).

Instants are shown in the configured zone to the second (a heartbeat five seconds old is news to an
operator; a deadline's minute is not enough here), ages in the largest two units that say them
("3분 5초 전", "3m 5s ago"), so an operator reads at a glance whether a daemon or the outbox is behind.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from monitor.korean import say_in
from monitor.ops.status import FRESH_FOR, NoDaemonAlive, Status
from monitor.vocab import Lang

TEXTS: dict[str, tuple[str, str]] = {
    "title.daemons": ("데몬 {count}개 (살아 있음 {alive}개)", "Daemons: {count} seen, {alive} alive"),
    "title.summary": ("운영 상태 — {at}", "Status at {at}"),
    "title.disabled": ("중지된 채팅 {count}개", "Disabled chats: {count}"),
    "title.disabled_some": (
        "중지된 채팅 {count}개 (최근 {shown}개)",
        "Disabled chats: {count} (latest {shown})",
    ),
    "col.host": ("호스트", "Host"),
    "col.pid": ("PID", "PID"),
    "col.started": ("시작", "Started"),
    "col.heartbeat": ("하트비트", "Heartbeat"),
    "col.role": ("역할", "Role"),
    "col.stopped": ("멈춘 시각", "Stopped"),
    "col.item": ("항목", "Item"),
    "col.value": ("값", "Value"),
    "col.chat": ("채팅 ID", "Chat ID"),
    "col.title": ("이름", "Title"),
    "col.disabled_at": ("중지 시각", "Disabled"),
    "col.reason": ("사유", "Reason"),
    "row.leader": ("리더", "Leader"),
    "row.last_pass": ("마지막 평가", "Last pass"),
    "row.next_wakeup": ("다음 평가 예정", "Next wake-up"),
    "row.backlog": ("발송 대기열", "Outbox"),
    "row.oldest": ("가장 오래된 대기", "Oldest pending"),
    "row.failed": ("실패한 발송", "Failed deliveries"),
    "row.alerts": ("경보", "Alerts"),
    "row.disabled": ("중지된 채팅", "Disabled chats"),
    "row.head": ("이력 체인 머리", "Chain head"),
    "value.none": ("없음", "none"),
    "value.ago": ("{age} 전", "{age} ago"),
    "value.ahead": ("{age} 후", "in {age}"),
    "value.daemon": ("{host} (pid {pid})", "{host} (pid {pid})"),
    "value.count": ("{count}개", "{count}"),
    "value.failed": ("{count}건", "{count}"),
    "value.latest_error": ("최근 오류 ({destination}): {error}", "latest error ({destination}): {error}"),
    "value.head": ("{seq}번 {hash}…", "#{seq} {hash}…"),
    "value.head_keyed": ("{seq}번 {hash}… (키 서명)", "#{seq} {hash}… (keyed)"),
    "value.empty_chain": ("비어 있음", "empty"),
    "no_daemon.never": (
        "살아 있는 데몬이 없습니다: 이 데이터베이스에서 데몬이 실행된 적이 없습니다 "
        "(monitor run 으로 시작하세요)",
        "no daemon is alive: none has run on this database yet (start one with `monitor run`)",
    ),
    "no_daemon.stopped": (
        "살아 있는 데몬이 없습니다: 마지막 데몬({host}, pid {pid})은 {at}에 멈췄습니다",
        "no daemon is alive: the last one ({host}, pid {pid}) stopped at {at}",
    ),
    "no_daemon.silent": (
        "살아 있는 데몬이 없습니다: 마지막 하트비트는 {age} 전({host}, pid {pid})입니다 "
        "(살아 있으려면 {fresh} 안이어야 합니다)",
        "no daemon is alive: the last heartbeat was {age} ago ({host}, pid {pid}; "
        "alive means within {fresh})",
    ),
    "log.database_down": (
        "지표: 데이터베이스를 읽을 수 없어 monitor_database_up 0으로 알립니다: {error}",
        "metrics: the database cannot be read, reporting monitor_database_up 0: {error}",
    ),
    "log.database_up": (
        "지표: 데이터베이스를 다시 읽을 수 있습니다",
        "metrics: the database can be read again",
    ),
}
# (seconds in the unit, Korean, English), largest first
_UNITS = ((86_400, "일", "d"), (3_600, "시간", "h"), (60, "분", "m"), (1, "초", "s"))
HASH_SHOWN = 12  # hex digits of the chain head shown in the table (JSON has all 64)


def say(key: str, lang: Lang, **values: object) -> str:
    """The text `key` in `lang`, its values filled in (Korean particles chosen)."""
    return say_in(TEXTS, key, lang, **values)


def age(delta: timedelta, lang: Lang) -> str:
    """A duration in its two largest units: "3분 5초" / "3m 5s", "2일 4시간" / "2d 4h", "0초" / "0s"."""
    left, name = max(0, int(delta.total_seconds())), 1 if lang == "ko" else 2
    for i, unit in enumerate(_UNITS):
        if left >= unit[0] or unit[0] == 1:
            count, rest = divmod(left, unit[0])
            parts = [f"{count}{unit[name]}"]
            smaller = _UNITS[i + 1] if i + 1 < len(_UNITS) else None
            if smaller and rest // smaller[0]:
                parts.append(f"{rest // smaller[0]}{smaller[name]}")
            return " ".join(parts)
    raise AssertionError("the last unit is one second")


def instant(at: datetime | None, tz: ZoneInfo) -> str:
    """ "2026-12-01 10:00:03" in `tz` ("" for none)."""
    return "" if at is None else at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def relative(at: datetime | None, now: datetime, tz: ZoneInfo, lang: Lang) -> str:
    """ "2026-12-01 10:00:03 (12초 전)", or "(3분 후)" for an instant to come; "없음" for none."""
    if at is None:
        return say("value.none", lang)
    key = "value.ago" if at <= now else "value.ahead"
    return f"{instant(at, tz)} ({say(key, lang, age=age(abs(now - at), lang))})"


def no_daemon(status: Status, tz: ZoneInfo) -> NoDaemonAlive:
    """Why no daemon is alive, in one line: none ever ran, the last one stopped, or it went silent."""
    if not status.daemons:
        key, values = "no_daemon.never", {}
    else:
        last = status.daemons[0]
        values = {"host": last.host, "pid": last.pid}
        if last.stopped_at is not None:
            key, values = "no_daemon.stopped", values | {"at": instant(last.stopped_at, tz)}
        else:
            key = "no_daemon.silent"
            values |= {"age": last.heartbeat_age, "fresh": FRESH_FOR}
    ko, en = (_filled(key, lang, values) for lang in ("ko", "en"))
    return NoDaemonAlive(en, ko=ko)


def _filled(key: str, lang: Lang, values: dict[str, object]) -> str:
    shown = {k: age(v, lang) if isinstance(v, timedelta) else v for k, v in values.items()}
    return say(key, lang, **shown)
