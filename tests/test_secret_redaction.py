"""The bot token is never shown: not when Telegram rejects it, not in a log line, not in a traceback."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.logs import REDACTED, RedactSecrets, redact
from tests.daemon_process import daemon_env
from tests.fake_telegram import FakeTelegram

# Well shaped, but not the fake's token: the fake answers 401 Unauthorized to getMe, as Telegram does.
REJECTED = "987654:" + "S" * 35
SECRET = REJECTED.partition(":")[2]


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


def _run(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "monitor", *args]
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def _everything_written(folder: Path, done: subprocess.CompletedProcess[str]) -> str:
    files = [path.read_text(errors="replace") for path in folder.rglob("*") if path.is_file()]
    return "\n".join([done.stdout, done.stderr, *files])


@pytest.mark.parametrize(
    ("language", "line"),
    [
        (
            "ko",
            "오류: 텔레그램이 봇 토큰(MONITOR_TELEGRAM_TOKEN / telegram_token)을 거부했습니다: "
            "@BotFather에서 확인하세요",
        ),
        (
            "en",
            "error: Telegram rejected the bot token (MONITOR_TELEGRAM_TOKEN / telegram_token): "
            "check it with @BotFather",
        ),
    ],
)
def test_a_rejected_token_is_one_line_without_the_token(
    fake: FakeTelegram, sqlite_url: str, tmp_path: Path, language: str, line: str
) -> None:
    env = daemon_env(sqlite_url, tmp_path, telegram_base_url=fake.base_url, language=language)
    assert _run(env, tmp_path, "init").returncode == 0
    done = _run(env | {"MONITOR_TELEGRAM_TOKEN": REJECTED}, tmp_path, "run", "--once")
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[-1] == line
    assert "Traceback" not in done.stderr and "InvalidToken" not in done.stderr
    everything = _everything_written(tmp_path, done)
    assert SECRET not in everything and REJECTED not in everything


def _logged(secrets: list[str], emit: object) -> str:
    stream_lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            stream_lines.append(self.format(record))

    handler = Keep()
    handler.addFilter(RedactSecrets(secrets))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        assert callable(emit)
        emit(logger)
    finally:
        logger.removeHandler(handler)
    return "\n".join(stream_lines)


def test_a_library_traceback_in_a_log_line_is_redacted() -> None:
    def emit(logger: logging.Logger) -> None:
        try:
            raise RuntimeError(f"The token `{REJECTED}` was rejected by the server.")
        except RuntimeError:
            logger.exception("bot failed")

    text = _logged([REJECTED], emit)
    assert "Traceback" in text and f"The token `{REDACTED}` was rejected" in text
    assert SECRET not in text


def test_a_token_shaped_url_is_redacted_even_when_not_configured() -> None:
    text = _logged([], lambda logger: logger.warning("GET https://api.telegram.org/bot%s/getMe", REJECTED))
    assert text == f"GET https://api.telegram.org/bot{REDACTED}/getMe"
    assert redact("chat -1001234567890 at 12:30") == "chat -1001234567890 at 12:30"  # no false positive


def test_an_uncaught_traceback_is_redacted(tmp_path: Path) -> None:
    script = (
        "from monitor.logs import configure_logging\n"
        f"configure_logging('INFO', secrets=['{REJECTED}'])\n"
        f"raise RuntimeError('token {REJECTED} and another 1234567:' + 'x' * 40)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=60, check=False
    )
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == f"RuntimeError: token {REDACTED} and another {REDACTED}"
    assert SECRET not in done.stderr and "x" * 40 not in done.stderr
