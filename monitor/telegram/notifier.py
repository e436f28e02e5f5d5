"""The Telegram notifier: one batch (a chat's notifications for one jurisdiction) → one message, split into
numbered parts when long, sent in order within the flood limits; a digest with a chart goes first as a
photo with a plain-text caption.

Errors, as Telegram means them (python-telegram-bot's `BadRequest` and `TimedOut` are `NetworkError`s, so
the specific ones are caught first):
- 429 `RetryAfter`: wait the time it says and send the same part again (never dropped);
- `ChatMigrated`: the group became a supergroup — the sender moves the subscription and resends;
- 403 `Forbidden` (blocked, kicked, chat deleted) and 400 "chat not found": the chat is gone — permanent,
  and the sender fails the chat's other waiting rows without trying them;
- 400 "can't parse entities": a bug in our HTML — logged with the text, sent once more as plain text;
  other 400s: permanent for that message only;
- timeouts, network errors, 5xx: transient, retried by the sender with backoff.
When a part fails after earlier parts went out, the result names the rows already delivered, so a retry
sends only the rest. Before every request (every part, every resend after a 429) the batch's `still_ours`
is asked: when this process's lease on the chat has ended, it stops there (`Withdrawn`) and leaves the rest
to the lease's new holder.

`connected` is set by the bot once Telegram has answered getMe; until then (or until the Bot has been
started by whoever holds it) `ready()` is False and the sender leaves Telegram rows pending, untried.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from monitor.alerts.outbox import DigestPayload, ReportPayload
from monitor.alerts.routing import chat_of, telegram_destination
from monitor.charts import chart_png
from monitor.logs import redact
from monitor.notify.base import Batch, Delivered, DeliveryResult, Failed, Withdrawn, always_ours
from monitor.notify.log_texts import say
from monitor.notify.render import headline
from monitor.telegram.limits import FloodLimits
from monitor.telegram.protocol import h
from monitor.telegram.render import caption, plain_text, render_parts, reply_parts
from monitor.telegram.texts import report_caption
from monitor.vocab import Lang

log = logging.getLogger(__name__)
Send = Callable[[bool], Awaitable[Message]]  # one try at a message; the flag asks for plain text
StillOurs = Callable[[], bool]
# 400s that mean the chat cannot be written to at all (403s always do): the chat is gone for us.
UNREACHABLE = frozenset(
    {"chat not found", "peer_id_invalid", "user not found", "chat_write_forbidden"}
    | {"not enough rights to send", "have no rights to send", "group chat was deactivated"}
)


class _NotOurs(Exception):
    """The batch's destination stopped being this process's to send to, before a request."""


@dataclass
class TelegramStats:
    sent: int = 0
    waited_429: int = 0
    plain_fallbacks: int = 0
    waits: list[float] = field(default_factory=list)


def retry_seconds(exc: RetryAfter) -> float:
    """The wait a 429 asks for. PTB 22 returns an int (deprecated) or, opted in, a timedelta: take either
    without the deprecation warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramNotifier:
    name = "telegram"

    def __init__(
        self,
        bot: Bot,
        limits: FloodLimits,
        language_of: Callable[[int], Lang],
        *,
        lang: Lang = "ko",
        on_flood: Callable[[], None] | None = None,
    ) -> None:
        """`language_of(chat_id)` reads the chat's language (it may touch the database: run in a thread);
        `lang`: the language of the operator's log lines."""
        self.bot, self.limits, self.language_of, self.lang = bot, limits, language_of, lang
        self.stats = TelegramStats()
        self.on_flood = on_flood  # told of each 429 (the daemon's metrics)
        self.connected: bool = False  # set by the bot once getMe succeeded

    def ready(self) -> bool:
        """Whether sends can be tried: the bot says it connected, or the Bot already knows itself (getMe
        succeeded — started by whoever holds it: `async with bot`, a benchmark)."""
        return self.connected or _identified(self.bot)

    async def send(self, batch: Batch) -> DeliveryResult:
        chat_id = chat_of(batch.destination)
        if chat_id is None:
            return Failed(f"{batch.destination} is not a Telegram destination", permanent=True, gone=True)
        lang = await asyncio.to_thread(self.language_of, chat_id)
        delivered: list[int] = []  # rows whose part went out
        try:
            return await self._send(chat_id, batch, lang, delivered)
        except _NotOurs:
            return Withdrawn(frozenset(delivered))

    async def _send(self, chat_id: int, batch: Batch, lang: Lang, delivered: list[int]) -> DeliveryResult:
        first = batch.items[0].payload
        if isinstance(first, ReportPayload):
            return await self._report(chat_id, first, lang, batch.still_ours)
        message_ids: list[int] = []
        for item in batch.items:
            digest = item.payload
            if isinstance(digest, DigestPayload) and digest.chart is not None and digest.chart.rows:
                photo = self._photo(chat_id, digest, batch, lang)
                outcome = await self.attempt(chat_id, photo, "(photo)", batch.still_ours)
                if isinstance(outcome, Failed):
                    return outcome
                message_ids.append(outcome)
        parts = render_parts(batch, lang)
        for part in parts:
            outcome = await self.send_text(chat_id, part.html, part.plain, still_ours=batch.still_ours)
            if isinstance(outcome, Failed):
                return replace(outcome, delivered=frozenset(delivered))
            delivered.extend(part.item_ids)
            message_ids.append(outcome)
        return Delivered({"chat_id": chat_id, "message_ids": message_ids, "parts": len(parts)})

    async def send_text(
        self,
        chat_id: int,
        html: str,
        plain: str,
        markup: InlineKeyboardMarkup | None = None,
        still_ours: StillOurs = always_ours,
    ) -> int | Failed:
        """One HTML message (alerts and bot replies alike), `plain` being its fallback text."""

        async def send(as_plain: bool) -> Message:
            return await self.bot.send_message(
                chat_id,
                plain if as_plain else html,
                parse_mode=None if as_plain else ParseMode.HTML,
                reply_markup=markup,
                disable_web_page_preview=True,
            )

        return await self.attempt(chat_id, send, html, still_ours)

    async def _report(
        self, chat_id: int, payload: ReportPayload, lang: Lang, still_ours: StillOurs
    ) -> DeliveryResult:
        """A scheduled report: the file as a document (caption: its name), or its text as messages."""
        body = payload.content
        message_ids: list[int] = []
        if payload.send_as == "message":
            for html in reply_parts(h(body.decode("utf-8"))):
                outcome = await self.send_text(chat_id, html, plain_text(html), still_ours=still_ours)
                if isinstance(outcome, Failed):
                    return outcome
                message_ids.append(outcome)
        else:
            text = caption(report_caption(payload, lang))

            async def send(plain: bool) -> Message:  # the caption is plain text: nothing to parse
                return await self.bot.send_document(chat_id, body, filename=payload.filename, caption=text)

            outcome = await self.attempt(chat_id, send, text, still_ours)
            if isinstance(outcome, Failed):
                return outcome
            message_ids.append(outcome)
        return Delivered({"chat_id": chat_id, "message_ids": message_ids, "parts": len(message_ids)})

    def _photo(self, chat_id: int, digest: DigestPayload, batch: Batch, lang: Lang) -> Send:
        assert digest.chart is not None
        title = f"{digest.jurisdiction} {digest.at.isoformat()[:10]}"
        png, legend = chart_png(digest.chart, title)
        text = caption("\n".join([headline(batch, lang), *legend]))

        async def send(plain: bool) -> Message:  # the caption is plain text: nothing to parse
            return await self.bot.send_photo(chat_id, png, caption=text)

        return send

    async def attempt(
        self, chat_id: int, send: Send, shown: str, still_ours: StillOurs = always_ours
    ) -> int | Failed:
        """Send one message within the limits; returns its message id, or why it failed. Raises
        `_NotOurs` when `still_ours()` says no just before a request."""
        plain = False
        while True:
            try:
                async with self.limits.slot(chat_id):
                    if not still_ours():
                        raise _NotOurs
                    message = await send(plain)
            except RetryAfter as exc:
                wait = retry_seconds(exc)
                self.stats.waited_429 += 1
                if self.on_flood is not None:
                    self.on_flood()
                self.stats.waits.append(wait)
                log.warning(say("flood_wait", self.lang, chat=chat_id, seconds=wait))
                await asyncio.sleep(wait)
                continue
            except ChatMigrated as exc:
                return Failed(
                    f"chat migrated to {exc.new_chat_id}", moved_to=telegram_destination(exc.new_chat_id)
                )
            except Forbidden as exc:
                return Failed(redact(f"forbidden: {exc.message}"), permanent=True, gone=True)
            except BadRequest as exc:
                if "can't parse entities" in exc.message.lower() and not plain:
                    log.error(say("html_refused", self.lang, error=exc.message, text=shown))
                    self.stats.plain_fallbacks += 1
                    plain = True
                    continue
                gone = any(reason in exc.message.lower() for reason in UNREACHABLE)
                return Failed(redact(f"bad request: {exc.message}"), permanent=True, gone=gone)
            except NetworkError as exc:  # timeouts, connection errors, 5xx
                return Failed(redact(f"network: {exc.message}"))
            except TelegramError as exc:
                return Failed(redact(f"telegram: {exc.message}"))  # stored: no token
            self.stats.sent += 1
            return message.message_id


def _identified(bot: Bot) -> bool:
    """Whether getMe has succeeded on this Bot (PTB keeps the answer; before, `bot.bot` raises)."""
    try:
        bot.bot  # noqa: B018  (the property raises until the Bot knows itself)
    except RuntimeError:
        return False
    return True
