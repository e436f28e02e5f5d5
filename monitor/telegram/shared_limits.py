"""Telegram's flood limits shared by every daemon on one PostgreSQL database.

Telegram counts per bot (30/s), per chat (1/s) and per group (20/min), whatever process sends. Two daemons
each keeping their own windows (`limits.Limits`) together sent twice the rate and drew 429s. Here the
windows live in `flood_windows`, one row per count of requests ("bot", "chat:<id>"; a group's row serves
both its windows), with the same meaning as the in-process ones (`shared_windows` has the arithmetic).

- One short transaction does all a process has to say: it locks the rows (`FOR UPDATE`, keys sorted, so
  two processes never deadlock; a missing row is created first), records the ends of the requests that
  finished, and answers the waiting requests in arrival order — a place now, a place at a known later
  instant (the process sleeps until then and sends without asking again), or when to ask again. Each
  process runs one such exchange at a time and puts what piled up meanwhile into the next: fewer than
  one per message under load (0.7 measured with two processes), not the two a reservation and an end
  would take one by one.
- Every stamp is on the database server's clock, so processes on several hosts agree. The present is read
  after the locks (`clock_timestamp()`); a place granted for a later instant is waited for from after
  that reading, so it is never taken early. An end is stamped at the instant the transaction began
  (`transaction_timestamp()`) less the time that had passed here since the request ended: that instant
  was read after this process sent its BEGIN, so the stamp is never before the real end, yet an end does
  not wait in the queue for the next exchange (that cost a window's places ~20 ms a second).
- A reservation expires (`in_flight_ttl` after its start): a process killed mid-request holds its places
  no longer. The expiry must outlast the time a request needs to reach Telegram.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import timedelta

from sqlalchemy import Connection, Engine, Float, bindparam, cast, create_engine, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from monitor.db.ha import FloodWindow
from monitor.korean import particles
from monitor.telegram.limits import MARGIN, FloodLimits, Limits
from monitor.telegram.shared_windows import BOT, Answer, Ask, Row, Rule, Tally, decide
from monitor.vocab import Lang

log = logging.getLogger(__name__)
AHEAD = 0.05  # seconds: a request waiting for the bot asks again this much before a place may free up
LINES = {
    "failing": (
        "텔레그램 전송 한도를 데이터베이스에서 읽거나 쓰지 못했습니다 ({reason}): 기다리던 전송은 실패로 "
        "돌리고, 끝난 요청은 다음 전송 때 기록합니다",
        "could not read or write Telegram's flood limits in the database ({reason}): waiting sends fail, "
        "finished requests are recorded with the next send",
    ),
    "recovered": (
        "텔레그램 전송 한도를 다시 데이터베이스에 기록합니다",
        "Telegram's flood limits are recorded in the database again",
    ),
}


def _locked(conn: Connection, keys: list[str]) -> tuple[dict[str, Tally], float, float]:
    """The rows of `keys` locked in key order; when the transaction began; the clock after the locks."""
    rows = (
        select(FloodWindow.key, FloodWindow.state)
        .where(FloodWindow.key.in_(keys))
        .order_by(FloodWindow.key)
        .with_for_update()
        .subquery()
    )
    began = cast(func.extract("epoch", func.transaction_timestamp()), Float)
    now = cast(func.extract("epoch", func.clock_timestamp()), Float)  # per row, after its lock
    found = conn.execute(select(rows.c.key, rows.c.state, began, now)).all()
    tallies = {key: Tally.from_json(state) for key, state, *_ in found}
    return tallies, min((row[2] for row in found), default=0), max((row[3] for row in found), default=0)


def _locked_or_created(conn: Connection, keys: list[str]) -> tuple[dict[str, Tally], float, float]:
    tallies, began, now = _locked(conn, keys)
    if len(tallies) < len(keys):  # first use: create the rows (in key order too), then lock them all
        empty = [{"key": key, "state": Tally().json()} for key in keys]
        conn.execute(insert(FloodWindow).values(empty).on_conflict_do_nothing(index_elements=["key"]))
        tallies, began, now = _locked(conn, keys)
    return tallies, began, now


def exchange(
    engine: Engine,
    ended: Sequence[tuple[Ask, float]],
    asks: Sequence[tuple[Ask, float]],
    ttl: float,
    process: str,
) -> list[Answer]:
    """One transaction: the `ended` requests' ends recorded, then the `asks` of `process` answered in
    order (reserved for `ttl` seconds from their start). Each comes with the instant it ended or came on
    this process's `time.monotonic()`, the clock of the answers' instants too."""
    rows = {row.key: row for ask, _ in [*ended, *asks] for row in ask.rows}
    keys = sorted(rows)
    with engine.begin() as conn:
        sent = time.monotonic()  # the transaction begins with the first statement, after this
        tallies, began, now = _locked_or_created(conn, keys)
        read = time.monotonic()  # after the server read `now`: an instant mapped from here is not early

        def stamp(at: float) -> float:  # an instant here, on the server's clock (never before it)
            return min(began, began - (sent - at))

        changed = {
            row.key for ask, at in ended for row in ask.rows if tallies[row.key].end(ask.token, stamp(at))
        }
        came = [stamp(at) for _, at in asks]
        answers, settled = decide(
            list(rows.values()), [ask for ask, _ in asks], tallies, now, ttl, process, came
        )
        granted = [ask for (ask, _), answer in zip(asks, answers, strict=True) if answer.granted]
        changed |= {row.key for ask in granted for row in ask.rows} | (rows.keys() & {BOT})  # who waits
        if changed:
            conn.execute(
                update(FloodWindow).where(FloodWindow.key == bindparam("k")).values(state=bindparam("s")),
                [{"k": key, "s": settled[key].json()} for key in sorted(changed)],
            )
    return [replace(answer, at=read + answer.at - now) for answer in answers]


@dataclass(eq=False)
class _Waiter:
    ask: Ask
    granted: asyncio.Future[float]  # its start, on this process's clock
    came: float = field(default_factory=time.monotonic)
    not_before: float = 0.0  # its own chat's windows are full until then


class SharedLimits:
    """`Limits` whose windows every process on the PostgreSQL database shares."""

    def __init__(
        self,
        engine: Engine,
        *,
        overall_per_second: int = 30,
        chat_interval: float = 1.0,
        group_per_minute: int = 20,
        group_window: float = 60.0,
        in_flight_ttl: float = 25.0,
        lang: Lang = "ko",
    ) -> None:
        self.engine, self.ttl, self.lang = engine, in_flight_ttl, lang
        self.process = uuid.uuid4().hex[:12]  # names this process's reservations in the rows
        self.overall = Row(BOT, (Rule(overall_per_second, 1.0 * MARGIN),))
        self.chat_rule = Rule(1, chat_interval * MARGIN)
        self.group_rule = Rule(group_per_minute, group_window * MARGIN)
        self._waiting: list[_Waiter] = []  # in arrival order
        self._ended: list[tuple[Ask, float]] = []  # finished (when), not recorded yet
        self._recorded: list[asyncio.Future[None]] = []  # slot exits waiting for the next exchange
        self._kick = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None
        self._failing = False

    def rows(self, chat_id: int) -> tuple[Row, Row]:
        # group and supergroup ids are negative: the per-minute limit too
        rules = (self.chat_rule, self.group_rule) if chat_id < 0 else (self.chat_rule,)
        return Row(f"chat:{chat_id}", rules), self.overall

    @asynccontextmanager
    async def slot(self, chat_id: int) -> AsyncIterator[None]:
        """Hold a place for one request to `chat_id` in every window it counts in, until it ends."""
        loop = asyncio.get_running_loop()
        ask = Ask(self.rows(chat_id), f"{self.process}.{uuid.uuid4().hex[:12]}")
        start = await self._reserve(ask)
        try:
            await asyncio.sleep(max(0.0, start - time.monotonic()))
            yield
        finally:
            recorded = loop.create_future()
            self._ended.append((ask, time.monotonic()))
            self._recorded.append(recorded)
            self._wake()
            await asyncio.shield(recorded)  # its end is in the database (or will be, after a failure)

    async def _reserve(self, ask: Ask) -> float:
        waiter = _Waiter(ask, asyncio.get_running_loop().create_future())
        self._waiting.append(waiter)
        self._wake()
        try:
            return await waiter.granted
        except asyncio.CancelledError:
            if waiter in self._waiting:
                self._waiting.remove(waiter)
            elif waiter.granted.done() and not waiter.granted.cancelled():  # reserved: give it back
                self._ended.append((ask, time.monotonic()))
                self._wake()
            raise

    def _wake(self) -> None:
        self._kick.set()
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._work())

    async def _work(self) -> None:
        """Exchange until nothing waits or remains to record, sleeping until the earliest instant named or
        until a request arrives or ends here."""
        while self._waiting or self._ended:
            self._kick.clear()
            try:
                retry = await self._exchange()
            except Exception as error:  # the database failed; a later slot() starts over
                self._fail(error)
                return
            if retry is not None and not self._kick.is_set():
                with suppress(TimeoutError):
                    async with asyncio.timeout(retry - time.monotonic()):
                        await self._kick.wait()

    async def _exchange(self) -> float | None:
        """One exchange of everything pending; when to exchange again for the requests still waiting.
        A request whose own chat is full waits out its instant; of the others, no more than the bot's
        window can let through are asked about (the first, in arrival order)."""
        now = time.monotonic()
        eligible = [waiter for waiter in self._waiting if waiter.not_before <= now]
        asking, ended, recorded = eligible[: self.overall.rules[0].limit], list(self._ended), self._recorded
        self._recorded = []
        try:
            answers = await asyncio.to_thread(
                exchange, self.engine, ended, [(w.ask, w.came) for w in asking], self.ttl, self.process
            )
        finally:
            for exited in recorded:
                if not exited.done():
                    exited.set_result(None)
        del self._ended[: len(ended)]
        if self._failing:
            self._failing = False
            log.info(self._say("recovered"))
        retries = [self._answer(waiter, answer) for waiter, answer in zip(asking, answers, strict=True)]
        if len(asking) < len(eligible) and any(answer.granted or answer.own for answer in answers):
            return now  # more may fit: ask about the next ones at once
        later = [waiter.not_before for waiter in self._waiting if waiter.not_before > now]
        return min([at for at in retries if at is not None] + later, default=None)

    def _answer(self, waiter: _Waiter, answer: Answer) -> float | None:
        """Hand a granted place over; the instant to ask again for a request still waiting."""
        if answer.own:
            waiter.not_before = answer.at
            return answer.at
        if not answer.granted:  # the bot's: ask a little before, to be granted the place ahead of time
            return answer.at - AHEAD
        with suppress(ValueError):
            self._waiting.remove(waiter)
        if waiter.granted.done():  # given up meanwhile: the places go back with the next exchange
            self._ended.append((waiter.ask, time.monotonic()))
        else:
            waiter.granted.set_result(answer.at)
        return None

    def _fail(self, error: Exception) -> None:
        for waiter in self._waiting:
            if not waiter.granted.done():
                waiter.granted.set_exception(error)
        self._waiting.clear()
        if not self._failing:
            self._failing = True
            log.warning(self._say("failing", reason=type(error).__name__))

    def _say(self, key: str, **values: object) -> str:
        ko, en = LINES[key]
        return particles(ko.format(**values)) if self.lang == "ko" else en.format(**values)


def in_flight_ttl(request_timeout: timedelta) -> float:
    """How long a reservation lasts from its start: a request reaches Telegram within its connect and
    write timeouts and PTB's 1 s wait for a pooled connection; 5 s more for margin."""
    return 2 * request_timeout.total_seconds() + 1.0 + 5.0


def limiter_engine(engine: Engine) -> Engine:
    """The limiter's own few connections to `engine`'s database, whose commits do not wait for the disk
    (`synchronous_commit=off`): the windows hold seconds of bookkeeping, and a commit waiting for its
    flush held the bot's row locked from every other process for milliseconds on each message. A crash
    of the database server may lose its last fraction of a second of them — a few requests uncounted
    for a second, at worst one 429 that the notifier waits out."""
    given = engine.url.query.get("options")
    options = [*([given] if isinstance(given, str) else given or ()), "-c synchronous_commit=off"]
    url = engine.url.difference_update_query(["options"])
    connect = {"options": " ".join(options)}
    return create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=4, connect_args=connect)


def flood_limits(
    sessions: sessionmaker[Session], request_timeout: timedelta, lang: Lang = "ko"
) -> FloodLimits:
    """Windows shared through the database on PostgreSQL (any number of daemons); in-process windows on
    SQLite, which runs one daemon only."""
    engine: Engine = sessions.kw["bind"]
    if engine.dialect.name == "postgresql":
        return SharedLimits(limiter_engine(engine), in_flight_ttl=in_flight_ttl(request_timeout), lang=lang)
    return Limits()
