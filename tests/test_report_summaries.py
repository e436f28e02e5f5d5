"""The SQL report summaries the rules see: time travel by entry time, corrections, trend sums, statuses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import models as m
from monitor.evaluation.summaries import load_summaries
from monitor.rules import ReportSummary
from monitor.rules.milestone import day_number
from tests.factories import log

T0 = datetime(2027, 1, 10, tzinfo=UTC)


def _maybe(sessions: sessionmaker[Session], code: str, now: datetime) -> ReportSummary | None:
    with sessions() as session:
        milestone = session.scalar(select(m.Milestone).where(m.Milestone.code == code))
        assert milestone is not None
        return load_summaries(session, now, [milestone.commitment_id]).get(milestone.id)


def _summary(sessions: sessionmaker[Session], code: str, now: datetime) -> ReportSummary:
    found = _maybe(sessions, code, now)
    assert found is not None
    return found


def test_only_reports_entered_by_the_instant_count(seeded: sessionmaker[Session]) -> None:
    log(seeded, "DJ-9-3.youth-housing", T0, value=Decimal(100), as_of=date(2027, 1, 5))
    log(seeded, "DJ-9-3.youth-housing", T0 + timedelta(days=30), value=Decimal(300), as_of=date(2027, 2, 5))
    assert _maybe(seeded, "DJ-9-3.youth-housing", T0 - timedelta(seconds=1)) is None
    early = _summary(seeded, "DJ-9-3.youth-housing", T0)
    late = _summary(seeded, "DJ-9-3.youth-housing", T0 + timedelta(days=31))
    assert (early.count, early.max_value) == (1, Decimal(100))
    assert (late.count, late.max_value, late.last_as_of) == (2, Decimal(300), date(2027, 2, 5))
    assert late.last_entered_at == T0 + timedelta(days=30)


def test_corrected_report_no_longer_counts_once_the_correction_is_entered(
    seeded: sessionmaker[Session],
) -> None:
    log(seeded, "DJ-9-3.youth-housing", T0, value=Decimal(900), as_of=date(2027, 1, 5))
    log(
        seeded,
        "DJ-9-3.youth-housing",
        T0 + timedelta(days=1),
        value=Decimal(90),
        as_of=date(2027, 1, 5),
        correction=True,
    )
    assert _summary(seeded, "DJ-9-3.youth-housing", T0).max_value == Decimal(900)
    assert _summary(seeded, "DJ-9-3.youth-housing", T0 + timedelta(days=2)).max_value == Decimal(90)


def test_trend_sums_match_the_reports(seeded: sessionmaker[Session]) -> None:
    points = [(date(2027, 1, 5), 100), (date(2027, 7, 5), 400), (date(2028, 1, 5), 1000)]
    for offset, (as_of, value) in enumerate(points):
        log(
            seeded,
            "DJ-9-3.youth-housing",
            T0 + timedelta(days=400 * offset),
            value=Decimal(value),
            as_of=as_of,
        )
    summary = _summary(seeded, "DJ-9-3.youth-housing", T0 + timedelta(days=1000))
    xs = [day_number(d) for d, _ in points]
    assert summary.trend is not None and summary.trend.n == 3
    assert summary.trend.sum_x == pytest.approx(sum(xs))
    assert summary.trend.sum_y == pytest.approx(1500)
    assert summary.trend.sum_xy == pytest.approx(sum(x * y for x, (_, y) in zip(xs, points, strict=True)))


def test_statuses_and_budget_amounts(seeded: sessionmaker[Session]) -> None:
    log(seeded, "SEOUL-SEJONG-2023.signing", T0, status="held")
    log(seeded, "SEOGU-1-1.2024", T0, executed=Decimal("400.5"), secured=Decimal(515))
    assert _summary(seeded, "SEOUL-SEJONG-2023.signing", T0).statuses == frozenset({"held"})
    tranche = _summary(seeded, "SEOGU-1-1.2024", T0)
    assert (tranche.max_executed, tranche.max_secured) == (Decimal("400.5"), Decimal(515))


def test_non_cumulative_level_is_the_latest_by_as_of_date(seeded: sessionmaker[Session]) -> None:
    log(seeded, "DJ-6-7-1.weekend-hours", T0, value=Decimal(70), as_of=date(2027, 1, 1))
    log(
        seeded,
        "DJ-6-7-1.weekend-hours",
        T0 + timedelta(days=360),
        value=Decimal(40),
        as_of=date(2027, 12, 31),
    )
    summary = _summary(seeded, "DJ-6-7-1.weekend-hours", T0 + timedelta(days=361))
    assert (summary.max_value, summary.latest_value) == (Decimal(70), Decimal(40))
