"""The client-side flood limits: a chat's interval counted from the end of its previous request, a
group's burst of twenty a minute, and the overall rate across chats. Only lower bounds are asserted
(waiting never ends early); how close to optimal the limits run is the benchmark's business."""

from __future__ import annotations

import asyncio
import itertools

from monitor.telegram.limits import MARGIN, Limits

GROUP, PERSON = -42, 42


async def _send(limits: Limits, chat: int, log: list[tuple[float, float]], latency: float = 0.0) -> None:
    loop = asyncio.get_running_loop()
    async with limits.slot(chat):
        started = loop.time()
        await asyncio.sleep(latency)
    log.append((started, loop.time()))


def _run(limits: Limits, chats: list[int], latency: float = 0.0) -> list[tuple[float, float]]:
    log: list[tuple[float, float]] = []

    async def scenario() -> None:
        await asyncio.gather(*(_send(limits, chat, log, latency) for chat in chats))

    asyncio.run(scenario())
    return sorted(log)


def test_a_chat_waits_its_interval_after_the_previous_request_ended() -> None:
    log = _run(Limits(chat_interval=0.1), [PERSON] * 4, latency=0.05)
    for (_, ended), (started, _) in itertools.pairwise(log):
        assert started - ended >= 0.1 * MARGIN


def test_a_group_sends_its_burst_then_waits_for_the_window() -> None:
    limits = Limits(chat_interval=0.01, group_per_minute=3, group_window=0.4)
    log = _run(limits, [GROUP] * 7)
    starts = [started for started, _ in log]
    ends = [ended for _, ended in log]
    assert starts[2] - starts[0] < 0.2  # the first three go out one interval apart
    for n in range(3, 7):  # each later one waits until a window after the one three before it ended
        assert starts[n] >= ends[n - 3] + 0.4 * MARGIN


def test_private_chats_have_no_per_minute_window() -> None:
    log = _run(Limits(chat_interval=0.01, group_per_minute=3, group_window=10), [PERSON] * 6)
    assert log[-1][0] - log[0][0] < 5  # far less than the 10 s a group would wait


def test_the_overall_limit_spaces_requests_across_chats() -> None:
    log = _run(Limits(overall_per_second=50), list(range(1, 11)))
    starts = [started for started, _ in log]
    assert starts[-1] - starts[0] >= 8 * MARGIN / 50  # nine gaps; the leaky bucket may round one down
