"""`monitor.daemon.replay` on the shipped seeds: the scope of one jurisdiction is resolved once and
covers the jurisdictions below it (광주광역시 covers 광주광역시 서구)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from monitor.daemon.replay import Message, replay
from monitor.rules import RuleConfig
from tests.factories import SEOUL

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
