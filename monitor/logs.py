"""Logging set-up for the entry points, with secrets redacted from every record."""

from __future__ import annotations

import logging
import warnings

REDACTED = "[REDACTED]"


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


def configure_logging(level: str, secrets: list[str]) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
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
