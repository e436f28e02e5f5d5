"""Benchmark: Telegram delivery against the fake Bot API enforcing Telegram's flood limits.

1. Throughput: ALERTS notifications over CHATS chats (GROUPS of them groups), grouped into one message per
   chat and jurisdiction, delivered by the daemon's sender and Telegram notifier. Wall time is compared
   with the theoretical minimum under the server's limits (30/s overall, 1/s per chat, 20/min per group,
   strict sliding windows); lost, duplicated and server-rejected (429) counts should be 0.
   `--busy-group N` adds one group that gets N messages, to exercise the per-minute window.
2. Outage (opt-in, `--outage`; at full size — 100 chats, 10 minutes — it runs about 2½ minutes): the same
   load while the server answers every send with 502 for OUTAGE minutes (a second wave is queued
   half-way), then recovery; with `--postgres`, on a PostgreSQL schema with the shared flood limits.
   Time is simulated for the sender's backoff (the virtual clock jumps to the next retry), the HTTP
   traffic and flood limits are real. Reported: everything delivered, duplicates, chats whose messages
   arrived out of order, and how long after recovery the last arrived.
3. Shared windows (with `--postgres URL`, or MONITOR_TEST_POSTGRES_URL set): the same burst as (1) — as many
   messages per chat as the daemon groups it into — sent by two users of the flood limits in two OS
   processes on one PostgreSQL database, each its own chats (as per-destination delivery leases split
   them), through the windows they share in `flood_windows`. Medians of `--shared-runs` runs: wall time
   against the theoretical minimum, 429s at the server, and the database work per message (transactions,
   statements, milliseconds). One process with the in-process windows, in the same harness, for reference.

Run: .venv/bin/python bench/telegram_delivery.py [--alerts 1000] [--chats 100] [--groups 20] [--outage-minutes 10]
     [--postgres URL] [--shared-runs 5] [--skip-throughput] [--outage]
Timings are figures for the closing notes, never test outcomes.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import os
import queue
import re
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot
from telegram.error import NetworkError, RetryAfter
from telegram.request import HTTPXRequest

from monitor.db import migrate
from monitor.db import models as m
from monitor.db.alerting import pending_entry
from monitor.db.engine import make_engine, make_session_factory
from monitor.notify.sender import RetryPolicy, Sender, next_delivery
from monitor.telegram.limits import FloodLimits, Limits
from monitor.telegram.notifier import TelegramNotifier, retry_seconds
from monitor.telegram.service import application
from monitor.telegram.shared_limits import SharedLimits, exchange, flood_limits, limiter_engine
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.telegram_factories import alert_payload, telegram_settings

PLACES = [("j1", "가나시"), ("j2", "다라군"), ("j3", "마바구")]
SUBJECT = re.compile(r"W\d-C\d{3}-\d{3}")


@dataclass
class Load:
    chats: list[int]
    rows: int = 0
    subjects: dict[str, int] = field(default_factory=dict)  # subject → chat


def chat_ids(chats: int, groups: int) -> list[int]:
    return [-(20_000 + n) if n < groups else 10_000 + n for n in range(chats)]


def enqueue(sessions: sessionmaker[Session], load: Load, wave: int, alerts: int, now: datetime) -> None:
    """`alerts` notifications spread evenly over the chats; chat n's are in (n % 3) + 1 jurisdictions."""
    rows = []
    for k in range(alerts):
        index = k % len(load.chats)
        slug, name = PLACES[(k // len(load.chats)) % (index % 3 + 1)]
        rows.append((f"W{wave}-C{index:03d}-{k:03d}", load.chats[index], slug, name))
    add_rows(sessions, load, rows, now)


def busy_group(sessions: sessionmaker[Session], load: Load, messages: int, now: datetime) -> None:
    """One group getting `messages` messages (one jurisdiction each, so none is merged)."""
    load.chats.append(-30_000)
    rows = [(f"W9-C999-{k:03d}", -30_000, f"busy{k}", f"busy{k}") for k in range(messages)]
    add_rows(sessions, load, rows, now)


def add_rows(
    sessions: sessionmaker[Session], load: Load, rows: list[tuple[str, int, str, str]], now: datetime
) -> None:
    """(subject, chat, jurisdiction slug, its name) → one pending outbox row each."""
    with sessions.begin() as session:
        for subject, chat, slug, name in rows:
            payload = alert_payload(subject, jurisdiction=slug, jurisdiction_ko=name, parties=(slug,))
            destination = f"telegram:{chat}"
            session.add(pending_entry(f"{subject}@{destination}", subject, destination, slug, payload, now))
            load.subjects[subject] = chat
    load.rows += len(rows)


def earliest_last(count: int, windows: list[tuple[int, float]]) -> float:
    """When the last of `count` messages can go out at the earliest under strict sliding windows of
    (limit, period): message k no sooner than message k − limit + period, for every window."""
    times: list[float] = []
    for k in range(count):
        times.append(max([0.0] + [times[k - limit] + period for limit, period in windows if k >= limit]))
    return times[-1] if times else 0.0


def lower_bound(fake: FakeTelegram, chats: list[int]) -> float:
    """The least time Telegram's limits allow for the messages that had to be sent: the largest of the
    overall bound and each chat's own (a lower bound: it ignores that they compete)."""
    per_chat = {chat: len({msg.text for msg in fake.messages_to(chat)}) for chat in chats}
    bounds = [earliest_last(sum(per_chat.values()), [(30, 1.0)])]
    for chat, count in per_chat.items():
        bounds.append(earliest_last(count, [(1, 1.0), (20, 60.0)] if chat < 0 else [(1, 1.0)]))
    return max(bounds)


def audit(sessions: sessionmaker[Session], fake: FakeTelegram, load: Load) -> dict[str, int]:
    """Lost rows, duplicated subjects and chats whose messages arrived out of outbox order."""
    with sessions() as session:
        states = Counter(session.scalars(select(m.OutboxEntry.state)))
        order = {row.alert_key: row.id for row in session.scalars(select(m.OutboxEntry))}
    seen: Counter[tuple[int, str]] = Counter()
    disorder = 0
    for chat in load.chats:
        firsts = []
        for msg in fake.messages_to(chat, "message"):
            subjects = set(SUBJECT.findall(msg.text))
            seen.update((chat, s) for s in subjects)
            firsts.append(min(order[s] for s in subjects))
        disorder += firsts != sorted(firsts)
    missing = sum(1 for subject, chat in load.subjects.items() if seen[(chat, subject)] == 0)
    return {
        "rows": load.rows,
        "sent": states["sent"],
        "lost": missing + states["pending"] + states["failed"],
        "duplicated": sum(1 for count in seen.values() if count > 1),
        "out_of_order_chats": disorder,
        "server_429": fake.rejected_429,
    }


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def telegram_sender(sessions: sessionmaker[Session], bot: Bot, clock: Clock, limits: FloodLimits) -> Sender:
    notifier = TelegramNotifier(bot, limits, lambda chat: "ko")
    return Sender(sessions, {"telegram:": notifier}, clock, RetryPolicy())


def loose() -> Limits:
    return Limits(overall_per_second=10_000, chat_interval=0.001, group_per_minute=1_000_000)


def pending(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return len(session.scalars(select(m.OutboxEntry.id).where(m.OutboxEntry.state == "pending")).all())


async def throughput(sessions: sessionmaker[Session], fake: FakeTelegram, load: Load) -> float:
    clock = Clock(datetime.now(UTC))
    app = application(telegram_settings(fake))
    async with app.bot:
        sender = telegram_sender(sessions, app.bot, clock, Limits())
        started = time.perf_counter()
        while pending(sessions):
            clock.now = datetime.now(UTC)
            await sender.deliver_due()
        return time.perf_counter() - started


async def outage(
    sessions: sessionmaker[Session], fake: FakeTelegram, load: Load, alerts: int, minutes: float
) -> dict[str, float]:
    start = datetime.now(UTC)
    clock = Clock(start)
    app = application(telegram_settings(fake))
    # While time is simulated, a chat's real one-second spacing would make every retry wait a real
    # second: failing attempts go through loose limits; from the recovery on, the real limits apply —
    # those the daemon would use on this database (shared through it on PostgreSQL).
    sender = telegram_sender(sessions, app.bot, clock, flood_limits(sessions, timedelta(seconds=10)))
    failing = telegram_sender(sessions, app.bot, clock, loose())
    wave_at, recover_at = start + timedelta(minutes=minutes / 2), start + timedelta(minutes=minutes)
    wave_two, recovered, attempts_during, last_sent = False, False, 0, start
    real_recovery = 0.0
    fake.set_outage(True)
    async with app.bot:
        real = time.perf_counter()
        while pending(sessions) or not wave_two:
            if not wave_two and clock.now >= wave_at:
                enqueue(sessions, load, 2, alerts, clock.now)
                wave_two = True
            if clock.now >= recover_at and not recovered:
                fake.set_outage(False)
                recovered = True
                real_recovery = time.perf_counter()
            stats = await (sender if recovered else failing).deliver_due()
            if clock.now < recover_at:
                attempts_during += stats.batches
            if stats.sent:
                last_sent = clock.now
            with sessions() as session:
                due = next_delivery(session) or clock.now
            events = [t for t in (wave_at if not wave_two else None, recover_at) if t and t > clock.now]
            clock.now = max(clock.now + timedelta(milliseconds=1), min([due, *events]))
    return {
        "failed_attempts_during_outage": attempts_during,
        "virtual_minutes_recovery_to_last_delivery": (last_sent - recover_at).total_seconds() / 60,
        "real_seconds_of_drain": time.perf_counter() - real_recovery,
        "real_seconds_total": time.perf_counter() - real,
    }


@dataclass
class DbUse:
    """One process's use of the database for its flood limits: connections taken from the pool (one per
    exchange, each one transaction), statements, and the time they were held (waits for locks included)."""

    calls: int = 0
    statements: int = 0
    seconds: float = 0.0

    def watch(self, engine: Engine) -> None:
        def checkout(_dbapi: object, record: Any, _proxy: object) -> None:
            record.info["bench_out"] = time.perf_counter()
            self.calls += 1

        def checkin(_dbapi: object, record: Any) -> None:
            self.seconds += time.perf_counter() - record.info.pop("bench_out", time.perf_counter())

        def statement(*_args: object) -> None:
            self.statements += 1

        event.listen(engine.pool, "checkout", checkout)
        event.listen(engine.pool, "checkin", checkin)
        event.listen(engine, "before_cursor_execute", statement)


async def burst(
    base_url: str, plan: list[tuple[int, int]], limits: FloodLimits, ready: Any
) -> tuple[float, int]:
    """Send plan's (chat, messages) — chats at once, each chat's messages in order — once every user is
    ready; the seconds from then until the last answer, and how many sends failed on the network (sent
    again: a local HTTP server answering a hundred connections at once resets one now and then)."""
    request = HTTPXRequest(connection_pool_size=max(1, len(plan)), read_timeout=10, connect_timeout=10)
    failed = 0

    async def one_chat(bot: Bot, chat: int, count: int) -> None:
        nonlocal failed
        for k in range(count):
            while True:
                try:
                    async with limits.slot(chat):
                        await bot.send_message(chat, f"<b>경보 {k + 1}</b> · 대화 {chat}", parse_mode="HTML")
                    break
                except RetryAfter as exc:  # counted by the server; the bench waits it out like the notifier
                    await asyncio.sleep(retry_seconds(exc))
                except NetworkError:
                    failed += 1

    async with Bot(TOKEN, base_url=base_url, request=request) as bot:
        await asyncio.to_thread(ready.wait)
        began = time.monotonic()
        await asyncio.gather(*(one_chat(bot, chat, count) for chat, count in plan))
        return time.monotonic() - began, failed


def limiter_user(
    url: str, base_url: str, plan: list[tuple[int, int]], shared: bool, ready: Any, out: Any
) -> None:
    """One process: its own engine, event loop, bot and flood limits (shared, or its own)."""
    engine = limiter_engine(make_engine(url))  # as flood_limits() builds it
    limits: FloodLimits = SharedLimits(engine) if shared else Limits()
    exchange(engine, [], [], 0, "")  # connected, its statement compiled: a running daemon's limiter would be
    use = DbUse()
    use.watch(engine)
    wall, failed = asyncio.run(burst(base_url, plan, limits, ready))
    engine.dispose()
    out.put((wall, failed, use))


@contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    """A migrated throwaway schema of the database at `base`, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        rendered = url.render_as_string(hide_password=False)
        migrated = make_engine(rendered)
        migrate.upgrade(migrated)
        migrated.dispose()
        yield rendered
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def users_run(base: str, chats: list[int], users: int, shared: bool) -> dict[str, float]:
    """One burst (chat n gets n % 3 + 1 messages, as the delivery groups (1)'s alerts) by `users`
    processes, chats dealt out in turn."""
    plan = [(chat, n % 3 + 1) for n, chat in enumerate(chats)]
    spawn = multiprocessing.get_context("spawn")
    with postgres_schema(base) as url, FakeTelegram() as fake:
        for chat in chats:
            fake.add_chat(chat)
        ready, out = spawn.Barrier(users), spawn.Queue()
        processes = [
            spawn.Process(target=limiter_user, args=(url, fake.base_url, plan[k::users], shared, ready, out))
            for k in range(users)
        ]
        for process in processes:
            process.start()
        done = [collect(out, processes) for _ in processes]
        for process in processes:
            process.join()
        messages = sum(count for _, count in plan)
        return {
            "wall": max(wall for wall, _, _ in done),
            "optimum": lower_bound(fake, chats),
            "messages": messages,
            "sent": sum(1 for msg in fake.sent if msg.kind == "message"),
            "server_429": fake.rejected_429,
            "network_errors": sum(failed for _, failed, _ in done),
            "db_calls": sum(use.calls for _, _, use in done) / messages,
            "statements": sum(use.statements for _, _, use in done) / messages,
            "db_ms": 1000 * sum(use.seconds for _, _, use in done) / messages,
        }


def collect(out: Any, processes: list[Any]) -> tuple[float, int, DbUse]:
    """The next user's figures; a user that died without them stops the bench at once."""
    while True:
        with suppress(queue.Empty):
            figures: tuple[float, int, DbUse] = out.get(timeout=1)
            return figures
        if any(process.exitcode not in (None, 0) for process in processes):
            raise RuntimeError("a limiter user died: see its traceback above")


def users_report(title: str, runs: list[dict[str, float]]) -> None:
    def median(key: str) -> float:
        return statistics.median(run[key] for run in runs)

    ratios = sorted(run["optimum"] / run["wall"] for run in runs)
    print(f"{title}: {runs[0]['messages']:.0f} messages, {len(runs)} runs")
    print(
        f"  wall median {median('wall'):.2f} s, theoretical minimum {median('optimum'):.2f} s → "
        f"{statistics.median(ratios):.1%} of optimum (runs {', '.join(f'{r:.1%}' for r in ratios)})"
    )
    print(
        f"  sent {min(run['sent'] for run in runs):.0f}–{max(run['sent'] for run in runs):.0f}, "
        f"server 429s {sum(run['server_429'] for run in runs):.0f} in all runs (network errors, sent again: "
        f"{sum(run['network_errors'] for run in runs):.0f}); per message: "
        f"{median('db_calls'):.2f} database transactions, {median('statements'):.2f} statements, "
        f"{median('db_ms'):.2f} ms holding a connection"
    )


def shared_windows(base: str, chats: list[int], runs: int) -> None:
    users_report(
        "two processes, windows shared on PostgreSQL",
        [users_run(base, chats, 2, shared=True) for _ in range(runs)],
    )
    users_report(
        "reference: one process, in-process windows",
        [users_run(base, chats, 1, shared=False) for _ in range(runs)],
    )


def fresh_database(folder: str, name: str) -> sessionmaker[Session]:
    engine = make_engine(f"sqlite:///{Path(folder) / name}.sqlite3")
    migrate.upgrade(engine)
    return make_session_factory(engine)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--busy-group", type=int, default=0, metavar="N")
    parser.add_argument("--outage-minutes", type=float, default=10)
    parser.add_argument("--outage", action="store_true", help="run (2): minutes of wall time at full size")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("MONITOR_TEST_POSTGRES_URL"))
    parser.add_argument("--shared-runs", type=int, default=5, metavar="N")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the outage logs a warning per failed delivery
    if args.postgres and args.shared_runs:
        shared_windows(args.postgres, chat_ids(args.chats, args.groups), args.shared_runs)
    if not args.skip_throughput:
        throughput_mode(args)
    if args.outage:
        outage_mode(args)


def throughput_mode(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder, FakeTelegram() as fake:
        load = Load(chat_ids(args.chats, args.groups))
        for chat in [*load.chats, -30_000]:
            fake.add_chat(chat)
        sessions = fresh_database(folder, "throughput")
        enqueue(sessions, load, 1, args.alerts, datetime.now(UTC))
        if args.busy_group:
            busy_group(sessions, load, args.busy_group, datetime.now(UTC))
        wall = asyncio.run(throughput(sessions, fake, load))
        optimum = lower_bound(fake, load.chats)
        messages = sum(1 for msg in fake.sent if msg.kind == "message")
        print(f"throughput: {load.rows} alerts → {messages} messages to {len(load.chats)} chats")
        print(f"  wall {wall:.2f} s, theoretical minimum {optimum:.2f} s → {optimum / wall:.1%} of optimum")
        print(f"  {audit(sessions, fake, load)}")


def outage_mode(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder, FakeTelegram() as fake, ExitStack() as stack:
        load = Load(chat_ids(args.chats, args.groups))
        for chat in load.chats:
            fake.add_chat(chat)
        if args.postgres:
            sessions = make_session_factory(make_engine(stack.enter_context(postgres_schema(args.postgres))))
        else:
            sessions = fresh_database(folder, "outage")
        enqueue(sessions, load, 1, args.alerts, datetime.now(UTC))
        figures = asyncio.run(outage(sessions, fake, load, args.alerts, args.outage_minutes))
        where = "PostgreSQL, shared flood limits" if args.postgres else "SQLite"
        print(
            f"outage of {args.outage_minutes:g} simulated minutes (502 on every send), second wave half-way,"
            f" {where}:"
        )
        print(f"  {audit(sessions, fake, load)}")
        print("  " + ", ".join(f"{k} {v:.1f}" for k, v in figures.items()))
        sessions.kw["bind"].dispose()


if __name__ == "__main__":
    main()
