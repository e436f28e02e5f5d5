"""The daemon with a bot token, as a real process against the fake Bot API: a group admin subscribes, the
group gets exactly one grouped alert, an official's confirmed /log brings the resolved notice, an
outsider is refused; killed with SIGKILL mid-delivery and restarted, every alert arrives and only the
batch in flight at the kill arrives twice."""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import models as m
from tests.daemon_process import DaemonProcess, daemon_env, event_seed, monitor
from tests.factories import SEEDS
from tests.fake_telegram import TOKEN, FakeTelegram, SentMessage
from tests.telegram_factories import ADMIN, GROUP, MEMBER, OFFICIAL, OUTSIDER, subscribe

HEADING = "[공약 이행 모니터]"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        server.add_chat(GROUP, title="시험시 감시단")
        server.set_member(GROUP, ADMIN, "administrator")
        server.set_member(GROUP, MEMBER, "member")
        for user in (ADMIN, OFFICIAL, OUTSIDER):
            server.add_chat(user)
        yield server
        assert server.internal_errors == []


def outbox(sessions: sessionmaker[Session]) -> list[m.OutboxEntry]:
    with sessions() as session:
        return list(session.scalars(select(m.OutboxEntry).order_by(m.OutboxEntry.id)))


def telegram_env(db_url: str, folder: Path, fake: FakeTelegram, **settings: str) -> dict[str, str]:
    defaults = {"telegram_timeout": "3s", "poll_interval": "0.2s", "group_wait": "0s"}
    return daemon_env(
        db_url, folder, telegram_token=TOKEN, telegram_base_url=fake.base_url, **(defaults | settings)
    )


def wait_until(done: Callable[[], bool], what: str, daemon: DaemonProcess, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline or daemon.process.poll() is not None:
            raise AssertionError(f"{what}: not within {timeout}s\n{daemon.log}")
        time.sleep(0.05)


def said(fake: FakeTelegram, chat: int, text: str, user: int, daemon: DaemonProcess) -> SentMessage:
    """A user writes to the bot; the bot's next message in that chat."""
    before = len(fake.messages_to(chat))
    fake.push_message(user, chat, text, first_name="Kim")
    wait_until(lambda: len(fake.messages_to(chat)) > before, f"an answer to {text!r}", daemon, 15)
    return fake.messages_to(chat)[before]


def alerts(fake: FakeTelegram, chat: int) -> list[str]:
    texts = (fake.visible_text(msg) for msg in fake.messages_to(chat, "message"))
    return [text for text in texts if text.startswith(HEADING)]


def test_a_subscribed_group_gets_one_grouped_alert_and_the_resolved_notice_after_an_officials_log(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path, fake: FakeTelegram
) -> None:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=20)
    seeds = event_seed(tmp_path / "seeds", start, start + timedelta(seconds=1))
    env = telegram_env(db_url, tmp_path, fake, seeds_dir=str(seeds), event_grace="2s")
    monitor(env, tmp_path, "init")
    monitor(
        env, tmp_path, "officials", "add", str(OFFICIAL), "--jurisdiction", "testcity", "--name", "시험시청"
    )
    daemon = DaemonProcess(env, tmp_path)
    try:
        wait_until(lambda: ("default", "") in fake.command_sets, "setMyCommands", daemon)
        # The event's reminder fires at the start-up pass: subscribe after it, or the race decides who gets it
        wait_until(lambda: "monitor.daemon.detect: 마일스톤" in daemon.log, "the start-up pass", daemon)
        refused = said(fake, GROUP, "/subscribe testcity", MEMBER, daemon)
        assert "관리자" in fake.visible_text(refused)
        subscribed = said(fake, GROUP, "/subscribe testcity", ADMIN, daemon)
        assert "testcity" in fake.visible_text(subscribed) or "시험시" in fake.visible_text(subscribed)

        wait_until(lambda: bool(alerts(fake, GROUP)), "the unconfirmed-event alert", daemon)
        time.sleep(1.5)  # anything else the daemon would (wrongly) send now has time to arrive
        (alert,) = alerts(fake, GROUP)
        assert alert.startswith(f"{HEADING} 시험시 — ") and "개최 미확인" in alert and "T-1.signing" in alert

        outsider = said(fake, OUTSIDER, "/log T-1.signing held", OUTSIDER, daemon)
        assert "등록된 담당 공무원만" in fake.visible_text(outsider)
        asked = said(fake, OFFICIAL, "/log T-1.signing held 협약 체결 완료", OFFICIAL, daemon)
        assert asked.reply_markup is not None and len(alerts(fake, GROUP)) == 1  # nothing written yet
        confirm = asked.reply_markup["inline_keyboard"][0][0]["callback_data"]
        fake.push_callback(OFFICIAL, OFFICIAL, asked.message_id, confirm)
        wait_until(lambda: len(alerts(fake, GROUP)) == 2, "the resolved notice", daemon)
        assert "해결" in alerts(fake, GROUP)[1]
        assert daemon.terminate() == 0
    finally:
        daemon.kill()
    assert "Traceback" not in daemon.log
    group_rows = [row for row in outbox(sessions) if row.destination == f"telegram:{GROUP}"]
    assert [row.state for row in group_rows] == ["sent", "sent"]
    monitor_ids = [
        msg.message_id for msg in fake.messages_to(GROUP) if fake.visible_text(msg).startswith(HEADING)
    ]
    assert [row.delivery["message_ids"][0] for row in group_rows] == monitor_ids
    attempts = monitor(env, tmp_path, "officials", "attempts", "--refused", "--format", "json").stdout
    refusals = {(a["user_id"], a["command"]) for a in json.loads(attempts)}
    assert refusals == {(OUTSIDER, "log"), (MEMBER, "subscribe")}


def test_after_sigkill_mid_delivery_a_restart_delivers_everything_and_repeats_only_the_batch_in_flight(
    db_url: str, seeded: sessionmaker[Session], tmp_path: Path, fake: FakeTelegram
) -> None:
    readers = list(range(9001, 9007))
    for chat in readers:
        fake.add_chat(chat)
        subscribe(seeded, chat)  # to everything
    env = telegram_env(db_url, tmp_path, fake, seeds_dir=str(SEEDS), delivery_lease="2s")
    fake.set_delay(0.3, "sendMessage")
    first = DaemonProcess(env, tmp_path)
    try:
        wait_until(lambda: len(fake.messages_to(readers[0])) >= 3, "deliveries under way", first, 60)
    finally:
        first.kill()  # SIGKILL: no clean-up, leases left behind
    states = {row.state for row in outbox(seeded) if row.destination.startswith("telegram:")}
    assert states == {"sent", "pending"}, "the kill should land mid-delivery"
    fake.set_delay(0, "sendMessage")

    second = DaemonProcess(env, tmp_path)
    try:
        wait_until(lambda: all(row.state == "sent" for row in outbox(seeded)), "every row sent", second, 90)
        assert second.terminate() == 0
    finally:
        second.kill()
    assert "Traceback" not in second.log
    for chat in readers:
        in_flight = _unrecorded_batches(
            fake, chat, [r for r in outbox(seeded) if r.destination == f"telegram:{chat}"]
        )
        assert len(in_flight) <= 1, f"chat {chat}: more than the batch in flight was sent twice: {in_flight}"


def _unrecorded_batches(fake: FakeTelegram, chat: int, rows: list[m.OutboxEntry]) -> set[str]:
    """Headings of messages Telegram got but no outbox row records (sent before the kill, recorded never).
    Each recorded message appears once."""
    recorded: dict[int, str] = {}
    for row in rows:
        for message_id in row.delivery["message_ids"]:
            recorded[message_id] = row.group_key
    got = fake.messages_to(chat, "message")
    assert set(recorded) <= {msg.message_id for msg in got}
    unrecorded: defaultdict[str, list[int]] = defaultdict(list)
    for msg in got:
        if msg.message_id not in recorded:
            heading = re.sub(r" \(\d+/\d+\)$", "", fake.visible_text(msg).splitlines()[0])
            unrecorded[heading].append(msg.message_id)
    # Every group (jurisdiction) the chat was sent was recorded exactly once, in one delivery.
    deliveries = {(row.group_key, tuple(row.delivery["message_ids"])) for row in rows}
    assert len(deliveries) == len({group for group, _ in deliveries})
    return set(unrecorded)
