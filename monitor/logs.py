"""Logging set-up for the entry points, with secrets redacted from every record and every time written
in the configured zone (`timezone`, Asia/Seoul by default), whatever the machine's own zone is.

Redaction covers the configured secrets (the bot token, the chain key) and anything shaped like a Bot
API token (`<digits>:<secret>`, as in `…/bot123456:AA…/getMe`) wherever it appears: a record's message,
its formatted exception and stack (tracebacks from libraries included), and — through `sys.excepthook`
and `threading.excepthook` — a traceback nobody caught.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
import warnings
from collections.abc import Iterable
from datetime import datetime, tzinfo
from types import TracebackType
from zoneinfo import ZoneInfo

REDACTED = "[REDACTED]"
# A Bot API token: the bot's id, a colon, and a secret of 30 or more URL-safe characters.
TOKEN_SHAPE = re.compile(r"(?<![0-9])[0-9]{3,}:[A-Za-z0-9_-]{30,}")
_secrets: list[str] = []  # the configured secrets, for `redact` (set by `configure_logging`)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every secret and every token-shaped string replaced by `[REDACTED]`."""
    for secret in sorted({*secrets, *_secrets}, key=len, reverse=True):
        if secret:
            text = text.replace(secret, REDACTED)
    return TOKEN_SHAPE.sub(REDACTED, text)


DEFAULT_ZONE = ZoneInfo("Asia/Seoul")  # the `timezone` setting's default


class ZonedFormatter(logging.Formatter):
    """`%(asctime)s` in a given zone, named: "2026-11-22 12:00:05,120 KST"."""

    def __init__(self, fmt: str, tz: tzinfo) -> None:
        super().__init__(fmt)
        self.tz = tz

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        local = datetime.fromtimestamp(record.created, self.tz)
        return f"{local:%Y-%m-%d %H:%M:%S},{int(record.msecs):03d} {local:%Z}"


class RedactSecrets(logging.Filter):
    """Replace secret values (the bot token) wherever they would appear in a log line, its exception
    and its stack included.

    HTTP client libraries log request URLs, and the Bot API puts the token in the URL path; Telegram's
    client puts it in the text of `InvalidToken`.
    """

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message, self.secrets)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    text = "".join(traceback.format_exception(kind, value, tb))
    sys.stderr.write(redact(text))


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    text = "".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback))
    name = args.thread.name if args.thread else "?"
    sys.stderr.write(redact(f"Exception in thread {name}:\n{text}"))


def install_redaction(secrets: list[str]) -> None:
    """Redact `secrets` (and token shapes) from uncaught tracebacks too, from now on."""
    _secrets[:] = [s for s in secrets if s]
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook


def configure_logging(level: str, secrets: list[str], tz: tzinfo = DEFAULT_ZONE) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(ZonedFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", tz))
    handler.addFilter(RedactSecrets(secrets))
    install_redaction(secrets)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # PTB 22 warns from RetryAfter's own constructor on every 429 (we read either type of retry_after).
    warnings.filterwarnings("ignore", message=".*retry_after.*", module="telegram")
    if level != "DEBUG":
        # Alembic narrates every migration step and APScheduler every job run at INFO; our own log lines
        # say what changed.
        for chatty in ("alembic", "apscheduler"):
            logging.getLogger(chatty).setLevel(logging.WARNING)


def use_zone(tz: tzinfo) -> None:
    """Write the times of the handlers `configure_logging` installed in `tz` from now on (the daemon
    calls it with the configured zone)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler.formatter, ZonedFormatter):
            handler.formatter.tz = tz
