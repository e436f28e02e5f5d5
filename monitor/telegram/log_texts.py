"""The bot's connection lines for the operator's log, in Korean and English (the `language` setting).

Telegram is optional at every moment: when it cannot be reached the daemon goes on detecting and writing
console and file alerts, and the log says so once per change of state — not once per attempt — in the
operator's language. Why it failed is said in a few words (`502 Bad Gateway`, `Connection refused`),
never with the Bot API URL, whose path holds the token.
"""

from __future__ import annotations

import os
import re
import socket
from http import HTTPStatus

from telegram.error import InvalidToken, TelegramError, TimedOut

from monitor.korean import say_in
from monitor.logs import redact
from monitor.vocab import Lang

LINES: dict[str, tuple[str, str]] = {
    "unreachable": (
        "텔레그램에 연결할 수 없습니다 ({reason}): 다시 시도합니다. 감지와 알림 파일(alerts_file) 기록은 "
        "계속되고, 텔레그램 알림은 연결되면 보냅니다",
        "cannot reach Telegram ({reason}): retrying. Detection and the alerts file go on; Telegram alerts "
        "are sent once it answers",
    ),
    "unreachable_once": (
        "텔레그램에 연결할 수 없습니다 ({reason}): 이번 실행의 텔레그램 알림은 보내지 않고 대기열에 남깁니다",
        "cannot reach Telegram ({reason}): this run's Telegram alerts stay queued",
    ),
    "lost": (
        "텔레그램 연결이 끊겼습니다 ({reason}): 다시 시도합니다",
        "lost the connection to Telegram ({reason}): retrying",
    ),
    "connected": ("텔레그램 연결됨: @{username}", "connected to Telegram: @{username}"),
    "rejected": (
        "텔레그램 토큰이 거부되었습니다 ({reason}): telegram_token 설정을 확인하세요. 텔레그램 알림은 "
        "대기열에 남고, 감지와 알림 파일(alerts_file) 기록은 계속됩니다",
        "Telegram rejected the bot token ({reason}): check the telegram_token setting. Telegram alerts "
        "stay queued; detection and the alerts file go on",
    ),
    "polling": ("@{username} 봇이 명령에 답합니다", "bot @{username} is answering commands"),
    "stop_late": (
        "텔레그램 종료가 {seconds:g}초 안에 끝나지 않아 기다리지 않습니다",
        "Telegram did not shut down within {seconds:g} s: not waiting for it",
    ),
    "timed_out": ("응답 시간 초과", "timed out"),
    "connect_bug": (
        "텔레그램 연결 중 예기치 않은 오류가 났습니다: 잠시 뒤 다시 시도합니다",
        "unexpected error while connecting to Telegram: trying again later",
    ),
}
_HTTPX = re.compile(r"^httpx\.\w+: ")
_STATUS_IN_TEXT = re.compile(r"^(.*?) \((\d{3})\)")  # PTB's text for an answer that is not JSON
_PHRASES = {status.phrase.lower(): status for status in HTTPStatus}
MAX_REASON = 120
MAX_CAUSES = 8  # how deep the chain of causes is searched for the system's reason


def say(key: str, lang: Lang, **values: object) -> str:
    """The log line `key` in `lang`, its values filled in (Korean particles chosen)."""
    return say_in(LINES, key, lang, **values)


def status_reason(code: int) -> str:
    """`502 Bad Gateway`: an HTTP status as the log shows it."""
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"HTTP {code}"


def reason(error: TelegramError, lang: Lang) -> str:
    """Why a request failed, in a few words: `502 Bad Gateway`, `Connection refused`, `Name or service
    not known`, `응답 시간 초과`. Redacted and cut short: an error text may quote a URL or an HTML page."""
    if isinstance(error, TimedOut):
        return say("timed_out", lang)
    text = _system_reason(error) or _HTTPX.sub("", error.message).strip()
    if (status := _PHRASES.get(text.lower())) is not None:  # Telegram's JSON description of a 5xx
        return status_reason(status.value)
    if (match := _STATUS_IN_TEXT.match(text)) is not None:  # a proxy's HTML page instead of JSON
        return status_reason(int(match[2]))
    text = redact(text)
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"


def refusal(error: InvalidToken) -> str:
    """`401 Unauthorized` for a refused token; PTB's own text names the token, so it is not used."""
    cause = error.__cause__
    return reason(cause, "en") if isinstance(cause, TelegramError) else status_reason(401)


def _system_reason(error: BaseException) -> str | None:
    """The operating system's words for a failed connection, from the error that caused it (httpx says
    only "All connection attempts failed"): `Connection refused`, `Name or service not known`."""
    found: OSError | None = None
    cause: BaseException | None = error
    for _ in range(MAX_CAUSES):
        if cause is None:
            break
        if isinstance(cause, OSError) and cause.errno is not None:
            found = cause
        cause = cause.__cause__ or cause.__context__
    if found is None:
        return None
    if isinstance(found, socket.gaierror) or found.errno is None or found.errno <= 0:
        return str(found.strerror)
    return os.strerror(found.errno)
