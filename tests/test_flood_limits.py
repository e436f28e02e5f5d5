"""The client-side flood limits: sliding windows counted from the end of each request (one per chat per
interval, a group's burst within its per-minute limit, the overall rate across chats). Only lower bounds
are asserted — waiting never ends early; how close to optimal the limits run is the benchmark's business.

Every behaviour runs on both kinds the daemon may hold: the in-process windows (what it uses on SQLite)
and the windows shared through PostgreSQL's `flood_windows` (what it uses there)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial

import pytest
from sqlalchemy import Engine

from monitor.telegram.limits import MARGIN, FloodLimits, Limits
from monitor.telegram.shared_limits import SharedLimits

GROUP, PERSON = -42, 42
Log = list[tuple[float, float]]
MakeLimits = Callable[..., FloodLimits]


@pytest.fixture
def make_limits(engine: Engine) -> MakeLimits:
    """Limits with the given windows, of the kind the factory picks for the database's dialect."""
    if engine.dialect.name == "postgresql":
        return partial(SharedLimits, engine)
    return Limits


async def _send(limits: FloodLimits, chat: int, log: Log, latency: float) -> None:
    loop = asyncio.get_running_loop()
    async with limits.slot(chat):
        started = loop.time()
        await asyncio.sleep(latency)
        log.append((started, loop.time()))


def _run(limits: FloodLimits, chats: list[int], latency: float = 0.0) -> Log:
    log: Log = []

    async def scenario() -> None:
        await asyncio.gather(*(_send(limits, chat, log, latency) for chat in chats))

    asyncio.run(scenario())
    return sorted(log)


def _keeps_window(log: Log, limit: int, period: float) -> bool:
    """The n-th request started only after n − limit + 1 requests had ended at least `period` before."""
    starts = [started for started, _ in log]
    ends = sorted(ended for _, ended in log)
    return all(starts[n] >= ends[n - limit] + period * MARGIN for n in range(limit, len(log)))


def test_a_chat_waits_its_interval_after_the_previous_request_ended(make_limits: MakeLimits) -> None:
    log = _run(make_limits(chat_interval=0.1), [PERSON] * 4, latency=0.05)
    assert _keeps_window(log, 1, 0.1)


def test_a_group_sends_its_burst_then_waits_for_the_window(make_limits: MakeLimits) -> None:
    log = _run(make_limits(chat_interval=0.01, group_per_minute=3, group_window=0.4), [GROUP] * 7)
    assert log[2][0] < log[0][1] + 0.4  # the first three go out one interval apart, not a window
    assert _keeps_window(log, 3, 0.4) and _keeps_window(log, 1, 0.01)


def test_private_chats_have_no_per_minute_window(make_limits: MakeLimits) -> None:
    log = _run(make_limits(chat_interval=0.01, group_per_minute=3, group_window=10), [PERSON] * 6)
    assert log[-1][0] - log[0][0] < 5  # far less than the 10 s a group would wait


def test_the_overall_limit_allows_a_burst_then_waits_for_the_window(make_limits: MakeLimits) -> None:
    log = _run(make_limits(overall_per_second=4), list(range(1, 11)), latency=0.02)
    assert log[3][0] < log[0][1] + 1.0  # four at once, not one window apart
    assert _keeps_window(log, 4, 1.0)


def test_a_request_cancelled_while_waiting_gives_its_places_back(make_limits: MakeLimits) -> None:
    limits = make_limits(overall_per_second=1, chat_interval=0.01)

    async def scenario() -> float:
        loop = asyncio.get_running_loop()
        async with limits.slot(PERSON):
            waiting = asyncio.ensure_future(_send(limits, PERSON + 1, [], 0))
            await asyncio.sleep(0.05)
            waiting.cancel()  # it holds its chat's place and waits for the overall one
        started = loop.time()
        async with asyncio.timeout(3), limits.slot(PERSON + 1):  # a leaked place would wait forever
            return loop.time() - started

    assert asyncio.run(scenario()) < 1.5  # its chat is free again: only the overall window waited
