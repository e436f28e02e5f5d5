"""Whether Telegram answers, as one state the bot and the sender share, logged once per change.

Telegram is optional at every moment (issue 13): a daemon whose Telegram is down, slow, unresolvable or
refusing its token keeps detecting and writing its file alerts. The `Link` is the one place that knows
whether Telegram answers: it sets the notifier's `connected` flag (until the bot first connects the
sender leaves Telegram rows pending, untried), says so in the log once per change — not once per
attempt — and, when Telegram answers again, asks the daemon to deliver what waited.

While the bot polls, python-telegram-bot's updater retries getUpdates on its own (its network retry
loop, growing to 30 s between attempts); `WatchedRequest` is that updater's HTTP client, telling the
link whether each answer came — so a recovery is seen when a long poll returns: at once when an update
is waiting, else within its timeout. PTB's own per-attempt log records (a traceback each) are replaced
by the link's lines (`QuietPolling`).
"""

from __future__ import annotations

import enum
import logging
import random
from collections.abc import Callable, Iterator
from typing import Any

from telegram.error import NetworkError, TelegramError
from telegram.request import HTTPXRequest

from monitor.telegram.log_texts import reason, say, status_reason
from monitor.telegram.notifier import TelegramNotifier
from monitor.vocab import Lang

log = logging.getLogger(__name__)
FIRST_RETRY = 1.0  # seconds before the second attempt to connect; doubled after each failure
LAST_RETRY = 60.0  # at most this long between attempts
UNAUTHORIZED = frozenset({401, 404})  # Telegram's answers to a revoked or malformed token


def backoff(first: float = FIRST_RETRY, most: float = LAST_RETRY) -> Iterator[float]:
    """Waits between attempts: doubling from `first` to at most `most`, each drawn from its upper half
    (jitter), so that daemons restarted together do not knock at Telegram in step."""
    wait = first
    while True:
        yield random.uniform(wait / 2, wait)
        wait = min(wait * 2, most)


class State(enum.Enum):
    UNKNOWN = "unknown"  # not tried yet
    UP = "up"
    DOWN = "down"
    REJECTED = "rejected"  # the token: nothing more is tried


class Link:
    def __init__(self, notifier: TelegramNotifier, lang: Lang, on_up: Callable[[], None]) -> None:
        """`on_up()` runs each time Telegram answers after it did not (deliver what waited)."""
        self.notifier, self.lang, self.on_up = notifier, lang, on_up
        self.state = State.UNKNOWN

    def up(self, username: str) -> None:
        if self.state in (State.UP, State.REJECTED):
            return
        self._enter(State.UP)
        log.info(say("connected", self.lang, username=username))
        self.on_up()

    def down(self, why: str, *, retrying: bool = True) -> None:
        """Telegram did not answer (`why`); `retrying`: another attempt will follow."""
        if self.state in (State.DOWN, State.REJECTED):
            log.debug("Telegram still unreachable: %s", why)
            return
        key = "lost" if self.state is State.UP else "unreachable" if retrying else "unreachable_once"
        self._enter(State.DOWN)
        log.warning(say(key, self.lang, reason=why))

    def rejected(self, why: str) -> None:
        if self.state is State.REJECTED:
            return
        self._enter(State.REJECTED)
        log.error(say("rejected", self.lang, reason=why))

    def failed(self, error: TelegramError, *, retrying: bool = True) -> None:
        self.down(reason(error, self.lang), retrying=retrying)

    def _enter(self, state: State) -> None:
        self.state = state
        self.notifier.connected = state is State.UP


class WatchedRequest(HTTPXRequest):
    """The updater's HTTP client (getUpdates): every answer or failure is told to the link."""

    link: Link | None = None
    username = ""

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        try:
            code, payload = await super().do_request(*args, **kwargs)
        except TelegramError as error:  # no answer: refused, unresolvable, timed out
            if self.link is not None:
                self.link.failed(error)
            raise
        if self.link is not None:
            if 200 <= code < 300:
                self.link.up(self.username)
            elif code in UNAUTHORIZED:
                self.link.rejected(status_reason(code))
            elif code >= 500:
                self.link.down(status_reason(code))
        return code, payload


def polling_error(link: Link) -> Callable[[TelegramError], None]:
    """The updater's error callback. Network failures were already told by `WatchedRequest`; the rest
    (409 Conflict: another process polls) is a state change of its own, said once."""

    def told(error: TelegramError) -> None:
        if not isinstance(error, NetworkError):
            link.failed(error)

    return told


class QuietPolling(logging.Filter):
    """PTB's records that the link's lines replace: the retry loop's traceback when the token is
    refused while polling, and the failed last getUpdates at shutdown while Telegram is down."""

    def __init__(self, link: Link) -> None:
        super().__init__()
        self.link = link

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if "Invalid token" in text:
            return self.link.state is not State.REJECTED
        if "one more time to mark all fetched updates" in text:
            return self.link.state is State.UP
        return True

    def install(self) -> None:
        for name in ("telegram.ext", "telegram.ext.Updater"):
            logging.getLogger(name).addFilter(self)

    def remove(self) -> None:
        for name in ("telegram.ext", "telegram.ext.Updater"):
            logging.getLogger(name).removeFilter(self)
