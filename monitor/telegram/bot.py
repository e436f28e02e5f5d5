"""The bot: python-telegram-bot's `Application`, long polling, in the daemon's asyncio loop.

Only glue lives here — connecting without ever holding up the daemon, turning an update into a `Request`,
asking getChatMember whether a group member is an admin when a command needs it, running the handler in
a worker thread (database work must not block the loop the scheduler and the sender share), and sending
the reply through the notifier's limits and error handling. What commands do is in `dispatch` and the
modules it names.

Telegram is optional at every moment: `start` connects (getMe) in a background task that retries with
backoff while Telegram is down, so detection and the file alerts start at once; a refused token is
said once and not tried again. Only the leading daemon polls for updates (`lead`); every daemon sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shlex
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from monitor.errors import SettingsError
from monitor.telegram import dispatch
from monitor.telegram.connection import Link, QuietPolling, State, WatchedRequest, backoff, polling_error
from monitor.telegram.log_texts import refusal, say
from monitor.telegram.notifier import TelegramNotifier, retry_seconds
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
        updates: WatchedRequest | None = None,
        stop_within: float = 10.0,
    ) -> None:
        """`kick()` asks the daemon to look for changes and deliver now (after /report or a confirmed
        /log, and when Telegram answers again). `updates`: the updater's HTTP client, which tells the
        link whether getUpdates is answered; `stop_within`: seconds `stop` waits for polling and answers
        to end."""
        self.application, self.sessions, self.notifier = application, sessions, notifier
        self.env, self.clock, self.kick, self.stop_within = env, clock, kick, stop_within
        self.bot: Bot = application.bot
        self.tasks: set[asyncio.Task[None]] = set()
        self.link = Link(notifier, env.lang, self._delivery_due)
        self.updates = updates
        if updates is not None:
            updates.link = self.link
        self.quiet = QuietPolling(self.link)
        self.poll, self.leading = False, False
        self.connector: asyncio.Task[None] | None = None
        self.polling = asyncio.Event()  # set while this process answers commands
        self.polling_lock = asyncio.Lock()
        application.add_handler(MessageHandler(filters.COMMAND, self.on_command))
        application.add_handler(CallbackQueryHandler(self.on_callback, pattern=r"^log:"))
        application.add_error_handler(self.on_error)

    async def start(self, poll: bool = True) -> None:
        """Connect (getMe) without holding up the daemon: a background task retries with backoff until
        Telegram answers. With `poll`, the bot answers commands once this daemon leads (`lead`).
        Without it (`run --once`) one attempt is awaited, so the pass that follows can send; a refused
        token is then the run's error (exit 2), and Telegram down leaves the Telegram rows pending."""
        self.poll = poll
        self.quiet.install()
        if poll:
            self._connect_soon()
            return
        try:
            await self._connect()
        except InvalidToken:  # its text holds the token: say what happened without it, in one line
            raise _rejected_token() from None
        except TelegramError as error:
            self.link.failed(error, retrying=False)

    async def lead(self, leading: bool) -> None:
        """Only the leader polls: two processes calling getUpdates make Telegram answer 409 Conflict."""
        self.leading = leading
        if not leading:
            await self._stop_polling()
        elif self.poll:
            self._connect_soon()  # connects if needed, then polls

    async def stop(self) -> None:
        """Cancel a connection in progress, stop polling and answering within `stop_within` seconds,
        close the HTTP clients."""
        if self.connector is not None:
            self.connector.cancel()
            await asyncio.gather(self.connector, return_exceptions=True)
        await self._within(self._wind_down())
        if not self.application.running:  # else it was still answering when time ran out
            await self.application.shutdown()
        await self.bot.shutdown()  # the HTTP clients, also when getMe never answered
        self.quiet.remove()

    async def _wind_down(self) -> None:
        await self._stop_polling()
        if self.application.running:
            await self.application.stop()  # the commands being answered are answered
        await asyncio.gather(*self.tasks, return_exceptions=True)

    def _connect_soon(self) -> None:
        running = self.connector is not None and not self.connector.done()
        if not running and self.link.state is not State.REJECTED:
            self.connector = asyncio.create_task(self._keep_connecting())

    async def _keep_connecting(self) -> None:
        waits = backoff()
        while True:
            try:
                await self._connect()
                await self._poll_if_leading()
                return
            except InvalidToken as error:
                self.link.rejected(refusal(error))
                return
            except TelegramError as error:
                self.link.failed(error)
                wait = max(next(waits), retry_seconds(error) if isinstance(error, RetryAfter) else 0.0)
            except Exception:  # a bug, not Telegram: said with its traceback, tried again later
                log.exception(say("connect_bug", self.env.lang))
                wait = next(waits)
            await asyncio.sleep(wait)

    async def _connect(self) -> None:
        await self.application.initialize()  # getMe; done once, a no-op afterwards
        if self.updates is not None:
            self.updates.username = self.bot.username
        self.link.up(self.bot.username)

    async def _poll_if_leading(self) -> None:
        async with self.polling_lock:
            updater = self.application.updater
            if not (self.poll and self.leading) or updater is None or updater.running:
                return
            await self._register_commands()
            if not self.application.running:
                await self.application.start()
            await updater.start_polling(
                timeout=POLL_TIMEOUT,
                allowed_updates=["message", "callback_query"],
                error_callback=polling_error(self.link),
            )
            self.polling.set()
            log.info(say("polling", self.env.lang, username=self.bot.username))

    async def _stop_polling(self) -> None:
        async with self.polling_lock:
            updater = self.application.updater
            if updater is not None and updater.running:
                with contextlib.suppress(TelegramError):  # polling ended on a refused token
                    await self._within(updater.stop())
            self.polling.clear()

    async def _within(self, work: Awaitable[object]) -> None:
        try:
            await asyncio.wait_for(work, self.stop_within)
        except TimeoutError:
            log.warning(say("stop_late", self.env.lang, seconds=self.stop_within))

    def _delivery_due(self) -> None:
        """Telegram answers again: what waited is delivered now (not in `run --once`, whose own pass
        follows)."""
        if self.poll:
            self._later(self.kick())

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
