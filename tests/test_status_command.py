"""`monitor status`: the operator sees whether a daemon is alive, which one leads, how far behind delivery
is, what failed and the chain head — as a table (Korean first, 80 columns) or JSON — and the exit code
says whether any daemon's heartbeat is fresh.

The world is written with plain factory functions (daemon rows as the daemon writes them, outbox rows,
a disabled chat, a silence for the chain). The snapshot is checked at fixed instants; the command reads
the wall clock, so its daemon rows are placed relative to it with a margin far larger than a command's
run (`FRESH_FOR` is 15 s).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import Result
from rich.cells import cell_len
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import models as m
from monitor.history.publish import current_head
from monitor.ops.status import (
    FRESH_FOR,
    SEEN_FOR,
    AlertState,
    DaemonRole,
    OutboxState,
    is_fresh,
    read_status,
)
from monitor.ops.texts import age
from tests.factories import SEOUL, run_cli

AT = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 10:00 in Seoul
ERROR = "Forbidden: bot was blocked by the user"


def add_daemon(sessions: sessionmaker[Session], name: str, beat: datetime, **fields: Any) -> None:
    """A `daemons` row as the daemon writes it: `name` is its id and host, `beat` its last heartbeat."""
    values: dict[str, Any] = {"pid": 4242, "started_at": beat - timedelta(hours=1), "leader": False}
    with sessions.begin() as session:
        session.add(m.DaemonRecord(id=name, host=name, heartbeat_at=beat, **(values | fields)))


def add_outbox(
    sessions: sessionmaker[Session], state: str, created: datetime, error: str | None = None
) -> None:
    with sessions.begin() as session:
        number = session.query(m.OutboxEntry).count() + 1
        session.add(
            m.OutboxEntry(
                dedup_key=f"row-{number}",
                alert_key=f"DJ-1-1:overdue-{number}",
                event="firing",
                destination="telegram:-1001",
                group_key="daejeon",
                payload={},
                created_at=created,
                not_before=created,
                state=state,
                attempts=1,
                last_error=error,
                sent_at=created if state == "sent" else None,
            )
        )


def add_disabled_chat(sessions: sessionmaker[Session], chat_id: int, at: datetime, reason: str) -> None:
    with sessions.begin() as session:
        session.add(
            m.TelegramChat(
                chat_id=chat_id,
                type="group",
                title="대전 감시 모임",
                language="ko",
                disabled_at=at,
                disabled_reason=reason,
                created_at=at - timedelta(days=30),
                updated_at=at,
            )
        )


def add_alert(sessions: sessionmaker[Session], subject: str, state: str, at: datetime) -> None:
    with sessions.begin() as session:
        session.add(
            m.Alert(
                key=f"{subject}:deadline",
                subject=subject,
                subject_type="milestone",
                commitment_code=subject,
                rule="deadline",
                state=state,
                condition="overdue",
                severity="warning",
                jurisdiction="daejeon",
                parties=["daejeon"],
                title=subject,
                commitment_title=subject,
                reason_ko="기한 초과",
                reason_en="overdue",
                details={},
                started_at=at,
                resolved_at=at if state == "resolved" else None,
                updated_at=at,
            )
        )


def add_silence(sessions: sessionmaker[Session], at: datetime) -> None:
    """A chained write: the history chain gets a head."""
    with sessions.begin() as session:
        session.add(
            m.Silence(
                code_prefix="DJ-1",
                starts_at=at,
                ends_at=at + timedelta(days=1),
                reason="공사 중",
                created_by="운영자",
                created_at=at,
            )
        )


def busy_world(sessions: sessionmaker[Session], now: datetime) -> None:
    """A leader and a follower alive, one daemon that stopped, a backlog, a failure, a disabled chat."""
    add_daemon(
        sessions,
        "leader-host",
        now - timedelta(seconds=2),
        leader=True,
        last_pass_at=now - timedelta(seconds=30),
        next_wakeup_at=now + timedelta(minutes=10),
    )
    add_daemon(sessions, "follower-host", now - timedelta(seconds=3), pid=5151)
    add_daemon(sessions, "old-host", now - timedelta(hours=2), stopped_at=now - timedelta(hours=2))
    add_outbox(sessions, "pending", now - timedelta(minutes=5))
    add_outbox(sessions, "pending", now - timedelta(minutes=1))
    add_outbox(sessions, "sent", now - timedelta(hours=1))
    add_outbox(sessions, "failed", now - timedelta(hours=1), error=ERROR)
    add_disabled_chat(sessions, -1001, now - timedelta(hours=1), ERROR)
    add_silence(sessions, now - timedelta(hours=3))
    for subject, state in (("DJ-1-1", "firing"), ("DJ-1-2", "firing"), ("DJ-2-1", "resolved")):
        add_alert(sessions, subject, state, now - timedelta(days=1))


def status(url: str, *args: str, width: int = 80) -> Result:
    return run_cli(["status", *args], db_url=url, env={"COLUMNS": str(width)})


def seoul(at: datetime) -> str:
    return at.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M:%S")


def rows_of(stdout: str) -> dict[str, list[str]]:
    """Every table row by its first cell, as a person reads it: a cell's wrapped lines joined by a space
    (a line with an empty first cell continues the row above)."""
    rows: list[list[list[str]]] = []
    for line in stdout.splitlines():
        if line.startswith("│"):
            cells = [cell.strip() for cell in line.strip().strip("│").split("│")]
            if cells[0] or not rows:
                rows.append([[cell] for cell in cells])
            else:
                for parts, cell in zip(rows[-1], cells, strict=True):
                    parts.append(cell)
    joined = [[" ".join(part for part in parts if part) for parts in row] for row in rows]
    return {row[0]: row[1:] for row in joined}


def fits(stdout: str, width: int = 80) -> None:
    wide = [line for line in stdout.splitlines() if cell_len(line) > width]
    assert not wide, wide


# --- the snapshot ---------------------------------------------------------------------------------


def test_a_heartbeat_is_fresh_for_three_intervals_and_no_longer() -> None:
    assert is_fresh(AT - FRESH_FOR, AT)
    assert not is_fresh(AT - FRESH_FOR - timedelta(seconds=1), AT)
    assert is_fresh(AT + timedelta(seconds=3), AT)  # a clock a little ahead


def test_the_snapshot_names_each_daemon_role_and_takes_pass_times_from_the_leader(
    sessions: sessionmaker[Session],
) -> None:
    busy_world(sessions, AT)
    add_daemon(sessions, "lost-leader", AT - FRESH_FOR - timedelta(seconds=1), leader=True)  # killed
    with sessions() as session:
        found = read_status(session, AT)
    roles = {d.host: d.role for d in found.daemons}
    assert roles == {
        "leader-host": DaemonRole.LEADER,
        "follower-host": DaemonRole.FOLLOWER,
        "lost-leader": DaemonRole.SILENT,
        "old-host": DaemonRole.STOPPED,
    }
    assert [d.host for d in found.alive] == ["leader-host", "follower-host"]
    assert found.leader is not None and found.leader.host == "leader-host"
    assert found.last_pass_at == AT - timedelta(seconds=30)
    assert found.next_wakeup_at == AT + timedelta(minutes=10)
    assert found.daemons[0].heartbeat_age == timedelta(seconds=2)


def test_the_snapshot_counts_the_outbox_and_ages_its_oldest_pending_row(
    sessions: sessionmaker[Session],
) -> None:
    busy_world(sessions, AT)
    add_outbox(sessions, "failed", AT - timedelta(hours=2), error="Bad Request: chat not found")
    with sessions() as session:
        found = read_status(session, AT)
        head = current_head(session)
    backlog = found.backlog
    assert backlog.counts == {OutboxState.PENDING: 2, OutboxState.SENT: 1, OutboxState.FAILED: 2}
    assert found.alerts == {AlertState.FIRING: 2, AlertState.RESOLVED: 1}
    assert backlog.oldest_pending_age == timedelta(minutes=5)
    # the latest failure: of the failed row written last (the outbox keeps no failure time)
    assert (backlog.latest_error, backlog.latest_error_destination) == (
        "Bad Request: chat not found",
        "telegram:-1001",
    )
    assert found.disabled_count == 1 and found.disabled_chats[0].chat_id == -1001
    assert found.head == head and head.seq >= 1


def test_daemons_not_heard_from_for_a_day_are_left_out_but_the_last_one_is_kept(
    sessions: sessionmaker[Session],
) -> None:
    add_daemon(sessions, "last", AT - SEEN_FOR - timedelta(hours=1))
    add_daemon(sessions, "older", AT - SEEN_FOR - timedelta(hours=2))
    with sessions() as session:
        assert [d.host for d in read_status(session, AT).daemons] == ["last"]
    add_daemon(sessions, "today", AT - timedelta(hours=3))
    with sessions() as session:
        assert [d.host for d in read_status(session, AT).daemons] == ["today"]


@pytest.mark.parametrize(
    ("seconds", "ko", "en"),
    [
        (0, "0초", "0s"),
        (59, "59초", "59s"),
        (185, "3분 5초", "3m 5s"),
        (3600, "1시간", "1h"),
        (7260, "2시간 1분", "2h 1m"),
        (2 * 86400 + 4 * 3600 + 59, "2일 4시간", "2d 4h"),
    ],
)
def test_an_age_is_said_in_its_two_largest_units(seconds: int, ko: str, en: str) -> None:
    assert (age(timedelta(seconds=seconds), "ko"), age(timedelta(seconds=seconds), "en")) == (ko, en)


# --- the command ----------------------------------------------------------------------------------


def test_without_any_daemon_the_status_is_shown_and_one_line_says_none_is_alive(
    db_url: str, sessions: sessionmaker[Session]
) -> None:
    result = status(db_url)
    assert result.exit_code == 1
    assert "발송 대기열" in result.stdout and "Traceback" not in result.output
    assert result.stderr.strip().splitlines() == [
        "오류: 살아 있는 데몬이 없습니다: 이 데이터베이스에서 데몬이 실행된 적이 없습니다 "
        "(monitor run 으로 시작하세요)"
    ]


def test_a_fresh_leader_and_follower_with_backlog_and_a_failure_show_in_an_80_column_table(
    db_url: str, sessions: sessionmaker[Session]
) -> None:
    now = datetime.now(UTC)
    busy_world(sessions, now)
    result = status(db_url)
    assert result.exit_code == 0, result.output
    fits(result.stdout)
    rows = rows_of(result.stdout)
    assert rows["리더"] == ["leader-host (pid 4242)"]
    # ages run on while the command starts: their unit and order, not their last second
    assert re.fullmatch(rf"{seoul(now - timedelta(seconds=30))} \(3\d초 전\)", rows["마지막 평가"][0])
    next_pass = seoul(now + timedelta(minutes=10))
    assert re.fullmatch(rf"{next_pass} \((9분 \d+초|10분) 후\)", rows["다음 평가 예정"][0])
    assert rows["발송 대기열"] == ["대기 2 · 보냄 1 · 실패 1"]
    assert re.fullmatch(
        rf"{seoul(now - timedelta(minutes=5))} \(5분( \d+초)? 전\)", rows["가장 오래된 대기"][0]
    )
    assert rows["실패한 발송"] == [f"1건 — 최근 오류 (telegram:-1001): {ERROR}"]
    assert rows["경보"] == ["발생 중 2 · 해소 1"]
    assert rows["중지된 채팅"] == ["1개"]
    with sessions() as session:
        head = current_head(session)
    assert rows["이력 체인 머리"] == [f"{head.seq}번 {head.hash[:12]}…"]
    assert rows["leader-host"][0] == "4242" and rows["leader-host"][-1] == "리더"
    assert rows["follower-host"][0] == "5151" and rows["follower-host"][-1] == "예비"
    assert rows["old-host"][-1] == f"멈춤 멈춘 시각: {seoul(now - timedelta(hours=2))}"
    assert all(re.fullmatch(r"\d+초 전", rows[host][-2]) for host in ("leader-host", "follower-host"))
    assert re.fullmatch(r"2시간( \d+초)? 전", rows["old-host"][-2])
    assert rows["-1001"] == ["대전 감시 모임", seoul(now - timedelta(hours=1)), ERROR]


def test_the_json_has_stable_keys_and_the_stored_values(db_url: str, sessions: sessionmaker[Session]) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    busy_world(sessions, now)
    result = status(db_url, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == [
        "at",
        "alive",
        "fresh_within_seconds",
        "leader",
        "last_pass_at",
        "next_wakeup_at",
        "daemons",
        "outbox",
        "alerts",
        "disabled_chats",
        "chain_head",
    ]
    assert data["alive"] is True and data["fresh_within_seconds"] == 15
    assert data["leader"] == {"id": "leader-host", "host": "leader-host", "pid": 4242}
    assert [(d["host"], d["role"]) for d in data["daemons"]] == [
        ("leader-host", "leader"),
        ("follower-host", "follower"),
        ("old-host", "stopped"),
    ]
    assert data["last_pass_at"] == (now - timedelta(seconds=30)).astimezone(SEOUL).isoformat()
    outbox = data["outbox"]
    assert (outbox["pending"], outbox["sent"], outbox["failed"]) == (2, 1, 1)
    assert outbox["oldest_pending_at"] == (now - timedelta(minutes=5)).astimezone(SEOUL).isoformat()
    assert 300 <= outbox["oldest_pending_age_seconds"] < 300 + FRESH_FOR.total_seconds()
    assert outbox["latest_error"] == ERROR
    assert data["disabled_chats"]["count"] == 1
    assert data["disabled_chats"]["latest"][0]["chat_id"] == -1001
    assert data["alerts"] == {"firing": 2, "resolved": 1}
    with sessions() as session:
        assert data["chain_head"]["seq"] == current_head(session).seq


def test_english_with_lang_en(db_url: str, sessions: sessionmaker[Session]) -> None:
    busy_world(sessions, datetime.now(UTC))
    result = run_cli(["--lang", "en", "status"], db_url=db_url, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    for shown in ("Leader", "follower", "stopped", "pending 2 · sent 1 · failed 1", "Outbox", "Chain head"):
        assert shown in out, shown
    assert "리더" not in out and "대기" not in out
    fits(result.stdout)


def test_a_stale_heartbeat_exits_1_saying_how_old_the_last_one_is(
    db_url: str, sessions: sessionmaker[Session]
) -> None:
    add_daemon(sessions, "gone-host", datetime.now(UTC) - timedelta(hours=2, minutes=1), leader=True)
    result = status(db_url)
    assert result.exit_code == 1
    assert rows_of(result.stdout)["gone-host"][-1] == "응답 없음" and rows_of(result.stdout)["리더"] == [
        "없음"
    ]
    line = result.stderr.strip()
    assert line.startswith(
        "오류: 살아 있는 데몬이 없습니다: 마지막 하트비트는 2시간 1분 전(gone-host, pid 4242)"
    )
    english = run_cli(["--lang", "en", "status", "--format", "json"], db_url=db_url)
    assert english.exit_code == 1 and json.loads(english.stdout)["alive"] is False
    assert english.stderr.startswith("error: no daemon is alive: the last heartbeat was 2h 1m ago")


def test_a_daemon_that_stopped_cleanly_is_not_alive(db_url: str, sessions: sessionmaker[Session]) -> None:
    now = datetime.now(UTC)
    add_daemon(sessions, "done-host", now, stopped_at=now)  # the heartbeat is fresh, the process is gone
    result = status(db_url)
    assert result.exit_code == 1
    assert f"마지막 데몬(done-host, pid 4242)은 {seoul(now)}에 멈췄습니다" in result.stderr


def test_long_host_names_and_errors_still_fit_80_columns(
    db_url: str, sessions: sessionmaker[Session]
) -> None:
    now = datetime.now(UTC)
    busy_world(sessions, now)
    add_daemon(sessions, "monitor-primary.internal.watchdog-group.example.org", now, pid=1234567)
    add_outbox(sessions, "failed", now, error="Bad Request: " + "chat not found " * 12)
    for lang in ("ko", "en"):
        result = run_cli(["--lang", lang, "status"], db_url=db_url, env={"COLUMNS": "80"})
        assert result.exit_code == 0, result.output
        fits(result.stdout)
        assert "monitor-primary.internal.watchdog-group.example.org" in result.stdout  # a code: never split
