"""Telegram's flood limits shared by every daemon on one PostgreSQL database.

Telegram counts per bot (30/s), per chat (1/s) and per group (20/min), whatever process sends. Two daemons
each keeping their own windows (`limits.Limits`) together sent twice the rate and drew 429s. Here the
windows live in `flood_windows`, one row per count of requests ("bot", "chat:<id>"; a group's row serves
both its windows), with the same meaning as the in-process ones: a sliding window counted from request
*ends*, requests in flight count, every period widened by MARGIN.

- Acquire is one short transaction: lock the rows (`FOR UPDATE`, keys sorted, so two processes never
  deadlock; a missing row is created first), check every window, then reserve in all of them or learn how
  long to wait. Release is one statement: the end stamp appended, the reservation dropped.
- Every stamp is the database server's `clock_timestamp()`, so processes on several hosts agree.
- A reservation carries an expiry: a process killed mid-request does not hold its places forever. An
  expired reservation counts as a request that ended at its expiry (Telegram counted it when it arrived,
  which was before), so it leaves the window one period later. The expiry must outlast the time a request
  needs to reach Telegram (`in_flight_ttl`).
- Waiting is `asyncio.sleep` for the computed time (the earliest instant a place can free up), never a
  busy poll; database work runs in a thread. Within a process, waiters are served in arrival order:
  per chat, and for the overall window.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Float, bindparam, cast, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from monitor.db.ha import FloodWindow
from monitor.telegram.limits import MARGIN, FloodLimits, Limits

BOT = "bot"


@dataclass(frozen=True)
class Rule:
    """At most `limit` requests in any `period` seconds (MARGIN included)."""

    limit: int
    period: float


@dataclass(frozen=True)
class Row:
    """One `flood_windows` row and the windows it keeps."""

    key: str
    rules: tuple[Rule, ...]

    @property
    def keep(self) -> float:
        """How long an end matters to this row's windows."""
        return max(rule.period for rule in self.rules)


@dataclass
class Tally:
    """A row's state: ends of requests (epoch seconds, server clock), reservations in flight → expiry."""

    ends: list[float] = field(default_factory=list)
    flight: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> Tally:
        return cls(list(state.get("ends", [])), dict(state.get("flight", {})))

    def json(self) -> dict[str, Any]:
        return {"ends": self.ends, "flight": self.flight}

    def settled(self, now: float, keep: float) -> Tally:
        """Expired reservations become ends at their expiry; ends older than `keep` are dropped."""
        ends = self.ends + [expiry for expiry in self.flight.values() if expiry <= now]
        flight = {token: expiry for token, expiry in self.flight.items() if expiry > now}
        return Tally(sorted(end for end in ends if end > now - keep), flight)

    def wait(self, rule: Rule, now: float) -> float:
        """0 when one more request fits in `rule`'s window (self settled at `now`), else the least time
        until a place can free up: the oldest counted end leaves first; a request in flight ends at the
        earliest now, so it leaves no sooner than one period from now."""
        leaving = [end + rule.period for end in self.ends if end > now - rule.period]
        leaving += [now + rule.period] * len(self.flight)
        if len(leaving) < rule.limit:
            return 0.0
        return max(sorted(leaving)[len(leaving) - rule.limit] - now, 1e-6)


@dataclass(frozen=True)
class Verdict:
    """Reserved (wait 0), or how long to wait and whether a chat's own window is what is full."""

    wait: float = 0.0
    chat_full: bool = False


def decide(
    rows: Sequence[Row], tallies: dict[str, Tally], now: float, token: str, expiry: float
) -> tuple[Verdict, dict[str, Tally]]:
    """Reserve `token` until `expiry` in each row when all have room, or say how long to wait.
    Returns the verdict and the rows to write (none when waiting)."""
    settled = {row.key: tallies.get(row.key, Tally()).settled(now, row.keep) for row in rows}
    waits = {row.key: max(settled[row.key].wait(rule, now) for rule in row.rules) for row in rows}
    if any(waits.values()):
        chat_full = any(wait for key, wait in waits.items() if key != BOT)
        return Verdict(max(waits.values()), chat_full), {}
    for tally in settled.values():
        tally.flight[token] = expiry
    return Verdict(), settled


_RELEASE = text(
    """
    WITH locked AS (
        SELECT key FROM flood_windows WHERE key IN :keys ORDER BY key FOR UPDATE
    )
    UPDATE flood_windows AS f SET state = json_build_object(
        'ends', (f.state::jsonb -> 'ends') || to_jsonb(extract(epoch FROM clock_timestamp())::float8),
        'flight', (f.state::jsonb -> 'flight') - CAST(:token AS text))
    FROM locked
    WHERE f.key = locked.key AND jsonb_exists(f.state::jsonb -> 'flight', :token)
    """
).bindparams(bindparam("keys", expanding=True))


def _locked(conn: Connection, keys: list[str]) -> tuple[dict[str, Tally], float]:
    """The rows of `keys` locked in key order, and the server's clock read after the last lock."""
    rows = (
        select(FloodWindow.key, FloodWindow.state)
        .where(FloodWindow.key.in_(keys))
        .order_by(FloodWindow.key)
        .with_for_update()
        .subquery()
    )
    now = cast(func.extract("epoch", func.clock_timestamp()), Float)
    found = conn.execute(select(rows.c.key, rows.c.state, now)).all()
    return {key: Tally.from_json(state) for key, state, _ in found}, max((at for *_, at in found), default=0)


def reserve(engine: Engine, rows: Sequence[Row], token: str, ttl: float) -> Verdict:
    """Reserve `token` for `ttl` seconds in every row, or learn how long to wait (one transaction)."""
    keys = sorted(row.key for row in rows)
    with engine.begin() as conn:
        tallies, now = _locked(conn, keys)
        if len(tallies) < len(keys):  # first use: create the rows (in key order too), then lock them all
            empty = [{"key": key, "state": Tally().json()} for key in keys]
            conn.execute(insert(FloodWindow).values(empty).on_conflict_do_nothing(index_elements=["key"]))
            tallies, now = _locked(conn, keys)
        verdict, writes = decide(rows, tallies, now, token, now + ttl)
        if writes:
            conn.execute(
                update(FloodWindow).where(FloodWindow.key == bindparam("k")).values(state=bindparam("s")),
                [{"k": key, "s": tally.json()} for key, tally in sorted(writes.items())],
            )
    return verdict


def release(engine: Engine, rows: Sequence[Row], token: str) -> None:
    """The request of `token` ended now: its end stamp appended, its reservation dropped (one statement).
    A reservation that expired meanwhile was already counted as ended at its expiry: nothing changes."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(_RELEASE, {"keys": sorted(row.key for row in rows), "token": token})


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
    ) -> None:
        self.engine, self.ttl = engine, in_flight_ttl
        self.overall = Row(BOT, (Rule(overall_per_second, 1.0 * MARGIN),))
        self.chat_rule = Rule(1, chat_interval * MARGIN)
        self.group_rule = Rule(group_per_minute, group_window * MARGIN)
        self._overall_turn = asyncio.Lock()  # waiters for the overall window, in arrival order
        self._chat_turns: dict[int, asyncio.Lock] = {}

    def rows(self, chat_id: int) -> tuple[Row, Row]:
        # group and supergroup ids are negative: the per-minute limit too
        rules = (self.chat_rule, self.group_rule) if chat_id < 0 else (self.chat_rule,)
        return Row(f"chat:{chat_id}", rules), self.overall

    @asynccontextmanager
    async def slot(self, chat_id: int) -> AsyncIterator[None]:
        """Hold a place for one request to `chat_id` in every window it counts in, until it ends."""
        rows = self.rows(chat_id)
        token = uuid.uuid4().hex
        await self._acquire(chat_id, rows, token)
        try:
            yield
        finally:  # in a thread that finishes even if this task is cancelled meanwhile
            await asyncio.to_thread(release, self.engine, rows, token)

    async def _acquire(self, chat_id: int, rows: Sequence[Row], token: str) -> None:
        async with self._chat_turns.setdefault(chat_id, asyncio.Lock()):
            while True:
                async with self._overall_turn:
                    verdict = await self._attempt(rows, token)
                    while verdict.wait and not verdict.chat_full:  # the overall window: keep the turn
                        await asyncio.sleep(verdict.wait)
                        verdict = await self._attempt(rows, token)
                if not verdict.wait:
                    return
                await asyncio.sleep(verdict.wait)  # the chat's own window: let other chats go first

    async def _attempt(self, rows: Sequence[Row], token: str) -> Verdict:
        running = asyncio.ensure_future(asyncio.to_thread(reserve, self.engine, rows, token, self.ttl))
        try:
            return await asyncio.shield(running)
        except asyncio.CancelledError:  # the reservation may still commit: give it back when it does
            running.add_done_callback(functools.partial(self._give_back, rows, token))
            raise

    def _give_back(self, rows: Sequence[Row], token: str, done: asyncio.Future[Verdict]) -> None:
        if done.cancelled() or done.exception() is not None or done.result().wait:
            return
        with suppress(RuntimeError):  # the loop is closing: the reservation expires instead
            asyncio.get_running_loop().run_in_executor(None, release, self.engine, rows, token)


def in_flight_ttl(request_timeout: timedelta) -> float:
    """How long a reservation outlives its process: a request reaches Telegram within its connect and
    write timeouts and PTB's 1 s wait for a pooled connection; 5 s more for margin."""
    return 2 * request_timeout.total_seconds() + 1.0 + 5.0


def flood_limits(sessions: sessionmaker[Session], request_timeout: timedelta) -> FloodLimits:
    """Windows shared through the database on PostgreSQL (any number of daemons); in-process windows on
    SQLite, which runs one daemon only."""
    engine: Engine = sessions.kw["bind"]
    if engine.dialect.name == "postgresql":
        return SharedLimits(engine, in_flight_ttl=in_flight_ttl(request_timeout))
    return Limits()
