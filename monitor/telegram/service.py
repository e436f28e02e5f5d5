"""Building the Telegram side of the daemon from the settings: the PTB `Application`, the notifier the
sender uses, the bot that answers commands, and the sender's hook for permanent failures."""

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
from monitor.telegram.limits import Limits
from monitor.telegram.notifier import TelegramNotifier
from monitor.telegram.protocol import Env
from monitor.vocab import Lang


@dataclass
class Telegram:
    notifier: TelegramNotifier
    bot: TelegramBot
    on_failure: FailureHook

    async def start(self, poll: bool) -> None:
        await self.bot.start(poll)

    async def stop(self) -> None:
        await self.bot.stop()


def application(settings: Settings) -> Application:  # type: ignore[type-arg]
    assert settings.telegram_token is not None
    timeout = settings.telegram_timeout.total_seconds()
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .read_timeout(timeout)
        .write_timeout(timeout)
        .connect_timeout(timeout)
        .get_updates_read_timeout(POLL_TIMEOUT + timeout)
    )
    if settings.telegram_base_url:
        base = settings.telegram_base_url.rstrip("/")
        builder = builder.base_url(base if base.endswith("/bot") else f"{base}/bot")
        builder = builder.base_file_url(base.removesuffix("/bot") + "/file/bot")
    return builder.build()


def build_telegram(
    settings: Settings,
    sessions: sessionmaker[Session],
    clock: Callable[[], datetime],
    kick: Callable[[], Awaitable[None]],
) -> Telegram:
    """Everything the daemon needs for Telegram; `kick()` makes it deliver now (after /report)."""

    def language_of(chat_id: int) -> Lang:
        with sessions() as session:
            return chats.language(session, chat_id, settings.language)

    app = application(settings)
    notifier = TelegramNotifier(app.bot, Limits(), language_of)
    env = Env(
        tz=settings.tz,
        lang=settings.language,
        confirm_ttl=settings.telegram_confirm_timeout,
        rule_config=RuleConfig.from_settings(settings),
        plausible_factor=settings.plausible_factor,
    )
    bot = TelegramBot(app, sessions, notifier, env, clock, kick)
    return Telegram(notifier, bot, chats.failure_hook(settings.telegram_admin_chat_id, clock))
