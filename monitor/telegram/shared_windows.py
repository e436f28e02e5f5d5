"""The arithmetic of the flood windows every daemon shares (`shared_limits` keeps them in the database):
pure functions over one transaction's rows, so that they can be checked against the in-process `Window`.

A window is the in-process one — at most `limit` requests in any `period`, counted from when requests
ended, requests in flight counted — with what a table shared by several processes needs:

- A reservation may start later than it is made: when the window is full of ends whose leaving instants
  are known, the next requests are given those instants at once, so a process sleeps until its start
  and sends without asking the database again. A reservation counts from when it is made.
- A reservation expires (its start + a time to live): a process killed mid-request does not hold its
  place forever. An expired reservation counts as a request that ended at its expiry — Telegram counted
  it when it arrived, before — so it leaves the window one period later.
- The bot's places go to the oldest waiting request of any process, as one queue for all of them would
  serve them: a process that has requests waiting for the bot lists when they came in the bot's row, and
  another leaves the next places to those older than its own. Without it, the process whose requests
  ended first took every place freed a period later, the other's chats started late, and their later
  messages (a second per chat apart) trailed behind.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

BOT = "bot"


@dataclass(frozen=True)
class Rule:
    """At most `limit` requests in any `period` seconds (MARGIN included)."""

    limit: int
    period: float


@dataclass(frozen=True)
class Row:
    """One `flood_windows` row ("bot", "chat:<id>") and the windows it keeps."""

    key: str
    rules: tuple[Rule, ...]

    @property
    def keep(self) -> float:
        """How long an end matters to this row's windows."""
        return max(rule.period for rule in self.rules)


@dataclass(frozen=True)
class Ask:
    """One request's places: a token reserved in each of its rows."""

    rows: tuple[Row, ...]
    token: str


@dataclass(frozen=True)
class Answer:
    """Reserved from `at` on (`granted`), or not yet: no place before `at`, for the request's own chat
    (`own`: ask no sooner) or for the bot (other requests ending may tell sooner when it will be)."""

    granted: bool
    at: float
    own: bool = False


@dataclass
class Tally:
    """A row's state: ends of requests (epoch seconds, server clock), reservations → [start, expiry]
    (tokens "<process>.<request>"), and on the bot's row the processes with requests waiting for it →
    [until when this holds, [when each came]]."""

    ends: list[float] = field(default_factory=list)
    flight: dict[str, list[float]] = field(default_factory=dict)
    waiting: dict[str, list[Any]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, state: dict[str, Any]) -> Tally:
        flight = {token: list(span) for token, span in state.get("flight", {}).items()}
        waiting = {process: list(wants) for process, wants in state.get("waiting", {}).items()}
        return cls(list(state.get("ends", [])), flight, waiting)

    def json(self) -> dict[str, Any]:
        return {"ends": self.ends, "flight": self.flight} | (
            {"waiting": self.waiting} if self.waiting else {}
        )

    def end(self, token: str, at: float) -> bool:
        """The request of `token` ended by `at`. One whose reservation expired meanwhile was already
        counted as ended at its expiry: it is not counted twice. Whether anything changed."""
        if self.flight.pop(token, None) is None:
            return False
        self.ends.append(at)
        return True

    def settled(self, now: float, keep: float) -> Tally:
        """Expired reservations become ends at their expiry; ends older than `keep` are dropped."""
        ends = self.ends + [expiry for _, expiry in self.flight.values() if expiry <= now]
        flight = {token: span for token, span in self.flight.items() if span[1] > now}
        waiting = {process: wants for process, wants in self.waiting.items() if wants[0] > now}
        return Tally(sorted(end for end in ends if end > now - keep), flight, waiting)


@dataclass
class Places:
    """One window during an exchange: when each further request could start."""

    limit: int
    period: float
    leaving: list[float]  # instants the counted ends leave, sorted
    flying: list[float]  # the earliest instants requests in flight can leave, sorted

    @classmethod
    def of(cls, tally: Tally, rule: Rule, now: float) -> Places:
        leaving = sorted(end + rule.period for end in tally.ends if end > now - rule.period)
        flying = sorted(max(now, start) + rule.period for start, _ in tally.flight.values())
        return cls(rule.limit, rule.period, leaving, flying)

    def next(self, now: float) -> tuple[float, bool]:
        """When one more request fits: at once, or when enough counted ends have left (certain), or no
        sooner than requests in flight can leave (a lower bound: when they end is not known yet)."""
        need = len(self.leaving) + len(self.flying) - self.limit + 1  # how many must leave first
        if need <= 0:
            return now, True
        if need <= len(self.leaving):  # full now (even when an end leaves at this very instant)
            return max(math.nextafter(now, math.inf), self.leaving[need - 1]), True
        return self.flying[need - len(self.leaving) - 1], False

    def take(self, start: float) -> None:
        bisect.insort(self.flying, start + self.period)


def _earliest(places: Sequence[Places], now: float) -> tuple[float, bool]:
    found = [one.next(now) for one in places]
    return max([now, *(at for at, _ in found)]), all(sure for _, sure in found)


@dataclass
class Elders:
    """The requests other processes have waiting for the bot's places, when each came, oldest first."""

    arrivals: list[float]

    @classmethod
    def of(cls, bot: Tally | None, process: str) -> Elders:
        waiting = [] if bot is None else [wants for other, wants in bot.waiting.items() if other != process]
        return cls(sorted(arrival for _, arrivals in waiting for arrival in arrivals))

    def first(self, arrival: float) -> bool:
        """Whether a request of another process came before `arrival` (it is given the next place)."""
        if self.arrivals and self.arrivals[0] < arrival:
            del self.arrivals[0]
            return True
        return False


def decide(
    rows: Sequence[Row],
    asks: Sequence[Ask],
    tallies: dict[str, Tally],
    now: float,
    ttl: float,
    process: str,
    arrivals: Sequence[float] = (),
) -> tuple[list[Answer], dict[str, Tally]]:
    """Answer each ask of `process` in arrival order (`arrivals`: when each came, on the same clock), as
    the in-process windows serve their waiters: a request waits for its chat's windows first, then takes
    the next place of the overall window not left to an older request of another process. Reserved
    requests are added to the rows (their start, their expiry `ttl` later); returns the answers and
    every row's state, settled at `now`."""
    settled = {row.key: tallies.get(row.key, Tally()).settled(now, row.keep) for row in rows}
    places = {(row.key, rule): Places.of(settled[row.key], rule, now) for row in rows for rule in row.rules}
    elders = Elders.of(settled.get(BOT), process)
    came = list(arrivals) or [now] * len(asks)
    answers = [
        _answer(ask, at, places, settled, elders, now, ttl) for ask, at in zip(asks, came, strict=True)
    ]
    bot = next((row for row in rows if row.key == BOT), None)
    if bot is not None:  # list when this process's requests waiting for the bot's places came
        waiting = [at for at, answer in zip(came, answers, strict=True) if not (answer.granted or answer.own)]
        settled[BOT].waiting[process] = [now + 2 * bot.keep, waiting]
        if not waiting:
            del settled[BOT].waiting[process]
    return answers, settled


def _answer(
    ask: Ask,
    arrival: float,
    places: dict[tuple[str, Rule], Places],
    settled: dict[str, Tally],
    elders: Elders,
    now: float,
    ttl: float,
) -> Answer:
    own = [places[row.key, rule] for row in ask.rows if row.key != BOT for rule in row.rules]
    shared = [places[row.key, rule] for row in ask.rows if row.key == BOT for rule in row.rules]
    (chat_at, chat_sure), (bot_at, bot_sure) = _earliest(own, now), _earliest(shared, now)
    if not chat_sure or chat_at > bot_at:  # its own windows first, then its turn for the bot's
        return Answer(False, chat_at, own=True)
    while bot_sure and shared and elders.first(arrival):  # that place is left to an older request
        for window in shared:
            window.take(bot_at)
        bot_at, bot_sure = _earliest(shared, now)
    if not bot_sure:
        return Answer(False, bot_at)
    for window in own + shared:
        window.take(bot_at)
    for row in ask.rows:
        settled[row.key].flight[ask.token] = [bot_at, bot_at + ttl]
    return Answer(True, bot_at)
