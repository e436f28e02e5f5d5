"""Telegram's flood limits shared by every daemon process through PostgreSQL's `flood_windows`: two users
of the shared windows together stay within them (0 × 429 at the fake Bot API), a crashed user's places
free up after their expiry, the windows' arithmetic is the in-process `Window`'s, and the daemon gets the
shared kind on PostgreSQL only. (How each window waits is in test_flood_limits.py, run on both kinds.)"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot
from telegram.error import RetryAfter
from telegram.request import HTTPXRequest

from monitor.db.engine import make_engine
from monitor.db.ha import FloodWindow
from monitor.telegram.limits import MARGIN, Limits, Window
from monitor.telegram.notifier import retry_seconds
from monitor.telegram.shared_limits import SharedLimits, exchange, flood_limits, in_flight_ttl
from monitor.telegram.shared_windows import BOT, Ask, Row, Rule, Tally, decide
from tests.fake_telegram import TOKEN, FakeTelegram

ON_POSTGRES = pytest.mark.parametrize(
    "db_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


@dataclass(frozen=True)
class Load:
    """Sends from each of two users to `chats` chats (a quarter of them groups), at server limits of
    `per_second` overall and `per_chat` a second per chat, which the users' windows copy."""

    chats: int
    sends: int
    per_second: int
    per_chat: int

    def chat_ids(self) -> list[int]:
        return [-(500 + n) if n < self.chats // 4 else 600 + n for n in range(self.chats)]


async def _send_each(bot: Bot, limits: SharedLimits, chat: int, count: int) -> None:
    """`count` messages to `chat`, one after another; a 429 is waited out so that every one arrives."""
    for k in range(count):
        while True:
            try:
                async with limits.slot(chat):
                    await bot.send_message(chat, f"{chat} #{k}")
                break
            except RetryAfter as exc:
                await asyncio.sleep(retry_seconds(exc))


def _one_process(url: str, fake: FakeTelegram, load: Load) -> None:
    """What one daemon would do: its own engine, event loop, bot and limiter; its sends spread evenly
    over every chat, each chat's one after another."""
    engine = make_engine(url)
    limits = SharedLimits(engine, overall_per_second=load.per_second, chat_interval=1 / load.per_chat)

    async def send_all() -> None:
        request = HTTPXRequest(connection_pool_size=load.chats)
        async with Bot(TOKEN, base_url=fake.base_url, request=request) as bot:
            each = load.sends // load.chats
            await asyncio.gather(*(_send_each(bot, limits, chat, each) for chat in load.chat_ids()))

    try:
        asyncio.run(send_all())
    finally:
        engine.dispose()


@ON_POSTGRES
@pytest.mark.parametrize(
    "load",
    [
        pytest.param(Load(chats=20, sends=60, per_second=30, per_chat=4), id="the-overall-window-binds"),
        pytest.param(Load(chats=4, sends=40, per_second=60, per_chat=10), id="the-chat-windows-bind"),
    ],
)
def test_two_processes_sharing_the_windows_never_draw_a_429(db_url: str, engine: Engine, load: Load) -> None:
    """Two users at once, both sending to every chat, at limits one of which binds (faster than
    Telegram's per chat to keep the test short): alone, each would keep them; together, send twice as
    fast unless they share the windows."""
    with FakeTelegram(per_second=load.per_second, per_chat_second=load.per_chat) as fake:
        for chat in load.chat_ids():
            fake.add_chat(chat)
        with ThreadPoolExecutor(2) as pool:
            for run in [pool.submit(_one_process, db_url, fake, load) for _ in range(2)]:
                run.result()
        assert fake.rejected_429 == 0
        assert len(fake.sent) == 2 * load.sends
        assert all(len(fake.messages_to(chat)) == 2 * load.sends // load.chats for chat in load.chat_ids())


def _state(engine: Engine, key: str) -> Tally:
    """The row's state; an empty one while the row does not exist yet."""
    with Session(engine) as session:
        state = session.scalars(select(FloodWindow.state).where(FloodWindow.key == key)).one_or_none()
    return Tally.from_json(state or {})


@ON_POSTGRES
def test_a_crashed_users_reservation_stops_counting_after_its_expiry(engine: Engine) -> None:
    crashed, survivor = SharedLimits(engine, overall_per_second=1), SharedLimits(engine, overall_per_second=1)
    now = time.monotonic()
    [reserved] = exchange(
        engine, [], [(Ask(crashed.rows(1), "crashed.1"), now)], 1.0, "crashed"
    )  # never ends
    [blocked] = exchange(engine, [], [(Ask(survivor.rows(2), "survivor.1"), now)], 1.0, "survivor")
    assert reserved.granted and not blocked.granted  # the overall window is full of it

    async def survive() -> None:
        async with asyncio.timeout(10), survivor.slot(2):  # never released, never expiring: waits forever
            pass

    asyncio.run(survive())
    assert _state(engine, "bot").flight == {}


@ON_POSTGRES
def test_a_request_that_outlived_its_reservation_is_counted_once(engine: Engine) -> None:
    limits = SharedLimits(engine)
    slow = Ask(limits.rows(1), "p.slow")
    assert exchange(engine, [], [(slow, time.monotonic())], 0.05, "p")[0].granted
    asyncio.run(asyncio.sleep(0.1))
    [following] = exchange(engine, [], [(Ask(limits.rows(2), "p.next"), time.monotonic())], 10, "p")
    assert following.granted  # "slow" counted as ended at its expiry
    exchange(engine, [(slow, time.monotonic())], [], 10, "p")  # the slow request's answer comes at last
    bot = _state(engine, "bot")
    assert len(bot.ends) == 1 and list(bot.flight) == ["p.next"]


@ON_POSTGRES
def test_a_request_given_up_while_its_reservation_commits_gives_it_back(engine: Engine) -> None:
    limits = SharedLimits(engine)

    async def hold() -> None:
        async with limits.slot(1):
            await asyncio.sleep(60)

    async def scenario() -> None:
        async with limits.slot(2):  # the rows exist
            pass
        with engine.connect() as blocker:
            blocker.execute(select(FloodWindow.key).where(FloodWindow.key == "bot").with_for_update())
            holder = asyncio.ensure_future(hold())
            await asyncio.sleep(0.3)  # its exchange waits for the lock
            holder.cancel()
        for _ in range(100):  # the lock is free: the reservation commits, is found given up, goes back
            await asyncio.sleep(0.05)
            if len(_state(engine, "bot").ends) == 2:
                break

    asyncio.run(scenario())
    bot = _state(engine, "bot")
    assert bot.flight == {} and len(bot.ends) == 2


@ON_POSTGRES
def test_the_rows_keep_only_what_their_windows_still_count(engine: Engine) -> None:
    limits = SharedLimits(engine, overall_per_second=20, chat_interval=0.01)

    async def burst() -> None:
        for k in range(60):
            async with limits.slot(7 + k % 2):
                pass

    asyncio.run(burst())
    bot, chat = _state(engine, "bot"), _state(engine, "chat:7")
    assert len(bot.ends) <= 20 and len(chat.ends) <= 1 and not bot.flight and not chat.flight


def test_the_daemon_shares_the_windows_on_postgresql_and_keeps_its_own_on_sqlite(
    sessions: sessionmaker[Session], engine: Engine
) -> None:
    limits = flood_limits(sessions, timedelta(seconds=10))
    expected = SharedLimits if engine.dialect.name == "postgresql" else Limits
    assert type(limits) is expected
    if isinstance(limits, SharedLimits):  # the requests' connect and write phases fit in a reservation
        assert limits.ttl == in_flight_ttl(timedelta(seconds=10)) > 2 * 10


def test_the_bots_next_place_goes_to_the_older_request_whatever_process_holds_it() -> None:
    """As one queue for every process would serve them: a process leaves the bot's next place to an
    older request another process has waiting (listed in the bot's row), and takes it before a newer
    one."""
    bot, mine, theirs = (
        Row(BOT, (Rule(1, 1.0),)),
        Row("chat:1", (Rule(1, 1.0),)),
        Row("chat:2", (Rule(1, 1.0),)),
    )
    busy = {BOT: Tally(flight={"x.1": [0.0, 100.0]})}  # the bot's one place is held by a request in flight
    [waits], listed = decide([bot, theirs], [Ask((theirs, bot), "q.1")], busy, 10.0, 30, "q", [1.0])
    assert not waits.granted and listed[BOT].waiting["q"][1] == [1.0]
    listed[BOT].end("x.1", 10.0)  # its place frees at 11.0

    def mine_came_at(came: float) -> bool:
        state = {key: Tally.from_json(tally.json()) for key, tally in listed.items()}
        [answer], _ = decide([bot, mine], [Ask((mine, bot), "p.1")], state, 10.1, 30, "p", [came])
        return answer.granted

    assert not mine_came_at(5.0) and mine_came_at(0.5)


# ── The arithmetic: the shared rows decide as the in-process windows do ─────────────────────────────────
RULES = st.lists(
    st.tuples(st.integers(1, 4), st.integers(1, 40).map(lambda tenths: tenths / 10)), min_size=1, max_size=2
)
# (how much later, or None: just when the oldest end leaves the first window; a start or an end)
LATER = st.none() | st.integers(0, 700).map(lambda ms: ms / 1000)
STEPS = st.lists(st.tuples(LATER, st.booleans()), max_size=60)


@settings(max_examples=300, deadline=None)
@given(rules=RULES, steps=STEPS)
def test_a_shared_row_has_room_exactly_when_the_in_process_windows_have(
    rules: list[tuple[int, float]], steps: list[tuple[float | None, bool]]
) -> None:
    """Requests to one chat whose row keeps one or two windows (a group's), tried and ended at generated
    instants (on the windows' edges too); the row grants a place now exactly when the windows have room,
    and an instant it names is never early nor, when it grants a place then, late."""
    windows = [Window(limit, period) for limit, period in rules]
    shared = Row("chat:-1", tuple(Rule(limit, period * MARGIN) for limit, period in rules))
    tally, now, flying = Tally(), 0.0, list[str]()
    for n, (later, starts) in enumerate(steps):
        if later is not None:
            now += later
        elif windows[0].ends:
            now = max(now, windows[0].ends[0] + windows[0].period)
        if starts or not flying:
            room = all(window.has_room(now) for window in windows)
            [answer], settled = decide(
                [shared], [Ask((shared,), f"p.r{n}")], {shared.key: tally}, now, 1e12, "p"
            )
            assert (answer.granted and answer.at == now) == room
            if room:
                tally = settled[shared.key]
                flying.append(f"p.r{n}")
                for window in windows:
                    window.take()
            else:
                _check_named_instant(windows, now, answer.at, exact=answer.granted)
        else:
            tally.end(flying.pop(0), now)
            for window in windows:
                window.release(now)


def _check_named_instant(windows: list[Window], now: float, at: float, exact: bool) -> None:
    """No room before `at`; room from `at` on when the row named it for certain (a place at a known
    instant: only ends fill the window, and they leave then)."""

    def probe(window: Window, instant: float) -> bool:
        copy = Window(window.limit, window.period / MARGIN)
        copy.ends.extend(window.ends)
        copy.in_flight = window.in_flight
        return copy.has_room(instant)

    assert at > now and not all(probe(window, at - 1e-6) for window in windows)
    if exact:
        assert all(probe(window, at + 1e-9) for window in windows)
