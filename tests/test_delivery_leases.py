"""Delivery by several processes: each destination is served under its lease (`deliver:<destination>`), so
two senders on one database never send to one chat at once and keep each chat's order; a sender whose
lease ended while it was stopped (a jump of its clock) or was taken from it sends nothing more there and
leaves the rest to the new holder; a delivery longer than its lease keeps it by renewing; the delivery
timer waits for a lease another process holds. Real databases, the fake Bot API over real HTTP."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot

from monitor.db import leases
from monitor.db import models as m
from monitor.db.alerting import add_pending, pending_entry
from monitor.db.engine import make_engine
from monitor.notify.claims import lease_name
from monitor.notify.sender import RetryPolicy, Sender, SendStats, next_delivery
from monitor.telegram.limits import Limits
from monitor.telegram.notifier import TelegramNotifier
from monitor.vocab import Lang
from tests.factories import NOW, sessions_for
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.telegram_factories import alert_payload

SECOND_TOKEN = "123456:" + "B" * 35  # the second process's bot: how the fake tells the two apart
PLACES = {  # slug: (Korean name, English name, code in subjects)
    "daejeon": ("대전광역시", "Daejeon", "DJ"),
    "daegu": ("대구광역시", "Daegu", "DG"),
    "seoul": ("서울특별시", "Seoul", "SE"),
    "sejong": ("세종특별자치시", "Sejong", "SJ"),
    "gwangju": ("광주광역시", "Gwangju", "GJ"),
    "gwangju-seo": ("광주광역시 서구", "Seo-gu, Gwangju", "GS"),
}
CHAT = 8001


@dataclass(frozen=True)
class Request:
    chat: int
    holder: str
    started: float
    ended: float


class TaggedFake(FakeTelegram):
    """The fake Bot API, answering a second token as the first and noting which one sent each message and
    when its request began and ended."""

    def __init__(self, **options: bool | int) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.tagged: list[Request] = []

    def handle(self, path: str, content_type: str, body: bytes) -> tuple[int, bytes]:
        holder = "B" if SECOND_TOKEN in path else "A"
        started = time.monotonic()
        status, answer = super().handle(path.replace(SECOND_TOKEN, TOKEN), content_type, body)
        if path.lower().endswith("/sendmessage") and status == 200:
            chat = json.loads(answer)["result"]["chat"]["id"]
            self.tagged.append(Request(chat, holder, started, time.monotonic()))
        return status, answer


@pytest.fixture
def fake() -> Iterator[TaggedFake]:
    server = TaggedFake(limits=False)
    with server:
        for chat in range(CHAT, CHAT + 40):
            server.add_chat(chat)
        yield server
        assert server.internal_errors == []


@pytest.fixture
def second_engine(db_url: str, sessions: sessionmaker[Session]) -> Iterator[Engine]:
    """Another process's connection pool on the same (migrated) database."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def subject_of(chat: int, wave: int, place: str, k: int) -> str:
    return f"S{chat}W{wave}{PLACES[place][2]}K{k:02d}"  # fixed length: no subject is a prefix of another


def queue_alerts(
    sessions: sessionmaker[Session], chats: range, wave: int, per_place: dict[str, int], at: datetime
) -> None:
    """Outbox rows as a pass writes them: per chat, each place's alerts (one batch per chat and place)."""
    with sessions.begin() as session:
        for chat in chats:
            for place, count in per_place.items():
                ko, en, _ = PLACES[place]
                for k in range(count):
                    subject = subject_of(chat, wave, place, k)
                    payload = alert_payload(
                        subject, jurisdiction=place, jurisdiction_ko=ko, jurisdiction_en=en
                    )
                    destination = f"telegram:{chat}"
                    key = f"{subject}#1@{destination}"
                    add_pending(session, pending_entry(key, payload.key, destination, place, payload, at))


def rows(sessions: sessionmaker[Session], chat: int | None = None) -> list[m.OutboxEntry]:
    with sessions() as session:
        query = select(m.OutboxEntry).order_by(m.OutboxEntry.id)
        if chat is not None:
            query = query.where(m.OutboxEntry.destination == f"telegram:{chat}")
        return list(session.scalars(query))


def ko(chat: int) -> Lang:
    return "ko"


def real_clock() -> datetime:
    return datetime.now(UTC)


async def deliver_once(
    sessions: sessionmaker[Session],
    fake: FakeTelegram,
    clock: Callable[[], datetime],
    holder: str,
    *,
    lease: timedelta = timedelta(seconds=30),
    chat_interval: float = 0.001,
    token: str = TOKEN,
) -> SendStats:
    async with Bot(token, base_url=fake.base_url) as bot:
        notifier = TelegramNotifier(bot, Limits(overall_per_second=1000, chat_interval=chat_interval), ko)
        sender = Sender(sessions, {"telegram:": notifier}, clock, RetryPolicy(lease=lease), holder=holder)
        return await sender.deliver_due()


def run_process(
    sessions: sessionmaker[Session], fake: FakeTelegram, holder: str, token: str, finished: threading.Event
) -> None:
    """One daemon's delivery loop, in its own thread and event loop, until told to finish."""

    async def loop() -> None:
        async with Bot(token, base_url=fake.base_url) as bot:
            limits = Limits(overall_per_second=1000, chat_interval=0.3)
            notifier = TelegramNotifier(bot, limits, ko)
            policy = RetryPolicy(lease=timedelta(seconds=20))
            sender = Sender(sessions, {"telegram:": notifier}, real_clock, policy, limit=10, holder=holder)
            while not finished.is_set():
                await sender.deliver_due()
                await asyncio.sleep(0.02)

    asyncio.run(loop())


def texts_by_chat(fake: FakeTelegram) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for message in fake.sent:
        found[message.chat_id].append(fake.visible_text(message))
    return found


def test_two_senders_share_a_backlog_each_chat_served_by_one_at_a_time_in_order(
    sessions: sessionmaker[Session], second_engine: Engine, fake: TaggedFake
) -> None:
    long, short = range(CHAT, CHAT + 4), range(CHAT + 4, CHAT + 40)
    queue_alerts(sessions, long, 1, dict.fromkeys(PLACES, 1), real_clock())  # six messages each
    queue_alerts(sessions, short, 1, {"daejeon": 2}, real_clock())
    finished = threading.Event()
    processes = [
        threading.Thread(target=run_process, args=(sessions, fake, "A", TOKEN, finished)),
        threading.Thread(
            target=run_process, args=(sessions_for(second_engine), fake, "B", SECOND_TOKEN, finished)
        ),
    ]
    for process in processes:
        process.start()
    try:
        assert fake.wait_for(lambda: len(fake.sent) >= 10, timeout=30)
        # Written while the long chats are being sent to: the other process must not take them up.
        queue_alerts(sessions, long, 2, {"daegu": 1}, real_clock())
        assert fake.wait_for(lambda: all(row.state != "pending" for row in rows(sessions)), timeout=60)
    finally:
        finished.set()
        for process in processes:
            process.join(timeout=30)
    assert {row.state for row in rows(sessions)} == {"sent"}
    by_chat = texts_by_chat(fake)
    for chat in range(CHAT, CHAT + 40):
        texts = by_chat[chat]
        ids = {row.payload["subject"]: row.id for row in rows(sessions, chat)}
        assert len(ids) == (7 if chat in long else 2)
        for subject in ids:  # every row exactly once
            assert sum(subject in text for text in texts) == 1, (chat, subject)
        firsts = [min(ids[s] for s in ids if s in text) for text in texts]
        assert firsts == sorted(firsts), chat  # the chat's order, whichever process sent
        requests = sorted((r for r in fake.tagged if r.chat == chat), key=lambda r: r.started)
        runs = [list(run) for _, run in itertools.groupby(requests, key=lambda r: r.holder)]
        assert len(runs) <= 2, (
            chat,
            [r.holder for r in requests],
        )  # the first wave, maybe another for the second
        if len(runs) == 2:
            assert runs[1][0].started >= runs[0][-1].ended  # never both at once
    assert {r.holder for r in fake.tagged} == {"A", "B"}  # both processes did deliver


class JumpingClock:
    """A process's clock that jumps past its lease once `jump_when()` holds — what a process stopped with
    SIGSTOP sees when it resumes."""

    def __init__(self, start: datetime, by: timedelta, jump_when: Callable[[], bool]) -> None:
        self.start, self.by, self.jump_when = start, by, jump_when

    def __call__(self) -> datetime:
        return self.start + self.by if self.jump_when() else self.start


def test_a_sender_stopped_past_its_lease_sends_nothing_more_there_and_the_next_holder_sends_the_rest(
    sessions: sessionmaker[Session], fake: TaggedFake
) -> None:
    queue_alerts(sessions, range(CHAT, CHAT + 1), 1, {"daejeon": 90, "daegu": 2}, NOW)  # parts, then one
    lease = timedelta(seconds=30)
    stalled = JumpingClock(NOW, lease + timedelta(seconds=1), lambda: len(fake.sent) >= 1)
    first = asyncio.run(deliver_once(sessions, fake, stalled, "A", lease=lease))
    (part,) = texts_by_chat(fake)[CHAT]  # stopped after the first part of the first message
    assert part.splitlines()[0].endswith(" (1/2)")
    sent = [row for row in rows(sessions) if row.state == "sent"]
    assert len(sent) == first.sent and all(row.payload["subject"] in part for row in sent)
    left = [row for row in rows(sessions) if row.state == "pending"]
    assert len(left) == first.withdrawn == 92 - first.sent
    assert {row.attempts for row in left} == {0} and {row.claim_token for row in left} == {None}
    later = NOW + lease + timedelta(seconds=1)
    second = asyncio.run(deliver_once(sessions, fake, lambda: later, "B"))
    assert second.sent == len(left) and second.withdrawn == 0
    texts = texts_by_chat(fake)[CHAT]
    for row in rows(sessions):
        assert row.state == "sent"
        assert sum(row.payload["subject"] in text for text in texts) == 1


def test_a_sender_whose_lease_was_taken_stops_at_its_next_renewal(
    sessions: sessionmaker[Session], fake: TaggedFake
) -> None:
    queue_alerts(sessions, range(CHAT, CHAT + 1), 1, {"daejeon": 1, "daegu": 1, "seoul": 1}, NOW)
    # Renewed every second; the chat's messages go 1.5 s apart; the known end (less a quarter) is 2.25 s
    # away: only the failed renewal can stop the second message.
    lease = timedelta(seconds=3)

    def thief() -> None:
        assert fake.wait_for(lambda: len(fake.sent) >= 1)
        with sessions.begin() as session:  # another process, whose clock is past A's lease
            taken = leases.take(
                session, [lease_name(f"telegram:{CHAT}")], "B", real_clock() + lease * 2, lease
            )
            assert taken

    stealing = threading.Thread(target=thief)
    stealing.start()
    stats = asyncio.run(deliver_once(sessions, fake, real_clock, "A", lease=lease, chat_interval=1.5))
    stealing.join()
    assert len(fake.sent) == 1 and stats.sent == 1 and stats.withdrawn == 2


def test_a_delivery_longer_than_its_lease_keeps_it_by_renewing(
    sessions: sessionmaker[Session], fake: TaggedFake
) -> None:
    queue_alerts(sessions, range(CHAT, CHAT + 1), 1, {"daejeon": 1, "daegu": 1, "seoul": 1}, NOW)
    lease = timedelta(seconds=0.6)
    stats = asyncio.run(deliver_once(sessions, fake, real_clock, "A", lease=lease, chat_interval=0.5))
    assert stats.sent == 3 and stats.withdrawn == 0  # over a second of sending under a 0.6 s lease
    with sessions() as session:
        assert leases.holders(session, "deliver:", real_clock()) == {}  # released when done


def test_a_destination_another_process_holds_waits_for_its_lease(
    sessions: sessionmaker[Session], fake: TaggedFake
) -> None:
    queue_alerts(sessions, range(CHAT, CHAT + 2), 1, {"daejeon": 1}, NOW)
    held_until = NOW + timedelta(seconds=30)
    with sessions.begin() as session:
        leases.take(session, [lease_name(f"telegram:{CHAT}")], "other", NOW, timedelta(seconds=30))
    stats = asyncio.run(deliver_once(sessions, fake, lambda: NOW, "A"))
    assert stats.sent == 1 and [message.chat_id for message in fake.sent] == [CHAT + 1]
    with sessions() as session:
        assert next_delivery(session) == held_until  # not now: that would spin the delivery loop
    assert asyncio.run(deliver_once(sessions, fake, lambda: held_until, "A")).sent == 1
    assert [message.chat_id for message in fake.sent] == [CHAT + 1, CHAT]
