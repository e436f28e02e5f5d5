"""`monitor report budget`: planned vs secured vs executed for the Gwangju Seo-gu investment plan
(seeds/gwangju-seo-investment-plan.yaml), figures computed by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from monitor.reports import BudgetReport, build_report
from monitor.reports.budget import BudgetLine
from tests.factories import NOW, SEOUL, load_shipped_seeds, log, migrated_engine, sessions_for


@pytest.fixture
def seeded_sqlite(sqlite_url: str) -> Iterator[sessionmaker[Session]]:
    """The shipped seeds on SQLite only: for behaviour the database does not change."""
    engine = migrated_engine(sqlite_url)
    sessions = sessions_for(engine)
    load_shipped_seeds(sessions)
    yield sessions
    engine.dispose()


def _budget(sessions: sessionmaker[Session], at: datetime, jurisdiction: str | None = None) -> BudgetReport:
    with sessions() as session:
        report = build_report(session, "budget", as_of=at, tz=SEOUL, lang="ko", jurisdiction=jurisdiction)
    assert isinstance(report, BudgetReport)
    return report


def _d(*figures: int | str) -> tuple[Decimal, ...]:
    return tuple(Decimal(f) for f in figures)


def _line(report: BudgetReport, code: str) -> BudgetLine:
    return next(line for line in report.lines if line.code == code)


def _log_seogu_1_1(sessions: sessionmaker[Session]) -> None:
    """SEOGU-1-1 (우리동네 마을정부 기능 강화): 565 / 515 / 425 / 425 planned for 2022~2023 … 2026."""
    log(sessions, "SEOGU-1-1.2024", NOW, secured=Decimal(515), executed=Decimal(500), as_of=date(2025, 1, 15))
    # 2025 is reported on one item only; the line takes what its items reported.
    log(
        sessions,
        "SEOGU-1-1-1.2025",
        NOW,
        secured=Decimal(270),
        executed=Decimal(200),
        as_of=date(2026, 1, 20),
    )


def test_budget_rates_per_line_and_year_for_gwangju_seo(seeded: sessionmaker[Session]) -> None:
    _log_seogu_1_1(seeded)
    report = _budget(seeded, NOW + timedelta(hours=1), "gwangju-seo")
    assert report.columns == ["2022~2023", "2024", "2025", "2026"]
    line = _line(report, "SEOGU-1-1")
    year_2024, year_2025 = line.cell("2024"), line.cell("2025")
    assert year_2024 is not None and year_2025 is not None
    assert (year_2024.planned, year_2024.secured, year_2024.executed) == _d(515, 515, 500)
    assert (year_2024.securing_rate, year_2024.execution_rate) == (Decimal("1.0000"), Decimal("0.9709"))
    assert (year_2025.planned, year_2025.secured, year_2025.executed) == _d(425, 270, 200)
    assert (year_2025.securing_rate, year_2025.execution_rate) == (Decimal("0.6353"), Decimal("0.4706"))
    # The line itself reported nothing for 2025, so the budget rule still calls it unreported.
    assert year_2025.state == "unreported" and year_2024.state == "achieved"  # 500 ≥ 515 × 0.9
    # The whole line: 565 + 515 + 425 + 425 = 1,930 planned (as published), 785 secured, 700 executed.
    assert (line.planned, line.published_total, line.secured, line.executed) == _d(1930, 1930, 785, 700)
    assert (line.securing_rate, line.execution_rate) == (Decimal("0.4067"), Decimal("0.3627"))
    assert _line(report, "SEOGU-1-1-1").depth == 1 and line.depth == 0
    assert _line(report, "SEOGU-1-2").secured is None  # nothing reported is not zero
    totals = {t.column: t for t in report.totals}
    # Top-level lines of 2024 add up to 22,434.76 (as published); 515 of it secured.
    assert (totals["2024"].planned, totals["2024"].secured) == _d("22434.76", 515)
    assert totals["2024"].securing_rate == Decimal("0.0230")
    assert (totals["2025"].secured, totals["2025"].executed) == _d(270, 200)
    # The whole table (`monitor metrics`): 124,667.42 planned, 785 secured → 0.63 %.
    assert (totals[None].planned, totals[None].secured) == _d("124667.42", 785)
    assert (totals[None].securing_rate, totals[None].execution_rate) == (Decimal("0.0063"), Decimal("0.0056"))


def test_budget_lists_the_published_tables_findings(seeded_sqlite: sessionmaker[Session]) -> None:
    report = _budget(seeded_sqlite, NOW, "gwangju-seo")
    found = [(f.rule, f.column, f.published, f.computed, f.difference) for f in report.findings]
    assert found == [
        ("budget_row_total", "총계", "124667.42", "124667.16", "-0.26"),
        ("budget_published_total", "2022~2023", "57421.4", "57421.35", "-0.05"),
        ("budget_published_total", "2025", "24348", "24348.31", "0.31"),
    ]
    assert "124,667.16" in report.findings[0].message
    assert _budget(seeded_sqlite, NOW, "daejeon").findings == []  # Daejeon publishes no budget table


def test_budget_as_of_before_the_execution_was_entered(seeded_sqlite: sessionmaker[Session]) -> None:
    _log_seogu_1_1(seeded_sqlite)
    earlier = _line(_budget(seeded_sqlite, NOW - timedelta(minutes=1), "gwangju-seo"), "SEOGU-1-1")
    assert (earlier.secured, earlier.executed) == (None, None)
    assert earlier.cell("2024").state == "unreported"  # type: ignore[union-attr]
    later = _line(_budget(seeded_sqlite, NOW, "gwangju-seo"), "SEOGU-1-1")
    assert later.cell("2024").state == "achieved"  # type: ignore[union-attr]


def test_budget_of_a_city_covers_its_districts_table(seeded_sqlite: sessionmaker[Session]) -> None:
    _log_seogu_1_1(seeded_sqlite)
    district = _budget(seeded_sqlite, NOW, "gwangju-seo")
    city = _budget(seeded_sqlite, NOW, "gwangju")
    assert city.lines == district.lines and len(city.lines) > 50
    assert city.totals == district.totals and city.findings == district.findings
    assert (city.header.jurisdictions, city.header.jurisdiction_name) == (
        ("gwangju", "gwangju-seo"),
        "광주광역시 (광주광역시 서구 포함)",
    )
    assert _budget(seeded_sqlite, NOW, "daegu").lines == []  # Daegu's agendas plan no budget
