"""`monitor report digest`: new, ongoing and resolved overdue targets between two instants, what falls
due next, and the progress entered in between — on the shipped seeds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from monitor.reports import DigestReport, build_report, render
from monitor.reports.digest import DigestItem
from tests.factories import NOW, SEOUL, load_shipped_seeds, log, migrated_engine, sessions_for


@pytest.fixture
def seeded_sqlite(sqlite_url: str) -> Iterator[sessionmaker[Session]]:
    """The shipped seeds on SQLite only: for behaviour the database does not change."""
    engine = migrated_engine(sqlite_url)
    sessions = sessions_for(engine)
    load_shipped_seeds(sessions)
    yield sessions
    engine.dispose()


DAEGU_2022 = [f"DG-2022-{n:02}.done" for n in range(1, 15)]
SEOUL_EXPO, SEJONG_EXPO = "SEOUL-SEJONG-2023-5.seoul-expo-2024", "SEOUL-SEJONG-2023-5.sejong-expo-2025"


def _digest(
    sessions: sessionmaker[Session],
    at: datetime,
    since: datetime | None = None,
    days: int = 30,
    jurisdiction: str | None = None,
) -> DigestReport:
    with sessions() as session:
        report = build_report(
            session,
            "digest",
            as_of=at,
            tz=SEOUL,
            lang="ko",
            since=since,
            days=days,
            jurisdiction=jurisdiction,
        )
    assert isinstance(report, DigestReport)
    return report


def _codes(items: list[DigestItem]) -> list[str]:
    return [item.code for item in items]


def test_digest_splits_overdue_into_new_and_ongoing_and_lists_what_was_resolved(
    seeded: sessionmaker[Session],
) -> None:
    previous = datetime(2025, 12, 1, tzinfo=UTC)  # before the Sejong expo (due 2025-12-31) was overdue
    log(
        seeded,
        "DG-2022-01.done",
        NOW + timedelta(days=1),
        status="done",
        evidence=["https://daegu.example/01"],
    )
    report = _digest(seeded, NOW + timedelta(days=2), since=previous)
    assert _codes(report.new_overdue) == [SEJONG_EXPO]
    assert _codes(report.ongoing_overdue) == [*DAEGU_2022[1:], SEOUL_EXPO]
    assert _codes(report.resolved) == ["DG-2022-01.done"]
    assert "완료" in report.resolved[0].reason
    # Due 2025-12-31, i.e. at 2026-01-01 00:00 KST: 327 whole days before 2026-11-24 12:00 KST.
    sejong = report.new_overdue[0]
    assert sejong.countdown is not None and sejong.countdown.label == "327일 지남"
    assert "327일 넘김" in sejong.reason and sejong.countdown.tone == "late"
    assert report.since == previous and report.days == 30


def test_digest_as_of_before_the_report_still_shows_it_overdue(seeded_sqlite: sessionmaker[Session]) -> None:
    log(seeded_sqlite, "DG-2022-01.done", NOW + timedelta(days=1), status="done")
    report = _digest(seeded_sqlite, NOW + timedelta(hours=12))
    assert report.new_overdue == [] and report.resolved == []
    assert _codes(report.ongoing_overdue) == [*DAEGU_2022, SEOUL_EXPO, SEJONG_EXPO]
    assert report.progress == []


def test_digest_lists_targets_due_in_the_next_days_with_a_countdown(
    seeded_sqlite: sessionmaker[Session],
) -> None:
    assert _digest(seeded_sqlite, NOW, days=30).due_soon == []
    log(seeded_sqlite, "SEOGU-1-1.2026", NOW, executed=Decimal(400))
    report = _digest(seeded_sqlite, NOW + timedelta(minutes=1), days=45, jurisdiction="gwangju-seo")
    # The 2026 column (due 2026-12-31) of every line of the table but the one already executed.
    assert len(report.due_soon) == 54 and "SEOGU-1-1.2026" not in _codes(report.due_soon)
    first = report.due_soon[0]
    assert first.countdown is not None
    assert (first.due_day, first.countdown.label, first.countdown.tone) == ("2026-12-31", "D-39", "later")


def test_digest_recent_progress_has_reports_entered_since_with_evidence(
    seeded: sessionmaker[Session],
) -> None:
    log(
        seeded, "DJ-9-3.youth-housing", NOW - timedelta(days=10), value=Decimal(100), as_of=date(2026, 11, 12)
    )
    log(
        seeded,
        "DJ-9-3.youth-housing",
        NOW - timedelta(days=1),
        value=Decimal(250),
        evidence=["https://daejeon.example/housing"],
        note="2차 입주",
        by="청년정책과",
    )
    log(seeded, "DG-2022-02.done", NOW - timedelta(days=1), status="done")
    report = _digest(seeded, NOW, jurisdiction="daejeon")
    [entry] = report.progress
    assert (entry.code, entry.what, entry.reporter) == ("DJ-9-3.youth-housing", "250호", "청년정책과")
    assert entry.evidence == ["https://daejeon.example/housing"] and entry.note == "2차 입주"
    wider = _digest(seeded, NOW, since=NOW - timedelta(days=11))
    assert [e.what for e in wider.progress] == ["100호", "250호", "완료"]  # by date, then as entered


def test_digest_of_one_party_includes_the_agreement_it_signed(seeded_sqlite: sessionmaker[Session]) -> None:
    report = _digest(seeded_sqlite, NOW, jurisdiction="sejong")
    assert _codes(report.ongoing_overdue) == [SEOUL_EXPO, SEJONG_EXPO]
    assert report.header.jurisdiction_name == "세종특별자치시"


def test_digest_of_a_city_covers_its_districts_and_says_so(seeded_sqlite: sessionmaker[Session]) -> None:
    log(seeded_sqlite, "SEOGU-1-1.2026", NOW, executed=Decimal(400))
    at = NOW + timedelta(minutes=1)
    district = _digest(seeded_sqlite, at, since=NOW - timedelta(days=1), days=45, jurisdiction="gwangju-seo")
    city = _digest(seeded_sqlite, at, since=NOW - timedelta(days=1), days=45, jurisdiction="gwangju")
    assert len(city.due_soon) == 54 and _codes(city.due_soon) == _codes(district.due_soon)
    assert [e.code for e in city.progress] == ["SEOGU-1-1.2026"]
    assert city.header.jurisdictions == ("gwangju", "gwangju-seo")
    assert city.header.jurisdiction_name == "광주광역시 (광주광역시 서구 포함)"
    assert district.header.jurisdictions == ("gwangju-seo",)
    assert district.header.jurisdiction_name == "광주광역시 서구"
    assert "광주광역시 (광주광역시 서구 포함)" in render(city, "md").decode()
