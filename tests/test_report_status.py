"""`monitor report status`: the Korean evaluation table, checked against the shipped seeds by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from monitor.reports import StatusReport, build_report
from monitor.reports.status import StatusRow
from tests.factories import NOW, SEOUL, load_shipped_seeds, log, migrated_engine, sessions_for


@pytest.fixture
def seeded_sqlite(sqlite_url: str) -> Iterator[sessionmaker[Session]]:
    """The shipped seeds on SQLite only: for behaviour the database does not change."""
    engine = migrated_engine(sqlite_url)
    sessions = sessions_for(engine)
    load_shipped_seeds(sessions)
    yield sessions
    engine.dispose()


def _status(
    sessions: sessionmaker[Session], at: datetime = NOW, jurisdiction: str | None = None
) -> StatusReport:
    with sessions() as session:
        report = build_report(session, "status", as_of=at, tz=SEOUL, lang="ko", jurisdiction=jurisdiction)
    assert isinstance(report, StatusReport)
    return report


def _row(report: StatusReport, place: str, category: str | None = None) -> StatusRow:
    return next(
        r
        for r in report.rows
        if r.jurisdiction == place and (r.is_total if category is None else r.category == category)
    )


def test_status_table_counts_official_statuses_and_unreported_pledges(seeded: sessionmaker[Session]) -> None:
    log(seeded, "DJ-9-3", NOW, status="정상추진")
    log(seeded, "DJ-9-2", NOW, status="완료")
    log(seeded, "DJ-9-1", NOW, status="이행 후 계속 추진")
    log(seeded, "DJ-1-1", NOW, status="보류")
    report = _status(seeded, NOW + timedelta(hours=1), "daejeon")
    # Daejeon: 34 pledges + 3 flagships + the 7 areas of the Seoul–Daejeon agreement (it counts for both).
    total = _row(report, "daejeon")
    assert (total.pledges, total.agendas, total.agreements) == (37, 0, 7)  # counted apart, never 44 "공약"
    assert total.statuses == {
        "done": 1,
        "continuing": 1,
        "on_track": 1,
        "partial": 0,
        "on_hold": 1,
        "dropped": 0,
        "unreported": 40,
    }
    assert total.completion_rate == Decimal("0.0455")  # (완료 1 + 이행후 계속추진 1) / 44
    youth = _row(report, "daejeon", "청년·교육")
    assert (youth.pledges, youth.statuses["done"], youth.statuses["unreported"]) == (5, 1, 2)
    assert youth.completion_rate == Decimal("0.4000")  # 2 of the 5 pledges of 청년·교육
    assert (_row(report, "daejeon", "지역교류").pledges, _row(report, "daejeon", "지역교류").agreements) == (
        0,
        7,
    )
    assert {r.jurisdiction for r in report.rows} == {"daejeon"}
    assert report.rows[0].is_total and report.year == 2026


def test_status_as_of_before_a_status_was_entered_shows_it_unreported(
    seeded_sqlite: sessionmaker[Session],
) -> None:
    log(seeded_sqlite, "DJ-9-3", NOW + timedelta(days=2), status="정상추진", as_of=date(2026, 11, 24))
    before = _row(_status(seeded_sqlite, NOW + timedelta(days=1)), "daejeon")
    after = _row(_status(seeded_sqlite, NOW + timedelta(days=3)), "daejeon")
    assert (before.statuses["on_track"], before.statuses["unreported"]) == (0, 44)
    assert (after.statuses["on_track"], after.statuses["unreported"]) == (1, 43)


def test_status_counts_pledges_with_overdue_targets_for_every_party(
    seeded_sqlite: sessionmaker[Session],
) -> None:
    report = _status(seeded_sqlite)
    # Daegu: the 14 agendas of 2022 were due 2022-12-31 and none is reported done.
    assert _row(report, "daegu").overdue == 14
    assert _row(report, "daegu", None).statuses["unreported"] == 19
    # Both expos sit under one cooperation area of the Seoul–Sejong agreement: one pledge, both parties.
    assert (_row(report, "seoul").overdue, _row(report, "sejong").overdue) == (1, 1)
    assert _row(report, "daejeon").overdue == 0
    log(seeded_sqlite, "DG-2022-01.done", NOW + timedelta(hours=1), status="done")
    assert _row(_status(seeded_sqlite, NOW + timedelta(hours=2)), "daegu").overdue == 13
    assert _row(_status(seeded_sqlite, NOW + timedelta(minutes=30)), "daegu").overdue == 14


def test_status_counts_pledges_at_risk_beside_their_category(seeded_sqlite: sessionmaker[Session]) -> None:
    log(
        seeded_sqlite,
        "DJ-9-3.youth-housing",
        NOW - timedelta(days=60),
        value=Decimal(100),
        as_of=date(2026, 9, 20),
    )
    log(seeded_sqlite, "DJ-9-3.youth-housing", NOW, value=Decimal(200), as_of=date(2026, 11, 20))
    report = _status(seeded_sqlite, NOW + timedelta(hours=1))
    # 100 more in two months projects about 2,500 by 2030-06-30, short of the 5,000 target.
    assert _row(report, "daejeon").at_risk == 1
    assert _row(report, "daejeon", "청년·교육").at_risk == 1
    assert _row(report, "daejeon", "과학·산업").at_risk == 0
