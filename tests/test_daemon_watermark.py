"""Change detection without gaps, at the daemon: whatever is written while a step runs or waits — however
the writes and the polls interleave — is evaluated by the next poll. The oracle: after the polls, a full
sweep finds nothing left to change (every alert's state already what a complete evaluation gives)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.daemon.service import Daemon, DaemonConfig
from monitor.db import models as m
from monitor.notify.sender import Sender
from tests.factories import RecordingNotifier, lifecycle, log, rule_config

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
WRITES: list[tuple[str, dict[str, Any]]] = [
    ("DG-2022-01.done", {"status": "done"}),
    ("DG-2022-02.done", {"status": "done"}),
    ("DG-2022-03.done", {"status": "done"}),
    ("DJ-9-3", {"status": "정상추진"}),
    ("DJ-9-4", {"status": "정상추진"}),
]
# write: progress logged by another process; poll: the daemon's poll job starts (it may have to wait for
# the step lock); hold/release: a slow step holds the lock; settle: the loop runs what is ready
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("write"), st.integers(0, len(WRITES) - 1)),
        st.tuples(st.sampled_from(["poll", "hold", "release", "settle"]), st.just(0)),
    ),
    max_size=14,
)


def _alert_states(sessions: sessionmaker[Session]) -> dict[str, tuple[str, str]]:
    with sessions() as session:
        rows = session.execute(select(m.Alert.key, m.Alert.state, m.Alert.condition))
        return {key: (state, condition) for key, state, condition in rows}


async def _interleave(daemon: Daemon, sessions: sessionmaker[Session], ops: list[tuple[str, int]]) -> None:
    polls: list[asyncio.Task[None]] = []
    held = False
    for op, index in ops:
        if op == "write":
            code, fields = WRITES[index]
            await asyncio.to_thread(log, sessions, code, NOW, **fields)
        elif op == "poll":
            polls.append(asyncio.create_task(daemon._poll()))
            await asyncio.sleep(0)  # the poll reads the counter, then waits for the lock
        elif op == "hold" and not held:
            await daemon.lock.acquire()
            held = True
        elif op == "release" and held:
            daemon.lock.release()
            held = False
        else:
            await asyncio.sleep(0.01)
    if held:
        daemon.lock.release()
    await asyncio.gather(*polls)
    await daemon._poll()  # the next scheduled poll


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_nothing_written_between_or_during_steps_is_left_unevaluated(
    seeded: sessionmaker[Session], ops: list[tuple[str, int]]
) -> None:
    config = DaemonConfig(rules=rule_config(), lifecycle=lifecycle(destinations=("console",)))
    sender = Sender(seeded, {"console": RecordingNotifier()}, lambda: NOW)
    daemon = Daemon(seeded, sender, config, [], clock=lambda: NOW)

    async def scenario() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
        daemon.scheduler.start(paused=True)
        daemon.leading = True
        await daemon._full_pass()
        await _interleave(daemon, seeded, ops)
        after_polls = _alert_states(seeded)
        await daemon._full_pass()  # the oracle: a complete evaluation
        daemon.scheduler.shutdown(wait=False)
        return after_polls, _alert_states(seeded)

    after_polls, complete = asyncio.run(scenario())
    assert after_polls == complete
