"""Logging set-up for the entry points, with secrets redacted from every record and every time written
in the configured zone (`timezone`, Asia/Seoul by default), whatever the machine's own zone is."""

from __future__ import annotations

import logging
import warnings
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

REDACTED = "[REDACTED]"
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
    """Replace secret values (the bot token) wherever they would appear in a log line.

    HTTP client libraries log request URLs, and the Bot API puts the token in the URL path.
    """

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        redacted = message
        for secret in self.secrets:
            redacted = redacted.replace(secret, REDACTED)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure_logging(level: str, secrets: list[str], tz: tzinfo = DEFAULT_ZONE) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(ZonedFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", tz))
    handler.addFilter(RedactSecrets(secrets))
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
