"""`monitor.daemon.replay` on the shipped seeds: the scope of one jurisdiction is resolved once and
covers the jurisdictions below it (광주광역시 covers 광주광역시 서구)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from monitor.daemon.replay import Message, replay
from monitor.rules import RuleConfig
from tests.factories import SEOUL, run_cli

DAY = timedelta(days=1)
START = datetime(2026, 11, 30, tzinfo=SEOUL)


def _replay(sessions: sessionmaker[Session], jurisdiction: str | None) -> list[Message]:
    with sessions() as session:
        return list(replay(session, RuleConfig(tz=SEOUL), 7 * DAY, START, START + 2 * DAY, DAY, jurisdiction))


def _sent(messages: list[Message]) -> list[tuple[datetime, str, str]]:
    return [(m.at, n.event, n.payload.subject) for m in messages for n in m.notifications]


def test_replay_of_a_city_covers_its_districts(seeded: sessionmaker[Session]) -> None:
    district = _replay(seeded, "gwangju-seo")
    city = _replay(seeded, "gwangju")
    assert _sent(city) == _sent(district) and len(_sent(city)) > 50
    assert {m.jurisdiction for m in city} == {"gwangju"}  # grouped under the jurisdiction asked for
    # the budget years already past and unreported fire at the first step
    assert city[0].at == START and {n.payload.rule for n in city[0].notifications} == {"budget"}
    everything = _sent(_replay(seeded, None))
    assert set(_sent(city)) < set(everything)


def test_replay_heads_each_message_with_its_minute_and_the_place_by_name(db_url: str) -> None:
    assert run_cli(["init"], db_url).exit_code == 0
    args = ["replay", "--from", "2023-01-07", "--to", "2023-01-09"]
    korean = run_cli([*args, "--jurisdiction", "daegu"], db_url)
    assert korean.exit_code == 0, korean.output
    assert korean.stdout.splitlines()[0] == "2023-01-08 00:00 대구광역시 — 알림 14건"
    english = run_cli(["--lang", "en", *args], db_url).stdout
    heads = [line for line in english.splitlines() if not line.startswith("  ")]
    assert heads == [
        "2023-01-07 00:00 Seo-gu (Gwangju) — 21 notifications",
        "2023-01-08 00:00 Daegu Metropolitan City — 14 notifications",
        "2 messages, 35 notifications",
    ]
    city = run_cli([*args, "--jurisdiction", "gwangju"], db_url).stdout  # the district, under its city
    assert city.splitlines()[0] == "2023-01-07 00:00 광주광역시 — 알림 21건" and "gwangju" not in city
