"""`monitor report card CODE`: one commitment's 공약관리카드 — milestones, history, revisions, states."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from monitor.reports import CardReport, build_report
from monitor.seeds import load_seeds
from tests.factories import NOW, SEOUL, copy_seeds, load_shipped_seeds, log, migrated_engine, sessions_for


@pytest.fixture
def seeded_sqlite(sqlite_url: str) -> Iterator[sessionmaker[Session]]:
    """The shipped seeds on SQLite only: for behaviour the database does not change."""
    engine = migrated_engine(sqlite_url)
    sessions = sessions_for(engine)
    load_shipped_seeds(sessions)
    yield sessions
    engine.dispose()


def _card(sessions: sessionmaker[Session], code: str, at: datetime) -> CardReport:
    with sessions() as session:
        report = build_report(session, "card", code=code, as_of=at, tz=SEOUL, lang="ko")
    assert isinstance(report, CardReport)
    return report


def _history(sessions: sessionmaker[Session]) -> None:
    """Three reports on 청년주택 5,000호 공급 (DJ-9-3): a value, its correction, an official status."""
    first = NOW - timedelta(days=3)
    log(
        sessions, "DJ-9-3.youth-housing", first, value=Decimal(1200), as_of=date(2026, 11, 1), by="청년정책과"
    )
    log(
        sessions,
        "DJ-9-3.youth-housing",
        first + timedelta(days=1),
        value=Decimal(1100),
        as_of=date(2026, 11, 1),
        correction=True,
        note="집계 오류 정정",
        by="청년정책과",
    )
    log(
        sessions,
        "DJ-9-3",
        first + timedelta(days=2),
        status="정상추진",
        evidence=["https://daejeon.example/card"],
        by="기획조정실",
    )


def test_card_history_in_order_with_the_correction_linked_both_ways(seeded: sessionmaker[Session]) -> None:
    _history(seeded)
    card = _card(seeded, "dj-9-3", NOW)
    assert (card.code, card.title, card.official_status_label) == (
        "DJ-9-3",
        "청년주택 5,000호 공급",
        "정상추진",
    )
    assert [(e.type, e.what, e.reporter) for e in card.history] == [
        ("progress", "1,200호", "청년정책과"),
        ("progress", "1,100호", "청년정책과"),
        ("status", "공식 상태: 정상추진", "기획조정실"),
    ]
    wrong, fixed, status = card.history
    assert (fixed.corrects, wrong.corrected_by) == (wrong.ref, [fixed.ref])
    assert status.evidence == ["https://daejeon.example/card"] and status.channel == "cli"
    [housing] = card.milestones
    assert (housing.code, housing.target, housing.reported) == ("DJ-9-3.youth-housing", "5,000호", "1,100호")
    assert (housing.due_day, housing.countdown.label) == ("2030-06-30", "D-1316")
    assert [code for code, _ in card.children] == ["DJ-9-3-1", "DJ-9-3-2", "DJ-9-3-3"]


def test_card_as_of_before_the_correction_shows_what_was_on_record(
    seeded_sqlite: sessionmaker[Session],
) -> None:
    _history(seeded_sqlite)
    card = _card(seeded_sqlite, "DJ-9-3", NOW - timedelta(days=2, hours=12))
    [only] = card.history
    assert (only.what, only.corrected_by) == ("1,200호", [])
    assert card.milestones[0].reported == "1,200호"
    assert card.official_status is None and card.official_status_label == "미보고"


def test_card_shows_rule_states_and_milestones_of_an_agreement_area(
    seeded_sqlite: sessionmaker[Session],
) -> None:
    card = _card(seeded_sqlite, "SEOUL-SEJONG-2023-5", NOW)
    assert card.parties == ["seoul", "sejong"]
    assert [(s.subject, s.condition) for s in card.states] == [
        ("SEOUL-SEJONG-2023-5", "stale"),
        ("SEOUL-SEJONG-2023-5.sejong-expo-2025", "overdue"),
        ("SEOUL-SEJONG-2023-5.seoul-expo-2024", "overdue"),
    ]
    assert [m.states for m in card.milestones] == [["기한 초과"], ["기한 초과"]]
    assert [m.countdown.label for m in card.milestones] == ["690일 지남", "325일 지남"]


def test_card_lists_target_revisions_made_by_seed_reloads(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    seeds = copy_seeds(tmp_path)
    load_seeds(sessions, [seeds], SEOUL, NOW)
    path = seeds / "daejeon-2026-pledges.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("target: 5000, unit: 호, due: 2030-06-30", "target: 5000, unit: 호, due: 2029-12-31")
    )
    load_seeds(sessions, [seeds], SEOUL, NOW + timedelta(days=1))
    assert _card(sessions, "DJ-9-3", NOW + timedelta(hours=1)).revisions == []
    [revision] = _card(sessions, "DJ-9-3", NOW + timedelta(days=2)).revisions
    assert (revision.milestone, revision.field, revision.old, revision.new) == (
        "DJ-9-3.youth-housing",
        "due_date",
        "2030-06-30",
        "2029-12-31",
    )
    assert revision.field_label == "기한"
