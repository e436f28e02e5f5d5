"""Telegram is optional at every moment (issue 13): the daemon, a real process against the fake Bot API,
starts and detects while Telegram answers 502, hangs, refuses the connection, does not resolve or refuses
the token; the file alerts are written, Telegram rows wait, the log says each change of state once (no
traceback), and what waited is delivered when Telegram answers again. `run --once` exits 0 without it."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from monitor.telegram.connection import Link, backoff
from monitor.telegram.limits import Limits
from monitor.telegram.log_texts import reason
from monitor.telegram.notifier import TelegramNotifier
from tests.daemon_process import DaemonProcess, daemon_env, event_seed, monitor
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.telegram_factories import subscribe
from tests.test_telegram_e2e import outbox, wait_until

READER = 7001
UNREACHABLE = "텔레그램에 연결할 수 없습니다"
CONNECTED = "텔레그램 연결됨: @pledge_monitor_bot"
REJECTED = "텔레그램 토큰이 거부되었습니다 (401 Unauthorized): telegram_token 설정을 확인하세요"
RETRIED = "monitor.telegram.connection: Telegram still unreachable"  # DEBUG: one per further failure


# How the daemon meets Telegram does not depend on its database: the first test runs on both, the rest on
# SQLite (delivery on PostgreSQL is tested by tests/test_two_daemons.py), which keeps CI within its time.
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        server.add_chat(READER, title="Kim")
        yield server
        assert server.internal_errors == []


def world(
    db_url: str, folder: Path, base_url: str, sessions: sessionmaker[Session], **settings: str
) -> dict[str, str]:
    """A database holding one event two hours away (its reminder is due at once) and one chat subscribed
    to everything; the environment of a daemon whose Telegram is at `base_url`."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    seeds = event_seed(folder / "seeds", start, start + timedelta(hours=1))
    env = daemon_env(
        db_url,
        folder,
        seeds_dir=str(seeds),
        telegram_token=TOKEN,
        telegram_base_url=base_url,
        telegram_timeout="1s",
        poll_interval="0.2s",
        group_wait="0s",
        **settings,
    )
    monitor(env, folder, "init")
    subscribe(sessions, READER)
    return env


def file_alerts(folder: Path) -> list[str]:
    path = folder / "alerts.jsonl"
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def telegram_states(sessions: sessionmaker[Session]) -> list[str]:
    return [row.state for row in outbox(sessions) if row.destination == f"telegram:{READER}"]


def lines(daemon: DaemonProcess, text: str) -> list[str]:
    return [line for line in daemon.log.splitlines() if text in line]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def calls(fake: FakeTelegram, method: str) -> int:
    return sum(1 for name, _ in list(fake.requests) if name == method)


def stopped_cleanly(daemon: DaemonProcess) -> None:
    assert daemon.terminate() == 0, daemon.log
    assert "Traceback" not in daemon.log and TOKEN.partition(":")[2] not in daemon.log


def test_telegram_down_at_start_up_the_daemon_detects_and_delivers_everything_once_telegram_is_back(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path, fake: FakeTelegram
) -> None:
    env = world(db_url, tmp_path, fake.base_url, sessions)
    fake.set_outage(True, everything=True)
    daemon = DaemonProcess(env, tmp_path)
    try:
        wait_until(lambda: bool(file_alerts(tmp_path)), "the file alerts", daemon)
        daemon.wait_for("[공약 이행 모니터]")  # and the console's
        wait_until(lambda: calls(fake, "getMe") >= 3, "two more attempts to connect", daemon)
        assert lines(daemon, UNREACHABLE) == lines(
            daemon, f"{UNREACHABLE} (502 Bad Gateway): 다시 시도합니다"
        )
        assert len(lines(daemon, UNREACHABLE)) == 1 and lines(daemon, CONNECTED) == []
        assert telegram_states(sessions) and set(telegram_states(sessions)) == {"pending"}
        fake.set_outage(False)
        wait_until(lambda: bool(lines(daemon, CONNECTED)), "connected", daemon)
        wait_until(lambda: set(telegram_states(sessions)) == {"sent"}, "every Telegram row sent", daemon)
        assert len(lines(daemon, CONNECTED)) == 1 and len(lines(daemon, UNREACHABLE)) == 1
        rows = [row for row in outbox(sessions) if row.destination == f"telegram:{READER}"]
        recorded = [message for row in rows for message in row.delivery["message_ids"]]
        assert sorted(msg.message_id for msg in fake.messages_to(READER)) == sorted(recorded)
        stopped_cleanly(daemon)
    finally:
        daemon.kill()


@SQLITE_ONLY
def test_a_refused_token_is_said_once_and_detection_goes_on(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path, fake: FakeTelegram
) -> None:
    """The English lines are checked on the link itself, below."""
    env = world(db_url, tmp_path, fake.base_url, sessions)
    fake.revoke_token()
    daemon = DaemonProcess(env, tmp_path)
    try:
        wait_until(lambda: bool(file_alerts(tmp_path)), "the file alerts", daemon)
        wait_until(lambda: bool(lines(daemon, REJECTED)), "the refused token", daemon)
        assert len(lines(daemon, REJECTED)) == 1
        assert "ERROR monitor.telegram.connection" in lines(daemon, REJECTED)[0]
        time.sleep(3)  # the first two retries would have come by now
        assert calls(fake, "getMe") == 1 and daemon.process.poll() is None  # running, not knocking again
        assert set(telegram_states(sessions)) == {"pending"}
        stopped_cleanly(daemon)
    finally:
        daemon.kill()
    assert len(lines(daemon, REJECTED)) == 1 and "InvalidToken" not in daemon.log


@SQLITE_ONLY
@pytest.mark.parametrize("failure", ["refused", "unresolvable", "hanging"])
def test_unreachable_telegram_at_start_up_is_one_line_however_many_attempts(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path, fake: FakeTelegram, failure: str
) -> None:
    base_url = {
        "refused": f"http://127.0.0.1:{closed_port()}/bot",
        "unresolvable": "http://telegram.invalid/bot",  # .invalid never resolves (RFC 2606)
        "hanging": fake.base_url,
    }[failure]
    env = world(db_url, tmp_path, base_url, sessions, log_level="DEBUG")
    fake.set_hang(failure == "hanging")
    daemon = DaemonProcess(env, tmp_path)
    try:
        wait_until(lambda: bool(file_alerts(tmp_path)), "the file alerts", daemon)
        wait_until(lambda: len(lines(daemon, RETRIED)) >= 2, "two more attempts to connect", daemon)
        (said,) = lines(daemon, UNREACHABLE)
        expected = {"refused": "(Connection refused)", "unresolvable": "", "hanging": "(응답 시간 초과)"}
        assert expected[failure] in said and "WARNING monitor.telegram.connection" in said
        assert set(telegram_states(sessions)) == {"pending"}
        if failure == "hanging":
            fake.set_hang(False)
            wait_until(lambda: bool(lines(daemon, CONNECTED)), "connected", daemon)
            wait_until(lambda: set(telegram_states(sessions)) == {"sent"}, "every Telegram row sent", daemon)
        stopped_cleanly(daemon)
    finally:
        daemon.kill()
    assert len(lines(daemon, UNREACHABLE)) == 1


@SQLITE_ONLY
@pytest.mark.parametrize("failure", ["502", "refused"])
def test_run_once_without_telegram_exits_0_with_file_alerts_and_telegram_rows_pending(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path, fake: FakeTelegram, failure: str
) -> None:
    base_url = fake.base_url if failure == "502" else f"http://127.0.0.1:{closed_port()}/bot"
    env = world(db_url, tmp_path, base_url, sessions)
    fake.set_outage(True, everything=True)
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "run", "--once"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    said = [line for line in done.stderr.splitlines() if UNREACHABLE in line]
    assert len(said) == 1 and said[0].endswith("이번 실행의 텔레그램 알림은 보내지 않고 대기열에 남깁니다")
    assert "Traceback" not in done.stderr
    assert file_alerts(tmp_path) and set(telegram_states(sessions)) == {"pending"}
    assert fake.sent == []


@SQLITE_ONLY
def test_losing_telegram_while_polling_is_one_line_each_way_and_commands_are_answered_again(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path, fake: FakeTelegram
) -> None:
    """PTB's updater retries getUpdates on its own; each change is said once, with no traceback. A
    command sent while Telegram was down is answered when it is back (its long poll returns at once)."""
    env = world(db_url, tmp_path, fake.base_url, sessions)
    daemon = DaemonProcess(env, tmp_path)
    try:
        wait_until(lambda: bool(lines(daemon, "봇이 명령에 답합니다")), "polling", daemon)
        fake.set_outage(True, everything=True)
        before = calls(fake, "getUpdates")
        wait_until(
            lambda: bool(lines(daemon, "텔레그램 연결이 끊겼습니다 (502 Bad Gateway)")), "the loss", daemon
        )
        wait_until(lambda: calls(fake, "getUpdates") >= before + 3, "PTB's retries", daemon)
        fake.push_message(READER, READER, "/help", first_name="Kim")
        fake.set_outage(False)
        wait_until(lambda: len(lines(daemon, CONNECTED)) == 2, "connected again", daemon)
        wait_until(
            lambda: any("/subscribe" in fake.visible_text(m) for m in fake.messages_to(READER)),
            "/help answered",
            daemon,
        )
        assert len(lines(daemon, "텔레그램 연결이 끊겼습니다")) == 1
        stopped_cleanly(daemon)
    finally:
        daemon.kill()


@SQLITE_ONLY
def test_a_token_revoked_while_polling_is_said_once_without_a_traceback(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path, fake: FakeTelegram
) -> None:
    env = world(db_url, tmp_path, fake.base_url, sessions)
    daemon = DaemonProcess(env, tmp_path)
    try:
        wait_until(lambda: bool(lines(daemon, "봇이 명령에 답합니다")), "polling", daemon)
        fake.revoke_token()
        fake.push_message(
            READER, READER, "안녕하세요", first_name="Kim"
        )  # the long poll returns: the next is refused
        wait_until(lambda: bool(lines(daemon, REJECTED)), "the refused token", daemon)
        stopped_cleanly(daemon)
    finally:
        daemon.kill()
    assert len(lines(daemon, REJECTED)) == 1 and "Invalid token" not in daemon.log


# --- the pieces, without a process ----------------------------------------------------------------
def test_the_waits_between_attempts_double_up_to_a_minute_with_jitter() -> None:
    waits = backoff()
    drawn = [next(waits) for _ in range(10)]
    ceilings = [1, 2, 4, 8, 16, 32, 60, 60, 60, 60]
    assert all(top / 2 <= wait <= top for wait, top in zip(drawn, ceilings, strict=True))


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (NetworkError("Bad Gateway"), "502 Bad Gateway"),
        (
            NetworkError("Bad Gateway (502). Parsing the server response b'<html>...' failed"),
            "502 Bad Gateway",
        ),
        (
            NetworkError("httpx.ConnectError: [Errno 111] Connection refused"),
            "[Errno 111] Connection refused",
        ),
        (TimedOut(), "응답 시간 초과"),
        (NetworkError(f"httpx.ReadError: {'x' * 300}"), "x" * 119 + "…"),
    ],
)
def test_why_telegram_failed_is_said_in_a_few_words(error: NetworkError, said: str) -> None:
    assert reason(error, "ko") == said


def caused(*chain: BaseException) -> NetworkError:
    """A NetworkError raised from the chain, outermost first, as httpx and PTB raise them."""
    outer = NetworkError("httpx.ConnectError: All connection attempts failed")
    for error, cause in zip((outer, *chain), chain, strict=False):
        error.__cause__ = cause
    return outer


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (
            caused(
                OSError("All connection attempts failed"), ConnectionRefusedError(111, "Connect call failed")
            ),
            "Connection refused",
        ),
        (caused(socket.gaierror(-2, "Name or service not known")), "Name or service not known"),
        (caused(OSError("no errno")), "All connection attempts failed"),
    ],
    ids=["refused", "unresolvable", "no-system-reason"],
)
def test_a_failed_connection_is_said_in_the_systems_words(error: NetworkError, said: str) -> None:
    assert reason(error, "en") == said


def test_the_link_says_each_change_of_state_once_and_sets_the_notifier(
    caplog: pytest.LogCaptureFixture,
) -> None:
    notifier = TelegramNotifier(Bot(TOKEN), Limits(), lambda chat: "ko")
    ups: list[bool] = []
    link = Link(notifier, "en", lambda: ups.append(True))

    def failure() -> None:
        link.failed(NetworkError("Bad Gateway"))

    with caplog.at_level(logging.INFO, "monitor.telegram.connection"):
        failure()
        failure()
        assert notifier.connected is False
        link.up("bot")
        link.up("bot")
        assert notifier.connected is True
        failure()
        failure()
        link.rejected("401 Unauthorized")
        link.up("bot")
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "cannot reach Telegram (502 Bad Gateway)",
        "connected to Telegram",
        "lost the connection to Telegram (502 Bad Gateway)",
        "Telegram rejected the bot token (401 Unauthorized)",
    ]
    assert ups == [True] and notifier.connected is False
