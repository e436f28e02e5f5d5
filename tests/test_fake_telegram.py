"""The fake Telegram server, checked through the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import html
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from typing import TypeVar

import httpx
import pytest
from telegram import (
    Bot,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest

from tests.fake_telegram import TOKEN, FakeTelegram, HtmlError, parse_html

T = TypeVar("T")
USER = 501
GROUP = -4001


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        server.add_chat(USER, title="Kim")
        server.add_chat(GROUP, title="시민모임")
        yield server
        assert server.internal_errors == []


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    """One client for raw requests: a fresh httpx.post builds an SSL context each time (tens of ms)."""
    with httpx.Client() as client:
        yield client


def post(http: httpx.Client, fake: FakeTelegram, method: str, **data: object) -> httpx.Response:
    return http.post(f"{fake.base_url}{TOKEN}/{method}", data=data)


@pytest.fixture(autouse=True)
def _timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns when RetryAfter.retry_after is read as an int: opt in to timedelta."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


def run(
    fake: FakeTelegram, scenario: Callable[[Bot], Awaitable[T]], request: HTTPXRequest | None = None
) -> T:
    async def main() -> T:
        async with Bot(TOKEN, base_url=fake.base_url, request=request) as bot:
            return await scenario(bot)

    return asyncio.run(main())


def send(fake: FakeTelegram, chat_id: int, text: str, parse_mode: str | None = ParseMode.HTML) -> int:
    async def scenario(bot: Bot) -> int:
        return (await bot.send_message(chat_id, text, parse_mode=parse_mode)).message_id

    return run(fake, scenario)


def error_of(fake: FakeTelegram, chat_id: int, text: str) -> str:
    with pytest.raises(BadRequest) as caught:
        send(fake, chat_id, text)
    return caught.value.message


def test_get_me_answers_the_monitor_bot(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> str | None:
        return (await bot.get_me()).username

    assert run(fake, scenario) == "pledge_monitor_bot"
    assert [name for name, _ in fake.requests] == ["getMe", "getMe"]


def test_wrong_token_is_rejected_and_unknown_method_is_not_found(
    http: httpx.Client, fake: FakeTelegram
) -> None:
    async def wrong_token() -> None:
        async with Bot("123456:" + "B" * 35, base_url=fake.base_url):
            pass

    with pytest.raises(InvalidToken):
        asyncio.run(wrong_token())
    reply = post(http, fake, "noSuchMethod")
    assert (reply.status_code, reply.json()) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )

    async def unknown(bot: Bot) -> object:
        return await bot.do_api_request("noSuchMethod")

    with pytest.raises(EndPointNotFound):
        run(fake, unknown)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<대구RE100시민클럽> 회원 모집", 'Unsupported start tag "대구re100시민클럽" at byte offset 0'),
        ("재정 a < b 비교", 'Unsupported start tag "" at byte offset 9'),
        ("<b>굵게</b> <p>문단</p>", 'Unsupported start tag "p" at byte offset 14'),
        ("<b>닫히지 않음", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<a href=http://x.kr/a>링크</a>", "Unexpected end of name token at byte offset 8"),
        ('<span class="big">x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
def test_bare_angle_bracket_is_rejected_as_unparseable(
    http: httpx.Client, fake: FakeTelegram, text: str, reason: str
) -> None:
    reply = post(http, fake, "sendMessage", chat_id=USER, text=text, parse_mode="HTML")
    description = f"Bad Request: can't parse entities: {reason}"
    assert (reply.status_code, reply.json()) == (
        400,
        {"ok": False, "error_code": 400, "description": description},
    )
    assert error_of(fake, USER, text) == description.removeprefix("Bad Request: ").capitalize()
    assert fake.sent == []


def test_escaped_seed_text_is_accepted(fake: FakeTelegram) -> None:
    seed = "<대구RE100시민클럽> 'RE100' 달성률 < 50% & 예산 > 3억"
    text = f'<b>{html.escape(seed)}</b> <i>경고</i> <a href="https://example.kr/?a=1&amp;b=2">근거</a>'

    async def scenario(bot: Bot) -> tuple[str | None, list[tuple[str, int, int]]]:
        message = await bot.send_message(USER, text, parse_mode=ParseMode.HTML)
        return message.text, [(e.type, e.offset, e.length) for e in message.entities]

    visible = f"{seed} 경고 근거"
    assert run(fake, scenario) == (
        visible,
        [("bold", 0, len(seed)), ("italic", len(seed) + 1, 2), ("text_link", len(seed) + 4, 2)],
    )
    [sent] = fake.messages_to(USER)
    assert (sent.text, sent.parse_mode, fake.visible_text(sent)) == (text, "HTML", visible)


def test_unknown_named_entity_and_bare_ampersand_stay_literal(fake: FakeTelegram) -> None:
    send(fake, USER, "AT&T &nbsp; R&D &#44032;&#xAC00 &amp")
    assert fake.visible_text(fake.sent[0]) == "AT&T &nbsp; R&D 가가 &"


def test_message_over_4096_visible_characters_is_rejected_but_4096_with_tags_is_accepted(
    fake: FakeTelegram,
) -> None:
    send(fake, USER, "<b>" + "가" * 4000 + "</b><i>" + "&lt;" * 96 + "</i>")
    assert error_of(fake, USER, "가" * 4097) == "Message is too long"
    # an emoji outside the BMP counts twice, as UTF-16 code units
    assert error_of(fake, USER, "😀" * 2049) == "Message is too long"
    assert error_of(fake, USER, "<b> </b>") == "Message text is empty"
    assert len(fake.sent) == 1 and len(fake.visible_text(fake.sent[0])) == 4096


def test_fifth_message_within_a_second_to_one_chat_gets_429_with_retry_after() -> None:
    with FakeTelegram(per_chat_second=4) as fake:
        fake.add_chat(USER)

        async def scenario(bot: Bot) -> None:
            for n in range(4):
                await bot.send_message(USER, f"알림 {n}")
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(USER, "다섯 번째")
            assert caught.value.retry_after == timedelta(seconds=1)

        run(fake, scenario)
        assert (len(fake.sent), fake.rejected_429) == (4, 1)
        assert [m.text for m in fake.sent] == ["알림 0", "알림 1", "알림 2", "알림 3"]


def test_resend_after_retry_after_is_accepted(http: httpx.Client, fake: FakeTelegram) -> None:
    reply_ok = post(http, fake, "sendMessage", chat_id=USER, text="1")
    reply = post(http, fake, "sendMessage", chat_id=USER, text="2")
    assert reply_ok.status_code == 200
    assert (reply.status_code, reply.json()) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        },
    )
    time.sleep(1.0)
    assert post(http, fake, "sendMessage", chat_id=USER, text="2").status_code == 200
    assert [m.text for m in fake.sent] == ["1", "2"]


def test_overall_limit_counts_sends_to_every_chat(http: httpx.Client) -> None:
    with FakeTelegram(per_second=5) as fake:
        for chat_id in range(1, 7):
            fake.add_chat(chat_id)
        codes = [post(http, fake, "sendMessage", chat_id=c, text="x").status_code for c in range(1, 7)]
        assert codes == [200] * 5 + [429]


def test_group_accepts_twenty_messages_a_minute() -> None:
    with FakeTelegram(per_chat_second=100) as fake:
        fake.add_chat(GROUP)
        fake.add_chat(USER)

        async def scenario(bot: Bot) -> None:
            for n in range(20):
                await bot.send_message(GROUP, f"{n}")
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(GROUP, "21")
            retry_after = caught.value.retry_after
            assert isinstance(retry_after, timedelta) and 59 <= retry_after.total_seconds() <= 60
            await bot.send_message(USER, "private chats have no per-minute limit")

        run(fake, scenario)
        assert len(fake.messages_to(GROUP)) == 20 and fake.rejected_429 == 1


def test_group_minute_limit_is_configurable_and_unlimited_fake_accepts_bursts(http: httpx.Client) -> None:
    with FakeTelegram(per_chat_second=10, per_group_minute=3) as fake:
        fake.add_chat(GROUP)
        codes = [post(http, fake, "sendMessage", chat_id=GROUP, text="x").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
    with FakeTelegram(limits=False) as fake:
        fake.add_chat(USER)
        codes = [post(http, fake, "sendMessage", chat_id=USER, text="x").status_code for _ in range(5)]
        assert codes == [200] * 5


@pytest.mark.parametrize(
    ("setup", "description"),
    [
        (lambda f: f.block(USER), "Forbidden: bot was blocked by the user"),
        (lambda f: f.kick(GROUP), "Forbidden: bot was kicked from the group chat"),
        (lambda f: f.delete_chat(GROUP), "Forbidden: the group chat was deleted"),
    ],
)
def test_blocked_chat_answers_forbidden(
    fake: FakeTelegram, setup: Callable[[FakeTelegram], None], description: str
) -> None:
    setup(fake)
    chat_id = USER if "user" in description else GROUP
    with pytest.raises(Forbidden) as caught:
        send(fake, chat_id, "알림")
    assert caught.value.message == description and fake.sent == []


def test_unknown_chat_answers_chat_not_found(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> list[str]:
        calls = [
            bot.send_message(999, "x"),
            bot.send_photo(-999, b"png"),
            bot.get_chat_member(-999, USER),
            bot.send_message("@nobody", "x"),
        ]
        messages = []
        for call in calls:
            with pytest.raises(BadRequest) as caught:
                await call
            messages.append(caught.value.message)
        return messages

    assert run(fake, scenario) == ["Chat not found"] * 4


def test_migrated_group_raises_chat_migrated_with_new_id(fake: FakeTelegram) -> None:
    fake.migrate(GROUP, -1001234567890)

    async def scenario(bot: Bot) -> str:
        with pytest.raises(ChatMigrated) as caught:
            await bot.send_message(GROUP, "알림")
        assert caught.value.new_chat_id == -1001234567890
        await bot.send_message(caught.value.new_chat_id, "알림")
        return (await bot.get_chat(caught.value.new_chat_id)).type

    assert run(fake, scenario) == "supergroup"
    assert [(m.chat_id, m.text) for m in fake.sent] == [(-1001234567890, "알림")]


def test_injected_5xx_raises_network_error(http: httpx.Client, fake: FakeTelegram) -> None:
    fake.fail_next(1)
    reply = post(http, fake, "sendMessage", chat_id=USER, text="x")
    assert (reply.status_code, reply.json()) == (
        502,
        {"ok": False, "error_code": 502, "description": "Bad Gateway"},
    )
    fake.fail_next(1, method="sendMessage")

    async def scenario(bot: Bot) -> None:
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(USER, "첫 시도")
        assert not isinstance(caught.value, BadRequest | TimedOut)
        await bot.send_message(USER, "재시도")
        fake.set_outage(True, status=503)
        with pytest.raises(NetworkError, match="Service Unavailable"):
            await bot.send_message(-4001, "장애 중")
        fake.set_outage(False)
        await bot.send_message(GROUP, "복구")

    run(fake, scenario)
    assert [m.text for m in fake.sent] == ["재시도", "복구"]


def test_an_outage_of_everything_fails_get_me_and_ends_a_long_poll(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> None:
        fake.set_outage(True, everything=True)
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.get_me()
        fake.set_outage(False)
        await bot.get_me()
        waiting = asyncio.ensure_future(bot.get_updates(timeout=5, read_timeout=8))
        await asyncio.sleep(0.3)  # the long poll is waiting for updates when Telegram goes down
        fake.set_outage(True, status=503, everything=True)
        with pytest.raises(NetworkError, match="Service Unavailable"):
            await asyncio.wait_for(waiting, 2)
        with pytest.raises(NetworkError):
            await bot.send_message(USER, "장애 중")

    async def main() -> None:
        async with Bot(TOKEN, base_url=fake.base_url) as bot:  # getMe before the outage
            await scenario(bot)

    asyncio.run(main())
    assert [name for name, _ in fake.requests].count("getUpdates") == 1 and fake.sent == []


def test_a_hung_server_times_the_client_out_and_answers_again_when_released(fake: FakeTelegram) -> None:
    fake.set_hang(True)
    started = time.monotonic()
    with pytest.raises(TimedOut):
        run(fake, lambda bot: bot.get_me(), request=HTTPXRequest(read_timeout=0.3))
    assert time.monotonic() - started < 2
    fake.set_hang(False)
    assert run(fake, lambda bot: bot.send_message(USER, "복구")).text == "복구"


def test_a_revoked_token_is_refused_with_401_until_restored(fake: FakeTelegram) -> None:
    fake.revoke_token()
    with pytest.raises(InvalidToken, match="was rejected"):
        run(fake, lambda bot: bot.get_me())
    fake.revoke_token(False)
    assert run(fake, lambda bot: bot.get_me()).username == "pledge_monitor_bot"
    assert [name for name, _ in fake.requests] == ["getMe", "getMe", "getMe"]  # the refused one too


def test_delay_beyond_client_timeout_raises_timed_out(fake: FakeTelegram) -> None:
    fake.set_delay(1.0, method="sendMessage")
    started = time.monotonic()
    with pytest.raises(TimedOut):
        run(fake, lambda bot: bot.send_message(USER, "느린 응답"), request=HTTPXRequest(read_timeout=0.3))
    assert time.monotonic() - started < 0.9


def test_get_updates_long_poll_returns_pushed_message_and_respects_offset(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> None:
        timer = threading.Timer(
            0.2, lambda: fake.push_message(USER, USER, "/start@pledge_monitor_bot 서울", first_name="Kim")
        )
        timer.start()
        started = time.monotonic()
        [update] = await bot.get_updates(timeout=5, allowed_updates=["message", "callback_query"])
        assert 0.1 < time.monotonic() - started < 2
        assert update.message is not None and update.message.from_user is not None
        assert (update.message.text, update.message.from_user.id, update.message.chat.type) == (
            "/start@pledge_monitor_bot 서울",
            USER,
            "private",
        )
        assert [(e.type, e.offset, e.length) for e in update.message.entities] == [("bot_command", 0, 25)]
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [
            update.update_id
        ]  # not yet confirmed
        second = fake.push_message(7, GROUP, "일반 대화", first_name="Lee")
        updates = await bot.get_updates(offset=update.update_id + 1, timeout=0)
        assert [(u.update_id, u.effective_chat and u.effective_chat.title) for u in updates] == [
            (second, "시민모임")
        ]
        assert await bot.get_updates(offset=second + 1, timeout=0) == ()

    run(fake, scenario)


def test_callback_query_reaches_the_bot(fake: FakeTelegram) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("확인", callback_data="ack:1")]])
        await context.bot.send_message(
            update.effective_chat.id, "<b>알림</b>", parse_mode=ParseMode.HTML, reply_markup=keyboard
        )

    async def acknowledge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data == "ack:1"
        await query.answer("확인했습니다")
        await query.edit_message_text("확인됨")

    async def scenario() -> None:
        app = ApplicationBuilder().token(TOKEN).base_url(fake.base_url).build()
        app.add_handler(CommandHandler("start", start))
        app.add_handler(CallbackQueryHandler(acknowledge))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1)
            fake.push_message(USER, USER, "/start")
            assert await eventually(lambda: len(fake.sent) == 1)
            fake.push_callback(USER, USER, fake.sent[0].message_id, "ack:1")
            assert await eventually(lambda: len(fake.sent) == 2)
            await app.updater.stop()
            await app.stop()

    asyncio.run(scenario())
    assert [(m.kind, m.text, m.reply_markup is not None) for m in fake.sent] == [
        ("message", "<b>알림</b>", True),
        ("edit", "확인됨", False),
    ]
    assert [c["text"] for c in fake.answered_callbacks] == ["확인했습니다"]
    assert "deleteWebhook" in {name for name, _ in fake.requests}


def test_wait_for_polls_until_another_thread_makes_it_true(http: httpx.Client, fake: FakeTelegram) -> None:
    timer = threading.Timer(0.05, lambda: post(http, fake, "sendMessage", chat_id=USER, text="다른 스레드"))
    timer.start()
    assert fake.wait_for(lambda: len(fake.sent) == 1, timeout=2)
    timer.join()
    assert fake.sent[0].text == "다른 스레드"
    assert not fake.wait_for(lambda: len(fake.sent) == 2, timeout=0.05)


async def eventually(predicate: Callable[[], bool], timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    return predicate()


def test_get_chat_member_reports_admin_status(fake: FakeTelegram) -> None:
    fake.set_member(GROUP, 7, "administrator")
    fake.set_member(GROUP, 8, "creator")
    fake.set_member(GROUP, 9, "kicked")

    async def scenario(bot: Bot) -> list[tuple[type, str, int]]:
        members = [await bot.get_chat_member(GROUP, user_id) for user_id in (7, 8, 9, 10)]
        return [(type(m), m.status, m.user.id) for m in members]

    assert run(fake, scenario) == [
        (ChatMemberAdministrator, "administrator", 7),
        (ChatMemberOwner, "creator", 8),
        (ChatMemberBanned, "kicked", 9),
        (ChatMemberLeft, "left", 10),
    ]


def test_send_photo_multipart_with_caption_limit(fake: FakeTelegram) -> None:
    image = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8

    async def scenario(bot: Bot) -> tuple[str, str | None]:
        message = await bot.send_photo(
            GROUP, image, caption="<b>이행률</b> 40%", parse_mode=ParseMode.HTML, filename="chart.png"
        )
        again = await bot.send_photo(USER, message.photo[-1].file_id, caption="다시")
        with pytest.raises(BadRequest, match="Message caption is too long"):
            await bot.send_photo(GROUP, image, caption="가" * 1025)
        with pytest.raises(BadRequest, match="Wrong file identifier"):
            await bot.send_photo(GROUP, "no-such-file-id")
        return again.photo[-1].file_id, message.caption

    file_id, caption = run(fake, scenario)
    assert caption == "이행률 40%"
    first, second = fake.sent
    assert (first.kind, first.photo_bytes, first.text, fake.visible_text(first)) == (
        "photo",
        image,
        "<b>이행률</b> 40%",
        "이행률 40%",
    )
    assert (second.photo_bytes, second.text, second.params["photo"]) == (None, "다시", file_id)


def test_edit_message_text_rejects_an_identical_edit(fake: FakeTelegram) -> None:
    message_id = send(fake, USER, "<b>진행 중</b>")

    async def scenario(bot: Bot) -> None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("열기", url="https://example.kr")]])
        await bot.edit_message_text(
            "<b>완료</b>", USER, message_id, parse_mode=ParseMode.HTML, reply_markup=keyboard
        )
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text(
                "<b>완료</b>", USER, message_id, parse_mode=ParseMode.HTML, reply_markup=keyboard
            )
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_reply_markup(USER, message_id, reply_markup=keyboard)
        await bot.edit_message_reply_markup(USER, message_id, reply_markup=None)
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", USER, message_id + 50)

    run(fake, scenario)
    assert [(m.kind, m.message_id) for m in fake.sent] == [("message", message_id), ("edit", message_id)]


def test_callback_data_over_64_bytes_is_rejected(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> None:
        too_long = InlineKeyboardMarkup([[InlineKeyboardButton("확인", callback_data="가" * 22)]])
        await bot.send_message(USER, "x", reply_markup=too_long)

    with pytest.raises(BadRequest, match="Button_data_invalid"):
        run(fake, scenario)


def test_commands_are_stored_per_language_and_invalid_names_rejected(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> list[str]:
        await bot.set_my_commands([("status", "Pledge status")])
        await bot.set_my_commands([("status", "공약 현황"), ("help", "도움말")], language_code="ko")
        with pytest.raises(BadRequest, match="Bot_command_invalid"):
            await bot.set_my_commands([("Status", "x")])
        korean = await bot.get_my_commands(language_code="ko")
        await bot.delete_my_commands(language_code="ko")
        assert await bot.get_my_commands(language_code="ko") == ()
        return [c.description for c in korean]

    assert run(fake, scenario) == ["공약 현황", "도움말"]
    assert fake.command_sets[("default", "")] == [{"command": "status", "description": "Pledge status"}]


def test_webhook_conflicts_with_get_updates(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> None:
        await bot.set_webhook("https://example.kr/hook")
        with pytest.raises(Conflict):
            await bot.get_updates(timeout=0)
        await bot.delete_webhook()
        assert await bot.get_updates(timeout=0) == ()

    run(fake, scenario)
    assert fake.webhook_url is None


@pytest.mark.parametrize(
    ("markup", "result"),
    [
        # TDLib's own test vectors (td/test/message_entities.cpp): byte offsets count UTF-8 bytes
        ("🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"),
        ("🏟 🏟&lt;<abac aba>", 'Unsupported start tag "abac" at byte offset 13'),
        ("🏟 🏟&lt;<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
        ("🏟 🏟&lt;<i    aba  =  ", 'Unclosed start tag "i" at byte offset 13'),
        ("🏟 🏟&lt;<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"),
        ('🏟 🏟&lt;<i    aba  =  "&lt;&gt;&quot;>', "Unclosed start tag at byte offset 13"),
        ("🏟 🏟&lt;</", "Unexpected end tag at byte offset 13"),
        ("🏟 🏟&lt;<b></b></", "Unexpected end tag at byte offset 20"),
        ("🏟 🏟&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"),
        (
            "&#xDFDF;",
            "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched "
            "surrogate code units",
        ),
        ("&ge;&lt;&gt;&amp;&quot;&laquo;&raquo;&#12345678;", '&ge;<>&"&laquo;&raquo;&#12345678;'),
        ("&#0000065;&#00000065;", "A&#00000065;"),  # ten characters or more is no reference
        ("<blockquote expandable>인용</blockquote><tg-spoiler>비밀</tg-spoiler>", "인용비밀"),
    ],
)
def test_parse_html_matches_tdlib(markup: str, result: str) -> None:
    try:
        text, _ = parse_html(markup)
    except HtmlError as error:
        text = str(error)
    assert text == result


def test_parse_html_entities_use_utf16_offsets() -> None:
    text, entities = parse_html('😀 <b>굵게</b> <pre><code class="language-python">x = 1</code></pre>')
    assert text == "😀 굵게 x = 1"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 2},
        {"type": "pre", "offset": 6, "length": 5, "language": "python"},
    ]
