"""Benchmark: Telegram delivery against the fake Bot API enforcing Telegram's flood limits.

1. Throughput: ALERTS notifications over CHATS chats (GROUPS of them groups), grouped into one message per
   chat and jurisdiction, delivered by the daemon's sender and Telegram notifier. Wall time is compared
   with the theoretical minimum under the server's limits (30/s overall, 1/s per chat, 20/min per group,
   strict sliding windows); lost, duplicated and server-rejected (429) counts should be 0.
   `--busy-group N` adds one group that gets N messages, to exercise the per-minute window.
2. Outage: the same load while the server answers every send with 502 for OUTAGE minutes (a second wave
   is queued half-way), then recovery. Time is simulated for the sender's backoff (the virtual clock
   jumps to the next retry), the HTTP traffic and flood limits are real. Reported: everything delivered,
   duplicates, chats whose messages arrived out of order, and how long after recovery the last arrived.

Run: .venv/bin/python bench/telegram_delivery.py [--alerts 1000] [--chats 100] [--groups 20] [--outage-minutes 10]
Timings are figures for the closing notes, never test outcomes.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot

from monitor.db import migrate
from monitor.db import models as m
from monitor.db.alerting import pending_entry
from monitor.db.engine import make_engine, make_session_factory
from monitor.notify.sender import RetryPolicy, Sender, next_delivery
from monitor.telegram.limits import Limits
from monitor.telegram.notifier import TelegramNotifier
from monitor.telegram.service import application
from tests.fake_telegram import FakeTelegram
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


def telegram_sender(sessions: sessionmaker[Session], bot: Bot, clock: Clock, limits: Limits) -> Sender:
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
    # second: failing attempts go through loose limits; from the recovery on, the real limits apply.
    sender = telegram_sender(sessions, app.bot, clock, Limits())
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
    parser.add_argument("--skip-outage", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the outage logs a warning per failed delivery
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
    if args.skip_outage:
        return
    with tempfile.TemporaryDirectory() as folder, FakeTelegram() as fake:
        load = Load(chat_ids(args.chats, args.groups))
        for chat in load.chats:
            fake.add_chat(chat)
        sessions = fresh_database(folder, "outage")
        enqueue(sessions, load, 1, args.alerts, datetime.now(UTC))
        figures = asyncio.run(outage(sessions, fake, load, args.alerts, args.outage_minutes))
        print(
            f"outage of {args.outage_minutes:g} simulated minutes (502 on every send), second wave half-way:"
        )
        print(f"  {audit(sessions, fake, load)}")
        print("  " + ", ".join(f"{k} {v:.1f}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
