"""The bot: python-telegram-bot's `Application`, long polling, in the daemon's asyncio loop.

Only glue lives here — turning an update into a `Request`, asking getChatMember whether a group member is
an admin when a command needs it, running the handler in a worker thread (database work must not block
the loop the scheduler and the sender share), and sending the reply through the notifier's limits and
error handling. What commands do is in `dispatch` and the modules it names.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from monitor.errors import SettingsError
from monitor.telegram import dispatch
from monitor.telegram.notifier import TelegramNotifier
from monitor.telegram.protocol import Env, Reply, Request
from monitor.telegram.render import plain_text, reply_parts
from monitor.telegram.texts import COMMANDS

log = logging.getLogger(__name__)
Kick = Callable[[], Awaitable[None]]
POLL_TIMEOUT = 10  # seconds getUpdates waits for news; the request's read timeout must be longer
ADMIN_STATUSES = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


def parse_command(text: str, username: str) -> tuple[str, tuple[str, ...]] | None:
    """`/show@pledge_bot DJ-1` → ("show", ("DJ-1",)); None for another bot's command. Quotes group
    words (`category="공약분야 1"`); unbalanced quotes fall back to plain splitting."""
    head, _, rest = text.strip().partition(" ")
    name, _, addressee = head[1:].partition("@")
    if addressee and addressee.lower() != username.lower():
        return None
    try:
        args = shlex.split(rest)
    except ValueError:
        args = rest.split()
    return name.lower(), tuple(args)


class TelegramBot:
    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        sessions: sessionmaker[Session],
        notifier: TelegramNotifier,
        env: Env,
        clock: Callable[[], datetime],
        kick: Kick,
    ) -> None:
        """`kick()` asks the daemon to look for changes and deliver now (after /report or a confirmed
        /log), instead of waiting for its next poll."""
        self.application, self.sessions, self.notifier = application, sessions, notifier
        self.env, self.clock, self.kick = env, clock, kick
        self.bot: Bot = application.bot
        self.tasks: set[asyncio.Task[None]] = set()
        application.add_handler(MessageHandler(filters.COMMAND, self.on_command))
        application.add_handler(CallbackQueryHandler(self.on_callback, pattern=r"^log:"))
        application.add_error_handler(self.on_error)

    async def start(self, poll: bool = True) -> None:
        """Connect (getMe); with `poll`, register the commands and answer them (long polling)."""
        try:
            await self.application.initialize()
        except InvalidToken:  # its text holds the token: say what happened without it, in one line
            raise _rejected_token() from None
        if not poll:
            return
        await self._register_commands()
        await self.application.start()
        assert self.application.updater is not None
        await self.application.updater.start_polling(
            timeout=POLL_TIMEOUT, allowed_updates=["message", "callback_query"]
        )
        log.info("Telegram bot @%s is polling for commands", self.bot.username)

    async def stop(self) -> None:
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.application.shutdown()

    async def _register_commands(self) -> None:
        bot = self.bot
        for lang, index in (("ko", 0), ("en", 1)):
            commands = [BotCommand(name, texts[index]) for name, texts in COMMANDS.items()]
            await bot.set_my_commands(commands, language_code=None if lang == "ko" else "en")

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user, chat = update.effective_message, update.effective_user, update.effective_chat
        if message is None or message.text is None or user is None or chat is None:
            return
        parsed = parse_command(message.text, self.bot.username)
        if parsed is None:
            return
        command, args = parsed
        is_admin = True
        if dispatch.needs_admin(command) and chat.type in ("group", "supergroup"):
            is_admin = await self._is_admin(chat.id, user.id)
        request = Request(
            command=command,
            args=args,
            user_id=user.id,
            user_name=user.full_name,
            chat_id=chat.id,
            chat_type=chat.type,
            chat_title=chat.title,
            now=self.clock(),
            is_admin=is_admin,
        )
        reply = await asyncio.to_thread(dispatch.handle, self.sessions, request, self.env)
        await self._send(chat.id, reply)
        if reply.deliver:
            self._later(self.kick())

    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.data is None or query.message is None:
            return
        chat = query.message.chat
        request = Request(
            command="callback:log",
            args=tuple(query.data.split(":")[1:]),
            user_id=query.from_user.id,
            user_name=query.from_user.full_name,
            chat_id=chat.id,
            chat_type=chat.type,
            chat_title=chat.title,
            now=self.clock(),
        )
        reply = await asyncio.to_thread(dispatch.handle, self.sessions, request, self.env)
        if reply.edit and isinstance(query.message, Message):
            await query.answer()
            await query.edit_message_text(reply.html, parse_mode=ParseMode.HTML)
            self._later(self.kick())
        else:  # a refusal that changes nothing: a toast for the one who pressed
            await query.answer(plain_text(reply.html)[:200], show_alert=True)

    async def _is_admin(self, chat_id: int, user_id: int) -> bool:
        try:
            member = await self.bot.get_chat_member(chat_id, user_id)
        except TelegramError as exc:
            log.warning("getChatMember(%s, %s) failed (%s): treating as not an admin", chat_id, user_id, exc)
            return False
        return member.status in ADMIN_STATUSES

    async def _send(self, chat_id: int, reply: Reply) -> None:
        markup = None
        if reply.buttons:
            row = [InlineKeyboardButton(label, callback_data=data) for label, data in reply.buttons]
            markup = InlineKeyboardMarkup([row])
        parts = reply_parts(reply.html)
        for number, text in enumerate(parts, 1):
            buttons = markup if number == len(parts) else None  # the keyboard under the last part
            outcome = await self.notifier.send_text(chat_id, text, plain_text(text), buttons)
            if not isinstance(outcome, int):
                log.warning("reply to chat %s not delivered: %s", chat_id, outcome.error)
                return

    def _later(self, work: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("bot update %r failed", update, exc_info=context.error)


def _rejected_token() -> SettingsError:
    return SettingsError(
        "Telegram rejected the bot token (MONITOR_TELEGRAM_TOKEN / telegram_token): check it with @BotFather",
        ko="텔레그램이 봇 토큰(MONITOR_TELEGRAM_TOKEN / telegram_token)을 거부했습니다: @BotFather에서 "
        "확인하세요",
    )
