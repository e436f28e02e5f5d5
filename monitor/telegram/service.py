"""Building the Telegram side of the daemon from the settings: the PTB `Application`, the notifier the
sender uses, the bot that answers commands, and the sender's hook for permanent failures.

The daemon's start never waits for Telegram: `start` returns at once while the bot connects in the
background (see `monitor.telegram.bot`); `lead` says whether this daemon answers commands."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from telegram.ext import Application, ApplicationBuilder

from monitor.notify.sender import FailureHook
from monitor.rules.config import RuleConfig
from monitor.settings import Settings
from monitor.telegram import chats
from monitor.telegram.bot import POLL_TIMEOUT, TelegramBot
from monitor.telegram.connection import WatchedRequest
from monitor.telegram.notifier import TelegramNotifier
from monitor.telegram.protocol import Env
from monitor.telegram.shared_limits import flood_limits
from monitor.vocab import Lang


@dataclass
class Telegram:
    notifier: TelegramNotifier
    bot: TelegramBot
    on_failure: FailureHook

    async def start(self, poll: bool) -> None:
        await self.bot.start(poll)

    async def lead(self, leading: bool) -> None:
        await self.bot.lead(leading)

    async def stop(self) -> None:
        await self.bot.stop()


def application(settings: Settings, updates: WatchedRequest | None = None) -> Application:  # type: ignore[type-arg]
    """`updates`: the HTTP client of getUpdates (`updates_request`), which the bot watches."""
    assert settings.telegram_token is not None
    timeout = settings.telegram_timeout.total_seconds()
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .read_timeout(timeout)
        .write_timeout(timeout)
        .connect_timeout(timeout)
        .get_updates_request(updates or updates_request(settings))
    )
    if settings.telegram_base_url:
        base = settings.telegram_base_url.rstrip("/")
        builder = builder.base_url(base if base.endswith("/bot") else f"{base}/bot")
        builder = builder.base_file_url(base.removesuffix("/bot") + "/file/bot")
    return builder.build()


def updates_request(settings: Settings) -> WatchedRequest:
    """getUpdates' own client, as PTB would build it (one connection; the long poll's read timeout
    outlasts its wait), which also tells the bot's link whether Telegram answers."""
    timeout = settings.telegram_timeout.total_seconds()
    return WatchedRequest(
        connection_pool_size=1,
        read_timeout=POLL_TIMEOUT + timeout,
        write_timeout=timeout,
        connect_timeout=timeout,
    )


def build_telegram(
    settings: Settings,
    sessions: sessionmaker[Session],
    clock: Callable[[], datetime],
    kick: Callable[[], Awaitable[None]],
    on_flood: Callable[[], None] | None = None,
) -> Telegram:
    """Everything the daemon needs for Telegram; `kick()` makes it deliver now (after /report);
    `on_flood()` is told of each 429 Telegram answers."""

    def language_of(chat_id: int) -> Lang:
        with sessions() as session:
            return chats.language(session, chat_id, settings.language)

    updates = updates_request(settings)
    app = application(settings, updates)
    limits = flood_limits(sessions, settings.telegram_timeout, settings.language)
    notifier = TelegramNotifier(app.bot, limits, language_of, lang=settings.language, on_flood=on_flood)
    env = Env(
        tz=settings.tz,
        lang=settings.language,
        confirm_ttl=settings.telegram_confirm_timeout,
        rule_config=RuleConfig.from_settings(settings),
        plausible_factor=settings.plausible_factor,
    )
    stop_within = settings.telegram_timeout.total_seconds()
    bot = TelegramBot(app, sessions, notifier, env, clock, kick, updates, stop_within)
    return Telegram(notifier, bot, chats.failure_hook(settings.telegram_admin_chat_id, clock))
